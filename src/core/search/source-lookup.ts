import Fuse, { type IFuseOptions } from 'fuse.js';
import type { Source } from '../corpus/source';

/** What lookup searches: the fields an author remembers a source by. */
interface LookupRecord {
  key: string;
  title: string;
  author: string;
  publisher: string;
  year: string;
  source: Source;
}

export interface SourceMatch {
  source: Source;
  /** 0 is a perfect match, 1 no match at all (Fuse's scale). */
  score: number;
}

const fields = ['key', 'title', 'author', 'publisher', 'year'] as const;
const fieldWeights: Record<(typeof fields)[number], number> = { key: 3, title: 2, author: 1.5, publisher: 1.5, year: 1 };
const weightOfField = fields.map((name) => fieldWeights[name]);

/** How much a word found in a field counts, times the field's weight. */
const wholeField = 4;
const wordStart = 3;
const insideWord = 1;

/**
 * Fields from the one that can score most to the one that can score least, and for each the most the
 * fields after it can still give: once enough sources score more than that, the rest need not be read.
 */
const fieldsByWeight = fields.map((_, field) => field).sort((a, b) => weightOfField[b] - weightOfField[a]);
const mostAfter = fieldsByWeight.map((_, position) => Math.max(0, ...fieldsByWeight.slice(position + 1).map((field) => weightOfField[field] * wholeField)));

const fuzzyThreshold = 0.4;

const fuseOptions: IFuseOptions<LookupRecord> = {
  includeScore: true,
  ignoreLocation: true,
  threshold: fuzzyThreshold,
  keys: fields.map((name) => ({ name, weight: fieldWeights[name] })),
};

/** Fuzzy matching looks at no more candidates than this, whatever the size of the corpus. */
const fuzzyCandidates = 400;

/**
 * Joins one field of every record into one string. A line break is whitespace, which a typed word never
 * contains, so a word found in the joined text lies within one record's field.
 */
const recordSeparator = '\n';

function fold(text: string): string {
  // Most fields are plain ASCII; Unicode normalisation is only for those that are not.
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

const letterOrDigit = /[\p{L}\p{N}]/u;

/** Whether the UTF-16 unit at `index` is a letter or a digit; ASCII without a regular expression, as it nearly always is. */
function isWordCharacter(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 0x80) return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
  return letterOrDigit.test(text[index]);
}

/** Points for a word first found at `at` in a field of `fieldLength` characters. */
function pointsAt(text: string, at: number, offsetInField: number, fieldLength: number, termLength: number, weight: number): number {
  if (fieldLength === termLength) return weight * wholeField;
  if (offsetInField === 0 || !isWordCharacter(text, at - 1)) return weight * wordStart;
  return weight * insideWord;
}

/** One field of every record, folded and joined, so that one `indexOf` runs over all records at once in native code. */
class FieldColumn {
  readonly text: string;
  /** Where each record's text starts in `text`; entry `records.length` is one past the end, as if a separator followed. */
  readonly starts: Int32Array;

  constructor(values: readonly string[]) {
    // Folding the joined values at once is one native pass instead of one call per value, and gives the
    // same text: folding works character by character, and a line break neither changes nor affects a
    // neighbour (Unicode reorders only combining marks, and lower-cases a final sigma by its neighbours
    // only when they are letters or case-ignorable). Record boundaries are then the line breaks, unless a
    // value had one of its own.
    this.starts = new Int32Array(values.length + 1);
    this.text = fold(values.join(recordSeparator));
    let at = -1;
    let record = 1;
    for (; record < values.length; record++) {
      at = this.text.indexOf(recordSeparator, at + 1);
      if (at < 0) break;
      this.starts[record] = at + 1;
    }
    if (record >= values.length && this.text.indexOf(recordSeparator, at + 1) < 0) {
      this.starts[values.length] = this.text.length + recordSeparator.length;
      return;
    }
    const folded = values.map(fold);
    let offset = 0;
    for (let record = 0; record < folded.length; record++) {
      this.starts[record] = offset;
      offset += folded[record].length + recordSeparator.length;
    }
    this.starts[folded.length] = offset;
    this.text = folded.join(recordSeparator);
  }

  value(record: number): string {
    return this.text.slice(this.starts[record], this.starts[record + 1] - recordSeparator.length);
  }
}

