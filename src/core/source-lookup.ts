import Fuse, { type IFuseOptions } from 'fuse.js';
import type { Source } from './source';

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

const fuseOptions: IFuseOptions<LookupRecord> = {
  includeScore: true,
  ignoreLocation: true,
  threshold: 0.4,
  keys: fields.map((name) => ({ name, weight: fieldWeights[name] })),
};

/** Fuzzy matching looks at no more candidates than this, whatever the size of the corpus. */
const fuzzyCandidates = 400;

function fold(text: string): string {
  // Most fields are plain ASCII; Unicode normalisation is only for those that are not.
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

function trigrams(text: string): Set<string> {
  const grams = new Set<string>();
  const padded = ` ${text} `;
  for (let index = 0; index + 3 <= padded.length; index++) grams.add(padded.slice(index, index + 3));
  return grams;
}

/**
 * Source lookup for completion and for suggesting the key an author meant, fast at ten thousand
 * sources. Words typed are first matched as prefixes and substrings of key, title, author, publisher
 * and year (every word must match somewhere); when that finds little, as with a typo, Fuse.js ranks the
 * few hundred sources that share the most three-letter sequences with the query.
 */
export class SourceLookup {
  private readonly records: LookupRecord[];
  /** Per record, its fields folded to lower case without diacritics, in the order of `fields`. */
  private readonly haystacks: string[][];
  /** Built on the first fuzzy lookup: most lookups never need them, and they cost a pass over every field. */
  private trigramIndexes?: { all: Map<string, number[]>; keys: Map<string, number[]> };

  constructor(sources: readonly Source[]) {
    this.records = sources.map((source) => ({
      key: source.key,
      title: source.metadata.title ?? '',
      author: (source.metadata.author ?? []).join('; '),
      publisher: source.metadata.publisher ?? '',
      year: source.metadata.date?.slice(0, 4) ?? '',
      source,
    }));
    this.haystacks = this.records.map((record) => fields.map((field) => fold(record[field])));
  }

  private trigramIndex(): { all: Map<string, number[]>; keys: Map<string, number[]> } {
    if (!this.trigramIndexes) {
      const all = new Map<string, number[]>();
      const keys = new Map<string, number[]>();
      this.haystacks.forEach((haystack, index) => {
        for (const gram of trigrams(haystack.join(' '))) push(all, gram, index);
        for (const gram of trigrams(haystack[0])) push(keys, gram, index);
      });
      this.trigramIndexes = { all, keys };
    }
    return this.trigramIndexes;
  }

  /** Sources matching what the author typed, best first; an empty query lists sources by key. */
  find(query: string, limit = 50): SourceMatch[] {
    const terms = fold(query).split(/\s+/).filter(Boolean);
    if (terms.length === 0) {
      return [...this.records]
        .sort((a, b) => a.key.localeCompare(b.key))
        .slice(0, limit)
        .map((record) => ({ source: record.source, score: 0 }));
    }
    const direct = this.directMatches(terms);
    if (direct.length >= Math.min(limit, 5)) return direct.slice(0, limit);
    const seen = new Set(direct.map((match) => match.source.key));
    const fuzzy = this.fuzzy(terms.join(' '), this.candidates(terms.join(' '), this.trigramIndex().all), limit).filter((match) => !seen.has(match.source.key));
    return [...direct, ...fuzzy].slice(0, limit);
  }

  /** The keys closest to a key that is not in the corpus. */
  closestKeys(key: string, limit = 3): string[] {
    const candidates = this.candidates(fold(key), this.trigramIndex().keys);
    const fuse = new Fuse(
      candidates.map((index) => ({ key: this.records[index].key })),
      { includeScore: true, ignoreLocation: true, threshold: 0.6, keys: ['key'] },
    );
    return fuse.search(key, { limit }).map((result) => result.item.key);
  }

  /** Every word must be a prefix (best) or a substring of some field; fields weigh as in fuzzy search. */
  private directMatches(terms: string[]): SourceMatch[] {
    const scored: { index: number; points: number }[] = [];
    for (let index = 0; index < this.haystacks.length; index++) {
      const haystack = this.haystacks[index];
      let points = 0;
      let all = true;
      for (const term of terms) {
        let best = 0;
        for (let field = 0; field < fields.length; field++) {
          const text = haystack[field];
          const at = text.indexOf(term);
          if (at < 0) continue;
          const weight = fieldWeights[fields[field]];
          const startsWord = at === 0 || !/[\p{L}\p{N}]/u.test(text[at - 1]);
          const whole = text.length === term.length;
          best = Math.max(best, weight * (whole ? 4 : startsWord ? 3 : 1));
        }
        if (best === 0) {
          all = false;
          break;
        }
        points += best;
      }
      if (all) scored.push({ index, points });
    }
    scored.sort((a, b) => b.points - a.points || this.records[a.index].key.localeCompare(this.records[b.index].key));
    const top = scored.length ? scored[0].points : 1;
    return scored.map(({ index, points }) => ({ source: this.records[index].source, score: 1 - points / (top + 1) }));
  }

  /** The records sharing the most trigrams with the text, at most `fuzzyCandidates` of them. */
  private candidates(text: string, index: Map<string, number[]>): number[] {
    const counts = new Map<number, number>();
    for (const gram of trigrams(text)) {
      for (const record of index.get(gram) ?? []) counts.set(record, (counts.get(record) ?? 0) + 1);
    }
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, fuzzyCandidates)
      .map(([record]) => record);
  }

  private fuzzy(query: string, candidates: number[], limit: number): SourceMatch[] {
    const fuse = new Fuse(
      candidates.map((index) => this.records[index]),
      fuseOptions,
    );
    return fuse.search(query, { limit }).map((result) => ({ source: result.item.source, score: result.score ?? 1 }));
  }
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== value) list.push(value);
  } else {
    map.set(key, [value]);
  }
}
