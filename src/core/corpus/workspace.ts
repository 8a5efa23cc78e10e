import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { checkReport, type CheckResult } from '../checks/checks';
import { compactSegments, CorpusCache, loadCorpus, type Corpus, type LoadOptions } from './corpus';
import { indexDirectoryFor, loadIndex, saveIndex } from '../index/index-store';
import { CorpusSearch } from '../search/search';
import type { Segment } from '../index/segment';
import { corpusId, resolveSettings, type EffectiveSettings, type SettingsSources } from '../settings/settings';
import { SourceLookup } from '../search/source-lookup';

export interface WorkspaceOptions extends SettingsSources {
  loadOptions?: LoadOptions;
  /** Where to keep the corpus index between runs (never inside the corpus); without it, every start reads every source. */
  indexFolder?: string;
  /** Told when the persisted index could not be written; the index then only costs a slower next start. */
  onIndexError?: (error: unknown) => void;
  /**
   * Told when part of the persisted index turned out damaged after a start (a segment file failing its
   * checksums): the documents it held are read again, and the corpus of these folders reloaded.
   */
  onIndexRepaired?: (roots: string[], loaded: LoadedCorpus) => void;
  /**
   * After a start from the persisted index, read the postings whole in the background (a second or
   * so after the load), checking them: what a long-lived process wants; a command-line run does not.
   */
  prefetch?: boolean;
}

export interface LoadedCorpus {
  corpus: Corpus;
  lookup: SourceLookup;
  /** Search over the corpus; postings still on disk are read on first use. */
  search(): CorpusSearch;
  /** The same, with postings read ahead and the search's tables built in slices that leave the event loop free. */
  searchAsync(): Promise<CorpusSearch>;
}

interface CorpusSlot {
  roots: string[];
  /** Set once the persisted index has been read (or found missing). */
  cache?: CorpusCache;
  loading: Promise<LoadedCorpus>;
  /** Saves run one after another, each writing what the cache holds when it starts. */
  saving: Promise<void>;
}

/**
 * The entry point the CLI and the extension share: finds a report's settings, loads (and caches) the
 * corpora they name, and checks reports against them.
 */
export class CitewiseWorkspace {
  private readonly corpora = new Map<string, CorpusSlot>();

  constructor(private readonly options: WorkspaceOptions = {}) {}

  settingsFor(reportPath: string, text: string): Promise<EffectiveSettings> {
    return resolveSettings(this.options, reportPath, text);
  }

  /** Loads the corpus made of these folders once; later calls share the same load. */
  corpus(roots: readonly string[], options: LoadOptions = {}): Promise<LoadedCorpus> {
    const slot = this.corpora.get(corpusId(roots));
    if (slot) return slot.loading;
    return this.load(roots, undefined, options);
  }

  /** The corpus of these folders if it has been loaded (or is loading). */
  loaded(roots: readonly string[]): Promise<LoadedCorpus> | undefined {
    return this.corpora.get(corpusId(roots))?.loading;
  }

  /** Every corpus loaded so far, by its folders. */
  loadedCorpora(): { roots: string[]; loading: Promise<LoadedCorpus> }[] {
    return [...this.corpora.values()].map((slot) => ({ roots: slot.roots, loading: slot.loading }));
  }

  /** Reads the corpus again; documents whose size and modification time are unchanged are not re-read. */
  reload(roots: readonly string[], options: LoadOptions = {}): Promise<LoadedCorpus> {
    const slot = this.corpora.get(corpusId(roots));
    return this.load(roots, slot?.cache, options);
  }

  async search(roots: readonly string[]): Promise<CorpusSearch> {
    return (await this.corpus(roots)).searchAsync();
  }

  /** Forgets loaded corpora and their caches, so the next use reads everything again. */
  invalidate(): void {
    this.corpora.clear();
  }

  async check(reportPath: string, text?: string): Promise<CheckResult & { settings: EffectiveSettings; corpus?: Corpus }> {
    const absolute = path.resolve(reportPath);
    const content = text ?? (await fs.readFile(absolute, 'utf8'));
    const settings = await this.settingsFor(absolute, content);
    const loaded = settings.corpus.length ? await this.corpus(settings.corpus) : undefined;
    const result = checkReport(absolute, content, { corpus: loaded?.corpus, lookup: loaded?.lookup, settings });
    return { ...result, settings, corpus: loaded?.corpus };
  }

