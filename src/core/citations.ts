/**
 * Pandoc citations: `[@key]`, `[@key, p. 35]`, `[see @a, p. 3; @b]`, `[-@key]`, and `@key` in running
 * text (optionally followed by `[p. 33]`). Offsets are exact, so editors can underline, hover and
 * replace precisely. The parser reads the prose view of a report, in which code is already blanked.
 */

export interface PageRange {
  from: string;
  to: string;
}

export interface Locator {
  /** The locator as written, e.g. "p. 35" or "pp. 58, 64". */
  text: string;
  /** Pages named by a page locator, as written (roman numerals stay strings). */
  pages: PageRange[];
}

export interface Citation {
  key: string;
  /** Offsets of the key itself, without `@` or braces. */
  keyStart: number;
  keyEnd: number;
  /** Offsets of the whole item: prefix, key and suffix. */
  start: number;
  end: number;
  prefix: string;
  suffix: string;
  locator?: Locator;
  suppressAuthor: boolean;
  /** `@key` written in running text rather than in brackets. */
  inText: boolean;
}

export interface CitationGroup {
  /** Offsets of the whole group, brackets included. */
  start: number;
  end: number;
  bracketed: boolean;
  items: Citation[];
}

const keyStartChar = /[\p{L}\p{N}_]/u;
const keyChar = /[\p{L}\p{N}_:.#$%&\-+?<>~/]/u;
const keyTrailingPunctuation = /[:.#$%&\-+?<>~/]+$/;

/** Reads a key starting just after `@`; returns its span and text, or undefined. */
function readKey(text: string, at: number): { key: string; start: number; end: number; next: number } | undefined {
  if (text[at] === '{') {
    const close = text.indexOf('}', at + 1);
    if (close === -1 || close - at > 200 || text.slice(at + 1, close).includes('\n')) return undefined;
    const key = text.slice(at + 1, close);
    if (!key) return undefined;
    return { key, start: at + 1, end: close, next: close + 1 };
  }
  if (!keyStartChar.test(text[at] ?? '')) return undefined;
  let end = at + 1;
  while (end < text.length && keyChar.test(text[end])) end++;
  const raw = text.slice(at, end);
  const key = raw.replace(keyTrailingPunctuation, '');
  return { key, start: at, end: at + key.length, next: at + key.length };
}

const locatorPattern =
  /^\s*(pp?\.|pages?|pg\.?|para(?:graph)?s?\.?|¶¶?|§§?|sec(?:tion)?s?\.?|chap(?:ter)?s?\.?|ch\.|fig(?:ure)?s?\.?|vol(?:ume)?s?\.?|nos?\.|(?=\d))\s*((?:[\divxlcdmIVXLCDM]+(?:\s*[-–—]\s*[\divxlcdmIVXLCDM]+)?)(?:\s*(?:,|&|and)\s*[\divxlcdmIVXLCDM]+(?:\s*[-–—]\s*[\divxlcdmIVXLCDM]+)?)*)(?=$|[\s,;.)\]])/u;

/** Splits a suffix into a Pandoc locator (`p. 35`, `pp. 58, 64`, `35-37`) and whatever follows. */
export function parseLocator(suffix: string): Locator | undefined {
  const text = suffix.replace(/^\s*,/, '');
  const match = locatorPattern.exec(text);
  if (!match) return undefined;
  const term = match[1].toLowerCase();
  const isPage = term === '' || term.startsWith('p');
  const pages: PageRange[] = [];
  if (isPage) {
    for (const part of match[2].split(/\s*(?:,|&|and)\s*/)) {
      const [from, to] = part.split(/\s*[-–—]\s*/);
      if (from) pages.push({ from, to: expandAbbreviatedRange(from, to ?? from) });
    }
  }
  return { text: match[0].trim(), pages };
}

/** "123-45" means 123 to 145. */
function expandAbbreviatedRange(from: string, to: string): string {
  if (/^\d+$/.test(from) && /^\d+$/.test(to) && to.length < from.length && Number(to) < Number(from)) {
    return from.slice(0, from.length - to.length) + to;
  }
  return to;
}

