import type { Corpus } from './corpus';
import type { IndexedText } from './indexed-text';
import { matchQuote, parseQuotePattern } from './quote-match';
import { tokenize } from './tokenize';

/**
 * Full-text search over a corpus, ranked by BM25 over passages of about a paragraph. The index is an
 * inverted list per word, so a query costs in proportion to how often its words occur, not to the
 * size of the corpus; the last word of a query also matches as a prefix, for search as you type.
 */

export interface SearchHit {
  key: string;
  /** 1-based line and column of the first matching word in the source. */
  line: number;
  column: number;
  /** Offsets of the passage's matched region in the source text. */
  start: number;
  end: number;
  score: number;
  /** Running text around the match, unwrapped. */
  snippet: string;
  /** [start, end) offsets into `snippet` of each matched word. */
  highlights: [number, number][];
}

export interface SearchOptions {
  limit?: number;
  /** Match the last word as a prefix (on by default, for search as you type); `word*` always does. */
  prefix?: boolean;
  /** Restrict to these keys. */
  keys?: readonly string[];
}

const passageWords = 64;
const k1 = 1.2;
const b = 0.75;

interface Passage {
  source: number;
  firstWord: number;
  wordCount: number;
}

export class CorpusSearch {
  private readonly keys: string[] = [];
  private readonly texts: IndexedText[] = [];
  private readonly passages: Passage[] = [];
  private readonly postings = new Map<string, { passages: Uint32Array; counts: Uint16Array }>();
  private readonly vocabulary: string[];
  private readonly averageLength: number;

  constructor(corpus: Corpus) {
    const building = new Map<string, { passages: number[]; counts: number[] }>();
    let totalWords = 0;
    for (const source of corpus.sources) {
      const text = corpus.text(source.key);
      if (!text) continue;
      const sourceIndex = this.keys.length;
      this.keys.push(source.key);
      this.texts.push(text);
      const words = text.tokens.words;
      for (let first = 0; first < words.length; first += passageWords) {
        const passageId = this.passages.length;
        const count = Math.min(passageWords, words.length - first);
        this.passages.push({ source: sourceIndex, firstWord: first, wordCount: count });
        totalWords += count;
        for (let position = first; position < first + count; position++) {
          const word = words[position];
          let list = building.get(word);
          if (!list) building.set(word, (list = { passages: [], counts: [] }));
          const last = list.passages.length - 1;
          if (last >= 0 && list.passages[last] === passageId) list.counts[last]++;
          else {
            list.passages.push(passageId);
            list.counts.push(1);
          }
        }
      }
    }
    for (const [word, list] of building) {
      this.postings.set(word, { passages: Uint32Array.from(list.passages), counts: Uint16Array.from(list.counts, (count) => Math.min(count, 65535)) });
    }
    this.vocabulary = [...this.postings.keys()].sort();
    this.averageLength = this.passages.length ? totalWords / this.passages.length : 1;
  }

