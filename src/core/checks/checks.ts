import type { CitationGroup, PageRange } from '../report/citations';
import { pagesBetween } from '../extract/pages';
import type { CheckableCorpus } from '../corpus/corpus';
import { describeFrame, frameFor, isOutside, type Frame } from './timeframe';
import { LineIndex, type Range } from '../report/line-index';
import { sectionTrail, type Block, type Directive } from '../report/markdown';
import { matchQuote, type ClosestPassage } from './quote-match';
import { ReferenceResolver, type ReferenceResolution } from '../report/reference-resolution';
import { describeReference, type FreeTextReference } from '../report/references';
import { analyzeReport, firstAtOrAfter, type AnalyzedReport, type ReportMemory, type Quote, type ReferenceSpan, type Sentence } from '../report/report';
import { rules } from './rules';
import { defaultTimeframeExempt, type RuleId, type Severity, type SourceType } from '../metadata/schema';
import { stopWordHits } from '../metadata/language';
import type { EffectiveSettings } from '../settings/settings';
import { SourceLookup } from '../search/source-lookup';
import type { CorpusProblem } from '../corpus/source';

export interface Finding {
  rule: RuleId;
  severity: Severity;
  message: string;
  /** Absolute path of the file the finding is in. */
  file: string;
  range: Range;
  /** The key of the source the finding is about, where there is one. */
  source?: string;
  /** What an editor needs to offer a fix: the language service turns it into code actions, and nothing else computes them. */
  fix?: FindingFix;
}

/**
 * The fix a finding carries, as plain data (it travels with a diagnostic to the editor and back):
 * - replace-key: keys close to an unknown one, best first;
 * - cite-found-source: an uncited quote's words, to look up the sources that hold them and cite one after the quote;
 * - confirm-date: a source whose date was only inferred from a weak cue, to record in corpus.yaml.
 */
export type FindingFix =
  | { kind: 'replace-key'; keys: string[] }
  | { kind: 'cite-found-source'; quote: string; blockquote: boolean }
  | { kind: 'confirm-date'; key: string };

interface CheckContext {
  corpus?: CheckableCorpus;
  settings: EffectiveSettings;
  /** Built once per corpus and reused across reports and keystrokes. */
  lookup?: SourceLookup;
  /** What the analysis remembers from the check before; by default the memory shared by all checks. */
  memory?: ReportMemory;
}

export interface CheckResult {
  findings: Finding[];
  report: AnalyzedReport;
  /** How each quote matched its source, for hovers. */
  quoteMatches: QuoteVerdict[];
  /** Every free-text reference of the report, with the source it resolved to and its time-frame verdict. */
  references: CheckedReference[];
}

/** Where a quote's source stands against the research time frame. */
export type TimeframeStatus = 'inside' | 'outside' | 'exempt' | 'undated' | 'no-frame';

/** A free-text reference as checked: what it resolved to and which date the time frame was judged by. */
export interface CheckedReference {
  reference: FreeTextReference;
  origin: ReferenceSpan['origin'];
  /** The footnote's label, for a reference in a footnote. */
  label?: string;
  resolution: ReferenceResolution;
  /** The date the time frame is judged by: the resolved source's, else the one the reference states. */
  date?: string;
  dateFrom: 'source' | 'reference' | 'none';
  timeframe: TimeframeStatus;
  /** How many quotes rest on this reference. */
  quotes: number;
}

/** The message for a quote found in a paged source, but not on the pages its citation names. */
function locatorMismatch(verdict: QuoteVerdict, group: CitationGroup, corpus: CheckableCorpus): string | undefined {
  const cited = group.items.find((item) => item.key === verdict.key)?.locator?.pages;
  if (!cited?.length || !verdict.pages?.length || !corpus.pages(verdict.key!)) return undefined;
  if (verdict.pages.some((page) => cited.some((range) => rangeCovers(range, page)))) return undefined;
  const where = verdict.pages.length > 1 ? `pp. ${verdict.pages[0]}–${verdict.pages[verdict.pages.length - 1]}` : `p. ${verdict.pages[0]}`;
  const named = cited.map((range) => (range.from === range.to ? range.from : `${range.from}–${range.to}`)).join(', ');
  return `The quote is in @${verdict.key}, but on ${where}, not on ${cited.length > 1 || cited[0].from !== cited[0].to ? 'pp.' : 'p.'} ${named} as cited.`;
}

