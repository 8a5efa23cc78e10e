import { Worker } from 'node:worker_threads';
import type { CorpusFile } from '../corpus/corpus-files';
import type { CorpusProblem } from '../corpus/source';
import type { InferenceScope } from '../metadata/inference';
import type { BatchReader, BatchResult, DocumentResult, DraftReader, DraftResult } from '../corpus/document-reader';
import { newSegmentId, Segment, withTermIds } from './segment';
import type { Vocabulary } from './vocabulary';

/**
 * How long one file may take to read before it is left out. Far beyond what any real file needs (a
 * 150 MB PDF reads in well under a minute), so it only ever stops a file that would hold the load forever:
 * an extractor caught in a loop on crafted input, a file swapped for a pipe, a stalled network drive.
 */
const defaultFileTimeoutMs = 180_000;

interface WorkerState {
  worker: Worker;
  /** The worker's word number → the corpus vocabulary's. */
  mapping: number[];
  busy: number;
  alive: boolean;
}

/** One batch as the corpus asked for it: to index (`read`), or for the drafts alone (`readDrafts`). */
type BatchRequest = IndexRequest | DraftsRequest;

interface RequestOf<Task extends WorkerTask, Result> {
  task: Task;
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
  root: string;
  files: readonly CorpusFile[];
  /** Files of the batch that took too long: left out when the batch is sent again, and given a problem instead. */
  timedOut: Set<number>;
}
type IndexRequest = RequestOf<'index', Awaited<ReturnType<BatchReader>>>;
type DraftsRequest = RequestOf<'drafts', DraftResult[]> & {
  /** What inference reads from each text. */
  scope: InferenceScope;
  /** Reads the drafts in this thread (inferring as much) when no worker is left. */
  fallback: DraftReader;
};

/** What a worker is asked to do with a batch: read and index it, or read its drafts alone. */
export type WorkerTask = 'index' | 'drafts';

/** A batch sent to a worker: which of the request's files went, and the clock on the file being read. */
interface Pending {
  request: BatchRequest;
  state: WorkerState;
  sent: number[];
  timer?: ReturnType<typeof setTimeout>;
}

export type WorkerReply =
  | { id: number; started: number }
  | { id: number; batch: BatchResult; newWords: string[] }
  | { id: number; drafts: DraftResult[] }
  | { id: number; error: string };

/**
 * Spreads batches of documents over worker threads, each batch coming back as one segment. A file that
 * takes longer than the time limit costs its worker: the worker is replaced, and its batches are sent
 * again without that file, which gets a corpus problem, so no input holds a load forever.
 */
