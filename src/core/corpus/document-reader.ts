import type { CslItem } from '../bibliography/bibtex-csl';
import * as path from 'node:path';
import { decodeText, describeError, readTextFileSync, readTextHead, readTextOpening, type CorpusFile, type CorpusFileKind } from './corpus-files';
import { type DocumentExtractor, type ExtractedKind } from '../extract/document-extractor';
import { ExtractionError, type ExtractedDocument } from '../extract/extracted-document';
import { joinPages, type PageMap } from '../extract/pages';
import { htmlToText } from '../metadata/html';
import { readHtmlMetadata, type HtmlMetadata } from '../metadata/html-metadata';
import { inferenceFitsIn, inferMetadata, keyFromFileName, type InferenceScope } from '../metadata/inference';
import { readFrontMatter } from '../report/markdown';
import { SourceFieldsSchema, sourceFieldNames, type SourceFields } from '../metadata/schema';
import { SegmentBuilder, type Segment, type SegmentData, type TextPlacement } from '../index/segment';
import type { CorpusProblem, FieldOrigin, FieldProvenance } from './source';
import { readFileSync } from 'node:fs';
import { indexWords } from '../index/tokenize';
import { Vocabulary } from '../index/vocabulary';
import { parseYaml } from './yaml-document';

type FieldName = keyof SourceFields;

/** A source as its own file and the corpus files about it describe it, before keys are settled. */
export interface Draft {
  fields: Partial<SourceFields>;
  provenance: Partial<Record<FieldName, FieldProvenance>>;
  path?: string;
  relativePath?: string;
  corpusRoot: string;
  /** Where the draft was declared, for messages about it. */
  origin: { file: string; line?: number };
  /** The bibliography entry as pandoc reads it, for `citewise bib`. */
  csl?: CslItem;
}

/**
 * How a document's text is read again when a passage must be shown: straight from the file (UTF-8
 * Markdown and text, whose text is the file's), prepared again from the whole file (HTML, legacy
 * encodings), or kept (text extracted from PDF and Word files, which is slow to extract again).
 */
export type TextKeeping =
  | { kind: 'utf8-file'; stamp: string; byteBase: number; blankUntil: number }
  | { kind: 'prepared' }
  | { kind: 'stored'; text: string }
  /** Kept in the persisted index, in its segment's file, as UTF-8: read when needed, not held in memory. */
  | { kind: 'in-segment'; offset: number; length: number; checksum: number };

/** What the index keeps of one document besides its words: where its text is and how to read it. */
export interface DocumentText {
  /** The document's number in its segment. */
  document: number;
  wordCount: number;
  file: string;
  kind: CorpusFileKind;
  keeping: TextKeeping;
  /** For paged documents (PDF): where each page starts. */
  pages?: PageMap;
  /**
   * For web pages whose main content was found: its words, [first, past the end). Search shows passages
   * only from there, so a site's menus, banners and teaser lists do not turn up as hits; quotes are still
   * checked against every word of the page.
   */
  mainWords?: [number, number];
}

/** What reading one document yields: its draft and text (unless it could not be read) and its problems. */
export interface DocumentResult {
  loaded?: { draft: Draft; text: DocumentText };
  problems: CorpusProblem[];
}

/** Reads a batch of documents into a segment. */
export type BatchReader = (root: string, files: readonly CorpusFile[]) => Promise<{ results: DocumentResult[]; segment: Segment }>;

/** What reading a batch of documents yields: one result per file, in order, and the segment of their words. */
export interface BatchResult {
  results: DocumentResult[];
  segment: SegmentData;
}

/** A document read and prepared: the text words are taken from, and how it relates to the file. */
interface PreparedDocument {
  draft: Draft;
  text: string;
  pages?: PageMap;
  keeping: TextKeeping;
  placement?: TextPlacement;
  /** For a web page: where its main content is in `text`, [start, end). */
  mainContent?: [number, number];
}

/**
 * Reads a batch of documents and indexes their words into one segment, numbering words with
 * `vocabulary` (the corpus's own, or a worker's, which the pool then maps). Failures become problems
 * of the file at fault; the rest of the batch is unaffected.
 */
