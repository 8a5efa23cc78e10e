import {
  doiToUrl,
  exportedDate,
  splitKeys,
  UnknownLanguages,
  type BibliographyEntry,
  type BibliographyProblem,
  type ParsedBibliography,
} from './bibliography-entry';
import { formatIsoDate } from '../metadata/dates';
import { bibtexToCsl, monthNames, nameToString, plainValue, resolveCrossReferences, type CslDate, type CslName } from './bibtex-csl';
import { LineIndex } from '../report/line-index';
import { latexToUnicode } from './latex-text';

/** BibTeX and biblatex files, as Zotero, Better BibTeX, JabRef and Mendeley export them, read as pandoc reads them. */
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
  private readonly lines: LineIndex;
  readonly macros = new Map<string, string>(Object.entries(standardMonthMacros));
  /** Characters inserted by macros so far in this file, against `maxMacroExpansionChars`. */
  expanded = 0;

  constructor(readonly text: string) {
    this.lines = new LineIndex(text);
  }

  /** The 1-based line of an offset. */
  line(offset: number): number {
    return this.lines.lineOf(offset) + 1;
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
    if (month === undefined || month > 12) return formatIsoDate({ year });
    return formatIsoDate({ year, month, day });
  }
  const literal = issued.literal ?? '';
  if (raw.fields.has('date')) {
    const loose = exportedDate(literal);
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
