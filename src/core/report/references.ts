import { parseLocator, type Locator } from './citations';
import { findDatesInText, formatIsoDate, type PartialDate } from '../metadata/dates';

/**
 * Free-text references as COI and academic authors write them, after a `Source:` label or in a
 * footnote: `Publisher, “Title”, 15 June 2023, p. 45`, `Publisher: X, Author: Y, “Title”, 2021`,
 * `Vatra, interview record, 5 June 2023`. The reading is deliberately literal: a part it cannot place
 * stays unread rather than guessed, because a wrong date or title would give a confidently wrong check.
 */

/** What a reference points at; interviews and correspondence are usually exempt from the research time frame. */
export type ReferenceKind = 'published' | 'interview' | 'correspondence' | 'legislation';

export interface FreeTextReference {
  /** Offsets of this reference in the report. */
  start: number;
  end: number;
  /** The reference as written, with line breaks and runs of spaces folded. */
  text: string;
  /** What stands before the title: publisher and authors as written. */
  contributors?: string;
  publisher?: string;
  authors: string[];
  title?: string;
  /** The publication date the reference states, as an ISO partial date. */
  date?: string;
  /** The date as written, for messages. */
  dateText?: string;
  /** The reference says `undated` or `n.d.`. */
  undated: boolean;
  locator?: Locator;
  kind: ReferenceKind;
}

const anyMark = /[\u201C\u201D\u201E\u00AB\u00BB"]/g;

const interviewCue = /\binterview(?:s|ed)?\b/i;
const correspondenceCue =
  /\b(?:written\s+(?:communication|clarifications?|correspondence|submission|response|answers?|input)|e-?mail(?:\s+(?:communication|correspondence|exchange))?|correspondence|communication\s+with|letter\s+to)\b/i;
const legislationTitle = /^(?:the\s+)?(?:law|act|decree|ordinance|regulation|criminal\s+code|penal\s+code|code\s+of|constitution|ligj|ligji|vendim|dekret|kodi)\b/i;
const undatedCue = /^(?:undated|no\s+date|n\.\s?d\.?|s\.\s?d\.?)$/i;
const pageLocatorStart = /(?<![\p{L}\p{N}])(?:pp?\.?|pages?|pg\.?|para(?:graph)?s?\.?)\s*(?=[\divxlcdm]+\b)/iu;

/** A reference is at most this long: a `Source:` line with no end in sight is cut here, never read on for ever. */
export const maxReferenceLength = 1200;

/**
 * Reads the text after a `Source:` label or in a footnote; `offset` is where `text` starts in the report.
 * Several references in one line, separated by `;`, are read one by one.
 */
export function parseReferences(text: string, offset: number): FreeTextReference[] {
  let known = readReferences.get(text);
  if (!known) {
    known = [];
    for (const [start, end] of splitReferences(text)) {
      const parsed = parseReference(text.slice(start, end), start);
      if (parsed) known.push(parsed);
    }
    if (readReferences.size >= maxRemembered) readReferences.clear();
    readReferences.set(text, known);
  }
  return known.map((reference) => ({ ...reference, authors: [...reference.authors], start: reference.start + offset, end: reference.end + offset }));
}

/**
 * References already read, by their text: a report is checked again after every pause in typing, and
 * its hundreds of `Source:` lines are the same each time. Bounded, so no report grows it without end.
 */
const readReferences = new Map<string, FreeTextReference[]>();
const maxRemembered = 10_000;

/**
 * Splits at `;` outside quote marks and brackets, except where what follows is no reference of its own
 * (`pp. 13; 25`). A run of interview or correspondence references written with commas only (`X, written
 * communication with Asylos, 29 June 2023, Y, written communication with Asylos, 21 June 2023`) is split
 * after each date that ends one of them.
 */
function splitReferences(text: string): [number, number][] {
  const parts: [number, number][] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '(' || char === '[') depth++;
    else if ((char === ')' || char === ']') && depth > 0) depth--;
    else if (char === '\u201C' || char === '\u201E') quoted = true;
    else if (char === '\u201D') quoted = false;
    else if (char === ';' && depth === 0 && !quoted) {
      const rest = text.slice(index + 1);
      if (/^\s*(?:\d|[ivxlc]+\b|and\b|$)/i.test(rest)) continue;
      parts.push([start, index]);
      start = index + 1;
    }
  }
  parts.push([start, text.length]);
  return parts.flatMap(([from, to]) => splitAfterDates(text, from, to));
}

