/**
 * Word tokens for matching quotes against sources and for full-text search.
 *
 * Normalisation is what makes a faithful quote match its hard-wrapped, hyphenated source: case and
 * diacritics are folded, apostrophes and hyphens inside a word vanish ("decision-making" and
 * "decision-\n\nmaking" both become "decisionmaking"), punctuation and quote marks never count, and
 * footnote markers in the source ("(NRM).1 Meanwhile", "[footnoteRef:2]", "¹") are dropped.
 */
import { Packing, stringFromCodes, type Vocabulary } from './vocabulary';

export interface TokenList {
  /** Normalised words, in order. */
  words: string[];
  /** UTF-16 offset where each word starts in the original text. */
  starts: Uint32Array;
  /** UTF-16 offset just past each word's end in the original text. */
  ends: Uint32Array;
}

const wordChar = /[\p{L}\p{N}\p{M}]/u;
const softHyphen = '\u00AD';
const footnoteLead = new Set(['.', ',', ';', ':', ')', '\u201D', '"', '\u2019']);
const superscripts = /[\u00B9\u00B2\u00B3\u2070-\u2079]/u;
/**
 * Bracketed artefacts that word processors leave in exported text, and the `[p. N]` page markers of
 * extracted PDFs: they are never part of what a source says.
 */
const artefact = /\[(?:footnoteRef:\s*\d+|bookmark:[^\]\n]{0,200}|\^\d+|\d{1,3}|p\. [^\]\n]{1,12})\]/y;

const foldCache = new Map<string, string>();

/** Lower-cases and strips diacritics, so "Shtëpia" and "shtepia" are the same word. */
function foldWord(word: string): string {
  if (/^[a-z0-9]+$/.test(word)) return word;
  let folded = foldCache.get(word);
  if (folded === undefined) {
    folded = foldWithoutCache(word);
    if (foldCache.size > 200_000) foldCache.clear();
    // The key is copied: a slice of a source text would keep that whole text alive in the cache.
    foldCache.set((' ' + word).slice(1), folded);
  }
  return folded;
}

function foldWithoutCache(word: string): string {
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * What one UTF-16 code unit is to the scanner. Every kind from `plainLetter` to `wholeWordLetter` is part of
 * a word. A const enum, so the hot loops compare with literals rather than load module-level constants.
 */
const enum Kind {
  separator,
  softHyphen,
  apostrophe,
  hyphen,
  openBracket,
  /** a-z and 0-9: already normalised. */
  plainLetter,
  /** A-Z: normalised by setting one bit. */
  upperAscii,
  /** A word character that folds to one code unit below U+0100, found in `oneUnitFolds`. */
  foldsToOneUnit,
  /**
   * Any other word character below `tabledFoldLimit`: it folds to none (a combining mark), to several
   * ("ĳ", "¼") or to one unit above U+00FF, found in the fold table.
   */
  foldsToOtherUnits,
  /**
   * A word character that only `foldWord` on the whole word folds right: Greek capital sigma lower-cases by
   * its context, and the rest of Unicode is left to `String.prototype.normalize` rather than a table.
   */
  wholeWordLetter,
  /** Not classified yet (see `eagerlyClassified`); `isWordCode` classifies it. */
  unclassified = 255,
}

/** Code units from here on are classified when first met: classifying all of them costs start-up time. */
const eagerlyClassified = 0x3000;

/**
 * Code units below this fold one at a time: lower-casing is context-free without Σ (U+03A3), NFKD
 * decomposes each character on its own, and the only reordering NFKD does, of combining marks, cannot
 * matter when every mark is removed. So folding a word is folding its characters and joining the results.
 * The equivalence tests check this for every pair of these characters.
 */
const tabledFoldLimit = 0x370;

const characterKinds = new Uint8Array(0x10000).fill(Kind.unclassified, eagerlyClassified);

/**
 * The folded code units of each code unit c below `tabledFoldLimit`: foldUnits[foldStarts[c], foldStarts[c + 1]).
 * `oneUnitFolds` has the one unit of every code unit that folds to one below U+0100 (a-z, A-Z, 0-9,
 * `foldsToOneUnit`), 0 for any other: the scanner's common case in one read.
 */
const oneUnitFolds = new Uint16Array(0x10000);
const { foldStarts, foldUnits } = (() => {
  const starts = new Uint16Array(tabledFoldLimit + 1);
  const units: number[] = [];
  for (let code = 0; code < eagerlyClassified; code++) {
    const kind = classify(code);
    if (code < tabledFoldLimit) {
      starts[code] = units.length;
      if (kind === Kind.foldsToOneUnit) {
        const folded = foldWithoutCache(String.fromCharCode(code));
        for (let index = 0; index < folded.length; index++) units.push(folded.charCodeAt(index));
      }
    }
    const oneByte = units.length - starts[code] === 1 && units[starts[code]] <= 0xff;
    characterKinds[code] = kind === Kind.foldsToOneUnit && !oneByte ? Kind.foldsToOtherUnits : kind;
    if (characterKinds[code] === Kind.plainLetter) oneUnitFolds[code] = code;
    else if (characterKinds[code] === Kind.upperAscii) oneUnitFolds[code] = code | 32;
    else if (characterKinds[code] === Kind.foldsToOneUnit) oneUnitFolds[code] = units[starts[code]];
  }
  starts[tabledFoldLimit] = units.length;
  // Lone surrogates are never word characters, and astral characters are read as two of them.
  characterKinds.fill(Kind.separator, 0xd800, 0xe000);
  return { foldStarts: starts, foldUnits: Uint16Array.from(units) };
})();

/** Word characters below `tabledFoldLimit` come out as `foldsToOneUnit`; the table build tells those that fold otherwise. */
function classify(code: number): number {
  const char = String.fromCharCode(code);
  if (char !== softHyphen && wordChar.test(char) && !superscripts.test(char)) {
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) return Kind.plainLetter;
    if (code >= 65 && code <= 90) return Kind.upperAscii;
    return code < tabledFoldLimit ? Kind.foldsToOneUnit : Kind.wholeWordLetter;
  }
  if (char === softHyphen) return Kind.softHyphen;
  if (char === "'" || char === '\u2019' || char === '\u2018') return Kind.apostrophe;
  if (char === '-' || char === '\u2010' || char === '\u2011') return Kind.hyphen;
  // U+02BC (ʼ) counts as an apostrophe too, but it is a letter, so the branch above has claimed it.
  return char === '[' ? Kind.openBracket : Kind.separator;
}

