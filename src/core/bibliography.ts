import { bibtexToCsl, monthNames, nameToString, parseMonth, parseName, plainValue, resolveCrossReferences, type CslDate, type CslItem, type CslName, type RawFields } from './bibtex-csl';
import { latexToUnicode } from './latex-text';
import type { Source, SourceMetadata } from './source';

export { latexToUnicode };
export type { CslItem, CslName };

/**
 * Reading the bibliographies reference managers export (BibTeX/biblatex from Zotero, Better BibTeX,
 * JabRef, Mendeley; CSL-JSON) into source fields, and writing CSL-JSON for Pandoc.
 *
 * Parsing never throws: a bad entry becomes a problem at the line where it starts and the rest still
 * loads, because one broken entry in a 500-entry export must not hide the other 499.
 * Values are returned unvalidated; the caller runs them through SourceFieldsSchema.
 */

export interface BibliographyEntry {
  key: string;
  /** 1-based line where the entry starts in the file. */
  line: number;
  /** Only the fields present; shaped as SourceFieldsSchema input. */
  fields: {
    title?: string;
    author?: string[];
    publisher?: string;
    date?: string;
    language?: string;
    type?: string;
    url?: string;
    derivedFrom?: string[];
  };
  /** Document paths the entry links to, as written in the file (unescaped, not resolved). */
  files: string[];
  /** The entry as pandoc reads it, which `citewise bib` writes out; the fields above are drawn from it. */
  csl: CslItem;
}

export interface BibliographyProblem {
  line: number;
  message: string;
}

export interface ParsedBibliography {
  entries: BibliographyEntry[];
  problems: BibliographyProblem[];
}

// ---------------------------------------------------------------------------------------------
// Shared helpers: lines, dates, languages

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) starts.push(i + 1);
  }
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function formatDate(year: number, month?: number, day?: number): string {
  let out = String(year).padStart(4, '0');
  if (month !== undefined) {
    out += `-${pad2(month)}`;
    if (day !== undefined) out += `-${pad2(day)}`;
  }
  return out;
}

/** Reads the date spellings that turn up in exported metadata; anything else is left unread. */
function parseLooseDate(raw: string): string | undefined {
  const value = raw.trim().replace(/[?~%]/g, '');
  let m = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T\s].*)?$/.exec(value);
  if (m) return checkedDate(m[1], m[2], m[3]);
  m = /^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})$/.exec(value);
  if (m) return checkedDate(m[3], m[2], m[1]);
  m = /^(\d{1,2})(?:st|nd|rd|th)?\.?\s+([A-Za-z]+\.?),?\s+(\d{4})$/.exec(value);
  if (m) return withMonthName(m[3], m[2], m[1]);
  m = /^([A-Za-z]+\.?)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/.exec(value);
  if (m) return withMonthName(m[3], m[1], m[2]);
  m = /^([A-Za-z]+\.?),?\s+(\d{4})$/.exec(value);
  if (m) return withMonthName(m[2], m[1]);
  return undefined;
}

function withMonthName(year: string, monthName: string, day?: string): string | undefined {
  const month = parseMonth(monthName);
  return month === undefined ? undefined : checkedDate(year, String(month), day);
}

function checkedDate(year: string, month?: string, day?: string): string | undefined {
  const y = Number(year);
  const mo = month === undefined ? undefined : Number(month);
  const d = day === undefined ? undefined : Number(day);
  if (mo !== undefined && (mo < 1 || mo > 12)) return undefined;
  if (d !== undefined && (mo === undefined || d < 1 || d > 31)) return undefined;
  return formatDate(y, mo, d);
}

const languageNames: Record<string, string> = {
  english: 'en', american: 'en', british: 'en', ukenglish: 'en', usenglish: 'en', canadian: 'en', australian: 'en',
  albanian: 'sq', shqip: 'sq', french: 'fr', francais: 'fr', 'français': 'fr', german: 'de', ngerman: 'de',
  deutsch: 'de', austrian: 'de', naustrian: 'de', swissgerman: 'de', nswissgerman: 'de', italian: 'it', italiano: 'it',
  spanish: 'es', 'español': 'es', espanol: 'es', portuguese: 'pt', brazilian: 'pt', dutch: 'nl', greek: 'el',
  serbian: 'sr', croatian: 'hr', bosnian: 'bs', macedonian: 'mk', slovenian: 'sl', bulgarian: 'bg', romanian: 'ro',
  turkish: 'tr', russian: 'ru', ukrainian: 'uk', polish: 'pl', czech: 'cs', slovak: 'sk', hungarian: 'hu',
  swedish: 'sv', norwegian: 'no', norsk: 'no', danish: 'da', finnish: 'fi', arabic: 'ar', persian: 'fa', farsi: 'fa',
  kurdish: 'ku', pashto: 'ps', urdu: 'ur', hindi: 'hi', chinese: 'zh', japanese: 'ja', korean: 'ko',
  amharic: 'am', tigrinya: 'ti', somali: 'so', hebrew: 'he', georgian: 'ka', armenian: 'hy',
};

