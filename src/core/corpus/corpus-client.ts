import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadProgress } from './corpus';
import type { HostMessage, HostOptions, HostRequest, LoadedSummary, PostedCheck } from './corpus-host';
import type { CheckedAt, CheckSummary, CorpusService, CorpusSummary, FoundQuote } from './corpus-service';
import type { Position } from '../report/line-index';
import type { SearchHit, SearchOptions } from '../search/search';
import { corpusId, resolveSettings, type EffectiveSettings, type SettingsSources } from '../settings/settings';
import type { CorpusProblem, Source } from './source';
import { SourceLookup } from '../search/source-lookup';

/**
 * The editor's side of the corpus worker: sends requests, gathers answers, and keeps of each corpus
 * only its sources' metadata (for completion, hovers and views, which answer at once). If the worker
 * dies it is started again on the next request, and whoever listens is told the corpora are gone.
 */

interface ClientOptions extends HostOptions {
  /** The compiled `corpus-worker.js`. */
  workerFile: string;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (progress: LoadProgress) => void;
}

/** Sources fetched per request: a slice's message is read in one go, and should take the reader a few milliseconds. */
const sourcesPerSlice = 500;

export class CorpusClient {
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private disposed = false;
  private readonly changeListeners = new Set<(summary: LoadedSummary) => void>();
  private readonly lossListeners = new Set<(reason: string) => void>();
  private readonly errorListeners = new Set<(message: string) => void>();

  constructor(private readonly options: ClientOptions) {}

  /** A corpus changed in the worker on its own (its index was repaired). */
  onDidChangeCorpus(listener: (summary: LoadedSummary) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** The worker stopped, and every corpus with it; they are loaded again when next asked for. */
  onDidLoseCorpora(listener: (reason: string) => void): () => void {
    this.lossListeners.add(listener);
    return () => this.lossListeners.delete(listener);
  }

  /** The persisted index could not be written (the next start is then slower, nothing else). */
  onIndexError(listener: (message: string) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  ask<T>(request: HostRequest, onProgress?: (progress: LoadProgress) => void): Promise<T> {
    if (this.disposed) return Promise.reject(new Error('The Citewise corpus worker has been shut down.'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    // While an answer is awaited the worker keeps the process alive; idle, it does not (a command-line run ends).
    if (this.pending.size === 0) worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject, onProgress });
      worker.postMessage({ id, request });
    });
  }

  /** A check made in the worker: its findings came with the answer; what it found at an offset is asked for. */
  async check(request: Extract<HostRequest, { op: 'check' }>): Promise<CheckSummary> {
    return this.summaryOf(await this.ask<PostedCheck>(request));
  }

  /** A provisional check made in the worker (see `RemoteWorkspace.checkCited`), received as `check`'s. */
  async checkCited(request: Extract<HostRequest, { op: 'checkCited' }>): Promise<CheckSummary | undefined> {
    const posted = await this.ask<PostedCheck | undefined>(request);
    return posted && this.summaryOf(posted);
  }

  private summaryOf(posted: PostedCheck): CheckSummary {
    return { findings: posted.findings, at: (offset) => this.ask<CheckedAt>({ op: 'checkedAt', check: posted.check, offset }) };
  }

  /** The sources of a load, fetched a slice at a time, each slice in a task of its own. */
  async sources(summary: LoadedSummary): Promise<Source[]> {
    const sources: Source[] = [];
    for (let from = 0; from < summary.sourceCount; from += sourcesPerSlice) {
      const slice = await this.ask<Source[]>({ op: 'sources', fingerprint: summary.fingerprint, from, to: from + sourcesPerSlice });
      for (const source of slice) sources.push(source);
    }
    return sources;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const { workerFile, ...hostOptions } = this.options;
    const worker = new Worker(workerFile, { workerData: hostOptions });
    worker.on('message', (message: HostMessage) => this.receive(message));
    worker.on('error', (error) => this.lose(worker, `the corpus worker failed: ${error.message}`));
    worker.on('exit', (code) => this.lose(worker, `the corpus worker stopped (exit code ${code})`));
    // An idle worker must not keep a command-line process alive.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private receive(message: HostMessage): void {
    switch (message.type) {
      case 'progress':
        this.pending.get(message.id)?.onProgress?.(message.progress);
        return;
      case 'changed':
        for (const listener of this.changeListeners) listener(message.summary);
        return;
      case 'indexError':
        for (const listener of this.errorListeners) listener(message.message);
        return;
      case 'result':
      case 'error': {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (this.pending.size === 0) this.worker?.unref();
        if (message.type === 'result') pending.resolve(message.value);
        else pending.reject(new Error(message.message));
        return;
      }
    }
  }

