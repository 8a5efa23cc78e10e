import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { ParsedBibliography } from '../bibliography/bibliography-entry';
import { parseBibtex } from '../bibliography/bibtex';
import { isCslJsonCandidate, parseCslJson } from '../bibliography/csl-json';
import { documentKinds, fileStamp, listCorpusFiles, readTextFile, manifestFileName, type CorpusFile } from './corpus-files';
import { applyFields, normalizeRelative, readBatch, readPreparedText, type BatchReader, type DocumentResult, type DocumentText, type Draft } from './document-reader';
import { extractInProcess, type DocumentExtractor } from '../extract/document-extractor';
import type { PageMap } from '../extract/pages';
import { IndexedText } from '../index/indexed-text';
import { IndexWorkerPool } from '../index/index-worker-pool';
import type { Directory } from '../search/search';
import { newSegmentId, Segment, SegmentBuilder } from '../index/segment';
import { SourceText } from '../index/source-text';
import { indexWords } from '../index/tokenize';
import type { CorpusProblem, Source, SourceMetadata } from './source';
import { ManifestEntrySchema } from '../metadata/schema';
import { Vocabulary } from '../index/vocabulary';
import { parseYaml } from './yaml-document';


export interface LoadProgress {
  /** Files read so far and in all. */
  done: number;
  total: number;
  file?: string;
}

export interface LoadOptions {
  onProgress?: (progress: LoadProgress) => void;
  /** Stops loading early; what was read so far is returned. */
  signal?: AbortSignal;
  /** Documents unchanged since the load that filled this cache are not read again. */
  cache?: CorpusCache;
  /** How PDF and Word files become text; by default in this thread, without a disk cache. */
  extract?: DocumentExtractor;
  /**
   * Read and index documents in worker threads (the compiled `index-worker.js`), on all cores and off the
   * caller's thread. Workers extract PDFs themselves, caching in `extractionCacheFolder`.
   */
  /** Index in worker threads; `fileTimeoutMs` is how long one file may take (3 minutes unless given). */
  workers?: { file: string; count: number; extractionCacheFolder?: string; fileTimeoutMs?: number };
  /** How many bytes of documents one batch (one segment) takes; by default set from the corpus size. */
  batchBytes?: number;
}

/**
 * What the index keeps of one document: where its words are (a document of a segment) and how its
 * text is read again. Shared across reloads while the file is unchanged.
 */
export interface TextEntry extends DocumentText {
  segment: Segment;
  indexed?: IndexedText;
}

interface CachedDocument {
  stamp: string;
  /** Absent when the file could not be read: a scan stays a scan until the file changes. */
  loaded?: { draft: Draft; entry: TextEntry };
  problems: CorpusProblem[];
}

/**
 * Remembers what each document yielded, keyed by its size and modification time, so that reloading
 * a corpus after one file changed re-reads that file alone. Manifests and bibliographies are small
 * and are always read again, since they can change any source.
 */
export class CorpusCache {
  readonly documents = new Map<string, CachedDocument>();
  /** Word numbers are only comparable within one vocabulary, so the cache owns it. */
  readonly vocabulary: Vocabulary;

  constructor(vocabulary = new Vocabulary()) {
    this.vocabulary = vocabulary;
  }
  /** Documents read (not taken from the cache) by the last load; for tests and logs. */
  lastRead = 0;
  /** Documents dropped by the last load because their files are gone. */
  lastRemoved = 0;
  /** The search directory saved with the index, read on first use, for the segments it was saved with. */
  savedDirectory?: (segmentIds: readonly string[]) => Directory | undefined;

  /** The segments the cached documents' words are in, each once. */
  segments(): Segment[] {
    const segments = new Set<Segment>();
    for (const cached of this.documents.values()) if (cached.loaded) segments.add(cached.loaded.entry.segment);
    return [...segments];
  }
}

/** A segment this small (in documents) is merged with others like it once there are enough of them. */
const smallSegmentDocuments = 64;
/** How many small segments may pile up (one per reload that read a changed file) before they are merged. */
const maxSmallSegments = 8;
/** Merging reads every word of the segments merged; beyond this many words it waits for a quieter moment. */
const maxMergedWords = 8_000_000;

