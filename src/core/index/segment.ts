/**
 * A segment is the full-text index of one batch of documents: every word's postings (which documents
 * hold it, how often, and at which word positions) and each document's words in order. It is built in
 * one go, by the thread that read the batch, and never changes afterwards; a corpus is a list of
 * segments. A changed document goes into a new segment and its old copy is simply no longer used, so
 * reloading after one file changed costs that file alone.
 *
 * Inside a segment, words are numbered densely in order of first use ("ordinals"), so the arrays stay
 * small and a document's words fit in two bytes each while a segment uses fewer than 65,536 words.
 * `termIds` maps ordinals back to the numbering the builder was fed (a vocabulary's word numbers).
 */

/** Every this many postings, the byte offset of the posting's positions is kept, to reach it without decoding all before it. */
export const positionBlockSize = 16;
/** Every this many words of a document, where the word starts in its text is kept. */
export const checkpointInterval = 256;
/** Segment-local document numbers take two bytes. */
const maxSegmentDocuments = 65_535;

/** Which documents hold each word, how often, and where: what search needs, and read from disk only then. */
export interface SegmentPostings {
  /** Term t's postings are postingDocuments[postingStarts[t] .. postingStarts[t + 1]), by ascending document. */
  postingStarts: Uint32Array;
  postingDocuments: Uint16Array;
  /** Occurrences per posting, capped at 255: ranking gains nothing from the 256th. */
  postingCounts: Uint8Array;
  /** The exact counts of postings whose count is 255 or more, as pairs (posting, count) by posting. */
  countOverflow: Uint32Array;
  /** Per posting: varint gaps between its word positions (the first from 0), as many as its count. */
  positions: Uint8Array;
  /** Byte offset in `positions` of every `positionBlockSize`-th posting. */
  positionBlocks: Uint32Array;
}

/** The postings' sections of a segment file, read a range at a time: what search uses before it has them all. */
interface PostingsRanges {
  /** Where a term's postings are: [from, to). */
  postingRange(ordinal: number): [number, number];
  /** Where the positions of a block of `positionBlockSize` postings are in the positions: [start, end). */
  positionBlock(block: number): [number, number];
  /** The exact counts of 255 and more (few), read whole on first use. */
  countOverflow(): Uint32Array;
  documents(from: number, to: number): Uint16Array;
  counts(from: number, to: number): Uint8Array;
  positions(from: number, to: number): Uint8Array;
}

/** A term's postings in one segment: the global number of its first posting, its documents and their counts. */
interface TermPostings {
  from: number;
  documents: Uint16Array;
  counts: Uint8Array;
}

/** Where each document's words are, which a segment always holds. */
interface SegmentDocuments {
  documentCount: number;
  /** Document d's words are forward[documentStarts[d] .. documentStarts[d + 1]). */
  documentStarts: Uint32Array;
  /** Every document's words as ordinals, in order; absent once a segment is backed by its file. */
  forward?: Uint16Array | Uint32Array;
  /** A checksum of each document's ordinals, so words read back from disk are checked before use. */
  documentChecksums: Uint32Array;
}

/** The word table and the checkpoints: read from disk when first needed, not at start. */
export interface SegmentCore {
  /** Per ordinal, the word's number in the builder's numbering (after `withTermIds`, the corpus vocabulary's). */
  termIds: Uint32Array;
  /** Document d's checkpoints are [checkpointStarts[d], checkpointStarts[d + 1]) in the four arrays below. */
  checkpointStarts: Uint32Array;
  /** UTF-16 offset in the document's text of every `checkpointInterval`-th word. */
  checkpointChars: Uint32Array;
  /** Byte offset of that word in the document's file, where the text is the file's UTF-8 (else 0). */
  checkpointBytes: Uint32Array;
  /** Zero-based line of that word, and the UTF-16 offset where its line starts. */
  checkpointLines: Uint32Array;
  checkpointLineStarts: Uint32Array;
}

/** Everything a segment is made of, as plain typed arrays: what is transferred between threads and written to disk. */
export interface SegmentData extends SegmentDocuments, SegmentCore, SegmentPostings {}

/** A segment as read from disk at start: its documents, the rest to come. */
export type SegmentParts = SegmentDocuments & Partial<SegmentCore & SegmentPostings>;

/** The UTF-8 byte offsets and lines of a document's checkpoints, worked out from its text. */
export interface TextPlacement {
  /** The decoded file text the checkpoints' UTF-16 offsets count in. */
  text: string;
  /** UTF-8 length of the file's bytes before `text` begins (a byte-order mark), or undefined when the file is not UTF-8. */
  byteBase?: number;
  /** Whether every character of `text` is one byte in the file, which saves measuring. */
  singleByte?: boolean;
}

/**
 * Collects documents word by word and builds their segment. Word numbers fed in may come from any
 * numbering (a worker's own vocabulary); only the words a batch uses get ordinals.
 */
