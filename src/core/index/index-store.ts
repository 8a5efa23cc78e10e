import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CorpusCache, type TextEntry } from '../corpus/corpus';
import { isInsideFolder, type CorpusFileKind } from '../corpus/corpus-files';
import type { Confidence } from '../metadata/dates';
import type { DocumentText, Draft, TextKeeping } from '../corpus/document-reader';
import type { PageMap } from '../extract/pages';
import { directorySteps, type Directory, type SavedDirectory } from '../search/search';
import { bySegmentName, bytesChecksum, positionBlockSize, Segment, type SegmentCore, type SegmentParts, type SegmentPostings } from './segment';
import type { CorpusProblem } from '../corpus/source';
import { Vocabulary } from './vocabulary';

/**
 * The corpus index on disk, so that a second start reads a small manifest instead of every source.
 * It is a folder per set of corpus folders, holding:
 *
 *   index.cwm          the manifest: the vocabulary and, per document, its stamp, metadata, problems and
 *                      where its words are (a document of a segment)
 *   <segment id>.cws   one file per segment, written once and never changed: its word table and
 *                      checkpoints (read at start), its postings (read when search first needs them)
 *                      and its documents' words (read one document at a time, when a quote is checked)
 *
 * Both kinds of file start with a magic number, the format, and a checksum of what follows, and are
 * written aside and renamed into place. Nothing is trusted blindly: a manifest of another format, for
 * other folders, cut short or failing its checksum is ignored (and the corpus read again); a segment
 * file that is missing or damaged costs its documents, which are read again; each document is still
 * checked against its file's size and modification time by the loader; and a document's words read
 * from disk are checked against their own checksum before use.
 */

const manifestMagic = 0x4d495743; // "CWIM"
const segmentMagic = 0x53495743; // "CWIS"
const directoryMagic = 0x44495743; // "CWID"
// 5: provenance keeps an inferred value's cue and confidence, and inference changed (issue 13).
// 6: a PDF's title from its first page's largest text, web-page dates beside the heading (issue 13).
const indexFormat = 7;
const manifestName = 'index.cwm';
const directoryName = 'directory.cwd';

/** The folder that holds the index of these corpus folders, inside `folder`. */
export function indexDirectoryFor(folder: string, roots: readonly string[]): string {
  const id = createHash('sha256').update(roots.map((root) => path.resolve(root)).join('\u0000')).digest('hex').slice(0, 24);
  return path.join(folder, `corpus-${id}`);
}

// ---------------------------------------------------------------------------------------------------
// Segment files.

/** The arrays of a segment file, in file order; `forward` last, since it is read a document at a time. */
/** Read at start: where each document's words are. */
const documentSections = ['documentStarts', 'documentChecksums'] as const;
/** Read when a document's words or passages, or search, first need them. */
const coreSections = ['termIds', 'checkpointStarts', 'checkpointChars', 'checkpointBytes', 'checkpointLines', 'checkpointLineStarts'] as const;
const postingSections = ['postingStarts', 'postingDocuments', 'postingCounts', 'countOverflow', 'positions', 'positionBlocks'] as const;
type SectionName = (typeof documentSections)[number] | (typeof coreSections)[number] | (typeof postingSections)[number] | 'forward' | 'texts' | 'starts' | 'segments' | 'ordinals';
type ArrayKind = 'u8' | 'u16' | 'u32';

interface SectionEntry {
  name: SectionName;
  kind: ArrayKind;
  /** Byte offset from the start of the file, and element count. */
  offset: number;
  length: number;
  checksum: number;
}

interface SegmentHeader {
  id: string;
  documentCount: number;
  sections: SectionEntry[];
}

function arrayKind(array: Uint8Array | Uint16Array | Uint32Array): ArrayKind {
  return array instanceof Uint8Array ? 'u8' : array instanceof Uint16Array ? 'u16' : 'u32';
}

