import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CorpusCache, type Draft } from './corpus';
import type { CorpusFileKind } from './corpus-files';
import type { PageMap } from './extract/pages';
import type { CorpusProblem } from './source';
import { Vocabulary } from './vocabulary';

/**
 * The corpus index on disk, so that a second start reads one file instead of every source. Layout:
 *   "CWIX" · format (u32) · header length (u32) · header (UTF-8 JSON) · padding to 4 bytes · word numbers
 * The header holds the vocabulary and, per document, its stamp, metadata, problems and where its word
 * numbers and checkpoints lie in the tail. The tail is used in place (no copy) as typed arrays.
 *
 * Nothing in it is trusted blindly: a file of another format, for other folders, cut short or otherwise
 * unreadable is ignored (and rebuilt); each document is still checked against its file's size and
 * modification time by the loader, so a source changed since is read again.
 */

const magic = 0x58495743; // "CWIX" read as a little-endian u32
export const indexFormat = 3;

interface StoredDocument {
  path: string;
  stamp: string;
  problems: CorpusProblem[];
  loaded?: {
    draft: Draft;
    entry: { file: string; kind: CorpusFileKind; text?: string; pages?: PageMap; ids: [number, number]; checkpoints: [number, number] };
  };
}

interface Header {
  roots: string[];
  words: string[];
  documents: StoredDocument[];
}

/** The index file for a set of corpus folders, inside `folder`. */
export function indexFileFor(folder: string, roots: readonly string[]): string {
  const id = createHash('sha256').update(roots.map((root) => path.resolve(root)).join('\u0000')).digest('hex').slice(0, 24);
  return path.join(folder, `corpus-${id}.cwix`);
}

export async function saveIndex(file: string, roots: readonly string[], cache: CorpusCache): Promise<void> {
  const arrays: Uint32Array[] = [];
  let offset = 0;
  const place = (array: Uint32Array): [number, number] => {
    arrays.push(array);
    const at = offset;
    offset += array.length;
    return [at, array.length];
  };
  const documents: StoredDocument[] = [];
  for (const [documentPath, cached] of cache.documents) {
    const loaded = cached.loaded;
    documents.push({
      path: documentPath,
      stamp: cached.stamp,
      problems: cached.problems,
      loaded: loaded && {
        draft: loaded.draft,
        entry: {
          file: loaded.entry.file,
          kind: loaded.entry.kind,
          text: loaded.entry.text,
          pages: loaded.entry.pages,
          ids: place(loaded.entry.ids),
          checkpoints: place(loaded.entry.checkpoints),
        },
      },
    });
  }
  const header: Header = { roots: roots.map((root) => path.resolve(root)), words: cache.vocabulary.words, documents };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(12);
  prefix.writeUInt32LE(magic, 0);
  prefix.writeUInt32LE(indexFormat, 4);
  prefix.writeUInt32LE(json.length, 8);
  const padding = Buffer.alloc((4 - ((12 + json.length) % 4)) % 4);

  await fs.mkdir(path.dirname(file), { recursive: true });
  // Written aside and renamed into place, so a crash or a second writer never leaves half an index.
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await fs.open(temporary, 'w');
  try {
    await handle.write(prefix);
    await handle.write(json);
    await handle.write(padding);
    for (const array of arrays) {
      if (array.length) await handle.write(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    }
  } finally {
    await handle.close();
  }
  await fs.rename(temporary, file);
}

/** Reads an index written by `saveIndex` for these folders; undefined when there is none or it cannot be trusted. */
export async function loadIndex(file: string, roots: readonly string[]): Promise<CorpusCache | undefined> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch {
    return undefined;
  }
  try {
    if (bytes.length < 12 || bytes.readUInt32LE(0) !== magic || bytes.readUInt32LE(4) !== indexFormat) return undefined;
    const headerLength = bytes.readUInt32LE(8);
    if (12 + headerLength > bytes.length) return undefined;
    const header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as Header;
    const expectedRoots = roots.map((root) => path.resolve(root));
    if (!Array.isArray(header.roots) || header.roots.join('\u0000') !== expectedRoots.join('\u0000')) return undefined;
    let tailStart = 12 + headerLength;
    tailStart += (4 - (tailStart % 4)) % 4;
    // Typed arrays over a Buffer need 4-byte alignment; a Buffer from readFile normally has it.
    const aligned = (bytes.byteOffset + tailStart) % 4 === 0 ? bytes : Buffer.from(bytes);
    const tailLength = Math.floor((aligned.length - tailStart) / 4);
    const tail = new Uint32Array(aligned.buffer, aligned.byteOffset + tailStart, tailLength);
    const slice = ([at, length]: [number, number]) => {
      if (!(at >= 0 && length >= 0 && at + length <= tailLength)) throw new Error('index tail is shorter than its header says');
      return tail.subarray(at, at + length);
    };
    const vocabulary = Vocabulary.from(header.words);
    if (vocabulary.size !== header.words.length) return undefined;
    const cache = new CorpusCache(vocabulary);
    for (const stored of header.documents) {
      const loaded = stored.loaded;
      cache.documents.set(stored.path, {
        stamp: stored.stamp,
        problems: stored.problems,
        loaded: loaded && {
          draft: loaded.draft,
          entry: {
            file: loaded.entry.file,
            kind: loaded.entry.kind,
            text: loaded.entry.text,
            pages: loaded.entry.pages,
            ids: checkIds(slice(loaded.entry.ids), vocabulary.size),
            checkpoints: checkAscending(slice(loaded.entry.checkpoints)),
          },
        },
      });
    }
    return cache;
  } catch {
    return undefined;
  }
}

/** A word number beyond the vocabulary means the file is corrupt; better to rebuild than to crash later. */
function checkIds(ids: Uint32Array, vocabularySize: number): Uint32Array {
  for (let index = 0; index < ids.length; index++) if (ids[index] >= vocabularySize) throw new Error('word number out of range');
  return ids;
}

function checkAscending(offsets: Uint32Array): Uint32Array {
  for (let index = 1; index < offsets.length; index++) if (offsets[index] < offsets[index - 1]) throw new Error('checkpoints out of order');
  return offsets;
}