/** ISO 639 code for a language name or code; undefined when it cannot be recognised. */
function toLanguageCode(raw: string): string | undefined {
  // biblatex allows a list ("english and french"); the first language is the document's.
  const first = raw.trim().split(/\s+and\s+|[,;]/)[0].trim().toLowerCase();
  if (!first) return undefined;
  if (languageNames[first]) return languageNames[first];
  if (/^[a-z]{2,3}([-_][a-z0-9]{2,8})*$/.test(first)) return first.replace(/_/g, '-');
  return undefined;
}

function doiToUrl(raw: string): string | undefined {
  const doi = raw.trim().replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, '');
  return doi ? `https://doi.org/${doi}` : undefined;
}

function splitKeys(raw: string): string[] {
  return raw
    .split(/[,;]/)
    .map((key) => key.trim().replace(/^@/, ''))
    .filter(Boolean);
}

// ---------------------------------------------------------------------------------------------
// BibTeX / biblatex

class BibSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const standardMonthMacros: Record<string, string> = Object.fromEntries(
  monthNames.map((name) => [name.slice(0, 3), name[0].toUpperCase() + name.slice(1)]),
);

const entryStartPattern = /@\s*([A-Za-z][\w-]*)\s*([{(])/y;

/** The longest value @string macros may build: far beyond any real field (an abstract runs to a few thousand). */
const maxMacroValueChars = 64 * 1024;
/** The most characters macros may insert in one file, so many values just under the limit stay bounded too. */
const maxMacroExpansionChars = 16 * 1024 * 1024;

interface RawEntry {
  type: string;
  key: string;
  start: number;
  fields: Map<string, string>;
  /** Undefined macros and similar slips that still let the entry load. */
  warnings: string[];
}

class BibReader {
  pos = 0;
  readonly starts: number[];
  readonly macros = new Map<string, string>(Object.entries(standardMonthMacros));
  /** Characters inserted by macros so far in this file, against `maxMacroExpansionChars`. */
  expanded = 0;

  constructor(readonly text: string) {
    this.starts = lineStarts(text);
  }

  line(offset: number): number {
    return lineOf(this.starts, offset);
  }

  atLineStart(offset: number): boolean {
    for (let i = offset - 1; i >= 0; i--) {
      const c = this.text[i];
      if (c === '\n') return true;
      if (c !== ' ' && c !== '\t' && c !== '\r' && c !== '\uFEFF') return false;
    }
    return true;
  }

  /** An `@` that begins an entry: anywhere if it is followed by `type{`, or any `@` at the start of a line. */
  nextEntryStart(from: number): number {
    for (let i = this.text.indexOf('@', from); i >= 0; i = this.text.indexOf('@', i + 1)) {
      if (this.atLineStart(i)) return i;
      entryStartPattern.lastIndex = i;
      if (entryStartPattern.test(this.text)) return i;
    }
    return -1;
  }

  nextLineStartAt(from: number): number {
    for (let i = this.text.indexOf('@', from); i >= 0; i = this.text.indexOf('@', i + 1)) {
      if (this.atLineStart(i)) return i;
    }
    return -1;
  }

  /** A new entry beginning inside a value is the surest sign that a brace or quote was never closed. */
  entryBeginsAt(offset: number): boolean {
    if (this.text[offset] !== '@' || !this.atLineStart(offset)) return false;
    entryStartPattern.lastIndex = offset;
    return entryStartPattern.test(this.text);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  identifier(): string {
    const m = /[^\s"#%'(),={}@]+/y;
    m.lastIndex = this.pos;
    const found = m.exec(this.text);
    if (!found) return '';
    this.pos += found[0].length;
    return found[0];
  }

  /** Reads `part # part # ...` and returns the raw text, braces inside values kept for later passes. */
  value(field: string, entry: RawEntry | undefined): string {
    let result = '';
    for (;;) {
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === '{' || c === '"') {
        result += this.delimited(field);
      } else if (c !== undefined && /\d/.test(c)) {
        const start = this.pos;
        while (this.pos < this.text.length && /\d/.test(this.text[this.pos])) this.pos++;
        result += this.text.slice(start, this.pos);
      } else {
        const name = this.identifier();
        if (!name) {
          throw new BibSyntaxError(`field "${field}" has no value`, this.pos);
        }
        const macro = this.macros.get(name.toLowerCase());
        if (macro === undefined) {
          entry?.warnings.push(`undefined @string macro "${name}" in field "${field}"; its name was used as the value`);
          result += name;
        } else {
          // Macros that concatenate earlier macros double with every level: ten levels in 600 bytes would
          // take gigabytes. A value, and the whole file's expansions, are bounded; past that it is a problem.
          this.expanded += macro.length;
          if (result.length + macro.length > maxMacroValueChars || this.expanded > maxMacroExpansionChars) {
            throw new BibSyntaxError(`@string macro "${name}" expands field "${field}" beyond ${maxMacroValueChars} characters`, this.pos);
          }
          result += macro;
        }
      }
      this.skipSpace();
      if (this.text[this.pos] !== '#') return result;
      this.pos++;
    }
  }

  private delimited(field: string): string {
    const open = this.text[this.pos];
    const valueStart = this.pos;
    let depth = 0;
    let i = this.pos + 1;
    for (; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === '\\') {
        // An escaped brace or quote is text, not structure; Better BibTeX writes literal braces this way.
        i++;
        continue;
      }
      if (c === '\n' && this.entryBeginsAt(this.skipBlanks(i + 1))) break;
      if (c === '{') depth++;
      else if (c === '}') {
        if (depth === 0) {
          if (open === '{') {
            this.pos = i + 1;
            return this.text.slice(valueStart + 1, i);
          }
          throw new BibSyntaxError(`unbalanced braces in field "${field}"`, i);
        }
        depth--;
      } else if (c === '"' && open === '"' && depth === 0) {
        this.pos = i + 1;
        return this.text.slice(valueStart + 1, i);
      }
    }
    const missing = open === '{' ? 'a closing }' : 'a closing "';
    throw new BibSyntaxError(`unbalanced braces in field "${field}": ${missing} is missing`, valueStart);
  }

  private skipBlanks(i: number): number {
    while (i < this.text.length && (this.text[i] === ' ' || this.text[i] === '\t' || this.text[i] === '\r')) i++;
    return i;
  }

  /** Skips a balanced group, for @comment; returns false when it never closes. */
  skipGroup(close: string): boolean {
    const open = close === '}' ? '{' : '(';
    let depth = 1;
    for (let i = this.pos; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === open) depth++;
      else if (c === close && --depth === 0) {
        this.pos = i + 1;
        return true;
      }
    }
    return false;
  }

  /** After a field: a comma, the closing delimiter, or a sign that the entry was left open. */
  expectSeparator(close: string, after: string): void {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === ',' || c === close) return;
    if (c === undefined) throw new BibSyntaxError(`entry is not terminated: a closing ${close} is missing`, this.pos);
    if (c === '@' && this.atLineStart(this.pos)) {
      throw new BibSyntaxError(`entry is not terminated: a closing ${close} is missing before the next entry`, this.pos);
    }
    throw new BibSyntaxError(`expected "," or "${close}" after ${after}, found "${c}"`, this.pos);
  }
}

