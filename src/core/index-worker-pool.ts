import { Worker } from 'node:worker_threads';
import type { BatchReader } from './corpus';
import { newSegmentId } from './corpus';
import type { CorpusFile } from './corpus-files';
import type { BatchResult } from './document-reader';
import { Segment, withTermIds } from './segment';
import type { Vocabulary } from './vocabulary';

interface WorkerState {
  worker: Worker;
  /** The worker's word number → the corpus vocabulary's. */
  mapping: number[];
  busy: number;
  alive: boolean;
}

interface Pending {
  resolve: (result: Awaited<ReturnType<BatchReader>>) => void;
  reject: (error: Error) => void;
  state: WorkerState;
  root: string;
  files: readonly CorpusFile[];
}

type WorkerReply = { id: number; batch: BatchResult; newWords: string[] } | { id: number; error: string };

/** Spreads batches of documents over worker threads, each batch coming back as one segment. */
export class IndexWorkerPool {
  private readonly workers: WorkerState[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    options: { file: string; count: number; extractionCacheFolder?: string },
    private readonly vocabulary: Vocabulary,
    /** Reads in this thread when no worker is left (one crashed, say), so a load never stops half-way. */
    private readonly fallback: BatchReader,
  ) {
    for (let index = 0; index < options.count; index++) {
      const worker = new Worker(options.file, { workerData: { extractionCacheFolder: options.extractionCacheFolder } });
      const state: WorkerState = { worker, mapping: [], busy: 0, alive: true };
      worker.on('message', (message: WorkerReply) => this.receive(state, message));
      worker.on('error', (error) => this.failWorker(state, error));
      worker.on('exit', () => this.failWorker(state, new Error('it stopped')));
      this.workers.push(state);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  read: BatchReader = (root, files) => {
    const alive = this.workers.filter((state) => state.alive);
    if (alive.length === 0) return this.fallback(root, files);
    return new Promise((resolve, reject) => {
      const state = alive.reduce((least, candidate) => (candidate.busy < least.busy ? candidate : least));
      const id = this.nextId++;
      state.busy++;
      this.pending.set(id, { resolve, reject, state, root, files });
      state.worker.postMessage({ id, root, files });
    });
  };

  private receive(state: WorkerState, message: WorkerReply): void {
    const request = this.pending.get(message.id);
    if (!request) return;
    this.pending.delete(message.id);
    state.busy--;
    if ('error' in message) {
      request.reject(new Error(`An indexing worker failed: ${message.error}`));
      return;
    }
    for (const word of message.newWords) state.mapping.push(this.vocabulary.intern(word));
    try {
      const segment = new Segment(withTermIds(message.batch.segment, state.mapping), newSegmentId());
      request.resolve({ results: message.batch.results, segment });
    } catch (error) {
      request.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** A worker that crashed takes no more batches; the batches it held are read again in this thread. */
  private failWorker(state: WorkerState, _error: Error): void {
    if (!state.alive) return;
    state.alive = false;
    for (const [id, request] of this.pending) {
      if (request.state !== state) continue;
      this.pending.delete(id);
      this.fallback(request.root, request.files).then(request.resolve, request.reject);
    }
  }

  async dispose(): Promise<void> {
    const workers = this.workers.filter((state) => state.alive);
    for (const state of workers) state.alive = false;
    await Promise.all(workers.map((state) => state.worker.terminate()));
  }
}
