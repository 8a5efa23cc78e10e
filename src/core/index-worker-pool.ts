import { Worker } from 'node:worker_threads';
import type { DocumentReader, DocumentResult } from './corpus';
import type { CorpusFile } from './corpus-files';
import type { Vocabulary } from './vocabulary';

interface WorkerState {
  worker: Worker;
  /** The worker's word number → the corpus vocabulary's. */
  mapping: number[];
  busy: number;
}

/**
 * Spreads document reading over worker threads. Each worker's word numbers are translated to the
 * corpus vocabulary as its results arrive, which costs one pass over the numbers of each document.
 */
export class IndexWorkerPool {
  private readonly workers: WorkerState[] = [];
  private readonly pending = new Map<number, { resolve: (result: DocumentResult) => void; reject: (error: Error) => void; state: WorkerState }>();
  private nextId = 1;

  constructor(options: { file: string; count: number; extractionCacheFolder?: string }, private readonly vocabulary: Vocabulary) {
    for (let index = 0; index < options.count; index++) {
      const worker = new Worker(options.file, { workerData: { extractionCacheFolder: options.extractionCacheFolder } });
      const state: WorkerState = { worker, mapping: [], busy: 0 };
      worker.on('message', (message: { id: number; result: DocumentResult; newWords: string[] }) => this.receive(state, message));
      worker.on('error', (error) => this.failWorker(state, error));
      this.workers.push(state);
    }
  }

  read: DocumentReader = (root: string, file: CorpusFile) =>
    new Promise<DocumentResult>((resolve, reject) => {
      const state = this.workers.reduce((least, candidate) => (candidate.busy < least.busy ? candidate : least));
      const id = this.nextId++;
      state.busy++;
      this.pending.set(id, { resolve, reject, state });
      state.worker.postMessage({ id, root, file });
    });

  private receive(state: WorkerState, message: { id: number; result: DocumentResult; newWords: string[] }): void {
    for (const word of message.newWords) state.mapping.push(this.vocabulary.intern(word));
    const ids = message.result.loaded?.entry.ids;
    if (ids) for (let index = 0; index < ids.length; index++) ids[index] = state.mapping[ids[index]];
    const request = this.pending.get(message.id);
    if (!request) return;
    this.pending.delete(message.id);
    state.busy--;
    request.resolve(message.result);
  }

  private failWorker(state: WorkerState, error: Error): void {
    for (const [id, request] of this.pending) {
      if (request.state !== state) continue;
      this.pending.delete(id);
      request.reject(new Error(`An indexing worker failed: ${error.message}`));
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((state) => state.worker.terminate()));
  }
}
