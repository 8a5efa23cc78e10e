import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileStamp, maxExtractedFileBytes } from '../corpus/corpus-files';
import { extractDocx } from './docx';
import { ExtractionError, type ExtractedDocument } from './extracted-document';
import { extractPdf } from './pdf';

export type ExtractedKind = 'pdf' | 'docx';

/** Turns a PDF or Word file into text; the extension runs one in a worker thread, the CLI in process. */
export type DocumentExtractor = (file: string, kind: ExtractedKind) => Promise<ExtractedDocument>;

export const extractInProcess: DocumentExtractor = async (file, kind) => {
  const stat = await fs.stat(file);
  if (stat.size > maxExtractedFileBytes) {
    throw new ExtractionError(
      'too-large',
      `This file is too large to extract (${Math.round(stat.size / 1048576)} MB; the limit is ${maxExtractedFileBytes / 1048576} MB). Split it, or cite it as a metadata-only source.`,
    );
  }
  const data = new Uint8Array(await fs.readFile(file));
  return kind === 'pdf' ? extractPdf(data) : extractDocx(data);
};

/** Bumped whenever extraction changes what it produces, so old cache entries are not trusted (3: a PDF's printed title). */
const cacheFormat = 3;

interface CacheEntry {
  format: number;
  file: string;
  stamp: string;
  /** SHA-256 of the document as written, so an entry edited or damaged into other valid JSON is not trusted. */
  checksum: string;
  document: ExtractedDocument;
}

function documentChecksum(document: ExtractedDocument): string {
  return createHash('sha256').update(JSON.stringify(document)).digest('hex');
}

/**
 * Keeps extracted text on disk, keyed by path, size and modification time, so a corpus of hundreds of
 * PDFs is extracted once rather than at every start. An entry that is unreadable, from another format
 * version, for another stamp or failing its checksum is ignored and replaced; the cache never lives inside
 * the corpus.
 */
export function withExtractionCache(extract: DocumentExtractor, folder: string): DocumentExtractor {
  return async (file, kind) => {
    const stat = await fs.stat(file);
    const stamp = fileStamp(stat);
    const entryFile = path.join(folder, `${createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 32)}.json`);
    try {
      const entry = JSON.parse(await fs.readFile(entryFile, 'utf8')) as CacheEntry;
      if (
        entry.format === cacheFormat &&
        entry.file === path.resolve(file) &&
        entry.stamp === stamp &&
        Array.isArray(entry.document?.pages) &&
        entry.checksum === documentChecksum(entry.document)
      ) {
        return entry.document;
      }
    } catch {
      // Missing or corrupt: extract again.
    }
    const document = await extract(file, kind);
    try {
      await fs.mkdir(folder, { recursive: true });
      const entry: CacheEntry = { format: cacheFormat, file: path.resolve(file), stamp, checksum: documentChecksum(document), document };
      // Written aside and renamed, so a crash never leaves half an entry behind.
      const temporary = `${entryFile}.${process.pid}.tmp`;
      await fs.writeFile(temporary, JSON.stringify(entry));
      await fs.rename(temporary, entryFile);
    } catch {
      // A cache that cannot be written only costs time.
    }
    return document;
  };
}

/** Where the CLI keeps what it can rebuild (extracted text, the corpus index): the user's cache folder, never the corpus. */
export function defaultCacheFolder(): string {
  if (process.env.CITEWISE_CACHE_DIR) return process.env.CITEWISE_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(process.env.HOME || process.env.USERPROFILE || process.cwd(), '.cache');
  return path.join(base, 'citewise');
}
