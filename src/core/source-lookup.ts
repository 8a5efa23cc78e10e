import Fuse, { type IFuseOptions } from 'fuse.js';
import type { Source } from './source';

/** What fuzzy lookup searches: the fields an author remembers a source by. */
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

const lookupOptions: IFuseOptions<LookupRecord> = {
  includeScore: true,
  ignoreLocation: true,
  threshold: 0.4,
  keys: [
    { name: 'key', weight: 3 },
    { name: 'title', weight: 2 },
    { name: 'author', weight: 1.5 },
    { name: 'publisher', weight: 1.5 },
    { name: 'year', weight: 1 },
  ],
};

/**
 * Fuzzy lookup of sources by key, title, author, publisher and year, for completion and for
 * suggesting the key an author meant. Built once per corpus; a lookup does not touch source texts.
 */
export class SourceLookup {
  private readonly fuse: Fuse<LookupRecord>;
  private readonly keyFuse: Fuse<{ key: string }>;
  private readonly sources: readonly Source[];

  constructor(sources: readonly Source[]) {
    this.sources = sources;
    const records = sources.map((source) => ({
      key: source.key,
      title: source.metadata.title ?? '',
      author: (source.metadata.author ?? []).join('; '),
      publisher: source.metadata.publisher ?? '',
      year: source.metadata.date?.slice(0, 4) ?? '',
      source,
    }));
    this.fuse = new Fuse(records, lookupOptions);
    this.keyFuse = new Fuse(
      sources.map((source) => ({ key: source.key })),
      { includeScore: true, ignoreLocation: true, threshold: 0.6, keys: ['key'] },
    );
  }

  /** Sources matching what the author typed, best first; an empty query lists sources by key. */
  find(query: string, limit = 50): SourceMatch[] {
    const trimmed = query.trim();
    if (!trimmed) {
      return [...this.sources]
        .sort((a, b) => a.key.localeCompare(b.key))
        .slice(0, limit)
        .map((source) => ({ source, score: 0 }));
    }
    // Words in any order: "asylos 2023" finds a source whose publisher is Asylos and year 2023.
    const terms = trimmed.split(/\s+/);
    const expression = terms.length > 1
      ? { $and: terms.map((term) => ({ $or: lookupOptions.keys!.map((key) => ({ [(key as { name: string }).name]: term })) })) }
      : trimmed;
    return this.fuse.search(expression, { limit }).map((result) => ({ source: result.item.source, score: result.score ?? 1 }));
  }

  /** The keys closest to a key that is not in the corpus. */
  closestKeys(key: string, limit = 3): string[] {
    return this.keyFuse.search(key, { limit }).map((result) => result.item.key);
  }
}