  get passageCount(): number {
    return this.passages.length;
  }

  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = options.limit ?? 20;
    const parsed = parseQuery(query, options.prefix ?? true);
    if (parsed.terms.length === 0) return [];
    const allowed = options.keys ? new Set(options.keys) : undefined;
    const termMatches = parsed.terms.map((term) => this.expand(term));
    const scores = new Map<number, number>();
    const matchedTerms = new Map<number, number>();
    const passageCount = this.passages.length;
    termMatches.forEach((words) => {
      const seenInTerm = new Set<number>();
      for (const word of words) {
        const list = this.postings.get(word)!;
        const idf = Math.log(1 + (passageCount - list.passages.length + 0.5) / (list.passages.length + 0.5));
        for (let index = 0; index < list.passages.length; index++) {
          const passageId = list.passages[index];
          const passage = this.passages[passageId];
          if (allowed && !allowed.has(this.keys[passage.source])) continue;
          const tf = list.counts[index];
          const score = (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * passage.wordCount) / this.averageLength));
          scores.set(passageId, (scores.get(passageId) ?? 0) + score);
          if (!seenInTerm.has(passageId)) {
            seenInTerm.add(passageId);
            matchedTerms.set(passageId, (matchedTerms.get(passageId) ?? 0) + 1);
          }
        }
      }
    });
    // Every word must match, as in the editor's own search: more words narrow the results.
    let candidates = [...scores.keys()].filter((id) => matchedTerms.get(id) === parsed.terms.length);
    if (parsed.phrases.length) candidates = candidates.filter((id) => parsed.phrases.every((phrase) => this.phraseIn(id, phrase)));
    candidates.sort((x, y) => scores.get(y)! - scores.get(x)! || x - y);
    const hits: SearchHit[] = [];
    const perSource = new Map<number, number>();
    const matchWords = new Set(termMatches.flat());
    for (const id of candidates) {
      if (hits.length >= limit) break;
      const passage = this.passages[id];
      // Many hits from one long source should not crowd out every other source.
      const shown = perSource.get(passage.source) ?? 0;
      if (shown >= Math.max(3, Math.ceil(limit / 4))) continue;
      perSource.set(passage.source, shown + 1);
      hits.push(this.hit(id, scores.get(id)!, matchWords));
    }
    return hits;
  }

  /**
   * The sources that contain a quote as the quote rules read it (omissions, editorial brackets and all),
   * for attributing an uncited quote. Candidates are the sources holding the quote's rarest words.
   */
  findQuote(quote: string, limit = 5): { key: string; start: number; end: number }[] {
    const pattern = parseQuotePattern(quote);
    const words = [...new Set(pattern.segments.flat())];
    if (words.length === 0) return [];
    const rarest = words
      .map((word) => ({ word, list: this.postings.get(word) }))
      .sort((a, b) => (a.list?.passages.length ?? 0) - (b.list?.passages.length ?? 0))
      .slice(0, 3);
    if (rarest.some(({ list }) => !list)) return [];
    let candidates: Set<number> | undefined;
    for (const { list } of rarest) {
      const sources = new Set<number>();
      for (const passageId of list!.passages) sources.add(this.passages[passageId].source);
      candidates = candidates ? new Set([...candidates].filter((source) => sources.has(source))) : sources;
    }
    const found: { key: string; start: number; end: number }[] = [];
    for (const source of candidates ?? []) {
      const match = matchQuote(this.texts[source], pattern);
      if (match.found) found.push({ key: this.keys[source], start: match.location.start, end: match.location.end });
      if (found.length >= limit) break;
    }
    return found;
  }

  /** The indexed words a query term stands for: itself, or every word it starts for a prefix term. */
  private expand(term: { word: string; prefix: boolean }): string[] {
    if (!term.prefix) return this.postings.has(term.word) ? [term.word] : [];
    const matches: string[] = [];
    let low = 0;
    let high = this.vocabulary.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.vocabulary[middle] < term.word) low = middle + 1;
      else high = middle;
    }
    for (let index = low; index < this.vocabulary.length && this.vocabulary[index].startsWith(term.word); index++) {
      matches.push(this.vocabulary[index]);
      if (matches.length >= 200) break;
    }
    return matches;
  }

  private phraseIn(passageId: number, phrase: string[]): boolean {
    const passage = this.passages[passageId];
    const text = this.texts[passage.source];
    return text.occurrences(phrase, passage.firstWord, passage.firstWord + passage.wordCount - 1).length > 0;
  }

  private hit(passageId: number, score: number, matchWords: Set<string>): SearchHit {
    const passage = this.passages[passageId];
    const text = this.texts[passage.source];
    const words = text.tokens.words;
    let firstMatch = passage.firstWord;
    for (let position = passage.firstWord; position < passage.firstWord + passage.wordCount; position++) {
      if (matchWords.has(words[position])) {
        firstMatch = position;
        break;
      }
    }
    const from = Math.max(0, firstMatch - 12);
    const to = Math.min(words.length - 1, firstMatch + 28);
    const start = text.tokens.starts[from];
    const end = text.tokens.ends[to];
    const { snippet, highlights } = buildSnippet(text, from, to, matchWords);
    const position = text.lineIndex().positionAt(text.tokens.starts[firstMatch]);
    return {
      key: this.keys[passage.source],
      line: position.line + 1,
      column: position.character + 1,
      start,
      end,
      score,
      snippet: `${from > 0 ? '…' : ''}${snippet}${to < words.length - 1 ? '…' : ''}`,
      highlights: highlights.map(([a, z]) => [a + (from > 0 ? 1 : 0), z + (from > 0 ? 1 : 0)]),
    };
  }
}

/** Unwraps the source text between two words and records where the matched words land. */
function buildSnippet(text: IndexedText, from: number, to: number, matchWords: Set<string>): { snippet: string; highlights: [number, number][] } {
  const { starts, ends, words } = text.tokens;
  let snippet = '';
  const highlights: [number, number][] = [];
  for (let position = from; position <= to; position++) {
    if (position > from) {
      const gap = text.text.slice(ends[position - 1], starts[position]);
      snippet += gap.replace(/\s+/g, ' ');
    }
    const original = text.text.slice(starts[position], ends[position]).replace(/[-\u2010\u00AD]\s*\n\s*/g, '');
    if (matchWords.has(words[position])) highlights.push([snippet.length, snippet.length + original.length]);
    snippet += original;
  }
  return { snippet, highlights };
}

interface ParsedQuery {
  terms: { word: string; prefix: boolean }[];
  phrases: string[][];
}

/** Words, and "quoted phrases" that must occur as written. */
export function parseQuery(query: string, prefix: boolean): ParsedQuery {
  const phrases: string[][] = [];
  const rest = query.replace(/"([^"]+)"|\u201C([^\u201D]+)\u201D/g, (_match, straight: string | undefined, curly: string | undefined) => {
    const words = tokenize(straight ?? curly ?? '').words;
    if (words.length) phrases.push(words);
    return ' ';
  });
  const terms: { word: string; prefix: boolean }[] = [];
  const chunks = rest.split(/\s+/).filter(Boolean);
  const endsInWord = prefix && /[\p{L}\p{N}]$/u.test(query);
  chunks.forEach((chunk, chunkIndex) => {
    // `traffick*` asks for a prefix anywhere in the query; while typing, the last word is one anyway.
    const wildcard = chunk.endsWith('*') || (endsInWord && chunkIndex === chunks.length - 1);
    const words = tokenize(chunk).words;
    words.forEach((word, index) => terms.push({ word, prefix: wildcard && index === words.length - 1 }));
  });
  for (const phrase of phrases) for (const word of phrase) terms.push({ word, prefix: false });
  const unique = new Map<string, { word: string; prefix: boolean }>();
  for (const term of terms) unique.set(`${term.word}:${term.prefix}`, term);
  return { terms: [...unique.values()], phrases };
}

export function renderHighlighted(hit: SearchHit, open: string, close: string): string {
  let result = '';
  let last = 0;
  for (const [start, end] of hit.highlights) {
    result += hit.snippet.slice(last, start) + open + hit.snippet.slice(start, end) + close;
    last = end;
  }
  return result + hit.snippet.slice(last);
}
