import { IndexedText } from '../index/indexed-text';
import { tokenize } from '../index/tokenize';

/**
 * Decides whether a quote says exactly what its source says, tolerating what editors legitimately
 * change: omissions (`[...]`, `[…]`, `...`), bracketed editorial changes (`[T]he`, `[our]`), `[sic]`,
 * and everything the tokenizer folds (case, wrapping, hyphenation, quote marks).
 */

type Gap = 'omission' | 'substitution';

interface QuotePattern {
  /** Runs of words that must appear verbatim, in order. */
  segments: string[][];
  /** What may stand between segment i and i+1. */
  gaps: Gap[];
}

/** How far apart the parts of a quote around an omission may lie in the source, in words. */
const maxOmittedWords = 3000;
/** How many source words a bracketed substitution such as `[the government]` may stand for. */
const maxSubstitutedWords = 8;
const droppedEditorialNotes = /^(?:sic!?|emphasis (?:added|in original|mine|ours)|original emphasis|sic\]?)$/i;

export function parseQuotePattern(quote: string): QuotePattern {
  const segments: string[][] = [];
  const gaps: Gap[] = [];
  let current = '';
  let pendingGap: Gap | undefined;

  const flush = (gap: Gap) => {
    const segmentWords = tokenize(current).words;
    current = '';
    if (segmentWords.length > 0) {
      if (segments.length > 0) gaps.push(pendingGap ?? gap);
      segments.push(segmentWords);
      pendingGap = undefined;
    } else if (segments.length > 0) {
      // Two gaps in a row: an omission absorbs a substitution.
      pendingGap = pendingGap === 'omission' || gap === 'omission' ? 'omission' : 'substitution';
      return;
    }
    pendingGap = gap;
  };

  const pattern = /\[\s*(?:\.\s*){3}\]|\[\s*…\s*\]|\(\s*(?:\.\s*){3}\)|\(\s*…\s*\)|…|\.{3,}|\[([^\]\n]{0,200})\]/g;
  let last = 0;
  for (let match = pattern.exec(quote); match; match = pattern.exec(quote)) {
    current += quote.slice(last, match.index);
    last = match.index + match[0].length;
    const bracketed = match[1];
    if (bracketed === undefined) {
      flush('omission');
      continue;
    }
    if (droppedEditorialNotes.test(bracketed.trim())) {
      current += ' ';
      continue;
    }
    const before = quote[match.index - 1];
    const after = quote[last];
    const gluedToWord = (before !== undefined && /[\p{L}\p{N}]/u.test(before)) || (after !== undefined && /[\p{L}\p{N}]/u.test(after));
    if (gluedToWord) {
      // "[T]he", "reintegrat[ion]": a letter-level edit; the letters themselves are what the source has.
      current += bracketed;
    } else {
      flush('substitution');
    }
  }
  current += quote.slice(last);
  flush('omission');
  return { segments, gaps };
}

interface QuoteLocation {
  /** Offsets in the source text. */
  start: number;
  end: number;
  /** Word positions in the source. */
  firstWord: number;
  lastWord: number;
}

export interface ClosestPassage extends QuoteLocation {
  /** 0..1: how much of the quote's wording the passage shares. */
  similarity: number;
  /** The first few differences, quote wording first: [quoted, source]. Empty strings stand for nothing. */
  differences: [string, string][];
}

type QuoteMatch =
  | { found: true; location: QuoteLocation }
  | { found: false; closest?: ClosestPassage; wordCount: number };

function countQuoteWords(pattern: QuotePattern): number {
  return pattern.segments.reduce((sum, segment) => sum + segment.length, 0);
}

/** Finds the quote in the source, or the passage that comes closest to it. */
export function matchQuote(source: IndexedText, quote: string | QuotePattern): QuoteMatch {
  const pattern = typeof quote === 'string' ? parseQuotePattern(quote) : quote;
  const wordCount = countQuoteWords(pattern);
  if (wordCount === 0) return { found: false, wordCount };
  const location = locateExactly(source, pattern);
  if (location) return { found: true, location };
  return { found: false, closest: closestPassage(source, pattern), wordCount };
}

/** The quote's words as the source numbers them; a word the corpus never uses gets -1 and matches nothing. */
function segmentIds(source: IndexedText, pattern: QuotePattern): number[][] {
  return pattern.segments.map((segment) => segment.map((word) => source.vocabulary.idOf(word)));
}

function locateExactly(source: IndexedText, pattern: QuotePattern): QuoteLocation | undefined {
  const [first, ...rest] = segmentIds(source, pattern);
  for (const start of source.occurrences(first)) {
    let cursor = start + first.length;
    let complete = true;
    for (let index = 0; index < rest.length; index++) {
      const limit = pattern.gaps[index] === 'omission' ? maxOmittedWords : maxSubstitutedWords;
      const next = source.firstOccurrence(rest[index], cursor, cursor + limit);
      if (next === undefined) {
        complete = false;
        break;
      }
      cursor = next + rest[index].length;
    }
    if (complete) {
      const span = source.span(start, cursor - 1);
      return { ...span, firstWord: start, lastWord: cursor - 1 };
    }
  }
  return undefined;
}

