/**
 * Runs in a worker thread: extracting a large PDF takes seconds of CPU, which must not stall the
 * editor's extension host. Receives { id, file, kind }, answers { id, document } or { id, error }.
 */
import { parentPort } from 'node:worker_threads';
import { extractInProcess } from './document-extractor';
import { ExtractionError } from './extracted-document';
import type { ExtractionRequest, ExtractionResponse } from './worker-extractor';

parentPort?.on('message', (request: ExtractionRequest) => {
  extractInProcess(request.file, request.kind).then(
    (document) => parentPort!.postMessage({ id: request.id, document } satisfies ExtractionResponse),
    (error: unknown) =>
      parentPort!.postMessage({
        id: request.id,
        error: {
          failure: error instanceof ExtractionError ? error.failure : undefined,
          message: error instanceof Error ? error.message : String(error),
        },
      } satisfies ExtractionResponse),
  );
});
