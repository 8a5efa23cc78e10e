import type { Position } from '../report/line-index';
import { checkpointInterval } from './segment';
import { SourceText, type TextWindow } from './source-text';
import { indexWords, scanWords } from './tokenize';
import { Vocabulary } from './vocabulary';



/**
 * A source's words with the means to find a quote in them: its word numbers, scanned when a quote is
 * looked for, and its text, of which only the passages that must be shown or located are read. Where
 * the index kept checkpoints (every 256th word's offset, byte offset and line), a passage costs a read
 * of a few kilobytes, however long the source.
 */
export class IndexedText {
  private loadedIds?: Uint32Array;
  private loadIds?: () => Uint32Array;
  readonly wordCount: number;
  private offsets?: { starts: Uint32Array; ends: Uint32Array };
  private readonly source: SourceText;
  /** UTF-16 offset of every `checkpointInterval`-th word, when the index kept them. */
  private readonly checkpoints?: Uint32Array;

  /** Indexes a text on the spot (tests, small inputs); `fromIndex` wraps what a corpus index already holds. */
  constructor(text: string, readonly vocabulary: Vocabulary = new Vocabulary()) {
    this.source = new SourceText({ kind: 'stored', text });
    const collected = collect(text, vocabulary);
    this.loadedIds = collected.ids;
    this.wordCount = collected.ids.length;
    this.offsets = collected.offsets;
  }

  /** A source as the index holds it; its word numbers are read on first use, since passages need only the text. */
  static fromIndex(loadIds: () => Uint32Array, wordCount: number, vocabulary: Vocabulary, source: SourceText, checkpoints: Uint32Array): IndexedText {
    const indexed = Object.create(IndexedText.prototype) as IndexedText;
    Object.assign(indexed, { loadIds, wordCount, vocabulary, source, checkpoints });
    return indexed;
  }

  /** The source's word numbers, in order. */
  get ids(): Uint32Array {
    if (!this.loadedIds) {
      this.loadedIds = this.loadIds!();
      this.loadIds = undefined;
    }
    return this.loadedIds;
  }

  /** Whether the word numbers are in memory. */
  get hasIds(): boolean {
    return this.loadedIds !== undefined;
  }

  /** The whole text; reading it costs the whole file, so passages should use `slice`, `span` and `positionAt`. */
  get text(): string {
    return this.source.text;
  }

  /** Whether the whole text is in memory, so reading it costs nothing. */
  get isLoaded(): boolean {
    return this.source.isLoaded;
  }

  /** The normalised word at a position. */
  wordAt(position: number): string {
    return this.vocabulary.words[this.ids[position]];
  }

  /** Positions of several word numbers in one pass over the source. */
  positionsOfEach(ids: ReadonlySet<number>): Map<number, number[]> {
    const found = new Map<number, number[]>();
    for (const id of ids) found.set(id, []);
    const words = this.ids;
    for (let position = 0; position < words.length; position++) {
      const list = ids.has(words[position]) ? found.get(words[position]) : undefined;
      if (list) list.push(position);
    }
    return found;
  }

  /** Every token position where `sequence` (word numbers) starts, ascending, optionally within [from, to]. */
  occurrences(sequence: readonly number[], from = 0, to = Number.MAX_SAFE_INTEGER): number[] {
    const found: number[] = [];
    if (sequence.length === 0 || sequence.some((id) => id < 0)) return found;
    const ids = this.ids;
    const first = sequence[0];
    const last = Math.min(to, ids.length - sequence.length);
    outer: for (let start = Math.max(0, from); start <= last; start++) {
      if (ids[start] !== first) continue;
      for (let offset = 1; offset < sequence.length; offset++) if (ids[start + offset] !== sequence[offset]) continue outer;
      found.push(start);
    }
    return found;
  }

  /** The first occurrence of `sequence` starting in [from, to], if any. */
  firstOccurrence(sequence: readonly number[], from: number, to: number): number | undefined {
    if (sequence.length === 0 || sequence.some((id) => id < 0)) return undefined;
    const ids = this.ids;
    const last = Math.min(to, ids.length - sequence.length);
    outer: for (let start = Math.max(0, from); start <= last; start++) {
      if (ids[start] !== sequence[0]) continue;
      for (let offset = 1; offset < sequence.length; offset++) if (ids[start + offset] !== sequence[offset]) continue outer;
      return start;
    }
    return undefined;
  }