export class SegmentBuilder {
  private ordinalOf = new Int32Array(4096).fill(-1);
  private readonly terms: number[] = [];
  private forward = new Uint32Array(1 << 16);
  private tokenCount = 0;
  private readonly documentStarts: number[] = [0];
  private readonly checkpointStarts: number[] = [0];
  private checkpointChars: number[] = [];
  private readonly checkpointBytes: number[] = [];
  private readonly checkpointLines: number[] = [];
  private readonly checkpointLineStarts: number[] = [];
  private documentWords = 0;

  get documentCount(): number {
    return this.documentStarts.length - 1;
  }

  get wordCount(): number {
    return this.tokenCount;
  }

  wordCountOf(document: number): number {
    return this.documentStarts[document + 1] - this.documentStarts[document];
  }

  get isFull(): boolean {
    return this.documentCount >= maxSegmentDocuments;
  }

  /** Appends the next word of the current document; `start` is its UTF-16 offset in the document's text. */
  add(id: number, start: number): void {
    if (this.documentWords % checkpointInterval === 0) this.checkpointChars.push(start);
    this.documentWords++;
    this.appendWord(id);
  }

  /** Appends a word to the current document's words, giving it an ordinal if the batch had not used it yet. */
  private appendWord(id: number): void {
    if (id >= this.ordinalOf.length) this.growOrdinals(id);
    let ordinal = this.ordinalOf[id];
    if (ordinal < 0) {
      ordinal = this.terms.length;
      this.terms.push(id);
      this.ordinalOf[id] = ordinal;
    }
    if (this.tokenCount === this.forward.length) {
      const grown = new Uint32Array(this.forward.length * 2);
      grown.set(this.forward);
      this.forward = grown;
    }
    this.forward[this.tokenCount++] = ordinal;
  }

  /**
   * Closes the current document and returns its number in the segment. With a placement, each
   * checkpoint also records its byte offset in the file and its line, so a passage can later be read
   * from the file without reading the whole of it.
   */
  endDocument(placement?: TextPlacement): number {
    if (this.isFull) throw new Error('A segment holds at most 65,535 documents.');
    const first = this.checkpointStarts[this.checkpointStarts.length - 1];
    const last = this.checkpointChars.length;
    if (placement) placeCheckpoints(placement, this.checkpointChars, first, last, this.checkpointBytes, this.checkpointLines, this.checkpointLineStarts);
    else for (let index = first; index < last; index++) this.pushUnplaced();
    this.checkpointStarts.push(last);
    this.documentStarts.push(this.tokenCount);
    this.documentWords = 0;
    return this.documentCount - 1;
  }

  /**
   * Appends a whole document whose words and checkpoints are known (a document of another segment,
   * when small segments are merged); returns its number in this segment.
   */
  addDocument(ids: ArrayLike<number>, checkpoints: { chars: ArrayLike<number>; bytes: ArrayLike<number>; lines: ArrayLike<number>; lineStarts: ArrayLike<number> }): number {
    for (let index = 0; index < ids.length; index++) this.appendWord(ids[index]);
    for (let index = 0; index < checkpoints.chars.length; index++) {
      this.checkpointChars.push(checkpoints.chars[index]);
      this.checkpointBytes.push(checkpoints.bytes[index]);
      this.checkpointLines.push(checkpoints.lines[index]);
      this.checkpointLineStarts.push(checkpoints.lineStarts[index]);
    }
    this.checkpointStarts.push(this.checkpointChars.length);
    this.documentStarts.push(this.tokenCount);
    this.documentWords = 0;
    return this.documentCount - 1;
  }

  /** Drops the words added since the last `endDocument` (a document that failed half-way). */
  abandonDocument(): void {
    this.tokenCount = this.documentStarts[this.documentStarts.length - 1];
    this.checkpointChars.length = this.checkpointStarts[this.checkpointStarts.length - 1];
    this.documentWords = 0;
    // Ordinals handed out for the abandoned words stay: an unused ordinal has no postings and costs nothing.
  }

  private pushUnplaced(): void {
    this.checkpointBytes.push(0);
    this.checkpointLines.push(0);
    this.checkpointLineStarts.push(0);
  }

  private growOrdinals(id: number): void {
    let length = this.ordinalOf.length;
    while (length <= id) length *= 2;
    const grown = new Int32Array(length).fill(-1);
    grown.set(this.ordinalOf);
    this.ordinalOf = grown;
  }

  /** Builds the segment and resets the builder for the next batch. */
  build(): SegmentData {
    const termCount = this.terms.length;
    const documentCount = this.documentCount;
    const forward = this.forward.subarray(0, this.tokenCount);
    const documentStarts = Uint32Array.from(this.documentStarts);
    const postings = buildPostings(forward, documentStarts, termCount);
    const data: SegmentData = {
      documentCount,
      termIds: Uint32Array.from(this.terms),
      documentStarts,
      forward: termCount <= 0x10000 ? Uint16Array.from(forward) : forward.slice(),
      documentChecksums: documentChecksums(forward, documentStarts),
      ...postings,
      checkpointStarts: Uint32Array.from(this.checkpointStarts),
      checkpointChars: Uint32Array.from(this.checkpointChars),
      checkpointBytes: Uint32Array.from(this.checkpointBytes),
      checkpointLines: Uint32Array.from(this.checkpointLines),
      checkpointLineStarts: Uint32Array.from(this.checkpointLineStarts),
    };
    this.reset();
    return data;
  }