/** Finds every citation group in the prose of a report. */
export function parseCitations(prose: string): CitationGroup[] {
  const groups: CitationGroup[] = [];
  let index = 0;
  while (index < prose.length) {
    const at = prose.indexOf('@', index);
    if (at === -1) break;
    const group = bracketedGroupAround(prose, at) ?? inTextCitation(prose, at);
    if (group) {
      groups.push(group);
      index = group.end;
    } else {
      index = at + 1;
    }
  }
  return groups;
}

/** If `@` at `at` lies inside a `[...]` that forms a citation group, parses the whole group. */
function bracketedGroupAround(prose: string, at: number): CitationGroup | undefined {
  let open = -1;
  for (let index = at - 1; index >= 0 && at - index < 500; index--) {
    const char = prose[index];
    if (char === ']' || (char === '\n' && prose[index - 1] === '\n')) return undefined;
    if (char === '[' && prose[index - 1] !== '\\') {
      open = index;
      break;
    }
  }
  if (open === -1) return undefined;
  let depth = 0;
  let close = -1;
  for (let index = open + 1; index < prose.length && index - open < 2000; index++) {
    const char = prose[index];
    if (char === '\\') {
      index++;
      continue;
    }
    if (char === '[') depth++;
    else if (char === ']') {
      if (depth === 0) {
        close = index;
        break;
      }
      depth--;
    } else if (char === '\n' && prose[index + 1] === '\n') return undefined;
  }
  if (close === -1) return undefined;
  // `[text](url)` and `[text][ref]` are links, not citations.
  if (prose[close + 1] === '(' || prose[close + 1] === '[') return undefined;
  const items: Citation[] = [];
  let itemStart = open + 1;
  const parts: [number, number][] = [];
  for (let index = open + 1; index <= close; index++) {
    if (index === close || prose[index] === ';') {
      parts.push([itemStart, index]);
      itemStart = index + 1;
    }
  }
  for (const [start, end] of parts) {
    const item = parseBracketedItem(prose, start, end);
    if (item) items.push(item);
  }
  if (items.length === 0) return undefined;
  return { start: open, end: close + 1, bracketed: true, items };
}

function parseBracketedItem(prose: string, start: number, end: number): Citation | undefined {
  const part = prose.slice(start, end);
  const pattern = /(^|[^\p{L}\p{N}_@\\])(-?)@/gu;
  for (let match = pattern.exec(part); match; match = pattern.exec(part)) {
    const atOffset = start + match.index + match[0].length - 1;
    const key = readKey(prose, atOffset + 1);
    if (!key || key.end > end) continue;
    const suffix = prose.slice(key.next, end);
    const prefixEnd = atOffset - match[2].length;
    const itemStart = start + (/^\s*/.exec(part)?.[0].length ?? 0);
    const trimmedEnd = end - (/\s*$/.exec(part)?.[0].length ?? 0);
    return {
      key: key.key,
      keyStart: key.start,
      keyEnd: key.end,
      start: itemStart,
      end: Math.max(trimmedEnd, key.next),
      prefix: prose.slice(itemStart, prefixEnd).trim(),
      suffix: suffix.trim(),
      locator: parseLocator(suffix),
      suppressAuthor: match[2] === '-',
      inText: false,
    };
  }
  return undefined;
}

function inTextCitation(prose: string, at: number): CitationGroup | undefined {
  const before = prose[at - 1];
  // E-mail addresses and escaped `\@` are never citations.
  if (before !== undefined && /[\p{L}\p{N}_.\\@+-]/u.test(before)) return undefined;
  const key = readKey(prose, at + 1);
  if (!key) return undefined;
  let end = key.next;
  let suffix = '';
  const bracket = /^ ?\[([^\]\n@]{1,100})\](?![(\[])/.exec(prose.slice(end, end + 110));
  if (bracket) {
    suffix = bracket[1];
    end += bracket[0].length;
  }
  return {
    start: at,
    end,
    bracketed: false,
    items: [
      {
        key: key.key,
        keyStart: key.start,
        keyEnd: key.end,
        start: at,
        end,
        prefix: '',
        suffix: suffix.trim(),
        locator: suffix ? parseLocator(suffix) : undefined,
        suppressAuthor: false,
        inText: true,
      },
    ],
  };
}
