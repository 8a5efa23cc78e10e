import { getHeapStatistics } from 'node:v8';
import type { LoadProgress } from './corpus';
import { checkWithoutCorpus, localCorpusService, summarizeCheck, type CheckSummary, type CorpusService } from './corpus-service';
import type { SearchOptions } from '../search/search';
import type { EffectiveSettings } from '../settings/settings';
import type { CorpusProblem, Source } from './source';
import { CitewiseWorkspace, type LoadedCorpus } from './workspace';

/**
 * The other side of `CorpusClient`: runs in a worker thread, owns the corpora and their index, and
 * answers the editor's requests. Loading, indexing, checking and searching all happen here, so the
 * thread that serves the editor only ever waits for messages.
 */

export interface HostOptions {
  /** Where the persisted index lives (the extension's storage). */
  indexFolder?: string;
  /** The compiled index worker, for reading and indexing documents on every core. */
  indexWorkerFile?: string;
  indexWorkers?: number;
  extractionCacheFolder?: string;
}

export type HostRequest =
  | { op: 'load'; roots: string[] }
  | { op: 'reload'; roots: string[] }
  | { op: 'forget' }
  | { op: 'check'; roots: string[]; file: string; text: string; settings: EffectiveSettings }
  | { op: 'checkCited'; roots: string[]; file: string; text: string; settings: EffectiveSettings }
  | { op: 'search'; roots: string[]; query: string; options?: SearchOptions }
  | { op: 'findQuote'; roots: string[]; quote: string; limit?: number }
  | { op: 'text'; roots: string[]; key: string; from?: number; to?: number }
  | { op: 'positions'; roots: string[]; key: string; offsets: number[] }
  | { op: 'opening'; roots: string[]; key: string; characters?: number }
  | { op: 'sources'; fingerprint: string; from: number; to: number }
  /** What the check answered by request `check` found at an offset (see `PostedCheck`). */
  | { op: 'checkedAt'; check: number; offset: number }
  | { op: 'memory' }
  | { op: 'settled' };

/**
 * What a load answers. The sources themselves are fetched in slices (`sources`), each answered in a
 * message of its own, so that reading them never holds the receiving thread for long; a receiver that
 * already holds sources with the same fingerprint fetches nothing.
 */
export interface LoadedSummary {
  roots: string[];
  problems: CorpusProblem[];
  sourceCount: number;
  /** Changes whenever any source's metadata does. */
  fingerprint: string;
}

export type HostMessage =
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string }
  | { type: 'progress'; id: number; progress: LoadProgress }
  /** A corpus changed without being asked (a damaged index was repaired). */
  | { type: 'changed'; summary: LoadedSummary }
  | { type: 'indexError'; message: string };

type Post = (message: HostMessage) => void;

/**
 * A check as it crosses to the editor's thread: its findings, and the id of the request that made it, by
 * which the editor asks what the check found at an offset (`checkedAt`); the rest stays in the worker.
 */
export interface PostedCheck {
  findings: CheckSummary['findings'];
  check: number;
}

/** Checks kept for `checkedAt`: a report's latest two (one may be answering a hover while the next is made), of this many in all. */
const keptChecks = 16;
const keptChecksPerFile = 2;

/** Whether two loads gave the same sources with the same metadata, in the same order. */
function sameSources(before: readonly Source[], after: readonly Source[]): boolean {
  if (before.length !== after.length) return false;
  for (let index = 0; index < before.length; index++) {
    if (before[index] !== after[index] && JSON.stringify(before[index]) !== JSON.stringify(after[index])) return false;
  }
  return true;
}

const progressInterval = 100;
/** How many loads' sources are kept for receivers still fetching them. */
const keptSnapshots = 4;

export class CorpusHost {
  private readonly workspace: CitewiseWorkspace;
  private readonly services = new WeakMap<LoadedCorpus, CorpusService>();
  private readonly fingerprints = new WeakMap<LoadedCorpus, string>();
  private readonly lastLoads = new Map<string, { loaded: LoadedCorpus; fingerprint: string }>();
  private loadCount = 0;
  /** Sources by fingerprint, most recent last, for `sources` requests. */
  private readonly snapshots = new Map<string, readonly Source[]>();
  /** Recent checks by the id of the request that made them, oldest first. */
  private readonly checks = new Map<number, { file: string; summary: CheckSummary }>();

  constructor(
    options: HostOptions,
    private readonly post: Post,
  ) {
    this.workspace = new CitewiseWorkspace({
      indexFolder: options.indexFolder,
      prefetch: true,
      loadOptions:
        options.indexWorkerFile && (options.indexWorkers ?? 0) > 0
          ? { workers: { file: options.indexWorkerFile, count: options.indexWorkers!, extractionCacheFolder: options.extractionCacheFolder } }
          : {},
      onIndexError: (error) => this.post({ type: 'indexError', message: error instanceof Error ? error.message : String(error) }),
      onIndexRepaired: (_roots, loaded) => this.post({ type: 'changed', summary: this.summaryOf(loaded) }),
    });
  }