function isWordCode(code: number): boolean {
  let kind = characterKinds[code];
  if (kind === Kind.unclassified) kind = characterKinds[code] = classify(code);
  return kind >= Kind.plainLetter;
}

/** How a word is made from what the scanner read. */
const enum WordForm {
  /** The code units the scanner folded the word into, one for each code unit of the span. */
  foldedSpan,
  /** The code units the scanner folded the word into, with parts joined or a character folded to none or several. */
  folded,
  /** `foldWord` on the span's word characters, for a word with a `wholeWordLetter`. */
  wholeWord,
}

/**
 * Finds words one at a time. It folds each word into `codes` as it reads it, and packs a short one as the
 * vocabulary does (see `Packing`), so a caller that numbers words builds no string for a word it has
 * seen, and joining a word across soft hyphens, apostrophes and line-end hyphens costs no concatenation.
 */
class WordScanner {
  /** Where the current word's span in the text starts; it ends at `end`. */
  start = 0;
  /** The current word's folded code units, codes[0, length), unless its form is `wholeWord`. */
  codes: Uint16Array = new Uint16Array(256);
  length = 0;
  /** The current word packed, when `packed`: see `Packing` in the vocabulary. */
  packed = false;
  key0 = 0;
  key1 = 0;
  key2 = 0;
  /** How the current word is made from what was read. */
  form = WordForm.foldedSpan;
  /** Where the scan goes on from: past the current word, once there is one. */
  private index: number;

  constructor(
    private readonly text: string,
    private readonly dropMarkers: boolean,
    from: number,
  ) {
    // charCodeAt before the text's start is NaN, which never began a word: a negative start reads as 0.
    this.index = Math.max(0, from);
  }

  get end(): number {
    return this.index;
  }

