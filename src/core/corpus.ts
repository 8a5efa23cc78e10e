import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseBibtex, parseCslJson, isCslJsonCandidate, type ParsedBibliography } from './bibliography';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { decodeText, describeError, documentKinds, listCorpusFiles, readTextFile, manifestFileName, type CorpusFile, type CorpusFileKind } from './corpus-files';
import { extractInProcess, type DocumentExtractor, type ExtractedKind } from './extract/document-extractor';
import { ExtractionError, type ExtractedDocument } from './extract/extracted-document';
import { joinPages, type PageMap } from './extract/pages';
import { htmlToText } from './html';
import { checkpointInterval, IndexedText } from './indexed-text';
import { IndexWorkerPool } from './index-worker-pool';
import { scanWords } from './tokenize';
import { Vocabulary } from './vocabulary';
import { inferMetadata } from './inference';
import { readFrontMatter } from './markdown';
import { SourceFieldsSchema, sourceFieldNames, type SourceFields } from './schema';
import type { CorpusProblem, FieldOrigin, FieldProvenance, Source, SourceMetadata } from './source';
import { parseYaml } from './yaml-document';

type FieldName = keyof SourceFields;

export interface Draft {
  fields: Partial<SourceFields>;
  provenance: Partial<Record<FieldName, FieldProvenance>>;
  path?: string;
  relativePath?: string;
  corpusRoot: string;
  /** Where the draft was declared, for messages about it. */
  origin: { file: string; line?: number };
}

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
  workers?: { file: string; count: number; extractionCacheFolder?: string };
}

/**
 * A source's words as numbers, which is all the index keeps of it. The text itself is read again from
 * the file when a passage must be shown (extracted PDF and Word text is kept, since extraction is slow).
 * Shared across reloads while the file is unchanged.
 */
export interface TextEntry {
  ids: Uint32Array;
  /** Start offset of every `checkpointInterval`-th word, so a passage can be located without reading the whole text. */
  checkpoints: Uint32Array;
  /** The text, for sources whose text is expensive to produce again. */
  text?: string;
  /** The file and kind the text is read again from. */
  file: string;
  kind: CorpusFileKind;
  indexed?: IndexedText;
  /** For paged documents (PDF): where each page starts. */
  pages?: PageMap;
}

export interface CachedDocument {
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
}

/** The sources of one or more corpus folders, with everything that went wrong while reading them. */
export class Corpus {
  private readonly byKey = new Map<string, Source>();
  /** Texts read back for passages, most recently used last; older ones are let go beyond a budget. */
  private readonly recentlyRead = new Map<string, IndexedText>();

  constructor(
    readonly roots: readonly string[],
    readonly sources: readonly Source[],
    readonly problems: readonly CorpusProblem[],
    private readonly texts: ReadonlyMap<string, TextEntry>,
    readonly vocabulary: Vocabulary = new Vocabulary(),
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

  /** The source's text as read (front matter removed, HTML reduced to text); undefined for metadata-only sources. */
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
    if (entry.text !== undefined) return entry.text.slice(0, characters);
    if (entry.indexed?.isLoaded) return entry.indexed.text.slice(0, characters);
    return readTextAgain(entry, characters * 4).slice(0, characters);
  }

  /** A matched passage with a little context on each side (enough to judge whether a quote is fair), and its line. */
  passage(key: string, start: number, end: number): { line: number; text: string } | undefined {
    const text = this.text(key);
    if (!text) return undefined;
    const before = Math.max(0, text.text.lastIndexOf('\n', Math.max(0, start - 120)));
    const after = text.text.indexOf('\n', Math.min(text.text.length, end + 120));
    const excerpt = text.excerpt(before, after === -1 ? text.text.length : after);
    return { line: text.lineIndex().lineOf(start) + 1, text: excerpt.length > 900 ? `${excerpt.slice(0, 900)} …` : excerpt };
  }

  /** A source's word numbers; cheap, since the index keeps them. */
  wordIds(key: string): Uint32Array | undefined {
    return this.texts.get(key)?.ids;
  }


