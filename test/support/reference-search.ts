/**
 * The corpus search as it was before segments: a flat inverted list over whole-corpus word numbers,
 * passages found by scanning each candidate source. Kept as the reference the segment search is
 * compared with; not used by the product.
 */
import type { Corpus } from '../../src/core/corpus/corpus';
import { lowerBound } from '../../src/core/index/indexed-text';
import { LineIndex } from '../../src/core/report/line-index';
import { matchQuote, parseQuotePattern } from '../../src/core/checks/quote-match';
import { scanWords, tokenize } from '../../src/core/index/tokenize';

/**
 * Full-text search over a corpus. The index is an inverted list from each word number to the sources
 * that contain it (with counts), laid out in three flat typed arrays, so it costs a few bytes per
 * distinct word of each source and a query costs in proportion to how often its words occur. Sources
 * are ranked by BM25; within each, the best passages are found by scanning its word numbers. The last
 * word of a query also matches as a prefix, for search as you type.
 */

export interface SearchHit {
  key: string;
  /** 1-based line and column of the first matching word in the source. */
  line: number;
  column: number;
  /** Offsets of the passage's matched region in the source text. */
  start: number;
  end: number;
  score: number;
  /** Running text around the match, unwrapped. */
  snippet: string;
  /** [start, end) offsets into `snippet` of each matched word. */
  highlights: [number, number][];
}

export interface SearchOptions {
  limit?: number;
  /** Match the last word as a prefix (on by default, for search as you type); `word*` always does. */
  prefix?: boolean;
  /** Restrict to these keys. */
  keys?: readonly string[];
}

/** How many words a passage spans. */
const passageWords = 64;
const k1 = 1.2;
const b = 0.75;
/** How many of the best-ranked sources a query looks into for passages. */
const maxSourcesExamined = 300;
/** A long source should not crowd out every other source. */
const maxHitsPerSource = 3;

export class ReferenceSearch {
  private readonly keys: string[] = [];
  private readonly documents: Uint32Array[] = [];
  /** For word number w, its sources are postingSources[postingStarts[w] .. postingStarts[w + 1]). */
  private postingStarts = new Uint32Array(1);
  /** Source numbers take two bytes while a corpus has fewer than 65,536 sources. */
  private postingSources: Uint16Array | Uint32Array = new Uint32Array(0);
  /** Counts stop at 255: BM25 gains almost nothing from a word's 256th occurrence. */
  private postingCounts = new Uint8Array(0);
  /** Word numbers by their first two letters, for prefix lookups; each bucket is sorted on first use. */
  private readonly buckets = new Map<string, number[]>();
  private readonly sortedBuckets = new Set<string>();
  private averageLength = 1;

  /** Builds the index at once; `CorpusSearch.create` builds the same index in slices. */
  constructor(
    private readonly corpus: Corpus,
    buildNow = true,
  ) {
    if (buildNow) for (const _step of this.build());
  }