  /** Moves to the next word; false at the end of the text. */
  next(): boolean {
    const text = this.text;
    const length = text.length;
    const kinds = characterKinds;
    const oneUnit = oneUnitFolds;
    const unitStarts = foldStarts;
    const units = foldUnits;
    let index = this.index;
    while (index < length) {
      const kind = kinds[text.charCodeAt(index)];
      if (kind < Kind.plainLetter) {
        if (kind === Kind.openBracket && this.dropMarkers) {
          artefact.lastIndex = index;
          if (artefact.test(text)) {
            index = artefact.lastIndex;
            continue;
          }
        }
        index++;
        continue;
      }
      if (kind === Kind.unclassified) {
        isWordCode(text.charCodeAt(index));
        continue;
      }
      const start = index;
      let codes = this.codes;
      let count = 0;
      // The word packed as `Packing` says, while each code unit is at hand; `wide` gathers the bits of the
      // units that `oneUnitFolds` does not give, which are all below U+0100, so it shows one that does not pack.
      let key0 = 0;
      let key1 = 0;
      let key2 = 0;
      let wide = 0;
      // The word is not its span's code units folded one for one: parts were joined, or a character folded
      // to none or several, so the span's text cannot be the word.
      let spanDiffers = false;
      let needsWholeFold = false;
      while (index < length) {
        const code = text.charCodeAt(index);
        const unit = oneUnit[code];
        if (unit !== 0) {
          if (count === codes.length) codes = this.grow();
          if (count < 4) key0 = (key0 << 8) | unit;
          else if (count < 8) key1 = (key1 << 8) | unit;
          else key2 = (key2 << 8) | unit;
          codes[count++] = unit;
          index++;
          continue;
        }
        const letterKind = kinds[code];
        if (letterKind >= Kind.plainLetter) {
          if (letterKind === Kind.unclassified) {
            isWordCode(code);
            continue;
          }
          spanDiffers = true;
          if (letterKind === Kind.wholeWordLetter) needsWholeFold = true;
          else {
            const foldEnd = unitStarts[code + 1];
            for (let unit = unitStarts[code]; unit < foldEnd; unit++) {
              const folded = units[unit];
              if (count === codes.length) codes = this.grow();
              if (count < 4) key0 = (key0 << 8) | folded;
              else if (count < 8) key1 = (key1 << 8) | folded;
              else key2 = (key2 << 8) | folded;
              codes[count++] = folded;
              wide |= folded;
            }
          }
          index++;
          continue;
        }
        // Not a word character: it either joins two parts of the word or, as white space does, ends it.
        if (letterKind === Kind.separator) break;
        if (letterKind === Kind.softHyphen) {
          spanDiffers = true;
          index++;
          continue;
        }
        if (letterKind === Kind.apostrophe) {
          if (isWordCode(text.charCodeAt(index - 1)) && index + 1 < length && isWordCode(text.charCodeAt(index + 1))) {
            spanDiffers = true;
            index++;
            continue;
          }
          break;
        }
        if (letterKind === Kind.hyphen && isWordCode(text.charCodeAt(index - 1))) {
          if (index + 1 < length && isWordCode(text.charCodeAt(index + 1))) {
            spanDiffers = true;
            index++;
            continue;
          }
          // A hyphen at a line end joins the word that the wrap broke, even across blank lines.
          let next = index + 1;
          let sawNewline = false;
          while (next < length) {
            const space = text.charCodeAt(next);
            if (space === 10) sawNewline = true;
            else if (space !== 32 && space !== 9 && space !== 13) break;
            next++;
          }
          if (sawNewline && next < length && isWordCode(text.charCodeAt(next))) {
            spanDiffers = true;
            index = next;
            continue;
          }
        }
        break;
      }
      // Only a run of one to three digits can be a footnote marker; testing the first spares the call.
      if (this.dropMarkers && index - start <= 3 && text.charCodeAt(start) <= 57 && isFootnoteMarker(text, start, index)) continue;
      this.index = index;
      this.start = start;
      this.length = count;
      this.packed = !needsWholeFold && count > 0 && count <= Packing.maxLength && wide <= 0xff;
      this.key0 = key0;
      this.key1 = key1;
      this.key2 = key2;
      this.form = needsWholeFold ? WordForm.wholeWord : spanDiffers ? WordForm.folded : WordForm.foldedSpan;
      return true;
    }
    this.index = index;
    return false;
  }

  /** The current word, normalised. */
  word(): string {
    if (this.form === WordForm.wholeWord) return foldWord(wordCharacters(this.text, this.start, this.end));
    if (this.form === WordForm.foldedSpan && this.spanIsWord()) return this.text.slice(this.start, this.end);
    return stringFromCodes(this.codes, this.length);
  }

