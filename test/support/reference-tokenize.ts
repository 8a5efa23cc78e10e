/**
 * A frozen copy of src/core/index/tokenize.ts as it was before the fast scanner (commit caadba7), kept as the
 * reference the equivalence tests compare the new scanner against. Do not edit it to follow src/core:
 * its whole point is that it does not change.
 */

/**
 * Word tokens for matching quotes against sources and for full-text search.
 *
 * Normalisation is what makes a faithful quote match its hard-wrapped, hyphenated source: case and
 * diacritics are folded, apostrophes and hyphens inside a word vanish ("decision-making" and
 * "decision-\n\nmaking" both become "decisionmaking"), punctuation and quote marks never count, and
 * footnote markers in the source ("(NRM).1 Meanwhile", "[footnoteRef:2]", "¹") are dropped.
 */

export interface TokenList {
  /** Normalised words, in order. */
  words: string[];
  /** UTF-16 offset where each word starts in the original text. */
  starts: Uint32Array;
  /** UTF-16 offset just past each word's end in the original text. */
  ends: Uint32Array;
}

const wordChar = /[\p{L}\p{N}\p{M}]/u;
const hyphens = new Set(['-', '\u2010', '\u2011']);
const apostrophes = new Set(["'", '\u2019', '\u02BC', '\u2018']);
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
export function foldWord(word: string): string {
  if (/^[a-z0-9]+$/.test(word)) return word;
  let folded = foldCache.get(word);
  if (folded === undefined) {
    folded = word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    if (foldCache.size > 200_000) foldCache.clear();
    // The key is copied: a slice of a source text would keep that whole text alive in the cache.
    foldCache.set((' ' + word).slice(1), folded);
  }
  return folded;
}

/** Word-character classes of the first 12,288 code points, worked out once: a regex per character is slow. */
const wordCodeTable = (() => {
  const table = new Uint8Array(0x3000);
  for (let code = 0; code < table.length; code++) {
    const char = String.fromCharCode(code);
    table[code] = char !== softHyphen && wordChar.test(char) && !superscripts.test(char) ? 1 : 0;
  }
  return table;
})();

function isWordCode(code: number): boolean {
  if (code < 0x3000) return wordCodeTable[code] === 1;
  if (code >= 0xd800 && code <= 0xdfff) return false;
  return isWordChar(String.fromCharCode(code));
}

function isWordChar(char: string | undefined): boolean {
  if (char === undefined) return false;
  const code = char.charCodeAt(0);
  if (code < 0x3000) return wordCodeTable[code] === 1;
  return char !== softHyphen && wordChar.test(char) && !superscripts.test(char);
}

function isAsciiWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
}

export interface TokenizeOptions {
  /** Drop footnote markers; right for sources, wrong for the text an author typed. */
  dropFootnoteMarkers?: boolean;
}

/**
 * The one scanner every tokenizing path shares, so quote matching, search and the index always agree on
 * what a word is. It calls `emit` with each normalised word and its span. Linear in the text's length;
 * plain lower-case ASCII words (most of any English text) are sliced without further work.
 */
export function scanWords(
  text: string,
  dropMarkers: boolean,
  emit: (word: string, start: number, end: number) => boolean | void,
  from = 0,
  /**
   * Called instead of `emit` for a word that is a plain run of ASCII letters and digits, so a caller that
   * only needs to look the word up (the index) never has to build the string. `upper` says it needs
   * lower-casing.
   */
  emitPlain?: (start: number, end: number, upper: boolean) => boolean | void,
): void {
  const length = text.length;
  let index = from;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (dropMarkers && code === 91 /* [ */) {
      artefact.lastIndex = index;
      if (artefact.test(text)) {
        index = artefact.lastIndex;
        continue;
      }
    }
    if (!(isAsciiWordCode(code) || (code > 127 && isWordCode(code)))) {
      index++;
      continue;
    }
    const start = index;
    let raw = '';
    let segmentStart = index;
    let simple = true;
    let upper = false;
    while (index < length) {
      const c = text.charCodeAt(index);
      if (c >= 97 && c <= 122) {
        index++;
        continue;
      }
      if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90)) {
        if (c <= 90 && c >= 65) upper = true;
        index++;
        continue;
      }
      if (c > 127 && isWordCode(c)) {
        simple = false;
        index++;
        continue;
      }
      const char = text[index];
      if (char === softHyphen) {
        raw += text.slice(segmentStart, index);
        index++;
        segmentStart = index;
        continue;
      }
      if (apostrophes.has(char) && isWordChar(text[index - 1]) && isWordChar(text[index + 1])) {
        raw += text.slice(segmentStart, index);
        index++;
        segmentStart = index;
        continue;
      }
      if (hyphens.has(char) && isWordChar(text[index - 1])) {
        if (isWordChar(text[index + 1])) {
          raw += text.slice(segmentStart, index);
          index++;
          segmentStart = index;
          continue;
        }
        // A hyphen at a line end joins the word that the wrap broke, even across blank lines.
        let next = index + 1;
        let sawNewline = false;
        while (next < length && (text[next] === ' ' || text[next] === '\t' || text[next] === '\r' || text[next] === '\n')) {
          if (text[next] === '\n') sawNewline = true;
          next++;
        }
        if (sawNewline && isWordChar(text[next])) {
          raw += text.slice(segmentStart, index);
          index = next;
          segmentStart = index;
          continue;
        }
      }
      break;
    }
    if (dropMarkers && isFootnoteMarker(text, start, index)) continue;
    if (emitPlain && simple && segmentStart === start) {
      if (emitPlain(start, index, upper) === false) return;
      continue;
    }
    raw += text.slice(segmentStart, index);
    const word = simple ? (upper ? raw.toLowerCase() : raw) : foldWord(raw);
    if (emit(word, start, index) === false) return;
  }
}

/** Splits text into normalised words with their original offsets. */
export function tokenize(text: string, options: TokenizeOptions = {}): TokenList {
  const words: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  scanWords(text, options.dropFootnoteMarkers ?? false, (word, start, end) => {
    words.push(word);
    starts.push(start);
    ends.push(end);
  });
  return { words, starts: Uint32Array.from(starts), ends: Uint32Array.from(ends) };
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

/** Tokenises a short string to plain normalised words (queries, quotes after editorial handling). */
export function words(text: string): string[] {
  return tokenize(text).words;
}