  /**
   * Builds the index a slice at a time, giving the event loop back every `sliceMs`, so an editor never
   * freezes while a large corpus is indexed for search.
   */
  static async create(corpus: Corpus, sliceMs = 12): Promise<ReferenceSearch> {
    const search = new ReferenceSearch(corpus, false);
    let sliceStart = performance.now();
    for (const _step of search.build()) {
      if (performance.now() - sliceStart > sliceMs) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    return search;
  }

  /** The index build as steps of bounded work: a source, or a batch of vocabulary words. */
  private *build(): Generator<void> {
    const corpus = this.corpus;
    for (const source of corpus.sources) {
      const ids = corpus.wordIds(source.key);
      if (!ids) continue;
      this.keys.push(source.key);
      this.documents.push(ids);
    }
    yield;
    const vocabularySize = corpus.vocabulary.size;
    const lastSeen = new Int32Array(vocabularySize).fill(-1);
    const counts = new Uint32Array(vocabularySize + 1);
    let totalWords = 0;
    for (let document = 0; document < this.documents.length; document++) {
      const ids = this.documents[document];
      totalWords += ids.length;
      for (let index = 0; index < ids.length; index++) {
        const id = ids[index];
        if (lastSeen[id] !== document) {
          lastSeen[id] = document;
          counts[id]++;
        }
      }
      yield;
    }
    const starts = new Uint32Array(vocabularySize + 1);
    for (let id = 0; id < vocabularySize; id++) starts[id + 1] = starts[id] + counts[id];
    const sources = this.documents.length < 65536 ? new Uint16Array(starts[vocabularySize]) : new Uint32Array(starts[vocabularySize]);
    const frequencies = new Uint8Array(starts[vocabularySize]);
    const cursor = starts.slice(0, vocabularySize);
    const slot = new Uint32Array(vocabularySize);
    lastSeen.fill(-1);
    yield;
    for (let document = 0; document < this.documents.length; document++) {
      const ids = this.documents[document];
      for (let index = 0; index < ids.length; index++) {
        const id = ids[index];
        if (lastSeen[id] !== document) {
          lastSeen[id] = document;
          slot[id] = cursor[id]++;
          sources[slot[id]] = document;
        }
        if (frequencies[slot[id]] < 255) frequencies[slot[id]]++;
      }
      yield;
    }
    const words = corpus.vocabulary.words;
    for (let id = 0; id < vocabularySize; id++) {
      const key = words[id].slice(0, 2);
      const bucket = this.buckets.get(key);
      if (bucket) bucket.push(id);
      else this.buckets.set(key, [id]);
      if (id % 50_000 === 49_999) yield;
    }
    // Published last, so a search during the build sees either nothing or the whole index.
    this.postingStarts = starts;
    this.postingSources = sources;
    this.postingCounts = frequencies;
    this.averageLength = this.documents.length ? totalWords / this.documents.length : 1;
  }

  get sourceCount(): number {
    return this.documents.length;
  }

  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = options.limit ?? 20;
    const parsed = parseQuery(query, options.prefix ?? true);
    if (parsed.terms.length === 0) return [];
    const allowed = options.keys ? new Set(options.keys) : undefined;
    const termIds = parsed.terms.map((term) => this.expand(term));
    if (termIds.some((ids) => ids.length === 0)) return [];
    const documentCount = this.documents.length;
    const scores = new Float64Array(documentCount);
    const matched = new Uint8Array(documentCount);
    termIds.forEach((ids, termIndex) => {
      for (const id of ids) {
        const from = this.postingStarts[id];
        const to = this.postingStarts[id + 1];
        const idf = Math.log(1 + (documentCount - (to - from) + 0.5) / (to - from + 0.5));
        for (let posting = from; posting < to; posting++) {
          const document = this.postingSources[posting];
          const tf = this.postingCounts[posting];
          const length = this.documents[document].length;
          scores[document] += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * length) / this.averageLength));
          // One bit per query term (the first 8): every word must match, as in the editor's own search.
          if (termIndex < 8) matched[document] |= 1 << termIndex;
        }
      }
    });
    const everyTerm = (1 << Math.min(8, parsed.terms.length)) - 1;
    let candidates: number[] = [];
    for (let document = 0; document < documentCount; document++) {
      if (matched[document] === everyTerm && (!allowed || allowed.has(this.keys[document]))) candidates.push(document);
    }
    const phraseIds = parsed.phrases.map((phrase) => phrase.map((word) => this.corpus.vocabulary.idOf(word)));
    candidates.sort((x, y) => scores[y] - scores[x] || x - y);
    const matchIds = new Set(termIds.flat());
    // A byte per vocabulary word: testing a word while scanning a source is then one array read.
    const matchMask = new Uint8Array(this.corpus.vocabulary.size);
    for (const id of matchIds) matchMask[id] = 1;
    const hits: SearchHit[] = [];
    let examined = 0;
    for (const document of candidates) {
      // A phrase can be missing from sources that hold all its words; looking through every such source
      // of a large corpus would make one query take seconds, so the best-ranked ones are enough.
      if (hits.length >= limit || examined++ >= maxSourcesExamined) break;
      const windows = this.bestWindows(document, matchMask, phraseIds, Math.min(maxHitsPerSource, limit - hits.length));
      for (const window of windows) hits.push(this.hit(document, window, scores[document], matchIds));
    }
    return hits;
  }

  /**
   * The sources that contain a quote as the quote rules read it (omissions, editorial brackets and all),
   * for attributing an uncited quote. Candidates are the sources holding all of the quote's rarest words.
   */
  findQuote(quote: string, limit = 5): { key: string; start: number; end: number }[] {
    const pattern = parseQuotePattern(quote);
    const ids = [...new Set(pattern.segments.flat().map((word) => this.corpus.vocabulary.idOf(word)))];
    if (ids.length === 0 || ids.some((id) => id < 0)) return [];
    const rarest = ids.sort((x, y) => this.frequency(x) - this.frequency(y)).slice(0, 3);
    let candidates: Set<number> | undefined;
    for (const id of rarest) {
      const sources = new Set(this.postingSources.subarray(this.postingStarts[id], this.postingStarts[id + 1]));
      candidates = candidates ? new Set([...candidates].filter((source) => sources.has(source))) : sources;
    }
    const found: { key: string; start: number; end: number }[] = [];
    for (const document of candidates ?? []) {
      const text = this.corpus.text(this.keys[document]);
      if (!text) continue;
      const match = matchQuote(text, pattern);
      if (match.found) found.push({ key: this.keys[document], start: match.location.start, end: match.location.end });
      if (found.length >= limit) break;
    }
    return found;
  }

  private frequency(id: number): number {
    return this.postingStarts[id + 1] - this.postingStarts[id];
  }

  /** The indexed word numbers a query term stands for: its own, or every word it starts for a prefix term. */
  private expand(term: { word: string; prefix: boolean }): number[] {
    const vocabulary = this.corpus.vocabulary;
    if (!term.prefix) {
      const id = vocabulary.idOf(term.word);
      return id >= 0 && id < this.postingStarts.length - 1 && this.frequency(id) > 0 ? [id] : [];
    }
    const words = vocabulary.words;
    const matches: number[] = [];
    if (term.word.length >= 2) {
      const bucket = this.bucket(term.word.slice(0, 2));
      let low = 0;
      let high = bucket.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (words[bucket[middle]] < term.word) low = middle + 1;
        else high = middle;
      }
      for (let index = low; index < bucket.length && words[bucket[index]].startsWith(term.word); index++) {
        if (this.frequency(bucket[index]) > 0) matches.push(bucket[index]);
        if (matches.length >= 200) break;
      }
      return matches;
    }
    // One letter: the most frequent words that start with it stand for it.
    for (const [key, bucket] of this.buckets) {
      if (!key.startsWith(term.word)) continue;
      for (const id of bucket) if (id < this.postingStarts.length - 1 && this.frequency(id) > 0) matches.push(id);
    }
    return matches.sort((x, y) => this.frequency(y) - this.frequency(x)).slice(0, 200);
  }

  private bucket(key: string): number[] {
    const bucket = this.buckets.get(key) ?? [];
    if (!this.sortedBuckets.has(key)) {
      const words = this.corpus.vocabulary.words;
      bucket.sort((x, y) => (words[x] < words[y] ? -1 : words[x] > words[y] ? 1 : 0));
      this.sortedBuckets.add(key);
    }
    return bucket;
  }

  /** The passages of a source with the most query words, non-overlapping, best first. */
  private bestWindows(document: number, matchMask: Uint8Array, phrases: number[][], count: number): { first: number; score: number }[] {
    const ids = this.documents[document];
    const positions: number[] = [];
    for (let index = 0; index < ids.length; index++) if (matchMask[ids[index]] === 1) positions.push(index);
    const phraseStarts = phrases.map((phrase) => phraseOccurrences(ids, phrase));
    if (phraseStarts.some((list) => list.length === 0)) return [];
    const windows: { first: number; score: number }[] = [];
    const anchors = phrases.length ? phraseStarts[0] : positions;
    for (const anchor of anchors) {
      const from = lowerBound(positions, anchor);
      const to = lowerBound(positions, anchor + passageWords);
      const distinct = new Set<number>();
      for (let index = from; index < to; index++) distinct.add(ids[positions[index]]);
      windows.push({ first: anchor, score: distinct.size * 1000 + (to - from) });
    }
    windows.sort((x, y) => y.score - x.score || x.first - y.first);
    const chosen: { first: number; score: number }[] = [];
    for (const window of windows) {
      if (chosen.length >= count) break;
      if (chosen.some((other) => Math.abs(other.first - window.first) < passageWords)) continue;
      chosen.push(window);
    }
    return chosen;
  }

  private hit(document: number, window: { first: number; score: number }, score: number, matchIds: Set<number>): SearchHit {
    const key = this.keys[document];
    const text = this.corpus.text(key)!;
    const ids = this.documents[document];
    const from = Math.max(0, window.first - 12);
    const to = Math.min(ids.length - 1, window.first + 28);
    const { snippet, highlights, start, end, firstMatch } = buildSnippet(text.text, text.span(from, from).start, ids, from, to, matchIds);
    const position = new LineIndex(text.text).positionAt(firstMatch);
    return {
      key,
      line: position.line + 1,
      column: position.character + 1,
      start,
      end,
      score: score + window.score / 1e6,
      snippet: `${from > 0 ? '…' : ''}${snippet}${to < ids.length - 1 ? '…' : ''}`,
      highlights: highlights.map(([a, z]) => [a + (from > 0 ? 1 : 0), z + (from > 0 ? 1 : 0)]),
    };
  }
}

