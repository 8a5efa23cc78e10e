import type { Citation, CitationGroup } from '../report/citations';
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
type CheckedQuote = Omit<Quote, 'block'>;

type CheckedVerdict = Omit<QuoteVerdict, 'quote'> & { quote: CheckedQuote };

/**
 * What a check found at one offset of the report: all that hovers, go to definition and rewrites show.
 * A citation, a free-text reference and a quote may all cover the same offset; each feature picks.
 */
export interface CheckedAt {
  citation?: Citation;
  /** The group (`[@a; @b]`) the citation is written in. */
  citationGroup?: CitationGroup;
  /** The verdict of a quote resting on the citation's group, found in the citation's source. */
  citationVerdict?: CheckedVerdict;
  reference?: CheckedReference;
  /** The verdict of a quote resting on the reference, found in the source it resolved to. */
  referenceVerdict?: CheckedVerdict;
  quote?: CheckedQuote;
  quoteVerdict?: CheckedVerdict;
}

/**
 * A check's outcome as an editor uses it: the findings, and what the check found at an offset. Only the
 * findings cross from the corpus worker with every check: the citations, quotes and verdicts of a 1 MB
 * report are about 2.5 MB to copy between threads (some 30 ms a check); a hover asks for one offset.
 */
export interface CheckSummary {
  findings: Finding[];
  at(offset: number): Promise<CheckedAt>;
}

/** What a check keeps for `CheckSummary.at`: citations, quotes and verdicts, without the Markdown structure and sentences. */
interface CheckDetails {
  citations: CitationGroup[];
  quotes: CheckedQuote[];
  quoteMatches: CheckedVerdict[];
  references: CheckedReference[];
}

/** Drops what an editor does not need of a check (the report's Markdown structure and sentences). */
export function summarizeCheck(result: CheckResult): CheckSummary {
  const quotes = new Map<Quote, CheckedQuote>();
  for (const quote of result.report.quotes) {
    const { block: _block, ...rest } = quote;
    quotes.set(quote, rest);
  }
  const details: CheckDetails = {
    citations: result.report.citations,
    quotes: [...quotes.values()],
    quoteMatches: result.quoteMatches.map((verdict) => ({ ...verdict, quote: quotes.get(verdict.quote) ?? verdict.quote })),
    references: result.references,
  };
  return { findings: result.findings, at: async (offset) => checkedAt(details, offset) };
}

function checkedAt(details: CheckDetails, offset: number): CheckedAt {
  const found: CheckedAt = {};
  for (const group of details.citations) {
    if (offset < group.start || offset > group.end) continue;
    const citation = group.items.find((item) => offset >= item.keyStart - 1 && offset <= item.keyEnd);
    if (!citation) continue;
    found.citation = citation;
    found.citationGroup = group;
    found.citationVerdict = details.quoteMatches.find(
      (verdict) => verdict.key === citation.key && verdict.quote.attribution?.items.includes(citation) && verdict.sourceStart !== undefined,
    );
    break;
  }
  const reference = details.references.find((checked) => offset >= checked.reference.start && offset <= checked.reference.end);
  if (reference) {
    found.reference = reference;
    found.referenceVerdict = details.quoteMatches.find(
      (verdict) =>
        verdict.key === reference.resolution.key &&
        verdict.sourceStart !== undefined &&
        verdict.quote.reference?.entries.some((entry) => entry.start === reference.reference.start),
    );
  }
  const quote = details.quotes.find((candidate) => offset >= candidate.start && offset < candidate.end);
  if (quote) {
    found.quote = quote;
    found.quoteVerdict = details.quoteMatches.find((verdict) => verdict.quote === quote);
  }
  return found;
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