  private reset(): void {
    for (const id of this.terms) this.ordinalOf[id] = -1;
    this.terms.length = 0;
    this.tokenCount = 0;
    this.documentStarts.length = 1;
    this.checkpointStarts.length = 1;
    this.checkpointChars = [];
    this.checkpointBytes.length = 0;
    this.checkpointLines.length = 0;
    this.checkpointLineStarts.length = 0;
    this.documentWords = 0;
    if (this.forward.length > 1 << 22) this.forward = new Uint32Array(1 << 16);
  }
}

/** Fills in byte offsets and lines for checkpoints [first, last), whose UTF-16 offsets are known. */
function placeCheckpoints(
  placement: TextPlacement,
  chars: number[],
  first: number,
  last: number,
  bytes: number[],
  lines: number[],
  lineStarts: number[],
): void {
  const { text, byteBase } = placement;
  let line = 0;
  let lineStart = 0;
  let scanned = 0;
  let byte = byteBase ?? 0;
  for (let index = first; index < last; index++) {
    const char = chars[index];
    for (let newline = text.indexOf('\n', scanned); newline !== -1 && newline < char; newline = text.indexOf('\n', newline + 1)) {
      line++;
      lineStart = newline + 1;
    }
    if (byteBase !== undefined) byte += placement.singleByte ? char - scanned : Buffer.byteLength(text.slice(scanned, char), 'utf8');
    scanned = char;
    bytes.push(byteBase === undefined ? 0 : byte);
    lines.push(line);
    lineStarts.push(lineStart);
  }
}

/**
 * Lays postings out term by term in two passes over the words: the first counts each term's postings
 * and position bytes, the second writes them where they go. A term's occurrences in one document come
 * in order and no other document's come between them, so each posting's gaps are written as they are
 * met, without grouping a document's words first.
 */
function buildPostings(forward: Uint32Array, documentStarts: Uint32Array, termCount: number): SegmentPostings {
  const documentCount = documentStarts.length - 1;
  // Per term, side by side so that a word touches one cache line: the document of its last occurrence
  // (+1, so 0 means none), its position there, and then postings and bytes counted (first pass) or
  // the write cursor and the open posting's count (second pass).
  const state = new Uint32Array(termCount * 4);
  const lastDocument = 0;
  const lastPosition = 1;
  const first = 2;
  const second = 3;

  for (let document = 0; document < documentCount; document++) {
    const from = documentStarts[document];
    const to = documentStarts[document + 1];
    const mark = document + 1;
    for (let index = from; index < to; index++) {
      const slot = forward[index] * 4;
      const position = index - from;
      let gap: number;
      if (state[slot + lastDocument] !== mark) {
        state[slot + lastDocument] = mark;
        state[slot + first]++;
        gap = position;
      } else {
        gap = position - state[slot + lastPosition];
      }
      state[slot + second] += gap < 0x80 ? 1 : gap < 0x4000 ? 2 : gap < 0x200000 ? 3 : gap < 0x10000000 ? 4 : 5;
      state[slot + lastPosition] = position;
    }
  }
  const postingStarts = new Uint32Array(termCount + 1);
  const byteStarts = new Float64Array(termCount + 1);
  for (let ordinal = 0; ordinal < termCount; ordinal++) {
    postingStarts[ordinal + 1] = postingStarts[ordinal] + state[ordinal * 4 + first];
    byteStarts[ordinal + 1] = byteStarts[ordinal] + state[ordinal * 4 + second];
  }
  const postingCount = postingStarts[termCount];
  if (byteStarts[termCount] > 0xffffffff) throw new Error('A segment holds at most 4 GB of positions.');
  const postingDocuments = new Uint16Array(postingCount);
  const postingCounts = new Uint8Array(postingCount);
  const positions = new Uint8Array(byteStarts[termCount]);
  const positionBlocks = new Uint32Array(Math.ceil(postingCount / positionBlockSize));
  // The second pass writes each term's bytes from its start; its postings' numbers come from `postingCursor`.
  const postingCursor = postingStarts.slice(0, termCount);
  for (let ordinal = 0; ordinal < termCount; ordinal++) {
    const slot = ordinal * 4;
    state[slot + lastDocument] = 0;
    state[slot + first] = byteStarts[ordinal];
    state[slot + second] = 0;
  }
  const overflow: number[] = [];
  /** A posting's count is known when the term's next posting starts, or at the end. */
  const close = (ordinal: number) => {
    const posting = postingCursor[ordinal] - 1;
    const count = state[ordinal * 4 + second];
    if (count >= 255) {
      postingCounts[posting] = 255;
      overflow.push(posting, count);
    } else {
      postingCounts[posting] = count;
    }
  };

  for (let document = 0; document < documentCount; document++) {
    const from = documentStarts[document];
    const to = documentStarts[document + 1];
    const mark = document + 1;
    for (let index = from; index < to; index++) {
      const ordinal = forward[index];
      const slot = ordinal * 4;
      const position = index - from;
      let gap: number;
      let at = state[slot + first];
      if (state[slot + lastDocument] !== mark) {
        if (state[slot + lastDocument] !== 0) close(ordinal);
        state[slot + lastDocument] = mark;
        state[slot + second] = 0;
        const posting = postingCursor[ordinal]++;
        postingDocuments[posting] = document;
        if (posting % positionBlockSize === 0) positionBlocks[posting / positionBlockSize] = at;
        gap = position;
      } else {
        gap = position - state[slot + lastPosition];
      }
      state[slot + second]++;
      while (gap >= 0x80) {
        positions[at++] = (gap & 0x7f) | 0x80;
        gap >>>= 7;
      }
      positions[at++] = gap;
      state[slot + first] = at;
      state[slot + lastPosition] = position;
    }
  }
  for (let ordinal = 0; ordinal < termCount; ordinal++) if (state[ordinal * 4 + lastDocument] !== 0) close(ordinal);
  // Overflowing counts by posting, for bisection: pairs (posting, count).
  const pairs: [number, number][] = [];
  for (let index = 0; index < overflow.length; index += 2) pairs.push([overflow[index], overflow[index + 1]]);
  pairs.sort((x, y) => x[0] - y[0]);
  const countOverflow = Uint32Array.from(pairs.flat());
  return { postingStarts, postingDocuments, postingCounts, countOverflow, positions, positionBlocks };
}