  /** Whether the span's text is the word, as it is for most words: slicing it is cheaper than building it. */
  private spanIsWord(): boolean {
    const text = this.text;
    const codes = this.codes;
    for (let index = 0; index < this.length; index++) if (text.charCodeAt(this.start + index) !== codes[index]) return false;
    return true;
  }

  private grow(): Uint16Array {
    const grown = new Uint16Array(this.codes.length * 2);
    grown.set(this.codes);
    return (this.codes = grown);
  }
}

/**
 * The characters of a word's span that make the word: the scanner only joins across characters that are
 * not word characters (soft hyphens, apostrophes, hyphens and the white space after a line-end hyphen),
 * so they are exactly what is left out.
 */
function wordCharacters(text: string, start: number, end: number): string {
  let raw = '';
  let segmentStart = start;
  for (let index = start; index < end; index++) {
    if (isWordCode(text.charCodeAt(index))) continue;
    raw += text.slice(segmentStart, index);
    segmentStart = index + 1;
  }
  return segmentStart === start ? text.slice(start, end) : raw + text.slice(segmentStart, end);
}

interface TokenizeOptions {
  /** Drop footnote markers; right for sources, wrong for the text an author typed. */
  dropFootnoteMarkers?: boolean;
}

/**
 * The one scanner every tokenizing path shares, so quote matching, search and the index always agree on
 * what a word is. It calls `emit` with each normalised word and its span, and stops early when `emit`
 * returns false. Linear in the text's length.
 */
export function scanWords(text: string, dropMarkers: boolean, emit: (word: string, start: number, end: number) => boolean | void, from = 0): void {
  const scanner = new WordScanner(text, dropMarkers, from);
  while (scanner.next()) if (emit(scanner.word(), scanner.start, scanner.end) === false) return;
}

/**
 * Numbers the words of a source text: the same words, in the same order, as `scanWords` with footnote
 * markers dropped, each interned in `vocabulary`. A word already in the vocabulary costs no string.
 */
export function indexWords(text: string, vocabulary: Vocabulary, onWord: (id: number, start: number, end: number) => void, from = 0): void {
  const scanner = new WordScanner(text, true, from);
  while (scanner.next()) {
    const id = scanner.packed
      ? vocabulary.internPacked(scanner.key0, scanner.key1, scanner.key2)
      : scanner.form === WordForm.wholeWord
        ? vocabulary.intern(scanner.word())
        : vocabulary.internCodes(scanner.codes, scanner.length);
    onWord(id, scanner.start, scanner.end);
  }
}

/** Splits text into normalised words with their original offsets. */
export function tokenize(text: string, options: TokenizeOptions = {}): TokenList {
  const words: string[] = [];
  let starts: Uint32Array = new Uint32Array(16);
  let ends: Uint32Array = new Uint32Array(16);
  const scanner = new WordScanner(text, options.dropFootnoteMarkers ?? false, 0);
  while (scanner.next()) {
    if (words.length === starts.length) {
      starts = grown(starts);
      ends = grown(ends);
    }
    starts[words.length] = scanner.start;
    ends[words.length] = scanner.end;
    words.push(scanner.word());
  }
  return { words, starts: starts.slice(0, words.length), ends: ends.slice(0, words.length) };
}

function grown(values: Uint32Array): Uint32Array {
  const larger = new Uint32Array(values.length * 2);
  larger.set(values);
  return larger;
}

/** A number glued to the punctuation that ends a phrase ("(NRM).1 Meanwhile") is a footnote reference. */
function isFootnoteMarker(text: string, start: number, end: number): boolean {
  if (start === 0 || end - start > 3) return false;
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return false;
  }
  const before = text[start - 1];
  if (!footnoteLead.has(before)) return false;
  const beforeThat = text[start - 2];
  if (beforeThat === undefined || /\s/.test(beforeThat)) return false;
  // "3.5" and "1,000" are numbers, not markers.
  if ((before === '.' || before === ',') && /\d/.test(beforeThat)) return false;
  const after = text[end];
  return after === undefined || /\s/.test(after) || after === '[';
}

/** How many words `words(text)` would give, without making their strings (every quote of a report is counted on every check). */
export function countWords(text: string): number {
  const scanner = new WordScanner(text, false, 0);
  let count = 0;
  while (scanner.next()) count++;
  return count;
}

/** Tokenises a short string to plain normalised words (queries, quotes after editorial handling). */
export function words(text: string): string[] {
  return tokenize(text).words;
}