/** The best a word scores in any field of one record (0 when no field contains it), judged where each field first contains it. */
function termPoints(columns: readonly FieldColumn[], record: number, term: string): number {
  let best = 0;
  for (let field = 0; field < columns.length; field++) {
    const text = columns[field].value(record);
    const at = text.indexOf(term);
    if (at < 0) continue;
    best = Math.max(best, pointsAt(text, at, at, text.length, term.length, weightOfField[field]));
  }
  return best;
}

/**
 * Per record scratch space for one lookup, allocated once: lookups run one at a time on one thread, and
 * a keystroke should not cost the garbage collector tens of kilobytes.
 */
class Scratch {
  /** Points per record; 0 means not matched. Every non-zero entry is listed in `touched` and reset after use. */
  readonly points: Float64Array;
  readonly touched: Int32Array;
  touchedCount = 0;
  readonly ranks: Int32Array;

  constructor(size: number) {
    this.points = new Float64Array(size);
    this.touched = new Int32Array(size);
    this.ranks = new Int32Array(size);
  }

  reset(): void {
    for (let index = 0; index < this.touchedCount; index++) this.points[this.touched[index]] = 0;
    this.touchedCount = 0;
  }
}

/**
 * For each distinct three-character sequence, the records whose text contains it, in record order.
 * Characters are numbered densely in the order met, so a sequence is a small integer: with the few dozen
 * characters of a typical corpus, a plain array maps it to its records, with no map of strings to arrays.
 */
class TrigramIndex {
  /** Per UTF-16 unit, its number from 1 in the order first met, or 0 when no indexed text has it. */
  private readonly characterIds = new Uint16Array(0x10000);
  private readonly alphabetSize: number;
  /** Sequence number to its id when the alphabet is small enough for an array of every possible sequence, or else a map. */
  private readonly denseIds?: Int32Array;
  private readonly sparseIds?: Map<number, number>;
  private readonly offsets: Int32Array;
  /** Two bytes a record where numbers allow, as in the search index: this is the largest part of the index. */
  private readonly postings: Uint16Array | Int32Array;

  constructor(texts: readonly string[]) {
    const characterIds = this.characterIds;
    let characters = 0;
    let length = 0;
    for (const text of texts) {
      length += text.length;
      for (let index = 0; index < text.length; index++) {
        const code = text.charCodeAt(index);
        if (characterIds[code] === 0) characterIds[code] = ++characters;
      }
    }
    const size = (this.alphabetSize = characters + 1);
    const denseIds = size ** 3 <= denseTrigramLimit ? new Int32Array(size ** 3).fill(-1) : undefined;
    const sparseIds = denseIds ? undefined : new Map<number, number>();
    this.denseIds = denseIds;
    this.sparseIds = sparseIds;
    // Pass one: each record's distinct sequences (no more than its characters), and how many records have each.
    const recordGrams = new Int32Array(length);
    let recordGramCount = 0;
    const recordEnds = new Int32Array(texts.length);
    let lastRecord: Int32Array = new Int32Array(1024).fill(-1);
    let recordCounts: Int32Array = new Int32Array(1024);
    let grams = 0;
    for (let record = 0; record < texts.length; record++) {
      const text = texts[record];
      for (let index = 0; index + 3 <= text.length; index++) {
        const code = this.gramCode(text, index);
        let id = this.idOf(code);
        if (id < 0) {
          id = grams++;
          if (denseIds) denseIds[code] = id;
          else sparseIds!.set(code, id);
          if (id === lastRecord.length) {
            lastRecord = grow(lastRecord, -1);
            recordCounts = grow(recordCounts, 0);
          }
        }
        if (lastRecord[id] === record) continue;
        lastRecord[id] = record;
        recordCounts[id]++;
        recordGrams[recordGramCount++] = id;
      }
      recordEnds[record] = recordGramCount;
    }
    // Pass two: the records of each sequence, contiguous and in record order.
    const offsets = (this.offsets = new Int32Array(grams + 1));
    for (let id = 0; id < grams; id++) offsets[id + 1] = offsets[id] + recordCounts[id];
    const postings = (this.postings = texts.length <= 0x10000 ? new Uint16Array(recordGramCount) : new Int32Array(recordGramCount));
    const filled = offsets.slice(0, grams);
    let from = 0;
    for (let record = 0; record < texts.length; record++) {
      const to = recordEnds[record];
      for (let at = from; at < to; at++) postings[filled[recordGrams[at]]++] = record;
      from = to;
    }
  }