export function parseBibtex(text: string): ParsedBibliography {
  const reader = new BibReader(text);
  const read: { raw: RawEntry; line: number }[] = [];
  const problems: BibliographyProblem[] = [];
  const seen = new Map<string, number>();
  let pos = 0;

  for (;;) {
    const at = reader.nextEntryStart(pos);
    if (at < 0) break;
    const startLine = reader.line(at);
    reader.pos = at;
    try {
      const raw = readEntry(reader);
      pos = reader.pos;
      if (raw) {
        const tail = trailingText(reader, pos);
        if (looksLikeLeftoverFields(tail)) {
          problems.push({
            line: startLine,
            message: `unbalanced braces: entry "${raw.key}" closes early at line ${reader.line(pos - 1)} and the fields after that were ignored`,
          });
        }
        for (const warning of raw.warnings) problems.push({ line: startLine, message: warning });
        const previous = seen.get(raw.key);
        if (previous !== undefined) {
          problems.push({ line: startLine, message: `duplicate key "${raw.key}" (first defined at line ${previous}); this entry was ignored` });
          continue;
        }
        seen.set(raw.key, startLine);
        read.push({ raw, line: startLine });
      }
    } catch (error) {
      if (!(error instanceof BibSyntaxError)) throw error;
      const where = reader.line(error.offset);
      const detail = where !== startLine ? ` (at line ${where})` : '';
      problems.push({ line: startLine, message: `${error.message}${detail}; the entry was skipped` });
      const resume = reader.nextLineStartAt(at + 1);
      if (resume < 0) break;
      pos = resume;
    }
  }

  // A chapter's crossref may point at a collection further down the file, so entries are completed once all are read.
  const missing = resolveCrossReferences(read.map(({ raw }) => raw));
  const entries: BibliographyEntry[] = [];
  const languages = new UnknownLanguages();
  for (const { raw, line } of read) {
    for (const key of missing.get(raw) ?? []) {
      problems.push({ line, message: `entry "${raw.key}" inherits from "${key}" (crossref or xdata), which is not in this file` });
    }
    const entry = toEntry(raw, line, languages);
    for (const message of entry.problems) problems.push({ line, message });
    entries.push(entry.entry);
  }
  problems.push(...languages.problems());
  problems.sort((a, b) => a.line - b.line);
  return { entries, problems };
}

/**
 * An export in which every entry says `langid = {Anglais}` has one problem, not one per entry: it is
 * reported once, at the first entry, with the number of entries.
 */
class UnknownLanguages {
  private readonly seen = new Map<string, { line: number; count: number }>();

