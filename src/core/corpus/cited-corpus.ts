import * as path from 'node:path';
import { documentKinds, listCorpusFiles, manifestFileName, type CorpusFile } from './corpus-files';
import { applyBibliography, applyManifest, Corpus, settleKeys, type LoadOptions, type TextEntry } from './corpus';
import { keyDraft, readBatch, readDocumentDraft, type Draft, type DraftReader, type DraftResult } from './document-reader';
import { extractInProcess, type DocumentExtractor } from '../extract/document-extractor';
import { IndexWorkerPool } from '../index/index-worker-pool';
import { newSegmentId, Segment } from '../index/segment';
import { Vocabulary } from '../index/vocabulary';
import type { InferenceScope } from '../metadata/inference';
import type { CorpusProblem, Source } from './source';

/**
 * How much of a corpus a cited load reads besides the cited sources:
 * - 'keys': every document only as far as its key (its name, its front matter), plus manifests and
 *   bibliographies. Fast, and every key is exact; the metadata of sources the report does not cite and
 *   the corpus's problems are partial. A first check while the full load runs.
 * - 'complete': every document's problems and every source's key, title, contributors and every field
 *   its front matter, page metadata, document properties, corpus.yaml or bibliography gives, exactly as a
 *   full load reads them, without indexing any words but the cited sources'. The date and language
 *   inferred from a source's text (most of reading's cost) are there only for the sources `consulted`
 *   names and the cited ones; the others' may be missing. A check that must give the full answer, without
 *   the index: its findings rest on no other source's date or language.
 */
export type CitedLoadDepth = 'keys' | 'complete';

interface CitedLoadOptions {
  depth: CitedLoadDepth;
  /** How PDF and Word files become text; by default in this thread, without a disk cache. */
  extract?: DocumentExtractor;
  /** At depth 'complete', worker threads that read drafts alongside this thread (which reads too). */
  workers?: LoadOptions['workers'];
  /**
   * At depth 'complete', the keys whose full metadata `cited` reads, named from the sources as first
   * seen (without inferred dates and languages): the sources free-text references could resolve to.
   */
  consulted?: (sources: readonly Source[]) => Iterable<string>;
}

/**
 * A corpus holding the text of the cited sources alone: what a check of a report needs, since checks
 * read the text of the sources a report cites and nothing else of the index. Keys are settled exactly
 * as `loadCorpus` settles them (file names, front matter, corpus.yaml, bibliographies, duplicates), and
 * every cited source, with each document that might hold a cited key, is read and indexed as `loadCorpus`
 * reads it, so its metadata, text and pages are the full load's. `cited` names the keys from the sources
 * as first seen (at depth 'complete', those `consulted` names with their full metadata, so free-text
 * references can be resolved).
 */
export async function loadCitedCorpus(roots: readonly string[], cited: (sources: readonly Source[]) => Iterable<string>, options: CitedLoadOptions): Promise<Corpus> {
  const rootList = roots.map((root) => path.resolve(root));
  const extract = options.extract ?? extractInProcess;
  const looks: FirstLook[] = [];
  // Workers start only for a complete look at more than a few batches, and are done with once every draft is read.
  const workers = options.depth === 'complete' && options.workers && options.workers.count > 0 ? options.workers : undefined;
  let pool: IndexWorkerPool | undefined;
  try {
    for (const root of rootList) {
      const listingProblems: CorpusProblem[] = [];
      const files = await listCorpusFiles(root, listingProblems);
      const documents = files.filter((file) => documentKinds.includes(file.kind));
      const metadataFiles = files.filter(
        (file) => (file.kind === 'manifest' && (file.relativePath === manifestFileName || file.relativePath === 'corpus.yml')) || file.kind === 'bibtex' || file.kind === 'csl-json',
      );
      // The pool indexes nothing here: its fallback for batches to index is never called. Its workers keep the
      // usual priority: a complete cited load is what a command (a cold `citewise check`) waits for, not background work.
      if (workers && documents.length > 2 * draftsPerBatch) {
        pool ??= new IndexWorkerPool({ ...workers, foreground: true }, new Vocabulary(), () => Promise.reject(new Error('Drafts alone are read in workers.')));
      }
      // At depth 'complete', without the date and language inferred from each text: `inferConsulted` infers those where they matter.
      const described = await describeDocuments(root, documents, options.depth === 'complete' ? 'key-and-title' : 'key', extract, pool);
      looks.push({ root, listingProblems, documents, metadataFiles, described, pool });
    }
    if (options.depth === 'complete' && options.consulted) await inferConsulted(looks, options.consulted, extract);
  } finally {
    await pool?.dispose();
  }
  // The documents to read whole.
  const holding = await documentsClaiming(looks, cited);

  const vocabulary = new Vocabulary();
  const problems: CorpusProblem[] = [];
  const drafts: Draft[] = [];
  const texts = new Map<Draft, TextEntry>();
  for (const [position, { root, listingProblems, documents, metadataFiles, described }] of looks.entries()) {
    for (const problem of listingProblems) problems.push(problem);
    const toRead = holding[position];
    const read = toRead.length ? await readBatch(root, toRead.map((index) => documents[index]), extract, vocabulary) : undefined;
    const segment = read && new Segment(read.segment, newSegmentId());
    const readAt = new Map(toRead.map((index, at) => [index, read!.results[at]]));
    const byRelativePath = new Map<string, Draft>();
    // In file order, as loadCorpus takes them, so that duplicates resolve the same way.
    documents.forEach((file, index) => {
      const whole = readAt.get(index);
      const result = whole ? { draft: whole.loaded?.draft, problems: whole.problems } : described[index];
      for (const problem of result.problems) problems.push(problem);
      if (!result.draft) return;
      drafts.push(result.draft);
      if (whole?.loaded) texts.set(result.draft, { ...whole.loaded.text, segment: segment! });
      byRelativePath.set(file.relativePath, result.draft);
    });
    await applyMetadataFiles(root, metadataFiles, byRelativePath, drafts, problems);
  }
  const { sources, sourceTexts } = settleKeys(drafts, texts, problems);
  return new Corpus(rootList, sources, problems, sourceTexts, vocabulary);
}

