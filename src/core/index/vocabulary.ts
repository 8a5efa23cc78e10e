/**
 * Every distinct normalised word of a corpus, numbered. Sources store their text as word numbers,
 * which take a quarter of the memory of the words themselves and compare in one instruction.
 *
 * Words are found through an open-addressing hash table keyed by their code units, so the indexer can
 * look a word up straight from what it folded while reading (see `Packing`), without building a string
 * for it. The string methods look words up the same way, so both find what either added.
 */
export class Vocabulary {
  readonly words: string[] = [];
  /**
   * Slots of four numbers: the word number + 1 (0 for an empty slot), then the word itself. A word that
   * packs (see `Packing`), as nearly every word of a European text does, is its three packed numbers;
   * any other word is 0, its hash, and where its code units are in `longWords`. So a lookup compares
   * numbers in typed arrays only, and for a packed word, within the one slot, without touching a string.
   * Kept at most half full, so probes stay short.
   */
  private table = new Int32Array(slotSize * 2048);
  /** The code units of the words that do not pack, each after its length in two units (low, high). */
  private longWords = new Uint16Array(1024);
  private longWordsEnd = 0;
  /** Where the string methods put a word, to look it up as the scanner's words are looked up. */
  private scratch = new Uint16Array(64);

  static from(words: readonly string[]): Vocabulary {
    const vocabulary = new Vocabulary();
    // Sized at once for every word: growing the table on the way rehashes it again and again.
    let slots = 2048;
    while (words.length * 2 > slots) slots *= 2;
    vocabulary.table = new Int32Array(slotSize * slots);
    for (const word of words) vocabulary.intern(word);
    return vocabulary;
  }

  /**
   * A vocabulary saved with `tables()`: restoring it costs no hashing. Undefined when the tables do not
   * fit the words (they come from a file, which may have been tampered with).
   */
  static restore(words: string[], table: Int32Array<ArrayBuffer>, longWords: Uint16Array<ArrayBuffer>): Vocabulary | undefined {
    const slots = table.length / slotSize;
    if (slots < 1 || !Number.isInteger(slots) || (slots & (slots - 1)) !== 0 || words.length * 2 > slots) return undefined;
    let used = 0;
    for (let slot = 0; slot < table.length; slot += slotSize) {
      const entry = table[slot];
      if (entry === 0) continue;
      if (entry < 0 || entry > words.length) return undefined;
      // A word that does not pack names its code units, which must lie inside the kept ones.
      if (table[slot + 1] === 0 && (table[slot + 3] < 0 || table[slot + 3] + 2 > longWords.length)) return undefined;
      used++;
    }
    if (used !== words.length) return undefined;
    const vocabulary = new Vocabulary();
    for (const word of words) vocabulary.words.push(word);
    vocabulary.table = table;
    vocabulary.longWords = longWords.length ? longWords : new Uint16Array(1024);
    vocabulary.longWordsEnd = longWords.length;
    return vocabulary;
  }

  /** The lookup tables, to save beside the words. */
  tables(): { table: Int32Array; longWords: Uint16Array } {
    return { table: this.table, longWords: this.longWords.subarray(0, this.longWordsEnd) };
  }

  get size(): number {
    return this.words.length;
  }

  /** The word's number, or -1 for a word no source contains. */
  idOf(word: string): number {
    const codes = this.copyToScratch(word);
    const slot = packWord(codes, word.length)
      ? this.packedSlot(packed[0], packed[1], packed[2])
      : this.longSlot(codes, word.length, codesHash(codes, word.length));
    return this.table[slot] - 1;
  }

  intern(word: string): number {
    return this.internCodes(this.copyToScratch(word), word.length);
  }

