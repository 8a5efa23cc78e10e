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

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (;;) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const lineEnd = end > start && text[end - 1] === '\r' ? end - 1 : end;
    lines.push({ start, end: lineEnd, text: text.slice(start, lineEnd) });
    if (newline === -1) break;
    start = newline + 1;
  }
  return lines;
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

export function parseMarkdown(text: string): MarkdownStructure {
  // The prose as UTF-16 code units, blanked in place: an array of one-character strings costs ten times more.
  const chars = new Uint16Array(text.length);
  Buffer.from(chars.buffer).write(text, 'utf16le');
  const blank = (start: number, end: number) => blankCodes(chars, start, end);
  const lines = splitLines(text);
  const directives: Directive[] = [];
  const headings: Heading[] = [];
  const blocks: Block[] = [];

  let frontMatter: FrontMatter | undefined;
  let lineNumber = 0;
  if (lines[0] && /^---[ \t]*$/.test(lines[0].text)) {
    for (let index = 1; index < lines.length; index++) {
      if (/^(---|\.\.\.)[ \t]*$/.test(lines[index].text)) {
        frontMatter = {
          yaml: text.slice(lines[1].start, lines[index].start),
          firstLine: 1,
          start: 0,
          end: lines[index].end,
        };
        blank(0, lines[index].end);
        lineNumber = index + 1;
        break;
      }
    }
  }

  // HTML comments first: they may span lines and hide anything, including fences.
  const commentPattern = /<!--[\s\S]*?(?:-->|$)/g;
  const bodyStart = lines[lineNumber]?.start ?? text.length;
  commentPattern.lastIndex = bodyStart;
  const comments: { start: number; end: number }[] = [];
  for (let match = commentPattern.exec(text); match; match = commentPattern.exec(text)) {
    comments.push({ start: match.index, end: match.index + match[0].length });
    directivePattern.lastIndex = 0;
    const directive = directivePattern.exec(match[0]);
    if (directive) {
      const start = match.index;
      directives.push({
        kind: directive[1] as Directive['kind'],
        rules: directive[2].split(/[\s,]+/).filter(Boolean),
        line: lineOfOffset(lines, start),
        start,
        end: start + match[0].length,
      });
    }
    blank(match.index, match.index + match[0].length);
    if (match[0].length === 0) commentPattern.lastIndex++;
  }

  let section = -1;
  let current: Block | undefined;
  let quoteGroup = 0;
  let previousBlank = true;
  let previousWasList = false;
  const close = () => {
    if (current) blocks.push(current);
    current = undefined;
  };
  const open = (kind: BlockKind, line: Line, index: number) => {
    close();
    current = { kind, start: line.start, end: line.end, startLine: index, endLine: index, section };
    if (kind === 'blockquote') current.quoteGroup = quoteGroup;
  };

  // Before this loop only comments are blanked, and the loop blanks only the line at hand (or a fenced
  // block it then skips): a line no comment touches reads as written, with no string decoded for it.
  let comment = 0;
  for (let index = lineNumber; index < lines.length; index++) {
    const line = lines[index];
    while (comment < comments.length && comments[comment].end <= line.start) comment++;
    const view = comment < comments.length && comments[comment].start < line.end ? decodeCodes(chars, line.start, line.end) : line.text;
    const fence = fencePattern.exec(view);
    if (fence) {
      close();
      const marker = fence[1];
      let closing = index + 1;
      while (closing < lines.length) {
        const candidate = lines[closing].text.trim();
        if (candidate.startsWith(marker[0].repeat(marker.length)) && /^[`~]+$/.test(candidate)) break;
        closing++;
      }
      const last = Math.min(closing, lines.length - 1);
      blank(line.start, lines[last].end);
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

  // Decoded again only after something was blanked: a 1 MB report costs milliseconds per decoding.
  let prose = decodeCodes(chars, 0, chars.length);
  if (blankCodeSpans(prose, blocks, chars)) prose = decodeCodes(chars, 0, chars.length);
  if (blankUrls(prose, chars)) prose = decodeCodes(chars, 0, chars.length);
  return { text, prose, frontMatter, blocks, headings, directives };
}

const newlineCode = 10;
const returnCode = 13;
const spaceCode = 32;

/** Blanks [start, end) but for line breaks, which keep lines where they are. */
function blankCodes(chars: Uint16Array, start: number, end: number): void {
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
function blankCodeSpans(prose: string, blocks: Block[], chars: Uint16Array): boolean {
  if (!prose.includes('`')) return false;
  let blanked = false;
  for (const block of blocks) {
    const slice = prose.slice(block.start, block.end);
    const ticks = /`+/g;
    for (let open = ticks.exec(slice); open; open = ticks.exec(slice)) {
      const run = open[0];
      const closePattern = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
      closePattern.lastIndex = open.index + run.length;
      const close = closePattern.exec(slice);
      if (!close) continue;
      blankCodes(chars, block.start + open.index, block.start + close.index + run.length);
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
 */
function* linkDestinations(prose: string): Generator<[number, number]> {
  let destinationEnd = -1;
  let spacesEnd = -1;
  let quote = -1;
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
      if (quote <= close) quote = prose.indexOf('"', close + 1);
      if (quote < 0) return;
      close = quote + 1;
      if (prose[close] !== ')') continue;
    }
    yield [start, close];
    open = close - 1;
  }
}

function lineOfOffset(lines: Line[], offset: number): number {
  let low = 0;
  let high = lines.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (lines[middle].start <= offset) low = middle;
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