  /** Offset span in the text covered by tokens [first, last]. */
  span(firstToken: number, lastToken: number): { start: number; end: number } {
    if (this.wordCount === 0) return { start: 0, end: 0 };
    const first = Math.max(0, Math.min(firstToken, this.wordCount - 1));
    const last = Math.max(first, Math.min(lastToken, this.wordCount - 1));
    if (!this.offsets && this.checkpoints) {
      const words = this.wordsBetween(first, last);
      if (words) return { start: words.spans[0].start, end: words.spans[words.spans.length - 1].end };
    }
    const { starts, ends } = this.wordOffsets();
    if (starts.length === 0) return { start: 0, end: 0 };
    const clampedLast = Math.min(last, starts.length - 1);
    return { start: starts[Math.min(first, clampedLast)], end: ends[clampedLast] };
  }

  /** The text between two offsets. */
  slice(start: number, end: number): string {
    return this.source.slice(start, end);
  }

  /** Zero-based line and character of an offset in the text. */
  positionAt(offset: number): Position {
    return this.source.positionAt(offset);
  }

  /** Zero-based line of an offset in the text. */
  lineOf(offset: number): number {
    return this.source.lineOf(offset);
  }

  /** Where each word starts and ends in the text; recomputed from the whole text when the index did not keep it. */
  wordOffsets(): { starts: Uint32Array; ends: Uint32Array } {
    if (!this.offsets) this.offsets = collect(this.text, new Vocabulary()).offsets;
    return this.offsets;
  }

  /**
   * Words [first, last] with their normalised form and offsets, and the window of text that holds them,
   * from one read: scanning starts at the checkpoint before `first`. A word at a window's edge could go
   * on past it, so the window grows until the words lie well inside it.
   */
  wordsBetween(firstWord: number, lastWord: number): { spans: { word: string; start: number; end: number }[]; window: TextWindow } | undefined {
    if (this.wordCount === 0) return undefined;
    const first = Math.max(0, Math.min(firstWord, this.wordCount - 1));
    const last = Math.max(first, Math.min(lastWord, this.wordCount - 1));
    const checkpoints = this.checkpoints;
    const checkpoint = checkpoints ? Math.min(Math.floor(first / checkpointInterval), checkpoints.length - 1) : -1;
    const origin = checkpoint >= 0 ? checkpoints![checkpoint] : 0;
    const firstCounted = checkpoint >= 0 ? checkpoint * checkpointInterval : 0;
    let length = (last - firstCounted + 1) * 16 + 256;
    for (;;) {
      // A little text before the checkpoint, so footnote markers and hyphens are judged as in the whole text.
      const window = this.source.window(Math.max(0, origin - 8), origin + length);
      const text = window.text;
      const from = origin - window.start;
      const trustedUntil = window.complete ? Number.MAX_SAFE_INTEGER : text.length - 128;
      const spans: { word: string; start: number; end: number }[] = [];
      let position = firstCounted;
      scanWords(
        text,
        true,
        (word, wordStart, wordEnd) => {
          if (wordEnd > trustedUntil) return false;
          if (position >= first) spans.push({ word, start: wordStart + window.start, end: wordEnd + window.start });
          position++;
          return position <= last;
        },
        from,
      );
      if (spans.length === last - first + 1) return { spans, window };
      if (window.complete) return spans.length ? { spans, window } : undefined;
      length *= 4;
    }
  }

  /** The text between two offsets with hard wrapping and line-end hyphenation undone, for display. */
  excerpt(start: number, end: number): string {
    return unwrap(this.slice(start, end));
  }

  /** Lets go of what can be read again (the whole text, word offsets), keeping the word numbers. */
  release(): void {
    this.source.release();
    this.offsets = undefined;
  }
}

function collect(text: string, vocabulary: Vocabulary): { ids: Uint32Array; offsets: { starts: Uint32Array; ends: Uint32Array } } {
  const ids: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  indexWords(text, vocabulary, (id, start, end) => {
    ids.push(id);
    starts.push(start);
    ends.push(end);
  });
  return { ids: Uint32Array.from(ids), offsets: { starts: Uint32Array.from(starts), ends: Uint32Array.from(ends) } };
}

/** Joins hard-wrapped lines and words hyphenated at a line end into running text. */
function unwrap(text: string): string {
  return text
    .replace(/([\p{L}\p{N}])[-\u2010]\s*\n\s*(?=[\p{L}\p{N}])/gu, '$1')
    .replace(/\u00AD/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function lowerBound(values: ArrayLike<number>, target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (values[middle] < target) low = middle + 1;
    else high = middle;
  }
  return low;
}
