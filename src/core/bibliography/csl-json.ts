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
import { LineIndex } from '../report/line-index';
import { nameToString, type CslItem, type CslName } from './bibtex-csl';

/** CSL-JSON files (Zotero, Better CSL JSON, pandoc's own), with the line of every item for problems. */
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
  const lines = new LineIndex(body);
  const lineOf = (offset: number) => lines.lineOf(offset) + 1;
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
        line = lineOf(scanError.offset);
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
    const startLine = location ? lineOf(location.start) : 1;
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
    const line = location?.idOffset !== undefined ? lineOf(location.idOffset) : startLine;
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
    const date = exportedDate(String(value));
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
      return { date: formatIsoDate({ year: y, month, day }) };
    }
  }
  for (const field of ['raw', 'literal'] as const) {
    const text = stringOf(value[field]);
    if (text) {
      const date = exportedDate(text.split('/')[0]);
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
