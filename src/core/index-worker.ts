/**
 * A worker thread that reads and indexes corpus documents: the slow part of loading a corpus, done on
 * another core and off the thread that serves the editor. It numbers words with a vocabulary of its
 * own and sends each new word along once; the pool maps its numbers onto the corpus vocabulary.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readInProcess } from './corpus';
import type { CorpusFile } from './corpus-files';
import { extractInProcess, withExtractionCache } from './extract/document-extractor';
import { Vocabulary } from './vocabulary';

export interface IndexRequest {
  id: number;
  root: string;
  file: CorpusFile;
}

const { extractionCacheFolder } = (workerData ?? {}) as { extractionCacheFolder?: string };
const extract = extractionCacheFolder ? withExtractionCache(extractInProcess, extractionCacheFolder) : extractInProcess;
const vocabulary = new Vocabulary();
let sentWords = 0;

parentPort?.on('message', (request: IndexRequest) => {
  readInProcess(request.root, request.file, extract, vocabulary).then(
    (result) => {
      const newWords = vocabulary.words.slice(sentWords);
      sentWords = vocabulary.size;
      const ids = result.loaded?.entry.ids;
      parentPort!.postMessage({ id: request.id, result, newWords }, ids ? [ids.buffer as ArrayBuffer] : []);
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      parentPort!.postMessage({ id: request.id, result: { problems: [{ file: request.file.path, line: 1, message: `Cannot read this file: ${message}`, severity: 'error' }] }, newWords: [] });
    },
  );
});
