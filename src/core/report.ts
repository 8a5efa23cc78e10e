import { parseCitations, type CitationGroup } from './citations';
import { parseMarkdown, type Block, type MarkdownStructure } from './markdown';
import { words } from './tokenize';

/**
 * A report read for checking: its Markdown structure, citations, sentences and quotes, and which
 * citation each quote is attributed to.
 */

export interface Sentence {
  start: number;
  end: number;
  block: Block;
  citations: CitationGroup[];
}

export interface Quote {
  /** The quote with its quotation marks (or the whole blockquote). */
  start: number;
  end: number;
  /** The quoted words alone, with citations inside a blockquote blanked out. */
  text: string;
  kind: 'inline' | 'blockquote';
  wordCount: number;
  block: Block;
  /** The citation group the quote rests on, if any. */
  attribution?: CitationGroup;
}

export interface AnalyzedReport {
  structure: MarkdownStructure;
  citations: CitationGroup[];
  sentences: Sentence[];
  quotes: Quote[];
}

const sourceLine = /^\s*(?:sources?|burimi|burime|quelle|fuente|fonte)\s*:/i;

export function analyzeReport(text: string): AnalyzedReport {
  const structure = parseMarkdown(text);
  const prose = structure.prose;
  const citations = parseCitations(prose);
  const sentences: Sentence[] = [];
  const quotes: Quote[] = [];
  let citationCursor = 0;

  const blocks = structure.blocks;
  for (let blockIndex = 0; blockIndex < blocks.length; blockIndex++) {
    const block = blocks[blockIndex];
    while (citationCursor < citations.length && citations[citationCursor].start < block.start) citationCursor++;
    const blockCitations: CitationGroup[] = [];
    for (let index = citationCursor; index < citations.length && citations[index].start < block.end; index++) {
      blockCitations.push(citations[index]);
    }
    if (block.kind === 'heading') continue;
    const blockQuotes = findInlineQuotes(prose, block);
    const blockSentences = splitSentences(prose, block, blockQuotes, blockCitations);
    sentences.push(...blockSentences);

    if (block.kind === 'blockquote' && blockQuotes.length === 0) {
      const whole = blockquoteQuote(prose, block, blockCitations);
      if (whole) blockQuotes.push(whole);
    }
    for (const quote of blockQuotes) {
      quote.attribution =
        attributionInSentence(quote, blockSentences) ??
        (block.kind === 'blockquote' ? blockCitations[blockCitations.length - 1] : undefined) ??
        sourceLineAfter(prose, quote, blockSentences) ??
        sourceBlockAfter(prose, blocks, blockIndex, citations);
      quotes.push(quote);
    }
  }
  return { structure, citations, sentences, quotes };
}