  /** Interns the word codes[0, length), building its string only when it is new. */
  internCodes(codes: Uint16Array, length: number): number {
    if (packWord(codes, length)) return this.internPacked(packed[0], packed[1], packed[2]);
    const hash = codesHash(codes, length);
    const slot = this.longSlot(codes, length, hash);
    const entry = this.table[slot];
    if (entry !== 0) return entry - 1;
    const id = this.add(slot, stringFromCodes(codes, length));
    this.table[slot + 1] = 0;
    this.table[slot + 2] = hash;
    this.table[slot + 3] = this.keepLongWord(codes, length);
    this.growIfFull();
    return id;
  }

  /** Interns the word that packs to (key0, key1, key2) (see `Packing`), as the scanner packs words while it reads them. */
  internPacked(key0: number, key1: number, key2: number): number {
    const slot = this.packedSlot(key0, key1, key2);
    const entry = this.table[slot];
    if (entry !== 0) return entry - 1;
    const id = this.add(slot, unpackWord(key0, key1, key2));
    this.table[slot + 1] = key0;
    this.table[slot + 2] = key1;
    this.table[slot + 3] = key2;
    this.growIfFull();
    return id;
  }

  /** The offset of the slot that holds the packed word, or of the empty slot where it belongs. */
  private packedSlot(key0: number, key1: number, key2: number): number {
    const table = this.table;
    const offsets = table.length - 1;
    for (let slot = (packedHash(key0, key1, key2) << 2) & offsets; ; slot = (slot + slotSize) & offsets) {
      if (table[slot] === 0 || (table[slot + 1] === key0 && table[slot + 2] === key1 && table[slot + 3] === key2)) return slot;
    }
  }

  /** The offset of the slot that holds a word that does not pack, or of the empty slot where it belongs. */
  private longSlot(codes: Uint16Array, length: number, hash: number): number {
    const table = this.table;
    const offsets = table.length - 1;
    const longWords = this.longWords;
    for (let slot = (hash << 2) & offsets; ; slot = (slot + slotSize) & offsets) {
      if (table[slot] === 0) return slot;
      if (table[slot + 1] !== 0 || table[slot + 2] !== hash) continue;
      const at = table[slot + 3];
      if (longWords[at] + longWords[at + 1] * 0x10000 !== length) continue;
      let same = 0;
      while (same < length && longWords[at + 2 + same] === codes[same]) same++;
      if (same === length) return slot;
    }
  }

  /** Numbers a new word and claims its empty slot; the caller fills in the rest of the slot. */
  private add(slot: number, word: string): number {
    const id = this.words.length;
    this.words.push(word);
    this.table[slot] = id + 1;
    return id;
  }

  private keepLongWord(codes: Uint16Array, length: number): number {
    const at = this.longWordsEnd;
    const end = at + 2 + length;
    if (end > this.longWords.length) {
      const grown = new Uint16Array(Math.max(end, this.longWords.length * 2));
      grown.set(this.longWords);
      this.longWords = grown;
    }
    this.longWords[at] = length & 0xffff;
    this.longWords[at + 1] = length >>> 16;
    this.longWords.set(codes.subarray(0, length), at + 2);
    this.longWordsEnd = end;
    return at;
  }

  /** Doubles the table once it is half full. */
  private growIfFull(): void {
    if (this.words.length * 2 <= this.table.length / slotSize) return;
    const old = this.table;
    const table = new Int32Array(old.length * 2);
    const offsets = table.length - 1;
    for (let at = 0; at < old.length; at += slotSize) {
      if (old[at] === 0) continue;
      const hash = old[at + 1] !== 0 ? packedHash(old[at + 1], old[at + 2], old[at + 3]) : old[at + 2];
      let slot = (hash << 2) & offsets;
      while (table[slot] !== 0) slot = (slot + slotSize) & offsets;
      table[slot] = old[at];
      table[slot + 1] = old[at + 1];
      table[slot + 2] = old[at + 2];
      table[slot + 3] = old[at + 3];
    }
    this.table = table;
  }