  /** The number of the sequence at `index`; a character no indexed text has counts as 0, which no indexed sequence contains. */
  private gramCode(text: string, index: number): number {
    const ids = this.characterIds;
    const size = this.alphabetSize;
    return (ids[text.charCodeAt(index)] * size + ids[text.charCodeAt(index + 1)]) * size + ids[text.charCodeAt(index + 2)];
  }

  private idOf(code: number): number {
    return this.denseIds ? this.denseIds[code] : (this.sparseIds!.get(code) ?? -1);
  }

  /** Adds one to `counts` of every record for each distinct sequence of `text` it contains. */
  countShared(text: string, counts: Int32Array): void {
    const seen = new Set<number>();
    for (let index = 0; index + 3 <= text.length; index++) {
      const code = this.gramCode(text, index);
      if (seen.has(code)) continue;
      seen.add(code);
      const id = this.idOf(code);
      if (id < 0) continue;
      for (let at = this.offsets[id]; at < this.offsets[id + 1]; at++) counts[this.postings[at]]++;
    }
  }
}

/** Up to 4 MB of sequence ids: an alphabet of up to a hundred characters, as Latin-script corpora have. */
const denseTrigramLimit = 1 << 20;

function grow(array: Int32Array, fill: number): Int32Array {
  const larger = new Int32Array(array.length * 2).fill(fill);
  larger.set(array);
  return larger;
}

function padded(text: string): string {
  return ` ${text} `;
}

/**
 * Whether Fuse.js could match a pattern in a text, decided without running its bitap search. Within its
 * threshold the search allows at most so many edits, and every character of the pattern not edited is
 * matched by an equal character of the text, so a text with fewer of the pattern's characters than that
 * cannot match. Fuse skips an empty field and leaves unmatched fields out of a source's score, so
 * emptying the fields that cannot match changes no result, and saves searching them: a typed key has
 * digits and hyphens that titles and names lack.
 */
function fuzzyFilter(pattern: string, threshold: number): (text: string) => boolean {
  // As Fuse.js does: lower case, and in pieces of 32 characters, one of which must match.
  const lower = pattern.toLowerCase();
  const pieces: string[] = [];
  if (lower.length <= 32) pieces.push(lower);
  else {
    const remainder = lower.length % 32;
    for (let start = 0; start < lower.length - remainder; start += 32) pieces.push(lower.slice(start, start + 32));
    if (remainder) pieces.push(lower.slice(lower.length - 32));
  }
  const budgets = pieces.map((piece) => new CharacterBudget(piece, threshold));
  return (text) => {
    const lowerText = text.toLowerCase();
    return lowerText === lower || budgets.some((budget) => budget.couldMatch(lowerText));
  };
}

/** How many of one piece's characters a text must have for Fuse.js's bitap search to match the piece in it. */
class CharacterBudget {
  /** Per UTF-16 unit, 1 + its place among the piece's distinct characters, or 0. */
  private readonly slots = new Uint8Array(0x10000);
  private readonly counts: number[] = [];
  private readonly remaining: Int32Array;
  private readonly needed: number;

  constructor(piece: string, threshold: number) {
    // Bitap tries 0, 1, 2 … errors while errors / length stays within the threshold.
    let maxErrors = 0;
    while (maxErrors + 1 < piece.length && (maxErrors + 1) / piece.length <= threshold) maxErrors++;
    this.needed = piece.length - maxErrors;
    for (let index = 0; index < piece.length; index++) {
      const code = piece.charCodeAt(index);
      if (this.slots[code] === 0) {
        this.counts.push(0);
        this.slots[code] = this.counts.length;
      }
      this.counts[this.slots[code] - 1]++;
    }
    this.remaining = new Int32Array(this.counts.length);
  }

  /** `text` in lower case. */
  couldMatch(text: string): boolean {
    const { slots, remaining, needed } = this;
    remaining.set(this.counts);
    let found = 0;
    for (let index = 0; index < text.length; index++) {
      const slot = slots[text.charCodeAt(index)];
      if (slot === 0 || remaining[slot - 1] === 0) continue;
      remaining[slot - 1]--;
      if (++found >= needed) return true;
    }
    return false;
  }
}

