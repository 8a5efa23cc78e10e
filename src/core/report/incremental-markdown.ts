import {
  blankCodes,
  blankInline,
  encodeCodes,
  frontMatterOpening,
  keepTrace,
  lineAt,
  lineOfOffset,
  parseMarkdown,
  scanBody,
  traceOf,
  type Block,
  type BodyScan,
  type MarkdownStructure,
  type ParseTrace,
} from './markdown';
import { changedSpan } from './changed-span';

/**
 * The structure of a new version of a text, parsed from the previous version's: exactly what
 * `parseMarkdown(text)` gives, found by reading again only the lines around the edit. A keystroke in a
 * 1 MB report costs a paragraph's parse instead of the whole report's.
 *
 * The line scan forgets everything but two values at a reset line (no open block, the line above blank
 * or blanked), and no link, code span or address reaches across such a line. So the scan restarts at the
 * last reset line before the edit and runs until it reaches, after the edit, a reset line that the
 * previous scan also reached with the same state; from there on the previous structure holds, shifted.
 * Where locality cannot be shown (front matter, HTML comments near or around the edit) it parses in full.
 */
export function reparseMarkdown(previous: MarkdownStructure, text: string): MarkdownStructure {
  const trace = traceOf(previous);
  const old = previous.text;
  if (!trace) return parseMarkdown(text);
  if (old === text) return previous;
  const { start: changeStart, oldEnd, newEnd } = changedSpan(old, text);
  if (!bodyUnchangedAbove(previous, trace, changeStart) || touchesComment(old, trace, changeStart, oldEnd) || touchesComment(text, undefined, changeStart, newEnd)) {
    return parseMarkdown(text);
  }

  const oldStarts = trace.lineStarts;
  const lineStarts = spliceLineStarts(oldStarts, text, changeStart, oldEnd, newEnd);
  const lineDelta = lineStarts.length - oldStarts.length;
  const delta = text.length - old.length;

  // The last reset line at or before the edit's line: the lines above it are as they were.
  const restartIndex = lastIndexWhere(trace.resetLines, (line) => oldStarts[line] <= changeStart);
  if (restartIndex < 0) return parseMarkdown(text);
  const restartLine = trace.resetLines[restartIndex];
  const restart = oldStarts[restartLine];
  const keptBlocks = firstIndexWhere(previous.blocks, (block) => block.startLine >= restartLine);
  const keptHeadings = firstIndexWhere(previous.headings, (heading) => heading.line >= restartLine);

  const chars = encodeCodes(text.slice(restart));
  for (const comment of trace.comments) {
    const start = comment.start > oldEnd ? comment.start + delta : comment.start;
    const end = comment.start > oldEnd ? comment.end + delta : comment.end;
    if (end > restart) blankCodes(chars, Math.max(start, restart) - restart, end - restart);
  }
  const scan: BodyScan = {
    text,
    lineStarts,
    comments: trace.comments.map((comment) => (comment.start > oldEnd ? { start: comment.start + delta, end: comment.end + delta } : comment)),
    chars,
    base: restart,
    blocks: previous.blocks.slice(0, keptBlocks),
    headings: previous.headings.slice(0, keptHeadings),
    resetLines: trace.resetLines.slice(0, restartIndex),
    resetStates: trace.resetStates.slice(0, restartIndex),
  };
  let resumeIndex = -1;
  const stopped = scanBody(scan, { line: restartLine, state: trace.resetStates[restartIndex] }, (line, state) => {
    // A line whose line break above lies after the edit reads as before; the state must match too.
    if (lineStarts[line] <= newEnd) return false;
    const index = indexOfSorted(trace.resetLines, line - lineDelta);
    if (index < 0 || trace.resetStates[index] % 2 !== state % 2) return false;
    resumeIndex = index;
    return true;
  });

  const syncEnd = stopped.line < lineStarts.length ? lineStarts[stopped.line] : text.length;
  const windowProse = blankInline(chars.subarray(0, syncEnd - restart), scan.blocks.slice(keptBlocks), restart);
  const prose = [...prosePieces(previous, 0, restart), { text: windowProse, start: 0, end: windowProse.length }];
  if (resumeIndex >= 0) {
    const resumeLine = trace.resetLines[resumeIndex];
    prose.push(...prosePieces(previous, oldStarts[resumeLine], old.length));
    const quoteDelta = stopped.quoteGroup - Math.floor(trace.resetStates[resumeIndex] / 2);
    const resumeHeading = firstIndexWhere(previous.headings, (heading) => heading.line >= resumeLine);
    const sectionDelta = scan.headings.length - resumeHeading;
    for (const heading of previous.headings.slice(resumeHeading)) {
      scan.headings.push({ ...heading, line: heading.line + lineDelta, start: heading.start + delta, end: heading.end + delta });
    }
    for (const block of previous.blocks.slice(firstIndexWhere(previous.blocks, (block) => block.startLine >= resumeLine))) {
      scan.blocks.push(movedBlock(block, delta, lineDelta, sectionDelta, quoteDelta));
    }
    for (let index = resumeIndex; index < trace.resetLines.length; index++) {
      scan.resetLines.push(trace.resetLines[index] + lineDelta);
      scan.resetStates.push(trace.resetStates[index] + 2 * quoteDelta);
    }
  }
  // No comment overlaps the edit, so a directive lies before it or after it.
  const directives = previous.directives.map((directive) =>
    directive.start > oldEnd ? { ...directive, line: lineOfOffset(lineStarts, directive.start + delta), start: directive.start + delta, end: directive.end + delta } : directive,
  );
  const structure = withLazyProse({ text, frontMatter: previous.frontMatter, blocks: scan.blocks, headings: scan.headings, directives }, prose);
  const nextTrace: ParseTrace = { lineStarts, bodyLine: trace.bodyLine, comments: scan.comments, resetLines: scan.resetLines, resetStates: scan.resetStates };
  return keepTrace(structure, nextTrace);
}