function rangeCovers(range: PageRange, page: string): boolean {
  const numeric = /^\d+$/;
  if (numeric.test(range.from) && numeric.test(range.to) && numeric.test(page)) {
    return Number(range.from) <= Number(page) && Number(page) <= Number(range.to);
  }
  return range.from.toLowerCase() === page.toLowerCase() || range.to.toLowerCase() === page.toLowerCase();
}

export interface QuoteVerdict {
  quote: Quote;
  /** The source the quote was found in, or the closest one. */
  key?: string;
  found: boolean;
  sourceStart?: number;
  sourceEnd?: number;
  similarity?: number;
  /** Page labels the matched passage lies on, for paged sources. */
  pages?: string[];
  /** The matched (or closest) passage with a little context, and its line, for hovers. */
  passage?: { line: number; text: string };
}

/** Suggestions for unknown keys, by lookup: a mistyped key stays mistyped from one check to the next. */
const suggestionsByLookup = new WeakMap<SourceLookup, Map<string, string[]>>();

function closestKeys(lookup: SourceLookup, key: string): string[] {
  let known = suggestionsByLookup.get(lookup);
  if (!known) suggestionsByLookup.set(lookup, (known = new Map()));
  let suggestions = known.get(key);
  if (!suggestions) {
    suggestions = lookup.closestKeys(key);
    if (known.size > 10_000) known.clear();
    known.set(key, suggestions);
  }
  return [...suggestions];
}

/** Runs every rule over one report. Pure: the same text, corpus and settings give the same findings. */
/**
 * A corpus's problems as findings in the corpus's files, at the severity the report's settings give
 * `corpus-problem`; each covers the rest of its line. The CLI prints them and the language service shows
 * them in the files at fault.
 */
export function corpusProblemFindings(problems: readonly CorpusProblem[], settings: EffectiveSettings): Finding[] {
  const setting = settings.rules['corpus-problem'];
  if (setting === 'off') return [];
  const severity: Severity = setting ?? rules['corpus-problem'].defaultSeverity;
  return problems.map((problem) => {
    const line = Math.max(0, (problem.line ?? 1) - 1);
    return {
      rule: 'corpus-problem',
      severity,
      message: problem.message,
      file: problem.file,
      range: { start: { line, character: Math.max(0, (problem.column ?? 1) - 1) }, end: { line: line + 1, character: 0 } },
    };
  });
}

