import type { Citation } from '../report/citations';
import type { CheckedReference } from '../checks/checks';
import type { CheckSummary, CheckedQuote } from '../corpus/corpus-service';

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

/** The free-text reference (in a `Source:` line or a footnote) that covers an offset. */
export function referenceAt(analysis: CheckSummary, offset: number): CheckedReference | undefined {
  return analysis.references.find((checked) => offset >= checked.reference.start && offset <= checked.reference.end);
}

/** A verdict of a quote that rests on this free-text reference and was found in its source, for the passage to show. */
export function verdictForReference(analysis: CheckSummary, checked: CheckedReference): Verdict | undefined {
  return analysis.quoteMatches.find(
    (verdict) =>
      verdict.key === checked.resolution.key &&
      verdict.sourceStart !== undefined &&
      verdict.quote.reference?.entries.some((entry) => entry.start === checked.reference.start),
  );
}
