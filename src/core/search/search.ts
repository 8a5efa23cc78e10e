import type { Corpus } from '../corpus/corpus';
import type { IndexedText } from '../index/indexed-text';
import { matchQuote, parseQuotePattern } from '../checks/quote-match';
import { bySegmentName, indexOfAscending, type Segment } from '../index/segment';
import { tokenize } from '../index/tokenize';

/**
 * Full-text search over a corpus, straight from the segments' postings: which sources hold a word,
 * how often, and at which word positions. Sources are ranked by BM25; a source's best passages come
 * from the positions of the query's words in it, and only those passages' text is read. A query costs
 * in proportion to how often its words occur, never in proportion to the corpus. The last word of a
 * query also matches as a prefix, for search as you type.
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
/**
 * How many of the best-ranked sources are ranked first; when a phrase is missing from all of them (its
 * words can stand apart in many sources), the rest are ranked and looked into as well, so that every
 * source holding the phrase can be found, as a plain-text search finds it.
 */
const firstRankedSources = 300;
/** A long source should not crowd out every other source. */
const maxHitsPerSource = 3;
/** How long after a search is ready a saved directory is read whole. */
const fullDirectoryDelay = 1500;
/** A prefix stands for at most this many words (the most frequent, for one letter). */
const maxPrefixWords = 200;

export class CorpusSearch {
  /** Per source that has text (numbered in corpus order): its key, segment, document in the segment and length. */
  private readonly keys: string[] = [];
  private readonly segments: Segment[] = [];
  private sourceSegment = new Uint32Array(0);
  /** Per source, the words search shows passages from (a web page's main content); [0, -1) for all of them. */
  private mainFrom = new Int32Array(0);
  private mainTo = new Int32Array(0);
  private sourceDocument = new Uint32Array(0);
  private lengths = new Uint32Array(0);
  /** Per segment, per document: the source number, or -1 for a document no current source uses. */
  private readonly sourceOf: Int32Array[] = [];
  /** For word number w, the segments using it are entries [directoryStarts[w], directoryStarts[w + 1]) of the directory, ascending, with its ordinal in each. */
  private directoryStarts: Uint32Array = new Uint32Array(1);
  private directory: Directory = { starts: new Uint32Array(1), segments: new Uint32Array(0), ordinals: new Uint32Array(0) };
  /** Entries read from a saved directory before it is in memory whole, by word number. */
  private readonly readEntries = new Map<number, { segments: Uint16Array | Uint32Array; ordinals: Uint32Array }>();
  /** Word numbers by their first two letters, for prefix lookups; each bucket is sorted on first use. */
  private readonly buckets = new Map<string, number[]>();
  private readonly sortedBuckets = new Set<string>();
  private averageLength = 1;
  private scores = new Float64Array(0);
  private matched = new Uint8Array(0);
  private seen = new Uint8Array(0);
  private vocabularySize = 0;
  /** Documents of the segments that no current source uses (replaced on reload, or a duplicate key). */
  private unusedDocuments = 0;
  /** Exact frequencies, counted on first use when some documents are unused. */
  private readonly liveFrequencies = new Map<number, number>();

  /** Builds the index at once; `CorpusSearch.create` builds the same index in slices. */
  constructor(
    private readonly corpus: Corpus,
    buildNow = true,
  ) {
    if (buildNow) for (const _step of this.build());
  }