function documentChecksums(forward: Uint32Array, documentStarts: Uint32Array): Uint32Array {
  const checksums = new Uint32Array(documentStarts.length - 1);
  for (let document = 0; document < checksums.length; document++) checksums[document] = checksum(forward, documentStarts[document], documentStarts[document + 1]);
  return checksums;
}

/**
 * A checksum of the values of an array (each taken whole, so a Uint16Array and a Uint32Array holding the
 * same numbers agree), for telling damaged data from good: FNV-1a in four lanes, which the processor can
 * run side by side, combined at the end.
 */
function checksum(values: Uint8Array | Uint16Array | Uint32Array, from = 0, to = values.length): number {
  // One loop per array type: a loop that sees several kinds of array runs several times slower.
  if (values instanceof Uint32Array) return checksum32(values, from, to);
  if (values instanceof Uint16Array) return checksum16(values, from, to);
  return checksum8(values, from, to);
}

/**
 * A checksum of bytes, four at a time where they lie on a 4-byte boundary (a copy makes them so
 * otherwise): ten megabytes of manifest are checked in a few milliseconds rather than tens.
 */
export function bytesChecksum(bytes: Uint8Array): number {
  const whole = bytes.length >>> 2;
  // A copy, not `slice`: on a Buffer that would be a view at the same misaligned offset.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
  const head = checksum32(new Uint32Array(aligned.buffer, aligned.byteOffset, whole), 0, whole);
  return combine(head, checksum8(aligned, whole * 4, aligned.length), 0, 0, bytes.length);
}

const fnvOffset = 2166136261;
const fnvPrime = 16777619;

function combine(a: number, b: number, c: number, d: number, length: number): number {
  let hash = Math.imul(fnvOffset ^ a, fnvPrime);
  hash = Math.imul(hash ^ b, fnvPrime);
  hash = Math.imul(hash ^ c, fnvPrime);
  hash = Math.imul(hash ^ d, fnvPrime);
  return Math.imul(hash ^ length, fnvPrime) >>> 0;
}

function checksum32(values: Uint32Array, from: number, to: number): number {
  let a = fnvOffset;
  let b = fnvOffset ^ 1;
  let c = fnvOffset ^ 2;
  let d = fnvOffset ^ 3;
  let index = from;
  for (; index + 3 < to; index += 4) {
    a = Math.imul(a ^ values[index], fnvPrime);
    b = Math.imul(b ^ values[index + 1], fnvPrime);
    c = Math.imul(c ^ values[index + 2], fnvPrime);
    d = Math.imul(d ^ values[index + 3], fnvPrime);
  }
  for (; index < to; index++) a = Math.imul(a ^ values[index], fnvPrime);
  return combine(a, b, c, d, to - from);
}

function checksum16(values: Uint16Array, from: number, to: number): number {
  let a = fnvOffset;
  let b = fnvOffset ^ 1;
  let c = fnvOffset ^ 2;
  let d = fnvOffset ^ 3;
  let index = from;
  for (; index + 3 < to; index += 4) {
    a = Math.imul(a ^ values[index], fnvPrime);
    b = Math.imul(b ^ values[index + 1], fnvPrime);
    c = Math.imul(c ^ values[index + 2], fnvPrime);
    d = Math.imul(d ^ values[index + 3], fnvPrime);
  }
  for (; index < to; index++) a = Math.imul(a ^ values[index], fnvPrime);
  return combine(a, b, c, d, to - from);
}

