import type { RuleId, Severity } from '../metadata/schema';

interface RuleInfo {
  id: RuleId;
  defaultSeverity: Severity;
  summary: string;
}

/** Every rule Citewise reports, with its default severity; the README's rule table follows this list. */
export const rules: Record<RuleId, RuleInfo> = {
  'unknown-source': {
    id: 'unknown-source',
    defaultSeverity: 'error',
    summary: 'A citation key that is not in the corpus; the message suggests the closest keys.',
  },
  'quote-uncited': {
    id: 'quote-uncited',
    defaultSeverity: 'warning',
    summary: 'A quote of at least `quoteMinWords` words (default 5) with no citation attributed to it.',
  },
  'quote-outside-timeframe': {
    id: 'quote-outside-timeframe',
    defaultSeverity: 'warning',
    summary: "A quote whose source is dated outside the report's time frame (the language's own frame where one is declared).",
  },
  'source-undated': {
    id: 'source-undated',
    defaultSeverity: 'info',
    summary: 'A quoted source has no date, so the time frame cannot be checked.',
  },
  'source-date-uncertain': {
    id: 'source-date-uncertain',
    defaultSeverity: 'info',
    summary: "A time-frame verdict rests on a date Citewise inferred with low confidence (a year alone on a line, a date in a page's title); the message names the line and cue.",
  },
  'quote-not-in-source': {
    id: 'quote-not-in-source',
    defaultSeverity: 'warning',
    summary: 'The quoted words are not in the cited source; the message shows the closest passage and how close it is.',
  },
  'locator-mismatch': {
    id: 'locator-mismatch',
    defaultSeverity: 'info',
    summary: 'The quote is in the cited PDF, but not on the page the citation names (`p. 35`); the message names the page where it is.',
  },
  'reference-unresolved': {
    id: 'reference-unresolved',
    defaultSeverity: 'info',
    summary: 'A free-text reference (a `Source:` line or a footnote) that matches no source in the corpus, so its quotes cannot be verified; the message names the closest sources.',
  },
  'uncited-claim': {
    id: 'uncited-claim',
    defaultSeverity: 'warning',
    summary: 'A sentence that states a checkable fact (figures, dates, reported speech) with no citation in it or its paragraph.',
  },
  'corpus-problem': {
    id: 'corpus-problem',
    defaultSeverity: 'warning',
    summary: 'A corpus file that could not be read as intended (invalid YAML, impossible date, duplicate key, ...).',
  },
  'invalid-settings': {
    id: 'invalid-settings',
    defaultSeverity: 'error',
    summary: 'Report settings (front matter `citewise:` or `citewise.yaml`) that are not valid.',
  },
};