  /**
   * Builds the index a slice at a time, giving the event loop back every `sliceMs`, so a thread that
   * serves requests never stalls while a large corpus is prepared for search.
   */
  static async create(corpus: Corpus, sliceMs = 12): Promise<CorpusSearch> {
    const search = new CorpusSearch(corpus, false);
    let sliceStart = performance.now();
    for (const _step of search.build()) {
      if (performance.now() - sliceStart > sliceMs) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    // A saved directory is read a word at a time at first, and whole a little later, when it is quiet.
    const saved = search.directory as Partial<SavedDirectory>;
    if (saved.loadFull) setTimeout(() => saved.loadFull!(), fullDirectoryDelay).unref?.();
    return search;
  }

  /**
   * The segments already hold every posting; what is left is to number the sources, find each word's
   * segments, and sort words by their first letters. Steps of bounded work, for `create`.
   */
  private *build(): Generator<void> {
    const corpus = this.corpus;
    const sourceSegment: number[] = [];
    const sourceDocument: number[] = [];
    const mainFrom: number[] = [];
    const mainTo: number[] = [];
    const lengths: number[] = [];
    let totalWords = 0;
    // Segments in the order of their names, the order a saved directory lists them in.
    const used = new Set<Segment>();
    for (const source of corpus.sources) {
      const entry = corpus.entry(source.key);
      if (entry) used.add(entry.segment);
    }
    this.segments.push(...[...used].sort(bySegmentName));
    const segmentIndex = new Map(this.segments.map((segment, index) => [segment, index]));
    for (const segment of this.segments) this.sourceOf.push(new Int32Array(segment.documentCount).fill(-1));
    for (const source of corpus.sources) {
      const entry = corpus.entry(source.key);
      if (!entry) continue;
      const index = segmentIndex.get(entry.segment)!;
      this.sourceOf[index][entry.document] = this.keys.length;
      this.keys.push(source.key);
      sourceSegment.push(index);
      sourceDocument.push(entry.document);
      lengths.push(entry.wordCount);
      mainFrom.push(entry.mainWords?.[0] ?? 0);
      mainTo.push(entry.mainWords?.[1] ?? -1);
      totalWords += entry.wordCount;
    }
    yield;
    let directory = corpus.savedDirectory?.(this.segments.map((segment) => segment.id));
    if (!directory) {
      const steps = directorySteps(this.segments, corpus.vocabulary.size);
      for (let step = steps.next(); ; step = steps.next()) {
        if (step.done) {
          directory = step.value;
          break;
        }
        yield;
      }
    }
    const vocabularySize = directory.starts.length - 1;
    const starts = directory.starts;
    const words = corpus.vocabulary.words;
    const buckets = new Map<string, number[]>();
    for (let id = 0; id < vocabularySize; id++) {
      if (starts[id + 1] === starts[id]) continue;
      const key = words[id].slice(0, 2);
      const bucket = buckets.get(key);
      if (bucket) bucket.push(id);
      else buckets.set(key, [id]);
      if (id % 50_000 === 49_999) yield;
    }
    // Published last, so a search during the build sees either nothing or the whole index.
    for (const [key, bucket] of buckets) this.buckets.set(key, bucket);
    this.sourceSegment = Uint32Array.from(sourceSegment);
    this.sourceDocument = Uint32Array.from(sourceDocument);
    this.mainFrom = Int32Array.from(mainFrom);
    this.mainTo = Int32Array.from(mainTo);
    this.lengths = Uint32Array.from(lengths);
    this.directoryStarts = starts;
    this.directory = directory;
    this.vocabularySize = vocabularySize;
    this.averageLength = this.keys.length ? totalWords / this.keys.length : 1;
    this.scores = new Float64Array(this.keys.length);
    this.matched = new Uint8Array(this.keys.length);
    this.seen = new Uint8Array(this.keys.length);
    this.unusedDocuments = this.segments.reduce((sum, segment) => sum + segment.documentCount, 0) - this.keys.length;
  }

  get sourceCount(): number {
    return this.keys.length;
  }

  /** Builds a directory of its own in place of a saved one that turned out damaged. */
  private replaceDirectory(): void {
    this.directory = buildDirectory(this.segments, this.directoryStarts.length - 1);
    this.directoryStarts = this.directory.starts;
    this.readEntries.clear();
  }

  /**
   * A word's directory entries: [from, to) of `segments` and `ordinals`, which are the whole directory's
   * arrays, or, while a saved directory is not in memory whole, the word's own entries read from it.
   */
  private entriesOf(id: number): { segments: Uint16Array | Uint32Array; ordinals: Uint32Array; from: number; to: number } {
    if ((this.directory as SavedDirectory).damaged) this.replaceDirectory();
    const { segments, ordinals } = this.directory;
    const from = this.directoryStarts[id];
    const to = this.directoryStarts[id + 1];
    if (segments && ordinals) return { segments, ordinals, from, to };
    let read = this.readEntries.get(id);
    if (!read) {
      try {
        read = this.directory.read!(from, to);
      } catch {
        this.replaceDirectory();
        return this.entriesOf(id);
      }
      if (this.readEntries.size >= 65_536) this.readEntries.clear();
      this.readEntries.set(id, read);
    }
    return { segments: read.segments, ordinals: read.ordinals, from: 0, to: read.segments.length };
  }

  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = options.limit ?? 20;
    const parsed = parseQuery(query, options.prefix ?? true);
    if (parsed.terms.length === 0) return [];
    const allowed = options.keys ? new Set(options.keys) : undefined;
    const termIds = parsed.terms.map((term) => this.expand(term));
    if (termIds.some((ids) => ids.length === 0)) return [];
    const sourceCount = this.keys.length;
    const { scores, matched, seen } = this;
    const touched: number[] = [];
    termIds.forEach((ids, termIndex) => {
      // One bit per query term (the first 8): every word must match, as in the editor's own search.
      const bit = termIndex < 8 ? 1 << termIndex : 0;
      for (const id of ids) this.score(id, bit, touched);
    });
    const everyTerm = (1 << Math.min(8, parsed.terms.length)) - 1;
    const candidates: number[] = [];
    for (const source of touched) {
      if (matched[source] === everyTerm && (!allowed || allowed.has(this.keys[source]))) candidates.push(source);
    }
    const candidateScores = new Map(candidates.map((source) => [source, scores[source]]));
    for (const source of touched) {
      scores[source] = 0;
      matched[source] = 0;
      seen[source] = 0;
    }
    if (sourceCount === 0) return [];
    const vocabulary = this.corpus.vocabulary;
    const phraseIds = parsed.phrases.map((phrase) => phrase.map((word) => vocabulary.idOf(word)));
    const matchIds = [...new Set(termIds.flat())].slice(0, wordSlots);
    const matchWords = new Set(matchIds.map((id) => vocabulary.words[id]));
    const all = candidates.slice();
    rankCandidates(candidates, candidateScores, firstRankedSources + limit);
    /** Up to `wanted` passages from these sources, in their order. */
    const collect = (sources: readonly number[], wanted: number) => {
      const found: SearchHit[] = [];
      for (const source of sources) {
        if (found.length >= wanted) break;
        const windows = this.bestWindows(source, matchIds, phraseIds, Math.min(maxHitsPerSource, wanted - found.length));
        if (windows.length === 0) continue;
        const text = this.corpus.text(this.keys[source]);
        if (!text) continue;
        for (const window of windows) {
          const hit = passageHit(this.keys[source], text, window, candidateScores.get(source)!, matchWords);
          if (hit) found.push(hit);
        }
      }
      return found;
    };
    const hits = collect(candidates, limit);
    if (hits.length < limit && candidates.length < all.length) {
      // Only a phrase missing from the best-ranked sources gets here. The others are looked into in source
      // order, which is the order of the index's segments and documents, so that positions are read a
      // block at a time rather than a source at a time; what they yield is then ranked.
      const looked = new Set(candidates);
      const more = collect(
        all.filter((source) => !looked.has(source)).sort((x, y) => x - y),
        limit - hits.length,
      );
      more.sort((x, y) => y.score - x.score);
      hits.push(...more);
    }
    return hits;
  }