function checksum8(values: Uint8Array, from: number, to: number): number {
  let a = fnvOffset;
  let b = fnvOffset ^ 1;
  let c = fnvOffset ^ 2;
  let d = fnvOffset ^ 3;
  let index = from;
  for (; index + 3 < to; index += 4) {
    a = Math.imul(a ^ values[index], fnvPrime);
    b = Math.imul(b ^ values[index + 1], fnvPrime);
    c = Math.imul(c ^ values[index + 2], fnvPrime);
    d = Math.imul(d ^ values[index + 3], fnvPrime);
  }
  for (; index < to; index++) a = Math.imul(a ^ values[index], fnvPrime);
  return combine(a, b, c, d, to - from);
}

/** Below this many words a segment's word table is sorted as packed doubles. */
const packedOrdinals = 0x200000;

/** The order of segments in a saved search directory, which search must list them in to use it: by name. */
export function bySegmentName(a: Segment, b: Segment): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Reads a document's words back when the segment's copy of them is on disk: ordinals from `from` to `to`. */
type ForwardReader = (from: number, to: number) => Uint16Array | Uint32Array;

/**
 * A built segment, ready for queries. Words are looked up by their corpus-wide number; a document's
 * words come from memory or, once the segment is saved, from its file.
 */
export class Segment {
  readonly documentCount: number;
  /** Ordinals by ascending corpus word number, for looking a word up; sorted on first use (search keeps a directory of its own). */
  private sortedTermIds?: Uint32Array;
  private sortedOrdinals?: Uint32Array;
  private forwardReader?: ForwardReader;
  private textReader?: (offset: number, length: number) => Uint8Array;
  private postingsLoader?: { sync: () => SegmentPostings; async: () => Promise<SegmentPostings> };
  private loadedPostings?: SegmentPostings;
  private coreLoader?: () => SegmentCore;
  private ranges?: PostingsRanges;
  /** Terms' postings read a range at a time while the whole postings are not in memory, most recent last. */
  private readonly rangeCache = new Map<number, TermPostings>();
  /** Blocks of positions (with their postings' counts) read from the segment's file, most recent last. */
  private readonly blockCache = new Map<number, { bytes: Uint8Array; counts: Uint8Array; starts?: Uint32Array }>();
  private loadedCore?: SegmentCore;
  readonly termCount: number;
  /** The index folder whose file for this segment is written, if any. */
  persistedIn?: string;
  /** Why this segment's postings could not be read; its documents then match no search until read again. */
  damage?: string;

  constructor(
    /** The arrays; the word table, checkpoints and postings may still be on disk (see `core` and `postings`). */
    readonly data: SegmentParts,
    /** A stable name, used for the segment's file. */
    readonly id: string,
    /** How many words the segment uses, when its word table is still on disk. */
    termCount?: number,
  ) {
    if (data.postingStarts) this.loadedPostings = pickPostings(data as SegmentPostings);
    if (data.termIds) this.loadedCore = pickCore(data as SegmentCore);
    this.documentCount = data.documentCount;
    this.termCount = data.termIds?.length ?? termCount ?? 0;
  }

  /** The word table and checkpoints, read from the segment's file on first use. */
  core(): SegmentCore {
    if (!this.loadedCore) {
      try {
        const core = this.coreLoader ? this.coreLoader() : undefined;
        if (!core || core.termIds.length !== this.termCount) throw new Error('the word table does not fit the segment');
        this.loadedCore = core;
      } catch (error) {
        // Damaged: no word is found in it, so its documents' words are read again from their files.
        this.damage = error instanceof Error ? error.message : String(error);
        this.loadedCore = emptyCore(this.documentCount);
      }
    }
    return this.loadedCore;
  }

  /** Where the word table and checkpoints come from when they are not in memory. */
  useCoreFrom(loader: () => SegmentCore): void {
    this.coreLoader = loader;
  }

  private sortTerms(): void {
    const { termIds } = this.core();
    const termCount = termIds.length;
    this.sortedTermIds = new Uint32Array(termCount);
    this.sortedOrdinals = new Uint32Array(termCount);
    if (termCount < packedOrdinals) {
      // Word number and ordinal packed into one double (exact below 2^53), so the engine's own numeric sort does the work.
      const packed = new Float64Array(termCount);
      for (let ordinal = 0; ordinal < termCount; ordinal++) packed[ordinal] = termIds[ordinal] * packedOrdinals + ordinal;
      packed.sort();
      for (let index = 0; index < termCount; index++) {
        this.sortedTermIds[index] = Math.floor(packed[index] / packedOrdinals);
        this.sortedOrdinals[index] = packed[index] % packedOrdinals;
      }
      return;
    }
    const order = Array.from({ length: termCount }, (_, ordinal) => ordinal).sort((a, b) => termIds[a] - termIds[b]);
    order.forEach((ordinal, index) => {
      this.sortedTermIds![index] = termIds[ordinal];
      this.sortedOrdinals![index] = ordinal;
    });
  }