function splitAfterDates(text: string, from: number, to: number): [number, number][] {
  const part = text.slice(from, to);
  const parts: [number, number][] = [];
  let start = 0;
  for (const found of findDatesInText(part)) {
    const dateEnd = found.index + found.length;
    if (found.date.day === undefined || dateEnd <= start) continue;
    const head = part.slice(start, found.index);
    const rest = part.slice(dateEnd);
    // Only unpublished material is run together like this; a published reference has a title in quotes.
    if (!(interviewCue.test(head) || correspondenceCue.test(head)) || /[\u201C\u201D"]/.test(head)) continue;
    if (!/^\s*,\s*\p{Lu}/u.test(rest) || !(interviewCue.test(rest) || correspondenceCue.test(rest))) continue;
    parts.push([from + start, from + dateEnd]);
    start = dateEnd + /^\s*,/.exec(rest)![0].length;
  }
  parts.push([from + start, to]);
  return parts;
}

function parseReference(raw: string, offset: number): FreeTextReference | undefined {
  const lead = /^[\s,;:.]*/.exec(raw)![0].length;
  const trail = /[\s,;.]*$/.exec(raw.slice(lead))![0].length;
  const body = raw.slice(lead, raw.length - trail);
  if (!/[\p{L}\p{N}]/u.test(body)) return undefined;
  const text = fold(body);
  const title = findTitle(text);
  const before = title ? text.slice(0, title.start) : undefined;
  const after = title ? text.slice(title.end) : text;
  const contributorsText = title ? before! : firstSegment(text);
  const tail = title ? after : text.slice(contributorsText.length);
  const contributors = parseContributors(contributorsText);

  const { locator, rest } = extractLocator(tail);
  const dating = findReferenceDate(rest);
  const segmentTitle = title ? undefined : untitledTitle(rest, dating.dateText);
  const titleText = title?.text ?? segmentTitle;
  const unlabelled = contributorsText + ' ' + rest;
  const kind: ReferenceKind =
    interviewCue.test(unlabelled) ? 'interview' : correspondenceCue.test(unlabelled) ? 'correspondence' : titleText && legislationTitle.test(titleText) ? 'legislation' : 'published';

  return {
    start: offset + lead,
    end: offset + lead + body.length,
    text,
    contributors: contributorsText.replace(/[\s,:;.]+$/, '').trim() || undefined,
    publisher: contributors.publisher,
    authors: contributors.authors,
    title: titleText,
    date: dating.date,
    dateText: dating.dateText,
    undated: dating.undated,
    locator,
    kind,
  };
}

function fold(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The title runs from the first quote mark to the mark that closes it, counting nested marks
 * (`“… “viktima” edhe fëmijët!”`), whatever the first mark's direction: authors mix them (`IOM,”IOM
 * Strategy …”`). When the marks never balance, the title ends at the last mark; with a single mark, at
 * the next segment that is a date or a locator.
 */
function findTitle(text: string): { start: number; end: number; text: string } | undefined {
  const marks = [...text.matchAll(anyMark)].map((match) => match.index);
  if (marks.length === 0) return undefined;
  const first = marks[0];
  if (marks.length >= 2) {
    const close = closingMark(text, marks);
    const inner = text.slice(first + 1, close).replace(/[,.\s]+$/, '').trim();
    if (inner) return { start: first, end: close + 1, text: inner };
  }
  const rest = text.slice(first + 1);
  const segments = rest.split(/,\s*/);
  let length = 0;
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index];
    if (index > 0 && (segmentDate(segment) || pageLocatorStart.test(segment) || undatedCue.test(segment.trim()))) break;
    length += segment.length + (index < segments.length - 1 ? 1 : 0);
  }
  const inner = rest.slice(0, length).replace(/[,.\s]+$/, '').trim();
  return inner ? { start: first, end: first + 1 + length, text: inner } : undefined;
}

function closingMark(text: string, marks: number[]): number {
  if (text[marks[0]] === '"') return marks.find((at, index) => index > 0 && text[at] === '"') ?? marks[marks.length - 1];
  let depth = 1;
  for (let index = 1; index < marks.length; index++) {
    const mark = text[marks[index]];
    if (mark === '\u201C' || mark === '\u201E' || mark === '\u00AB') depth++;
    else depth--;
    if (depth === 0) return marks[index];
  }
  return marks[marks.length - 1];
}

function firstSegment(text: string): string {
  const comma = text.indexOf(',');
  return comma === -1 ? text : text.slice(0, comma + 1);
}

/** `Publisher: X, Author: Y`, `Y (Author), X (publisher)`, or names and organisations as a list. */
function parseContributors(text: string): { publisher?: string; authors: string[] } {
  const cleaned = text.replace(/[\s,:;.]+$/, '').trim();
  if (!cleaned) return { authors: [] };
  const labelled = /(?:^|,\s*)(publisher|authors?)\s*:\s*/gi;
  const labels = [...cleaned.matchAll(labelled)];
  if (labels.length > 0) {
    let publisher: string | undefined;
    const authors: string[] = [];
    labels.forEach((label, index) => {
      const valueStart = label.index + label[0].length;
      const valueEnd = index + 1 < labels.length ? labels[index + 1].index : cleaned.length;
      const value = cleaned.slice(valueStart, valueEnd).trim();
      if (!value) return;
      if (label[1].toLowerCase() === 'publisher') publisher = value;
      else authors.push(...splitNames(value));
    });
    return { publisher, authors };
  }
  const roles = [...cleaned.matchAll(/([^,]+?)\s*\((author|publisher)s?\)/gi)];
  if (roles.length > 0) {
    const publisher = roles.find((role) => role[2].toLowerCase() === 'publisher')?.[1].trim();
    const authors = roles.filter((role) => role[2].toLowerCase() === 'author').map((role) => role[1].trim());
    return { publisher, authors };
  }
  return { authors: splitNames(cleaned) };
}

function splitNames(text: string): string[] {
  return text
    .split(/\s*,\s*(?:and\s+)?|\s+and\s+/)
    .map((name) => name.trim())
    .filter(Boolean);
}

/** The locator (`p. 45`, `pp. 7 and 10`, `pp. 13; 25`, `p 58`) and the text without it. */
function extractLocator(tail: string): { locator?: Locator; rest: string } {
  const start = pageLocatorStart.exec(tail);
  if (!start) return { rest: tail };
  const from = start.index;
  const run = /^(?:pp?\.?|pages?|pg\.?|para(?:graph)?s?\.?)\s*(?:[\divxlcdm]+(?:\s*(?:--?|–|—)\s*[\divxlcdm]+)?(?:\s*(?:,|;|&|and)\s*(?=\d)(?!(?:19|20)\d\d\b)|\s*$|(?=[\s,.]))?)+/i.exec(
    tail.slice(from),
  );
  if (!run) return { rest: tail };
  const written = run[0].replace(/[\s,;&]+$/, '').replace(/\s+and\s*$/i, '');
  const normalized = written
    .replace(/;/g, ',')
    .replace(/^(pp?|pg)\.?\s*/i, (_match, term: string) => `${term.toLowerCase() === 'pp' ? 'pp' : 'p'}. `)
    .replace(/\s*(?:--?|–|—)\s*/g, '-')
    // In free text "pp. 7 and 10" is two pages; in a Pandoc citation pandoc ends the locator at "and".
    .replace(/\s+(?:and|&)\s+/gi, ', ');
  const locator = parseLocator(normalized);
  const rest = tail.slice(0, from) + ' '.repeat(written.length) + tail.slice(from + written.length);
  return locator ? { locator: { ...locator, text: written.trim() }, rest } : { rest: tail };
}

/** A segment that is a date and nothing else: `15 June 2023`, `October 2022`, `2022`, `June-July 2021`. */
function segmentDate(segment: string): { date: PartialDate; text: string } | undefined {
  const trimmed = segment.replace(/^[\s.:;]+|[\s.:;]+$/g, '');
  if (!trimmed) return undefined;
  const year = /^(?:dated\s+|published\s+)?((?:19|20)\d\d)$/i.exec(trimmed);
  if (year) return { date: { year: Number(year[1]) }, text: year[1] };
  const dates = findDatesInText(trimmed);
  const last = dates[dates.length - 1];
  if (!last) return undefined;
  const leftover = trimmed.slice(0, last.index) + trimmed.slice(last.index + last.length);
  // What may stand beside the date: `dated`, a month or day range's first half (`June-`), punctuation.
  if (!/^(?:\s*(?:dated|published|on|updated|accessed))?[\s\p{P}]*(?:\p{L}+\.?|\d{1,2})?\s*[-–/]?\s*$/iu.test(leftover)) return undefined;
  if (/^(?:updated|accessed|retrieved|viewed)/i.test(trimmed)) return undefined;
  return { date: last.date, text: trimmed };
}

/** The publication date of a reference: the last segment after the title that is a date, or `undated`. */
function findReferenceDate(tail: string): { date?: string; dateText?: string; undated: boolean } {
  const segments = tail.split(/,\s*/);
  let found: { date: PartialDate; text: string } | undefined;
  let undated = false;
  for (const segment of segments) {
    if (undatedCue.test(segment.trim())) undated = true;
    const date = segmentDate(segment);
    if (date) found = date;
  }
  if (!found) {
    // `“Title” 2022` or `… June-July 2021 p. 6`: a date that closes the tail without a comma before it.
    const dates = findDatesInText(tail);
    const last = dates[dates.length - 1];
    if (last && !/[\p{L}\p{N}]/u.test(tail.slice(last.index + last.length))) found = { date: last.date, text: tail.slice(last.index, last.index + last.length) };
    const year = /(?:^|[\s,])((?:19|20)\d\d)[\s.,]*$/.exec(tail);
    if (!found && year) found = { date: { year: Number(year[1]) }, text: year[1] };
  }
  if (!found) return { undated };
  return { date: formatIsoDate(found.date), dateText: found.text.trim(), undated: false };
}

/** Without quote marks, the title is the segments between the contributors and the date. */
function untitledTitle(rest: string, dateText: string | undefined): string | undefined {
  const segments = rest
    .split(/,\s*/)
    .map((segment) => segment.trim())
    .filter((segment) => segment && !/^\s*$/.test(segment));
  const kept = segments.filter(
    (segment) => segment !== dateText && !segmentDate(segment) && !undatedCue.test(segment) && !interviewCue.test(segment) && !correspondenceCue.test(segment),
  );
  const title = kept.join(', ').trim();
  return title.length >= 3 && /\p{L}{3}/u.test(title) ? title : undefined;
}

/**
 * A paragraph that is a reference and nothing else, `UK Home Office, “Title”, December 2022, pp. 84-86`,
 * as some reports write one under a quote without a `Source:` label: who, a quoted title, a date or
 * `undated`, a locator, and no sentence around them.
 */
export function isBareReference(paragraph: string): boolean {
  const text = fold(paragraph);
  if (text.length > 400 || !/^[\p{Lu}\p{N}]/u.test(text)) return false;
  const title = findTitle(text);
  if (!title || title.start === 0 || title.start > 200) return false;
  const before = text.slice(0, title.start);
  if (!/,\s*$/.test(before) || /[.!?:]\s/.test(before)) return false;
  const { rest } = extractLocator(text.slice(title.end));
  const dating = findReferenceDate(rest);
  if (!dating.date && !dating.undated) return false;
  const leftover = rest.replace(dating.dateText ?? 'undated', '').replace(/[\s\p{P}]+/gu, ' ').trim();
  return leftover.length <= 60;
}

/** Whether free text in a footnote reads as a reference at all, rather than a remark. */
export function looksLikeReference(reference: FreeTextReference): boolean {
  return Boolean(reference.title && /[\u201C\u201D\u201E"]/.test(reference.text)) || Boolean(reference.date) || reference.undated || reference.kind !== 'published';
}

/** `“Title” (Publisher, 15 June 2023)`: a reference named in a message. */
export function describeReference(reference: FreeTextReference): string {
  const what = reference.title ? `\u201C${reference.title}\u201D` : reference.contributors ?? reference.text;
  const extras = [reference.title ? reference.contributors : undefined, reference.date ? formatReferenceDate(reference.date) : undefined].filter(Boolean);
  return extras.length ? `${what} (${extras.join(', ')})` : what;
}

/** `Publisher, “Title”, 15 June 2023, p. 45`: how a source is written as a COI reference. */
export function formatCoiReference(fields: { author?: string[]; publisher?: string; title?: string; date?: string }, locator?: string): string {
  const who = [fields.publisher, ...(fields.author ?? [])].filter((name, index, all): name is string => Boolean(name) && all.indexOf(name) === index).join(', ');
  const parts = [who, fields.title ? `\u201C${fields.title}\u201D` : undefined, fields.date ? formatReferenceDate(fields.date) : 'undated', locator];
  return parts.filter(Boolean).join(', ');
}

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `2023-06-15` → `15 June 2023`, as COI references write dates. */
function formatReferenceDate(iso: string): string {
  const [year, month, day] = iso.split('-').map(Number);
  if (!month) return String(year);
  return [day, monthNames[month - 1], year].filter((part) => part !== undefined).join(' ');
}
