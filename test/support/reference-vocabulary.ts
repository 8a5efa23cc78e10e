/**
 * A frozen copy of src/core/index/vocabulary.ts as it was before the fast scanner (commit caadba7), the
 * reference the equivalence tests and benchmarks number words with. Do not edit it to follow src/core.
 */

/**
 * Every distinct normalised word of a corpus, numbered. Sources store their text as word numbers,
 * which take a quarter of the memory of the words themselves and compare in one instruction.
 *
 * Words are found through an open-addressing hash table keyed by a hash of their characters, so the
 * indexer can look a word up straight from the text it is reading, without building a string for it.
 */
export class Vocabulary {
  readonly words: string[] = [];
  private hashes = new Uint32Array(1024);
  /** Pairs of (hash, word number + 1) side by side, so a probe touches one cache line; 0 is empty. */
  private table = new Int32Array(8192);

  static from(words: readonly string[]): Vocabulary {
    const vocabulary = new Vocabulary();
    for (const word of words) vocabulary.intern(word);
    return vocabulary;
  }

  get size(): number {
    return this.words.length;
  }

  /** The word's number, or -1 for a word no source contains. */
  idOf(word: string): number {
    const hash = hashString(word);
    const mask = (this.table.length >> 1) - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.table[2 * slot + 1];
      if (entry === 0) return -1;
      if (this.table[2 * slot] === (hash | 0) && this.words[entry - 1] === word) return entry - 1;
    }
  }

  intern(word: string): number {
    const hash = hashString(word);
    const mask = (this.table.length >> 1) - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.table[2 * slot + 1];
      if (entry === 0) return this.insert(ownString(word), hash, slot);
      if (this.table[2 * slot] === (hash | 0) && this.words[entry - 1] === word) return entry - 1;
    }
  }

  /** Interns text[start, end), lower-cased when `upper`, without building a string unless the word is new. */
  internRange(text: string, start: number, end: number, upper: boolean): number {
    let hash = 2166136261;
    for (let index = start; index < end; index++) {
      let code = text.charCodeAt(index);
      if (upper && code >= 65 && code <= 90) code |= 32;
      hash = Math.imul(hash ^ code, 16777619);
    }
    hash >>>= 0;
    const signed = hash | 0;
    const length = end - start;
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = table[2 * slot + 1];
      if (entry === 0) {
        const word = upper ? text.slice(start, end).toLowerCase() : text.slice(start, end);
        return this.insert(ownString(word), hash, slot);
      }
      if (table[2 * slot] !== signed) continue;
      const word = this.words[entry - 1];
      if (word.length !== length) continue;
      let same = true;
      for (let index = 0; index < length; index++) {
        let code = text.charCodeAt(start + index);
        if (upper && code >= 65 && code <= 90) code |= 32;
        if (word.charCodeAt(index) !== code) {
          same = false;
          break;
        }
      }
      if (same) return entry - 1;
    }
  }

  private insert(word: string, hash: number, slot: number): number {
    const id = this.words.length;
    this.words.push(word);
    if (id >= this.hashes.length) {
      const grown = new Uint32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[id] = hash;
    this.table[2 * slot] = hash | 0;
    this.table[2 * slot + 1] = id + 1;
    // Kept at most half full, so probes stay short.
    if (this.words.length * 2 > this.table.length >> 1) this.rehash();
    return id;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = (table.length >> 1) - 1;
    for (let id = 0; id < this.words.length; id++) {
      let slot = this.hashes[id] & mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = this.hashes[id] | 0;
      table[2 * slot + 1] = id + 1;
    }
    this.table = table;
  }
}

/** FNV-1a over UTF-16 code units; `internRange` computes the same hash from the text directly. */
function hashString(word: string): number {
  let hash = 2166136261;
  for (let index = 0; index < word.length; index++) hash = Math.imul(hash ^ word.charCodeAt(index), 16777619);
  return hash >>> 0;
}

/**
 * A copy of a string that does not point into the text it was cut from. V8 represents a longer slice
 * as a view of its parent, so keeping the slice would keep the whole source text alive.
 */
function ownString(word: string): string {
  return word.length < 13 ? word : (' ' + word).slice(1);
}