export async function readBatch(
  root: string,
  files: readonly CorpusFile[],
  extract: DocumentExtractor,
  vocabulary: Vocabulary,
  /** Reused from batch to batch by a worker: its tables grow with the vocabulary, and fresh memory is slow. */
  builder = new SegmentBuilder(),
  /** Told as each file is taken up, so that a worker's pool can time each file. */
  onFileStart?: (index: number) => void,
): Promise<BatchResult> {
  const results: DocumentResult[] = [];
  for (const [index, file] of files.entries()) {
    onFileStart?.(index);
    const { prepared, problems } = await prepareDocument(root, file, extract, 'text');
    if (!prepared) {
      results.push({ problems });
      continue;
    }
    let document: number;
    const main = prepared.mainContent;
    let words = 0;
    let mainFirst = -1;
    let mainEnd = 0;
    try {
      indexWords(prepared.text, vocabulary, (id, start) => {
        builder.add(id, start);
        if (main && start >= main[0] && start < main[1]) {
          if (mainFirst < 0) mainFirst = words;
          mainEnd = words + 1;
        }
        words++;
      });
      document = builder.endDocument(prepared.placement);
    } catch (error) {
      builder.abandonDocument();
      problems.push({ file: file.path, line: 1, message: `Cannot index this file: ${describeError(error)}`, severity: 'error' });
      results.push({ problems });
      continue;
    }
    results.push({
      loaded: {
        draft: prepared.draft,
        text: {
          document,
          wordCount: builder.wordCountOf(document),
          file: file.path,
          kind: file.kind,
          keeping: prepared.keeping,
          pages: prepared.pages,
          ...(mainFirst >= 0 ? { mainWords: [mainFirst, mainEnd] as [number, number] } : {}),
        },
      },
      problems,
    });
  }
  return { results, segment: builder.build() };
}

/** A document read and prepared, or the problems that kept it from being read; a failure is the file's problem, never the caller's. */
async function prepareDocument(
  root: string,
  file: CorpusFile,
  extract: DocumentExtractor,
  wanted: Wanted,
  scope: InferenceScope = 'all',
): Promise<{ prepared?: PreparedDocument; problems: CorpusProblem[] }> {
  const problems: CorpusProblem[] = [];
  try {
    return { prepared: await loadDocument(root, file, problems, extract, wanted, scope), problems };
  } catch (error) {
    problems.push({ file: file.path, line: 1, message: `Cannot read this file: ${describeError(error)}`, severity: 'error' });
    return { problems };
  }
}

/** A document's draft (unless it could not be read) and its problems, without its text. */
export interface DraftResult {
  draft?: Draft;
  problems: CorpusProblem[];
}

/** Reads the drafts of a batch of documents, in order. */
export type DraftReader = (root: string, files: readonly CorpusFile[]) => Promise<DraftResult[]>;

/**
 * A document's draft and problems as `readBatch` gives them, without indexing its words: for when only its
 * metadata is wanted. With scope 'key-and-title', the same but for the date and language inference would
 * read from the text (fields and problems from anywhere else, front matter and page metadata included, are the same).
 */
export async function readDocumentDraft(root: string, file: CorpusFile, extract: DocumentExtractor, scope: InferenceScope = 'all'): Promise<DraftResult> {
  const { prepared, problems } = await prepareDocument(root, file, extract, 'draft', scope);
  return { draft: prepared?.draft, problems };
}

/**
 * What a document is read for: its text, to index (and its draft), or its draft alone, which needs only
 * the opening of a Markdown or plain text file decoded (see `readTextOpening`); `text` is then that opening.
 */
type Wanted = 'text' | 'draft';

/**
 * How much of a Markdown or plain text file is decoded when only its draft is wanted: inference reads
 * 400 lines and 20,000 characters (`inferenceFitsIn`), which ordinary text holds in half of this.
 */
const draftOpeningBytes = 64 * 1024;