/**
 * Source lookup for completion and for suggesting the key an author meant, fast at ten thousand
 * sources. Words typed are first matched as prefixes and substrings of key, title, author, publisher
 * and year (every word must match somewhere); when that finds little, as with a typo, Fuse.js ranks the
 * few hundred sources that share the most three-letter sequences with the query.
 *
 * Each field of all records is also one joined string, so finding the sources that contain a word is
 * one native `indexOf` scan per field that skips to the next record at each hit, rather than an
 * `indexOf` per field per record. With one word, fields are read from the heaviest, and reading stops
 * once enough sources score more than the unread fields could give; with several, the longest word
 * finds the candidates and only those are checked for the others.
 */
/** Per field, in the order of `fields`, every source's value as given. */
function rawFields(sources: readonly Source[]): string[][] {
  const raw = fields.map(() => new Array<string>(sources.length));
  const [keys, titles, authors, publishers, years] = raw;
  sources.forEach((source, index) => {
    keys[index] = source.key;
    titles[index] = source.metadata.title ?? '';
    authors[index] = (source.metadata.author ?? []).join('; ');
    publishers[index] = source.metadata.publisher ?? '';
    years[index] = source.metadata.date?.slice(0, 4) ?? '';
  });
  return raw;
}

export class SourceLookup {
  private readonly sources: readonly Source[];
  /** Per field, in the order of `fields`, every record's value as given. */
  private readonly raw: string[][];
  /** Per field, every record's value folded to lower case without diacritics. */
  private readonly columns: FieldColumn[];
  /** Built on first use, like everything below: most lookups never need the trigrams, and a corpus may never be searched. */
  private trigramIndexes?: { all: TrigramIndex; keys: TrigramIndex };
  private keyOrdering?: { byKey: Int32Array; rankOf: Int32Array };
  private scratchSpace?: Scratch;
  private fuzzyCounts?: Int32Array;

  constructor(sources: readonly Source[], built?: { raw: string[][]; columns: FieldColumn[] }) {
    this.sources = [...sources];
    this.raw = built?.raw ?? rawFields(this.sources);
    this.columns = built?.columns ?? this.raw.map((values) => new FieldColumn(values));
  }

  /**
   * The same lookup, its columns built one at a time with `turn()` awaited between them: at 10,000
   * sources the whole takes tens of milliseconds, which the editor's thread should not spend in one go.
   */
  static async inSteps(sources: readonly Source[], turn: () => Promise<void>): Promise<SourceLookup> {
    const raw = rawFields(sources);
    const columns: FieldColumn[] = [];
    for (const values of raw) {
      await turn();
      columns.push(new FieldColumn(values));
    }
    return new SourceLookup(sources, { raw, columns });
  }

  /** What Fuse.js searches for one source. */
  private record(index: number): LookupRecord {
    const [key, title, author, publisher, year] = this.raw.map((values) => values[index]);
    return { key, title, author, publisher, year, source: this.sources[index] };
  }

  private trigramIndex(): { all: TrigramIndex; keys: TrigramIndex } {
    if (!this.trigramIndexes) {
      const [keys, titles, authors, publishers, years] = this.columns;
      const keyTexts = this.sources.map((_, record) => keys.value(record));
      this.trigramIndexes = {
        all: new TrigramIndex(keyTexts.map((key, record) => padded(`${key} ${titles.value(record)} ${authors.value(record)} ${publishers.value(record)} ${years.value(record)}`))),
        keys: new TrigramIndex(keyTexts.map(padded)),
      };
    }
    return this.trigramIndexes;
  }

  /** Records in the order `localeCompare` sorts their keys (ties in corpus order), and each record's place in it. */
  private keyOrder(): { byKey: Int32Array; rankOf: Int32Array } {
    if (!this.keyOrdering) {
      const keys = this.raw[0];
      const byKey = Int32Array.from([...keys.keys()].sort((a, b) => keys[a].localeCompare(keys[b])));
      const rankOf = new Int32Array(byKey.length);
      byKey.forEach((record, rank) => (rankOf[record] = rank));
      this.keyOrdering = { byKey, rankOf };
    }
    return this.keyOrdering;
  }