  /** The postings, read from the segment's file on first use if they are not in memory. */
  postings(): SegmentPostings {
    if (!this.loadedPostings) {
      try {
        this.loadedPostings = this.postingsLoader ? this.postingsLoader.sync() : emptyPostings(this.termCount);
      } catch (error) {
        this.damage = error instanceof Error ? error.message : String(error);
        this.loadedPostings = emptyPostings(this.termCount);
      }
    }
    return this.loadedPostings;
  }

  get hasPostings(): boolean {
    return this.loadedPostings !== undefined;
  }

  /** Reads the postings ahead of the first search, without blocking; false when they are damaged. */
  async loadPostings(): Promise<boolean> {
    if (!this.loadedPostings && this.postingsLoader) {
      try {
        const postings = await this.postingsLoader.async();
        this.loadedPostings ??= postings;
        this.rangeCache.clear();
      } catch (error) {
        this.damage = error instanceof Error ? error.message : String(error);
        this.loadedPostings ??= emptyPostings(this.termCount);
      }
    }
    return this.damage === undefined;
  }

  /**
   * Where postings that are not in memory come from (the segment's file): all at once, or, until then,
   * a term at a time, so a search right after a start need not wait for all of them.
   */
  usePostingsFrom(sync: () => SegmentPostings, async: () => Promise<SegmentPostings>, ranges?: PostingsRanges): void {
    this.postingsLoader = { sync, async };
    this.ranges = ranges;
  }

  /** Whether search should read postings a term at a time (they are on disk and not loaded yet). */
  private get readsRanges(): boolean {
    return !this.loadedPostings && this.ranges !== undefined && this.damage === undefined;
  }

  /** The postings of a term's ordinal: [from, to) in the segment's numbering of postings. */
  postingRange(ordinal: number): [number, number] {
    if (this.readsRanges) {
      const cached = this.rangeCache.get(ordinal);
      if (cached) return [cached.from, cached.from + cached.documents.length];
      return this.fromRanges(() => this.ranges!.postingRange(ordinal), [0, 0]);
    }
    const { postingStarts } = this.postings();
    return [postingStarts[ordinal], postingStarts[ordinal + 1]];
  }

  /** A read from the segment's file, or `fallback` when it fails (the segment is then marked damaged). */
  private fromRanges<T>(read: () => T, fallback: T): T {
    try {
      return read();
    } catch (error) {
      this.damage = error instanceof Error ? error.message : String(error);
      return fallback;
    }
  }

  /** A term's postings: views of the arrays in memory, or a range read from the segment's file. */
  termPostings(ordinal: number): TermPostings {
    if (!this.readsRanges) {
      const { postingStarts, postingDocuments, postingCounts } = this.postings();
      const from = postingStarts[ordinal];
      const to = postingStarts[ordinal + 1];
      return { from, documents: postingDocuments.subarray(from, to), counts: postingCounts.subarray(from, to) };
    }
    let cached = this.rangeCache.get(ordinal);
    if (cached) {
      this.rangeCache.delete(ordinal);
    } else {
      const [from, to] = this.postingRange(ordinal);
      cached = this.fromRanges(() => ({ from, documents: this.ranges!.documents(from, to), counts: this.ranges!.counts(from, to) }), {
        from,
        documents: new Uint16Array(0),
        counts: new Uint8Array(0),
      });
      if (this.rangeCache.size >= maxCachedTerms) this.rangeCache.delete(this.rangeCache.keys().next().value as number);
    }
    this.rangeCache.set(ordinal, cached);
    return cached;
  }

  private countOverflowFromFile(): Uint32Array {
    return this.fromRanges(() => this.ranges!.countOverflow(), new Uint32Array(0));
  }

  /** Whether documents' words are in memory (rather than read from the segment's file on demand). */
  get holdsWords(): boolean {
    return this.data.forward !== undefined;
  }