export function checkReport(file: string, text: string, context: CheckContext): CheckResult {
  const report = analyzeReport(text, context.memory);
  const lines = new LineIndex(text);
  const findings: Finding[] = [];
  const { corpus, settings } = context;
  const lookup = corpus ? (context.lookup ?? new SourceLookup(corpus.sources)) : undefined;
  const add = (rule: RuleId, start: number, end: number, message: string, extra: Partial<Finding> = {}) => {
    findings.push({ rule, severity: rules[rule].defaultSeverity, message, file, range: lines.rangeOf(start, end), ...extra });
  };

  for (const problem of settings.problems) {
    findings.push({
      rule: 'invalid-settings',
      severity: rules['invalid-settings'].defaultSeverity,
      message: problem.message,
      file: problem.file,
      range: { start: { line: problem.line - 1, character: 0 }, end: { line: problem.line - 1, character: 0 } },
    });
  }
  if (!corpus) {
    add('invalid-settings', 0, 0, 'No corpus is declared: add `citewise:\\n  corpus: <folder>` to the front matter, a citewise.yaml, or pass --corpus.');
  }

  if (corpus && lookup) {
    for (const group of report.citations) {
      for (const item of group.items) {
        if (corpus.has(item.key)) continue;
        const suggestions = closestKeys(lookup, item.key);
        const hint = suggestions.length ? ` Did you mean ${suggestions.map((key) => `@${key}`).join(', ')}?` : '';
        add('unknown-source', item.keyStart, item.keyEnd, `Unknown source @${item.key}: no source in the corpus has this key.${hint}`, {
          source: item.key,
          fix: suggestions.length ? { kind: 'replace-key', keys: suggestions } : undefined,
        });
      }
    }
  }

  // Thousands of quotes rest on a few dozen sources: each date, language and type is judged against the frame once a check.
  const statuses = new Map<string, ReturnType<typeof timeframeStatus>>();
  const judge = (date: string | undefined, language: string | undefined, type: SourceType | undefined) => {
    const key = `${date ?? ''}\u0000${language ?? ''}\u0000${type ?? ''}`;
    let status = statuses.get(key);
    if (!status) statuses.set(key, (status = timeframeStatus(date, language, type, settings)));
    return status;
  };

  const resolver = corpus ? resolverFor(corpus) : undefined;
  const checkedReferences = new Map<FreeTextReference, CheckedReference>();
  // A reference's language is read from its title's words once, though each of its quotes is dated by it again.
  const languages = new Map<FreeTextReference, string | undefined>();
  const languageOf = (entry: FreeTextReference) => {
    if (!languages.has(entry)) languages.set(entry, referenceLanguage(entry));
    return languages.get(entry);
  };
  for (const span of report.references) {
    for (const entry of span.entries) {
      const resolution = resolver ? resolver.resolve(entry) : { candidates: [] };
      const resolved = resolution.key ? corpus!.get(resolution.key) : undefined;
      const date = resolved ? resolved.metadata.date : entry.date;
      const timeframe = resolved
        ? judge(resolved.metadata.date, resolved.metadata.language, resolved.metadata.type)
        : judge(entry.date, languageOf(entry), entry.kind === 'published' ? undefined : entry.kind);
      checkedReferences.set(entry, {
        reference: entry,
        origin: span.origin,
        label: span.label,
        resolution,
        date,
        dateFrom: date ? (resolved ? 'source' : 'reference') : 'none',
        timeframe: timeframe.status,
        quotes: 0,
      });
      if (corpus && !resolution.key) add('reference-unresolved', entry.start, entry.end, unresolvedMessage(entry, resolution));
    }
  }

  const quoteMatches: InternalVerdict[] = [];
  const uncitedQuoteSentences = new Set<Sentence>();
  for (const quote of report.quotes) {
    const group = quote.attribution ?? (quote.reference && corpus ? resolvedGroup(quote.reference, checkedReferences) : undefined);
    if (quote.reference) {
      for (const entry of quote.reference.entries) checkedReferences.get(entry)!.quotes++;
    }
    if (!quote.attribution && !quote.reference) {
      if (quote.wordCount >= settings.quoteMinWords) {
        const note = quote.undefinedNote ? ` Its footnote [^${quote.undefinedNote}] has no definition, so it cites nothing.` : '';
        add(
          'quote-uncited',
          quote.start,
          quote.end,
          `This quote of ${quote.wordCount} words has no citation.${note} Cite its source in the same sentence, or add a "Source:" line right after it.`,
          { fix: { kind: 'cite-found-source', quote: quote.text, blockquote: quote.kind === 'blockquote' } },
        );
        const sentence = report.sentences[firstAtOrAfter(report.sentences, quote.start + 1) - 1];
        if (sentence && quote.start < sentence.end) uncitedQuoteSentences.add(sentence);
      }
      continue;
    }
    if (!corpus) continue;
    if (group) {
      const verdict = rememberedVerdict(quote, group, corpus);
      quoteMatches.push(verdict);
      if (verdict.problem) add('quote-not-in-source', quote.start, quote.end, verdict.problem.message, verdict.problem.extra);
      const misplaced = verdict.found && verdict.key ? locatorMismatch(verdict, group, corpus) : undefined;
      if (misplaced) add('locator-mismatch', quote.start, quote.end, misplaced, { source: verdict.key });
      if (quote.attribution) {
        const dated = verdict.key ? [verdict.key] : group.items.map((item) => item.key);
        for (const key of dated) {
          const source = corpus.get(key);
          if (source) addTimeframeFinding(quote, `@${key}`, source.metadata.date, source.metadata.language, source.metadata.type, 'source', key);
        }
        continue;
      }
    }
    for (const entry of quote.reference!.entries) {
      const checked = checkedReferences.get(entry)!;
      const resolved = checked.resolution.key ? corpus.get(checked.resolution.key) : undefined;
      if (resolved) addTimeframeFinding(quote, `@${resolved.key}`, resolved.metadata.date, resolved.metadata.language, resolved.metadata.type, 'source', resolved.key);
      else addTimeframeFinding(quote, describeReference(entry), entry.date, languageOf(entry), entry.kind === 'published' ? undefined : entry.kind, 'reference');
    }
  }

  checkUncitedClaims(report, settings, uncitedQuoteSentences, add);

  function addTimeframeFinding(quote: Quote, name: string, date: string | undefined, language: string | undefined, type: SourceType | undefined, from: 'source' | 'reference', key?: string): void {
    if (!settings.timeframe) return;
    const verdict = judge(date, language, type);
    const extra = key ? { source: key } : {};
    if (verdict.status === 'undated') {
      const fix = from === 'source' ? "Add a date to the source's metadata." : 'Add the publication date to the reference.';
      add('source-undated', quote.start, quote.end, `${name} has no date, so this quote cannot be checked against the research time frame. ${fix}`, extra);
      return;
    }
    if (key && (verdict.status === 'inside' || verdict.status === 'outside')) {
      // A verdict on a date Citewise only guessed from a weak cue is worth a second look by the author.
      const evidence = corpus?.get(key)?.provenance.date;
      if (evidence?.confidence === 'low') {
        const where = evidence.line !== undefined ? `line ${evidence.line} of ${evidence.file}` : evidence.file;
        add('source-date-uncertain', quote.start, quote.end, `@${key} is dated ${date} only from ${evidence.cue ?? 'a weak cue'} (${where}), so the time-frame check of this quote is uncertain. Confirm the date in corpus.yaml.`, {
          ...extra,
          fix: { kind: 'confirm-date', key },
        });
      }
    }
    if (verdict.status === 'outside') {
      const frame = verdict.frame!;
      const written = from === 'reference' ? ` (as the reference states)` : '';
      add(
        'quote-outside-timeframe',
        quote.start,
        quote.end,
        `${name} is dated ${date}${written}, outside the research time frame${frame.language ? ` for ${frame.language} sources` : ''} (${describeFrame(frame)}).`,
        extra,
      );
    }
  }

  const kept = applyDirectives(findings, report.structure.directives, file, lines)
    .map((finding) => ({ ...finding, severity: severityFor(finding, settings) }))
    .filter((finding): finding is Finding => finding.severity !== undefined);
  kept.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { findings: kept, report, quoteMatches: quoteMatches.map(({ problem: _problem, ...verdict }) => verdict), references: [...checkedReferences.values()] };
}

