import { LineIndex } from './line-index';
import { tokenize, type TokenList } from './tokenize';

/**
 * A source's text with its words and a positional index over them, built on first use, so that a
 * quote is located by looking up its rarest word instead of scanning the text.
 */
export class IndexedText {
  readonly tokens: TokenList;
  private positionIndex?: Map<string, number[]>;
  private lines?: LineIndex;

  constructor(readonly text: string) {
    this.tokens = tokenize(text, { dropFootnoteMarkers: true });
  }

  get wordCount(): number {
    return this.tokens.words.length;
  }

  /** Token positions of a word, ascending. */
  positionsOf(word: string): readonly number[] {
    return this.index().get(word) ?? [];
  }

  /** Distinct words and how often each occurs. */
  vocabulary(): Map<string, number[]> {
    return this.index();
  }

  /** Every token position where `sequence` starts, ascending, optionally within [from, to]. */
  occurrences(sequence: readonly string[], from = 0, to = Number.MAX_SAFE_INTEGER): number[] {
    if (sequence.length === 0) return [];
    let anchor = 0;
    let anchorPositions = this.positionsOf(sequence[0]);
    for (let index = 1; index < sequence.length && anchorPositions.length > 0; index++) {
      const positions = this.positionsOf(sequence[index]);
      if (positions.length < anchorPositions.length) {
        anchor = index;
        anchorPositions = positions;
      }
    }
    const found: number[] = [];
    const words = this.tokens.words;
    let cursor = lowerBound(anchorPositions, from + anchor);
    for (; cursor < anchorPositions.length; cursor++) {
      const start = anchorPositions[cursor] - anchor;
      if (start > to) break;
      if (start < from || start + sequence.length > words.length) continue;
      let matches = true;
      for (let offset = 0; offset < sequence.length; offset++) {
        if (words[start + offset] !== sequence[offset]) {
          matches = false;
          break;
        }
      }
      if (matches) found.push(start);
    }
    return found;
  }

  /** The first occurrence of `sequence` starting in [from, to], if any. */
  firstOccurrence(sequence: readonly string[], from: number, to: number): number | undefined {
    return this.occurrences(sequence, from, to)[0];
  }

  /** Offset span in the text covered by tokens [first, last]. */
  span(firstToken: number, lastToken: number): { start: number; end: number } {
    const count = this.tokens.words.length;
    const first = Math.max(0, Math.min(firstToken, count - 1));
    const last = Math.max(first, Math.min(lastToken, count - 1));
    return { start: this.tokens.starts[first] ?? 0, end: this.tokens.ends[last] ?? 0 };
  }

  lineIndex(): LineIndex {
    return (this.lines ??= new LineIndex(this.text));
  }

  /** The text between two offsets with hard wrapping and line-end hyphenation undone, for display. */
  excerpt(start: number, end: number): string {
    return unwrap(this.text.slice(start, end));
  }

  private index(): Map<string, number[]> {
    if (!this.positionIndex) {
      const index = new Map<string, number[]>();
      const words = this.tokens.words;
      for (let position = 0; position < words.length; position++) {
        const list = index.get(words[position]);
        if (list) list.push(position);
        else index.set(words[position], [position]);
      }
      this.positionIndex = index;
    }
    return this.positionIndex;
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

export function lowerBound(values: readonly number[], target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (values[middle] < target) low = middle + 1;
    else high = middle;
  }
  return low;
}
