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
  /** The locator as written, e.g. "p. 35", "pp. 58, 64" or "{ii, A}". */
  text: string;
  /** Pages named by a page locator, as written (roman numerals stay strings). */
  pages: PageRange[];
  /** The CSL locator type pandoc reads, e.g. "page", "chapter", "section"; "page" when no term is written. */
  label: string;
  /** The locator without its term, as written, e.g. "58, 64" or "93--101". */
  value: string;
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

const keyWordChar = /[\p{L}\p{N}_]/u;
const keyPunctuation = /[:.#$%&\-+?<>~/]/;

/**
 * Reads a key starting just after `@`, by pandoc's rule: a letter, digit or `_`, then alphanumerics and
 * single internal punctuation, so `@Foo_bar.baz.` is `Foo_bar.baz` and `@Foo_bar--baz` is `Foo_bar`.
 * `@{...}` takes anything up to the matching brace, which is how pandoc's manual writes URLs as keys.
 */
function readKey(text: string, at: number): { key: string; start: number; end: number; next: number } | undefined {
  if (text[at] === '{') {
    let depth = 0;
    for (let index = at + 1; index < text.length && index - at <= 500; index++) {
      const char = text[index];
      if (char === '\n') return undefined;
      if (char === '{') depth++;
      else if (char === '}') {
        if (depth === 0) {
          const key = text.slice(at + 1, index);
          return key.trim() ? { key, start: at + 1, end: index, next: index + 1 } : undefined;
        }
        depth--;
      }
    }
    return undefined;
  }
  if (!keyWordChar.test(text[at] ?? '')) return undefined;
  let end = at + 1;
  for (;;) {
    if (end < text.length && keyWordChar.test(text[end])) end++;
    else if (keyPunctuation.test(text[end] ?? '') && keyWordChar.test(text[end + 1] ?? '')) end += 2;
    else break;
  }
  return { key: text.slice(at, end), start: at, end, next: end };
}

/**
 * Why `key` cannot be cited as `@key`, or undefined when it can. pandoc's rule is the parser's: a key
 * that readKey would cut short (`Other-` is read as `Other`) is named with what `@key` would cite.
 */
export function citationKeyProblem(key: string): string | undefined {
  if (!key) return 'a citation key cannot be empty';
  const read = keyWordChar.test(key[0]) ? readKey(key, 0) : undefined;
  if (read && read.end === key.length) return undefined;
  if (!read) return `"${key}" starts with "${Array.from(key)[0]}"; a citation key starts with a letter, digit or underscore`;
  const rest = key.slice(read.end);
  const cut = `@${key} would cite "${read.key}"`;
  if (/^\s/.test(rest)) return `"${key}" has a space, so ${cut}; a citation key has no spaces`;
  if (keyPunctuation.test(rest[0]) && rest.length === 1) return `"${key}" ends with "${rest}", which pandoc reads as punctuation after the key, so ${cut}; end the key with a letter, digit or underscore`;
  if (keyPunctuation.test(rest[0])) return `"${key}" has "${/^[:.#$%&\-+?<>~/]+/.exec(rest)![0]}" after "${read.key}", and pandoc ends a key at punctuation that is not followed by a letter or digit, so ${cut}`;
  return `"${key}" has "${Array.from(rest)[0]}", which a citation key cannot contain, so ${cut}`;
}

/** The locator terms of pandoc's en-US locale: abbreviations take a full stop, words do not. */
const locatorTerms: [label: string, forms: string[]][] = [
  ['book', ['bk.', 'bks.', 'book', 'books']],
  ['chapter', ['chap.', 'chaps.', 'chapter', 'chapters']],
  ['column', ['col.', 'cols.', 'column', 'columns']],
  ['figure', ['fig.', 'figs.', 'figure', 'figures']],
  ['folio', ['fol.', 'fols.', 'folio', 'folios']],
  ['number', ['no.', 'nos.', 'number', 'numbers']],
  ['line', ['l.', 'll.', 'line', 'lines']],
  ['note', ['n.', 'nn.', 'note', 'notes']],
  ['opus', ['op.', 'opp.', 'opus', 'opera']],
  ['page', ['p.', 'pp.', 'page', 'pages']],
  ['paragraph', ['para.', 'paras.', 'paragraph', 'paragraphs', '¶', '¶¶']],
  ['part', ['pt.', 'pts.', 'part', 'parts']],
  ['section', ['sec.', 'secs.', 'section', 'sections', '§', '§§']],
  ['sub verbo', ['s.v.', 's.vv.', 'sub verbo', 'sub verbis']],
  ['verse', ['v.', 'vv.', 'verse', 'verses']],
  ['volume', ['vol.', 'vols.', 'volume', 'volumes']],
];

const escapeForPattern = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const labelByForm = new Map(locatorTerms.flatMap(([label, forms]) => forms.map((form) => [form, label] as const)));
// Longest forms first, so that "pp." wins over "p." and "paras." over "para.".
const termPattern = [...labelByForm.keys()]
  .sort((a, b) => b.length - a.length)
  .map((form) => (/[.¶§]$/.test(form) ? escapeForPattern(form) : `${escapeForPattern(form)}(?=\\s)`))
  .join('|');
/** A locator token holds a digit ("12a", "3.2", "A31", "[3]"); a trailing full stop ends the sentence, not the locator. */
const digitToken = String.raw`[^\s,;\-–—]*?\d(?:[^\s,;\-–—]*[^\s,;\-–—.])?`;
const romanToken = String.raw`[ivxlcdmIVXLCDM]+(?![\p{L}\p{N}])`;
const rangeSeparator = String.raw`\s*(?:--|-|–)\s*`;
function valuePattern(token: string): string {
  const range = `${token}(?:${rangeSeparator}(?:${token})?)?`;
  return `${range}(?:\\s*,\\s*${range})*`;
}
const locatorPattern = new RegExp(
  String.raw`^\s*(?:(${termPattern})\s*(${valuePattern(`(?:${digitToken}|${romanToken})`)})|(${valuePattern(digitToken)}))`,
  'iu',
);

/**
 * Splits a suffix into a locator and whatever follows, as pandoc's citeproc does: `p. 35`, `pp. 58, 64`,
 * `35-37` (a page when no term is written), or anything in braces, `{ii, A, D-Z}`. `{}` marks a suffix
 * that has no locator.
 */
export function parseLocator(suffix: string): Locator | undefined {
  const text = suffix.replace(/^\s*,/, '');
  const braced = /^\s*\{([^{}]*)\}/.exec(text);
  if (braced) {
    const inner = braced[1].trim();
    if (!inner) return undefined;
    const term = new RegExp(`^(${termPattern})\\s*`, 'iu').exec(inner);
    const label = term ? labelByForm.get(term[1].toLowerCase()) ?? 'page' : 'page';
    const value = term ? inner.slice(term[0].length) : inner;
    return { text: braced[0].trim(), pages: label === 'page' ? pagesOf(value) : [], label, value };
  }
  const match = locatorPattern.exec(text);
  if (!match) return undefined;
  const label = match[1] ? labelByForm.get(match[1].toLowerCase()) ?? 'page' : 'page';
  const value = match[2] ?? match[3];
  return { text: match[0].trim(), pages: label === 'page' ? pagesOf(value) : [], label, value };
}

function pagesOf(value: string): PageRange[] {
  const pages: PageRange[] = [];
  for (const part of value.split(/\s*,\s*/)) {
    const [from, to] = part.split(/\s*(?:--|-|–)\s*/);
    if (from) pages.push({ from, to: expandAbbreviatedRange(from, to || from) });
  }
  return pages;
}

/** "123-45" means 123 to 145. */
function expandAbbreviatedRange(from: string, to: string): string {
  if (/^\d+$/.test(from) && /^\d+$/.test(to) && to.length < from.length && Number(to) < Number(from)) {
    return from.slice(0, from.length - to.length) + to;
  }
  return to;
}

/**
 * Citation groups of a report's paragraphs, kept from one parse to the next by paragraph text: a report is
 * parsed again after every pause in typing, and an edit changes one paragraph or two of thousands. A
 * paragraph's groups depend on its text alone (with the markup ranges in it and the document's example
 * labels, which are compared): no scan for a group crosses a blank line, `\n\n` (see paragraphGroups).
 * Each parse keeps only what it used or found, so at most two parses' paragraphs are held.
 */
export class CitationMemory {
  /** Paragraphs by where they start, and (for a paragraph that moved, or one of several alike) by text. */
  private previous = new Map<number, RememberedParagraph>();
  private previousByText = new Map<string, RememberedParagraph>();
  private current = new Map<number, RememberedParagraph>();
  private currentByText = new Map<string, RememberedParagraph>();
  private examples = '';

  /** Starts a parse: what the parse before used or found becomes what this one may reuse. */
  begin(examples: Set<string>): void {
    const labels = [...examples].join('\n');
    const same = labels === this.examples;
    this.previous = same ? this.current : new Map();
    this.previousByText = same ? this.currentByText : new Map();
    this.current = new Map();
    this.currentByText = new Map();
    this.examples = labels;
  }

  /** The groups of the paragraph `text` at `start` from a parse before, moved there if the paragraph has moved. */
  recall(text: string, start: number, markup: string): CitationGroup[] | undefined {
    const there = this.previous.get(start);
    let groups: CitationGroup[] | undefined;
    if (there && there.text === text && there.markup === markup) groups = there.groups;
    else {
      const known = this.currentByText.get(text) ?? this.previousByText.get(text);
      if (known?.markup === markup) groups = known.groups.map((group) => movedGroup(group, start - known.start));
    }
    if (groups) this.remember(text, start, markup, groups);
    return groups;
  }

  remember(text: string, start: number, markup: string, groups: CitationGroup[]): void {
    const paragraph = { text, start, markup, groups };
    this.current.set(start, paragraph);
    this.currentByText.set(text, paragraph);
  }
}

interface RememberedParagraph {
  text: string;
  start: number;
  /** The markup ranges that touch the paragraph, relative to its start (see markupRanges). */
  markup: string;
  groups: CitationGroup[];
}

function movedGroup(group: CitationGroup, by: number): CitationGroup {
  return { start: group.start + by, end: group.end + by, bracketed: group.bracketed, items: group.items.map((item) => movedCitation(item, by)) };
}

function movedCitation(item: Citation, by: number): Citation {
  return {
    key: item.key,
    keyStart: item.keyStart + by,
    keyEnd: item.keyEnd + by,
    start: item.start + by,
    end: item.end + by,
    prefix: item.prefix,
    suffix: item.suffix,
    locator: item.locator,
    suppressAuthor: item.suppressAuthor,
    inText: item.inText,
  };
}

/**
 * Finds every citation group in the prose of a report. With `memory`, the groups of paragraphs unchanged
 * since the last parse are taken from it: the same groups as parsing them again.
 */
export function parseCitations(prose: string, memory?: CitationMemory): CitationGroup[] {
  const groups: CitationGroup[] = [];
  const examples = exampleLabels(prose);
  const markup = markupRanges(prose);
  memory?.begin(examples);
  let markupCursor = 0;
  // Where the next `@` is looked for: the end of the paragraph (or of the group) last read.
  let index = 0;
  for (let at = prose.indexOf('@'); at !== -1; at = prose.indexOf('@', index)) {
    // The paragraph of the next `@`, between blank lines; paragraphs without one are never read.
    const blankBefore = prose.lastIndexOf('\n\n', at - 1);
    const start = blankBefore === -1 ? 0 : blankBefore + 2;
    const blankAfter = prose.indexOf('\n\n', at);
    const end = blankAfter === -1 ? prose.length : blankAfter;
    // A `\` before the blank line escapes its first newline, so a bracket's scan goes on past it: such a
    // paragraph (and one that a group from before reaches into) is parsed, never remembered.
    if (!memory || index > start || prose.charCodeAt(end - 1) === 0x5c) {
      index = paragraphGroups(prose, index, end, examples, markup, groups);
      continue;
    }
    while (markupCursor < markup.length && markup[markupCursor][1] <= start) markupCursor++;
    let touching = '';
    for (let range = markupCursor; range < markup.length && markup[range][0] < end; range++) touching += `${markup[range][0] - start}:${markup[range][1] - start},`;
    const text = prose.slice(start, end);
    let found = memory.recall(text, start, touching);
    if (!found) {
      found = [];
      paragraphGroups(prose, start, end, examples, markup, found);
      memory.remember(text, start, touching, found);
    }
    for (const group of found) groups.push(group);
    index = end;
  }
  return groups;
}

/**
 * The groups whose `@` lies in [from, to), appended to `groups`; returns where the next `@` is to be looked
 * for. Every scan stops at a blank line: back from an `@` (bracketedGroupAround), forward to a closing
 * bracket (closingBracket, unless a `\` escapes the first newline) and through a key (readKey: no newline).
 */
function paragraphGroups(prose: string, from: number, to: number, examples: Set<string>, markup: [number, number][], groups: CitationGroup[]): number {
  let index = from;
  while (index < to) {
    const at = prose.indexOf('@', index);
    if (at === -1 || at >= to) break;
    const skip = insideMarkup(markup, at) || isExampleReference(prose, at, examples);
    const group = skip ? undefined : (bracketedGroupAround(prose, at) ?? inTextCitation(prose, at));
    if (group) {
      groups.push(group);
      index = group.end;
    } else {
      index = at + 1;
    }
  }
  return Math.max(index, to);
}

const lineBreaks = '\n\r\u2028\u2029';

/** Labels of pandoc's numbered examples, `(@good)` at the start of a list item. */
function exampleLabels(prose: string): Set<string> {
  // Each `(@` is found by a native search and the blanks before it walked back, to see that only they stand
  // between it and its line's start: testing every line's start cost some 4 ms a check of 1 MB. No regular
  // expression with /^[ \t]*/m: it backtracks over every run of blanks, and overflows on a line of a million.
  const labels = new Set<string>();
  const label = /\(@([\p{L}\p{N}_-]+)\)[ \t]/uy;
  for (let at = prose.indexOf('(@'); at !== -1; at = prose.indexOf('(@', at + 2)) {
    let lineStart = at;
    while (lineStart > 0 && (prose[lineStart - 1] === ' ' || prose[lineStart - 1] === '\t')) lineStart--;
    if (lineStart > 0 && !lineBreaks.includes(prose[lineStart - 1])) continue;
    label.lastIndex = at;
    const match = label.exec(prose);
    if (match) labels.add(match[1]);
  }
  return labels;
}

/** `(@good)` names a numbered example, not a source, wherever the document defines that example. */
function isExampleReference(prose: string, at: number, examples: Set<string>): boolean {
  if (prose[at - 1] !== '(') return false;
  const label = /^[\p{L}\p{N}_-]+(?=\))/u.exec(prose.slice(at + 1, at + 200));
  return label !== null && examples.has(label[0]);
}

