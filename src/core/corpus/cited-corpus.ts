import * as path from 'node:path';
import { documentKinds, listCorpusFiles, manifestFileName, type CorpusFile } from './corpus-files';
import { applyBibliography, applyManifest, Corpus, settleKeys, type TextEntry } from './corpus';
import { keyDraft, readBatch, readDocumentDraft, type Draft } from './document-reader';
import { extractInProcess, type DocumentExtractor } from '../extract/document-extractor';
import { newSegmentId, Segment } from '../index/segment';
import { Vocabulary } from '../index/vocabulary';
import type { CorpusProblem, Source } from './source';

/**
 * How much of a corpus a cited load reads besides the cited sources:
 * - 'keys': every document only as far as its key (its name, its front matter), plus manifests and
 *   bibliographies. Fast, and every key is exact; the metadata of sources the report does not cite and
 *   the corpus's problems are partial. A first check while the full load runs.
 * - 'complete': every document's metadata and problems exactly as a full load reads them, without
 *   indexing any words but the cited sources'. A check that must give the full answer, without the index.
 */
export type CitedLoadDepth = 'keys' | 'complete';

interface CitedLoadOptions {
  depth: CitedLoadDepth;
  /** How PDF and Word files become text; by default in this thread, without a disk cache. */
  extract?: DocumentExtractor;
}

/**
 * A corpus holding the text of the cited sources alone: what a check of a report needs, since checks
 * read the text of the sources a report cites and nothing else of the index. Keys are settled exactly
 * as `loadCorpus` settles them (file names, front matter, corpus.yaml, bibliographies, duplicates), and
 * every cited source, with each document that might hold a cited key, is read and indexed as `loadCorpus`
 * reads it, so its metadata, text and pages are the full load's. `cited` names the keys from the sources
 * as first seen (at depth 'complete', with their full metadata, so free-text references can be resolved).
 */
export async function loadCitedCorpus(roots: readonly string[], cited: (sources: readonly Source[]) => Iterable<string>, options: CitedLoadOptions): Promise<Corpus> {
  const rootList = roots.map((root) => path.resolve(root));
  const extract = options.extract ?? extractInProcess;
  const looks: FirstLook[] = [];
  for (const root of rootList) {
    const listingProblems: CorpusProblem[] = [];
    const files = await listCorpusFiles(root, listingProblems);
    const documents = files.filter((file) => documentKinds.includes(file.kind));
    const metadataFiles = files.filter(
      (file) => (file.kind === 'manifest' && (file.relativePath === manifestFileName || file.relativePath === 'corpus.yml')) || file.kind === 'bibtex' || file.kind === 'csl-json',
    );
    looks.push({ root, listingProblems, documents, metadataFiles, described: await describeDocuments(root, documents, options.depth, extract) });
  }
  const holding = await documentsHolding(looks, cited);

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
  described: { draft?: Draft; problems: CorpusProblem[] }[];
}

/** Each document's draft at the depth asked for, in file order. */
async function describeDocuments(root: string, documents: readonly CorpusFile[], depth: CitedLoadDepth, extract: DocumentExtractor): Promise<{ draft?: Draft; problems: CorpusProblem[] }[]> {
  const described: { draft?: Draft; problems: CorpusProblem[] }[] = [];
  let sliceStart = performance.now();
  for (const file of documents) {
    if (depth === 'complete') {
      described.push(await readDocumentDraft(root, file, extract));
    } else {
      const problems: CorpusProblem[] = [];
      described.push({ draft: keyDraft(root, file, problems), problems });
    }
    // Heads are read synchronously; the thread is given back now and then, so other requests are answered.
    if (performance.now() - sliceStart > 10) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return described;
}

/**
 * For each folder, the documents to read whole: those whose key, once manifests and bibliographies are
 * applied (to copies) and keys settled, is one `cited` names from the sources as first seen. Every
 * document claiming such a key is read, not only the one holding it: a read can fail and pass the key on.
 */
async function documentsHolding(looks: readonly FirstLook[], cited: (sources: readonly Source[]) => Iterable<string>): Promise<number[][]> {
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
  const wanted = new Set(cited(settleKeys(drafts, new Map(), []).sources));
  const holding: number[][] = looks.map(() => []);
  for (const [draft, { look, index }] of documentOf) if (draft.fields.key !== undefined && wanted.has(draft.fields.key)) holding[look].push(index);
  return holding.map((indexes) => indexes.sort((a, b) => a - b));
}

/** Manifests first, then bibliographies, as loadCorpus applies them. */
async function applyMetadataFiles(root: string, files: readonly CorpusFile[], byRelativePath: Map<string, Draft>, drafts: Draft[], problems: CorpusProblem[]): Promise<void> {
  for (const file of files) if (file.kind === 'manifest') await applyManifest(root, file, byRelativePath, drafts, problems);
  for (const file of files) if (file.kind !== 'manifest') await applyBibliography(root, file, byRelativePath, drafts, problems);
}
