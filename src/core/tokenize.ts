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
    foldCache.set(word, folded);
  }
  return folded;
}

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && char !== softHyphen && wordChar.test(char) && !superscripts.test(char);
}

function isAsciiWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
}

export interface TokenizeOptions {
  /** Drop footnote markers; right for sources, wrong for the text an author typed. */
  dropFootnoteMarkers?: boolean;
}

/** Splits text into normalised words with their original offsets. Linear in the length of the text. */
export function tokenize(text: string, options: TokenizeOptions = {}): TokenList {
  const words: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const dropMarkers = options.dropFootnoteMarkers ?? false;
  const length = text.length;
  let index = 0;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (dropMarkers && code === 91 /* [ */) {
      artefact.lastIndex = index;
      if (artefact.test(text)) {
        index = artefact.lastIndex;
        continue;
      }
    }
    if (!(isAsciiWordCode(code) || (code > 127 && isWordChar(text[index])))) {
      index++;
      continue;
    }
    const start = index;
    let raw = '';
    let segmentStart = index;
    while (index < length) {
      const c = text.charCodeAt(index);
      if (isAsciiWordCode(c) || (c > 127 && isWordChar(text[index]))) {
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
    raw += text.slice(segmentStart, index);
    const word = foldWord(raw);
    if (dropMarkers && isFootnoteMarker(text, start, index, word)) continue;
    words.push(word);
    starts.push(start);
    ends.push(index);
  }
  return { words, starts: Uint32Array.from(starts), ends: Uint32Array.from(ends) };
}

/** A number glued to the punctuation that ends a phrase ("(NRM).1 Meanwhile") is a footnote reference. */
function isFootnoteMarker(text: string, start: number, end: number, word: string): boolean {
  if (!/^\d{1,3}$/.test(word) || start === 0) return false;
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