/** One corpus folder as first seen: its files, and each document's draft at the depth asked for. */
interface FirstLook {
  root: string;
  listingProblems: CorpusProblem[];
  documents: CorpusFile[];
  metadataFiles: CorpusFile[];
  described: DraftResult[];
  /** The workers that read this folder's drafts alongside this thread, if any. */
  pool?: IndexWorkerPool;
}

/** How many documents go to a worker at a time: enough to keep its messages few, few enough to share the last ones out. */
const draftsPerBatch = 32;

/**
 * Each document's draft, in file order: as far as its key (`keyDraft`, at depth 'keys'), or read as
 * `readDocumentDraft` reads it, inferring what the scope names. With workers (at depth 'complete'), this
 * thread and the workers take batches of documents from one queue until none is left, so that a worker
 * slow to start or to be given a core costs nothing: this thread reads on meanwhile.
 */
async function describeDocuments(root: string, documents: readonly CorpusFile[], reading: 'key' | InferenceScope, extract: DocumentExtractor, pool?: IndexWorkerPool): Promise<DraftResult[]> {
  const described = new Array<DraftResult>(documents.length);
  let sliceStart = performance.now();
  const readHere: DraftReader = async (_root, files) => {
    const drafts: DraftResult[] = [];
    for (const file of files) {
      if (reading !== 'key') {
        drafts.push(await readDocumentDraft(root, file, extract, reading));
      } else {
        const problems: CorpusProblem[] = [];
        drafts.push({ draft: keyDraft(root, file, problems), problems });
      }
      // Heads are read synchronously; the thread is given back now and then, so other requests (and workers' replies) are answered.
      if (performance.now() - sliceStart > 10) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    return drafts;
  };
  let next = 0;
  const lane = async (read: DraftReader) => {
    while (next < documents.length) {
      const first = next;
      next = Math.min(documents.length, next + draftsPerBatch);
      const drafts = await read(root, documents.slice(first, next));
      drafts.forEach((draft, at) => (described[first + at] = draft));
    }
  };
  // Two batches per worker, so that one waits while the other is read.
  const workerLanes = pool && reading !== 'key' ? Array.from({ length: pool.size * 2 }, () => lane((batchRoot, files) => pool.readDrafts(batchRoot, files, reading, readHere))) : [];
  await Promise.all([lane(readHere), ...workerLanes]);
  return described;
}

/**
 * Reads again, inferring everything, the drafts of the documents whose key is one `consulted` names from
 * the sources as first seen (read without inferred dates and languages), so that those sources' metadata
 * is the full load's. Keys and titles come out as before: only the date and language can change.
 */
async function inferConsulted(looks: FirstLook[], consulted: (sources: readonly Source[]) => Iterable<string>, extract: DocumentExtractor): Promise<void> {
  const claiming = await documentsClaiming(looks, consulted);
  for (const [position, look] of looks.entries()) {
    const indexes = claiming[position];
    if (indexes.length === 0) continue;
    // Few documents as a rule (a reference's candidates); the workers take a share when they are many.
    const pool = indexes.length > 2 * draftsPerBatch ? look.pool : undefined;
    const reread = await describeDocuments(look.root, indexes.map((index) => look.documents[index]), 'all', extract, pool);
    indexes.forEach((index, at) => (look.described[index] = reread[at]));
  }
}

/**
 * For each folder, in file order, the documents whose key, once manifests and bibliographies are applied
 * (to copies) and keys settled, is one `named` names from the sources so settled. Every document claiming
 * such a key is taken, not only the one holding it: a read can fail and pass the key on.
 */
async function documentsClaiming(looks: readonly FirstLook[], named: (sources: readonly Source[]) => Iterable<string>): Promise<number[][]> {
  const drafts: Draft[] = [];
  const documentOf = new Map<Draft, { look: number; index: number }>();
  for (const [look, { root, documents, metadataFiles, described }] of looks.entries()) {
    const byRelativePath = new Map<string, Draft>();
    described.forEach(({ draft }, index) => {
      if (!draft) return;
      const copy = { ...draft, fields: { ...draft.fields }, provenance: { ...draft.provenance } };
      drafts.push(copy);
      documentOf.set(copy, { look, index });
      byRelativePath.set(documents[index].relativePath, copy);
    });
    await applyMetadataFiles(root, metadataFiles, byRelativePath, drafts, []);
  }
  const wanted = new Set(named(settleKeys(drafts, new Map(), []).sources));
  const claiming: number[][] = looks.map(() => []);
  for (const [draft, { look, index }] of documentOf) if (draft.fields.key !== undefined && wanted.has(draft.fields.key)) claiming[look].push(index);
  return claiming.map((indexes) => indexes.sort((a, b) => a - b));
}

/** Manifests first, then bibliographies, as loadCorpus applies them. */
async function applyMetadataFiles(root: string, files: readonly CorpusFile[], byRelativePath: Map<string, Draft>, drafts: Draft[], problems: CorpusProblem[]): Promise<void> {
  for (const file of files) if (file.kind === 'manifest') await applyManifest(root, file, byRelativePath, drafts, problems);
  for (const file of files) if (file.kind !== 'manifest') await applyBibliography(root, file, byRelativePath, drafts, problems);
}