  /** Adds one word's BM25 contribution to every source that holds it, and marks the term matched. */
  private score(id: number, bit: number, touched: number[]): void {
    const { scores, matched, seen } = this;
    const { segments, ordinals, from, to } = this.entriesOf(id);
    const frequency = this.frequency(id);
    const sourceCount = this.keys.length;
    const idf = Math.log(1 + (sourceCount - frequency + 0.5) / (frequency + 0.5));
    const lengths = this.lengths;
    const averageLength = this.averageLength;
    for (let entry = from; entry < to; entry++) {
      const segment = this.segments[segments[entry]];
      const sourceOf = this.sourceOf[segments[entry]];
      const { documents, counts } = segment.termPostings(ordinals[entry]);
      for (let index = 0; index < documents.length; index++) {
        const source = sourceOf[documents[index]];
        if (!(source >= 0)) continue;
        const tf = counts[index];
        if (seen[source] === 0) {
          seen[source] = 1;
          touched.push(source);
        }
        scores[source] += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * lengths[source]) / averageLength));
        matched[source] |= bit;
      }
    }
  }

  /**
   * The sources that contain a quote as the quote rules read it (omissions, editorial brackets and all),
   * for attributing an uncited quote. Candidates are the sources holding all of the quote's rarest words.
   */
  findQuote(quote: string, limit = 5): { key: string; start: number; end: number }[] {
    const pattern = parseQuotePattern(quote);
    const vocabulary = this.corpus.vocabulary;
    const ids = [...new Set(pattern.segments.flat().map((word) => vocabulary.idOf(word)))];
    if (ids.length === 0 || ids.some((id) => id < 0 || id >= this.vocabularySize)) return [];
    const rarest = ids.sort((x, y) => this.frequency(x) - this.frequency(y) || x - y).slice(0, 3);
    let candidates: Set<number> | undefined;
    for (const id of rarest) {
      const sources = this.sourcesOf(id);
      candidates = candidates ? new Set([...candidates].filter((source) => sources.has(source))) : sources;
    }
    const found: { key: string; start: number; end: number }[] = [];
    for (const source of [...(candidates ?? [])].sort((x, y) => x - y)) {
      const text = this.corpus.text(this.keys[source]);
      if (!text) continue;
      const match = matchQuote(text, pattern);
      if (match.found) found.push({ key: this.keys[source], start: match.location.start, end: match.location.end });
      if (found.length >= limit) break;
    }
    return found;
  }

  private sourcesOf(id: number): Set<number> {
    const sources = new Set<number>();
    const { segments, ordinals, from, to } = this.entriesOf(id);
    for (let entry = from; entry < to; entry++) {
      const segment = this.segments[segments[entry]];
      const sourceOf = this.sourceOf[segments[entry]];
      const { documents } = segment.termPostings(ordinals[entry]);
      for (let index = 0; index < documents.length; index++) {
        const source = sourceOf[documents[index]];
        if (source >= 0) sources.add(source);
      }
    }
    return sources;
  }

  /** How many of the current sources use a word. */
  private frequency(id: number): number {
    if (this.unusedDocuments > 0) {
      let known = this.liveFrequencies.get(id);
      if (known === undefined) this.liveFrequencies.set(id, (known = this.sourcesOf(id).size));
      return known;
    }
    let frequency = 0;
    const { segments, ordinals, from, to } = this.entriesOf(id);
    for (let entry = from; entry < to; entry++) {
      const [first, last] = this.segments[segments[entry]].postingRange(ordinals[entry]);
      frequency += last - first;
    }
    return frequency;
  }

  /** The indexed word numbers a query term stands for: its own, or every word it starts for a prefix term. */
  private expand(term: { word: string; prefix: boolean }): number[] {
    const vocabulary = this.corpus.vocabulary;
    if (!term.prefix) {
      const id = vocabulary.idOf(term.word);
      return id >= 0 && id < this.vocabularySize && this.frequency(id) > 0 ? [id] : [];
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
        matches.push(bucket[index]);
        if (matches.length >= maxPrefixWords) break;
      }
      return matches;
    }
    // One letter: the most frequent words that start with it stand for it.
    for (const [key, bucket] of this.buckets) {
      if (!key.startsWith(term.word)) continue;
      for (const id of bucket) matches.push(id);
    }
    const frequencies = new Map(matches.map((id) => [id, this.frequency(id)]));
    return matches.sort((x, y) => frequencies.get(y)! - frequencies.get(x)! || x - y).slice(0, maxPrefixWords);
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

  /** The word positions of a word in one source, ascending (empty when the source lacks it). */
  private positionsIn(source: number, id: number, into: number[]): void {
    if (id < 0 || id >= this.vocabularySize) return;
    const segmentIndex = this.sourceSegment[source];
    // A word's directory entries are in segment order, so its entry for this segment is found by bisection.
    const { segments, ordinals, from, to } = this.entriesOf(id);
    const entry = indexOfAscending(segments, from, to, segmentIndex);
    if (entry < 0) return;
    const segment = this.segments[segmentIndex];
    const posting = segment.findPosting(ordinals[entry], this.sourceDocument[source]);
    if (posting >= 0) segment.positionsOf(posting, into);
  }

  /** The passages of a source with the most query words, non-overlapping, best first. */
  private bestWindows(source: number, matchIds: number[], phrases: number[][], count: number): { first: number; score: number }[] {
    // Each word's positions are decoded once per source, for the phrases and the windows alike.
    const decoded = new Map<number, number[]>();
    const positionsOf = (id: number) => {
      let positions = decoded.get(id);
      if (!positions) {
        positions = [];
        this.positionsIn(source, id, positions);
        decoded.set(id, positions);
      }
      return positions;
    };
    // Phrases first: a source that lacks one has no passage, and finding that out needs no other word.
    const phraseStarts: number[][] = [];
    for (const phrase of phrases) {
      const starts = phraseOccurrences(phrase, positionsOf);
      if (starts.length === 0) return [];
      phraseStarts.push(starts);
    }
    // Every matched word's positions, merged into one ascending list: position and word packed into
    // one number, so the engine's own numeric sort does the merge.
    let total = 0;
    const lists = matchIds.map((id) => {
      const positions = positionsOf(id);
      total += positions.length;
      return positions;
    });
    const packed = new Float64Array(total);
    let at = 0;
    lists.forEach((positions, word) => {
      for (const position of positions) packed[at++] = position * wordSlots + word;
    });
    packed.sort();
    const anchors: number[] = [];
    if (phrases.length) for (const start of phraseStarts[0]) anchors.push(start);
    else for (let index = 0; index < total; index++) anchors.push(Math.floor(packed[index] / wordSlots));
    // A web page's passages come from its main content only: its menus and teasers are no hits.
    const mainTo = this.mainTo[source];
    if (mainTo >= 0) {
      const mainFrom = this.mainFrom[source];
      let kept = 0;
      for (const anchor of anchors) if (anchor >= mainFrom && anchor < mainTo) anchors[kept++] = anchor;
      anchors.length = kept;
    }
    // Two cursors over the merged positions keep count of the distinct words inside [anchor, anchor + passageWords).
    const inWindow = new Int32Array(matchIds.length);
    let distinct = 0;
    let from = 0;
    let to = 0;
    const windows: { first: number; score: number }[] = [];
    for (const anchor of anchors) {
      while (to < total && packed[to] < (anchor + passageWords) * wordSlots) {
        if (inWindow[packed[to] % wordSlots]++ === 0) distinct++;
        to++;
      }
      while (from < to && packed[from] < anchor * wordSlots) {
        if (--inWindow[packed[from] % wordSlots] === 0) distinct--;
        from++;
      }
      windows.push({ first: anchor, score: distinct * 1000 + (to - from) });
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
}

/**
 * Orders candidates best first (ties by source number), but only as far as `wanted` of them: a common
 * word matches thousands of sources, of which a query looks at a few hundred at most.
 */
function rankCandidates(candidates: number[], scores: Map<number, number>, wanted: number): void {
  if (candidates.length > wanted) {
    // The engine's numeric sort finds the score of the last one wanted; only those at or above it are sorted.
    const sorted = Float64Array.from(candidates, (source) => -scores.get(source)!).sort();
    const threshold = -sorted[wanted - 1];
    let kept = 0;
    for (const source of candidates) if (scores.get(source)! >= threshold) candidates[kept++] = source;
    candidates.length = kept;
  }
  candidates.sort((x, y) => scores.get(y)! - scores.get(x)! || x - y);
}

/** Matched words per query, at most: a word's index in the query's list packs beside its position. */
const wordSlots = 1024;

/**
 * Where a phrase (word numbers) starts in a source: the rarest word's positions, shifted to where the
 * phrase would start, kept where every other word stands at its place (ascending lists, merged).
 */
function phraseOccurrences(phrase: number[], positionsOf: (id: number) => number[]): number[] {
  if (phrase.length === 0 || phrase.some((id) => id < 0)) return [];
  const lists = phrase.map(positionsOf);
  if (lists.some((list) => list.length === 0)) return [];
  let rarest = 0;
  for (let index = 1; index < lists.length; index++) if (lists[index].length < lists[rarest].length) rarest = index;
  let starts = lists[rarest].map((position) => position - rarest).filter((start) => start >= 0);
  for (let offset = 0; offset < lists.length && starts.length; offset++) {
    if (offset === rarest) continue;
    const list = lists[offset];
    const kept: number[] = [];
    let cursor = 0;
    for (const start of starts) {
      const wanted = start + offset;
      while (cursor < list.length && list[cursor] < wanted) cursor++;
      if (cursor < list.length && list[cursor] === wanted) kept.push(start);
    }
    starts = kept;
  }
  return starts;
}

/** A search hit for the passage starting at word `first`: its words from a little before to a little after, unwrapped. */
function passageHit(key: string, text: IndexedText, window: { first: number; score: number }, score: number, matchWords: Set<string>): SearchHit | undefined {
  const wordCount = text.wordCount;
  const from = Math.max(0, window.first - 12);
  const to = Math.min(wordCount - 1, window.first + 28);
  const words = text.wordsBetween(from, to);
  if (!words) return undefined;
  const { spans, window: read } = words;
  const source = read.text;
  const base = read.start;
  let snippet = '';
  const highlights: [number, number][] = [];
  let firstMatch = -1;
  spans.forEach(({ word, start, end }, index) => {
    if (index > 0) snippet += source.slice(spans[index - 1].end - base, start - base).replace(/\s+/g, ' ');
    const original = source.slice(start - base, end - base).replace(/[-\u2010\u00AD]\s*\n\s*/g, '');
    if (matchWords.has(word)) {
      highlights.push([snippet.length, snippet.length + original.length]);
      if (firstMatch < 0) firstMatch = start;
    }
    snippet += original;
  });
  const start = spans[0].start;
  const position = read.positionAt(firstMatch < 0 ? start : firstMatch);
  const lead = from > 0 ? 1 : 0;
  return {
    key,
    line: position.line + 1,
    column: position.character + 1,
    start,
    end: spans[spans.length - 1].end,
    score: score + window.score / 1e6,
    snippet: `${from > 0 ? '…' : ''}${snippet}${to < wordCount - 1 ? '…' : ''}`,
    highlights: highlights.map(([a, z]) => [a + lead, z + lead]),
  };
}

/**
 * For each word number, the segments (by index in `segments`) that use it, ascending, with its ordinal
 * in each: how search finds a word's postings.
 */
export interface Directory {
  /** Word w's entries are [starts[w], starts[w + 1]); there are starts.length - 1 word numbers. */
  starts: Uint32Array;
  /** All entries; a directory read from disk may lack them until it is read whole. */
  segments?: Uint16Array | Uint32Array;
  ordinals?: Uint32Array;
  /** Entries [from, to), for a directory not yet read whole. */
  read?: (from: number, to: number) => { segments: Uint16Array | Uint32Array; ordinals: Uint32Array };
}

/** A directory saved with the index: read a word at a time, then whole (and checked) by `loadFull`. */
export interface SavedDirectory extends Directory {
  loadFull(): void;
  /** Set when reading it whole showed damage: search then builds a directory of its own. */
  damaged?: boolean;
}

/** Builds the directory of these segments, a segment at a time (each step one segment's words). */
export function* directorySteps(segments: readonly Segment[], vocabularySize: number): Generator<void, Required<Omit<Directory, 'read'>>> {
  const starts = new Uint32Array(vocabularySize + 1);
  for (const segment of segments) {
    segment.forEachTerm((termId) => {
      if (termId < vocabularySize) starts[termId + 1]++;
    });
    yield;
  }
  for (let id = 0; id < vocabularySize; id++) starts[id + 1] += starts[id];
  const total = starts[vocabularySize];
  const directorySegments = segments.length < 0x10000 ? new Uint16Array(total) : new Uint32Array(total);
  const ordinals = new Uint32Array(total);
  const cursor = starts.slice(0, vocabularySize);
  for (let index = 0; index < segments.length; index++) {
    segments[index].forEachTerm((termId, ordinal) => {
      if (termId >= vocabularySize) return;
      const slot = cursor[termId]++;
      directorySegments[slot] = index;
      ordinals[slot] = ordinal;
    });
    yield;
  }
  return { starts, segments: directorySegments, ordinals };
}

function buildDirectory(segments: readonly Segment[], vocabularySize: number): Required<Omit<Directory, 'read'>> {
  const steps = directorySteps(segments, vocabularySize);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
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

export function renderHighlighted(hit: SearchHit, open: string, close: string, escape: (text: string) => string): string {
  let result = '';
  let last = 0;
  for (const [start, end] of hit.highlights) {
    result += escape(hit.snippet.slice(last, start)) + open + escape(hit.snippet.slice(start, end)) + close;
    last = end;
  }
  return result + escape(hit.snippet.slice(last));
}
