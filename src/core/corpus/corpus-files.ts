import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, promises as fs, readSync } from 'node:fs';
import * as path from 'node:path';
import type { CorpusProblem } from './source';

/** Kinds of file a corpus is made of; anything else in the folder is left alone. */
export type CorpusFileKind = 'markdown' | 'text' | 'html' | 'pdf' | 'docx' | 'manifest' | 'bibtex' | 'csl-json';

export const documentKinds: readonly CorpusFileKind[] = ['markdown', 'text', 'html', 'pdf', 'docx'];

export interface CorpusFile {
  kind: CorpusFileKind;
  path: string;
  /** Relative to the corpus root, with forward slashes. */
  relativePath: string;
}

const byExtension: Record<string, CorpusFileKind> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'text',
  '.html': 'html',
  '.htm': 'html',
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.bib': 'bibtex',
  '.json': 'csl-json',
};

export const manifestFileName = 'corpus.yaml';
/** Folders that hold tooling, not sources. */
const skippedFolders = new Set(['node_modules', '.git', '.hg', '.svn', '.vscode', '.citewise']);

function classify(relativePath: string): CorpusFileKind | undefined {
  if (relativePath === manifestFileName || relativePath === 'corpus.yml') return 'manifest';
  return byExtension[path.extname(relativePath).toLowerCase()];
}

/**
 * Lists a corpus folder recursively. Symbolic links are followed only while their resolved target stays
 * inside the corpus root: a link out of it (to `/etc`, to a home folder) would let a corpus someone else
 * wrote read any file the user can, so it is a corpus problem and is not read. Each real folder is
 * entered once, so a link back up the tree cannot loop.
 */
