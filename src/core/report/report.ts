import { CitationMemory, parseCitations, type CitationGroup } from './citations';
import { reparseMarkdown } from './incremental-markdown';
import { parseMarkdown, type Block, type MarkdownStructure } from './markdown';
import { isBareReference, looksLikeReference, maxReferenceLength, parseReferences, type FreeTextReference } from './references';
import { countWords } from '../index/tokenize';

/**
 * A report read for checking: its Markdown structure, citations, references, sentences and quotes,
 * and what each quote rests on. Citations are Pandoc's (`[@key, p. 35]`); references are what COI
 * and academic authors write instead: a `Source:` line after a quote or a run of quotes, a footnote
 * (`[^12]` with its `[^12]: …` definition) or an inline note (`^[…]`), holding either Pandoc citations
 * or a free-text reference such as `Publisher, “Title”, 15 June 2023, p. 45`.
 */

export interface Sentence {
  start: number;
  end: number;
  block: Block;
  citations: CitationGroup[];
}

/** A `Source:` line, a footnote definition or an inline note: where a report says what its quotes rest on. */
export interface ReferenceSpan {
  /** The whole reference, label included (`Source:`, `[^3]:`, `^[`). */
  start: number;
  end: number;
  origin: 'source-line' | 'footnote' | 'inline-note';
  /** The footnote's label, for footnotes. */
  label?: string;
  /** A footnote as exported text writes it: a number and a tab at the foot of the page, not `[^label]:`. */
  plainText?: boolean;
  /** Pandoc citations in the reference, as one group. */
  citation?: CitationGroup;
  /** Free-text references, where the reference holds no Pandoc citation. */
  entries: FreeTextReference[];
}

interface FootnoteMarker {
  start: number;
  end: number;
  label: string;
  /** The note's definition; a `[^label]` the report never defines has none. */
  definition?: ReferenceSpan;
}

export interface Quote {
  /** The quote with its quotation marks (or the whole blockquote). */
  start: number;
  end: number;
  /** The quoted words alone, with citations inside a blockquote blanked out. */
  text: string;
  kind: 'inline' | 'blockquote';
  wordCount: number;
  block: Block;
  /** The citation group the quote rests on, if any. */
  attribution?: CitationGroup;
  /** The free-text reference the quote rests on, when no Pandoc citation is attributed. */
  reference?: ReferenceSpan;
  /** A footnote the quote's sentence points to that the report never defines. */
  undefinedNote?: string;
}

export interface AnalyzedReport {
  structure: MarkdownStructure;
  citations: CitationGroup[];
  /** Every `Source:` line, footnote definition and inline note that cites something. */
  references: ReferenceSpan[];
  footnoteMarkers: FootnoteMarker[];
  sentences: Sentence[];
  quotes: Quote[];
  /**
   * Blocks whose statements rest on a reference that follows them: the quotes and paraphrase before a
   * `Source:` line, and the sentence that introduces a quote (`The report stated:`).
   */
  coveredBlocks: Set<Block>;
}

const sourceLabel = /^[ \t]*[*_]{0,2}(?:sources?|burimi|burime|quelle|quellen|fuente|fuentes|fonte|fontes)[*_]{0,2}[ \t]*:[*_]{0,2}[ \t]*/i;
const footnoteDefinition = /^[ \t]{0,3}\[\^([^\]\s]{1,100})\]:[ \t]*/;
const footnoteMarkerPattern = /\[\^([^\]\s]{1,100})\](?!:)/g;
/**
 * Footnotes as text exported from Word or PDF carries them: a number glued to the end of a sentence or
 * quote (`… Albania.”2`), and at the foot of the page the number, a tab, and the note (`2<TAB>House of
 * Commons …`). The tab is what tells such a note from a paragraph that starts with a number.
 */
const plainFootnoteDefinition = /^[ \t]{0,3}(\d{1,3})[ ]*\t[ \t]*/;
/**
 * Matched from the mark before the number; the character before the mark, which must be no digit nor
 * space, is tested apart: as a lookbehind it was tried at every position of the report (3 ms in 1 MB).
 */
