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
  let prose = previous.prose.slice(0, restart) + windowProse;
  if (resumeIndex >= 0) {
    const resumeLine = trace.resetLines[resumeIndex];
    prose += previous.prose.slice(oldStarts[resumeLine]);
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
  const structure: MarkdownStructure = { text, prose, frontMatter: previous.frontMatter, blocks: scan.blocks, headings: scan.headings, directives };
  const nextTrace: ParseTrace = { lineStarts, bodyLine: trace.bodyLine, comments: scan.comments, resetLines: scan.resetLines, resetStates: scan.resetStates };
  return keepTrace(structure, nextTrace);
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
