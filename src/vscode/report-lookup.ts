import type { Citation } from '../core/citations';
import type { CheckSummary, CheckedQuote } from '../core/corpus-service';

type Verdict = CheckSummary['quoteMatches'][number];

/** The citation whose `@key` covers an offset. */
export function citationAt(analysis: CheckSummary, offset: number): Citation | undefined {
  for (const group of analysis.report.citations) {
    if (offset < group.start || offset > group.end) continue;
    for (const item of group.items) if (offset >= item.keyStart - 1 && offset <= item.keyEnd) return item;
  }
  return undefined;
}

export function quoteAt(analysis: CheckSummary, offset: number): CheckedQuote | undefined {
  return analysis.report.quotes.find((quote) => offset >= quote.start && offset < quote.end);
}

/** How a quote matched its source, if it was checked. */
export function verdictFor(analysis: CheckSummary, quote: CheckedQuote): Verdict | undefined {
  return analysis.quoteMatches.find((verdict) => verdict.quote === quote);
}

/** The quote verdict whose citation group holds this citation, for showing the passage a key stands for. */
export function verdictForCitation(analysis: CheckSummary, citation: Citation): Verdict | undefined {
  return analysis.quoteMatches.find(
    (verdict) => verdict.key === citation.key && verdict.quote.attribution?.items.includes(citation) && verdict.sourceStart !== undefined,
  );
}