  /** The segment's ordinal for a corpus word number, or -1 when no document of the segment uses it. */
  ordinalOf(termId: number): number {
    if (!this.sortedTermIds) this.sortTerms();
    const ids = this.sortedTermIds!;
    let low = 0;
    let high = ids.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (ids[middle] < termId) low = middle + 1;
      else high = middle;
    }
    return low < ids.length && ids[low] === termId ? this.sortedOrdinals![low] : -1;
  }

  /** Visits each word number the segment uses with its ordinal. */
  forEachTerm(visit: (termId: number, ordinal: number) => void): void {
    const termIds = this.core().termIds;
    for (let ordinal = 0; ordinal < termIds.length; ordinal++) visit(termIds[ordinal], ordinal);
  }

  wordCount(document: number): number {
    return this.data.documentStarts[document + 1] - this.data.documentStarts[document];
  }

  /** The posting of a term's ordinal for one document, or -1. */
  findPosting(ordinal: number, document: number): number {
    if (!this.readsRanges) {
      // Straight on the arrays: this runs for every word of a query in every source shown, and views would be garbage.
      const { postingStarts, postingDocuments } = this.postings();
      return indexOfAscending(postingDocuments, postingStarts[ordinal], postingStarts[ordinal + 1], document);
    }
    const { from, documents } = this.termPostings(ordinal);
    const found = indexOfAscending(documents, 0, documents.length, document);
    return found < 0 ? -1 : from + found;
  }

  /** How many times a posting's word occurs in its document. */
  countOf(posting: number): number {
    if (this.readsRanges) return exactCount(this.fromRanges(() => this.ranges!.counts(posting, posting + 1)[0], 0), posting, this.countOverflowFromFile());
    const { postingCounts, countOverflow } = this.postings();
    return exactCount(postingCounts[posting], posting, countOverflow);
  }

  /** The word positions of a posting, ascending, appended to `into`; returns how many there are. */
  positionsOf(posting: number, into: number[]): number {
    const blockStart = posting - (posting % positionBlockSize);
    let bytes: Uint8Array;
    let at: number;
    let counts: (index: number) => number;
    let skipFrom = blockStart;
    if (this.readsRanges) {
      // The block's bytes and counts, from the segment's file; a search that goes through sources in
      // document order asks for the same block for the next few documents.
      const countOverflow = this.countOverflowFromFile();
      const block = blockStart / positionBlockSize;
      let read = this.blockCache.get(block);
      if (read) {
        this.blockCache.delete(block);
      } else {
        read = this.fromRanges(() => {
          const [start, end] = this.ranges!.positionBlock(block);
          return { bytes: this.ranges!.positions(start, end), counts: this.ranges!.counts(blockStart, blockStart + positionBlockSize) };
        }, { bytes: new Uint8Array(0), counts: new Uint8Array(0) });
        if (this.blockCache.size >= maxCachedBlocks) this.blockCache.delete(this.blockCache.keys().next().value as number);
      }
      this.blockCache.set(block, read);
      const { bytes: blockBytes, counts: blockCounts } = read;
      bytes = blockBytes;
      counts = (index) => exactCount(blockCounts[index - blockStart] ?? 0, index, countOverflow);
      // Where each posting's positions start in the block, found once for all the calls that share it.
      read.starts ??= postingStarts(blockBytes, positionBlockSize, (offset) => counts(blockStart + offset));
      at = read.starts[posting - blockStart];
      skipFrom = posting;
    } else {
      const postings = this.postings();
      bytes = postings.positions;
      at = postings.positionBlocks[blockStart / positionBlockSize];
      counts = (index) => exactCount(postings.postingCounts[index], index, postings.countOverflow);
    }
    at = skipVarints(bytes, at, skipFrom, posting, counts);
    const count = counts(posting);
    let position = 0;
    for (let index = 0; index < count; index++) {
      let gap = 0;
      let shift = 0;
      let byte: number;
      do {
        byte = bytes[at++];
        gap += (byte & 0x7f) * 2 ** shift;
        shift += 7;
      } while (byte & 0x80);
      position += gap;
      into.push(position);
    }
    return count;
  }

  /**
   * A document's words as corpus word numbers. Read from disk when the segment's words are not in
   * memory; words that fail their checksum or name an ordinal the segment does not have are refused.
   */
  documentIds(document: number): Uint32Array {
    const { documentStarts, documentChecksums } = this.data;
    const { termIds } = this.core();
    const from = documentStarts[document];
    const to = documentStarts[document + 1];
    const ordinals = this.data.forward ? this.data.forward.subarray(from, to) : this.readForward(from, to);
    if (!this.data.forward && checksum(ordinals) !== documentChecksums[document]) {
      throw new Error(`The index's copy of document ${document} of segment ${this.id} is damaged.`);
    }
    const ids = new Uint32Array(ordinals.length);
    const termCount = termIds.length;
    for (let index = 0; index < ordinals.length; index++) {
      const ordinal = ordinals[index];
      if (ordinal >= termCount) throw new Error(`The index's copy of document ${document} of segment ${this.id} is damaged.`);
      ids[index] = termIds[ordinal];
    }
    return ids;
  }

  /** Checkpoints of a document: UTF-16 offsets, file byte offsets, lines and line starts of every 256th word. */
  checkpoints(document: number): { chars: Uint32Array; bytes: Uint32Array; lines: Uint32Array; lineStarts: Uint32Array } {
    const { checkpointStarts, checkpointChars, checkpointBytes, checkpointLines, checkpointLineStarts } = this.core();
    const from = checkpointStarts[document];
    const to = checkpointStarts[document + 1];
    return {
      chars: checkpointChars.subarray(from, to),
      bytes: checkpointBytes.subarray(from, to),
      lines: checkpointLines.subarray(from, to),
      lineStarts: checkpointLineStarts.subarray(from, to),
    };
  }

  /** Reads text kept in the segment's file (extracted PDF and Word text): UTF-8 bytes at an offset of its texts, checked. */
  storedText(offset: number, length: number, expectedChecksum: number, file: string): string {
    if (!this.textReader) throw new Error(`Segment ${this.id} keeps no texts.`);
    const bytes = this.textReader(offset, length);
    if (bytesChecksum(bytes) !== expectedChecksum) {
      throw new Error(`The saved index's copy of the text of ${file} is damaged. Run "Citewise: Rebuild Index" (or delete the index folder) to read it again.`);
    }
    return new TextDecoder().decode(bytes);
  }

  /** Where kept texts are read from. */
  useFileForTexts(reader: (offset: number, length: number) => Uint8Array): void {
    this.textReader = reader;
  }

  /** From now on documents' words are read through `reader` (the segment's file) and memory lets go of them. */
  useFileForWords(reader: ForwardReader): void {
    this.forwardReader = reader;
    delete this.data.forward;
  }

  private readForward(from: number, to: number): Uint16Array | Uint32Array {
    if (!this.forwardReader) throw new Error(`Segment ${this.id} has no words to read.`);
    return this.forwardReader(from, to);
  }
}