const plainFootnoteMarker = /[\u201D"\u2019.,;:)\]](\d{1,3})(?=[\s,.;:]|$)/g;
/** How far below its marker a plain-text footnote may stand: a few pages. */
const plainFootnoteReach = 30_000;
/** The original-language text of a translated quote, which some COI reports print beside the translation. */
const originalTextLabel = /^\s*original(?:\s+(?:source|text|quote|version))?\s*:/i;
const openingQuoteMarks = '\u201C\u201E\u00AB"';
/** A paragraph that ends a quote: a closing mark, perhaps with punctuation and a footnote number after it. */
const closesQuote = /[\u201D"\u00BB][.,;:]?\d{0,3}\s*$/;

/** The label that makes a line a reference (`Source: `, `[^3]: `), or undefined for any other line. */
export function referenceLabel(line: string): string | undefined {
  return (sourceLabel.exec(line) ?? footnoteDefinition.exec(line))?.[0];
}

/**
 * What the analysis of a report keeps for the next one: a report is analysed again after every pause in
 * typing, and an edit changes few of its paragraphs and quotes. Each analysis drops what the one before it
 * did not use, so at most two reports' worth is held. Reuse never changes the outcome: an analysis with a
 * memory of its own, fresh, gives the same report.
 */
export class ReportMemory {
  /** Citation groups by paragraph. */
  readonly citations = new CitationMemory();
  /** Quotes' word counts by quoted text: counting every quote's words costs 6 ms in a 1 MB report. */
  private previousWordCounts = new Map<string, number>();
  private wordCounts = new Map<string, number>();
  /**
   * Where a block's sentences start and end, from its start, by the block's prose and the spans that decide
   * them (see `sentenceKey`): splitting the sentences of every block costs some 14 ms in a 1 MB report.
   */
  private previousSentences = new Map<string, number[]>();
  private sentences = new Map<string, number[]>();
  /** The last report's Markdown structure: the next version is parsed from it, reading again only the lines around the edit. */
  private structure: MarkdownStructure | undefined;

  /** Starts an analysis of `text`: what the one before counted may be reused, and is then dropped. Returns the text's structure. */
  begin(text: string): MarkdownStructure {
    this.previousWordCounts = this.wordCounts;
    this.wordCounts = new Map();
    this.previousSentences = this.sentences;
    this.sentences = new Map();
    this.structure = this.structure ? reparseMarkdown(this.structure, text) : parseMarkdown(text);
    return this.structure;
  }

  wordCount(text: string): number {
    let count = this.wordCounts.get(text) ?? this.previousWordCounts.get(text);
    if (count === undefined) count = countWords(text);
    this.wordCounts.set(text, count);
    return count;
  }

  /** Sentence bounds by `sentenceKey`, from this analysis or the one before; `split` finds them when neither has. */
  sentenceBounds(key: string, split: () => number[]): number[] {
    let bounds = this.sentences.get(key) ?? this.previousSentences.get(key);
    if (bounds === undefined) bounds = split();
    this.sentences.set(key, bounds);
    return bounds;
  }
}

/** The memory of checks that are given none of their own: the editor's, one report after another. */
const sharedMemory = new ReportMemory();

export function analyzeReport(text: string, memory: ReportMemory = sharedMemory): AnalyzedReport {
  const structure = memory.begin(text);
  const prose = structure.prose;
  const citations = parseCitations(prose, memory.citations);
  const blocks = structure.blocks;
  const { spans, definitions, notes } = findReferenceSpans(prose, blocks, citations);
  const footnoteMarkers = findFootnoteMarkers(prose, definitions);
  const definitionBlocks = new Set(groupByBlock(definitions, blocks).keys());
  const sentences: Sentence[] = [];
  const quotes: Quote[] = [];
  const blockQuotesOf = new Map<Block, Quote[]>();
  const spansOfBlock = groupByBlock(spans.filter((span) => span.origin !== 'inline-note'), blocks);
  const definitionOfBlock = groupByBlock(definitions, blocks);
  const notesOfBlock = groupByBlock(notes, blocks);
  const material = new Set<Block>();
  let citationCursor = 0;
  let carriesQuote = false;

  for (const block of blocks) {
    while (citationCursor < citations.length && citations[citationCursor].start < block.start) citationCursor++;
    const blockCitations: CitationGroup[] = [];
    for (let index = citationCursor; index < citations.length && citations[index].start < block.end; index++) {
      blockCitations.push(citations[index]);
    }
    if (block.kind === 'heading') {
      carriesQuote = false;
      continue;
    }
    // References are no prose: their titles are not quotes, and their sentences are not claims.
    const excluded = spansOfBlock.get(block) ?? definitionOfBlock.get(block) ?? [];
    const blockNotes = notesOfBlock.get(block) ?? [];
    const found = findInlineQuotes(prose, block, carriesQuote, excluded, blockNotes, memory);
    const blockQuotes = found.quotes;
    // A footnote printed inside a quoted passage (as text exports place them) does not end the quote.
    if (!definitionBlocks.has(block)) carriesQuote = found.carries;
    if (found.material || block.kind === 'blockquote' || originalTextLabel.test(prose.slice(block.start, Math.min(block.end, block.start + 60)))) material.add(block);
    const blockMarkers = within(footnoteMarkers, block.start, block.end);
    const blockSentences = sentencesOf(prose, block, { protectedSpans: [...blockQuotes, ...blockNotes], citations: blockCitations, excluded, notes: [...blockNotes, ...blockMarkers] }, memory);
    for (const sentence of blockSentences) sentences.push(sentence);

    if (block.kind === 'blockquote' && blockQuotes.length === 0) {
      const whole = blockquoteQuote(prose, block, blockCitations, excluded, memory);
      if (whole) blockQuotes.push(whole);
    }
    // A blockquote's own citations, not those of a `Source:` line inside it (both lists are in reading order).
    let spanCursor = 0;
    const ownCitations = blockCitations.filter((group) => {
      while (spanCursor < excluded.length && excluded[spanCursor].end < group.end) spanCursor++;
      const span = excluded[spanCursor];
      return !(span && group.start >= span.start && group.end <= span.end);
    });
    // Quotes and sentences are both in reading order: one walk pairs each quote with its sentence.
    let sentenceCursor = 0;
    for (const quote of blockQuotes) {
      while (sentenceCursor < blockSentences.length && blockSentences[sentenceCursor].end <= quote.start) sentenceCursor++;
      const candidate = blockSentences[sentenceCursor];
      const sentence = candidate && quote.start >= candidate.start && quote.start < candidate.end ? candidate : undefined;
      quote.attribution =
        attributionInSentence(quote, sentence, blockNotes) ?? (block.kind === 'blockquote' && ownCitations.length ? ownCitations[ownCitations.length - 1] : undefined);
      if (!quote.attribution && sentence) attributeToNote(quote, sentence, blockMarkers, blockNotes);
      quotes.push(quote);
    }
    blockQuotesOf.set(block, blockQuotes);
  }

  const coveredBlocks = new Set<Block>();
  const blockIndex = new Map(blocks.map((block, index) => [block, index]));
  for (const [block, blockSpans] of spansOfBlock) {
    for (const span of blockSpans) {
      if (span.origin === 'source-line') attributeRunBefore(span, blockIndex.get(block)!, prose, blocks, blockQuotesOf, material, spansOfBlock, definitionBlocks, coveredBlocks);
    }
  }
  const references = [...spans, ...definitions].filter((span) => span.citation || span.entries.length);
  references.sort((a, b) => a.start - b.start);
  return { structure, citations, references, footnoteMarkers, sentences, quotes, coveredBlocks };
}

function groupByBlock(spans: ReferenceSpan[], blocks: Block[]): Map<Block, ReferenceSpan[]> {
  const byBlock = new Map<Block, ReferenceSpan[]>();
  let blockIndex = 0;
  for (const span of spans) {
    while (blockIndex < blocks.length && blocks[blockIndex].end < span.start) blockIndex++;
    const block = blocks[blockIndex];
    if (!block || block.start > span.start) continue;
    const list = byBlock.get(block) ?? [];
    list.push(span);
    byBlock.set(block, list);
  }
  return byBlock;
}

/** The index of the first span starting at or after `offset`, in spans sorted by start. */
export function firstAtOrAfter(spans: readonly { start: number }[], offset: number): number {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (spans[middle].start < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The spans (sorted by start, not overlapping) that lie within [start, end), found by bisection. */
function within<T extends { start: number; end: number }>(spans: readonly T[], start: number, end: number): T[] {
  const found: T[] = [];
  for (let index = firstAtOrAfter(spans, start); index < spans.length && spans[index].start < end; index++) if (spans[index].end <= end) found.push(spans[index]);
  return found;
}

/** The citations inside [start, end) as one group, so that a quote rests on every source a note names. */
function citationIn(citations: CitationGroup[], start: number, end: number): CitationGroup | undefined {
  const inside = within(citations, start, end);
  if (inside.length === 0) return undefined;
  if (inside.length === 1) return inside[0];
  return { start: inside[0].start, end: inside[inside.length - 1].end, bracketed: true, items: inside.flatMap((group) => group.items) };
}

/**
 * `Source:` lines (with the lines a wrapped reference continues on), footnote definitions, inline
 * notes, and paragraphs that are nothing but a citation.
 */
function findReferenceSpans(
  prose: string,
  blocks: Block[],
  citations: CitationGroup[],
): { spans: ReferenceSpan[]; definitions: ReferenceSpan[]; notes: ReferenceSpan[] } {
  const spans: ReferenceSpan[] = [];
  const definitions: ReferenceSpan[] = [];
  let previous: Block | undefined;
  for (const block of blocks) {
    if (block.kind === 'heading') {
      previous = undefined;
      continue;
    }
    const blockText = prose.slice(block.start, block.end);
    // Each `[^label]:` (or `N<TAB>`) line starts a definition that runs to the next one or the paragraph's end.
    const definitionStarts: { at: number; match: RegExpExecArray }[] = [];
    for (let lineStart = block.start; lineStart < block.end; ) {
      const lineEnd = lineEndAt(prose, lineStart, block.end);
      const line = prose.slice(lineStart, lineEnd);
      const match = footnoteDefinition.exec(line) ?? plainFootnoteDefinition.exec(line);
      if (match) definitionStarts.push({ at: lineStart, match });
      lineStart = lineEnd + 1;
    }
    if (definitionStarts.length && definitionStarts[0].at === block.start) {
      definitionStarts.forEach(({ at, match }, index) => {
        const end = trimEndOffset(prose, at, index + 1 < definitionStarts.length ? definitionStarts[index + 1].at : block.end);
        const span = referenceSpan('footnote', at, end, at + match[0].length, prose, citations);
        span.label = match[1];
        if (!match[0].includes('[^')) span.plainText = true;
        definitions.push(span);
      });
      continue;
    }
    let labelled = false;
    let lineStart = block.start;
    while (lineStart < block.end) {
      const lineEnd = lineEndAt(prose, lineStart, block.end);
      const label = sourceLabel.exec(prose.slice(lineStart, lineEnd));
      if (label) {
        const end = referenceEnd(prose, lineStart + label[0].length, lineEnd, block.end);
        spans.push(referenceSpan('source-line', lineStart + /^\s*/.exec(prose.slice(lineStart, lineEnd))![0].length, end, lineStart + label[0].length, prose, citations));
        labelled = true;
        lineStart = end;
        continue;
      }
      lineStart = lineEnd + 1;
    }
    const after = previous && prose.slice(previous.start, previous.end);
    previous = block;
    if (labelled) continue;
    // A reference with no `Source:` label, alone in the paragraph under a quote.
    if (after && closesQuote.test(after) && isBareReference(blockText)) {
      const lead = /^\s*/.exec(blockText)![0].length;
      spans.push(referenceSpan('source-line', block.start + lead, trimEndOffset(prose, block.start, block.end), block.start + lead, prose, citations));
      continue;
    }
    const groups = within(citations, block.start, block.end);
    if (groups.length) {
      // What is left of the paragraph between its citations: nothing but punctuation makes it a reference.
      let between = prose.slice(block.start, groups[0].start) + prose.slice(groups[groups.length - 1].end, block.end);
      for (let index = 1; index < groups.length && /^[\s.,;:()\u2014\u2013-]*$/.test(between); index++) between = prose.slice(groups[index - 1].end, groups[index].start);
      if (/^[\s.,;:()\u2014\u2013-]*$/.test(between)) spans.push(referenceSpan('source-line', groups[0].start, groups[groups.length - 1].end, groups[0].start, prose, citations));
    }
  }
  const notes = findInlineNotes(prose, citations);
  for (const note of notes) spans.push(note);
  spans.sort((a, b) => a.start - b.start);
  return { spans, definitions, notes };
}

function lineEndAt(prose: string, from: number, limit: number): number {
  const newline = prose.indexOf('\n', from);
  return newline === -1 || newline > limit ? limit : newline;
}

/** `textEnd` is where the reference's words end when the span goes on past them (the `]` of an inline note). */
function referenceSpan(origin: ReferenceSpan['origin'], start: number, end: number, textStart: number, prose: string, citations: CitationGroup[], textEnd = end): ReferenceSpan {
  const citation = citationIn(citations, start, end);
  if (citation) return { start, end, origin, citation, entries: [] };
  const entries = parseReferences(prose.slice(textStart, textEnd), textStart).filter((entry) => origin === 'source-line' || looksLikeReference(entry));
  return { start, end, origin, entries };
}

/**
 * Where a `Source:` reference ends: at the end of its line, unless the reference is visibly unfinished
 * (an open title, a trailing comma or connective, a day without its month), in which case the next
 * lines continue it; lines that are only a URL (blanked in the prose) belong to it as well.
 */
function referenceEnd(prose: string, textStart: number, lineEnd: number, blockEnd: number): number {
  let end = lineEnd;
  let continued = 0;
  while (end < blockEnd && continued < 4 && end - textStart < maxReferenceLength) {
    const nextStart = end + 1;
    const nextEnd = lineEndAt(prose, nextStart, blockEnd);
    const next = prose.slice(nextStart, nextEnd);
    if (next.trim() === '') {
      end = nextEnd;
      continue;
    }
    if (!isUnfinished(prose.slice(textStart, end), next)) break;
    end = nextEnd;
    continued++;
  }
  return trimEndOffset(prose, textStart, end);
}

const connective = /(?:[,:;&(\u2013\u2014-]|\b(?:and|of|the|in|on|for|with|to|by|from|a|an|at|des|de|du|e|i|të|në|per|për|und|der|die|das)\b)\s*$/i;
const proseStart = /^\s*(?:In|The|A|An|During|According|On|At|As|This|These|It|Its|However|Further|Furthermore|Moreover|Similarly|Also)\b/;

function isUnfinished(sofar: string, next: string): boolean {
  const text = sofar.trim();
  if (text === '') return true;
  const curlyOpen = (text.match(/[\u201C\u201E\u00AB]/g) ?? []).length;
  const curlyClose = (text.match(/[\u201D\u00BB]/g) ?? []).length;
  const straight = (text.match(/"/g) ?? []).length;
  if (curlyOpen > curlyClose || straight % 2 === 1) return true;
  if (connective.test(text)) return true;
  // `pp. 9-10` / `and 12-13`: the locator goes on.
  if (/^\s*(?:and\b|&|,|pp?\.)\s*\d|^\s*\d{1,4}(?:\s*[-\u2013]\s*\d{1,4})?\s*$/.test(next)) return true;
  // A year or `undated` after the title (a year inside the title dates nothing).
  const afterTitle = text.slice(Math.max(text.lastIndexOf('\u201D'), text.lastIndexOf('"')) + 1);
  const hasDate = /\b(?:19|20)\d\d\b|\bundated\b|\bn\.\s?d\./i.test(afterTitle);
  if (/(?:^|[\s,])\d{1,2}\s*$/.test(text) && !hasDate) return true;
  return !hasDate && !proseStart.test(next) && (/\b(?:19|20)\d\d\b/.test(next) || /^\s*\[|[\u201C\u201D]/.test(next)) && !/:\s*$/.test(next);
}

function trimEndOffset(prose: string, start: number, end: number): number {
  let last = end;
  while (last > start && /\s/.test(prose[last - 1])) last--;
  return last;
}

/** `^[…]` notes: what is inside is a citation or a free-text reference of the sentence the note is in. */
function findInlineNotes(prose: string, citations: CitationGroup[]): ReferenceSpan[] {
  const notes: ReferenceSpan[] = [];
  let from = 0;
  for (;;) {
    const open = prose.indexOf('^[', from);
    if (open === -1) break;
    const close = matchingBracket(prose, open + 1);
    if (close === -1) {
      from = open + 2;
      continue;
    }
    notes.push(referenceSpan('inline-note', open, close + 1, open + 2, prose, citations, close));
    from = close + 1;
  }
  return notes;
}

/** The `]` that closes the `[` at `open`, within one paragraph and a bounded distance; -1 if none. */
function matchingBracket(prose: string, open: number): number {
  let depth = 0;
  const limit = Math.min(prose.length, open + 4000);
  for (let index = open + 1; index < limit; index++) {
    const char = prose[index];
    if (char === '\\') index++;
    else if (char === '[') depth++;
    else if (char === ']') {
      if (depth === 0) return index;
      depth--;
    } else if (char === '\n' && prose[index + 1] === '\n') return -1;
  }
  return -1;
}

/**
 * `[^label]` markers, each with the first definition of its label (as in Pandoc), and plain-text
 * markers, each with the nearest definition of its number below it; a number with no such note below
 * it is no marker.
 */
function findFootnoteMarkers(prose: string, definitions: ReferenceSpan[]): FootnoteMarker[] {
  const markers: FootnoteMarker[] = [];
  const starts = new Set(definitions.map((span) => span.start));
  const byLabel = new Map<string, ReferenceSpan[]>();
  for (const span of definitions) {
    const id = `${span.plainText ? 'plain' : 'pandoc'}:${span.label}`;
    const list = byLabel.get(id) ?? [];
    list.push(span);
    byLabel.set(id, list);
  }
  // Markers come in text order, so the start of the current line only moves forward (one long line of
  // markers must not be scanned back once per marker).
  let lineStart = 0;
  let nextNewline = prose.indexOf('\n');
  for (const match of prose.matchAll(footnoteMarkerPattern)) {
    while (nextNewline !== -1 && nextNewline < match.index) {
      lineStart = nextNewline + 1;
      nextNewline = prose.indexOf('\n', lineStart);
    }
    // A definition's own label (`[^3]:` at the start of its block) is not a marker.
    if (starts.has(lineStart) && /^[ \t]*$/.test(prose.slice(lineStart, match.index))) continue;
    markers.push({ start: match.index, end: match.index + match[0].length, label: match[1], definition: byLabel.get(`pandoc:${match[1]}`)?.[0] });
  }
  if (definitions.some((span) => span.plainText)) {
    for (const found of prose.matchAll(plainFootnoteMarker)) {
      if (found.index === 0 || /[\d\s]/.test(prose[found.index - 1])) continue;
      const start = found.index + 1;
      // `p.45` and `3.5` are a page and a number, not notes.
      if (/(?:\bpp?|\d)[.,]$/i.test(prose.slice(Math.max(0, start - 3), start))) continue;
      const definition = byLabel.get(`plain:${found[1]}`)?.find((span) => span.start > start && span.start - start < plainFootnoteReach);
      if (definition) markers.push({ start, end: start + found[1].length, label: found[1], definition });
    }
    markers.sort((a, b) => a.start - b.start);
  }
  return markers;
}

/**
 * Pairs “…”, „…“ and "…" within one block, in one pass, nesting as authors nest them (`“… Law
 * no. 121/2016 “On social care” …”`); quotes may wrap across lines. A paragraph that opens a quote and
 * does not close it continues the quote into the next paragraph, as English typography does for quotes
 * of several paragraphs; the paragraph that closes it is quoted up to there.
 */
function findInlineQuotes(
  prose: string,
  block: Block,
  continued: boolean,
  excluded: ReferenceSpan[],
  notes: ReferenceSpan[],
  memory: ReportMemory,
): { quotes: Quote[]; carries: boolean; material: boolean } {
  // What references and notes quote are titles, not quotes of the report: they are blanked, in one pass.
  const blanked = [...excluded, ...notes].sort((a, b) => a.start - b.start);
  let text = '';
  let copied = block.start;
  for (const span of blanked) {
    const from = Math.max(span.start, copied);
    const to = Math.min(span.end, block.end);
    if (to <= from) continue;
    text += prose.slice(copied, from) + ' '.repeat(to - from);
    copied = to;
  }
  text += prose.slice(copied, block.end);
  const firstChar = /\S/.exec(text);
  if (!firstChar) return { quotes: [], carries: continued, material: false };
  const startsQuoted = openingQuoteMarks.includes(firstChar[0]);
  // An opening mark, or the start of a paragraph that continues a quote from the one before (no mark to skip).
  type Open = { at: number; mark: string };
  const stack: Open[] = continued && !startsQuoted ? [{ at: firstChar.index, mark: '' }] : [];
  const outermost: [number, number][] = [];
  const secondLevel: [number, number][] = [];
  const close = (at: number) => {
    const open = stack.pop()!;
    if (stack.length === 0) outermost.push([open.at, at]);
    else if (stack.length === 1) secondLevel.push([open.at, at]);
  };
  // Only quote marks matter here: a native search jumps from one to the next.
  const marks = /[\u201C\u201D\u201E"]/g;
  marks.lastIndex = firstChar.index;
  for (let found = marks.exec(text); found; found = marks.exec(text)) {
    const index = found.index;
    const char = found[0];
    const top = stack[stack.length - 1];
    if (char === '\u201E') stack.push({ at: index, mark: char });
    else if (char === '\u201C') {
      if (top?.mark === '\u201E') close(index);
      else stack.push({ at: index, mark: char });
    } else if (char === '\u201D') {
      if (top) close(index);
    } else if (char === '"') {
      if (top?.mark === '"') close(index);
      else if (index === 0 || /[\s([{\u2014\u2013:-]/.test(text[index - 1])) stack.push({ at: index, mark: char });
    }
  }
  const quotes: Quote[] = [];
  const add = (open: Open | number, closeAt: number, closed: boolean) => {
    const at = typeof open === 'number' ? open : open.at;
    const implicit = typeof open !== 'number' && open.mark === '';
    const start = block.start + at;
    const inner = prose.slice(start + (implicit ? 0 : 1), block.start + closeAt).trimEnd();
    const end = closed ? block.start + closeAt + 1 : start + (implicit ? 0 : 1) + inner.length;
    quotes.push({ start, end, text: inner, kind: 'inline', wordCount: memory.wordCount(inner), block });
  };
  const byStart = (a: [number, number], b: [number, number]) => a[0] - b[0];
  let carries = false;
  const bottom = stack[0];
  // An unclosed quote that opens the paragraph (or continues one, or follows a colon) runs to the
  // paragraph's end, or to a `Source:` line inside it. Anywhere else it is a stray mark, and the quotes
  // paired inside it stand on their own.
  if (bottom && bottom.mark !== '"' && (bottom.at === firstChar.index || /:\s*$/.test(text.slice(0, bottom.at)))) {
    for (const [open, closeAt] of outermost.sort(byStart)) add(open, closeAt, true);
    const next = excluded.find((span) => span.start - block.start > bottom.at);
    const until = next ? next.start - block.start : text.trimEnd().length;
    add(bottom, until, false);
    carries = !next;
  } else {
    const pairs = bottom ? [...outermost, ...secondLevel.filter(([open]) => open > bottom.at)] : outermost;
    for (const [open, closeAt] of pairs.sort(byStart)) {
      const implicit = continued && !startsQuoted && open === firstChar.index;
      add(implicit ? { at: open, mark: '' } : open, closeAt, true);
    }
  }
  const material = startsQuoted || (continued && quotes.length > 0 && quotes[0].start === block.start + firstChar.index);
  return { quotes, carries, material };
}

function blockquoteQuote(prose: string, block: Block, citations: CitationGroup[], excluded: ReferenceSpan[], memory: ReportMemory): Quote | undefined {
  const chars = prose.slice(block.start, block.end).split('');
  const blankOut = (start: number, end: number) => {
    for (let index = Math.max(start, block.start); index < Math.min(end, block.end); index++) chars[index - block.start] = ' ';
  };
  for (const group of citations) blankOut(group.start, group.end);
  // A `Source:` line inside the blockquote attributes the quote; it is not part of it.
  for (const span of excluded) blankOut(span.start, span.end);
  let text = chars.join('');
  text = text.replace(/(^|\n)\s*[\u2014\u2013-]{1,2}\s*[^\n]*$/, (line) => (citations.length ? line.replace(/[^\n]/g, ' ') : line));
  const leading = /^\s*/.exec(text)![0].length;
  const trimmed = text.trimEnd();
  if (trimmed.length <= leading) return undefined;
  const inner = text.slice(leading, trimmed.length);
  return {
    start: block.start + leading,
    end: block.start + trimmed.length,
    text: inner,
    kind: 'blockquote',
    wordCount: memory.wordCount(inner),
    block,
  };
}

const abbreviations = new Set(
  (
    'p pp e.g i.e cf vs etc no nos vol vols ch chap sec fig figs dr mr mrs ms prof st jr sr inc ltd co art arts para paras ' +
    'approx ca al op ibid jan feb mar apr jun jul aug sep sept oct nov dec ed eds rev u.s u.k e.u n.d para ff viz'
  ).split(' '),
);

/** Sticky, to read a text where a sentence boundary leaves off. */
const nextVisible = /\s{0,199}(\S)/y;
const blanks = /\s*/y;

/** The spans in and around a block that decide where its sentences end. */
interface SentenceSpans {
  /** Quotes and inline notes: never split inside. */
  protectedSpans: { start: number; end: number }[];
  /** Citation groups: never split inside; a bracketed one after a full stop joins the sentence before it. */
  citations: CitationGroup[];
  /** Reference spans (`Source:` lines): no sentences at all. */
  excluded: ReferenceSpan[];
  /** Inline notes and footnote markers: like a bracketed citation, one after a full stop joins the sentence before it. */
  notes: { start: number; end: number }[];
}

/**
 * A block's sentences, each with the citations in it; where the block's prose and the spans that decide its
 * sentences are as in this analysis or the one before (at whatever offset), their bounds are reused.
 */
function sentencesOf(prose: string, block: Block, spans: SentenceSpans, memory: ReportMemory): Sentence[] {
  const key = sentenceKey(prose, block, spans);
  const bounds = memory.sentenceBounds(key, () => splitSentences(prose, block, spans));
  const { citations } = spans;
  const sentences: Sentence[] = [];
  for (let index = 0; index < bounds.length; index += 2) {
    const start = block.start + bounds[index];
    const end = block.start + bounds[index + 1];
    sentences.push({ start, end, block, citations: within(citations, start, end) });
  }
  return sentences;
}

/**
 * Everything `splitSentences` reads, with offsets from the block's start: the block's prose, and the
 * spans given (which all lie in or at the block; those reaching past it keep their offsets all the same).
 * Of citation groups, whether they are bracketed counts too: a bracketed one after a full stop joins the
 * sentence before it.
 */
function sentenceKey(prose: string, block: Block, { protectedSpans, citations, excluded, notes }: SentenceSpans): string {
  const at = (spans: readonly { start: number; end: number }[]) => spans.map((span) => `${span.start - block.start},${span.end - block.start}`).join(' ');
  const groups = citations.map((group) => `${group.start - block.start},${group.end - block.start}${group.bracketed ? 'b' : ''}`).join(' ');
  return `${at(protectedSpans)}|${groups}|${at(excluded)}|${at(notes)}|${prose.slice(block.start, block.end)}`;
}

/**
 * Splits a block into sentences, never inside a quote, a citation group or an inline note. Reference
 * spans (`Source:` lines) are no sentences at all: they are references, not claims. Returns each
 * sentence's start and end, from the block's start, one after the other.
 */
function splitSentences(prose: string, block: Block, { protectedSpans, citations, excluded, notes }: SentenceSpans): number[] {
  const inBlock = [...protectedSpans, ...citations]
    .filter((span) => span.end > block.start && span.start < block.end)
    .map((span) => [span.start, span.end] as const)
    .sort((a, b) => a[0] - b[0]);
  // A full stop inside a quote ends the sentence only when the quote ends with it: “… decides.” Next.
  let cursor = 0;
  const insideProtected = (offset: number, matchEnd: number) => {
    while (cursor < inBlock.length && inBlock[cursor][1] <= offset) cursor++;
    for (let index = cursor; index < inBlock.length && inBlock[index][0] < offset; index++) {
      if (offset > inBlock[index][0] && matchEnd < inBlock[index][1]) return true;
    }
    return false;
  };
  const sentences: Sentence[] = [];
  const segments: [number, number][] = [];
  let segmentStart = block.start;
  for (const span of excluded) {
    if (span.start > segmentStart) segments.push([segmentStart, span.start]);
    segmentStart = Math.max(segmentStart, span.end);
  }
  if (segmentStart < block.end) segments.push([segmentStart, block.end]);
  for (const [segmentStartOffset, segmentEnd] of segments) {
    let start = segmentStartOffset;
    const boundary = /[.!?]+['"\u2019\u201D)\]]*(?=\s+|$|\^\[|\[\^)/g;
    const text = prose.slice(segmentStartOffset, segmentEnd);
    for (let match = boundary.exec(text); match; match = boundary.exec(text)) {
      const end = segmentStartOffset + match.index + match[0].length;
      if (insideProtected(segmentStartOffset + match.index, end)) continue;
      if (match[0][0] === '.') {
        const before = /([\p{L}.]+)$/u.exec(text.slice(Math.max(0, match.index - 12), match.index));
        const word = before?.[1].toLowerCase() ?? '';
        if (abbreviations.has(word) || /^\p{L}$/u.test(word)) continue;
      }
      // The first character after the blanks that follow, within 200 characters; read in place, not from a slice.
      nextVisible.lastIndex = match.index + match[0].length;
      const next = nextVisible.exec(text);
      if (next && /[\p{Ll}]/u.test(next[1])) continue;
      sentences.push({ start, end, block, citations: [] });
      start = end;
    }
    if (prose.slice(start, segmentEnd).trim()) sentences.push({ start, end: segmentEnd, block, citations: [] });
  }
  for (const sentence of sentences) {
    blanks.lastIndex = sentence.start;
    sentence.start += Math.min(blanks.exec(prose)![0].length, sentence.end - sentence.start);
  }
  // A citation or a note right after the full stop ("… in 2022. [@key]", "… in 2022.[^3]") belongs to the sentence before it.
  const trailing = new Map<number, { end: number }>();
  for (const span of [...citations.filter((group) => group.bracketed), ...notes]) if (span.start >= block.start && span.start < block.end) trailing.set(span.start, span);
  for (let index = 1; index < sentences.length; index++) {
    const sentence = sentences[index];
    const leading = trailing.get(sentence.start);
    if (leading) {
      const previous = sentences[index - 1];
      previous.end = leading.end;
      sentence.start = leading.end + /^\s*/.exec(prose.slice(leading.end, sentence.end))![0].length;
    }
  }
  const kept = sentences.filter((sentence) => sentence.end > sentence.start && prose.slice(sentence.start, sentence.end).trim());
  return kept.flatMap((sentence) => [sentence.start - block.start, sentence.end - block.start]);
}

/** The citation after the quote in its sentence, else the last before it; a note's citations count together. */
function attributionInSentence(quote: Quote, sentence: Sentence | undefined, notes: ReferenceSpan[]): CitationGroup | undefined {
  if (!sentence || sentence.citations.length === 0) return undefined;
  const before = sentence.citations.filter((group) => group.end <= quote.start);
  const chosen = sentence.citations.find((group) => group.start >= quote.end) ?? before[before.length - 1] ?? sentence.citations[0];
  const note = within(notes, sentence.start, sentence.end).find((candidate) => chosen.start >= candidate.start && chosen.end <= candidate.end);
  return note?.citation ?? chosen;
}

/** A footnote marker or an inline note in the quote's sentence: the one after the quote, else the last before it. */
function attributeToNote(quote: Quote, sentence: Sentence, markers: FootnoteMarker[], notes: ReferenceSpan[]): void {
  type Mark = { start: number; end: number; marker?: FootnoteMarker; note?: ReferenceSpan };
  const inSentence: Mark[] = [
    ...within(markers, sentence.start, sentence.end).map((marker) => ({ start: marker.start, end: marker.end, marker })),
    ...within(notes, sentence.start, sentence.end)
      .filter((note) => note.entries.length)
      .map((note) => ({ start: note.start, end: note.end, note })),
  ].sort((a, b) => a.start - b.start);
  const chosen = inSentence.find((mark) => mark.start >= quote.end) ?? inSentence.filter((mark) => mark.end <= quote.start).pop();
  if (!chosen) return;
  const note = chosen.note ?? chosen.marker!.definition;
  if (!note) {
    quote.undefinedNote = chosen.marker!.label;
    return;
  }
  if (note.citation) quote.attribution = note.citation;
  else if (note.entries.length) quote.reference = note;
}

/**
 * A `Source:` line covers the quotes and the paraphrase right before it: walking back, every block of
 * quoted material (quoted paragraphs, blockquotes, the original-language text of a translated quote),
 * then the paragraph before them when it introduces them (`The report stated:`), or, where no quoted
 * material stands between, the paragraph the line follows. A heading or another reference stops it.
 */
function attributeRunBefore(
  span: ReferenceSpan,
  spanBlock: number,
  prose: string,
  blocks: Block[],
  quotesOf: Map<Block, Quote[]>,
  material: Set<Block>,
  spansOf: Map<Block, ReferenceSpan[]>,
  footnotes: Set<Block>,
  covered: Set<Block>,
): void {
  const attribute = (quote: Quote) => {
    if (quote.attribution || quote.reference) return;
    if (span.citation) quote.attribution = span.citation;
    else if (span.entries.length) quote.reference = span;
  };
  let index = spanBlock;
  const own = blocks[index];
  const before = (quotesOf.get(own) ?? []).filter((quote) => quote.end <= span.start);
  before.forEach(attribute);
  const ownSpans = spansOf.get(own) ?? [];
  const previousSpan = ownSpans.filter((other) => other.end <= span.start).pop();
  if (previousSpan) return;
  const head = prose.slice(own.start, span.start);
  if (head.trim()) {
    covered.add(own);
    if (!material.has(own)) return;
  }
  let walkedMaterial = head.trim() !== '';
  for (index--; index >= 0; index--) {
    const block = blocks[index];
    if (block.kind === 'heading' || spansOf.has(block)) return;
    // A footnote printed under a quoted passage (as text exports place them) does not end the run.
    if (footnotes.has(block)) continue;
    if (material.has(block)) {
      (quotesOf.get(block) ?? []).forEach(attribute);
      covered.add(block);
      walkedMaterial = true;
      continue;
    }
    const text = prose.slice(block.start, block.end).trimEnd();
    const introduces = /:["'\u201D\u2019]?$/.test(text);
    if (!walkedMaterial || introduces) {
      (quotesOf.get(block) ?? []).forEach(attribute);
      covered.add(block);
    }
    // `The same interlocutor stated:` between two quotes of one run: the run goes on above it.
    if (walkedMaterial && introduces && index > 0 && material.has(blocks[index - 1])) continue;
    return;
  }
}