/** Pairs “…” and "…" within one block; quotes may wrap across lines. */
function findInlineQuotes(prose: string, block: Block): Quote[] {
  const quotes: Quote[] = [];
  const text = prose.slice(block.start, block.end);
  // The scan only moves forward, so where a closing mark was found stays the answer until the scan passes
  // it, and a mark not found stays not found: without this memory, every unmatched “ in a block would scan
  // the rest of it, quadratic in the block's length.
  const found = new Map<string, number>();
  const next = (mark: string, from: number): number => {
    const known = found.get(mark);
    if (known !== undefined && (known === -1 || known >= from)) return known;
    const at = text.indexOf(mark, from);
    found.set(mark, at);
    return at;
  };
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    let close = -1;
    if (char === '\u201C') {
      close = next('\u201D', index + 1);
    } else if (char === '"' && (index === 0 || /[\s([{\u2014\u2013:-]/.test(text[index - 1]))) {
      close = next('"', index + 1);
    } else if (char === '\u201E') {
      // German and Albanian typography open with „ and close with “ or ”.
      const candidates = [next('\u201C', index + 1), next('\u201D', index + 1)].filter((at) => at !== -1);
      close = candidates.length ? Math.min(...candidates) : -1;
    }
    if (close === -1) {
      index++;
      continue;
    }
    const start = block.start + index;
    const end = block.start + close + 1;
    const inner = prose.slice(start + 1, end - 1);
    quotes.push({ start, end, text: inner, kind: 'inline', wordCount: words(inner).length, block });
    index = close + 1;
  }
  return quotes;
}

function blockquoteQuote(prose: string, block: Block, citations: CitationGroup[]): Quote | undefined {
  const chars = prose.slice(block.start, block.end).split('');
  for (const group of citations) {
    for (let index = group.start; index < group.end; index++) chars[index - block.start] = ' ';
  }
  let text = chars.join('');
  // A closing "Source: ..." line inside the blockquote attributes the quote; it is not part of it.
  text = text.replace(/(^|\n)\s*(?:sources?|burimi|quelle)\s*:[^\n]*$/i, (line) => line.replace(/[^\n]/g, ' '));
  text = text.replace(/(^|\n)\s*[\u2014\u2013-]{1,2}\s*[^\n]*$/, (line) => (citations.length ? line.replace(/[^\n]/g, ' ') : line));
  const leading = /^\s*/.exec(text)![0].length;
  const trimmed = text.trimEnd();
  if (trimmed.length <= leading) return undefined;
  const inner = text.slice(leading, trimmed.length);
  return {
    start: block.start + leading,
    end: block.start + trimmed.length,
    text: inner,
    kind: 'blockquote',
    wordCount: words(inner).length,
    block,
  };
}

const abbreviations = new Set(
  (
    'p pp e.g i.e cf vs etc no nos vol vols ch chap sec fig figs dr mr mrs ms prof st jr sr inc ltd co art arts para paras ' +
    'approx ca al op ibid jan feb mar apr jun jul aug sep sept oct nov dec ed eds rev u.s u.k e.u n.d para ff viz'
  ).split(' '),
);

/** Splits a block into sentences, never inside a quote or a citation group. */
function splitSentences(prose: string, block: Block, quotes: Quote[], citations: CitationGroup[]): Sentence[] {
  // Every lookup below walks sorted lists forward once: a block of thousands of citations or quotes must
  // cost n log n, not a scan of them all per full stop and per sentence.
  const protectedSpans = [...quotes, ...citations].map((span) => [span.start, span.end] as const).sort((a, b) => a[0] - b[0]);
  let opened = 0;
  let furthestEnd = -1;
  // A full stop inside a quote ends the sentence only when the quote ends with it: “… decides.” Next.
  // Full stops come in order, so the spans opened before one only grow, and the furthest end decides.
  const insideProtected = (offset: number, matchEnd: number) => {
    for (; opened < protectedSpans.length && protectedSpans[opened][0] < offset; opened++) furthestEnd = Math.max(furthestEnd, protectedSpans[opened][1]);
    return matchEnd < furthestEnd;
  };
  const sentences: Sentence[] = [];
  let start = block.start;
  const boundary = /[.!?]+['"\u2019\u201D)\]]*(?=\s+|$)/g;
  const text = prose.slice(block.start, block.end);
  for (let match = boundary.exec(text); match; match = boundary.exec(text)) {
    const end = block.start + match.index + match[0].length;
    if (insideProtected(block.start + match.index, end)) continue;
    if (match[0][0] === '.') {
      const before = /([\p{L}.]+)$/u.exec(text.slice(Math.max(0, match.index - 12), match.index));
      const word = before?.[1].toLowerCase() ?? '';
      if (abbreviations.has(word) || /^\p{L}$/u.test(word)) continue;
    }
    const rest = text.slice(match.index + match[0].length);
    const next = /^\s*(\S)/.exec(rest);
    if (next && /[\p{Ll}]/u.test(next[1])) continue;
    sentences.push({ start, end, block, citations: [] });
    start = end;
  }
  if (prose.slice(start, block.end).trim()) sentences.push({ start, end: block.end, block, citations: [] });
  for (const sentence of sentences) {
    const lead = /^\s*/.exec(prose.slice(sentence.start, sentence.end))![0].length;
    sentence.start += lead;
  }
  // A citation right after the full stop ("… in 2022. [@key]") belongs to the sentence before it.
  const bracketedAt = new Map<number, CitationGroup>();
  for (const group of citations) if (group.bracketed && !bracketedAt.has(group.start)) bracketedAt.set(group.start, group);
  for (let index = 1; index < sentences.length; index++) {
    const sentence = sentences[index];
    const leading = bracketedAt.get(sentence.start);
    if (leading) {
      const previous = sentences[index - 1];
      previous.end = leading.end;
      sentence.start = leading.end + (/^\s*/.exec(prose.slice(leading.end, sentence.end))![0].length);
    }
  }
  const kept = sentences.filter((sentence) => sentence.end > sentence.start && prose.slice(sentence.start, sentence.end).trim());
  // Citations come in document order, as do the sentences.
  let first = 0;
  for (const sentence of kept) {
    while (first < citations.length && citations[first].start < sentence.start) first++;
    sentence.citations = [];
    for (let at = first; at < citations.length && citations[at].start < sentence.end; at++) if (citations[at].end <= sentence.end) sentence.citations.push(citations[at]);
  }
  return kept;
}

function attributionInSentence(quote: Quote, sentences: Sentence[]): CitationGroup | undefined {
  // Sentences are in order and do not overlap: a binary search, since a scan per quote is quadratic in a
  // paragraph of quotes.
  let low = 0;
  let high = sentences.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (sentences[middle].start <= quote.start) low = middle;
    else high = middle - 1;
  }
  const sentence = sentences[low] && quote.start >= sentences[low].start && quote.start < sentences[low].end ? sentences[low] : undefined;
  if (!sentence || sentence.citations.length === 0) return undefined;
  const after = sentence.citations.find((group) => group.start >= quote.end);
  if (after) return after;
  const before = sentence.citations.filter((group) => group.end <= quote.start);
  return before[before.length - 1] ?? sentence.citations[0];
}

/** "Source: [@key]" as the sentence right after the quote's, in the same paragraph. */
function sourceLineAfter(prose: string, quote: Quote, sentences: Sentence[]): CitationGroup | undefined {
  const index = sentences.findIndex((candidate) => quote.start >= candidate.start && quote.start < candidate.end);
  const next = index === -1 ? undefined : sentences[index + 1];
  if (!next || next.block !== quote.block) return undefined;
  return sourceLine.test(prose.slice(next.start, next.end)) ? next.citations[0] : undefined;
}

/** A "Source: [@key]" paragraph, or a paragraph that is nothing but a citation, right after the quote's block. */
function sourceBlockAfter(prose: string, blocks: Block[], blockIndex: number, citations: CitationGroup[]): CitationGroup | undefined {
  const next = blocks[blockIndex + 1];
  if (!next || next.kind === 'heading') return undefined;
  if (next.kind === 'blockquote' && blocks[blockIndex].kind === 'blockquote' && next.quoteGroup === blocks[blockIndex].quoteGroup) {
    return undefined;
  }
  const text = prose.slice(next.start, next.end);
  const groups = citations.filter((group) => group.start >= next.start && group.end <= next.end);
  if (groups.length === 0) return undefined;
  if (sourceLine.test(text)) return groups[0];
  let rest = text;
  for (const group of groups) rest = rest.replace(prose.slice(group.start, group.end), '');
  if (/^[\s.,;:()\u2014\u2013-]*$/.test(rest)) return groups[0];
  return undefined;
}
