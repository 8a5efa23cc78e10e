import { LineIndex } from './line-index';
import { scanWords } from './tokenize';
import { Vocabulary } from './vocabulary';

/** Every this many words, the index keeps the word's start offset, so a passage is found without a full scan. */
export const checkpointInterval = 256;

/**
 * A source's words with the means to find a quote in them: its word numbers, scanned when a quote is
 * looked for, and the text itself, read only when a passage must be shown or located. The index keeps
 * only the word numbers of each source; offsets and text come back on demand.
 */
export class IndexedText {
  readonly ids: Uint32Array;
  private offsets?: { starts: Uint32Array; ends: Uint32Array };
  private loaded?: string;
  private lines?: LineIndex;

  constructor(
    private readonly source: string | (() => string),
    readonly vocabulary: Vocabulary = new Vocabulary(),
    ids?: Uint32Array,
    /** Start offset of every `checkpointInterval`-th word, when the index kept them. */
    private readonly checkpoints?: Uint32Array,
  ) {
    if (ids) {
      this.ids = ids;
    } else {
      const text = this.text;
      const collected = this.collect(text);
      this.ids = collected.ids;
      this.offsets = collected.offsets;
    }
  }

  get text(): string {
    if (this.loaded === undefined) this.loaded = typeof this.source === 'string' ? this.source : this.source();
    return this.loaded;
  }

  /** Whether the text is in memory, so reading it costs nothing. */
  get isLoaded(): boolean {
    return this.loaded !== undefined;
  }

  get wordCount(): number {
    return this.ids.length;
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
    if (!this.offsets && this.checkpoints && this.ids.length > 0) {
      const first = Math.max(0, Math.min(firstToken, this.ids.length - 1));
      const last = Math.max(first, Math.min(lastToken, this.ids.length - 1));
      const located = this.locate(first, last);
      if (located) return located;
    }
    const { starts, ends } = this.wordOffsets();
    const count = starts.length;
    if (count === 0) return { start: 0, end: 0 };
    const first = Math.max(0, Math.min(firstToken, count - 1));
    const last = Math.max(first, Math.min(lastToken, count - 1));
    return { start: starts[first], end: ends[last] };
  }

  /** Where each word starts and ends in the text; recomputed from the text when the index did not keep it. */
  wordOffsets(): { starts: Uint32Array; ends: Uint32Array } {
    if (!this.offsets) this.offsets = this.collect(this.text).offsets;
    return this.offsets;
  }

  /** Scans forward from the checkpoint before `first` only as far as `last`. */
  private locate(first: number, last: number): { start: number; end: number } | undefined {
    const checkpoint = Math.floor(first / checkpointInterval);
    if (checkpoint >= this.checkpoints!.length) return undefined;
    let position = checkpoint * checkpointInterval;
    let start = -1;
    let end = -1;
    scanWords(this.text, true, (_word, wordStart, wordEnd) => {
      if (position === first) start = wordStart;
      if (position === last) end = wordEnd;
      position++;
      return position <= last;
    }, this.checkpoints![checkpoint]);
    return start >= 0 && end >= 0 ? { start, end } : undefined;
  }

  lineIndex(): LineIndex {
    return (this.lines ??= new LineIndex(this.text));
  }

  /** The text between two offsets with hard wrapping and line-end hyphenation undone, for display. */
  excerpt(start: number, end: number): string {
    return unwrap(this.text.slice(start, end));
  }

  /** Lets go of what can be rebuilt (text, offsets, positions), keeping the word numbers. */
  release(): void {
    if (typeof this.source === 'function') this.loaded = undefined;
    this.offsets = undefined;
    this.lines = undefined;
  }

  private collect(text: string): { ids: Uint32Array; offsets: { starts: Uint32Array; ends: Uint32Array } } {
    const ids: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    scanWords(text, true, (word, start, end) => {
      ids.push(this.vocabulary.intern(word));
      starts.push(start);
      ends.push(end);
    });
    return { ids: Uint32Array.from(ids), offsets: { starts: Uint32Array.from(starts), ends: Uint32Array.from(ends) } };
  }
}

/** Joins hard-wrapped lines and words hyphenated at a line end into running text. */
export function unwrap(text: string): string {
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
