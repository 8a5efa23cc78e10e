import { promises as fs } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { checkReport, type CheckResult } from '../checks/checks';
import { withoutReferenceFindings } from '../checks/provisional';
import { loadCitedCorpus, type CitedLoadDepth } from './cited-corpus';
import { compactSegments, CorpusCache, loadCorpus, type Corpus, type LoadOptions } from './corpus';
import { analyzeReport } from '../report/report';
import { ReferenceResolver } from '../report/reference-resolution';
import type { FreeTextReference } from '../report/references';
import type { Source } from './source';
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
  /**
   * When a report is checked and its corpus has neither been loaded nor been saved as an index (a cold
   * start), read its metadata and only the cited sources' text (`loadCitedCorpus` at depth 'complete')
   * instead of indexing the whole corpus: the same findings, for a one-off run such as CI's.
   */
  checkWithoutIndex?: boolean;
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
  /** Set once the load has finished. */
  ready?: LoadedCorpus;
}

/** A corpus read for the sources some reports cite (`loadCitedCorpus`), and the keys it holds the text of. */
interface CitedSlot {
  id: string;
  depth: CitedLoadDepth;
  keys: ReadonlySet<string>;
  corpus: Promise<Corpus>;
}

/**
 * The entry point the CLI and the extension share: finds a report's settings, loads (and caches) the
 * corpora they name, and checks reports against them.
 */
export class CitewiseWorkspace {
  private readonly corpora = new Map<string, CorpusSlot>();
  /** The last cited corpus read: reports checked one after another mostly cite the same sources. */
  private cited?: CitedSlot;

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

  /** The corpus of these folders once its load has finished. */
  ready(roots: readonly string[]): LoadedCorpus | undefined {
    return this.corpora.get(corpusId(roots))?.ready;
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
    let loading = settings.corpus.length ? this.loaded(settings.corpus) : undefined;
    if (this.options.checkWithoutIndex && settings.corpus.length && !loading) {
      const saved = await this.savedIndex(settings.corpus);
      if (!saved) return { ...(await this.checkCited(absolute, content, settings, 'complete')), settings };
      loading = this.load(settings.corpus, saved, {});
    }
    const loaded = settings.corpus.length ? await (loading ?? this.corpus(settings.corpus)) : undefined;
    const result = checkReport(absolute, content, { corpus: loaded?.corpus, lookup: loaded?.lookup, settings });
    return { ...result, settings, corpus: loaded?.corpus };
  }

  /**
   * Checks a report against a corpus read for the sources it cites (`loadCitedCorpus`), not the whole
   * index. At depth 'complete' the findings are the full check's; at depth 'keys' (while a full load runs)
   * the findings that rest on every source's metadata are left out (`withoutReferenceFindings`), and
   * what is left is the full check's too. Undefined corpus: the report names none.
   */
  async checkCited(reportPath: string, text: string, settings: EffectiveSettings, depth: CitedLoadDepth): Promise<CheckResult & { corpus?: Corpus }> {
    if (settings.corpus.length === 0) return checkReport(reportPath, text, { settings });
    const corpus = await this.citedCorpus(settings.corpus, text, depth);
    const result = checkReport(reportPath, text, { corpus, settings });
    return { ...(depth === 'keys' ? withoutReferenceFindings(result, text) : result), corpus };
  }

  private citedCorpus(roots: readonly string[], text: string, depth: CitedLoadDepth): Promise<Corpus> {
    const resolved = roots.map((root) => path.resolve(root));
    const report = analyzeReport(text);
    const citedKeys = report.citations.flatMap((group) => group.items.map((item) => item.key));
    const known = this.cited;
    if (known && known.id === corpusId(resolved) && known.depth === depth && citedKeys.every((key) => known.keys.has(key)) && (depth === 'keys' || report.references.length === 0)) {
      return known.corpus;
    }
    // Keys read before are kept: a report checked again after an edit often cites what it cited before.
    const wanted = new Set([...(known && known.id === corpusId(resolved) && known.depth === depth ? known.keys : []), ...citedKeys]);
    const keys = new Set<string>();
    const references = report.references.flatMap((span) => span.entries);
    const corpus = loadCitedCorpus(resolved, (sources) => {
      for (const key of wanted) keys.add(key);
      // With the metadata of every source they could resolve to at hand, free-text references are resolved as the check will resolve them.
      if (depth === 'complete') for (const key of referencedKeys(references, sources)) keys.add(key);
      return keys;
    }, {
      depth,
      extract: this.options.loadOptions?.extract,
      workers: draftWorkers(this.options.loadOptions?.workers),
      consulted: references.length ? (sources) => possibleReferenceCandidates(references, sources) : undefined,
    });
    const slot: CitedSlot = { id: corpusId(resolved), depth, keys, corpus };
    this.cited = slot;
    corpus.catch(() => {
      if (this.cited === slot) this.cited = undefined;
    });
    return corpus;
  }

  private async savedIndex(roots: readonly string[]): Promise<CorpusCache | undefined> {
    if (!this.options.indexFolder) return undefined;
    const resolved = roots.map((root) => path.resolve(root));
    return loadIndex(indexDirectoryFor(this.options.indexFolder, resolved), resolved);
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
      slot.ready = loaded;
      if (this.cited?.id === corpusId(resolved)) this.cited = undefined;
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

/** The sources free-text references resolve to, as a check resolves them against these sources. */
function referencedKeys(references: readonly FreeTextReference[], sources: readonly Source[]): string[] {
  if (references.length === 0) return [];
  const resolver = new ReferenceResolver(sources);
  return references.flatMap((reference) => resolver.resolve(reference).key ?? []);
}

/** The sources free-text references could resolve to or name as candidates, whatever the sources' dates. */
function possibleReferenceCandidates(references: readonly FreeTextReference[], sources: readonly Source[]): string[] {
  const resolver = new ReferenceResolver(sources);
  return references.flatMap((reference) => resolver.possibleCandidates(reference));
}

/**
 * The workers a cited load reads drafts with: one per core but the one this thread reads on. Reading
 * drafts is inference, work for the processor, where indexing (capped for the disk's sake) mostly waits to read.
 */
function draftWorkers(workers: LoadOptions['workers']): LoadOptions['workers'] {
  return workers && { ...workers, count: Math.max(1, availableParallelism() - 1) };
}