  /** The language code for a language field; an unknown name is noted for the file's problems. */
  code(language: string, line: number): string | undefined {
    const code = toLanguageCode(language);
    if (code) return code;
    const found = this.seen.get(language);
    if (found) found.count++;
    else this.seen.set(language, { line, count: 1 });
    return undefined;
  }

  problems(): BibliographyProblem[] {
    return [...this.seen].map(([language, { line, count }]) => ({
      line,
      message: `language "${language}" is not one this tool knows${count > 1 ? ` (${count} entries, the first here)` : ''}; give an ISO code such as en or sq`,
    }));
  }
}

/** Text between the end of an entry and the next one, which BibTeX ignores. */
function trailingText(reader: BibReader, from: number): string {
  const next = reader.nextEntryStart(from);
  return reader.text.slice(from, next < 0 ? reader.text.length : next);
}

function looksLikeLeftoverFields(tail: string): boolean {
  return /(^|\n)[\s,]*[A-Za-z][\w.:-]*\s*=\s*[{"\d]/.test(tail) || /(^|\n)\s*[})]\s*(\r?\n|$)/.test(tail) || /^[ \t]*,/.test(tail);
}

/** Reads one `@...` block at reader.pos; returns undefined for @comment, @preamble and @string. */
function readEntry(reader: BibReader): RawEntry | undefined {
  const start = reader.pos;
  reader.pos++;
  reader.skipSpace();
  const typeMatch = /[A-Za-z][\w-]*/y;
  typeMatch.lastIndex = reader.pos;
  const found = typeMatch.exec(reader.text);
  if (!found) throw new BibSyntaxError('expected an entry type after "@"', reader.pos);
  const type = found[0].toLowerCase();
  reader.pos += found[0].length;
  reader.skipSpace();
  const open = reader.text[reader.pos];
  if (open !== '{' && open !== '(') throw new BibSyntaxError(`expected "{" or "(" after @${found[0]}`, reader.pos);
  const close = open === '{' ? '}' : ')';
  reader.pos++;

  if (type === 'comment') {
    // An unclosed @comment swallows nothing: BibTeX-aware tools treat the rest of its line as the comment.
    if (!reader.skipGroup(close)) {
      const eol = reader.text.indexOf('\n', start);
      reader.pos = eol < 0 ? reader.text.length : eol + 1;
    }
    return undefined;
  }
  if (type === 'preamble') {
    reader.value('@preamble', undefined);
    reader.expectSeparator(close, '@preamble');
    if (reader.text[reader.pos] !== close) throw new BibSyntaxError(`@preamble is not terminated`, reader.pos);
    reader.pos++;
    return undefined;
  }
  if (type === 'string') {
    reader.skipSpace();
    const name = reader.identifier();
    if (!name) throw new BibSyntaxError('@string has no macro name', reader.pos);
    reader.skipSpace();
    if (reader.text[reader.pos] !== '=') throw new BibSyntaxError(`@string "${name}" has no "="`, reader.pos);
    reader.pos++;
    const value = reader.value(name, undefined);
    reader.expectSeparator(close, `@string "${name}"`);
    if (reader.text[reader.pos] === ',') {
      reader.pos++;
      reader.skipSpace();
    }
    if (reader.text[reader.pos] !== close) throw new BibSyntaxError(`@string "${name}" is not terminated`, reader.pos);
    reader.pos++;
    reader.macros.set(name.toLowerCase(), value);
    return undefined;
  }

  reader.skipSpace();
  const key = reader.identifier();
  reader.skipSpace();
  const afterKey = reader.text[reader.pos];
  if (!key || afterKey === '=') throw new BibSyntaxError('entry has no citation key', start);
  if (afterKey !== ',' && afterKey !== close) {
    if (afterKey === undefined) throw new BibSyntaxError(`entry "${key}" is not terminated`, reader.pos);
    throw new BibSyntaxError(`expected "," after the citation key "${key}"`, reader.pos);
  }
  const entry: RawEntry = { type, key, start, fields: new Map(), warnings: [] };
  for (;;) {
    reader.skipSpace();
    const c = reader.text[reader.pos];
    if (c === undefined) throw new BibSyntaxError(`entry "${key}" is not terminated: a closing ${close} is missing`, reader.pos);
    if (c === close) {
      reader.pos++;
      return entry;
    }
    if (c === ',') {
      reader.pos++;
      continue;
    }
    if (c === '@' && reader.atLineStart(reader.pos)) {
      throw new BibSyntaxError(`entry "${key}" is not terminated: a closing ${close} is missing before the next entry`, reader.pos);
    }
    const name = reader.identifier();
    if (!name) throw new BibSyntaxError(`unexpected "${c}" where a field name should be`, reader.pos);
    reader.skipSpace();
    if (reader.text[reader.pos] !== '=') throw new BibSyntaxError(`field "${name}" has no "="`, reader.pos);
    reader.pos++;
    const valueStart = reader.pos;
    const value = reader.value(name, entry);
    try {
      reader.expectSeparator(close, `field "${name}"`);
    } catch (error) {
      // A value that swallowed the next field's `name =` was left open, even though its braces happen to pair up later.
      if (error instanceof BibSyntaxError && /\n\s*[A-Za-z][\w-]*\s*=/.test(value)) {
        throw new BibSyntaxError(`unbalanced braces in field "${name}": its value runs on into the fields below`, valueStart);
      }
      throw error;
    }
    const field = name.toLowerCase();
    if (!entry.fields.has(field)) entry.fields.set(field, value);
  }
}

function toEntry(raw: RawEntry, line: number, languages: UnknownLanguages): { entry: BibliographyEntry; problems: string[] } {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = raw.fields.get(name);
    if (value === undefined) return undefined;
    const converted = latexToUnicode(value);
    return converted || undefined;
  };
  const { item: csl, plainTitle } = bibtexToCsl(raw);
  const fields: BibliographyEntry['fields'] = {};

  if (plainTitle) fields.title = plainTitle;

  const people = (csl.author ?? (csl.editor as CslName[] | undefined) ?? [])
    .filter((name) => name.literal !== 'others')
    .map(nameToString)
    .filter((name): name is string => Boolean(name));
  if (people.length) fields.author = people;

  const publisher = ['publisher', 'institution', 'organization', 'school', 'journaltitle', 'journal']
    .map(text)
    .find((value) => value !== undefined);
  if (publisher) fields.publisher = publisher;

  const date = metadataDate(csl.issued, raw, problems);
  if (date) fields.date = date;

  const language = text('langid') ?? text('language');
  const code = language === undefined ? undefined : languages.code(language, line);
  if (code) fields.language = code;

  const url = plainValue(raw.fields.get('url'));
  const doi = plainValue(raw.fields.get('doi'));
  if (url) fields.url = url;
  else if (doi) fields.url = doiToUrl(doi);

  fields.type = bibtexType(raw.type, text);

  const derived = plainValue(raw.fields.get('derivedfrom') ?? raw.fields.get('derived-from'));
  if (derived) {
    const keys = splitKeys(derived);
    if (keys.length) fields.derivedFrom = keys;
  }

  const file = raw.fields.get('file');
  const files = file === undefined ? [] : parseFileField(file);
  return { entry: { key: raw.key, line, fields, files, csl }, problems };
}

/**
 * The source's date, `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, from the CSL date: a season or a range gives its
 * (start) year or month. A BCE year or an unspecified one (`19uu`) has none that the time frame could
 * use, but is no mistake either, so it gives no problem; `citewise bib` still writes it out.
 */
function metadataDate(issued: CslDate | undefined, raw: RawEntry, problems: string[]): string | undefined {
  if (!issued) return undefined;
  const parts = issued['date-parts']?.[0];
  if (parts) {
    const [year, month, day] = parts;
    // "19uu" spans a century, which no single year stands for.
    if (year < 1 || year > 9999 || /^\s*y?-?\d*u/i.test(raw.fields.get('date') ?? '')) return undefined;
    if (month === undefined || month > 12) return formatDate(year);
    return day === undefined ? formatDate(year, month) : formatDate(year, month, day);
  }
  const literal = issued.literal ?? '';
  if (raw.fields.has('date')) {
    const loose = parseLooseDate(literal);
    if (loose) return loose;
    problems.push(`date "${literal}" is not a date this tool can read; write it as YYYY, YYYY-MM or YYYY-MM-DD`);
    return undefined;
  }
  const yearMatch = /\b(\d{4})\b/.exec(literal);
  if (yearMatch) return yearMatch[1];
  if (!/^n\.?\s*d\.?$/i.test(literal)) problems.push(`year "${literal}" is not a year this tool can read`);
  return undefined;
}

function bibtexType(entryType: string, text: (name: string) => string | undefined): string {
  const subtype = (text('entrysubtype') ?? '').toLowerCase();
  const kind = (text('type') ?? '').toLowerCase();
  const howpublished = (text('howpublished') ?? '').toLowerCase();
  switch (entryType) {
    case 'article':
      return subtype.includes('newspaper') ? 'news' : 'article';
    case 'report':
    case 'techreport':
      return 'report';
    case 'thesis':
    case 'phdthesis':
    case 'mastersthesis':
      return 'thesis';
    case 'legislation':
    case 'legal':
    case 'jurisdiction':
      return 'legislation';
    case 'interview':
      return 'interview';
    case 'misc':
    case 'online':
    case 'unpublished':
      if (/interview/.test(`${kind} ${subtype}`)) return 'interview';
      if (/news/.test(`${subtype} ${howpublished}`)) return 'news';
      return 'other';
    default:
      return 'other';
  }
}

const mimeLike = /^(?:(?:application|text|image|audio|video|font|model|multipart|message)\/[\w.+-]+|[A-Za-z]{2,5})$/i;

/**
 * Better BibTeX writes `path;path`; Zotero, JabRef and Mendeley write `description:path:mime/type`,
 * escaping `:` `;` and `\` with a backslash (Mendeley spells a backslash `$\backslash$`).
 */
export function parseFileField(raw: string): string[] {
  const value = raw.replace(/\{?\$\\backslash\$\}?/g, '\\');
  const items: string[][] = [];
  let segments: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) {
      current += value[++i];
    } else if (c === ':') {
      segments.push(current);
      current = '';
    } else if (c === ';') {
      segments.push(current);
      items.push(segments);
      segments = [];
      current = '';
    } else if (c !== '{' && c !== '}') {
      current += c;
    }
  }
  segments.push(current);
  items.push(segments);

  const paths: string[] = [];
  for (const item of items) {
    const path = pathFromSegments(item.map((segment) => segment.trim()));
    if (path) paths.push(path);
  }
  return paths;
}