  private copyToScratch(word: string): Uint16Array {
    if (word.length > this.scratch.length) this.scratch = new Uint16Array(Math.max(word.length, this.scratch.length * 2));
    for (let index = 0; index < word.length; index++) this.scratch[index] = word.charCodeAt(index);
    return this.scratch;
  }
}

const slotSize = 4;

/**
 * A word of 1 to `Packing.maxLength` code units, each in U+0001–U+00FF, packs into three numbers, a byte
 * per code unit: key0 holds its first four units, key1 the next four, key2 the four after, each number
 * built up as (key << 8) | unit, so that unused bytes are the high ones and zero. No two such words pack
 * alike (no unit is zero, so the length shows), and key0 of a packed word is never 0. The scanner packs
 * words this way as it reads them; `packWord` packs code units the same way.
 */
export const enum Packing {
  /** The longest word that packs, in code units. */
  maxLength = 12,
}
/** Where `packWord` leaves what it packed. */
const packed = new Int32Array(3);

/** Packs codes[0, length) into `packed`; false if the word does not pack. */
function packWord(codes: Uint16Array, length: number): boolean {
  if (length === 0 || length > Packing.maxLength) return false;
  let key0 = 0;
  let key1 = 0;
  let key2 = 0;
  for (let index = 0; index < length; index++) {
    const code = codes[index];
    if (code === 0 || code > 0xff) return false;
    if (index < 4) key0 = (key0 << 8) | code;
    else if (index < 8) key1 = (key1 << 8) | code;
    else key2 = (key2 << 8) | code;
  }
  packed[0] = key0;
  packed[1] = key1;
  packed[2] = key2;
  return true;
}

/** The word that packs to (key0, key1, key2). */
function unpackWord(key0: number, key1: number, key2: number): string {
  let length = 0;
  for (const key of [key0, key1, key2]) {
    for (let shift = 24; shift >= 0; shift -= 8) {
      const code = (key >>> shift) & 0xff;
      if (code !== 0) unpacked[length++] = code;
    }
  }
  return stringFromCodes(unpacked, length);
}

/** Where `unpackWord` puts the code units it unpacks. */
const unpacked = new Uint16Array(Packing.maxLength);

/**
 * Mixes a packed word's three numbers into a hash whose low bits, which pick the slot, depend on every
 * byte: a multiply carries the low bytes up, and the shift brings the high bits back down.
 */
function packedHash(key0: number, key1: number, key2: number): number {
  const hash = Math.imul(key0 ^ Math.imul(key1, 0x9e3779b1) ^ Math.imul(key2, 0x85ebca77), 0xc2b2ae3d);
  return hash ^ (hash >>> 15);
}

/** FNV-1a over the code units of a word that does not pack. */
function codesHash(codes: Uint16Array, length: number): number {
  let hash = 2166136261 | 0;
  for (let index = 0; index < length; index++) hash = Math.imul(hash ^ codes[index], 16777619);
  return hash;
}

/**
 * For each length up to 64, an array of that length, reused to pass a short word's code units to
 * String.fromCharCode: faster than a typed array view, and than changing an array's length.
 */
const shortWords = Array.from({ length: 65 }, (_, length) => new Array<number>(length).fill(0));

/**
 * The word codes[0, length) as a string of its own: built from code units, it is never a slice that
 * would keep a whole source text alive. String.fromCharCode spreads its arguments on the stack, so a long
 * word goes in pieces.
 */
export function stringFromCodes(codes: Uint16Array, length: number): string {
  const piece = 4096;
  if (length < shortWords.length) {
    const units = shortWords[length];
    for (let index = 0; index < length; index++) units[index] = codes[index];
    return String.fromCharCode.apply(null, units);
  }
  let result = '';
  for (let offset = 0; offset < length; offset += piece) {
    result += String.fromCharCode.apply(null, codes.subarray(offset, Math.min(length, offset + piece)) as unknown as number[]);
  }
  return result;
}