function phraseOccurrences(ids: Uint32Array, phrase: number[]): number[] {
  const found: number[] = [];
  if (phrase.some((id) => id < 0)) return found;
  outer: for (let index = 0; index + phrase.length <= ids.length; index++) {
    if (ids[index] !== phrase[0]) continue;
    for (let offset = 1; offset < phrase.length; offset++) if (ids[index + offset] !== phrase[offset]) continue outer;
    found.push(index);
  }
  return found;
}

/** Unwraps the source text from word `from` to word `to` and records where the matched words land. */
function buildSnippet(
  text: string,
  startOffset: number,
  ids: Uint32Array,
  from: number,
  to: number,
  matchIds: Set<number>,
): { snippet: string; highlights: [number, number][]; start: number; end: number; firstMatch: number } {
  let snippet = '';
  const highlights: [number, number][] = [];
  let position = from;
  let previousEnd = -1;
  let start = startOffset;
  let end = startOffset;
  let firstMatch = -1;
  const tokens: [number, number][] = [];
  // The scanner reproduces the index's words from the passage's first word on.
  scanWords(
    text,
    true,
    (_word, wordStart, wordEnd) => {
      tokens.push([wordStart, wordEnd]);
      return ++position <= to;
    },
    startOffset,
  );
  tokens.forEach(([wordStart, wordEnd], index) => {
    const id = ids[from + index];
    if (previousEnd >= 0) snippet += text.slice(previousEnd, wordStart).replace(/\s+/g, ' ');
    else start = wordStart;
    const original = text.slice(wordStart, wordEnd).replace(/[-\u2010\u00AD]\s*\n\s*/g, '');
    if (matchIds.has(id)) {
      highlights.push([snippet.length, snippet.length + original.length]);
      if (firstMatch < 0) firstMatch = wordStart;
    }
    snippet += original;
    previousEnd = wordEnd;
    end = wordEnd;
  });
  return { snippet, highlights, start, end, firstMatch: firstMatch < 0 ? start : firstMatch };
}