export async function listCorpusFiles(root: string, problems: CorpusProblem[]): Promise<CorpusFile[]> {
  const files: CorpusFile[] = [];
  const seenFolders = new Set<string>();
  const seenFiles = new Set<string>();
  let realRoot: string;

  // Folders are walked from an explicit stack, not by recursion, so a corpus nested thousands of levels
  // deep cannot exhaust the call stack; a folder's entries are taken in name order and a subfolder is
  // entered where it sorts, so files keep the order (and the keys) a recursive walk gives them. A folder's
  // real path is its parent's plus its name, so only a link costs a realpath.
  interface Frame {
    folder: string;
    relative: string;
    real: string;
    entries: import('node:fs').Dirent[];
    next: number;
  }
  const open = async (folder: string, relative: string, real: string): Promise<Frame | undefined> => {
    if (seenFolders.has(real)) return undefined;
    seenFolders.add(real);
    try {
      const entries = await fs.readdir(folder, { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return { folder, relative, real, entries, next: 0 };
    } catch (error) {
      problems.push({ file: folder, line: 1, message: `Cannot read folder: ${describeError(error)}`, severity: 'error' });
      return undefined;
    }
  };
  const walk = async (root: Frame | undefined): Promise<void> => {
    const stack = root ? [root] : [];
    while (stack.length) {
      const frame = stack[stack.length - 1];
      const entry = frame.entries[frame.next++];
      if (!entry) {
        stack.pop();
        continue;
      }
      const full = path.join(frame.folder, entry.name);
      const relativePath = frame.relative ? `${frame.relative}/${entry.name}` : entry.name;
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      let realPath = path.join(frame.real, entry.name);
      if (entry.isSymbolicLink()) {
        try {
          realPath = await fs.realpath(full);
          const target = await fs.stat(realPath);
          isDirectory = target.isDirectory();
          isFile = target.isFile();
        } catch (error) {
          problems.push({ file: full, line: 1, message: describeLinkError(error), severity: 'warning' });
          continue;
        }
        if (!isInsideFolder(realPath, realRoot)) {
          if (isDirectory || (isFile && classify(relativePath) && !entry.name.startsWith('.'))) {
            problems.push({
              file: full,
              line: 1,
              message: 'Symbolic link to a file or folder outside the corpus: it is not read. Copy what it points at into the corpus to use it.',
              severity: 'warning',
            });
          }
          continue;
        }
      }
      if (isDirectory) {
        if (entry.name.startsWith('.') || skippedFolders.has(entry.name)) continue;
        const child = await open(full, relativePath, realPath);
        if (child) stack.push(child);
      } else if (isFile) {
        const kind = classify(relativePath);
        if (!kind || entry.name.startsWith('.')) continue;
        if (entry.name.includes('\uFFFD') && !(await exists(full))) {
          // Node hands over names as UTF-8, replacing bytes that are not; the mangled name opens nothing.
          problems.push({ file: full, line: 1, message: 'The file name is not valid UTF-8, so the file cannot be opened: rename it.', severity: 'warning' });
          continue;
        }
        if (seenFiles.has(realPath)) continue;
        seenFiles.add(realPath);
        files.push({ kind, path: full, relativePath });
      }
    }
  };

  try {
    const stat = await fs.stat(root);
    if (!stat.isDirectory()) {
      problems.push({ file: root, message: 'The corpus path is not a folder.', severity: 'error' });
      return files;
    }
    realRoot = await fs.realpath(root);
  } catch {
    problems.push({ file: root, message: 'The corpus folder does not exist.', severity: 'error' });
    return files;
  }
  await walk(await open(root, '', realRoot));
  return files;
}

/** Whether `file` is `folder` or lies below it; both must already be real paths (links resolved). */
export function isInsideFolder(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}

function describeLinkError(error: unknown): string {
  const code = error && typeof error === 'object' && 'code' in error ? (error as NodeJS.ErrnoException).code : undefined;
  if (code === 'ELOOP') return 'Symbolic link loop: the link leads back to itself, so it has no target.';
  if (code === 'ENOENT') return 'Broken symbolic link: its target does not exist.';
  return `Cannot follow symbolic link: ${describeError(error)}`;
}

/**
 * What tells a file's version from the one read before without reading it: size, modification time, and
 * the change time. An edit that keeps the size and sets the old modification time back (`touch -d`, a
 * copy tool, an attacker) still moves the change time, which no one can set; a stat costs no more for it.
 */
export function fileStamp(stat: { size: number; mtimeMs: number; ctimeMs: number }): string {
  return `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
}

/** Files larger than this are not read as text: they would only exhaust memory. */
const maxTextFileBytes = 100 * 1024 * 1024;
/** PDFs and Word files larger than this are not extracted: a report of that size is almost always scans. */
export const maxExtractedFileBytes = 150 * 1024 * 1024;

type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be' | 'windows-1252';

type ReadResult =
  | {
      ok: true;
      text: string;
      warning?: string;
      encoding: TextEncoding;
      /** Bytes of the byte-order mark the text was read past (0 without one). */
      bomBytes: number;
      /** The file's length in bytes. */
      byteLength: number;
    }
  | { ok: false; message: string };

/** Reads a text file as UTF-8, refusing binary files and falling back to Windows-1252 for legacy encodings. */
export async function readTextFile(file: string): Promise<ReadResult> {
  let bytes: Buffer;
  try {
    const stat = await fs.stat(file);
    if (stat.size > maxTextFileBytes) {
      return { ok: false, message: `File is too large to read as text (${Math.round(stat.size / 1048576)} MB; the limit is ${maxTextFileBytes / 1048576} MB).` };
    }
    bytes = await fs.readFile(file);
  } catch (error) {
    return { ok: false, message: `Cannot read file: ${describeError(error)}` };
  }
  return decodeText(bytes);
}

/** A buffer reused from file to file: fresh memory costs page faults, which dominate reading many files. */
let readBuffer = Buffer.allocUnsafe(1 << 20);

/**
 * `readTextFile` for threads that may block (index workers, the CLI): reads into a reused buffer. The
 * stamp (size and modification time) is of the handle that was read, so it always describes these bytes.
 */
export function readTextFileSync(file: string): ReadResult & { stamp?: string } {
  const read = readSyncUpTo(file, Infinity);
  if (!read.ok) return read;
  const decoded = decodeText(read.bytes);
  return decoded.ok ? { ...decoded, stamp: read.stamp } : decoded;
}

/**
 * The first `bytes` bytes of a text file, decoded as `readTextFile` decodes the whole; cut after a line
 * break, so no character is cut in two. `whole` tells whether that is the whole file. A file the whole
 * read would refuse for its size or kind is refused here too.
 */
export function readTextHead(file: string, bytes: number): (ReadResult & { whole: boolean }) | { ok: false; message: string } {
  const read = readSyncUpTo(file, bytes);
  if (!read.ok) return read;
  // A head ends after its last line break: a UTF-8 character never contains that byte.
  const decoded = decodeText(read.whole ? read.bytes : read.bytes.subarray(0, read.bytes.lastIndexOf(0x0a) + 1));
  return decoded.ok ? { ...decoded, whole: read.whole } : decoded;
}

/**
 * A text file read whole and checked as `readTextFileSync` checks it (its size and kind, NUL bytes, its
 * encoding), so that it is refused or warned about alike, but of a UTF-8 file only the opening is decoded:
 * its first `openingBytes` bytes, cut after a line break. Making a string of every byte is most of what
 * reading a file costs, and metadata is read from the opening. `opening` is false when `text` is the
 * whole text (a short file, another encoding); `wholeText` decodes it whole when it is wanted after all.
 */
export function readTextOpening(file: string, openingBytes: number): (ReadResult & { ok: true; opening: boolean; wholeText: () => string }) | { ok: false; message: string } {
  // The bytes outlive the read, for wholeText, so they are not read into the reused buffer.
  const read = readSyncUpTo(file, Infinity, (size) => Buffer.allocUnsafe(size));
  if (!read.ok) return read;
  const { bytes } = read;
  const end = bytes.length > openingBytes ? bytes.lastIndexOf(0x0a, openingBytes - 1) + 1 : 0;
  const decoded = decodeText(bytes, end || bytes.length);
  if (!decoded.ok) return decoded;
  if (!decoded.opening) return { ...decoded, opening: false, wholeText: () => decoded.text };
  return { ...decoded, opening: true, wholeText: () => utf8Decoder.decode(bytes) };
}

/** Reads a file's bytes, up to `limit`, with the stamp (size and modification time) of the handle read. */
function readSyncUpTo(
  file: string,
  limit: number,
  /** Where the bytes go: by default a buffer reused from file to file. */
  bufferFor?: (size: number) => Buffer,
): { ok: true; bytes: Buffer; stamp: string; whole: boolean } | { ok: false; message: string } {
  let handle: number | undefined;
  try {
    // Not blocking: a file swapped for a named pipe since it was listed would otherwise hold the thread until
    // something writes to the pipe. It is refused below, as the listing refuses pipes.
    handle = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stat = fstatSync(handle);
    if (!stat.isFile()) return { ok: false, message: 'Cannot read file: it is no longer a regular file (a pipe or a device took its place).' };
    if (stat.size > maxTextFileBytes) {
      return { ok: false, message: `File is too large to read as text (${Math.round(stat.size / 1048576)} MB; the limit is ${maxTextFileBytes / 1048576} MB).` };
    }
    const wanted = Math.min(stat.size, limit);
    let buffer: Buffer;
    if (bufferFor) {
      buffer = bufferFor(wanted);
    } else {
      if (wanted > readBuffer.length) readBuffer = Buffer.allocUnsafe(Math.max(wanted, readBuffer.length * 2));
      buffer = limit < stat.size ? readBuffer.subarray(0, wanted) : readBuffer;
    }
    let length = 0;
    for (let read = -1; read !== 0 && length < buffer.length; length += read) read = readSync(handle, buffer, length, buffer.length - length, length);
    return { ok: true, bytes: buffer.subarray(0, length), stamp: fileStamp(stat), whole: length >= stat.size };
  } catch (error) {
    return { ok: false, message: `Cannot read file: ${describeError(error)}` };
  } finally {
    if (handle !== undefined) closeSync(handle);
  }
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * A file's bytes as text: UTF-8 (or UTF-16 or UTF-32 with a byte-order mark, or UTF-16 without one), else
 * Windows-1252; refused when binary. Given `openingEnd` (just after a line break), a UTF-8 text is decoded
 * only that far, its rest checked without being made into a string, and `opening` says so.
 */
export function decodeText(bytes: Uint8Array, openingEnd = bytes.length): ReadResult & { opening?: true } {
  const byteLength = bytes.length;
  // UTF-32's byte-order mark begins with UTF-16's, so it is tested first.
  if (bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0) return decodeUtf32(bytes, true);
  if (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff) return decodeUtf32(bytes, false);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    const encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    return { ok: true, text: new TextDecoder(encoding).decode(bytes), encoding, bomBytes: 2, byteLength };
  }
  // Buffer's indexOf is a memchr: every byte is checked, so a NUL deep in a file is not taken into its text.
  const nul = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(0);
  if (nul >= 0) {
    const utf16 = utf16WithoutMark(bytes.subarray(0, 8192));
    if (utf16) {
      return {
        ok: true,
        text: new TextDecoder(utf16).decode(bytes),
        warning: `UTF-16 without a byte-order mark: read as ${utf16.toUpperCase()}. Save the file as UTF-8 to be sure quotes match.`,
        encoding: utf16,
        bomBytes: 0,
        byteLength,
      };
    }
    return { ok: false, message: `Binary file: it contains a NUL byte (at byte ${nul}), so it is not a text source.` };
  }
  try {
    const bomBytes = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    if (openingEnd < byteLength) {
      // isUtf8 accepts exactly what the strict decoder accepts, without building the string.
      if (!isUtf8(bytes)) throw new TypeError('not UTF-8');
      return { ok: true, text: utf8Decoder.decode(bytes.subarray(0, openingEnd)), encoding: 'utf-8', bomBytes, byteLength, opening: true };
    }
    return { ok: true, text: utf8Decoder.decode(bytes), encoding: 'utf-8', bomBytes, byteLength };
  } catch {
    return {
      ok: true,
      text: decodeWindows1252(bytes),
      warning: 'Not valid UTF-8: read as Windows-1252. Save the file as UTF-8 to be sure quotes match.',
      encoding: 'windows-1252',
      bomBytes: 0,
      byteLength,
    };
  }
}

/**
 * Text in UTF-16 saved without a byte-order mark: an even length, and the high byte of (nearly) every
 * character zero, as it is for Latin text; a binary file has NULs scattered at both parities.
 */
function utf16WithoutMark(sniff: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const pairs = sniff.length >> 1;
  if (pairs < 2) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let index = 0; index + 1 < sniff.length; index += 2) {
    if (sniff[index] === 0) evenZeros++;
    if (sniff[index + 1] === 0) oddZeros++;
  }
  if (oddZeros >= pairs * 0.6 && evenZeros === 0) return 'utf-16le';
  if (evenZeros >= pairs * 0.6 && oddZeros === 0) return 'utf-16be';
  return undefined;
}

/** UTF-32 (which TextDecoder does not read), refused as binary where a unit is no Unicode character. */
function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): ReadResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text = '';
  for (let offset = 4; offset + 3 < bytes.length; offset += 4) {
    const code = view.getUint32(offset, littleEndian);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || code === 0) {
      return { ok: false, message: `Binary file: it starts with a UTF-32 byte-order mark, but byte ${offset} holds no character.` };
    }
    text += String.fromCodePoint(code);
  }
  return {
    ok: true,
    text,
    warning: 'UTF-32 text: read as such. Save the file as UTF-8 to be sure quotes match.',
    encoding: littleEndian ? 'utf-32le' : 'utf-32be',
    bomBytes: 4,
    byteLength: bytes.length,
  };
}

/**
 * Bytes 0x80-0x9F as Windows-1252 reads them (curly quotes, dashes, the euro sign); the five bytes it leaves
 * undefined stay C1 controls, as the WHATWG Encoding Standard has it.
 */
const windows1252High =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Node 20.18.3 and later decode 'windows-1252' as Latin-1 (nodejs/node#60888), which turns curly quotes into
 * invisible control characters; the high range is mapped here so the result is right on every version.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  return new TextDecoder('windows-1252').decode(bytes).replace(/[\u0080-\u009f]/g, (c) => windows1252High[c.charCodeAt(0) - 0x80]);
}

export function describeError(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EISDIR') return 'it is a folder';
  }
  return error instanceof Error ? error.message : String(error);
}