  private lose(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const request of pending) request.reject(new Error(`Citewise: ${reason}.`));
    if (!this.disposed) for (const listener of this.lossListeners) listener(reason);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    for (const request of this.pending.values()) request.reject(new Error('The Citewise corpus worker has been shut down.'));
    this.pending.clear();
    await worker?.terminate();
  }
}

/** A corpus held by the worker: its sources here, everything else asked for. */
export class RemoteCorpus implements CorpusService {
  readonly corpus: CorpusSummary;
  readonly lookup: SourceLookup;
  readonly fingerprint: string;

  constructor(
    private readonly client: CorpusClient,
    summary: LoadedSummary,
    /** The sources, or a corpus with the same sources to take them (and their lookup) from. */
    sources: readonly Source[] | RemoteCorpus,
    /** The lookup of `sources`, when it was built beforehand. */
    lookup?: SourceLookup,
  ) {
    this.fingerprint = summary.fingerprint;
    if (sources instanceof RemoteCorpus) {
      this.corpus = new SourceList(summary.roots, sources.corpus.sources, summary.problems);
      this.lookup = sources.lookup;
    } else {
      this.corpus = new SourceList(summary.roots, sources, summary.problems);
      this.lookup = lookup ?? new SourceLookup(sources);
    }
  }

  private get roots(): string[] {
    return [...this.corpus.roots];
  }

  check(file: string, text: string, settings: EffectiveSettings): Promise<CheckSummary> {
    return this.client.check({ op: 'check', roots: this.roots, file, text, settings });
  }

  search(query: string, options?: SearchOptions): Promise<SearchHit[]> {
    return this.client.ask({ op: 'search', roots: this.roots, query, options });
  }

  findQuote(quote: string, limit?: number): Promise<FoundQuote[]> {
    return this.client.ask({ op: 'findQuote', roots: this.roots, quote, limit });
  }

  text(key: string, from?: number, to?: number): Promise<string | undefined> {
    return this.client.ask({ op: 'text', roots: this.roots, key, from, to });
  }

  positions(key: string, offsets: number[]): Promise<Position[] | undefined> {
    return this.client.ask({ op: 'positions', roots: this.roots, key, offsets });
  }

  opening(key: string, characters?: number): Promise<string | undefined> {
    return this.client.ask({ op: 'opening', roots: this.roots, key, characters });
  }
}

/** The sources of a corpus, by key. */
class SourceList implements CorpusSummary {
  private readonly byKey = new Map<string, Source>();

  constructor(
    readonly roots: readonly string[],
    readonly sources: readonly Source[],
    readonly problems: readonly CorpusProblem[],
  ) {
    for (const source of sources) this.byKey.set(source.key, source);
  }

  get(key: string): Source | undefined {
    return this.byKey.get(key);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }
}

/**
 * What an editor works with for one workspace folder: report settings (read here, from the folder's
 * files and the editor's settings) and corpora (held by the worker). Corpora of the same folders are
 * shared by every folder that names them.
 */
export class RemoteWorkspace {
  private readonly corpora = new Map<string, { roots: string[]; loading: Promise<RemoteCorpus> }>();
  /** Folders whose corpus has finished loading at least once since the worker started. */
  private readonly ready = new Set<string>();
  /** The last corpus received for each set of folders, whose sources a reload with the same fingerprint reuses. */
  private readonly received = new Map<string, RemoteCorpus>();