/** How a date stands against the report's time frame; interviews and correspondence are exempt unless the settings say otherwise. */
export function timeframeStatus(
  date: string | undefined,
  language: string | undefined,
  type: SourceType | undefined,
  settings: EffectiveSettings,
): { status: TimeframeStatus; frame?: Frame } {
  const timeframe = settings.timeframe;
  if (!timeframe) return { status: 'no-frame' };
  if (type && (timeframe.exempt ?? defaultTimeframeExempt).includes(type)) return { status: 'exempt' };
  if (!date) return { status: 'undated' };
  const frame = frameFor(timeframe, language);
  return { status: isOutside(date, frame) ? 'outside' : 'inside', frame };
}

/** Resolvers by corpus: a corpus never changes (a reload makes a new one), so its title index is built once. */
const resolvers = new WeakMap<CheckableCorpus, ReferenceResolver>();

function resolverFor(corpus: CheckableCorpus): ReferenceResolver {
  let resolver = resolvers.get(corpus);
  if (!resolver) resolvers.set(corpus, (resolver = new ReferenceResolver(corpus.sources)));
  return resolver;
}

/** The resolved entries of a reference as a citation group, so its quotes are verified like a Pandoc citation's. */
function resolvedGroup(span: ReferenceSpan, checked: Map<FreeTextReference, CheckedReference>): CitationGroup | undefined {
  const items = span.entries.flatMap((entry) => {
    const key = checked.get(entry)?.resolution.key;
    if (!key) return [];
    return [{ key, keyStart: entry.start, keyEnd: entry.end, start: entry.start, end: entry.end, prefix: '', suffix: '', locator: entry.locator, suppressAuthor: false, inText: false }];
  });
  return items.length ? { start: span.start, end: span.end, bracketed: false, items } : undefined;
}

