import { Worker } from 'node:worker_threads';
import type { DocumentExtractor, ExtractedKind } from './document-extractor';
import { ExtractionError, type ExtractedDocument, type ExtractionFailure } from './extracted-document';

export interface ExtractionRequest {
  id: number;
  file: string;
  kind: ExtractedKind;
}

export interface ExtractionResponse {
  id: number;
  document?: ExtractedDocument;
  error?: { failure?: ExtractionFailure; message: string };
}

export interface WorkerExtractor {
  extract: DocumentExtractor;
  dispose(): Promise<void>;
}

/** A file that takes longer than this to extract is given up on, and its worker replaced. */
const defaultTimeoutMs = 120_000;

/**
 * Extracts documents in one worker thread started on first use. A worker that crashes or hangs is
 * replaced by a new one on the next request; what it was working on fails with a clear message (a
 * corpus problem), and the next reload of the corpus tries those files again.
 */
export function createWorkerExtractor(workerFile: string, timeoutMs = defaultTimeoutMs): WorkerExtractor {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (document: ExtractedDocument) => void; reject: (error: Error) => void; timer: NodeJS.Timeout; file: string }>();

  const failAll = (message: string) => {
    for (const [id, request] of pending) {
      clearTimeout(request.timer);
      request.reject(new ExtractionError('damaged', `${message} while reading ${request.file}.`));
      pending.delete(id);
    }
  };

  const start = (): Worker => {
    if (worker) return worker;
    const started = new Worker(workerFile);
    started.unref();
    started.on('message', (response: ExtractionResponse) => {
      const request = pending.get(response.id);
      if (!request) return;
      pending.delete(response.id);
      clearTimeout(request.timer);
      if (response.document) request.resolve(response.document);
      else if (response.error?.failure) request.reject(new ExtractionError(response.error.failure, response.error.message));
      else request.reject(new Error(response.error?.message ?? 'extraction failed'));
    });
    started.on('error', (error) => {
      worker = undefined;
      failAll(`The extraction worker failed (${error.message})`);
    });
    started.on('exit', () => {
      if (worker === started) worker = undefined;
      failAll('The extraction worker stopped');
    });
    worker = started;
    return started;
  };

  const extract: DocumentExtractor = (file, kind) =>
    new Promise<ExtractedDocument>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        const stuck = worker;
        pending.delete(id);
        reject(new ExtractionError('damaged', `Extracting this file took longer than ${Math.round(timeoutMs / 1000)} s; it may be damaged.`));
        worker = undefined;
        void stuck?.terminate();
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer, file });
      start().postMessage({ id, file, kind } satisfies ExtractionRequest);
    });

  return {
    extract,
    dispose: async () => {
      const current = worker;
      worker = undefined;
      failAll('Extraction was cancelled');
      await current?.terminate();
    },
  };
}
