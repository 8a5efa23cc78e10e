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
import { readBatch, readDocumentDraft, type DraftResult } from '../corpus/document-reader';
import { extractInProcess, withExtractionCache } from '../extract/document-extractor';
import type { InferenceScope } from '../metadata/inference';
import type { WorkerReply, WorkerTask } from './index-worker-pool';
import { SegmentBuilder, segmentBuffers } from './segment';
import { Vocabulary } from './vocabulary';

interface IndexRequest {
  id: number;
  task: WorkerTask;
  root: string;
  files: CorpusFile[];
  /** For drafts: what inference reads from each text. */
  scope?: InferenceScope;
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

// A pool's workers for work a command waits for keep the usual priority.
const { extractionCacheFolder, foreground } = (workerData ?? {}) as { extractionCacheFolder?: string; foreground?: boolean };
if (!foreground) runInBackground();

const extract = extractionCacheFolder ? withExtractionCache(extractInProcess, extractionCacheFolder) : extractInProcess;
const vocabulary = new Vocabulary();
const builder = new SegmentBuilder();
let sentWords = 0;

/** The drafts of a batch, each file's start told to the pool (which times each file). */
async function readDrafts(request: IndexRequest, started: (index: number) => void): Promise<DraftResult[]> {
  const drafts: DraftResult[] = [];
  for (const [index, file] of request.files.entries()) {
    started(index);
    drafts.push(await readDocumentDraft(request.root, file, extract, request.scope));
  }
  return drafts;
}

parentPort?.on('message', (request: IndexRequest) => {
  const started = (index: number) => parentPort!.postMessage({ id: request.id, started: index } satisfies WorkerReply);
  const failed = (error: unknown) => parentPort!.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies WorkerReply);
  if (request.task === 'drafts') {
    readDrafts(request, started).then((drafts) => parentPort!.postMessage({ id: request.id, drafts } satisfies WorkerReply), failed);
    return;
  }
  readBatch(request.root, request.files, extract, vocabulary, builder, started).then(
    (batch) => {
      const newWords = vocabulary.words.slice(sentWords);
      sentWords = vocabulary.size;
      parentPort!.postMessage({ id: request.id, batch, newWords }, segmentBuffers(batch.segment));
    },
    failed,
  );
});