function unresolvedMessage(entry: FreeTextReference, resolution: ReferenceResolution): string {
  const base = `No source in the corpus matches the reference ${describeReference(entry)}, so its quotes cannot be verified.`;
  if (resolution.candidates.length === 0) return `${base} Add the document to the corpus, or describe it in corpus.yaml.`;
  const close = resolution.candidates.map((candidate) => `@${candidate.key}${candidate.title ? ` “${candidate.title}”` : ''} (${Math.round(candidate.score * 100)}%${candidate.reason ? `: ${candidate.reason}` : ''})`);
  return `${base} Closest: ${close.join('; ')}.`;
}

/** A reference's language from its title, where the title's words make it clear (for the language's own time frame). */
function referenceLanguage(entry: FreeTextReference): string | undefined {
  if (!entry.title) return undefined;
  const [best, second] = Object.entries(stopWordHits(entry.title)).sort((a, b) => b[1] - a[1]);
  return best && best[1] >= 2 && best[1] >= 2 * (second?.[1] ?? 0) ? best[0] : undefined;
}

function severityFor(finding: Finding, settings: EffectiveSettings): Severity | undefined {
  const setting = settings.rules[finding.rule];
  if (setting === 'off') return undefined;
  return setting ?? finding.severity;
}

interface InternalVerdict extends QuoteVerdict {
  problem?: { message: string; extra: Partial<Finding> };
}

/**
 * Verdicts by corpus, citation keys and quote text. A report is checked again after every pause in
 * typing, and nearly all its quotes are unchanged; a corpus never changes (a reload makes a new one).
 */
const verdicts = new WeakMap<CheckableCorpus, Map<string, Omit<InternalVerdict, 'quote'>>>();
const maxRememberedVerdicts = 20_000;

function rememberedVerdict(quote: Quote, group: CitationGroup, corpus: CheckableCorpus): InternalVerdict {
  let known = verdicts.get(corpus);
  if (!known) verdicts.set(corpus, (known = new Map()));
  const id = `${group.items.map((item) => item.key).join('\u0001')}\u0000${quote.text}`;
  let verdict = known.get(id);
  if (!verdict) {
    const { quote: _quote, ...computed } = verifyQuote(quote, group, corpus);
    if (computed.key && computed.sourceStart !== undefined) computed.passage = corpus.passage(computed.key, computed.sourceStart, computed.sourceEnd!);
    verdict = computed;
    if (known.size >= maxRememberedVerdicts) known.clear();
    known.set(id, verdict);
  }
  return { quote, ...verdict, pages: verdict.pages && [...verdict.pages] };
}

