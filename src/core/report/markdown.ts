/**
 * Just enough Markdown structure for checking a report: where the prose is, which blocks it forms,
 * and what the author switched off. Everything that is not prose (front matter, code, HTML comments,
 * block and list markers) is blanked out in `prose`, which keeps every offset of the original text, so
 * findings point at exact ranges without any mapping.
 */

type BlockKind = 'paragraph' | 'heading' | 'blockquote' | 'list-item' | 'table-row';

export interface Block {
  kind: BlockKind;
  /** Offsets in the original text: [start, end). */
  start: number;
  end: number;
  /** Zero-based lines, inclusive. */
  startLine: number;
  endLine: number;
  /** Index into `headings` of the section the block belongs to, or -1 before the first heading. */
  section: number;
  /** For a blockquote: a key that is the same for the consecutive lines of one quote. */
  quoteGroup?: number;
}

interface Heading {
  level: number;
  text: string;
  line: number;
  start: number;
  end: number;
}

export interface Directive {
  kind: 'disable' | 'enable' | 'disable-line' | 'disable-next-line' | 'disable-file';
  /** Rule ids; empty means every rule. */
  rules: string[];
  line: number;
  start: number;
  end: number;
}

export interface FrontMatter {
  /** The YAML between the fences. */
  yaml: string;
  /** Zero-based line of the first YAML line. */
  firstLine: number;
  start: number;
  end: number;
}

export interface MarkdownStructure {
  text: string;
  prose: string;
  frontMatter?: FrontMatter;
  blocks: Block[];
  headings: Heading[];
  directives: Directive[];
}