/** A stretch [start, end) of a string. */
interface ProsePiece {
  text: string;
  start: number;
  end: number;
}

/**
 * The prose of an incrementally parsed version, as pieces of an earlier version's prose and the window read
 * again, until something reads it whole. Joining it costs as much as copying 1 MB, and so does slicing a
 * joined-but-unflattened string, which is what completion on every keystroke would otherwise pay twice.
 */
const lazyProse = new WeakMap<MarkdownStructure, ProsePiece[]>();

/** Beyond this many pieces a version's prose is joined at once, so that reading a character stays cheap and no chain of versions is kept. */
const maxProsePieces = 32;

function withLazyProse(fields: Omit<MarkdownStructure, 'prose'>, pieces: ProsePiece[]): MarkdownStructure {
  const kept = pieces.filter((piece) => piece.end > piece.start);
  if (kept.length > maxProsePieces) return { ...fields, prose: joinPieces(kept) };
  const structure = fields as MarkdownStructure;
  lazyProse.set(structure, kept);
  Object.defineProperty(structure, 'prose', {
    enumerable: true,
    configurable: true,
    get(): string {
      const prose = joinPieces(kept);
      Object.defineProperty(structure, 'prose', { value: prose, enumerable: true, configurable: true, writable: true });
      lazyProse.delete(structure);
      return prose;
    },
  });
  return structure;
}

function joinPieces(pieces: readonly ProsePiece[]): string {
  return pieces.map((piece) => piece.text.slice(piece.start, piece.end)).join('');
}