  private load(roots: readonly string[], knownCache: CorpusCache | undefined, options: LoadOptions): Promise<LoadedCorpus> {
    const resolved = roots.map((root) => path.resolve(root));
    const indexDirectory = this.options.indexFolder ? indexDirectoryFor(this.options.indexFolder, resolved) : undefined;
    const previous = this.corpora.get(corpusId(roots));
    const slot: CorpusSlot = { roots: resolved, cache: knownCache, loading: Promise.resolve(undefined as never), saving: previous?.saving ?? Promise.resolve() };
    this.corpora.set(corpusId(roots), slot);
    slot.loading = (async () => {
      // A warm start: documents whose files are unchanged come from the persisted index, unread.
      const cache = slot.cache ?? (indexDirectory ? await loadIndex(indexDirectory, resolved) : undefined) ?? new CorpusCache();
      slot.cache = cache;
      let corpus = await loadCorpus(resolved, { ...this.options.loadOptions, ...options, cache });
      // Reloads leave a small segment per changed file; once they pile up they are merged, and the
      // corpus is put together again from the cache (nothing is read) to use the merged segment.
      if (compactSegments(cache)) corpus = await loadCorpus(resolved, { ...this.options.loadOptions, ...options, cache, workers: undefined });
      const unsaved = cache.segments().some((segment) => segment.persistedIn !== indexDirectory);
      if (indexDirectory && (unsaved || cache.lastRead > 0 || cache.lastRemoved > 0)) {
        slot.saving = slot.saving.then(() => saveIndex(indexDirectory, resolved, cache)).catch((error: unknown) => this.options.onIndexError?.(error));
      }
      const loaded = this.loadedCorpus(corpus);
      if (this.options.prefetch) {
        // Later, so the first requests after a start are answered first.
        const timer = setTimeout(() => void this.prefetch(slot, cache), prefetchDelay);
        timer.unref?.();
      }
      return loaded;
    })();
    return slot.loading;
  }

  /**
   * After a start from the persisted index, reads each segment's word table and postings in the
   * background, checking them; search meanwhile reads what a query needs straight from the files. A
   * damaged segment's documents are read again from their sources.
   */
  private async prefetch(slot: CorpusSlot, cache: CorpusCache): Promise<void> {
    const damaged: Segment[] = [];
    for (const segment of cache.segments()) {
      if (segment.hasPostings) continue;
      segment.core();
      await new Promise((resolve) => setImmediate(resolve));
      if (!(await segment.loadPostings()) || segment.damage) damaged.push(segment);
    }
    if (damaged.length) this.repair(slot, cache, damaged);
  }

  private loadedCorpus(corpus: Corpus): LoadedCorpus {
    let search: CorpusSearch | undefined;
    let building: Promise<CorpusSearch> | undefined;
    return {
      corpus,
      lookup: new SourceLookup(corpus.sources),
      search: () => (search ??= new CorpusSearch(corpus)),
      searchAsync: () => (search ? Promise.resolve(search) : (building ??= CorpusSearch.create(corpus).then((built) => (search ??= built)))),
    };
  }

  /** Forgets the documents of damaged segments, so they are read again, and reloads the corpus. */
  private repair(slot: CorpusSlot, cache: CorpusCache, damaged: Segment[]): void {
    const lost = new Set(damaged);
    for (const [file, cached] of cache.documents) if (cached.loaded && lost.has(cached.loaded.entry.segment)) cache.documents.delete(file);
    if (this.corpora.get(corpusId(slot.roots)) !== slot) return;
    void this.reload(slot.roots).then(
      (loaded) => this.options.onIndexRepaired?.(slot.roots, loaded),
      (error: unknown) => this.options.onIndexError?.(error),
    );
  }

  /** Resolves once the index saves started so far have finished (for tests and for a clean shutdown). */
  async settled(): Promise<void> {
    for (const slot of [...this.corpora.values()]) await slot.saving;
  }
}

const prefetchDelay = 1000;