const fencePattern = /^ {0,3}(`{3,}|~{3,})/;
const atxHeading = /^ {0,3}(#{1,6})(?:[ \t]+|$)/;
const setextUnderline = /^ {0,3}(=+|-+)[ \t]*$/;
const blockquoteMarker = /^( {0,3}>[ \t]?)+/;
const listMarker = /^( {0,3})([-+*]|\d{1,9}[.)])([ \t]+|$)/;
const thematicBreak = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const directivePattern = /<!--\s*citewise-(disable-next-line|disable-line|disable-file|disable|enable)\b([^>]*?)-->/g;

interface Line {
  start: number;
  end: number;
  text: string;
}

interface Span {
  start: number;
  end: number;
}

/** Where each line starts: a line's text is sliced only when a scan reaches it. */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', newline + 1)) starts.push(newline + 1);
  return starts;
}

export function lineAt(text: string, lineStarts: number[], index: number): Line {
  const start = lineStarts[index];
  const newline = index + 1 < lineStarts.length ? lineStarts[index + 1] - 1 : text.length;
  const end = newline > start && text.charCodeAt(newline - 1) === returnCode ? newline - 1 : newline;
  return { start, end, text: text.slice(start, end) };
}

/** Just the front matter: a `---` first line up to the next `---` or `...` line. Cheap for large documents. */
export function readFrontMatter(text: string): FrontMatter | undefined {
  const opening = /^---[ \t]*\r?\n/.exec(text);
  if (!opening) return undefined;
  const closing = /^(?:---|\.\.\.)[ \t]*$/m;
  closing.lastIndex = 0;
  const rest = text.slice(opening[0].length);
  const match = closing.exec(rest);
  if (!match) return undefined;
  const yamlEnd = opening[0].length + match.index;
  return { yaml: text.slice(opening[0].length, yamlEnd), firstLine: 1, start: 0, end: yamlEnd + match[0].length };
}

/** Whether the first line opens front matter (which is front matter only if a closing line follows). */
export const frontMatterOpening = /^---[ \t]*$/;

/**
 * What a parse keeps besides its result, so that the next version of the text can be parsed from it
 * (see incremental-markdown.ts): where lines start, where the body starts, the comments, and the lines at
 * which the line scan was reset, with the only state that survives a reset.
 */
export interface ParseTrace {
  lineStarts: number[];
  /** The first line after the front matter. */
  bodyLine: number;
  comments: Span[];
  /** Lines the scan reached with no open block after a blank (or blanked) line, ascending. */
  resetLines: number[];
  /** For each reset line: the quote group counter times two, plus one if a list item came before (`resetState`). */
  resetStates: number[];
}

const traces = new WeakMap<MarkdownStructure, ParseTrace>();

/** The trace of a structure made by `parseMarkdown` or the incremental parse. */
export function traceOf(structure: MarkdownStructure): ParseTrace | undefined {
  return traces.get(structure);
}

export function keepTrace(structure: MarkdownStructure, trace: ParseTrace): MarkdownStructure {
  traces.set(structure, trace);
  return structure;
}

function resetState(quoteGroup: number, previousWasList: boolean): number {
  return quoteGroup * 2 + (previousWasList ? 1 : 0);
}

export function parseMarkdown(text: string): MarkdownStructure {
  // The prose as UTF-16 code units, blanked in place: an array of one-character strings costs ten times more.
  const chars = encodeCodes(text);
  const lineStarts = lineStartsOf(text);
  const directives: Directive[] = [];

  let frontMatter: FrontMatter | undefined;
  let bodyLine = 0;
  if (frontMatterOpening.test(lineAt(text, lineStarts, 0).text)) {
    for (let index = 1; index < lineStarts.length; index++) {
      const line = lineAt(text, lineStarts, index);
      if (/^(---|\.\.\.)[ \t]*$/.test(line.text)) {
        frontMatter = { yaml: text.slice(lineStarts[1], line.start), firstLine: 1, start: 0, end: line.end };
        blankCodes(chars, 0, line.end);
        bodyLine = index + 1;
        break;
      }
    }
  }

  // HTML comments first: they may span lines and hide anything, including fences.
  const commentPattern = /<!--[\s\S]*?(?:-->|$)/g;
  commentPattern.lastIndex = lineStarts[bodyLine] ?? text.length;
  const comments: Span[] = [];
  for (let match = commentPattern.exec(text); match; match = commentPattern.exec(text)) {
    comments.push({ start: match.index, end: match.index + match[0].length });
    directivePattern.lastIndex = 0;
    const directive = directivePattern.exec(match[0]);
    if (directive) {
      const start = match.index;
      directives.push({
        kind: directive[1] as Directive['kind'],
        rules: directive[2].split(/[\s,]+/).filter(Boolean),
        line: lineOfOffset(lineStarts, start),
        start,
        end: start + match[0].length,
      });
    }
    blankCodes(chars, match.index, match.index + match[0].length);
    if (match[0].length === 0) commentPattern.lastIndex++;
  }

  const scan: BodyScan = { text, lineStarts, comments, chars, base: 0, blocks: [], headings: [], resetLines: [], resetStates: [] };
  scanBody(scan, { line: bodyLine, state: resetState(0, false) });
  const { blocks, headings, resetLines, resetStates } = scan;
  const prose = blankInline(chars, blocks, 0);
  return keepTrace({ text, prose, frontMatter, blocks, headings, directives }, { lineStarts, bodyLine, comments, resetLines, resetStates });
}

/** The text a line scan reads and the parts of the result it adds to. */
export interface BodyScan {
  text: string;
  lineStarts: number[];
  comments: Span[];
  /** The prose being blanked: code units of the text from offset `base` on. */
  chars: Uint16Array;
  base: number;
  blocks: Block[];
  headings: Heading[];
  resetLines: number[];
  resetStates: number[];
}

/** A reset line and the state there (`resetState`): nothing else carries over from the lines above it. */
interface ScanStart {
  line: number;
  state: number;
}

/**
 * The line state machine, from a reset line to the end of the text or to the first reset line `stopAt`
 * accepts (with the state the scan has there). Says where it stopped and the quote group counter there.
 * Before it runs, only comments are blanked, and it blanks only the line at hand (or a fenced block it
 * then skips): a line no comment touches reads as written, with no string decoded for it.
 */
export function scanBody(scan: BodyScan, start: ScanStart, stopAt?: (line: number, state: number) => boolean): { line: number; quoteGroup: number } {
  const { text, lineStarts, comments, chars, base, blocks, headings } = scan;
  const blank = (from: number, to: number) => blankCodes(chars, from - base, to - base);
  const lineCount = lineStarts.length;
  let section = headings.length - 1;
  let current: Block | undefined;
  let quoteGroup = Math.floor(start.state / 2);
  let previousBlank = true;
  let previousWasList = start.state % 2 === 1;
  const close = () => {
    if (current) blocks.push(current);
    current = undefined;
  };
  const open = (kind: BlockKind, line: Line, index: number) => {
    close();
    current = { kind, start: line.start, end: line.end, startLine: index, endLine: index, section };
    if (kind === 'blockquote') current.quoteGroup = quoteGroup;
  };

  let comment = 0;
  for (let index = start.line; index < lineCount; index++) {
    if (!current && previousBlank) {
      const state = resetState(quoteGroup, previousWasList);
      if (stopAt?.(index, state)) return { line: index, quoteGroup };
      scan.resetLines.push(index);
      scan.resetStates.push(state);
    }
    const line = lineAt(text, lineStarts, index);
    while (comment < comments.length && comments[comment].end <= line.start) comment++;
    const view = comment < comments.length && comments[comment].start < line.end ? decodeCodes(chars, line.start - base, line.end - base) : line.text;
    const fence = fencePattern.exec(view);
    if (fence) {
      close();
      const marker = fence[1];
      let closing = index + 1;
      while (closing < lineCount) {
        const candidate = lineAt(text, lineStarts, closing).text.trim();
        if (candidate.startsWith(marker[0].repeat(marker.length)) && /^[`~]+$/.test(candidate)) break;
        closing++;
      }
      const last = Math.min(closing, lineCount - 1);
      blank(line.start, lineAt(text, lineStarts, last).end);
      index = last;
      previousBlank = true;
      previousWasList = false;
      continue;
    }
    if (view.trim() === '') {
      close();
      previousBlank = true;
      quoteGroup++;
      continue;
    }
    const indented = /^( {4,}|\t)/.test(view);
    if (indented && previousBlank && !previousWasList && !(current && current.kind === 'list-item')) {
      blank(line.start, line.end);
      continue;
    }
    if (thematicBreak.test(view) && !(current && setextUnderline.test(view))) {
      close();
      blank(line.start, line.end);
      previousBlank = true;
      continue;
    }
    const atx = atxHeading.exec(view);
    if (atx) {
      close();
      const content = view.slice(atx[0].length).replace(/[ \t]+#+[ \t]*$/, '').replace(/^#+[ \t]*$/, '');
      blank(line.start, line.start + atx[0].length);
      const closingHashes = /[ \t]+#+[ \t]*$/.exec(view);
      if (closingHashes) blank(line.start + closingHashes.index, line.end);
      headings.push({ level: atx[1].length, text: content.trim(), line: index, start: line.start, end: line.end });
      section = headings.length - 1;
      blocks.push({ kind: 'heading', start: line.start, end: line.end, startLine: index, endLine: index, section });
      previousBlank = false;
      previousWasList = false;
      continue;
    }
    if (current && current.kind === 'paragraph' && setextUnderline.test(view)) {
      const heading = current;
      current = undefined;
      blank(line.start, line.end);
      headings.push({
        level: view.trim()[0] === '=' ? 1 : 2,
        text: text.slice(heading.start, heading.end).replace(/\s+/g, ' ').trim(),
        line: heading.startLine,
        start: heading.start,
        end: heading.end,
      });
      section = headings.length - 1;
      blocks.push({ ...heading, kind: 'heading', section, endLine: index, end: line.end });
      previousBlank = false;
      continue;
    }
    const quote = blockquoteMarker.exec(view);
    if (quote) {
      blank(line.start, line.start + quote[0].length);
      const rest = view.slice(quote[0].length);
      if (rest.trim() === '') {
        // An empty `>` line separates paragraphs inside one blockquote.
        close();
        quoteGroup++;
      } else if (current && current.kind === 'blockquote') {
        current.end = line.end;
        current.endLine = index;
      } else {
        open('blockquote', line, index);
      }
      previousBlank = false;
      continue;
    }
    const list = listMarker.exec(view);
    if (list) {
      blank(line.start, line.start + list[0].length);
      open('list-item', line, index);
      previousBlank = false;
      previousWasList = true;
      continue;
    }
    if (view.includes('|') && /^\s*\|/.test(view)) {
      close();
      if (/^\s*\|?[\s:|-]+\|?\s*$/.test(view) && view.includes('-')) blank(line.start, line.end);
      else blocks.push({ kind: 'table-row', start: line.start, end: line.end, startLine: index, endLine: index, section });
      previousBlank = false;
      continue;
    }
    if (current && !(current.kind === 'blockquote' && previousBlank)) {
      // Lazy continuation: a wrapped line continues the paragraph, list item or quote above it.
      current.end = line.end;
      current.endLine = index;
    } else {
      if (current?.kind !== 'list-item' || previousBlank) previousWasList = previousWasList && indented;
      open('paragraph', line, index);
    }
    previousBlank = false;
  }
  close();
  return { line: lineCount, quoteGroup };
}