/**
 * Merges the small segments that reloads leave behind (each changed file read on its own makes one),
 * so that a corpus edited all day does not end up as thousands of segments. Documents no current
 * source uses are left out of the merged segment. Returns whether anything changed; the cache's
 * entries of merged documents are replaced, and a corpus loaded afterwards uses the merged segment.
 */
export function compactSegments(cache: CorpusCache): boolean {
  const usedBy = new Map<Segment, { file: string; cached: CachedDocument }[]>();
  for (const [file, cached] of cache.documents) {
    const segment = cached.loaded?.entry.segment;
    if (!segment) continue;
    const list = usedBy.get(segment);
    if (list) list.push({ file, cached });
    else usedBy.set(segment, [{ file, cached }]);
  }
  // Small in what is still used, or mostly documents nobody uses any more.
  const small = [...usedBy.entries()].filter(([segment, documents]) => documents.length < smallSegmentDocuments || documents.length * 2 < segment.documentCount);
  if (small.length < maxSmallSegments) return false;
  const builder = new SegmentBuilder();
  let words = 0;
  const moved: { cached: CachedDocument; entry: TextEntry }[] = [];
  for (const [segment, documents] of small) {
    for (const { cached } of documents) {
      const entry = cached.loaded!.entry;
      if (words > maxMergedWords || builder.isFull) break;
      let ids: Uint32Array;
      let keeping = entry.keeping;
      try {
        ids = segment.documentIds(entry.document);
        // A text kept in the old segment's file moves with the document: it is written with the merged segment.
        if (keeping.kind === 'in-segment') keeping = { kind: 'stored', text: segment.storedText(keeping.offset, keeping.length, keeping.checksum, entry.file) };
      } catch {
        // Damaged on disk: the document stays where it is and is recovered when used.
        continue;
      }
      words += ids.length;
      const document = builder.addDocument(ids, segment.checkpoints(entry.document));
      moved.push({ cached, entry: { ...entry, keeping, document, indexed: undefined } as TextEntry });
    }
  }
  if (moved.length === 0) return false;
  const merged = new Segment(builder.build(), newSegmentId());
  for (const { cached, entry } of moved) cached.loaded = { draft: cached.loaded!.draft, entry: { ...entry, segment: merged } };
  return true;
}

/**
 * What the checks read of a corpus: its sources, and each source's text, pages and passages. The seam
 * for another kind of corpus (one shared on a database server, say): it implements this, and the checks
 * work on it unchanged. Search goes through `CorpusService.search`, which any backend answers its own way.
 */
export interface CheckableCorpus {
  readonly sources: readonly Source[];
  get(key: string): Source | undefined;
  has(key: string): boolean;
  text(key: string): IndexedText | undefined;
  pages(key: string): PageMap | undefined;
  passage(key: string, start: number, end: number): { line: number; text: string } | undefined;
}

/** The sources of one or more corpus folders, with everything that went wrong while reading them. */
export class Corpus implements CheckableCorpus {
  private readonly byKey = new Map<string, Source>();
  /** Texts read back for passages, most recently used last; older ones are let go beyond a budget. */
  private readonly recentlyRead = new Map<string, IndexedText>();
  private recentWords = 0;

  constructor(
    readonly roots: readonly string[],
    readonly sources: readonly Source[],
    readonly problems: readonly CorpusProblem[],
    private readonly texts: ReadonlyMap<string, TextEntry>,
    readonly vocabulary: Vocabulary = new Vocabulary(),
    /** The search directory saved with the index, for exactly these segments (by name), if there is one. */
    readonly savedDirectory?: (segmentIds: readonly string[]) => Directory | undefined,
  ) {
    for (const source of sources) this.byKey.set(source.key, source);
  }