async function loadDocument(
  root: string,
  file: CorpusFile,
  problems: CorpusProblem[],
  extract: DocumentExtractor,
  wanted: Wanted,
  scope: InferenceScope,
): Promise<PreparedDocument | undefined> {
  let text: string;
  let pages: PageMap | undefined;
  /** What inference reads: the text without page markers. */
  let plain: string | undefined;
  let documentFields: Record<string, unknown> | undefined;
  let printedTitle: string | undefined;
  let keeping: TextKeeping;
  let placement: TextPlacement | undefined;
  let html: HtmlMetadata | undefined;
  let mainContent: [number, number] | undefined;
  let frontMatter: { yaml: string; firstLine: number } | undefined;
  /** The whole text inference would have read, when `text` is an opening of it. */
  let wholeText: (() => string) | undefined;
  if (file.kind === 'pdf' || file.kind === 'docx') {
    const extracted = await extractDocumentText(file, extract, problems);
    if (!extracted) return undefined;
    ({ text, pages } = joinPages(extracted, file.kind === 'pdf'));
    plain = extracted.pages.join('\n\n');
    documentFields = { ...extracted.properties };
    printedTitle = extracted.printedTitle;
    keeping = { kind: 'stored', text };
  } else {
    // A page's metadata is read from all of its markup.
    const read = wanted === 'draft' && file.kind !== 'html' ? readTextOpening(file.path, draftOpeningBytes) : readTextFileSync(file.path);
    if (!read.ok) {
      problems.push({ file: file.path, line: 1, message: read.message, severity: 'error' });
      return undefined;
    }
    if (read.warning) problems.push({ file: file.path, line: 1, message: read.warning, severity: 'warning' });
    let raw = read.text.replace(/^\uFEFF/, '');
    let prepared = prepareText(file.kind, raw);
    if ('opening' in read && read.opening) {
      // Exactly what the whole text yields, or else the whole text: front matter must close within the opening.
      if (inferenceFitsIn(prepared.text) && (prepared.frontMatter || !/^---[ \t]*\r?\n/.test(raw))) {
        wholeText = () => prepareText(file.kind, read.wholeText().replace(/^\uFEFF/, '')).text;
      } else {
        raw = read.wholeText().replace(/^\uFEFF/, '');
        prepared = prepareText(file.kind, raw);
      }
    }
    if (file.kind === 'markdown' && !prepared.frontMatter && /^---[ \t]*\r?\n/.test(raw)) {
      problems.push({
        file: file.path,
        line: 1,
        message: 'The front matter that opens on line 1 is never closed by a `---` line: it was read as text, and none of its fields were used.',
        severity: 'warning',
      });
    }
    text = prepared.text;
    // Metadata and main content come from a parsed page; the text quotes are checked against stays the whole page's.
    if (file.kind === 'html') {
      html = readHtmlMetadata(raw);
      plain = html.mainText;
      mainContent = plain === undefined ? undefined : placeWithin(text, plain);
    }
    frontMatter = prepared.frontMatter;
    if (file.kind !== 'html' && read.encoding === 'utf-8' && 'stamp' in read && read.stamp && raw.length === read.text.length) {
      keeping = { kind: 'utf8-file', stamp: read.stamp, byteBase: read.bomBytes, blankUntil: prepared.blankUntil ?? 0 };
      placement = { text: raw, byteBase: read.bomBytes, singleByte: read.byteLength === read.bomBytes + raw.length };
    } else {
      keeping = { kind: 'prepared' };
    }
  }

  const inferred = inferMetadata(file.relativePath, plain ?? text, printedTitle, wholeText, scope);
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
    // A page's date comes from its publication cues alone (readHtmlMetadata reads its main text last).
    date: html ? undefined : inferred.date?.value,
    language: inferred.language,
  };
  applyFields(draft, inferredFields, 'inferred', file, () => undefined, problems, { quiet: true, evidence: { title: inferred.title, date: inferred.date } });
  if (html) {
    const { title, author, publisher, date } = html;
    const htmlFields = { title: title?.value, author: author?.value, publisher: publisher?.value, date: date?.value, language: html.language };
    applyFields(draft, htmlFields, 'inferred', file, () => undefined, problems, { quiet: true, evidence: { title, author, publisher, date } });
  }
  // A PDF's or Word file's own properties are often wrong (a template's title, the typist's name), so
  // they rank just above inference and below everything an author wrote down.
  if (documentFields) applyFields(draft, documentFields, 'document-properties', file, () => undefined, problems, { quiet: true });

  if (frontMatter) applyFrontMatter(draft, frontMatter, file, problems);
  return { draft, text, pages, keeping, placement, mainContent };
}