/**
 * Where the prose holds HTML tags (`<span title="see @a">`) and pandoc attribute blocks
 * (`{fig-alt="Chart from @a"}`), as sorted [start, end) ranges: an `@` in them is an attribute value,
 * which pandoc never reads as a citation. Found once per parse, so each `@` costs a binary search.
 */
function markupRanges(prose: string): [number, number][] {
  const ranges: [number, number][] = [];
  for (const match of prose.matchAll(/<[A-Za-z][^<>\n]*>|(?<!@)\{\s*(?:[#.][\p{L}\p{N}_-]|[\p{L}\p{N}_-]+\s*=)[^{}\n]*\}/gu)) {
    ranges.push([match.index, match.index + match[0].length]);
  }
  return ranges;
}

function insideMarkup(ranges: [number, number][], at: number): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [start, end] = ranges[middle];
    if (at < start) high = middle - 1;
    else if (at >= end) low = middle + 1;
    else return true;
  }
  return false;
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
  // `^[...]` is an inline note: the citations in it are in running text, each one found on its own.
  if (open === -1 || prose[open - 1] === '^') return undefined;
  const close = closingBracket(prose, open);
  if (close === -1) return undefined;
  // `[text](url)` and `[text][ref]` are links, not citations.
  if (prose[close + 1] === '(' || prose[close + 1] === '[') return undefined;
  const items: Citation[] = [];
  for (const [start, end] of splitItems(prose, open + 1, close)) {
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
      // `{}` only says that the suffix has no locator.
      suffix: suffix.trim().replace(/^\{\}/, '').trim(),
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
  const citation: Citation = {
    key: key.key,
    keyStart: key.start,
    keyEnd: key.end,
    start: at,
    end: key.next,
    prefix: '',
    suffix: '',
    locator: undefined,
    suppressAuthor: false,
    inText: true,
  };
  const items = [citation];
  // `@a [p. 33]` gives the in-text citation a suffix; `@a [p. 33; @b]` also cites b, as pandoc reads it.
  const bracket = /^ ?\[/.exec(prose.slice(key.next, key.next + 2));
  const close = bracket ? closingBracket(prose, key.next + bracket[0].length - 1) : -1;
  if (bracket && close !== -1 && prose[close + 1] !== '(' && prose[close + 1] !== '[') {
    const parts = splitItems(prose, key.next + bracket[0].length, close);
    const [firstStart, firstEnd] = parts[0];
    if (!parseBracketedItem(prose, firstStart, firstEnd)) {
      const suffix = prose.slice(firstStart, firstEnd);
      citation.suffix = suffix.trim();
      citation.locator = parseLocator(suffix);
      citation.end = close + 1;
      for (const [start, end] of parts.slice(1)) {
        const item = parseBracketedItem(prose, start, end);
        if (item) items.push(item);
      }
    }
  }
  return { start: at, end: citation.end, bracketed: false, items };
}

/** The `]` that closes the `[` at `open`, within one paragraph; -1 when there is none. */
function closingBracket(prose: string, open: number): number {
  let depth = 0;
  for (let index = open + 1; index < prose.length && index - open < 2000; index++) {
    const char = prose[index];
    if (char === '\\') {
      index++;
      continue;
    }
    if (char === '[') depth++;
    else if (char === ']') {
      if (depth === 0) return index;
      depth--;
    } else if (char === '\n' && prose[index + 1] === '\n') return -1;
  }
  return -1;
}

/** The `;`-separated items between `start` and `end`; a `;` inside braces (`@{a;b}`) separates nothing. */
function splitItems(prose: string, start: number, end: number): [number, number][] {
  const parts: [number, number][] = [];
  let itemStart = start;
  let depth = 0;
  for (let index = start; index <= end; index++) {
    const char = prose[index];
    if (char === '{') depth++;
    else if (char === '}') depth = Math.max(0, depth - 1);
    if (index === end || (char === ';' && depth === 0)) {
      parts.push([itemStart, index]);
      itemStart = index + 1;
    }
  }
  return parts;
}