/** The pieces of a structure's prose that make up [from, to), without joining them. */
function prosePieces(structure: MarkdownStructure, from: number, to: number): ProsePiece[] {
  const pieces = lazyProse.get(structure) ?? [{ text: structure.prose, start: 0, end: structure.prose.length }];
  const found: ProsePiece[] = [];
  let offset = 0;
  for (const piece of pieces) {
    const length = piece.end - piece.start;
    const start = Math.max(from, offset);
    const end = Math.min(to, offset + length);
    if (start < end) found.push({ text: piece.text, start: piece.start + start - offset, end: piece.start + end - offset });
    offset += length;
  }
  return found;
}

/** The UTF-16 code unit of a structure's prose at an offset (NaN outside it), without joining a prose still in pieces. */
export function proseCodeAt(structure: MarkdownStructure, offset: number): number {
  const pieces = lazyProse.get(structure);
  if (!pieces) return structure.prose.charCodeAt(offset);
  let start = 0;
  for (const piece of pieces) {
    const length = piece.end - piece.start;
    if (offset >= start && offset < start + length) return piece.text.charCodeAt(piece.start + offset - start);
    start += length;
  }
  return Number.NaN;
}

/**
 * Whether the front matter (or its absence) stays as it was: the edit starts below the line that closes it,
 * or below a first line that opens none. A first line that opens front matter never closed is not local.
 */
function bodyUnchangedAbove(previous: MarkdownStructure, trace: ParseTrace, changeStart: number): boolean {
  const starts = trace.lineStarts;
  if (previous.frontMatter) return trace.bodyLine < starts.length && changeStart >= starts[trace.bodyLine];
  return starts.length > 1 && changeStart >= starts[1] && !frontMatterOpening.test(lineAt(previous.text, starts, 0).text);
}

/**
 * Whether the edit may change which comments there are: `<!--` or `-->` near it (either may be made or
 * broken by it), or, in the previous text, a comment it touches (a directive's text may change).
 */
function touchesComment(text: string, trace: ParseTrace | undefined, start: number, end: number): boolean {
  const around = text.slice(Math.max(0, start - 3), end + 3);
  if (around.includes('<!--') || around.includes('-->')) return true;
  return trace?.comments.some((comment) => comment.start <= end && comment.end >= start) ?? false;
}

/** Line starts of the new text: those above the edit, those inside it, and those below it, shifted. */
function spliceLineStarts(oldStarts: number[], text: string, changeStart: number, oldEnd: number, newEnd: number): number[] {
  const starts = oldStarts.slice(0, lineOfOffset(oldStarts, changeStart) + 1);
  for (let newline = text.indexOf('\n', changeStart); newline !== -1 && newline < newEnd; newline = text.indexOf('\n', newline + 1)) starts.push(newline + 1);
  const delta = newEnd - oldEnd;
  for (let index = firstIndexWhere(oldStarts, (start) => start > oldEnd); index < oldStarts.length; index++) starts.push(oldStarts[index] + delta);
  return starts;
}

function movedBlock(block: Block, delta: number, lineDelta: number, sectionDelta: number, quoteDelta: number): Block {
  // Written out rather than spread: thousands of blocks below an edit near the top move on every keystroke.
  const moved: Block = {
    kind: block.kind,
    start: block.start + delta,
    end: block.end + delta,
    startLine: block.startLine + lineDelta,
    endLine: block.endLine + lineDelta,
    section: block.section + sectionDelta,
  };
  if (block.quoteGroup !== undefined) moved.quoteGroup = block.quoteGroup + quoteDelta;
  return moved;
}

/** The first index whose item satisfies a predicate that holds from some index on (the length if none). */
function firstIndexWhere<T>(items: readonly T[], holds: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (holds(items[middle])) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The last index whose item satisfies a predicate that holds up to some index (-1 if none). */
function lastIndexWhere<T>(items: readonly T[], holds: (item: T) => boolean): number {
  return firstIndexWhere(items, (item) => !holds(item)) - 1;
}

function indexOfSorted(items: readonly number[], value: number): number {
  const index = firstIndexWhere(items, (item) => item >= value);
  return items[index] === value ? index : -1;
}