  /** Where the pages of a paged source (a PDF) start, if it has pages. */
  pages(key: string): PageMap | undefined {
    return this.texts.get(key)?.pages;
  }

  /** The source's text with its word index; the text is read from its file on first use. */
  text(key: string): IndexedText | undefined {
    const entry = this.texts.get(key);
    if (!entry) return undefined;
    entry.indexed ??= new IndexedText(entry.text ?? (() => readTextAgain(entry)), this.vocabulary, entry.ids, entry.checkpoints);
    this.touch(key, entry.indexed);
    return entry.indexed;
  }

  private touch(key: string, indexed: IndexedText): void {
    this.recentlyRead.delete(key);
    this.recentlyRead.set(key, indexed);
    let budget = maxRecentWords;
    for (const [other, text] of [...this.recentlyRead.entries()].reverse()) {
      budget -= text.wordCount;
      if (budget < 0 && other !== key) {
        text.release();
        this.recentlyRead.delete(other);
      }
    }
  }
}

/** About 60 MB of text: enough for every source a long report quotes, and a bound on memory. */
const maxRecentWords = 10_000_000;

/** Reads a source's text again, exactly as loading prepared it, so that word numbers and offsets agree. */
function readTextAgain(entry: TextEntry, maxBytes?: number): string {
  try {
    const read = decodeText(maxBytes === undefined ? readFileSync(entry.file) : readStart(entry.file, maxBytes));
    if (!read.ok) return '';
    return prepareText(entry.kind, read.text.replace(/^\uFEFF/, '')).text;
  } catch {
    // Deleted since it was indexed: the watcher will reload the corpus; until then there is no text.
    return '';
  }
}

