import * as path from 'node:path';
import { findDateInText, inferPublicationDate, type Confidence } from './dates';
import { detectLanguage, languageSampleChars } from './language';
import type { Source } from '../corpus/source';

/** A citation key from a file name: "Asylos 2023 – Albania.md" becomes "asylos-2023-albania". */
export function keyFromFileName(relativePath: string): string {
  const base = path.posix.basename(relativePath).replace(/\.[^.]+$/, '');
  const slug = base
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .replace(/-{2,}/g, '-');
  return slug || 'source';
}

/**
 * Headings that open a section of any document rather than name one: a text that starts with
 * 'Abstract' or 'Executive summary' has lost its title page, and the heading is no title.
 */
const genericHeading = new RegExp(
  '^(?:(?:\\d+(?:\\.\\d+)*|[ivxlc]+|[a-z])[.)]?\\s+)?(?:' +
    [
      'abstract', 'summary', 'executive summary', 'summary of findings', 'key findings', 'main findings', 'introduction',
      'background', 'context', 'overview', 'contents', 'table of contents', 'foreword', 'preface', 'prologue',
      'acknowledge?ments?', 'methodology', 'methods', 'scope', 'disclaimer', 'copyright', 'dedication', 'declaration',
      'approval page', 'glossary', 'acronyms', 'abbreviations', '(?:list of )?(?:acronyms|abbreviations|figures|tables)(?: and \\w+)?',
      'references', 'bibliography', 'works cited', 'sources', 'notes', 'endnotes', 'footnotes', 'conclusions?', 'recommendations',
      'appendix(?: \\w+)?', 'annexe?(?: \\w+)?', 'chapter \\w+', 'part \\w+', 'about (?:this|the) (?:report|study|paper)',
      'hyrje', 'p[eë]rmbledhje(?: ekzekutive)?', 'parath[eë]nie', 'p[eë]rmbajtja', 'abstrakt', 'falenderime', 'metodologjia',
    ].join('|') +
    ')[.:]?$',
  'iu',
);

/**
 * A line of running prose is no title: titles are short, do not end a sentence, and a long line whose
 * next line goes on in lower case is the first line of a hard-wrapped paragraph. Headings are
 * not judged this way: one may start in lower case ('# iOS security').
 */