function applyFrontMatter(draft: Draft, frontMatter: { yaml: string; firstLine: number }, file: CorpusFile, problems: CorpusProblem[]): void {
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

/** How much of a Markdown file `keyDraft` reads: front matter, where a key may be declared, is rarely longer. */
const keyHeadBytes = 8 * 1024;

/**
 * A document's draft as far as its key: the file name's, or the one a Markdown file's front matter
 * declares, read from the head of the file alone (other fields such front matter sets come along). Only
 * Markdown is read, since only its front matter can declare a key; undefined when reading it whole would
 * fail as the head already shows (a binary file, one too large, one that cannot be opened), so that such
 * a file claims no key. Where the head cannot vouch for the front matter the whole file would yield (the
 * front matter runs past the head, or the head is not plain UTF-8), the whole file is read. What only a
 * full read finds (a NUL byte deep in a file, a PDF without text) is left to the full load.
 */
export function keyDraft(root: string, file: CorpusFile, problems: CorpusProblem[]): Draft | undefined {
  const draftFrom = (frontMatter: { yaml: string; firstLine: number } | undefined, found: CorpusProblem[]): Draft => {
    const draft: Draft = { fields: {}, provenance: {}, path: file.path, relativePath: file.relativePath, corpusRoot: root, origin: { file: file.relativePath } };
    // As loading gives it: the inferred key comes from the file name, whatever the text says.
    applyFields(draft, { key: keyFromFileName(file.relativePath) }, 'inferred', file, () => undefined, found, { quiet: true });
    // Parsing is the costly part, and front matter that never writes `key` (even escaped) declares none.
    if (frontMatter && /key|\\/.test(frontMatter.yaml)) applyFrontMatter(draft, frontMatter, file, found);
    return draft;
  };
  if (file.kind !== 'markdown') return draftFrom(undefined, problems);
  const head = readTextHead(file.path, keyHeadBytes);
  if (!head.ok) return undefined;
  const raw = head.text.replace(/^\uFEFF/, '');
  const frontMatter = prepareText('markdown', raw).frontMatter;
  const found: CorpusProblem[] = [];
  const draft = draftFrom(frontMatter, found);
  // A file that is not UTF-8 further on is read as Windows-1252 whole, which reads a key written in other
  // than ASCII differently; structure and ASCII read the same either way.
  const vouched = head.whole || (head.encoding === 'utf-8' && !head.warning && (!/^---[ \t]*\r?\n/.test(raw) || frontMatter !== undefined) && /^[\u0000-\u007f]*$/.test(draft.fields.key ?? ''));
  if (vouched) {
    for (const problem of found) problems.push(problem);
    return draft;
  }
  const read = readTextFileSync(file.path);
  if (!read.ok) return undefined;
  return draftFrom(prepareText('markdown', read.text.replace(/^\uFEFF/, '')).frontMatter, problems);
}

/**
 * Where a page's main content stands in the page's whole text: from its first line to its last (lines of
 * some length, found in order), or undefined when they cannot both be found. Both texts come from the same
 * conversion of markup to text, so the article's lines stand in the page's text as they are.
 */
function placeWithin(text: string, main: string): [number, number] | undefined {
  const lines = main.split('\n').map((line) => line.trim()).filter((line) => line.length >= 20);
  if (lines.length === 0) return undefined;
  const start = text.indexOf(lines[0]);
  if (start < 0) return undefined;
  const last = lines[lines.length - 1];
  const lastAt = text.indexOf(last, start);
  return lastAt < 0 ? undefined : [start, lastAt + last.length];
}

/**
 * The text a source's words come from: HTML reduced to text, Markdown front matter blanked. Blanking
 * keeps every offset and line of the file, so a passage can be read from the file where the index says.
 */
function prepareText(
  kind: CorpusFileKind,
  raw: string,
): { text: string; frontMatter?: { yaml: string; firstLine: number }; blankUntil?: number } {
  if (kind === 'html') return { text: htmlToText(raw) };
  if (kind === 'markdown') {
    const front = readFrontMatter(raw);
    if (front) {
      return { text: raw.slice(0, front.end).replace(/[^\r\n]/g, ' ') + raw.slice(front.end), frontMatter: { yaml: front.yaml, firstLine: 2 }, blankUntil: front.end };
    }
  }
  return { text: raw };
}

/** A document's text read again from its file, exactly as loading prepared it, so that offsets agree. */
export function readPreparedText(file: string, kind: CorpusFileKind): string {
  try {
    const read = decodeText(readFileSync(file));
    if (!read.ok) return '';
    return prepareText(kind, read.text.replace(/^\uFEFF/, '')).text;
  } catch {
    // Deleted since it was indexed: the watcher will reload the corpus; until then there is no text.
    return '';
  }
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
  /** Where each inferred value was read: line, cue and confidence. */
  evidence?: Partial<Record<FieldName, Evidence>>;
}

type Evidence = Pick<FieldProvenance, 'line' | 'cue' | 'confidence'>;

/** Validates each field on its own, so one bad value costs only that field, and records where each came from. */
export function applyFields(
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
    const evidence = options.evidence?.[field as FieldName];
    draft.provenance[field as FieldName] = {
      origin,
      file: file.relativePath,
      line: evidence?.line ?? lineOf(field),
      ...(evidence?.cue !== undefined ? { cue: evidence.cue } : {}),
      ...(evidence?.confidence !== undefined ? { confidence: evidence.confidence } : {}),
    };
  }
}

/** A path inside a corpus, as manifests and bibliographies name it. */
export function normalizeRelative(file: string): string {
  return path.posix.normalize(file.replace(/\\/g, '/')).replace(/^\.\//, '');
}