  async handle(id: number, request: HostRequest): Promise<void> {
    try {
      this.post({ type: 'result', id, value: await this.answer(id, request) });
    } catch (error) {
      this.post({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });
    }
  }

  private async answer(id: number, request: HostRequest): Promise<unknown> {
    switch (request.op) {
      case 'load':
      case 'reload': {
        let last = 0;
        const onProgress = (progress: LoadProgress) => {
          const now = Date.now();
          if (now - last < progressInterval && progress.done < progress.total) return;
          last = now;
          this.post({ type: 'progress', id, progress });
        };
        const loaded = request.op === 'load' ? await this.workspace.corpus(request.roots, { onProgress }) : await this.workspace.reload(request.roots, { onProgress });
        return this.summaryOf(loaded);
      }
      case 'forget':
        this.workspace.invalidate();
        this.lastLoads.clear();
        return undefined;
      case 'check':
        if (request.roots.length === 0) return this.keep(id, request.file, checkWithoutCorpus(request.file, request.text, request.settings));
        return this.keep(id, request.file, await (await this.service(request.roots)).check(request.file, request.text, request.settings));
      case 'checkCited':
        // Once the corpus is loaded, the full check answers (undefined tells the client to ask for it).
        if (this.workspace.ready(request.roots)) return undefined;
        return this.keep(id, request.file, summarizeCheck(await this.workspace.checkCited(request.file, request.text, request.settings, 'keys')));
      case 'checkedAt':
        // A check no longer kept was overtaken by two newer ones of its report: nothing is shown for it.
        return (await this.checks.get(request.check)?.summary.at(request.offset)) ?? {};
      case 'search':
        return (await this.service(request.roots)).search(request.query, request.options);
      case 'findQuote':
        return (await this.service(request.roots)).findQuote(request.quote, request.limit);
      case 'text':
        return (await this.service(request.roots)).text(request.key, request.from, request.to);
      case 'positions':
        return (await this.service(request.roots)).positions(request.key, request.offsets);
      case 'opening':
        return (await this.service(request.roots)).opening(request.key, request.characters);
      case 'sources': {
        const sources = this.snapshots.get(request.fingerprint);
        if (!sources) throw new Error('Those sources are no longer kept: load the corpus again.');
        return sources.slice(request.from, request.to);
      }
      case 'memory': {
        // The benchmark runs with --expose-gc; memory is then measured without garbage.
        (globalThis as { gc?: () => void }).gc?.();
        const usage = process.memoryUsage();
        const heap = getHeapStatistics();
        return { heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers, heapLimit: heap.heap_size_limit };
      }
      case 'settled':
        await this.workspace.settled();
        return undefined;
      default:
        throw new Error(`Unknown request ${JSON.stringify((request as { op?: unknown }).op)}.`);
    }
  }

  /** Keeps a check for `checkedAt`, dropping its report's older ones and, past `keptChecks`, the oldest. */
  private keep(id: number, file: string, summary: CheckSummary): PostedCheck {
    let ofFile = 0;
    for (const [kept, check] of [...this.checks].reverse()) {
      if (check.file === file && ++ofFile >= keptChecksPerFile) this.checks.delete(kept);
    }
    this.checks.set(id, { file, summary });
    while (this.checks.size > keptChecks) this.checks.delete(this.checks.keys().next().value as number);
    return { findings: summary.findings, check: id };
  }

  private async service(roots: string[]): Promise<CorpusService> {
    const loaded = await this.workspace.corpus(roots);
    let service = this.services.get(loaded);
    if (!service) {
      service = localCorpusService(loaded);
      this.services.set(loaded, service);
    }
    return service;
  }

  /**
   * A load's summary, with a fingerprint that stays the same when a reload left every source's metadata
   * as it was (the receiver then fetches nothing). A first load only needs a fingerprint no other load has.
   */
  private summaryOf(loaded: LoadedCorpus): LoadedSummary {
    const id = loaded.corpus.roots.join('\u0000');
    let fingerprint = this.fingerprints.get(loaded);
    if (!fingerprint) {
      const previous = this.lastLoads.get(id);
      fingerprint = previous && sameSources(previous.loaded.corpus.sources, loaded.corpus.sources) ? previous.fingerprint : `${id.length}:${++this.loadCount}:${Date.now()}`;
      this.fingerprints.set(loaded, fingerprint);
      this.lastLoads.set(id, { loaded, fingerprint });
    }
    this.snapshots.delete(fingerprint);
    this.snapshots.set(fingerprint, loaded.corpus.sources);
    while (this.snapshots.size > keptSnapshots) this.snapshots.delete(this.snapshots.keys().next().value as string);
    return { roots: [...loaded.corpus.roots], problems: [...loaded.corpus.problems], sourceCount: loaded.corpus.sources.length, fingerprint };
  }
}