function readsLikeProse(line: string, nextLine: string | undefined): boolean {
  const words = line.split(' ').length;
  // A line that starts in lower case, or breaks a word at its end, continues or is continued by prose.
  if (/^\p{Ll}/u.test(line) || /\p{L}-$/u.test(line)) return true;
  return words > 30 || (words > 12 && (/[.!?…]["'’”]?$/.test(line) || /^\p{Ll}/u.test(nextLine ?? '')));
}

interface InferredTitle {
  title: string;
  line: number;
  cue: string;
  confidence: Confidence;
}

/** How many lines of a text a title is looked for in. */
const titleLines = 400;

/**
 * The first heading near the top, else the first line that reads like a title (not a bare date, page
 * number, section heading or sentence), cleaned of Markdown emphasis. A title line ending in a colon
 * continues on the next. Better no title, so the key shows, than a section heading shown as the title.
 */
function inferTitle(text: string): InferredTitle | undefined {
  const lines = text.split('\n', titleLines);
  const candidates: { text: string; line: number; heading: boolean; nextLine?: string }[] = [];
  for (let index = 0; index < lines.length && candidates.length < 6; index++) {
    const heading = /^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(lines[index]);
    const title = cleanTitle(heading ? heading[1] : lines[index]);
    if (!title) continue;
    const previous = candidates[candidates.length - 1];
    if (previous && previous.nextLine === undefined) previous.nextLine = title;
    if (/\p{L}/u.test(title)) candidates.push({ text: title, line: index + 1, heading: Boolean(heading) });
  }
  const usable = candidates
    .slice(0, 5)
    .filter((candidate) => !genericHeading.test(candidate.text) && (candidate.heading || !readsLikeProse(candidate.text, candidate.nextLine)));
  const chosen = usable.find((candidate) => candidate.heading) ?? usable.find((candidate) => !looksLikeDate(candidate.text));
  if (!chosen) return undefined;
  let title = chosen.text;
  const next = candidates.find((candidate) => candidate.line > chosen.line);
  if (title.endsWith(':') && next && !next.heading) title = `${title} ${next.text}`;
  return {
    title: title.length > 200 ? `${title.slice(0, 197).replace(/\s+\S*$/, '')}…` : title,
    line: chosen.line,
    cue: chosen.heading ? 'first heading' : 'first line',
    confidence: chosen.heading ? 'medium' : 'low',
  };
}

function titleFromLayout(printed: string, text: string): InferredTitle | undefined {
  const title = cleanTitle(printed);
  if (genericHeading.test(title) || looksLikeDate(title)) return undefined;
  const opening = title.slice(0, 24);
  const line = text.split('\n', titleLines).findIndex((candidate) => candidate.includes(opening));
  return {
    title: title.length > 200 ? `${title.slice(0, 197).replace(/\s+\S*$/, '')}…` : title,
    line: line === -1 ? 1 : line + 1,
    cue: 'largest text on page 1',
    confidence: 'medium',
  };
}

function looksLikeDate(line: string): boolean {
  const match = findDateInText(line);
  return match !== undefined && (line.slice(0, match.index) + line.slice(match.index + match.length)).replace(/[\s,.]/g, '').length < 4;
}

function cleanTitle(line: string): string {
  const cleaned = line
    .replace(/\[bookmark:[^\]]*\]/g, '')
    .replace(/[*_`]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned;
}

/** An inferred value with its evidence: the line and the cue it was read from, and how far to trust it. */
interface Inferred {
  value: string;
  line: number;
  cue: string;
  confidence: Confidence;
}

interface InferredMetadata {
  key: string;
  title?: Inferred;
  date?: Inferred;
  language?: string;
}

/**
 * What inference reads from a text: everything, or its key and title alone, which is all that decides
 * keys and which sources a free-text reference is compared with. The date and the language are most of
 * inference's cost (a date may even need the whole text decoded), so a cold check infers them only for
 * the sources whose dates can change its findings.
 */
export type InferenceScope = 'all' | 'key-and-title';

/**
 * What a source's text says about itself. `printedTitle` is a PDF's first-page text in the largest type
 * (`ExtractedDocument.printedTitle`): a title page's title, better evidence than the text's first line
 * unless it is a section heading or a date.
 */
export function inferMetadata(
  relativePath: string,
  text: string,
  printedTitle?: string,
  /** The whole text, when `text` is an opening of it that `inferenceFitsIn`: only a date's plausibility is judged on the whole. */
  wholeText?: () => string,
  scope: InferenceScope = 'all',
): InferredMetadata {
  const title = (printedTitle && titleFromLayout(printedTitle, text)) || inferTitle(text);
  const date = scope === 'all' ? inferPublicationDate(text, undefined, wholeText) : undefined;
  const language = scope === 'all' ? detectLanguage(text) : undefined;
  return {
    key: keyFromFileName(relativePath),
    title: title && { value: title.title, line: title.line, cue: title.cue, confidence: title.confidence },
    date: date && { value: date.date, line: date.line, cue: date.cue, confidence: date.confidence },
    language,
  };
}

/**
 * Whether `inferMetadata` reads nothing of a text past this opening of it but what it asks `wholeText`
 * for: the lines a title and a date are looked for in (the date's 40 within the title's 400) and the
 * language's sample all lie within it. The opening must end just after a line break.
 */
export function inferenceFitsIn(opening: string): boolean {
  // titleLines line breaks, so that the last of the lines split off is whole.
  return opening.length >= languageSampleChars && opening.split('\n', titleLines + 1).length > titleLines;
}

/**
 * A source's date as hovers and completion show it: an inferred date says where it was read and, when it
 * is weak, that it is ('2022, inferred from line 27, low confidence'), so that nobody takes a guess for a fact.
 */
export function describeDate(source: Pick<Source, 'metadata' | 'provenance'>): string | undefined {
  const date = source.metadata.date;
  const evidence = source.provenance.date;
  if (!date || evidence?.origin !== 'inferred') return date;
  const where = evidence.line !== undefined ? `inferred from line ${evidence.line}` : `inferred from ${evidence.cue ?? 'the text'}`;
  return `${date}, ${where}${evidence.confidence === 'low' ? ', low confidence' : ''}`;
}