interface ParsedQuery {
  terms: { word: string; prefix: boolean }[];
  phrases: string[][];
}

/** Words, and "quoted phrases" that must occur as written. */
export function parseQuery(query: string, prefix: boolean): ParsedQuery {
  const phrases: string[][] = [];
  const rest = query.replace(/"([^"]+)"|\u201C([^\u201D]+)\u201D/g, (_match, straight: string | undefined, curly: string | undefined) => {
    const words = tokenize(straight ?? curly ?? '').words;
    if (words.length) phrases.push(words);
    return ' ';
  });
  const terms: { word: string; prefix: boolean }[] = [];
  const chunks = rest.split(/\s+/).filter(Boolean);
  const endsInWord = prefix && /[\p{L}\p{N}]$/u.test(query);
  chunks.forEach((chunk, chunkIndex) => {
    // `traffick*` asks for a prefix anywhere in the query; while typing, the last word is one anyway.
    const wildcard = chunk.endsWith('*') || (endsInWord && chunkIndex === chunks.length - 1);
    const words = tokenize(chunk).words;
    words.forEach((word, index) => terms.push({ word, prefix: wildcard && index === words.length - 1 }));
  });
  for (const phrase of phrases) for (const word of phrase) terms.push({ word, prefix: false });
  const unique = new Map<string, { word: string; prefix: boolean }>();
  for (const term of terms) unique.set(`${term.word}:${term.prefix}`, term);
  return { terms: [...unique.values()], phrases };
}

export function renderHighlighted(hit: SearchHit, open: string, close: string): string {
  let result = '';
  let last = 0;
  for (const [start, end] of hit.highlights) {
    result += hit.snippet.slice(last, start) + open + hit.snippet.slice(start, end) + close;
    last = end;
  }
  return result + hit.snippet.slice(last);
}