/**
 * Blanks code spans and addresses in the prose of the given blocks (`chars` holds code units from offset
 * `base` on) and decodes it. Decoded again only after something was blanked: a 1 MB report costs
 * milliseconds per decoding.
 */
export function blankInline(chars: Uint16Array, blocks: Block[], base: number): string {
  let prose = decodeCodes(chars, 0, chars.length);
  if (blankCodeSpans(prose, blocks, chars, base)) prose = decodeCodes(chars, 0, chars.length);
  if (blankUrls(prose, chars)) prose = decodeCodes(chars, 0, chars.length);
  return prose;
}

const newlineCode = 10;
const returnCode = 13;
const spaceCode = 32;

/** The code units of a text, to blank in place. */
export function encodeCodes(text: string): Uint16Array {
  const chars = new Uint16Array(text.length);
  Buffer.from(chars.buffer).write(text, 'utf16le');
  return chars;
}

/** Blanks [start, end) but for line breaks, which keep lines where they are. */
export function blankCodes(chars: Uint16Array, start: number, end: number): void {
  for (let index = start; index < end; index++) if (chars[index] !== newlineCode && chars[index] !== returnCode) chars[index] = spaceCode;
}

/**
 * The string of code units [start, end), a string of its own. Decoded natively: code units pass
 * through unchanged (a lone surrogate too), many times faster on a 1 MB report than from char codes.
 */