  private scratch(): Scratch {
    this.scratchSpace ??= new Scratch(this.sources.length);
    return this.scratchSpace;
  }

  /** Sources matching what the author typed, best first; an empty query lists sources by key. */
  find(query: string, limit = 50): SourceMatch[] {
    const terms = fold(query).split(/\s+/).filter(Boolean);
    if (terms.length === 0) {
      return Array.from(this.keyOrder().byKey.slice(0, limit), (record) => ({ source: this.sources[record], score: 0 }));
    }
    const { matches: direct, total } = this.directMatches(terms, limit);
    if (total >= Math.min(limit, 5)) return direct.slice(0, limit);
    const seen = new Set(direct.map((match) => match.source.key));
    const fuzzy = this.fuzzy(terms.join(' '), this.candidates(terms.join(' '), this.trigramIndex().all), limit).filter((match) => !seen.has(match.source.key));
    return [...direct, ...fuzzy].slice(0, limit);
  }

  /** The keys closest to a key that is not in the corpus. */
  closestKeys(key: string, limit = 3): string[] {
    const candidates = this.candidates(fold(key), this.trigramIndex().keys);
    const fuse = new Fuse(
      candidates.map((index) => ({ key: this.raw[0][index] })),
      { includeScore: true, ignoreLocation: true, threshold: 0.6, keys: ['key'] },
    );
    return fuse.search(key, { limit }).map((result) => result.item.key);
  }

  /**
   * Every word must be a prefix (best) or a substring of some field; fields weigh as in fuzzy search.
   * Returns the best `limit` matches (all of them when `limit` is not a whole number) and how many
   * sources match, or, when reading stopped early, a lower bound on that no smaller than `limit`.
   */
  private directMatches(terms: string[], limit: number): { matches: SourceMatch[]; total: number } {
    const wanted = Number.isInteger(limit) && limit >= 0 ? limit : Infinity;
    const scratch = this.scratch();
    try {
      const minimum = terms.length === 1 ? this.scoreOneTerm(terms[0], wanted, scratch) : this.scoreTerms(terms, scratch);
      return this.best(scratch, minimum, wanted);
    } finally {
      scratch.reset();
    }
  }

  /**
   * Scores one word, field by field from the heaviest. Returns the score a source must exceed to be
   * among the results: 0 when every field was read, or else what the unread fields could still give.
   */
  private scoreOneTerm(term: string, wanted: number, scratch: Scratch): number {
    for (let position = 0; position < fieldsByWeight.length; position++) {
      this.scanColumn(fieldsByWeight[position], term, scratch);
      const unread = mostAfter[position];
      if (unread === 0 || wanted === Infinity) continue;
      let certain = 0;
      for (let index = 0; index < scratch.touchedCount; index++) if (scratch.points[scratch.touched[index]] > unread) certain++;
      if (certain >= wanted) return unread;
    }
    return 0;
  }

  /** Scores several words: the longest, likely the rarest, over whole columns, the others only in the sources that contain it. */
  private scoreTerms(terms: string[], scratch: Scratch): number {
    let pivot = 0;
    for (let index = 1; index < terms.length; index++) if (terms[index].length > terms[pivot].length) pivot = index;
    for (const field of fieldsByWeight) this.scanColumn(field, terms[pivot], scratch);
    for (let index = 0; index < scratch.touchedCount; index++) {
      const record = scratch.touched[index];
      let points = 0;
      for (let term = 0; term < terms.length; term++) {
        const best = term === pivot ? scratch.points[record] : termPoints(this.columns, record, terms[term]);
        if (best === 0) {
          points = 0;
          break;
        }
        points += best;
      }
      scratch.points[record] = points;
    }
    return 0;
  }

  /** Raises each record's points to what `term` scores in `field`, judged where the field first contains it. */
  private scanColumn(field: number, term: string, scratch: Scratch): void {
    const { text, starts } = this.columns[field];
    const weight = weightOfField[field];
    const { points, touched } = scratch;
    let record = 0;
    let at = text.indexOf(term);
    while (at >= 0) {
      while (starts[record + 1] <= at) record++;
      const start = starts[record];
      const next = starts[record + 1];
      const value = pointsAt(text, at, at - start, next - start - recordSeparator.length, term.length, weight);
      if (value > points[record]) {
        if (points[record] === 0) touched[scratch.touchedCount++] = record;
        points[record] = value;
      }
      // Only the first occurrence in a record counts: go on from the next record.
      at = next < text.length ? text.indexOf(term, next) : -1;
    }
  }