/** A quote rests on any of the sources of its citation group; it is faithful if one of them contains it. */
function verifyQuote(quote: Quote, group: CitationGroup, corpus: CheckableCorpus): InternalVerdict {
  let best: { key: string; closest?: ClosestPassage } | undefined;
  let checked = 0;
  for (const item of group.items) {
    const text = corpus.text(item.key);
    if (!text) continue;
    checked++;
    const match = matchQuote(text, quote.text);
    if (match.found) {
      const pages = corpus.pages(item.key);
      return {
        quote,
        key: item.key,
        found: true,
        sourceStart: match.location.start,
        sourceEnd: match.location.end,
        similarity: 1,
        pages: pages && pagesBetween(pages, match.location.start, match.location.end),
      };
    }
    if (match.wordCount === 0) return { quote, found: true };
    if (!best || (match.closest?.similarity ?? 0) > (best.closest?.similarity ?? 0)) best = { key: item.key, closest: match.closest };
  }
  if (!best || checked === 0) return { quote, found: false };
  const text = corpus.text(best.key)!;
  const closest = best.closest;
  if (!closest || closest.similarity < 0.5) {
    const where = closest ? ` (the best passage, at line ${text.lineOf(closest.start) + 1}, is only ${percent(closest.similarity)} similar)` : '';
    return {
      quote,
      key: best.key,
      found: false,
      similarity: closest?.similarity,
      problem: { message: `These words are not in @${best.key}${where}. Check the quote and its citation.`, extra: { source: best.key } },
    };
  }
  const line = text.lineOf(closest.start) + 1;
  const excerpt = shorten(text.excerpt(closest.start, closest.end), 160);
  const differences = closest.differences
    .map(([quoted, original]) => (quoted && original ? `has “${quoted}” where the source has “${original}”` : quoted ? `adds “${quoted}”` : `leaves out “${original}”`))
    .join('; ');
  return {
    quote,
    key: best.key,
    found: false,
    sourceStart: closest.start,
    sourceEnd: closest.end,
    similarity: closest.similarity,
    problem: {
      message: `The quote differs from @${best.key}: the closest passage (line ${line}, ${percent(closest.similarity)} similar) reads “${excerpt}”.${differences ? ` The quote ${differences}.` : ''}`,
      extra: { source: best.key },
    },
  };
}

function percent(value: number): string {
  return `${Math.floor(value * 100)}%`;
}