function decodeCodes(chars: Uint16Array, start: number, end: number): string {
  return Buffer.from(chars.buffer, chars.byteOffset + start * 2, (end - start) * 2).toString('utf16le');
}

/** Code spans may wrap across lines within a block, so they are found per block. Says whether it blanked any. */
function blankCodeSpans(prose: string, blocks: Block[], chars: Uint16Array, base: number): boolean {
  if (!prose.includes('`')) return false;
  let blanked = false;
  for (const block of blocks) {
    const blockStart = block.start - base;
    const slice = prose.slice(blockStart, block.end - base);
    const ticks = /`+/g;
    for (let open = ticks.exec(slice); open; open = ticks.exec(slice)) {
      const run = open[0];
      const closePattern = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
      closePattern.lastIndex = open.index + run.length;
      const close = closePattern.exec(slice);
      if (!close) continue;
      blankCodes(chars, blockStart + open.index, blockStart + close.index + run.length);
      blanked = true;
      ticks.lastIndex = close.index + run.length;
    }
  }
  return blanked;
}

/**
 * Link destinations, autolinks and bare URLs are addresses, not prose: an `@` in them is no citation.
 * A URL written as a braced citation key, `@{https://…}`, is the key and stays. Says whether it blanked any.
 */
function blankUrls(prose: string, chars: Uint16Array): boolean {
  let blanked = false;
  for (const [start, end] of linkDestinations(prose)) {
    chars.fill(spaceCode, start, end);
    blanked = true;
  }
  const patterns = [/<[a-z][a-z0-9+.-]*:[^>\s]*>/gi, /(?<!@\{)\b(?:https?|ftp|mailto):[^\s<>()\]]+/gi];
  for (const pattern of patterns) {
    for (const match of prose.matchAll(pattern)) {
      chars.fill(spaceCode, match.index, match.index + match[0].length);
      blanked = true;
    }
  }
  return blanked;
}

/**
 * The `destination "title"` of each `](destination "title")`, as [start, end) offsets. A scan, not a regular
 * expression: from every unclosed `](` a pattern would read on to the next `)`, quadratic in a report full
 * of them. Where a destination or title ends is remembered, and holds for every `](` before that point.
 * A title, with the spaces before it, never spans a blank line (as in CommonMark): a stray `"` must not
 * blank the paragraphs up to the next one, and no link reaches across a blank line, which lets an edit
 * be parsed again between blank lines.
 */
function* linkDestinations(prose: string): Generator<[number, number]> {
  let destinationEnd = -1;
  let spacesEnd = -1;
  let quote = -1;
  let blankLine = -1;
  const blankLines = /\n[^\S\n]*\n/g;
  for (let open = prose.indexOf(']('); open >= 0; open = prose.indexOf('](', open + 2)) {
    const start = open + 2;
    if (destinationEnd < start) {
      destinationEnd = start;
      while (destinationEnd < prose.length && prose[destinationEnd] !== ')' && !/\s/.test(prose[destinationEnd])) destinationEnd++;
      // An optional title follows spaces: "…", then the closing parenthesis.
      spacesEnd = destinationEnd;
      while (spacesEnd < prose.length && /\s/.test(prose[spacesEnd])) spacesEnd++;
    }
    let close = destinationEnd;
    if (prose[close] !== ')') {
      close = spacesEnd;
      if (close === destinationEnd || prose[close] !== '"') continue;
      if (quote <= close) {
        quote = prose.indexOf('"', close + 1);
        // No closing quote: none after any later `](` either, and a later `](url)` is still a link.
        if (quote < 0) quote = prose.length;
      }
      if (quote === prose.length) continue;
      if (blankLine < destinationEnd) {
        blankLines.lastIndex = destinationEnd;
        blankLine = blankLines.exec(prose)?.index ?? prose.length;
      }
      if (blankLine < quote) continue;
      close = quote + 1;
      if (prose[close] !== ')') continue;
    }
    yield [start, close];
    open = close - 1;
  }
}

/** The last line starting at or before an offset. */
export function lineOfOffset(lineStarts: number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (lineStarts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** The section titles a block lies under, innermost first. */
export function sectionTrail(structure: MarkdownStructure, block: Block): Heading[] {
  const parent = parentHeadings(structure);
  const trail: Heading[] = [];
  for (let index = block.section; index >= 0; index = parent[index]) trail.push(structure.headings[index]);
  return trail;
}

const parentsByStructure = new WeakMap<MarkdownStructure, number[]>();

/**
 * For each heading, the nearest heading before it of a higher rank (-1 for none), found once per report
 * with a stack: walking back through every heading for every block was quadratic in a report of headings.
 */
function parentHeadings(structure: MarkdownStructure): number[] {
  let parent = parentsByStructure.get(structure);
  if (parent) return parent;
  parent = [];
  const open: number[] = [];
  structure.headings.forEach((heading, index) => {
    while (open.length && structure.headings[open[open.length - 1]].level >= heading.level) open.pop();
    parent!.push(open.length ? open[open.length - 1] : -1);
    open.push(index);
  });
  parentsByStructure.set(structure, parent);
  return parent;
}