function pathFromSegments(segments: string[]): string | undefined {
  const isDrive = (segment: string, rest: string | undefined): boolean =>
    /^[A-Za-z]$/.test(segment) && rest !== undefined && /^[\\/]/.test(rest);
  let parts = segments;
  if (parts.length === 1) return parts[0] || undefined;
  if (parts.length === 2 && isDrive(parts[0], parts[1])) return parts.join(':');
  // A description comes first in the three-part form unless the first part is already a drive letter.
  if (parts.length >= 3 || !isDrive(parts[0], parts[1])) {
    if (parts.length >= 3 || !mimeLike.test(parts[1])) parts = parts.slice(1);
  }
  if (parts.length >= 2 && mimeLike.test(parts[parts.length - 1]) && !isDrive(parts[parts.length - 2], parts[parts.length - 1])) {
    parts = parts.slice(0, -1);
  }
  const path = parts.join(':');
  return path || undefined;
}

// ---------------------------------------------------------------------------------------------
// CSL-JSON

class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

interface ItemLocation {
  start: number;
  idOffset?: number;
}

/**
 * A validating scan of the JSON text. JSON.parse in Node 20 does not say where it failed, and neither
 * says where each item is; this finds both: the error offset, and each item's start and `"id"` offset.
 */
class JsonLocator {
  pos = 0;
  readonly items: ItemLocation[] = [];