function readStart(file: string, bytes: number): Uint8Array {
  const handle = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const read = readSync(handle, buffer, 0, bytes, 0);
    // A multi-byte character cut at the end would make the whole read look like Windows-1252.
    let end = read;
    if (read === bytes) while (end > 0 && (buffer[end - 1] & 0xc0) === 0x80) end--;
    if (read === bytes && end > 0 && buffer[end - 1] >= 0xc0) end--;
    return buffer.subarray(0, end);
  } finally {
    closeSync(handle);
  }
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
  const pool = options.workers && options.workers.count > 0 ? new IndexWorkerPool(options.workers, vocabulary) : undefined;

  try {
  for (const root of rootList) {
    const files = await listCorpusFiles(root, problems);
    const documents = files.filter((file) => documentKinds.includes(file.kind));
    const manifests = files.filter((file) => file.kind === 'manifest');
    const bibliographies = files.filter((file) => file.kind === 'bibtex' || file.kind === 'csl-json');
    const byRelativePath = new Map<string, Draft>();
    let done = 0;
    const total = files.length;
    const read: DocumentReader = pool ? pool.read : (readRoot, readFile) => readInProcess(readRoot, readFile, options.extract ?? extractInProcess, vocabulary);
    // Unchanged documents cost one stat each, so many run at once; reads queue up in the workers.
    const results = await mapConcurrent(documents, 32, async (file) => {
      if (options.signal?.aborted) return { problems: [] as CorpusProblem[] };
      const result = await readThroughCache(root, file, cache, read);
      options.onProgress?.({ done: ++done, total, file: file.relativePath });
      return result;
    });
    // Results are taken in file order, so which of two sources with one key wins never depends on timing.
    documents.forEach((file, index) => {
      const result = results[index];
      seen.add(file.path);
      problems.push(...result.problems);
      if (!result.loaded) return;
      drafts.push(result.loaded.draft);
      texts.set(result.loaded.draft, result.loaded.entry);
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

  if (cache) {
    cache.lastRemoved = 0;
    for (const cached of [...cache.documents.keys()]) {
      if (seen.has(cached)) continue;
      cache.documents.delete(cached);
      cache.lastRemoved++;
    }
  }

  const sources: Source[] = [];
  const sourceTexts = new Map<string, TextEntry>();
  const claimed = new Map<string, Draft>();
  for (const draft of drafts) {
    const key = draft.fields.key;
    // A metadata-only entry whose key was invalid has already been reported.
    if (!key) continue;
    const earlier = claimed.get(key);
    if (earlier) {
      const where = draft.provenance.key ?? { file: draft.relativePath ?? draft.origin.file, line: draft.origin.line };
      const first = earlier.relativePath ?? earlier.origin.file;
      problems.push({
        file: path.resolve(draft.corpusRoot, where.file),
        // A key inferred from the file name has no line of its own; the file's first line stands for it.
        line: where.line ?? 1,
        message: `Duplicate key "${key}": ${first} already uses it, so ${draft.relativePath ?? 'this entry'} cannot be cited until it gets a key of its own.`,
        severity: 'error',
      });
      continue;
    }
    claimed.set(key, draft);
    const { key: _key, ...metadata } = draft.fields;
    sources.push({
      key,
      metadata: metadata as SourceMetadata,
      provenance: draft.provenance,
      path: draft.path,
      relativePath: draft.relativePath,
      corpusRoot: draft.corpusRoot,
    });
    const text = texts.get(draft);
    if (text !== undefined) sourceTexts.set(key, text);
  }
  return new Corpus(rootList, sources, problems, sourceTexts, vocabulary);
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

/** What reading one document yields: the source (unless it could not be read) and its problems. */
export interface DocumentResult {
  loaded?: { draft: Draft; entry: TextEntry };
  problems: CorpusProblem[];
}

export type DocumentReader = (root: string, file: CorpusFile) => Promise<DocumentResult>;

export async function readInProcess(root: string, file: CorpusFile, extract: DocumentExtractor, vocabulary: Vocabulary): Promise<DocumentResult> {
  const problems: CorpusProblem[] = [];
  const loaded = await loadDocument(root, file, problems, extract);
  return { loaded: loaded && { draft: loaded.draft, entry: textEntry(file, loaded, vocabulary) }, problems };
}

async function readThroughCache(root: string, file: CorpusFile, cache: CorpusCache | undefined, read: DocumentReader): Promise<DocumentResult> {
  if (!cache) return read(root, file);
  const stamp = await fileStamp(file.path);
  const cached = cache.documents.get(file.path);
  if (cached && stamp !== undefined && cached.stamp === stamp) {
    // Manifests and bibliographies write into drafts, so each load starts from a fresh copy.
    const loaded = cached.loaded && { draft: copyDraft(cached.loaded.draft), entry: cached.loaded.entry };
    return { loaded, problems: [...cached.problems] };
  }
  cache.lastRead++;
  const result = await read(root, file);
  if (stamp === undefined) cache.documents.delete(file.path);
  else {
    const loaded = result.loaded && { draft: copyDraft(result.loaded.draft), entry: result.loaded.entry };
    cache.documents.set(file.path, { stamp, loaded, problems: result.problems });
  }
  return result;
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

export function textEntry(file: CorpusFile, loaded: { text: string; pages?: PageMap }, vocabulary: Vocabulary): TextEntry {
  const checkpoints: number[] = [];
  let count = 0;
  let ids = new Uint32Array(Math.max(16, loaded.text.length >> 3));
  const add = (id: number, start: number) => {
    if (count % checkpointInterval === 0) checkpoints.push(start);
    if (count === ids.length) {
      const grown = new Uint32Array(ids.length * 2);
      grown.set(ids);
      ids = grown;
    }
    ids[count++] = id;
  };
  const text = loaded.text;
  scanWords(
    text,
    true,
    (word, start) => add(vocabulary.intern(word), start),
    0,
    (start, end, upper) => add(vocabulary.internRange(text, start, end, upper), start),
  );
  const extracted = file.kind === 'pdf' || file.kind === 'docx';
  return {
    ids: ids.slice(0, count),
    checkpoints: Uint32Array.from(checkpoints),
    text: extracted ? loaded.text : undefined,
    file: file.path,
    kind: file.kind,
    pages: loaded.pages,
  };
}

async function fileStamp(file: string): Promise<string | undefined> {
  try {
    const stat = await fs.stat(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}

export async function loadDocument(
  root: string,
  file: CorpusFile,
  problems: CorpusProblem[],
  extract: DocumentExtractor,
): Promise<{ draft: Draft; text: string; pages?: PageMap } | undefined> {
  let text: string | undefined;
  let pages: PageMap | undefined;
  /** What inference reads: the text without page markers. */
  let plain: string | undefined;
  let documentFields: Record<string, unknown> | undefined;
  if (file.kind === 'pdf' || file.kind === 'docx') {
    const extracted = await extractDocumentText(file, extract, problems);
    if (!extracted) return undefined;
    ({ text, pages } = joinPages(extracted, file.kind === 'pdf'));
    plain = extracted.pages.join('\n\n');
    documentFields = { ...extracted.properties };
  } else {
    text = await readCorpusText(file, problems);
  }
  if (text === undefined) return undefined;
  let htmlFields: Record<string, unknown> | undefined;
  let frontMatter: { yaml: string; firstLine: number } | undefined;
  if (file.kind === 'html' || file.kind === 'markdown') {
    const prepared = prepareText(file.kind, text);
    text = prepared.text;
    htmlFields = prepared.htmlFields;
    frontMatter = prepared.frontMatter;
  }

  const inferred = inferMetadata(file.relativePath, plain ?? text);
  const draft: Draft = {
    fields: {},
    provenance: {},
    path: file.path,
    relativePath: file.relativePath,
    corpusRoot: root,
    origin: { file: file.relativePath },
  };
  const inferredFields: Record<string, unknown> = {
    key: inferred.key,
    title: inferred.title?.value,
    date: inferred.date?.value,
    language: inferred.language,
  };
  const inferredLines: Record<string, number | undefined> = { title: inferred.title?.line, date: inferred.date?.line };
  applyFields(draft, inferredFields, 'inferred', file, () => undefined, problems, { quiet: true, lines: inferredLines });
  if (htmlFields) applyFields(draft, htmlFields, 'inferred', file, () => undefined, problems, { quiet: true });
  // A PDF's or Word file's own properties are often wrong (a template's title, the typist's name), so
  // they rank just above inference and below everything an author wrote down.
  if (documentFields) applyFields(draft, documentFields, 'document-properties', file, () => undefined, problems, { quiet: true });

  if (frontMatter) {
    const parsed = parseYaml(frontMatter.yaml, frontMatter.firstLine);
    for (const error of parsed.errors) {
      problems.push({ file: file.path, line: error.line, column: error.column, message: `Invalid YAML front matter: ${error.message}`, severity: 'error' });
    }
    const value = parsed.value;
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      problems.push({ file: file.path, line: 1, message: 'Front matter must be a YAML mapping (key: value lines).', severity: 'error' });
    } else if (value) {
      const fields = { ...(value as Record<string, unknown>) };
      // Pandoc writes the language as `lang`.
      if (fields.language === undefined && fields.lang !== undefined) fields.language = fields.lang;
      applyFields(draft, fields, 'front-matter', file, (field) => parsed.lineOf([field === 'language' && !('language' in (value as object)) ? 'lang' : field]), problems, {
        ignoreUnknown: true,
      });
    }
  }
  return { draft, text, pages };
}

/** The text a source's words come from: HTML reduced to text, Markdown front matter blanked. */
function prepareText(kind: CorpusFileKind, raw: string): { text: string; htmlFields?: Record<string, unknown>; frontMatter?: { yaml: string; firstLine: number } } {
  if (kind === 'html') {
    const html = htmlToText(raw);
    return { text: html.text, htmlFields: { title: html.title, author: html.author, date: html.date, language: html.language } };
  }
  if (kind === 'markdown') {
    const front = readFrontMatter(raw);
    if (front) {
      // Keep the line count, so lines in the source still match lines in the file.
      return { text: raw.slice(0, front.end).replace(/[^\n]/g, '') + raw.slice(front.end), frontMatter: { yaml: front.yaml, firstLine: 2 } };
    }
  }
  return { text: raw };
}

async function extractDocumentText(file: CorpusFile, extract: DocumentExtractor, problems: CorpusProblem[]): Promise<ExtractedDocument | undefined> {
  try {
    return await extract(file.path, file.kind as ExtractedKind);
  } catch (error) {
    const message = error instanceof ExtractionError ? error.message : `Cannot extract the text: ${describeError(error)}`;
    problems.push({ file: file.path, line: 1, message, severity: error instanceof ExtractionError && error.failure === 'no-text' ? 'warning' : 'error' });
    return undefined;
  }
}

interface ApplyOptions {
  /** Inferred values are guesses; a guess that fails validation is dropped silently. */
  quiet?: boolean;
  /** Front matter carries many fields that are not ours (Pandoc's, for one). */
  ignoreUnknown?: boolean;
  lines?: Record<string, number | undefined>;
}

/** Validates each field on its own, so one bad value costs only that field, and records where each came from. */
function applyFields(
  draft: Draft,
  raw: Record<string, unknown>,
  origin: FieldOrigin,
  file: CorpusFile | { path: string; relativePath: string },
  lineOf: (field: string) => number | undefined,
  problems: CorpusProblem[],
  options: ApplyOptions = {},
): void {
  for (const [field, value] of Object.entries(raw)) {
    if (value === undefined || value === null || value === '') continue;
    if (!(sourceFieldNames as string[]).includes(field)) {
      if (!options.ignoreUnknown && !options.quiet && field !== 'file') {
        problems.push({
          file: file.path,
          line: lineOf(field),
          message: `Unknown field "${field}"; known fields are ${sourceFieldNames.join(', ')}, file.`,
          severity: 'warning',
        });
      }
      continue;
    }
    const schema = SourceFieldsSchema.shape[field as FieldName];
    const result = schema.safeParse(value);
    if (!result.success) {
      if (!options.quiet) {
        const issue = result.error.issues[0];
        problems.push({
          file: file.path,
          line: lineOf(field),
          message: `Invalid ${field} ${JSON.stringify(value)}: ${issue?.message ?? 'not valid'}.`,
          severity: 'error',
        });
      }
      continue;
    }
    (draft.fields as Record<string, unknown>)[field] = result.data;
    draft.provenance[field as FieldName] = { origin, file: file.relativePath, line: options.lines?.[field] ?? lineOf(field) };
  }
}

async function applyManifest(
  root: string,
  file: CorpusFile,
  byRelativePath: Map<string, Draft>,
  drafts: Draft[],
  problems: CorpusProblem[],
): Promise<void> {
  const text = await readCorpusText(file, problems);
  if (text === undefined) return;
  const parsed = parseYaml(text);
  for (const error of parsed.errors) {
    problems.push({ file: file.path, line: error.line, column: error.column, message: `Invalid YAML: ${error.message}`, severity: 'error' });
  }
  if (parsed.value === undefined || parsed.value === null) return;
  const value = parsed.value as { sources?: unknown };
  if (typeof value !== 'object' || Array.isArray(value) || !Array.isArray(value.sources)) {
    problems.push({ file: file.path, line: 1, message: 'Expected `sources:` followed by a list of entries.', severity: 'error' });
    return;
  }
  value.sources.forEach((entry, index) => {
    const entryLine = parsed.lineOf(['sources', index]);
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push({ file: file.path, line: entryLine, message: 'Each entry under `sources:` must be a mapping such as `- file: report.md`.', severity: 'error' });
      return;
    }
    const fields = entry as Record<string, unknown>;
    const lineOf = (field: string) => parsed.lineOf(['sources', index, field]);
    let draft: Draft | undefined;
    if (fields.file !== undefined) {
      const target = normalizeRelative(String(fields.file));
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

function normalizeRelative(file: string): string {
  return path.posix.normalize(file.replace(/\\/g, '/')).replace(/^\.\//, '');
}

async function applyBibliography(
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
