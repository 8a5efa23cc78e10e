/** What text extraction gives for one source document, whatever its format. */
export interface ExtractedDocument {
  /** Text of each page in reading order; a format without pages gives one entry. */
  pages: string[];
  /** The page labels the document declares (e.g. 'iv', '35'), one per page; absent when it declares none. */
  pageLabels?: string[];
  /** Document properties: PDF Info dictionary / XMP, DOCX docProps/core.xml. Dates as ISO 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'. */
  properties: { title?: string; author?: string[]; date?: string; language?: string };
  /** The title a PDF's first page prints in its largest type, for when its properties give none; inference judges it. */
  printedTitle?: string;
}

/**
 * Why a document gave no text: `no-text` (e.g. a scan without a text layer), `encrypted` (needs a password),
 * `damaged` (not readable as its format), `too-large` (over a size limit set by the caller).
 */
type ExtractionFailure = 'no-text' | 'encrypted' | 'damaged' | 'too-large';

/** A failure whose message is written for the researcher who put the file in the corpus. */
export class ExtractionError extends Error {
  constructor(
    readonly failure: ExtractionFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ExtractionError';
  }
}

/** 'D:20220921103000+02'00'' (PDF) or '2022-09-21T10:30:00Z' (ISO, as in docProps) → '2022-09-21'; partial dates keep their precision. */
export function normalizeDocumentDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const match = /^\s*(?:D:)?(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?/.exec(value);
  if (!match) return undefined;
  const [, year, month, day] = match;
  if (year === '0000') return undefined;
  if (month === undefined) return year;
  const monthNumber = Number(month);
  if (monthNumber < 1 || monthNumber > 12) return year;
  if (day === undefined) return `${year}-${month}`;
  const dayNumber = Number(day);
  const daysInMonth = new Date(Date.UTC(Number(year), monthNumber, 0)).getUTCDate();
  if (dayNumber < 1 || dayNumber > daysInMonth) return `${year}-${month}`;
  return `${year}-${month}-${day}`;
}

/** One author per ';'-separated entry; commas stay because they separate family and given names. */
export function splitAuthors(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const authors = (Array.isArray(value) ? value : [value])
    .flatMap((entry) => entry.split(';'))
    .map((entry) => entry.replace(/\s+/g, ' ').trim())
    .filter((entry) => entry !== '');
  return authors.length ? authors : undefined;
}

/** Trimmed, whitespace collapsed, absent when empty. */
export function cleanProperty(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const cleaned = value.replace(/\s+/g, ' ').trim();
  return cleaned === '' ? undefined : cleaned;
}

/**
 * Titles that word processors and PDF makers write on their own: the file name ('Microsoft Word -
 * draft3.docx', 'report_final.pdf'), a template's placeholder ('Untitled', 'Slide 1', 'Title'). They are
 * no title, and an inferred one is better.
 */
const templateTitle =
  /^(?:microsoft (?:word|powerpoint|excel) - .*|.*\.(?:docx?|pdf|pptx?|xlsx?|rtf|odt|indd|qxp?|txt|html?)|untitled(?:[- ]\w+)?|title|document\s*\d*|slide \d+|presentation\d*|powerpoint presentation|template|draft|no title|\(?anonymous\)?|\d+|[\W_]+)$/i;

/** A document property's title, unless it is template junk. */
export function documentTitle(value: unknown): string | undefined {
  const title = cleanProperty(value);
  return title && !templateTitle.test(title) ? title : undefined;
}