  get(key: string): Source | undefined {
    return this.byKey.get(key);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /** Where a source's words are in the index, for search. */
  entry(key: string): TextEntry | undefined {
    return this.texts.get(key);
  }

  /** The source's text as read (front matter blanked, HTML reduced to text); undefined for metadata-only sources. */
  rawText(key: string): string | undefined {
    return this.text(key)?.text;
  }

  /**
   * The first few thousand characters of a source's text, for previews in completion and hovers:
   * read from the start of the file alone, never the whole text.
   */
  opening(key: string, characters = 4000): string | undefined {
    const entry = this.texts.get(key);
    if (!entry) return undefined;
    if (entry.indexed?.isLoaded) return entry.indexed.text.slice(0, characters);
    return sourceTextOf(entry).slice(0, characters);
  }

  /** A matched passage with a little context on each side (enough to judge whether a quote is fair), and its line. */
  passage(key: string, start: number, end: number): { line: number; text: string } | undefined {
    const text = this.text(key);
    if (!text) return undefined;
    // The context runs to the line breaks about 120 characters out, read as a window of the text.
    const windowStart = Math.max(0, start - 600);
    const window = text.slice(windowStart, end + 600);
    const lead = Math.max(0, start - 120 - windowStart);
    const before = Math.max(0, window.lastIndexOf('\n', lead));
    const trail = Math.min(window.length, end + 120 - windowStart);
    const after = window.indexOf('\n', trail);
    const excerpt = text.excerpt(windowStart + before, windowStart + (after === -1 ? window.length : after));
    return { line: text.lineOf(start) + 1, text: excerpt.length > 900 ? `${excerpt.slice(0, 900)} …` : excerpt };
  }

  /** A source's word numbers. */
  wordIds(key: string): Uint32Array | undefined {
    const entry = this.texts.get(key);
    return entry && (entry.indexed?.hasIds ? entry.indexed.ids : this.documentIds(entry));
  }

  /**
   * A document's words from the index; if the index's copy is damaged (or its file gone), the text is
   * read and its words numbered again, so a bad index never costs a wrong answer.
   */
  private documentIds(entry: TextEntry): Uint32Array {
    try {
      return entry.segment.documentIds(entry.document);
    } catch {
      const text = sourceTextOf(entry).text;
      const ids: number[] = [];
      indexWords(text, this.vocabulary, (id) => {
        ids.push(id);
      });
      return Uint32Array.from(ids);
    }
  }

  /** Where the pages of a paged source (a PDF) start, if it has pages. */
  pages(key: string): PageMap | undefined {
    return this.texts.get(key)?.pages;
  }

  /** The source's words and text; words come from the index, text is read from the file as passages need it. */
  text(key: string): IndexedText | undefined {
    const entry = this.texts.get(key);
    if (!entry) return undefined;
    if (!entry.indexed) {
      const segment = entry.segment;
      const checkpoints = segment.checkpoints(entry.document);
      entry.indexed = IndexedText.fromIndex(() => this.documentIds(entry), entry.wordCount, this.vocabulary, sourceTextOf(entry), checkpoints.chars);
      this.recentWords += entry.wordCount;
    }
    this.touch(key, entry);
    return entry.indexed;
  }

  /** Keeps the word numbers and texts of the most recently used sources, within a budget. */
  private touch(key: string, entry: TextEntry): void {
    const indexed = entry.indexed!;
    this.recentlyRead.delete(key);
    this.recentlyRead.set(key, indexed);
    for (const [other, text] of this.recentlyRead) {
      if (this.recentWords <= maxRecentWords || other === key) break;
      this.recentlyRead.delete(other);
      const otherEntry = this.texts.get(other);
      if (otherEntry?.indexed === text) {
        otherEntry.indexed = undefined;
        this.recentWords -= otherEntry.wordCount;
      }
      text.release();
    }
  }
}

/** About 40 MB of word numbers, plus the texts read whole: enough for every source a long report quotes, and a bound on memory. */
const maxRecentWords = 10_000_000;

function sourceTextOf(entry: TextEntry): SourceText {
  const keeping = entry.keeping;
  if (keeping.kind === 'stored') return new SourceText({ kind: 'stored', text: keeping.text });
  if (keeping.kind === 'prepared') return new SourceText({ kind: 'prepared', load: () => readPreparedText(entry.file, entry.kind) });
  if (keeping.kind === 'in-segment') return new SourceText({ kind: 'prepared', load: () => entry.segment.storedText(keeping.offset, keeping.length, keeping.checksum, entry.file) });
  const checkpoints = entry.segment.checkpoints(entry.document);
  return new SourceText({ ...keeping, file: entry.file }, checkpoints, () => readPreparedText(entry.file, entry.kind));
}

export async function loadCorpus(roots: string | readonly string[], options: LoadOptions = {}): Promise<Corpus> {
  const rootList = (typeof roots === 'string' ? [roots] : [...roots]).map((root) => path.resolve(root));
  const problems: CorpusProblem[] = [];
  const drafts: Draft[] = [];
  const texts = new Map<Draft, TextEntry>();
  const cache = options.cache;
  const vocabulary = cache?.vocabulary ?? new Vocabulary();
  const seen = new Set<string>();
  if (cache) cache.lastRead = 0;
  const extract = options.extract ?? extractInProcess;
  const readHere: BatchReader = async (readRoot, files) => {
    const batch = await readBatch(readRoot, files, extract, vocabulary);
    return { results: batch.results, segment: new Segment(batch.segment, newSegmentId()) };
  };
  // Workers start only when there is something to read: a warm start with nothing changed needs none.
  const workers = options.workers && options.workers.count > 0 ? options.workers : undefined;
  let pool: IndexWorkerPool | undefined;
  const read: BatchReader = workers ? (readRoot, files) => (pool ??= new IndexWorkerPool(workers, vocabulary, readHere)).read(readRoot, files) : readHere;
  const parallel = workers ? workers.count * 2 : 1;

  try {
    for (const root of rootList) {
      const files = await listCorpusFiles(root, problems);
      const documents = files.filter((file) => documentKinds.includes(file.kind));
      const manifests = files.filter((file) => file.kind === 'manifest');
      const bibliographies = files.filter((file) => file.kind === 'bibtex' || file.kind === 'csl-json');
      const byRelativePath = new Map<string, Draft>();
      const total = files.length;
      let done = 0;
      const results = new Array<DocumentResult | undefined>(documents.length);
      // Unchanged documents cost one stat each; the others are read in batches.
      const stamps = await fileStamps(documents);
      const toRead: number[] = [];
      documents.forEach((file, index) => {
        const cached = cache?.documents.get(file.path);
        const stamp = stamps[index];
        if (cached && stamp !== undefined && cached.stamp === stamp) {
          // Manifests and bibliographies write into drafts, so each load starts from a fresh copy.
          results[index] = { loaded: cached.loaded && { draft: copyDraft(cached.loaded.draft), text: cached.loaded.entry }, problems: [...cached.problems] };
          done++;
        } else {
          toRead.push(index);
        }
      });
      if (done) options.onProgress?.({ done, total });
      const batches = batchesOf(toRead.map((index) => ({ index, size: stamps[index] ? Number(stamps[index]!.split(':')[0]) : 0 })), parallel, options.batchBytes);
      await mapConcurrent(batches, parallel, async (batch) => {
        if (options.signal?.aborted) return;
        const { results: read_, segment } = await read(
          root,
          batch.map((index) => documents[index]),
        );
        batch.forEach((index, position) => {
          const result = read_[position];
          const file = documents[index];
          const loaded = result.loaded && { draft: result.loaded.draft, entry: { ...result.loaded.text, segment } };
          results[index] = { loaded: loaded && { draft: loaded.draft, text: loaded.entry }, problems: result.problems };
          if (cache) {
            cache.lastRead++;
            const stamp = stamps[index];
            if (stamp === undefined) cache.documents.delete(file.path);
            else cache.documents.set(file.path, { stamp, loaded: loaded && { draft: copyDraft(loaded.draft), entry: loaded.entry }, problems: result.problems });
          }
        });
        done += batch.length;
        options.onProgress?.({ done, total, file: documents[batch[batch.length - 1]].relativePath });
      });
      // Results are taken in file order, so which of two sources with one key wins never depends on timing.
      documents.forEach((file, index) => {
        const result = results[index];
        if (!result) return;
        seen.add(file.path);
        for (const problem of result.problems) problems.push(problem);
        if (!result.loaded) return;
        drafts.push(result.loaded.draft);
        texts.set(result.loaded.draft, result.loaded.text as TextEntry);
        byRelativePath.set(file.relativePath, result.loaded.draft);
      });
      for (const file of manifests) {
        options.onProgress?.({ done: done++, total, file: file.relativePath });
        if (file.relativePath !== manifestFileName && file.relativePath !== 'corpus.yml') continue;
        await applyManifest(root, file, byRelativePath, drafts, problems);
      }
      for (const file of bibliographies) {
        if (options.signal?.aborted) break;
        options.onProgress?.({ done: done++, total, file: file.relativePath });
        await applyBibliography(root, file, byRelativePath, drafts, problems);
      }
      options.onProgress?.({ done: total, total });
    }
  } finally {
    await pool?.dispose();
  }

  if (cache && !options.signal?.aborted) {
    cache.lastRemoved = 0;
    for (const cached of [...cache.documents.keys()]) {
      if (seen.has(cached)) continue;
      cache.documents.delete(cached);
      cache.lastRemoved++;
    }
  }

  const { sources, sourceTexts } = settleKeys(drafts, texts, problems);
  return new Corpus(rootList, sources, problems, sourceTexts, vocabulary, cache?.savedDirectory);
}

/**
 * The sources of a corpus from its drafts in file order: each key goes to one draft, the others are
 * reported as duplicates. Returns the sources and, by key, the texts of those that have one.
 */
export function settleKeys(drafts: readonly Draft[], texts: ReadonlyMap<Draft, TextEntry>, problems: CorpusProblem[]): { sources: Source[]; sourceTexts: Map<string, TextEntry> } {
  const sources: Source[] = [];
  const sourceTexts = new Map<string, TextEntry>();
  // A file keeps the key its own name gives it: otherwise a file that sorts earlier could take that key
  // just by declaring it (in front matter, corpus.yaml or a bibliography), and the file rightly named so
  // would be the one reported. Among equals, the first in order keeps the key.
  const claimed = new Map<string, Draft>();
  for (const draft of drafts) {
    const key = draft.fields.key;
    if (!key) continue;
    const holder = claimed.get(key);
    if (!holder || (holder.provenance.key?.origin !== 'inferred' && draft.provenance.key?.origin === 'inferred')) claimed.set(key, draft);
  }
  for (const draft of drafts) {
    const key = draft.fields.key;
    // A metadata-only entry whose key was invalid has already been reported.
    if (!key) continue;
    const holder = claimed.get(key)!;
    if (holder !== draft) {
      const where = draft.provenance.key ?? { file: draft.relativePath ?? draft.origin.file, line: draft.origin.line };
      const first = holder.relativePath ?? holder.origin.file;
      problems.push({
        file: path.resolve(draft.corpusRoot, where.file),
        // A key inferred from the file name has no line of its own; the file's first line stands for it.
        line: where.line ?? 1,
        message: `Duplicate key "${key}": ${first} already uses it, so ${draft.relativePath ?? 'this entry'} cannot be cited until it gets a key of its own.`,
        severity: 'error',
      });
      continue;
    }
    const { key: _key, ...metadata } = draft.fields;
    sources.push({
      key,
      metadata: metadata as SourceMetadata,
      provenance: draft.provenance,
      path: draft.path,
      relativePath: draft.relativePath,
      corpusRoot: draft.corpusRoot,
      csl: draft.csl,
    });
    const text = texts.get(draft);
    if (text !== undefined) sourceTexts.set(key, text);
  }
  return { sources, sourceTexts };
}

/**
 * Splits the documents to read into batches in file order: large enough that a segment is worth its
 * overhead, small enough that every worker has several, so none waits long for the last one.
 */
function batchesOf(items: { index: number; size: number }[], parallel: number, batchBytes?: number): number[][] {
  const totalBytes = items.reduce((sum, item) => sum + item.size, 0);
  const target = batchBytes ?? Math.max(1 << 20, Math.min(32 << 20, Math.ceil(totalBytes / (parallel * 4))));
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const item of items) {
    current.push(item.index);
    bytes += item.size;
    if (bytes >= target || current.length >= 4096) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
  }
  if (current.length) batches.push(current);
  return batches;
}