  constructor(
    private readonly client: CorpusClient,
    private readonly sources: SettingsSources = {},
  ) {
    client.onDidChangeCorpus((summary) => {
      const id = corpusId(summary.roots);
      if (this.corpora.has(id)) this.corpora.set(id, { roots: summary.roots, loading: this.receive(summary) });
    });
    client.onDidLoseCorpora(() => {
      this.corpora.clear();
      this.ready.clear();
      this.received.clear();
    });
  }

  settingsFor(reportPath: string, text: string): Promise<EffectiveSettings> {
    return resolveSettings(this.sources, reportPath, text);
  }

  /** Loads the corpus of these folders once; later calls share the same load. */
  corpus(roots: readonly string[], options: { onProgress?: (progress: LoadProgress) => void } = {}): Promise<RemoteCorpus> {
    const id = corpusId(roots);
    const known = this.corpora.get(id);
    if (known) return known.loading;
    return this.load('load', roots, options);
  }

  loaded(roots: readonly string[]): Promise<RemoteCorpus> | undefined {
    return this.corpora.get(corpusId(roots))?.loading;
  }

  loadedCorpora(): { roots: string[]; loading: Promise<RemoteCorpus> }[] {
    return [...this.corpora.values()];
  }

  /** Reads the corpus again; documents whose size and modification time are unchanged are not re-read. */
  reload(roots: readonly string[], options: { onProgress?: (progress: LoadProgress) => void } = {}): Promise<RemoteCorpus> {
    return this.load('reload', roots, options);
  }

  /** Whether the corpus of these folders has finished loading (a reload since then does not count). */
  isReady(roots: readonly string[]): boolean {
    return this.ready.has(corpusId(roots.map((root) => path.resolve(root))));
  }

  /**
   * Before the corpus of `settings` has loaded, a check against the sources the report cites, without
   * the findings that wait for every source (see `CitewiseWorkspace.checkCited`); undefined once it has.
   */
  checkCited(file: string, text: string, settings: EffectiveSettings): Promise<CheckSummary | undefined> {
    return this.client.checkCited({ op: 'checkCited', roots: settings.corpus.map((root) => path.resolve(root)), file, text, settings });
  }

  /** Forgets every corpus (the worker's too), so the next use reads everything again. */
  async invalidate(): Promise<void> {
    this.corpora.clear();
    this.ready.clear();
    await this.client.ask({ op: 'forget' });
  }

  /** Checks a report with no corpus (its settings problems and uncited claims), in the worker all the same. */
  checkWithoutCorpus(file: string, text: string, settings: EffectiveSettings): Promise<CheckSummary> {
    return this.client.check({ op: 'check', roots: [], file, text, settings });
  }

  private load(op: 'load' | 'reload', roots: readonly string[], options: { onProgress?: (progress: LoadProgress) => void }): Promise<RemoteCorpus> {
    const resolved = roots.map((root) => path.resolve(root));
    const id = corpusId(resolved);
    const loading = this.client.ask<LoadedSummary>({ op, roots: resolved }, options.onProgress).then((summary) => this.receive(summary));
    this.corpora.set(id, { roots: resolved, loading });
    loading.then(() => this.ready.add(id), () => undefined);
    // A failed load is not remembered: the next request tries again.
    loading.catch(() => {
      if (this.corpora.get(id)?.loading === loading) this.corpora.delete(id);
    });
    return loading;
  }

  /** A loaded corpus's sources: the ones already here when unchanged, else fetched. */
  private async receive(summary: LoadedSummary): Promise<RemoteCorpus> {
    const id = corpusId(summary.roots);
    const previous = this.received.get(id);
    let corpus: RemoteCorpus;
    if (previous && previous.fingerprint === summary.fingerprint) {
      corpus = new RemoteCorpus(this.client, summary, previous);
    } else {
      const sources = await this.client.sources(summary);
      // The lookup's tables are built a column per task, after the last slice was read.
      const lookup = await SourceLookup.inSteps(sources, () => new Promise((resolve) => setImmediate(resolve)));
      corpus = new RemoteCorpus(this.client, summary, sources, lookup);
    }
    this.received.set(id, corpus);
    return corpus;
  }
}