function bytesOf(array: Uint8Array | Uint16Array | Uint32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function arrayOf(kind: ArrayKind, buffer: ArrayBuffer, byteOffset: number, length: number): Uint8Array | Uint16Array | Uint32Array {
  if (kind === 'u8') return new Uint8Array(buffer, byteOffset, length);
  if (kind === 'u16') return new Uint16Array(buffer, byteOffset, length);
  return new Uint32Array(buffer, byteOffset, length);
}

/** The sections' checksums: of their bytes, whatever the type of their values. */
function sectionChecksum(array: Uint8Array | Uint16Array | Uint32Array | Int32Array): number {
  return bytesChecksum(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
}

function segmentFileName(id: string): string {
  return `${id}.cws`;
}

/**
 * Writes a segment's file (aside, then renamed into place), with the texts kept for its documents
 * (extracted PDF and Word text) as UTF-8; returns where its words and texts are in it.
 */
async function writeSegment(directory: string, segment: Segment, forward: Uint16Array | Uint32Array, texts: Uint8Array): Promise<{ forward: SectionEntry; texts: SectionEntry }> {
  const data = segment.data;
  const core = segment.core();
  const arrays: { name: SectionName; array: Uint8Array | Uint16Array | Uint32Array }[] = [
    ...documentSections.map((name) => ({ name, array: data[name] })),
    ...coreSections.map((name) => ({ name, array: core[name] })),
    ...postingSections.map((name) => ({ name, array: segment.postings()[name] })),
    { name: 'forward', array: forward },
    { name: 'texts', array: texts },
  ];
  // The header's length depends on the offsets it lists, so it is laid out with room to spare.
  const draftHeader = JSON.stringify({ id: segment.id, documentCount: data.documentCount, sections: arrays.map(({ name, array }) => ({ name, kind: arrayKind(array), offset: 0xffffffffff, length: array.length, checksum: 0xffffffff })) });
  const headerRoom = Buffer.byteLength(draftHeader) + 64;
  let offset = align(16 + headerRoom, 8);
  const sections: SectionEntry[] = arrays.map(({ name, array }) => {
    // Words and texts are read a document at a time, and checked one document at a time.
    const entry = { name, kind: arrayKind(array), offset, length: array.length, checksum: name === 'forward' || name === 'texts' ? 0 : sectionChecksum(array) };
    offset = align(offset + array.byteLength, 8);
    return entry;
  });
  const header = Buffer.from(JSON.stringify({ id: segment.id, documentCount: data.documentCount, sections } satisfies SegmentHeader).padEnd(headerRoom, ' '), 'utf8');
  const prefix = Buffer.alloc(16);
  prefix.writeUInt32LE(segmentMagic, 0);
  prefix.writeUInt32LE(indexFormat, 4);
  prefix.writeUInt32LE(header.length, 8);
  prefix.writeUInt32LE(bytesChecksum(header), 12);
  const file = path.join(directory, segmentFileName(segment.id));
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await fs.open(temporary, 'w');
  try {
    await handle.write(prefix, 0, prefix.length, 0);
    await handle.write(header, 0, header.length, 16);
    for (const [index, { array }] of arrays.entries()) {
      const bytes = bytesOf(array);
      if (bytes.length) await handle.write(bytes, 0, bytes.length, sections[index].offset);
    }
    // An empty last section must still lie inside the file.
    await handle.truncate(offset);
  } finally {
    await handle.close();
  }
  await fs.rename(temporary, file);
  return { forward: sections[sections.length - 2], texts: sections[sections.length - 1] };
}

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

/**
 * Reads a segment file's header and where its documents' words are; its word table and checkpoints
 * are read when first needed, its postings when search first needs them, words a document at a time.
 */
async function readSegment(directory: string, id: string, documentCount: number, vocabularySize: number): Promise<Segment> {
  const file = path.join(directory, segmentFileName(id));
  const handle = await fs.open(file, 'r');
  try {
    const prefix = Buffer.alloc(16);
    await handle.read(prefix, 0, 16, 0);
    if (prefix.readUInt32LE(0) !== segmentMagic || prefix.readUInt32LE(4) !== indexFormat) throw new Error('not a segment of this format');
    const headerLength = prefix.readUInt32LE(8);
    if (headerLength > 1 << 24) throw new Error('segment header too long');
    const headerBytes = Buffer.alloc(headerLength);
    await handle.read(headerBytes, 0, headerLength, 16);
    if (bytesChecksum(headerBytes) !== prefix.readUInt32LE(12)) throw new Error('segment header damaged');
    const header = JSON.parse(headerBytes.toString('utf8')) as SegmentHeader;
    if (header.id !== id || header.documentCount !== documentCount) throw new Error('segment does not match the manifest');
    const byName = new Map(header.sections.map((section) => [section.name, section]));
    const { size } = await handle.stat();
    for (const section of header.sections) {
      const width = section.kind === 'u8' ? 1 : section.kind === 'u16' ? 2 : 4;
      if (section.offset % width !== 0 || section.offset + section.length * width > size) throw new Error('segment file cut short');
    }
    const documents = await readSections(handle, documentSections.map((name) => byName.get(name)));
    const forwardSection = byName.get('forward');
    const textsSection = byName.get('texts');
    const coreEntries = coreSections.map((name) => byName.get(name));
    const postingEntries = postingSections.map((name) => byName.get(name));
    if (!forwardSection || !textsSection || coreEntries.some((entry) => !entry) || postingEntries.some((entry) => !entry)) throw new Error('segment lacks a section');
    const data = { documentCount, ...documents } as unknown as SegmentParts;
    checkDocuments(data);
    const termCount = coreEntries[0]!.length;
    const segment = new Segment(data, id, termCount);
    segment.useCoreFrom(() => checkCore(readSectionsSync(file, coreEntries as SectionEntry[]) as unknown as SegmentCore, documentCount, vocabularySize));
    const [startsEntry, documentsEntry, countsEntry, overflowEntry, positionsEntry, blocksEntry] = postingEntries as SectionEntry[];
    const ranges = new SectionRanges(file);
    let countOverflow: Uint32Array | undefined;
    const u32At = (section: SectionEntry, index: number, count: number) => {
      if (index < 0 || index + count > section.length) throw new Error('segment postings out of range');
      const bytes = ranges.read(section.offset + index * 4, count * 4, section.offset + section.length * 4);
      return new Uint32Array(bytes.buffer, 0, count);
    };
    segment.usePostingsFrom(
      () => {
        ranges.close();
        return checkPostings(readSectionsSync(file, postingEntries as SectionEntry[]), termCount, documentCount);
      },
      async () => {
        const postings = checkPostings(await readSectionsFromFile(file, postingEntries as SectionEntry[]), termCount, documentCount);
        ranges.close();
        return postings;
      },
      {
        postingRange: (ordinal) => {
          const [from, to] = u32At(startsEntry, ordinal, 2);
          if (to < from || to > documentsEntry.length) throw new Error('segment postings out of range');
          return [from, to];
        },
        positionBlock: (block) => {
          const last = block + 1 >= blocksEntry.length;
          const offsets = u32At(blocksEntry, block, last ? 1 : 2);
          const end = last ? positionsEntry.length : offsets[1];
          if (end < offsets[0] || end > positionsEntry.length) throw new Error('segment positions out of range');
          return [offsets[0], end];
        },
        countOverflow: () => (countOverflow ??= readSectionsSync(file, [overflowEntry]).countOverflow as Uint32Array),
        documents: (from, to) => {
          const bytes = ranges.read(documentsEntry.offset + from * 2, (to - from) * 2, documentsEntry.offset + documentsEntry.length * 2);
          return new Uint16Array(bytes.buffer, 0, bytes.length >>> 1);
        },
        counts: (from, to) => ranges.read(countsEntry.offset + from, to - from, countsEntry.offset + countsEntry.length),
        positions: (from, to) => ranges.read(positionsEntry.offset + from, to - from, positionsEntry.offset + positionsEntry.length),
      },
    );
    segment.useFileForWords(forwardReader(file, forwardSection));
    segment.useFileForTexts(textReader(file, textsSection));
    return segment;
  } finally {
    await handle.close();
  }
}

async function readSections(handle: fs.FileHandle, entries: (SectionEntry | undefined)[]): Promise<Record<string, Uint8Array | Uint16Array | Uint32Array>> {
  const arrays: Record<string, Uint8Array | Uint16Array | Uint32Array> = {};
  for (const entry of entries) {
    if (!entry) throw new Error('segment lacks a section');
    const width = entry.kind === 'u8' ? 1 : entry.kind === 'u16' ? 2 : 4;
    const buffer = new ArrayBuffer(entry.length * width);
    await handle.read(new Uint8Array(buffer), 0, buffer.byteLength, entry.offset);
    const array = arrayOf(entry.kind, buffer, 0, entry.length);
    if (sectionChecksum(array) !== entry.checksum) throw new Error(`segment section ${entry.name} damaged`);
    arrays[entry.name] = array;
  }
  return arrays;
}

/** What the documents' arrays must satisfy before anything indexes into them. */
function checkDocuments(data: SegmentParts): void {
  const { documentCount, documentStarts, documentChecksums } = data;
  if (documentStarts.length !== documentCount + 1 || documentChecksums.length !== documentCount) throw new Error('segment arrays disagree');
  for (let document = 0; document < documentCount; document++) {
    if (documentStarts[document + 1] < documentStarts[document]) throw new Error('segment arrays out of order');
  }
}

/** What the word table and checkpoints must satisfy, as read when first needed. */
function checkCore(core: SegmentCore, documentCount: number, vocabularySize: number): SegmentCore {
  const { termIds, checkpointStarts, checkpointChars } = core;
  for (let ordinal = 0; ordinal < termIds.length; ordinal++) if (termIds[ordinal] >= vocabularySize) throw new Error('segment word out of range');
  if (checkpointStarts.length !== documentCount + 1) throw new Error('segment checkpoints disagree');
  for (let document = 0; document < documentCount; document++) {
    if (checkpointStarts[document + 1] < checkpointStarts[document]) throw new Error('segment checkpoints out of order');
  }
  const checkpointCount = checkpointStarts[documentCount];
  for (const name of ['checkpointChars', 'checkpointBytes', 'checkpointLines', 'checkpointLineStarts'] as const) {
    if (core[name].length !== checkpointCount) throw new Error('segment checkpoints disagree');
  }
  for (let document = 0; document < documentCount; document++) {
    for (let index = checkpointStarts[document] + 1; index < checkpointStarts[document + 1]; index++) {
      if (checkpointChars[index] < checkpointChars[index - 1]) throw new Error('segment checkpoints out of order');
    }
  }
  return core;
}

/** Fills `bytes` from the file at `position`; a file that ends first is cut short. */
function readFully(handle: number, bytes: Uint8Array, position: number): void {
  for (let read = 0; read < bytes.length; ) {
    const got = readSync(handle, bytes, read, bytes.length - read, position + read);
    if (got === 0) throw new Error('segment file cut short');
    read += got;
  }
}

/** Reads sections of a segment file now (for a search that cannot wait), checking each. */
function readSectionsSync(file: string, entries: SectionEntry[]): Record<string, Uint8Array | Uint16Array | Uint32Array> {
  const handle = openSync(file, 'r');
  try {
    const arrays: Record<string, Uint8Array | Uint16Array | Uint32Array> = {};
    for (const entry of entries) {
      const width = entry.kind === 'u8' ? 1 : entry.kind === 'u16' ? 2 : 4;
      const buffer = new ArrayBuffer(entry.length * width);
      readFully(handle, new Uint8Array(buffer), entry.offset);
      const array = arrayOf(entry.kind, buffer, 0, entry.length);
      if (sectionChecksum(array) !== entry.checksum) throw new Error(`segment section ${entry.name} damaged`);
      arrays[entry.name] = array;
    }
    return arrays;
  } finally {
    closeSync(handle);
  }
}

async function readSectionsFromFile(file: string, entries: SectionEntry[]): Promise<Record<string, Uint8Array | Uint16Array | Uint32Array>> {
  const handle = await fs.open(file, 'r');
  try {
    return await readSections(handle, entries);
  } finally {
    await handle.close();
  }
}

/** Postings as read, checked to fit the segment before anything indexes into them. */
function checkPostings(arrays: Record<string, Uint8Array | Uint16Array | Uint32Array>, termCount: number, documentCount: number): SegmentPostings {
  const postings = arrays as unknown as SegmentPostings;
  const { postingStarts, postingDocuments, postingCounts, positionBlocks } = postings;
  if (postingStarts.length !== termCount + 1 || postingStarts[termCount] !== postingDocuments.length || postingCounts.length !== postingDocuments.length) {
    throw new Error('segment postings disagree');
  }
  if (positionBlocks.length !== Math.ceil(postingDocuments.length / positionBlockSize)) throw new Error('segment postings disagree');
  for (let index = 0; index < postingDocuments.length; index++) if (postingDocuments[index] >= documentCount) throw new Error('segment postings name a missing document');
  for (let ordinal = 0; ordinal < termCount; ordinal++) if (postingStarts[ordinal + 1] < postingStarts[ordinal]) throw new Error('segment postings out of order');
  for (const offset of positionBlocks) if (offset > postings.positions.length) throw new Error('segment positions out of range');
  const { countOverflow } = postings;
  if (countOverflow.length % 2 !== 0) throw new Error('segment counts disagree');
  for (let index = 0; index < countOverflow.length; index += 2) {
    if (countOverflow[index] >= postingDocuments.length || (index > 0 && countOverflow[index] <= countOverflow[index - 2])) throw new Error('segment counts out of order');
  }
  return postings;
}

/** Reads ranges of a segment file through one handle, opened on first use and closed when no longer needed. */
class SectionRanges {
  private handle?: number;

  constructor(private readonly file: string) {}

  /** `length` bytes at `offset` (clipped to `limit`), in a buffer of their own (4-byte aligned, for typed views). */
  read(offset: number, length: number, limit: number): Uint8Array {
    const wanted = Math.max(0, Math.min(length, limit - offset));
    const bytes = new Uint8Array(new ArrayBuffer(Math.ceil(wanted / 4) * 4), 0, wanted);
    if (wanted === 0) return bytes;
    this.handle ??= openSync(this.file, 'r');
    readFully(this.handle, bytes, offset);
    return bytes;
  }

  close(): void {
    if (this.handle !== undefined) closeSync(this.handle);
    this.handle = undefined;
  }
}

/** Reads one document's words from a segment file: a few kilobytes, checked by the caller. */
function forwardReader(file: string, section: SectionEntry): (from: number, to: number) => Uint16Array | Uint32Array {
  const width = section.kind === 'u16' ? 2 : 4;
  return (from, to) => {
    if (from < 0 || to > section.length || to < from) throw new Error('document words out of range');
    const buffer = new ArrayBuffer((to - from) * width);
    const handle = openSync(file, 'r');
    try {
      readFully(handle, new Uint8Array(buffer), section.offset + from * width);
    } finally {
      closeSync(handle);
    }
    return width === 2 ? new Uint16Array(buffer) : new Uint32Array(buffer);
  };
}

/** Reads a kept text's bytes from a segment file's texts. */
function textReader(file: string, section: SectionEntry): (offset: number, length: number) => Uint8Array {
  return (offset, length) => {
    if (offset < 0 || length < 0 || offset + length > section.length) throw new Error('kept text out of range');
    const bytes = Buffer.alloc(length);
    const handle = openSync(file, 'r');
    try {
      readFully(handle, bytes, section.offset + offset);
    } finally {
      closeSync(handle);
    }
    return bytes;
  };
}

// ---------------------------------------------------------------------------------------------------
// The search directory.

interface DirectoryHeader {
  generation: string;
  segmentCount: number;
  sections: SectionEntry[];
}

/** Writes the search directory of these segments (in this order), yielding to other work as it builds it. */
async function writeDirectory(directory: string, generation: string, segments: readonly Segment[], vocabularySize: number): Promise<void> {
  const steps = directorySteps(segments, vocabularySize);
  let built: Required<Omit<Directory, 'read'>>;
  for (;;) {
    const step = steps.next();
    if (step.done) {
      built = step.value;
      break;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  const arrays: { name: string; array: Uint16Array | Uint32Array }[] = [
    { name: 'starts', array: built.starts },
    { name: 'segments', array: built.segments },
    { name: 'ordinals', array: built.ordinals },
  ];
  const headerRoom = 1024;
  let offset = align(16 + headerRoom, 8);
  const sections = arrays.map(({ name, array }) => {
    const entry = { name, kind: arrayKind(array), offset, length: array.length, checksum: sectionChecksum(array) } as SectionEntry;
    offset = align(offset + array.byteLength, 8);
    return entry;
  });
  const header = Buffer.from(JSON.stringify({ generation, segmentCount: segments.length, sections } satisfies DirectoryHeader).padEnd(headerRoom, ' '), 'utf8');
  const prefix = Buffer.alloc(16);
  prefix.writeUInt32LE(directoryMagic, 0);
  prefix.writeUInt32LE(indexFormat, 4);
  prefix.writeUInt32LE(header.length, 8);
  prefix.writeUInt32LE(bytesChecksum(header), 12);
  const file = path.join(directory, directoryName);
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await fs.open(temporary, 'w');
  try {
    await handle.write(prefix, 0, prefix.length, 0);
    await handle.write(header, 0, header.length, 16);
    for (const [index, { array }] of arrays.entries()) if (array.length) await handle.write(bytesOf(array), 0, array.byteLength, sections[index].offset);
    await handle.truncate(offset);
  } finally {
    await handle.close();
  }
  await fs.rename(temporary, file);
}

/**
 * The saved search directory, if it is the one written with the manifest and its header and word table
 * pass their checks. Its entries are read a word at a time until `loadFull` reads (and checks) them whole;
 * if they turn out damaged, the directory says so and search builds its own.
 */
function readDirectory(directory: string, generation: string, segmentCount: number, vocabularySize: number): SavedDirectory | undefined {
  try {
    const file = path.join(directory, directoryName);
    const handle = openSync(file, 'r');
    let headerBytes: Buffer;
    try {
      const prefix = Buffer.alloc(16);
      readSync(handle, prefix, 0, 16, 0);
      if (prefix.readUInt32LE(0) !== directoryMagic || prefix.readUInt32LE(4) !== indexFormat) return undefined;
      headerBytes = Buffer.alloc(Math.min(prefix.readUInt32LE(8), 1 << 20));
      readSync(handle, headerBytes, 0, headerBytes.length, 16);
      if (bytesChecksum(headerBytes) !== prefix.readUInt32LE(12)) return undefined;
    } finally {
      closeSync(handle);
    }
    const header = JSON.parse(headerBytes.toString('utf8')) as DirectoryHeader;
    if (header.generation !== generation || header.segmentCount !== segmentCount) return undefined;
    const byName = new Map<string, SectionEntry>(header.sections.map((section) => [section.name, section]));
    const startsEntry = byName.get('starts');
    const segmentsEntry = byName.get('segments');
    const ordinalsEntry = byName.get('ordinals');
    if (!startsEntry || !segmentsEntry || !ordinalsEntry || segmentsEntry.length !== ordinalsEntry.length) return undefined;
    const starts = readSectionsSync(file, [startsEntry]).starts as Uint32Array;
    if (starts.length - 1 > vocabularySize || starts[starts.length - 1] !== segmentsEntry.length) return undefined;
    for (let id = 1; id < starts.length; id++) if (starts[id] < starts[id - 1]) return undefined;
    const ranges = new SectionRanges(file);
    const width = segmentsEntry.kind === 'u16' ? 2 : 4;
    const saved: SavedDirectory = {
      starts,
      read: (from, to) => {
        const segmentBytes = ranges.read(segmentsEntry.offset + from * width, (to - from) * width, segmentsEntry.offset + segmentsEntry.length * width);
        const ordinalBytes = ranges.read(ordinalsEntry.offset + from * 4, (to - from) * 4, ordinalsEntry.offset + ordinalsEntry.length * 4);
        const segments = width === 2 ? new Uint16Array(segmentBytes.buffer, 0, segmentBytes.length / 2) : new Uint32Array(segmentBytes.buffer, 0, segmentBytes.length / 4);
        // An entry naming a segment there is not would index past the search's tables: none is let through.
        for (let index = 0; index < segments.length; index++) if (segments[index] >= segmentCount) throw new Error('directory names a missing segment');
        return { segments, ordinals: new Uint32Array(ordinalBytes.buffer, 0, ordinalBytes.length / 4) };
      },
      loadFull: () => {
        if (saved.segments || saved.damaged) return;
        try {
          const arrays = readSectionsSync(file, [segmentsEntry, ordinalsEntry]);
          const segments = arrays.segments as Uint16Array | Uint32Array;
          for (let entry = 0; entry < segments.length; entry++) if (segments[entry] >= segmentCount) throw new Error('directory names a missing segment');
          saved.segments = segments;
          saved.ordinals = arrays.ordinals as Uint32Array;
        } catch {
          saved.damaged = true;
        } finally {
          ranges.close();
        }
      },
    };
    return saved;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// The manifest.

/** A document as the manifest keeps it: paths relative to its root, metadata without the repetitions. */
interface StoredDocument {
  /** Root index and path relative to it. */
  root: number;
  file: string;
  stamp: string;
  problems: CorpusProblem[];
  draft?: { fields: Draft['fields']; provenance: StoredProvenance };
  text?: { segment: number; document: number; wordCount: number; kind: CorpusFileKind; keeping: TextKeeping; pages?: PageMap; mainWords?: [number, number] };
}

/** Provenance with the file left out where it is the document itself, which it almost always is. */
type StoredProvenance = Record<string, { origin: string; file?: string; line?: number; cue?: string; confidence?: Confidence }>;

interface ManifestHeader {
  roots: string[];
  /** Byte length of the words, joined by newlines, after the header. */
  wordBytes: number;
  wordCount: number;
  /** The vocabulary's lookup tables after the words (each 4-byte aligned), so a start need not hash every word again. */
  vocabularyTable: { length: number; checksum: number };
  longWords: { length: number; checksum: number };
  /** The search directory of these segments, in `directory.cwd`, written with this manifest. */
  directory?: { generation: string; segmentIds: string[] };
  segments: { id: string; documentCount: number }[];
  documents: StoredDocument[];
}

/** Saves the index of what `cache` holds: new segments get their files, then a new manifest replaces the old. */
export async function saveIndex(directory: string, roots: readonly string[], cache: CorpusCache): Promise<void> {
  const resolvedRoots = roots.map((root) => path.resolve(root));
  await fs.mkdir(directory, { recursive: true });
  const segments = cache.segments();
  const segmentIndex = new Map(segments.map((segment, index) => [segment, index]));
  const entriesBySegment = new Map<Segment, TextEntry[]>();
  for (const cached of cache.documents.values()) {
    const entry = cached.loaded?.entry;
    if (entry) entriesBySegment.set(entry.segment, [...(entriesBySegment.get(entry.segment) ?? []), entry]);
  }
  for (const segment of segments) {
    if (segment.persistedIn === directory) continue;
    const forward = segment.data.forward;
    if (!forward) throw new Error(`Segment ${segment.id} has neither its words in memory nor a file in ${directory}.`);
    // Texts extracted from PDF and Word files go into the segment's file, not into the manifest.
    const kept: { entry: TextEntry; bytes: Buffer; offset: number }[] = [];
    let offset = 0;
    for (const entry of entriesBySegment.get(segment) ?? []) {
      if (entry.keeping.kind !== 'stored') continue;
      const bytes = Buffer.from(entry.keeping.text, 'utf8');
      kept.push({ entry, bytes, offset });
      offset += bytes.length;
    }
    const sections = await writeSegment(directory, segment, forward, Buffer.concat(kept.map((item) => item.bytes)));
    const file = path.join(directory, segmentFileName(segment.id));
    // From now on words and kept texts come from the file; memory keeps postings and checkpoints.
    segment.useFileForWords(forwardReader(file, sections.forward));
    segment.useFileForTexts(textReader(file, sections.texts));
    for (const { entry, bytes, offset: at } of kept) {
      entry.keeping = { kind: 'in-segment', offset: at, length: bytes.length, checksum: bytesChecksum(bytes) };
    }
    segment.persistedIn = directory;
  }
  const documents: StoredDocument[] = [];
  for (const [documentPath, cached] of cache.documents) {
    const root = resolvedRoots.findIndex((candidate) => isInsideFolder(documentPath, candidate));
    if (root < 0) continue;
    const relative = path.relative(resolvedRoots[root], documentPath).split(path.sep).join('/');
    const loaded = cached.loaded;
    const entry = loaded?.entry;
    documents.push({
      root,
      file: relative,
      stamp: cached.stamp,
      problems: cached.problems,
      draft: loaded && { fields: loaded.draft.fields, provenance: storeProvenance(loaded.draft, relative) },
      text: entry && {
        segment: segmentIndex.get(entry.segment)!,
        document: entry.document,
        wordCount: entry.wordCount,
        kind: entry.kind,
        keeping: entry.keeping,
        pages: entry.pages,
        mainWords: entry.mainWords,
      },
    });
  }
  // The search directory goes beside the manifest, so a start's first search need not build it.
  const byName = [...segments].sort(bySegmentName);
  const generation = `${Date.now().toString(36)}-${process.pid.toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
  await writeDirectory(directory, generation, byName, cache.vocabulary.size);
  const words = Buffer.from(cache.vocabulary.words.join('\n'), 'utf8');
  const { table, longWords } = cache.vocabulary.tables();
  const header: ManifestHeader = {
    roots: resolvedRoots,
    wordBytes: words.length,
    wordCount: cache.vocabulary.size,
    vocabularyTable: { length: table.length, checksum: sectionChecksum(table) },
    longWords: { length: longWords.length, checksum: sectionChecksum(longWords) },
    directory: { generation, segmentIds: byName.map((segment) => segment.id) },
    segments: segments.map((segment) => ({ id: segment.id, documentCount: segment.documentCount })),
    documents,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(20);
  prefix.writeUInt32LE(manifestMagic, 0);
  prefix.writeUInt32LE(indexFormat, 4);
  prefix.writeUInt32LE(json.length, 8);
  prefix.writeUInt32LE(bytesChecksum(json), 12);
  prefix.writeUInt32LE(bytesChecksum(words), 16);
  const file = path.join(directory, manifestName);
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  const pad = (length: number) => Buffer.alloc((4 - (length % 4)) % 4);
  const beforeTables = prefix.length + json.length + words.length;
  const tableBytes = Buffer.from(table.buffer, table.byteOffset, table.byteLength);
  const longWordBytes = Buffer.from(longWords.buffer, longWords.byteOffset, longWords.byteLength);
  await fs.writeFile(temporary, Buffer.concat([prefix, json, words, pad(beforeTables), tableBytes, longWordBytes]));
  await fs.rename(temporary, file);
  await removeUnused(directory, new Set(segments.map((segment) => segmentFileName(segment.id))));
}

/** Deletes segment files no manifest names any more, and what an interrupted save left behind. */
async function removeUnused(directory: string, used: Set<string>): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(directory);
  } catch {
    return;
  }
  const hourAgo = Date.now() - 3_600_000;
  for (const name of names) {
    const full = path.join(directory, name);
    if (name.endsWith('.cws') && !used.has(name)) {
      await fs.rm(full, { force: true }).catch(() => undefined);
    } else if (name.endsWith('.tmp')) {
      // Another process may be writing it right now; only old ones are leftovers.
      const stat = await fs.stat(full).catch(() => undefined);
      if (stat && stat.mtimeMs < hourAgo) await fs.rm(full, { force: true }).catch(() => undefined);
    }
  }
}

function storeProvenance(draft: Draft, relative: string): StoredProvenance {
  const stored: StoredProvenance = {};
  for (const [field, provenance] of Object.entries(draft.provenance)) {
    if (!provenance) continue;
    stored[field] = {
      origin: provenance.origin,
      ...(provenance.file !== relative ? { file: provenance.file } : {}),
      ...(provenance.line !== undefined ? { line: provenance.line } : {}),
      ...(provenance.cue !== undefined ? { cue: provenance.cue, confidence: provenance.confidence } : {}),
    };
  }
  return stored;
}

function restoreDraft(stored: NonNullable<StoredDocument['draft']>, root: string, relative: string): Draft {
  const provenance: Draft['provenance'] = {};
  for (const [field, value] of Object.entries(stored.provenance)) {
    (provenance as Record<string, unknown>)[field] = {
      origin: value.origin,
      file: value.file ?? relative,
      line: value.line,
      ...(value.cue !== undefined ? { cue: value.cue, confidence: value.confidence } : {}),
    };
  }
  const documentPath = path.join(root, ...relative.split('/'));
  return { fields: stored.fields, provenance, path: documentPath, relativePath: relative, corpusRoot: root, origin: { file: relative } };
}

/**
 * Reads the index saved for these folders; undefined when there is none or it cannot be trusted. A
 * segment that cannot be read only costs its documents, which are left out and so read again.
 */
export async function loadIndex(directory: string, roots: readonly string[]): Promise<CorpusCache | undefined> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path.join(directory, manifestName));
  } catch {
    return undefined;
  }
  try {
    if (bytes.length < 20 || bytes.readUInt32LE(0) !== manifestMagic || bytes.readUInt32LE(4) !== indexFormat) return undefined;
    const headerLength = bytes.readUInt32LE(8);
    if (20 + headerLength > bytes.length) return undefined;
    const json = bytes.subarray(20, 20 + headerLength);
    if (bytesChecksum(json) !== bytes.readUInt32LE(12)) return undefined;
    const header = JSON.parse(json.toString('utf8')) as ManifestHeader;
    const expectedRoots = roots.map((root) => path.resolve(root));
    if (!Array.isArray(header.roots) || header.roots.join('\u0000') !== expectedRoots.join('\u0000')) return undefined;
    const wordsStart = 20 + headerLength;
    const wordBytes = bytes.subarray(wordsStart, wordsStart + header.wordBytes);
    if (wordBytes.length !== header.wordBytes || bytesChecksum(wordBytes) !== bytes.readUInt32LE(16)) return undefined;
    const words = header.wordCount === 0 ? [] : wordBytes.toString('utf8').split('\n');
    if (words.length !== header.wordCount) return undefined;
    const tablesStart = align(wordsStart + header.wordBytes, 4);
    const { vocabularyTable, longWords } = header;
    if (!vocabularyTable || !longWords || tablesStart + vocabularyTable.length * 4 + longWords.length * 2 !== bytes.length) return undefined;
    // Copied out, aligned: the tables are kept, and grow with the corpus.
    const table = new Int32Array(vocabularyTable.length);
    new Uint8Array(table.buffer).set(bytes.subarray(tablesStart, tablesStart + table.byteLength));
    const longWordUnits = new Uint16Array(longWords.length);
    new Uint8Array(longWordUnits.buffer).set(bytes.subarray(tablesStart + table.byteLength, tablesStart + table.byteLength + longWordUnits.byteLength));
    if (sectionChecksum(table) !== vocabularyTable.checksum || sectionChecksum(longWordUnits) !== longWords.checksum) return undefined;
    const vocabulary = Vocabulary.restore(words, table, longWordUnits);
    if (!vocabulary) return undefined;
    const saved = header.directory;
    const segments = await Promise.all(
      header.segments.map((stored) =>
        readSegment(directory, stored.id, stored.documentCount, vocabulary.size).then(
          (segment) => {
            segment.persistedIn = directory;
            return segment;
          },
          () => undefined,
        ),
      ),
    );
    const cache = new CorpusCache(vocabulary);
    if (saved) {
      let read: SavedDirectory | null | undefined;
      cache.savedDirectory = (segmentIds) => {
        if (segmentIds.join('\u0000') !== saved.segmentIds.join('\u0000')) return undefined;
        if (read === undefined) read = readDirectory(directory, saved.generation, segmentIds.length, vocabulary.size) ?? null;
        return read ?? undefined;
      };
    }
    for (const stored of header.documents) {
      const root = header.roots[stored.root];
      if (root === undefined) return undefined;
      const documentPath = path.join(root, ...stored.file.split('/'));
      const text = stored.text;
      if (!stored.draft || !text) {
        if (!text) cache.documents.set(documentPath, { stamp: stored.stamp, problems: stored.problems });
        continue;
      }
      const segment = segments[text.segment];
      // Its segment is gone or damaged: the document is read again.
      if (!segment || text.document >= segment.documentCount || segment.wordCount(text.document) !== text.wordCount) continue;
      const entry: TextEntry = { ...(text as Omit<DocumentText, 'file'>), file: documentPath, segment };
      cache.documents.set(documentPath, { stamp: stored.stamp, problems: stored.problems, loaded: { draft: restoreDraft(stored.draft, root, stored.file), entry } });
    }
    return cache;
  } catch {
    return undefined;
  }
}