  constructor(readonly text: string) {}

  scan(): void {
    this.space();
    const c = this.text[this.pos];
    if (c === '[') this.array(true);
    else if (c === '{') this.object(true);
    else this.value();
    this.space();
    if (this.pos < this.text.length) this.fail('unexpected text after the end of the JSON value');
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(message, Math.min(this.pos, this.text.length));
  }

  private space(): void {
    while (this.pos < this.text.length && /[ \t\r\n]/.test(this.text[this.pos])) this.pos++;
  }

  private value(): void {
    this.space();
    const c = this.text[this.pos];
    if (c === '{') this.object(false);
    else if (c === '[') this.array(false);
    else if (c === '"') this.string();
    else if (c !== undefined && /[-\d]/.test(c)) this.number();
    else if (this.text.startsWith('true', this.pos)) this.pos += 4;
    else if (this.text.startsWith('false', this.pos)) this.pos += 5;
    else if (this.text.startsWith('null', this.pos)) this.pos += 4;
    else this.fail(c === undefined ? 'unexpected end of the JSON text' : `unexpected "${c}" in JSON`);
  }

  /** `items` marks the array that holds the bibliography items. */
  private array(items: boolean): void {
    this.pos++;
    this.space();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      this.space();
      if (items) {
        const location: ItemLocation = { start: this.pos };
        this.items.push(location);
        if (this.text[this.pos] === '{') this.object(false, location);
        else this.value();
      } else {
        this.value();
      }
      this.space();
      const c = this.text[this.pos];
      if (c === ',') this.pos++;
      else if (c === ']') {
        this.pos++;
        return;
      } else this.fail(c === undefined ? 'unexpected end of the JSON text: a "]" is missing' : `expected "," or "]" but found "${c}"`);
    }
  }

  private object(topLevel: boolean, item?: ItemLocation): void {
    this.pos++;
    this.space();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.space();
      if (this.text[this.pos] !== '"') this.fail(this.pos >= this.text.length ? 'unexpected end of the JSON text' : 'expected a property name in double quotes');
      const keyStart = this.pos;
      this.string();
      const key = JSON.parse(this.text.slice(keyStart, this.pos)) as string;
      if (item && key === 'id' && item.idOffset === undefined) item.idOffset = keyStart;
      this.space();
      if (this.text[this.pos] !== ':') this.fail(`expected ":" after the property name "${key}"`);
      this.pos++;
      this.space();
      if (topLevel && key === 'items' && this.text[this.pos] === '[') this.array(true);
      else this.value();
      this.space();
      const c = this.text[this.pos];
      if (c === ',') this.pos++;
      else if (c === '}') {
        this.pos++;
        return;
      } else this.fail(c === undefined ? 'unexpected end of the JSON text: a "}" is missing' : `expected "," or "}" but found "${c}"`);
    }
  }

  private string(): void {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === '\\') {
        const next = this.text[this.pos + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.fail('invalid \\u escape in a JSON string');
          this.pos += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
          this.pos += 2;
        } else {
          this.fail('invalid escape in a JSON string');
        }
      } else if (c === '\n' || c.charCodeAt(0) < 0x20) {
        this.fail('unterminated JSON string (or a raw line break inside one)');
      } else {
        this.pos++;
      }
    }
    this.pos = start;
    this.fail('unterminated JSON string');
  }

  private number(): void {
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = this.pos;
    const found = m.exec(this.text);
    if (!found) this.fail('invalid number in JSON');
    this.pos += found[0].length;
  }
}

