/**
 * A worker thread that reads and indexes batches of corpus documents: the slow part of loading a
 * corpus, done on another core and off the thread that serves the editor. Each batch becomes one
 * segment. Words are numbered with a vocabulary of the worker's own and each new word is sent along
 * once; the pool maps the segment's words onto the corpus vocabulary, which costs one step per
 * distinct word of the batch rather than one per word of text.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { CorpusFile } from '../corpus/corpus-files';
import { readBatch } from '../corpus/document-reader';
import { extractInProcess, withExtractionCache } from '../extract/document-extractor';
import type { WorkerReply } from './index-worker-pool';
import { SegmentBuilder, segmentBuffers } from './segment';
import { Vocabulary } from './vocabulary';

interface IndexRequest {
  id: number;
  root: string;
  files: CorpusFile[];
}

/**
 * Indexing is background work: it keeps every core busy for as long as a large corpus takes to read,
 * and should give way to the editor, its other extensions and the user's other programs whenever they
 * want a core. Linux keeps a nice value per thread, so only this worker is lowered; elsewhere a
 * process-wide call would lower the whole extension host, so the worker keeps the usual priority.
 */
function runInBackground(): void {
  if (process.platform !== 'linux') return;
  try {
    const thread = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(thread) && thread > 0) setPriority(thread, 10);
  } catch {
    // Not allowed here (a container without /proc, say): the worker keeps the usual priority.
  }
}
runInBackground();

const { extractionCacheFolder } = (workerData ?? {}) as { extractionCacheFolder?: string };
const extract = extractionCacheFolder ? withExtractionCache(extractInProcess, extractionCacheFolder) : extractInProcess;
const vocabulary = new Vocabulary();
const builder = new SegmentBuilder();
let sentWords = 0;

parentPort?.on('message', (request: IndexRequest) => {
  const started = (index: number) => parentPort!.postMessage({ id: request.id, started: index } satisfies WorkerReply);
  readBatch(request.root, request.files, extract, vocabulary, builder, started).then(
    (batch) => {
      const newWords = vocabulary.words.slice(sentWords);
      sentWords = vocabulary.size;
      parentPort!.postMessage({ id: request.id, batch, newWords }, segmentBuffers(batch.segment));
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      parentPort!.postMessage({ id: request.id, error: message });
    },
  );
});
