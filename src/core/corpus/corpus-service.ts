import type { CitationGroup } from '../report/citations';
import { checkReport, type CheckedReference, type CheckResult, type Finding, type QuoteVerdict } from '../checks/checks';
import type { Position } from '../report/line-index';
import type { Quote } from '../report/report';
import type { SearchHit, SearchOptions } from '../search/search';
import type { EffectiveSettings } from '../settings/settings';
import type { CorpusProblem, Source } from './source';
import type { SourceLookup } from '../search/source-lookup';
import type { LoadedCorpus } from './workspace';

/**
 * What an editor needs of a loaded corpus, whichever thread holds it. The sources and their metadata
 * are at hand (completion and hovers need them at once); everything that touches the index or the
 * sources' text is asked for and answered later, so the index can live in a worker thread and the
 * editor's thread never waits on it.
 */
export interface CorpusService {
  readonly corpus: CorpusSummary;
  /** Source lookup for completion, over the metadata: answered on the spot. */
  readonly lookup: SourceLookup;
  check(file: string, text: string, settings: EffectiveSettings): Promise<CheckSummary>;
  search(query: string, options?: SearchOptions): Promise<SearchHit[]>;
  /** Sources that contain a quote, with the line where it starts in each. */
  findQuote(quote: string, limit?: number): Promise<FoundQuote[]>;
  /** A source's text, whole or from `from` to `to`; undefined for a metadata-only source. */
  text(key: string, from?: number, to?: number): Promise<string | undefined>;
  /** Lines and characters of offsets in a source's text. */
  positions(key: string, offsets: number[]): Promise<Position[] | undefined>;
  /** The first characters of a source's text, for previews. */
  opening(key: string, characters?: number): Promise<string | undefined>;
}

/** The sources of a corpus and its problems: the part of a corpus that is plain data. */
export interface CorpusSummary {
  readonly roots: readonly string[];
  readonly sources: readonly Source[];
  readonly problems: readonly CorpusProblem[];
  get(key: string): Source | undefined;
  has(key: string): boolean;
}

export interface FoundQuote {
  key: string;
  start: number;
  end: number;
  /** 1-based. */
  line: number;
}

/** A quote as an editor uses it: where it is, what it says and what it cites (not the Markdown block it sits in). */
export type CheckedQuote = Omit<Quote, 'block'>;

/** A check's outcome as an editor uses it: findings, citations and quotes with their verdicts. */
export interface CheckSummary {
  findings: Finding[];
  report: { citations: CitationGroup[]; quotes: CheckedQuote[] };
  quoteMatches: (Omit<QuoteVerdict, 'quote'> & { quote: CheckedQuote })[];
  /** Free-text references with what they resolved to, for hovers, navigation and quick fixes. */
  references: CheckedReference[];
}

/**
 * Drops what an editor does not need of a check (the report's Markdown structure and sentences),
 * keeping quotes and verdicts pointing at the same objects, so the result crosses threads cheaply.
 */
export function summarizeCheck(result: CheckResult): CheckSummary {
  const quotes = new Map<Quote, CheckedQuote>();
  for (const quote of result.report.quotes) {
    const { block: _block, ...rest } = quote;
    quotes.set(quote, rest);
  }
  return {
    findings: result.findings,
    report: { citations: result.report.citations, quotes: [...quotes.values()] },
    quoteMatches: result.quoteMatches.map((verdict) => ({ ...verdict, quote: quotes.get(verdict.quote) ?? verdict.quote })),
    references: result.references,
  };
}

/** A corpus loaded in this thread, behind the same interface (the CLI, tests, and the worker that serves an editor). */
export function localCorpusService(loaded: LoadedCorpus): CorpusService {
  const { corpus } = loaded;
  return {
    corpus,
    lookup: loaded.lookup,
    check: async (file, text, settings) => summarizeCheck(checkReport(file, text, { corpus, lookup: loaded.lookup, settings })),
    search: async (query, options) => (await loaded.searchAsync()).search(query, options),
    findQuote: async (quote, limit) =>
      (await loaded.searchAsync()).findQuote(quote, limit).map((found) => ({ ...found, line: corpus.text(found.key)!.lineOf(found.start) + 1 })),
    text: async (key, from, to) => {
      const text = corpus.text(key);
      if (!text) return undefined;
      return from === undefined ? text.text : text.slice(from, to ?? from);
    },
    positions: async (key, offsets) => {
      const text = corpus.text(key);
      return text && offsets.map((offset) => text.positionAt(offset));
    },
    opening: async (key, characters) => corpus.opening(key, characters),
  };
}

/** Checks a report that names no corpus (its settings problems and uncited claims still count). */
export function checkWithoutCorpus(file: string, text: string, settings: EffectiveSettings): CheckSummary {
  return summarizeCheck(checkReport(file, text, { settings }));
}