/** Where `value` is in values[from, to), which ascend, or -1: a posting's document, a word's segment. */
export function indexOfAscending(values: Uint16Array | Uint32Array, from: number, to: number, value: number): number {
  let low = from;
  let high = to;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low < to && values[low] === value ? low : -1;
}

/** How many terms' postings a segment keeps that were read a range at a time. */
const maxCachedTerms = 4096;
/** Enough for the blocks of a few query words while a search walks sources in document order. */
const maxCachedBlocks = 64;

/** Past the positions of postings [from, to) that start at byte `at`: returns where the next posting's start. */
function skipVarints(bytes: Uint8Array, at: number, from: number, to: number, counts: (posting: number) => number): number {
  for (let skipped = from; skipped < to; skipped++) {
    // Skipping a varint is finding its last byte: the one without the continuation bit.
    for (let count = counts(skipped); count > 0 && at < bytes.length; ) if ((bytes[at++] & 0x80) === 0) count--;
  }
  return at;
}

/** Where each of a block's postings starts in the block's bytes. */
function postingStarts(bytes: Uint8Array, size: number, countAt: (offset: number) => number): Uint32Array {
  const starts = new Uint32Array(size + 1);
  for (let offset = 0; offset < size; offset++) starts[offset + 1] = skipVarints(bytes, starts[offset], offset, offset + 1, countAt);
  return starts;
}

/** A posting's count: its byte, or for 255 (and more) the exact count kept aside. */
function exactCount(count: number, posting: number, countOverflow: Uint32Array): number {
  if (count < 255) return count;
  let low = 0;
  let high = countOverflow.length / 2;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (countOverflow[2 * middle] < posting) low = middle + 1;
    else high = middle;
  }
  return countOverflow[2 * low] === posting ? countOverflow[2 * low + 1] : count;
}

function pickCore(data: SegmentCore): SegmentCore {
  const { termIds, checkpointStarts, checkpointChars, checkpointBytes, checkpointLines, checkpointLineStarts } = data;
  return { termIds, checkpointStarts, checkpointChars, checkpointBytes, checkpointLines, checkpointLineStarts };
}

/** A word table with no words and no checkpoints, for a segment whose own could not be read. */
function emptyCore(documentCount: number): SegmentCore {
  return {
    termIds: new Uint32Array(0),
    checkpointStarts: new Uint32Array(documentCount + 1),
    checkpointChars: new Uint32Array(0),
    checkpointBytes: new Uint32Array(0),
    checkpointLines: new Uint32Array(0),
    checkpointLineStarts: new Uint32Array(0),
  };
}

function pickPostings(data: SegmentPostings): SegmentPostings {
  const { postingStarts, postingDocuments, postingCounts, countOverflow, positions, positionBlocks } = data;
  return { postingStarts, postingDocuments, postingCounts, countOverflow, positions, positionBlocks };
}

function emptyPostings(termCount: number): SegmentPostings {
  return {
    postingStarts: new Uint32Array(termCount + 1),
    postingDocuments: new Uint16Array(0),
    postingCounts: new Uint8Array(0),
    countOverflow: new Uint32Array(0),
    positions: new Uint8Array(0),
    positionBlocks: new Uint32Array(0),
  };
}

/** A copy of segment data whose term ids are translated through `mapping` (a worker's numbering to the corpus's). */
export function withTermIds(data: SegmentData, mapping: ArrayLike<number>): SegmentData {
  const termIds = new Uint32Array(data.termIds.length);
  for (let ordinal = 0; ordinal < termIds.length; ordinal++) {
    const id = mapping[data.termIds[ordinal]];
    if (id === undefined) throw new Error('A segment names a word its vocabulary does not have.');
    termIds[ordinal] = id;
  }
  return { ...data, termIds };
}

/** The typed arrays of segment data, for transferring them to another thread without copying. */
export function segmentBuffers(data: SegmentData): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const value of Object.values(data)) {
    if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) buffers.add(value.buffer);
  }
  return [...buffers];
}

let segmentCounter = 0;

/** A name for a new segment that no other segment of this or an earlier run has. */
export function newSegmentId(): string {
  return `${Date.now().toString(36)}-${process.pid.toString(36)}-${(segmentCounter++).toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}