function shorten(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1).replace(/\s+\S*$/, '')}…`;
}

const monthNames =
  'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec';
const factSignals: { pattern: RegExp; label: string }[] = [
  { pattern: /\d+(?:[.,]\d+)?\s*(?:%|per\s?cent\b|percent\b)/i, label: 'a percentage' },
  { pattern: new RegExp(`\\b\\d{1,2}(?:st|nd|rd|th)?\\s+(?:${monthNames})\\.?\\s+(?:19|20)\\d\\d\\b|\\b(?:${monthNames})\\.?\\s+(?:\\d{1,2},?\\s+)?(?:19|20)\\d\\d\\b`, 'i'), label: 'a date' },
  { pattern: /\b(?:in|since|by|until|from|during|between|of|early|late|mid-?)\s+(?:19|20)\d\d\b|\b(?:19|20)\d\d[-–](?:19|20)?\d\d\b/i, label: 'a date' },
  { pattern: /\b\d{1,3}(?:[,.\u202F\u00A0 ]\d{3})+\b|\b\d+(?:\.\d+)?\s*(?:million|billion|thousand|hundred)\b|\b(?:million|billion|thousands|hundreds)\b/i, label: 'a figure' },
  { pattern: /(?<![\p{L}\d.:/-])\d{2,}(?![\p{L}\d/:])/u, label: 'a figure' },
  {
    pattern:
      /\baccording to\b|\b(?:reported|reports that|reportedly|stated|states that|estimated|estimates that|said|says that|claimed|claims that|announced|documented|recorded|confirmed|revealed|found that|noted that|indicated that|showed that|shows that|observed that|alleged|told)\b/i,
    label: 'reported speech',
  },
];

function checkUncitedClaims(
  report: AnalyzedReport,
  settings: EffectiveSettings,
  skip: Set<Sentence>,
  add: (rule: RuleId, start: number, end: number, message: string) => void,
): void {
  const { structure } = report;
  const prose = structure.prose;
  const skipped = new Set(settings.skipSections.map(normalizeHeading));
  const blockCited = new Set<Block>();
  let blockIndex = 0;
  for (const group of report.citations) {
    while (blockIndex < structure.blocks.length && structure.blocks[blockIndex].end < group.end) blockIndex++;
    const block = structure.blocks[blockIndex];
    if (block && group.start >= block.start) blockCited.add(block);
  }
  // A footnote that the report defines cites its sentence, as an inline note does.
  const notes = [
    ...report.footnoteMarkers.filter((marker) => marker.definition),
    ...report.references.filter((span) => span.origin === 'inline-note'),
  ].sort((a, b) => a.start - b.start);
  const noteWithin = (start: number, end: number) => {
    const first = firstAtOrAfter(notes, start);
    return first < notes.length && notes[first].end <= end;
  };
  const quotedBlock = new Set(report.quotes.filter((quote) => quote.attribution || quote.reference).map((quote) => quote.block));
  for (const sentence of report.sentences) {
    if (skip.has(sentence) || sentence.citations.length > 0) continue;
    const block = sentence.block;
    if (blockCited.has(block) || report.coveredBlocks.has(block) || quotedBlock.has(block)) continue;
    if (noteWithin(sentence.start, sentence.end)) continue;
    if (sectionTrail(structure, block).some((heading) => skipped.has(normalizeHeading(heading.text)))) continue;
    const text = stripCitations(prose.slice(sentence.start, sentence.end), sentence.start, report.citations);
    // A copyright line (`© Asylos 2024`, repeated in every page footer of an exported report) states nothing.
    if (text.includes('\u00A9')) continue;
    const signal = factSignals.find(({ pattern }) => pattern.test(text));
    if (!signal) continue;
    const evidence = signal.pattern.exec(text)![0].trim();
    add('uncited-claim', sentence.start, trimEnd(prose, sentence.start, sentence.end), `This sentence states a checkable fact (${signal.label}: “${evidence}”) but cites no source. Add a citation such as [@key].`);
  }
}

function trimEnd(prose: string, start: number, end: number): number {
  let last = end;
  while (last > start && /\s/.test(prose[last - 1])) last--;
  return last;
}

function stripCitations(text: string, offset: number, citations: CitationGroup[]): string {
  let result = text;
  for (const group of citations) {
    if (group.end <= offset || group.start >= offset + text.length) continue;
    const from = Math.max(0, group.start - offset);
    const to = Math.min(text.length, group.end - offset);
    result = result.slice(0, from) + ' '.repeat(to - from) + result.slice(to);
  }
  return result;
}

/** "2. Methodology" and "METHODOLOGY" both match a skipped section named "Methodology". */
function normalizeHeading(text: string): string {
  return text
    .replace(/^[\d.\s]+|^[ivxlc]+\.\s+/i, '')
    .replace(/[*_`]/g, '')
    .trim()
    .toLowerCase();
}

/** Applies markdownlint-style comments: disable-line, disable-next-line, disable/enable ranges, disable-file. */
function applyDirectives(findings: Finding[], directives: Directive[], file: string, lines: LineIndex): Finding[] {
  if (directives.length === 0) return findings;
  const covers = (directive: Directive, rule: RuleId) => directive.rules.length === 0 || directive.rules.includes(rule);
  const ordered = [...directives].sort((a, b) => a.start - b.start);
  return findings.filter((finding) => {
    if (finding.file !== file || finding.rule === 'invalid-settings') return true;
    const line = finding.range.start.line;
    const offset = lines.offsetAt(finding.range.start);
    let disabled = false;
    for (const directive of ordered) {
      if (!covers(directive, finding.rule)) continue;
      switch (directive.kind) {
        case 'disable-file':
          return false;
        case 'disable-line':
          if (directive.line === line) return false;
          break;
        case 'disable-next-line':
          if (lines.lineOf(directive.end) + 1 === line) return false;
          break;
        case 'disable':
          if (directive.start <= offset) disabled = true;
          break;
        case 'enable':
          if (directive.start <= offset) disabled = false;
          break;
      }
    }
    return !disabled;
  });
}