/** Words this common say little about where a quote came from; they are skipped when voting. */
const uninformativeShare = 0.02;
const candidateWindows = 4;

/**
 * Locates candidate passages by letting each quote word vote for the alignment it implies, then
 * aligns the quote against the best few windows word by word. The cost depends on how often the
 * quote's words occur, not on the size of the source.
 */
function closestPassage(source: IndexedText, pattern: QuotePattern): ClosestPassage | undefined {
  const quoteWords = pattern.segments.flat();
  const quoteIds = segmentIds(source, pattern).flat();
  const total = source.wordCount;
  if (total === 0) return undefined;
  const bucketSize = Math.max(8, quoteWords.length >> 1);
  const votes = new Map<number, number>();
  const seen = new Set<string>();
  const limit = Math.max(50, total * uninformativeShare);
  const positions = source.positionsOfEach(new Set(quoteIds.filter((id) => id >= 0)));
  const positionsOf = (id: number) => positions.get(id) ?? [];
  const informative = new Set(quoteIds.filter((id) => positionsOf(id).length <= limit));
  const voters = informative.size >= Math.min(3, quoteIds.length) ? informative : new Set(quoteIds);
  for (let offset = 0; offset < quoteIds.length; offset++) {
    const id = quoteIds[offset];
    if (!voters.has(id)) continue;
    const key = `${id}\u0000${offset}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const position of positionsOf(id)) {
      const bucket = Math.floor((position - offset) / bucketSize);
      votes.set(bucket, (votes.get(bucket) ?? 0) + 1);
    }
  }
  if (votes.size === 0) return undefined;
  const best = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, candidateWindows);
  let winner: ClosestPassage | undefined;
  for (const [bucket] of best) {
    const from = Math.max(0, bucket * bucketSize - bucketSize);
    const to = Math.min(total, bucket * bucketSize + quoteWords.length + 2 * bucketSize);
    const aligned = alignWithin(source, quoteIds, quoteWords, from, to);
    if (!winner || aligned.similarity > winner.similarity) winner = aligned;
  }
  return winner;
}

/** Semi-global edit distance: the whole quote against the best-fitting stretch of source[from, to). */
function alignWithin(source: IndexedText, quote: number[], quoteWords: string[], from: number, to: number): ClosestPassage {
  const text = source.ids;
  const rows = quote.length + 1;
  const columns = to - from + 1;
  const cost = new Uint16Array(rows * columns);
  for (let row = 1; row < rows; row++) cost[row * columns] = row;
  for (let row = 1; row < rows; row++) {
    for (let column = 1; column < columns; column++) {
      const substitution = cost[(row - 1) * columns + column - 1] + (quote[row - 1] === text[from + column - 1] ? 0 : 1);
      const skipQuoteWord = cost[(row - 1) * columns + column] + 1;
      const skipSourceWord = cost[row * columns + column - 1] + 1;
      cost[row * columns + column] = Math.min(substitution, skipQuoteWord, skipSourceWord);
    }
  }
  let endColumn = 1;
  for (let column = 1; column < columns; column++) {
    // On a tie the longer passage wins, so a changed last word reads as a substitution, not a deletion.
    if (cost[(rows - 1) * columns + column] <= cost[(rows - 1) * columns + endColumn]) endColumn = column;
  }
  const distance = cost[(rows - 1) * columns + endColumn];

  // Walk back to find where the passage starts and what differs.
  const differences: [string, string][] = [];
  let row = rows - 1;
  let column = endColumn;
  let pendingQuote: string[] = [];
  let pendingSource: string[] = [];
  const flushDifference = () => {
    if (pendingQuote.length || pendingSource.length) {
      differences.unshift([pendingQuote.join(' '), pendingSource.join(' ')]);
      pendingQuote = [];
      pendingSource = [];
    }
  };
  while (row > 0) {
    const here = cost[row * columns + column];
    if (column > 0) {
      const same = quote[row - 1] === text[from + column - 1];
      if (here === cost[(row - 1) * columns + column - 1] + (same ? 0 : 1)) {
        if (same) flushDifference();
        else {
          pendingQuote.unshift(quoteWords[row - 1]);
          pendingSource.unshift(source.wordAt(from + column - 1));
        }
        row--;
        column--;
        continue;
      }
      if (here === cost[row * columns + column - 1] + 1) {
        pendingSource.unshift(source.wordAt(from + column - 1));
        column--;
        continue;
      }
    }
    pendingQuote.unshift(quoteWords[row - 1]);
    row--;
  }
  flushDifference();
  const firstWord = from + column;
  const lastWord = Math.max(firstWord, from + endColumn - 1);
  const span = source.span(firstWord, lastWord);
  return {
    ...span,
    firstWord,
    lastWord,
    similarity: Math.max(0, 1 - distance / quote.length),
    differences: differences.slice(0, 3),
  };
}