/** Reads a corpus file as text, turning every failure and warning into a problem that names it. */
async function readCorpusText(file: CorpusFile, problems: CorpusProblem[]): Promise<string | undefined> {
  const read = await readTextFile(file.path);
  if (!read.ok) {
    problems.push({ file: file.path, line: 1, message: read.message, severity: 'error' });
    return undefined;
  }
  if (read.warning) problems.push({ file: file.path, line: 1, message: read.warning, severity: 'warning' });
  return read.text.replace(/^\uFEFF/, '');
}

function copyDraft(draft: Draft): Draft {
  return { ...draft, fields: { ...draft.fields }, provenance: { ...draft.provenance } };
}

/** Runs `work` over items with at most `concurrency` in flight, keeping results in item order. */
async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * Size and modification time of each file. A stat from the thread itself costs a few microseconds, a
 * promise for it several times more; the thread is given back now and then, so other work can go on.
 */
async function fileStamps(files: readonly CorpusFile[]): Promise<(string | undefined)[]> {
  const stamps = new Array<string | undefined>(files.length);
  let sliceStart = performance.now();
  for (let index = 0; index < files.length; index++) {
    try {
      const stat = statSync(files[index].path, { throwIfNoEntry: false });
      stamps[index] = stat ? fileStamp(stat) : undefined;
    } catch {
      stamps[index] = undefined;
    }
    if (performance.now() - sliceStart > 10) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return stamps;
}

export async function applyManifest(
  root: string,
  file: CorpusFile,
  byRelativePath: Map<string, Draft>,
  drafts: Draft[],
  problems: CorpusProblem[],
): Promise<void> {
  const text = await readCorpusText(file, problems);
  if (text === undefined) return;
  const parsed = parseYaml(text, 1, { valueDespiteDuplicateKeys: true });
  for (const error of parsed.errors) {
    if (error.duplicateKey) continue;
    problems.push({ file: file.path, line: error.line, column: error.column, message: `Invalid YAML: ${error.message}`, severity: 'error' });
  }
  if (parsed.value === undefined || parsed.value === null) return;
  // A key written twice in one entry leaves that entry ambiguous: it is set aside, and every other entry loads.
  const duplicateLines = parsed.errors.filter((error) => error.duplicateKey);
  const value = parsed.value as { sources?: unknown };
  if (typeof value !== 'object' || Array.isArray(value) || !Array.isArray(value.sources)) {
    problems.push({ file: file.path, line: 1, message: 'Expected `sources:` followed by a list of entries.', severity: 'error' });
    return;
  }
  const entryLines = value.sources.map((_, index) => parsed.lineOf(['sources', index]));
  const faulty = new Map<number, (typeof duplicateLines)[number]>();
  for (const duplicate of duplicateLines) {
    // A key at the top (column 1), such as a second `sources:`, leaves the whole file ambiguous.
    if (duplicate.column <= 1) {
      problems.push({ file: file.path, line: duplicate.line, column: duplicate.column, message: `Invalid YAML: ${duplicate.message}`, severity: 'error' });
      return;
    }
    let index = entryLines.length - 1;
    while (index >= 0 && entryLines[index] > duplicate.line) index--;
    if (index >= 0 && !faulty.has(index)) faulty.set(index, duplicate);
  }
  value.sources.forEach((entry, index) => {
    const entryLine = entryLines[index];
    const duplicate = faulty.get(index);
    if (duplicate) {
      problems.push({
        file: file.path,
        line: duplicate.line,
        column: duplicate.column,
        message: `Invalid YAML: a field is written twice in the entry at line ${entryLine}, so that entry is skipped; the other entries still load.`,
        severity: 'error',
      });
      return;
    }
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push({ file: file.path, line: entryLine, message: 'Each entry under `sources:` must be a mapping such as `- file: report.md`.', severity: 'error' });
      return;
    }
    const fields = entry as Record<string, unknown>;
    const lineOf = (field: string) => parsed.lineOf(['sources', index, field]);
    let draft: Draft | undefined;
    if (fields.file !== undefined) {
      const declared = ManifestEntrySchema.shape.file.safeParse(fields.file);
      if (!declared.success || declared.data === undefined) {
        problems.push({ file: file.path, line: lineOf('file'), message: '`file` must be the path of a document in the corpus, such as `reports/asylos-2023.pdf`; the entry is skipped.', severity: 'error' });
        return;
      }
      const target = normalizeRelative(declared.data);
      draft = byRelativePath.get(target);
      if (!draft) {
        problems.push({
          file: file.path,
          line: lineOf('file'),
          message: `Entry points at "${String(fields.file)}", which is not a readable source in the corpus.`,
          severity: 'error',
        });
        return;
      }
    } else {
      draft = matchByKey(drafts, fields.key);
      if (!draft) {
        draft = { fields: {}, provenance: {}, corpusRoot: root, origin: { file: file.relativePath, line: entryLine } };
        if (typeof fields.key !== 'string' || !fields.key.trim()) {
          problems.push({ file: file.path, line: entryLine, message: 'An entry without `file` needs a `key`.', severity: 'error' });
          return;
        }
        drafts.push(draft);
      }
    }
    applyFields(draft, fields, 'manifest', file, lineOf, problems);
  });
}

