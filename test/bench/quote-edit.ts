import { analyzeReport } from '../../src/core/report/report';

/**
 * Edits a report as an author revising its quotes would: each call changes one word inside one quote,
 * a different quote each time, spread over the report, so every check the benchmarks time differs from
 * the one before by exactly one quote. The word keeps its length, so the quotes' offsets stay valid.
 */
export class QuoteEditor {
  private readonly words: { end: number }[] = [];
  private round = 0;

  constructor(private text: string) {
    const quotes = analyzeReport(text).quotes;
    // Cited quotes are the ones a check verifies against their sources, so an edit to one costs the most.
    const cited = quotes.filter((quote) => quote.attribution || quote.reference);
    for (const quote of cited.length ? cited : quotes) {
      const inside = text.slice(quote.start, quote.end);
      const candidates = [...inside.matchAll(/\p{L}{4,}/gu)];
      const word = candidates[Math.floor(candidates.length / 2)];
      if (word) this.words.push({ end: quote.start + word.index + word[0].length });
    }
    if (this.words.length === 0) throw new Error('The report has no quote with a word of four letters or more to edit.');
  }

  /** How many quotes can be edited before one is edited a second time. */
  get quotes(): number {
    return this.words.length;
  }

  /** The report with one more quote edited: its middle word's last letter changed (and changed back on the next visit). */
  next(): string {
    // A stride coprime with the count visits every quote once before repeating, far apart from one edit to the next.
    const stride = coprimeStride(this.words.length);
    const { end } = this.words[(this.round++ * stride) % this.words.length];
    const replacement = this.text[end - 1] === 'e' ? 'a' : 'e';
    this.text = this.text.slice(0, end - 1) + replacement + this.text.slice(end);
    return this.text;
  }
}

function coprimeStride(count: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let stride = Math.max(1, Math.round(count * 0.38));
  while (gcd(stride, count) !== 1) stride++;
  return stride;
}