  /**
   * The `wanted` records with the most points above `minimum`, ties by key, as matches scored against
   * the best; and how many records scored above `minimum`.
   */
  private best(scratch: Scratch, minimum: number, wanted: number): { matches: SourceMatch[]; total: number } {
    const { points, touched, ranks } = scratch;
    const { byKey, rankOf } = this.keyOrder();
    const countOfPoints = new Map<number, number>();
    let total = 0;
    for (let index = 0; index < scratch.touchedCount; index++) {
      const value = points[touched[index]];
      if (value <= minimum) continue;
      total++;
      countOfPoints.set(value, (countOfPoints.get(value) ?? 0) + 1);
    }
    const take = Math.min(wanted, total);
    if (take === 0) return { matches: [], total };
    // The lowest score among the results: every record above it is in, and of those on it, the first by key.
    const values = [...countOfPoints.keys()].sort((a, b) => b - a);
    let cutoff = values[0];
    for (let index = 0, included = 0; index < values.length && included < take; index++) {
      cutoff = values[index];
      included += countOfPoints.get(cutoff)!;
    }
    const above: number[] = [];
    let onCutoff = 0;
    for (let index = 0; index < scratch.touchedCount; index++) {
      const record = touched[index];
      const value = points[record];
      if (value > cutoff) above.push(record);
      else if (value === cutoff) ranks[onCutoff++] = rankOf[record];
    }
    const chosen = above.sort((a, b) => points[b] - points[a] || rankOf[a] - rankOf[b]);
    const onCutoffByKey = ranks.subarray(0, onCutoff).sort();
    for (let index = 0; chosen.length < take; index++) chosen.push(byKey[onCutoffByKey[index]]);
    const top = points[chosen[0]];
    return { matches: chosen.map((record) => ({ source: this.sources[record], score: 1 - points[record] / (top + 1) })), total };
  }

  /** The records sharing the most trigrams with the text, at most `fuzzyCandidates` of them, ties in record order. */
  private candidates(text: string, index: TrigramIndex): number[] {
    this.fuzzyCounts ??= new Int32Array(this.sources.length);
    const counts = this.fuzzyCounts;
    try {
      index.countShared(padded(text), counts);
      const recordsWithCount: number[] = [];
      let highest = 0;
      for (let record = 0; record < counts.length; record++) {
        const count = counts[record];
        if (count === 0) continue;
        recordsWithCount[count] = (recordsWithCount[count] ?? 0) + 1;
        if (count > highest) highest = count;
      }
      // The fewest shared trigrams a candidate has, and how many of the records with just that many fit.
      let lowest = highest;
      for (let taken = 0; lowest > 1; lowest--) {
        taken += recordsWithCount[lowest] ?? 0;
        if (taken >= fuzzyCandidates) break;
      }
      let roomAtLowest = fuzzyCandidates;
      for (let count = highest; count > lowest; count--) roomAtLowest -= recordsWithCount[count] ?? 0;
      const byCount: number[][] = Array.from({ length: highest + 1 }, () => []);
      for (let record = 0; record < counts.length; record++) {
        const count = counts[record];
        if (count > lowest || (count === lowest && count > 0 && roomAtLowest-- > 0)) byCount[count].push(record);
      }
      return byCount.reverse().flat();
    } finally {
      counts.fill(0);
    }
  }

  private fuzzy(query: string, candidates: number[], limit: number): SourceMatch[] {
    const couldMatch = fuzzyFilter(query, fuzzyThreshold);
    const documents = candidates
      .map((index) => this.record(index))
      .filter((document) => {
        let searchable = false;
        for (const field of fields) {
          if (couldMatch(document[field])) searchable = true;
          else document[field] = '';
        }
        return searchable;
      });
    const fuse = new Fuse(documents, fuseOptions);
    return fuse.search(query, { limit }).map((result) => ({ source: result.item.source, score: result.score ?? 1 }));
  }
}