/** A metadata entry without a file describes the source that already has its key, if there is one. */
function matchByKey(drafts: Draft[], key: unknown): Draft | undefined {
  if (typeof key !== 'string') return undefined;
  return drafts.find((draft) => draft.fields.key === key.trim());
}


export async function applyBibliography(
  root: string,
  file: CorpusFile,
  byRelativePath: Map<string, Draft>,
  drafts: Draft[],
  problems: CorpusProblem[],
): Promise<void> {
  const text = await readCorpusText(file, problems);
  if (text === undefined) return;
  let parsed: ParsedBibliography;
  if (file.kind === 'csl-json') {
    // Only JSON that looks like CSL-JSON is a bibliography; other JSON files in a corpus are left alone.
    if (!isCslJsonCandidate(text)) {
      if (/^\s*[[{]/.test(text) && /"(?:id|type|title|issued)"/.test(text)) {
        parsed = parseCslJson(text);
      } else {
        return;
      }
    } else {
      parsed = parseCslJson(text);
    }
  } else {
    parsed = parseBibtex(text);
  }
  for (const problem of parsed.problems) {
    problems.push({ file: file.path, line: problem.line, message: capitalize(problem.message), severity: 'error' });
  }
  const bibFolder = path.posix.dirname(file.relativePath);
  for (const entry of parsed.entries) {
    const lineOf = () => entry.line;
    let draft: Draft | undefined;
    if (entry.files.length > 0) {
      draft = linkedDocument(entry.files, bibFolder, byRelativePath);
      if (!draft) {
        problems.push({
          file: file.path,
          line: entry.line,
          message: `Entry "${entry.key}" links to ${entry.files.map((name) => `"${name}"`).join(', ')}, which is not in the corpus; it is kept as a metadata-only source.`,
          severity: 'warning',
        });
      }
    }
    draft ??= matchByKey(drafts, entry.key);
    if (!draft) {
      draft = { fields: {}, provenance: {}, corpusRoot: root, origin: { file: file.relativePath, line: entry.line } };
      drafts.push(draft);
    }
    applyFields(draft, { ...entry.fields, key: entry.key }, 'bibliography', file, lineOf, problems);
    draft.csl = entry.csl;
  }
}

/** Zotero writes absolute paths from the exporting machine, so a file is also matched by its name alone. */
function linkedDocument(files: string[], bibFolder: string, byRelativePath: Map<string, Draft>): Draft | undefined {
  for (const raw of files) {
    const name = raw.replace(/\\/g, '/');
    const candidates = [normalizeRelative(path.posix.join(bibFolder, name)), normalizeRelative(name)];
    for (const candidate of candidates) {
      const draft = byRelativePath.get(candidate);
      if (draft) return draft;
    }
    const baseName = path.posix.basename(name);
    const byName = [...byRelativePath.entries()].filter(([relative]) => path.posix.basename(relative) === baseName);
    if (byName.length === 1) return byName[0][1];
  }
  return undefined;
}

function capitalize(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