export class IndexWorkerPool {
  private readonly workers: WorkerState[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly fileTimeoutMs: number;

  constructor(
    private readonly options: {
      file: string;
      count: number;
      extractionCacheFolder?: string;
      fileTimeoutMs?: number;
      /** Workers at the usual priority, for work a command waits for; by default they give way (see index-worker.ts). */
      foreground?: boolean;
    },
    private readonly vocabulary: Vocabulary,
    /** Reads in this thread when no worker is left (one crashed, say), so a load never stops half-way. */
    private readonly fallback: BatchReader,
  ) {
    this.fileTimeoutMs = options.fileTimeoutMs ?? defaultFileTimeoutMs;
    for (let index = 0; index < options.count; index++) this.spawn();
  }

  get size(): number {
    return this.workers.length;
  }

  read: BatchReader = (root, files) => new Promise((resolve, reject) => this.send({ task: 'index', resolve, reject, root, files, timedOut: new Set() }));

  /** The drafts of a batch of documents, as `readDocumentDraft` reads them; `fallback` reads them here if no worker is left. */
  readDrafts(root: string, files: readonly CorpusFile[], scope: InferenceScope, fallback: DraftReader): Promise<DraftResult[]> {
    return new Promise((resolve, reject) => this.send({ task: 'drafts', resolve, reject, root, files, timedOut: new Set(), scope, fallback }));
  }

  private spawn(): void {
    const worker = new Worker(this.options.file, { workerData: { extractionCacheFolder: this.options.extractionCacheFolder, foreground: this.options.foreground } });
    const state: WorkerState = { worker, mapping: [], busy: 0, alive: true };
    worker.on('message', (message: WorkerReply) => this.receive(state, message));
    worker.on('error', (error) => this.failWorker(state, error));
    worker.on('exit', () => this.failWorker(state, new Error('it stopped')));
    this.workers.push(state);
  }

  private send(request: BatchRequest): void {
    const sent = notTimedOut(request);
    const alive = this.workers.filter((state) => state.alive);
    if (alive.length === 0 || sent.length === 0) {
      this.readHere(request, sent);
      return;
    }
    const state = alive.reduce((least, candidate) => (candidate.busy < least.busy ? candidate : least));
    const id = this.nextId++;
    state.busy++;
    this.pending.set(id, { request, state, sent });
    const scope = request.task === 'drafts' ? request.scope : undefined;
    state.worker.postMessage({ id, task: request.task, root: request.root, files: sent.map((index) => request.files[index]), scope });
  }

  private readHere(request: BatchRequest, sent: number[]): void {
    const files = sent.map((index) => request.files[index]);
    if (request.task === 'drafts') {
      request.fallback(request.root, files).then((drafts) => request.resolve(this.withTimedOut(request, sent, drafts)), request.reject);
    } else {
      this.fallback(request.root, files).then((batch) => request.resolve({ results: this.withTimedOut(request, sent, batch.results), segment: batch.segment }), request.reject);
    }
  }

  private receive(state: WorkerState, message: WorkerReply): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if ('started' in message) {
      // The clock runs per file, from the moment the worker takes it up, not while a batch waits its turn.
      clearTimeout(pending.timer);
      pending.timer = setTimeout(() => this.timeOut(message.id, message.started), this.fileTimeoutMs);
      return;
    }
    clearTimeout(pending.timer);
    this.pending.delete(message.id);
    state.busy--;
    const { request, sent } = pending;
    if ('error' in message) {
      request.reject(new Error(`An indexing worker failed: ${message.error}`));
      return;
    }
    if ('drafts' in message) {
      if (request.task === 'drafts') request.resolve(this.withTimedOut(request, sent, message.drafts));
      else request.reject(new Error('An indexing worker sent drafts for a batch to index.'));
      return;
    }
    if (request.task !== 'index') {
      request.reject(new Error('An indexing worker indexed a batch it was asked the drafts of.'));
      return;
    }
    for (const word of message.newWords) state.mapping.push(this.vocabulary.intern(word));
    try {
      const segment = new Segment(withTermIds(message.batch.segment, state.mapping), newSegmentId());
      request.resolve({ results: this.withTimedOut(request, sent, message.batch.results), segment });
    } catch (error) {
      request.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** The batch's results in the order of its files, with a problem for each file that was left out. */
  private withTimedOut(request: BatchRequest, sent: number[], results: DocumentResult[]): DocumentResult[];
  private withTimedOut(request: BatchRequest, sent: number[], results: DraftResult[]): DraftResult[];
  private withTimedOut(request: BatchRequest, sent: number[], results: { problems: CorpusProblem[] }[]): { problems: CorpusProblem[] }[] {
    if (request.timedOut.size === 0) return results;
    const all: { problems: CorpusProblem[] }[] = request.files.map((file, index) =>
      request.timedOut.has(index)
        ? {
            problems: [
              {
                file: file.path,
                line: 1,
                message: `Reading this file took longer than ${Math.round(this.fileTimeoutMs / 1000)} s, so it was left out; the rest of the corpus loaded.`,
                severity: 'error',
              },
            ],
          }
        : { problems: [] },
    );
    sent.forEach((index, at) => (all[index] = results[at]));
    return all;
  }

  /**
   * A file ran out of time: its worker is stopped (its thread may stay blocked in a system call, which no
   * one can interrupt, but nothing waits for it) and replaced, and every batch it held is sent again.
   */
  private timeOut(id: number, started: number): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    pending.request.timedOut.add(pending.sent[started]);
    const { state } = pending;
    state.alive = false;
    void state.worker.terminate();
    this.spawn();
    for (const request of this.takeBatchesOf(state)) this.send(request);
  }

  /**
   * A worker that crashed takes no more batches; the batches it held are read again in this thread (a
   * file that crashes one worker would crash the next one too).
   */
  private failWorker(state: WorkerState, _error: Error): void {
    if (!state.alive) return;
    state.alive = false;
    for (const request of this.takeBatchesOf(state)) {
      this.readHere(request, notTimedOut(request));
    }
  }

  private takeBatchesOf(state: WorkerState): BatchRequest[] {
    const taken: BatchRequest[] = [];
    for (const [id, pending] of this.pending) {
      if (pending.state !== state) continue;
      clearTimeout(pending.timer);
      this.pending.delete(id);
      taken.push(pending.request);
    }
    return taken;
  }

  async dispose(): Promise<void> {
    const workers = this.workers.filter((state) => state.alive);
    for (const state of workers) state.alive = false;
    for (const pending of this.pending.values()) clearTimeout(pending.timer);
    await Promise.all(workers.map((state) => state.worker.terminate()));
  }
}

/** The indices of the files of a batch still to be read. */
function notTimedOut(request: BatchRequest): number[] {
  return request.files.map((_, index) => index).filter((index) => !request.timedOut.has(index));
}
