import type { CheckResult } from './checks';
import { LineIndex } from '../report/line-index';
import type { RuleId } from '../metadata/schema';

/** The findings a quote gets from the source its citation or reference stands for. */
const quoteRules: readonly RuleId[] = ['quote-not-in-source', 'locator-mismatch', 'quote-outside-timeframe', 'source-undated', 'source-date-uncertain'];

/**
 * A check against a corpus whose keys are exact but whose metadata is only exact for the cited sources
 * (`loadCitedCorpus` at depth 'keys'), without what rests on the rest: a free-text reference
 * (`Source: Publisher, “Title”, 15 June 2023`) is resolved by the titles, publishers and dates of every
 * source, so whether it resolves, and what its quotes are checked against, waits for the full load.
 * Everything left is what the full check finds: Pandoc citations are settled by keys, and their quotes
 * by the cited sources' own text and metadata.
 */
export function withoutReferenceFindings(result: CheckResult, text: string): CheckResult {
  const lines = new LineIndex(text);
  const resting = result.report.quotes.filter((quote) => quote.reference && !quote.attribution);
  const ranges = new Set(resting.map((quote) => JSON.stringify(lines.rangeOf(quote.start, quote.end))));
  return {
    ...result,
    findings: result.findings.filter((finding) => finding.rule !== 'reference-unresolved' && !(quoteRules.includes(finding.rule) && ranges.has(JSON.stringify(finding.range)))),
    quoteMatches: result.quoteMatches.filter((verdict) => !resting.includes(verdict.quote)),
    references: [],
  };
}