const cslTypes: Record<string, string> = {
  'article-journal': 'article',
  article: 'article',
  'article-magazine': 'article',
  'article-newspaper': 'news',
  report: 'report',
  thesis: 'thesis',
  legislation: 'legislation',
  bill: 'legislation',
  legal_case: 'legislation',
  treaty: 'legislation',
  interview: 'interview',
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function isCslJsonCandidate(text: string): boolean {
  const body = stripBom(text).trimStart();
  if (!body.startsWith('[') && !body.startsWith('{')) return false;
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    // Broken JSON that still looks like a bibliography should reach parseCslJson, which reports where it breaks.
    const head = body.slice(0, 65536);
    return /^(\[\s*\{|\{\s*"items"\s*:\s*\[)/.test(head) && /"id"\s*:/.test(head) && /"type"\s*:/.test(head);
  }
  const items = Array.isArray(data) ? data : isPlainObject(data) && Array.isArray(data.items) ? data.items : undefined;
  if (!items || items.length === 0) return false;
  return items.every(isPlainObject) && items.some((item) => 'id' in item && typeof item.type === 'string');
}

export function parseCslJson(text: string): ParsedBibliography {
  const body = stripBom(text);
  const starts = lineStarts(body);
  const locator = new JsonLocator(body);
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    let line = 1;
    let message = error instanceof Error ? error.message : String(error);
    try {
      locator.scan();
    } catch (scanError) {
      if (scanError instanceof JsonSyntaxError) {
        line = lineOf(starts, scanError.offset);
        message = scanError.message;
      }
    }
    return { entries: [], problems: [{ line, message: `invalid JSON: ${message}` }] };
  }
  try {
    locator.scan();
  } catch {
    // JSON.parse accepted it, so locations are only a nicety; entries fall back to line 1.
  }

  const items = Array.isArray(data) ? data : isPlainObject(data) && Array.isArray(data.items) ? data.items : undefined;
  if (!items) {
    return { entries: [], problems: [{ line: 1, message: 'expected CSL-JSON: an array of items, or an object with an "items" array' }] };
  }
  const entries: BibliographyEntry[] = [];
  const problems: BibliographyProblem[] = [];
  const languages = new UnknownLanguages();
  const seen = new Map<string, number>();
  items.forEach((item: unknown, index: number) => {
    const location = locator.items[index];
    const startLine = location ? lineOf(starts, location.start) : 1;
    if (!isPlainObject(item)) {
      problems.push({ line: startLine, message: `item ${index + 1} is not an object; it was skipped` });
      return;
    }
    const rawId = item.id;
    if ((typeof rawId !== 'string' && typeof rawId !== 'number') || String(rawId).trim() === '') {
      problems.push({ line: startLine, message: `item ${index + 1} has no "id"; it was skipped` });
      return;
    }
    const key = String(rawId).trim();
    const line = location?.idOffset !== undefined ? lineOf(starts, location.idOffset) : startLine;
    const previous = seen.get(key);
    if (previous !== undefined) {
      problems.push({ line, message: `duplicate id "${key}" (first defined at line ${previous}); this item was ignored` });
      return;
    }
    seen.set(key, line);
    const converted = cslItemToEntry(item, key, line, languages);
    for (const message of converted.problems) problems.push({ line, message });
    entries.push(converted.entry);
  });
  problems.push(...languages.problems());
  problems.sort((a, b) => a.line - b.line);
  return { entries, problems };
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.replace(/\s+/g, ' ').trim();
  return trimmed || undefined;
}

function cslNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const names: string[] = [];
  for (const name of value) {
    if (typeof name === 'string') {
      if (name.trim()) names.push(name.trim());
      continue;
    }
    if (!isPlainObject(name)) continue;
    const parts: CslName = {};
    for (const part of ['family', 'given', 'literal', 'non-dropping-particle', 'dropping-particle', 'suffix'] as const) {
      const value = stringOf(name[part]);
      if (value) parts[part] = value;
    }
    const written = parts.literal === 'others' ? undefined : nameToString(parts);
    if (written) names.push(written);
  }
  return names;
}

function cslDate(value: unknown): { date?: string; problem?: string } {
  if (value === undefined || value === null) return {};
  if (typeof value === 'string' || typeof value === 'number') {
    const date = parseLooseDate(String(value));
    return date ? { date } : { problem: `issued "${value}" is not a date this tool can read` };
  }
  if (!isPlainObject(value)) return { problem: 'issued is not a CSL date' };
  const parts = value['date-parts'];
  if (Array.isArray(parts) && Array.isArray(parts[0]) && parts[0].length > 0) {
    const [y, m, d] = (parts[0] as unknown[]).map((part) => Number(part));
    if (Number.isInteger(y)) {
      // Months 13–16 are CSL seasons, which name no calendar month.
      const month = Number.isInteger(m) && m >= 1 && m <= 12 ? m : undefined;
      const day = month !== undefined && Number.isInteger(d) && d >= 1 && d <= 31 ? d : undefined;
      return { date: formatDate(y, month, day) };
    }
  }
  for (const field of ['raw', 'literal'] as const) {
    const text = stringOf(value[field]);
    if (text) {
      const date = parseLooseDate(text.split('/')[0]);
      return date ? { date } : { problem: `issued "${text}" is not a date this tool can read` };
    }
  }
  return { problem: 'issued has no date-parts' };
}

function cslItemToEntry(item: Record<string, unknown>, key: string, line: number, languages: UnknownLanguages): { entry: BibliographyEntry; problems: string[] } {
  const problems: string[] = [];
  const fields: BibliographyEntry['fields'] = {};
  const title = stringOf(item.title);
  if (title) fields.title = title;
  const authors = cslNames(item.author);
  const names = authors.length ? authors : cslNames(item.editor);
  if (names.length) fields.author = names;
  const publisher = stringOf(item.publisher) ?? stringOf(item.authority);
  if (publisher) fields.publisher = publisher;
  const issued = cslDate(item.issued);
  if (issued.date) fields.date = issued.date;
  if (issued.problem) problems.push(issued.problem);
  const language = stringOf(item.language);
  const code = language === undefined ? undefined : languages.code(language, line);
  if (code) fields.language = code;
  const url = stringOf(item.URL) ?? stringOf(item.url);
  const doi = stringOf(item.DOI) ?? stringOf(item.doi);
  if (url) fields.url = url;
  else if (doi) fields.url = doiToUrl(doi);
  const type = typeof item.type === 'string' ? item.type.trim().toLowerCase() : '';
  fields.type = cslTypes[type] ?? 'other';
  const derived = item['derived-from'] ?? item.derivedFrom ?? item.derivedfrom;
  const derivedKeys = Array.isArray(derived)
    ? derived.map(stringOf).filter((k): k is string => Boolean(k))
    : typeof derived === 'string'
      ? splitKeys(derived)
      : [];
  if (derivedKeys.length) fields.derivedFrom = derivedKeys;

  const file = item.file;
  const files = (Array.isArray(file) ? file : file === undefined ? [] : [file])
    .map(stringOf)
    .filter((path): path is string => Boolean(path));
  return { entry: { key, line, fields, files, csl: { ...item, id: key } as CslItem }, problems };
}

const outgoingTypes: Record<string, string> = {
  article: 'article-journal',
  news: 'article-newspaper',
  report: 'report',
  thesis: 'thesis',
  legislation: 'legislation',
  interview: 'interview',
};

/** A name written in front matter or a manifest: "Family, Given" (or "Family, Jr., Given"), else one literal name, such as an organisation. */
function toCslName(name: string): CslName {
  return (name.includes(',') && parseName(name, false)) || { literal: name.trim() };
}

/**
 * CSL-JSON for pandoc. A source a bibliography describes is written as pandoc reads that entry, so a
 * report renders the same from `citewise bib` as from the original file; only fields that came from
 * elsewhere (a manifest, front matter, the document) are added to it.
 */
export function toCslJson(sources: readonly (Pick<Source, 'key' | 'metadata'> & Partial<Pick<Source, 'csl' | 'provenance'>>)[]): CslItem[] {
  return sources.map(({ key, metadata, csl, provenance }) => {
    const from = (field: keyof SourceMetadata): boolean => !csl || provenance?.[field]?.origin !== 'bibliography';
    const item: CslItem = { id: key, type: (metadata.type && outgoingTypes[metadata.type]) || 'document' };
    if (metadata.title && from('title')) item.title = metadata.title;
    if (metadata.author?.length && from('author')) item.author = metadata.author.map(toCslName);
    if (metadata.publisher && from('publisher')) item.publisher = metadata.publisher;
    if (metadata.date && from('date')) {
      const parts = metadata.date.split('-').map(Number).filter((part) => Number.isInteger(part));
      if (parts.length) item.issued = { 'date-parts': [parts] };
    }
    if (metadata.language && from('language')) item.language = metadata.language;
    if (metadata.url && from('url')) item.URL = metadata.url;
    if (metadata.derivedFrom?.length) item['derived-from'] = metadata.derivedFrom.join(', ');
    return csl ? { ...item, ...csl, id: key } : item;
  });
}
