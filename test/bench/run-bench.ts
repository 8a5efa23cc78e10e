/**
 * `npm run bench`: measures Citewise on synthetic corpora of 100 to 10,000 sources (≈10 MB to ≈1 GB)
 * through the public core APIs, beside baselines run in the same process tree on the same inputs:
 * ripgrep for corpus search, Fuse.js over each cited source's sentences for quote matching.
 *
 *   node out/tsc/test/bench/run-bench.js [--sizes 100,1000,3000,10000] [--quick] [--no-write] [--seed 42] [--profile]
 *   node out/tsc/test/bench/run-bench.js --rewrite     re-render BENCHMARKS.md and the plot from .bench/last-results.json
 *
 * Each size runs in a fresh `node --expose-gc` child so memory figures start clean. Warm-ups are
 * excluded; latencies are medians and 95th percentiles of at least 200 samples.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import Fuse from 'fuse.js';
import { matchQuote } from '../../src/core/checks/quote-match';
import { CitewiseWorkspace } from '../../src/core/corpus/workspace';
import { CorpusClient, RemoteWorkspace } from '../../src/core/corpus/corpus-client';
import type { Corpus } from '../../src/core/corpus/corpus';
import type { CheckResult } from '../../src/core/checks/checks';
import { byline, opening, timeframeStatus } from '../../src/core/service/source-details';
import { analyzeReport } from '../../src/core/report/report';
import {
  Random,
  benchDir,
  corpusDir,
  defaultSeed,
  ensureCorpus,
  generateReport,
  generatorVersion,
  languages,
  paragraphSentences,
  repoRoot,
  reportPath,
  sourceInfo,
  sourceParagraphs,
  type CorpusStats,
} from './generate-corpus';
import { writePlot } from './plot';
import { QuoteEditor } from './quote-edit';

// ---------------------------------------------------------------------------------------------------
// Shared types and statistics.

export interface Latency {
  samples: number;
  p50: number;
  p95: number;
  max: number;
}

interface Query {
  kind: 'rare word' | 'two common words' | 'phrase';
  query: string;
  /** What ripgrep searches for the same query (the rarer word of two; the phrase as a fixed string). */
  rg: string;
}

export interface SizeResult {
  size: number;
  corpus: CorpusStats;
  child?: ChildResult;
  childError?: string;
  childSeconds: number;
  /** The warm start whose search-ready time is the median of `warmRuns`. */
  warm?: LoadOnly;
  /** Every warm start's time to search ready, in the order run. */
  warmRuns?: number[];
  /** Every cold index's time (load + search ready), the main run's first, in the order run. */
  coldRuns?: number[];
  /** Their median (a failed run counting as the slowest): the figure the table and the plot give. */
  coldIndexMs?: number;
  /** Each of those runs' longest stall of this thread while loading. */
  coldStalls?: number[];
  inThread?: LoadOnly;
  quotes?: QuoteComparison;
  rg?: { latency: Latency; perQueryMedian: number[]; matchedQueries: number; byKind: Record<string, Latency> };
  search?: { perQueryMedianRatio: number; p95Ratio: number; fasterIn: number };
}

export interface ChildResult {
  sources: number;
  textChars?: number;
  load: { ms: number; stallMs: number; mbPerSecond: number };
  memoryAfterLoad: Memory;
  firstCheck: { ms: number; stallMs: number; findings: Record<string, number> };
  check: Latency & { stallMs: number };
  /** Re-checks each after an edit to one more quote, so the quote's verdict is not remembered. */
  editCheck?: Latency & { stallMs: number };
  searchIndex?: { ms: number; stallMs: number };
  memoryAfterIndex?: Memory;
  search?: { latency: Latency; perQueryMedian: number[]; matchedQueries: number; byKind: Record<string, Latency>; stallMs: number };
  completion?: { find: Latency; full: Latency; resolve: Latency };
  hover?: Latency;
  quotes?: QuoteComparison;
  reload?: { ms: number; stallMs: number };
  workerApi: string;
  workers: number;
  persistedIndex: string;
  indexSave?: { ms: number; stallMs: number; bytes: number };
}

export interface LoadOnly {
  ms: number;
  /** Warm start: until the first search is answered (postings read from disk). */
  searchReadyMs?: number;
  stallMs: number;
  memory: Memory;
  error?: string;
}

interface Memory {
  heapUsed: number;
  external: number;
  rss: number;
}

interface QuoteComparison {
  oursQuotes: number;
  ours: Latency;
  oursTotalMs: number;
  oursFoundVerbatim: number;
  oursFlaggedAltered: number;
  fuseQuotes: number;
  fuseSearch: Latency;
  fuseBuildAndSearch: Latency;
  fuseTotalMs: number;
  fuseExtrapolated: boolean;
  fuseFoundVerbatim: number;
  fuseFlaggedAltered: number;
  verbatim: number;
  altered: number;
  verbatimSampled: number;
  alteredSampled: number;
}

export function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? NaN;
  return { samples: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? NaN };
}

function median(values: number[]): number {
  return latency(values).p50;
}

const emitPrefix = '@@bench ';

function emit(key: string, value: unknown): void {
  process.stdout.write(`${emitPrefix}${JSON.stringify({ key, value })}\n`);
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) {
    collect();
    collect();
  }
}

function memory(): Memory {
  gc();
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, external: usage.external, rss: usage.rss };
}

/** The longest gap between ticks of a 1 ms interval: how long the event loop was blocked. */
class StallMonitor {
  private last = performance.now();
  private longest = 0;
  private readonly timer = setInterval(() => {
    const now = performance.now();
    this.longest = Math.max(this.longest, now - this.last);
    this.last = now;
  }, 1);

  /** The longest stall since the last call, counting the gap up to now. */
  take(): number {
    const now = performance.now();
    const longest = Math.max(this.longest, now - this.last);
    this.longest = 0;
    this.last = now;
    return longest;
  }

  reset(): void {
    this.longest = 0;
    this.last = performance.now();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

// ---------------------------------------------------------------------------------------------------
// The child: one corpus size, one fresh process.

async function runChild(size: number, seed: number, phase: string): Promise<void> {
  const root = corpusDir(size, seed);
  const stats = JSON.parse(readFileSync(`${root}.json`, 'utf8')) as CorpusStats;
  const queries = JSON.parse(readFileSync(queriesPath(size, seed), 'utf8')) as Query[];
  const report = reportPath(size, seed);
  const reportText = readFileSync(report, 'utf8');
  const megabytes = stats.bytes / 1e6;
  // The bundles the extension ships (`node esbuild.mjs`): what the extension host starts.
  const indexWorkerFile = path.join(repoRoot, 'out', 'index-worker.js');
  const corpusWorkerFile = path.join(repoRoot, 'out', 'corpus-worker.js');
  const workerCount = Math.min(2, os.availableParallelism());
  // A repeated cold run builds its index elsewhere: the main run's saved index is what warm starts read.
  const indexFolder = path.join(benchDir, `index-v${generatorVersion}-n${size}${phase === 'cold' ? '-cold' : ''}`);
  const monitor = new StallMonitor();
  await tick();

  if (phase === 'inthread' || phase === 'quotes') {
    // The core in this thread: without workers or persisted index (a reference row), or warm from the
    // persisted index for the quote-matching comparison, which needs the corpus at hand.
    const workspace = new CitewiseWorkspace(phase === 'quotes' ? { workspaceRoot: benchDir, indexFolder } : { workspaceRoot: benchDir });
    monitor.reset();
    const begin = performance.now();
    await workspace.corpus([root]);
    const ms = performance.now() - begin;
    const stallMs = monitor.take();
    monitor.stop();
    if (phase === 'inthread') {
      emit('loadOnly', { ms, stallMs, memory: memory() });
      return;
    }
    const checked = await workspace.check(report, reportText);
    emit('quotes', compareQuoteMatching(checked.corpus!, checked, size, seed));
    emit('loadOnly', { ms, stallMs, memory: memory() });
    return;
  }

  // As the extension runs: corpora in a worker thread (which reads and indexes with `workerCount` more),
  // this thread holding sources' metadata and asking for everything else.
  const client = new CorpusClient({ workerFile: corpusWorkerFile, indexFolder, indexWorkerFile, indexWorkers: workerCount });
  const workspace = new RemoteWorkspace(client, { workspaceRoot: benchDir });
  const workerMemory = () => client.ask<{ heapUsed: number; external: number }>({ op: 'memory' });
  const memoryOfBoth = async (): Promise<Memory> => {
    const here = memory();
    // The worker collects its garbage as it goes; its heap is read after this thread's forced GCs.
    const there = await workerMemory();
    return { heapUsed: here.heapUsed + there.heapUsed, external: here.external + there.external, rss: process.memoryUsage().rss };
  };

  /**
   * Loads the corpus, then answers the first search (which prepares the search's tables in the worker):
   * each timed, with the longest stall of this thread during each. Every cold and warm run measures so.
   */
  const loadThenSearch = async () => {
    monitor.reset();
    let started = performance.now();
    const loaded = await workspace.corpus([root]);
    const load = { ms: performance.now() - started, stallMs: monitor.take() };
    started = performance.now();
    await loaded.search(queries[0].query, { limit: 50 });
    const search = { ms: performance.now() - started, stallMs: monitor.take() };
    return { loaded, load, search };
  };

  if (phase === 'cold') {
    // The main run's cold index again, from an empty index folder in a fresh process, for the median.
    rmSync(indexFolder, { recursive: true, force: true });
    const { load, search } = await loadThenSearch();
    monitor.stop();
    // The save that follows a load is let finish, so that its writes do not fall into the next run.
    await client.ask({ op: 'settled' });
    // The stall while loading, as the main run reports it: the first search is not part of it.
    emit('loadOnly', { ms: load.ms, searchReadyMs: load.ms + search.ms, stallMs: load.stallMs, memory: await memoryOfBoth() });
    await client.dispose();
    rmSync(indexFolder, { recursive: true, force: true });
    return;
  }

  if (phase === 'warm') {
    // A fresh process after the cold run saved the index: until the corpus is ready, then until search is.
    const { load, search } = await loadThenSearch();
    monitor.stop();
    emit('loadOnly', { ms: load.ms, searchReadyMs: load.ms + search.ms, stallMs: Math.max(load.stallMs, search.stallMs), memory: await memoryOfBoth() });
    await client.dispose();
    return;
  }

  rmSync(indexFolder, { recursive: true, force: true });
  const result: Partial<ChildResult> = {
    workerApi: `CorpusClient: a corpus worker (out/corpus-worker.js) with ${workerCount} index workers (out/index-worker.js)`,
    workers: workerCount,
    persistedIndex: 'indexFolder of the corpus worker',
  };

  // Cold load, as when the extension first opens a report of this corpus, then search ready.
  const { loaded, load, search } = await loadThenSearch();
  const loadMs = load.ms;
  result.load = { ...load, mbPerSecond: megabytes / (loadMs / 1000) };
  emit('load', result.load);
  result.sources = loaded.corpus.sources.length;
  result.searchIndex = search;
  emit('searchIndex', result.searchIndex);
  let started: number;

  // The index is saved in the background after a cold load; the worker says when that is done.
  {
    monitor.reset();
    const begin = performance.now();
    await client.ask({ op: 'settled' });
    const bytes = existsSync(indexFolder) ? readdirSync(indexFolder, { recursive: true }).reduce((sum: number, name) => {
      const file = path.join(indexFolder, String(name));
      return sum + (statSync(file).isFile() ? statSync(file).size : 0);
    }, 0) : 0;
    result.indexSave = { ms: loadMs + (performance.now() - begin), stallMs: monitor.take(), bytes };
    emit('indexSave', result.indexSave);
  }
  await tick();
  result.memoryAfterLoad = await memoryOfBoth();
  emit('memoryAfterLoad', result.memoryAfterLoad);

  // First check, as when the report is opened: settings read here, the check itself in the worker.
  await tick();
  monitor.reset();
  started = performance.now();
  const settings = await workspace.settingsFor(report, reportText);
  let checked = await loaded.check(report, reportText, settings);
  const firstCheckMs = performance.now() - started;
  const findings: Record<string, number> = {};
  for (const finding of checked.findings) findings[finding.rule] = (findings[finding.rule] ?? 0) + 1;
  result.firstCheck = { ms: firstCheckMs, stallMs: monitor.take(), findings };
  emit('firstCheck', result.firstCheck);

  // Re-checks, as after each pause in typing (one warm-up excluded).
  const checkSamples: number[] = [];
  const checkRounds = size >= 3000 ? 12 : 20;
  let checkStall = 0;
  for (let round = 0; round <= checkRounds; round++) {
    await tick();
    monitor.reset();
    started = performance.now();
    checked = await loaded.check(report, reportText, await workspace.settingsFor(report, reportText));
    if (round > 0) checkSamples.push(performance.now() - started);
    checkStall = Math.max(checkStall, monitor.take());
  }
  result.check = { ...latency(checkSamples), stallMs: checkStall };
  emit('check', result.check);

  // Re-checks after an edit to one quote each, as after each pause in typing while revising quotes (one warm-up excluded).
  const editor = new QuoteEditor(reportText);
  const editSamples: number[] = [];
  let editStall = 0;
  for (let round = 0; round <= checkRounds; round++) {
    const edited = editor.next();
    await tick();
    monitor.reset();
    started = performance.now();
    await loaded.check(report, edited, await workspace.settingsFor(report, edited));
    if (round > 0) editSamples.push(performance.now() - started);
    editStall = Math.max(editStall, monitor.take());
  }
  result.editCheck = { ...latency(editSamples), stallMs: editStall };
  emit('editCheck', result.editCheck);

  // Search latency, as the Search Corpus quick pick asks (limit 50), answer received; one warm-up round excluded.
  const perQuery: number[][] = queries.map(() => []);
  const byKind: Record<string, number[]> = {};
  let matchedQueries = 0;
  const rounds = Math.max(5, Math.ceil(250 / queries.length));
  const searchStarted = performance.now();
  let searchStall = 0;
  for (let round = 0; round <= rounds; round++) {
    // A time cap for slow sizes, never below 200 samples.
    if (round > 4 && performance.now() - searchStarted > 120_000) break;
    for (const [index, query] of queries.entries()) {
      monitor.reset();
      const begin = performance.now();
      const hits = await loaded.search(query.query, { limit: 50 });
      const elapsed = performance.now() - begin;
      searchStall = Math.max(searchStall, monitor.take());
      if (round === 0) {
        if (hits.length > 0) matchedQueries++;
        continue;
      }
      perQuery[index].push(elapsed);
      (byKind[query.kind] ??= []).push(elapsed);
    }
  }
  result.search = {
    latency: latency(perQuery.flat()),
    perQueryMedian: perQuery.map(median),
    matchedQueries,
    byKind: Object.fromEntries(Object.entries(byKind).map(([kind, samples]) => [kind, latency(samples)])),
    stallMs: searchStall,
  };
  emit('search', result.search);
  await tick();
  result.memoryAfterIndex = await memoryOfBoth();
  emit('memoryAfterIndex', result.memoryAfterIndex);

  // Completion: typing `@` and then a key, a title word, or "publisher year", one character at a time.
  const { corpus, lookup } = loaded;
  const random = new Random(seed, 'completion', size);
  const sequences: string[][] = [];
  const prefixes = (text: string, from = 0) => Array.from({ length: Math.min(text.length, 16) - from + 1 }, (_, index) => text.slice(0, from + index));
  for (let index = 0; index < 20; index++) sequences.push(prefixes(random.pick(corpus.sources).key));
  for (let index = 0; index < 6; index++) {
    const words = (random.pick(corpus.sources).metadata.title ?? '').split(/\s+/).filter((word) => word.length > 3);
    if (words.length) sequences.push(prefixes(random.pick(words).toLowerCase(), 1));
  }
  for (let index = 0; index < 6; index++) {
    const source = random.pick(corpus.sources);
    const publisher = (source.metadata.publisher ?? source.metadata.author?.[0] ?? 'asylos').split(/\s+/)[0].toLowerCase();
    sequences.push(prefixes(`${publisher} ${source.metadata.date?.slice(0, 4) ?? '2020'}`, 1));
  }
  const findSamples: number[] = [];
  const fullSamples: number[] = [];
  const resolveSamples: number[] = [];
  const completionStarted = performance.now();
  for (const [sequenceIndex, sequence] of sequences.entries()) {
    // A time cap for slow sizes, never below 200 samples.
    if (findSamples.length >= 200 && performance.now() - completionStarted > 60_000) break;
    for (const typed of sequence) {
      const begin = performance.now();
      const matches = lookup.find(typed, 50);
      const found = performance.now();
      // What the completion provider then does for each item (detail, time frame, metadata summary).
      let length = 0;
      for (const { source } of matches) {
        const status = timeframeStatus(source, settings);
        const detail = [source.metadata.title, byline(source)].filter(Boolean).join(' — ');
        const facts = [byline(source), source.metadata.date, source.metadata.language, source.metadata.type].filter(Boolean).join(' · ');
        length += detail.length + facts.length + (status?.text.length ?? 0);
      }
      const listed = performance.now();
      // Then the editor asks to resolve the item in focus (the first): its opening comes from the worker.
      const focused = matches[0]?.source;
      const preview = focused ? opening(await loaded.opening(focused.key), focused.metadata.title) : undefined;
      const resolved = performance.now();
      if (length + (preview?.length ?? 0) < 0) throw new Error('unreachable');
      // The first sequence warms up the lookup and is excluded.
      if (sequenceIndex === 0) continue;
      findSamples.push(found - begin);
      fullSamples.push(listed - begin);
      if (focused) resolveSamples.push(resolved - listed);
    }
  }
  result.completion = { find: latency(findSamples), full: latency(fullSamples), resolve: latency(resolveSamples) };
  emit('completion', result.completion);

  // Hover: on a quote (its passage, which the worker's check gives for the offset) or on a citation key
  // (metadata and the cited passage, or the source's opening from the worker), as src/core/service/hover.ts does.
  const hoverSamples: number[] = [];
  const hoverRandom = new Random(seed, 'hover', size);
  const analyzed = analyzeReport(reportText);
  const quotes = analyzed.quotes.filter((quote) => quote.attribution);
  const citations = analyzed.citations.flatMap((group) => group.items);
  for (let sample = 0; sample < 320; sample++) {
    const onQuote = hoverRandom.chance(0.5);
    const begin = performance.now();
    let length = 0;
    if (onQuote) {
      const target = hoverRandom.pick(quotes);
      const verdict = (await checked.at(target.start + 1)).quoteVerdict;
      length += verdict?.passage?.text.length ?? 0;
    } else {
      const target = hoverRandom.pick(citations);
      const found = await checked.at(target.keyStart + 1);
      const citation = found.citation;
      const source = citation && corpus.get(citation.key);
      if (citation && source) {
        length += [source.metadata.title, byline(source), source.metadata.date, timeframeStatus(source, settings)?.text].join(' ').length;
        const verdict = found.citationVerdict;
        if (verdict?.passage) length += verdict.passage.text.length;
        else length += opening(await loaded.opening(source.key), source.metadata.title)?.length ?? 0;
      }
    }
    const elapsed = performance.now() - begin;
    if (length < 0) throw new Error('unreachable');
    // Twenty warm-up hovers excluded.
    if (sample >= 20) hoverSamples.push(elapsed);
  }
  result.hover = latency(hoverSamples);
  emit('hover', result.hover);

  // Reload with nothing changed (the worker's in-memory cache; not a persisted index).
  await tick();
  monitor.reset();
  started = performance.now();
  await workspace.reload([root]);
  result.reload = { ms: performance.now() - started, stallMs: monitor.take() };
  emit('reload', result.reload);

  monitor.stop();
  await client.dispose();
  emit('result', result);
}

/** Normalised for "does this sentence contain the quote as written". */
function plain(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').replace(/[.,;:?!]+$/, '').trim();
}

function compareQuoteMatching(corpus: Corpus, checked: CheckResult, size: number, seed: number): QuoteComparison {
  const expected = JSON.parse(readFileSync(`${reportPath(size, seed)}.json`, 'utf8')) as { quotes: { key: string; text: string; altered: boolean }[] };
  // By their opening words: a blockquote's text as the report analyser gives it may differ at the end.
  const alteredTexts = new Set(expected.quotes.filter((quote) => quote.altered).map((quote) => plain(quote.text).slice(0, 40)));
  const cases = checked.report.quotes
    .filter((quote) => quote.attribution && quote.attribution.items.length === 1 && corpus.text(quote.attribution.items[0].key))
    .map((quote) => ({ key: quote.attribution!.items[0].key, text: quote.text, altered: alteredTexts.has(plain(quote.text).slice(0, 40)) }));

  // Ours: every quote, after five warm-ups.
  const ours: number[] = [];
  let oursFoundVerbatim = 0;
  let oursFlaggedAltered = 0;
  cases.forEach((item, index) => {
    const text = corpus.text(item.key)!;
    const begin = performance.now();
    const match = matchQuote(text, item.text);
    const elapsed = performance.now() - begin;
    if (index < 5) matchQuote(text, item.text);
    ours.push(elapsed);
    if (!item.altered && match.found) oursFoundVerbatim++;
    if (item.altered && !match.found) oursFlaggedAltered++;
  });
  for (let index = 0; index < 5; index++) {
    const item = cases[index];
    const begin = performance.now();
    matchQuote(corpus.text(item.key)!, item.text);
    ours[index] = performance.now() - begin;
  }

  // Fuse.js: split the cited source into sentences, index them, search the quote; found when the best
  // sentence contains the quote as written. Capped by count and time at large sizes.
  const fuseSearch: number[] = [];
  const fuseTotal: number[] = [];
  let fuseFoundVerbatim = 0;
  let fuseFlaggedAltered = 0;
  let verbatimSampled = 0;
  let alteredSampled = 0;
  const cap = size >= 3000 ? 120 : cases.length;
  const budgetMs = 90_000;
  const began = performance.now();
  for (let index = 0; index < cases.length && fuseTotal.length < cap + 3 && performance.now() - began < budgetMs; index++) {
    const item = cases[index];
    const raw = corpus.rawText(item.key)!;
    const begin = performance.now();
    const sentences = raw
      .split(/\n\s*\n/)
      .flatMap((paragraph) => paragraphSentences(paragraph.replace(/(\p{L})-\n(?=\p{L})/gu, '$1').replace(/\s+/g, ' ').trim()));
    const fuse = new Fuse(sentences, { includeScore: true, ignoreLocation: true, threshold: 0.4 });
    const built = performance.now();
    const best = fuse.search(item.text, { limit: 1 })[0];
    const end = performance.now();
    // Three warm-ups excluded.
    if (index < 3) continue;
    fuseSearch.push(end - built);
    fuseTotal.push(end - begin);
    const contains = best !== undefined && plain(best.item).includes(plain(item.text));
    if (item.altered) {
      alteredSampled++;
      if (!contains) fuseFlaggedAltered++;
    } else {
      verbatimSampled++;
      if (contains) fuseFoundVerbatim++;
    }
  }
  const fuseExtrapolated = fuseTotal.length + 3 < cases.length;
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  return {
    oursQuotes: cases.length,
    ours: latency(ours),
    oursTotalMs: ours.reduce((sum, value) => sum + value, 0),
    oursFoundVerbatim,
    oursFlaggedAltered,
    fuseQuotes: fuseTotal.length,
    fuseSearch: latency(fuseSearch),
    fuseBuildAndSearch: latency(fuseTotal),
    fuseTotalMs: fuseExtrapolated ? mean(fuseTotal) * cases.length : fuseTotal.reduce((sum, value) => sum + value, 0) + mean(fuseTotal) * 3,
    fuseExtrapolated,
    fuseFoundVerbatim,
    fuseFlaggedAltered,
    verbatim: cases.filter((item) => !item.altered).length,
    altered: cases.filter((item) => item.altered).length,
    verbatimSampled,
    alteredSampled,
  };
}

// ---------------------------------------------------------------------------------------------------
// The parent: corpora, queries, children, ripgrep, and the write-up.

function queriesPath(size: number, seed: number): string {
  return path.join(benchDir, `queries-v${generatorVersion}-seed${seed}-n${size}.json`);
}

/** 50 queries drawn from the corpus itself: 20 rare words, 15 pairs of common words, 15 three-word phrases. */
function makeQueries(size: number, seed: number): Query[] {
  const random = new Random(seed, 'queries', size);
  const dir = corpusDir(size, seed);
  const langs = languages(seed);
  const queries: Query[] = [];
  const letters = /^\p{L}+$/u;
  while (queries.filter((query) => query.kind === 'rare word').length < 20) {
    const info = sourceInfo(seed, random.int(0, size - 1));
    const paragraphs = sourceParagraphs(readFileSync(path.join(dir, info.relativePath), 'utf8'));
    if (!paragraphs.length) continue;
    const rank = langs[info.language].rank;
    let rarest: string | undefined;
    for (const word of random.pick(paragraphs).split(' ')) {
      const bare = word.replace(/[.,;?]+\d*$/, '');
      if (!letters.test(bare) || bare.length < 5 || rank.get(bare) === undefined) continue;
      if (!rarest || rank.get(bare)! > rank.get(rarest)!) rarest = bare;
    }
    if (rarest && !queries.some((query) => query.query === rarest)) queries.push({ kind: 'rare word', query: rarest, rg: rarest });
  }
  const en = langs.en;
  while (queries.filter((query) => query.kind === 'two common words').length < 15) {
    const first = random.int(120, 3000);
    const second = random.int(120, 3000);
    const [a, b] = [en.words[first], en.words[second]];
    if (first === second || !letters.test(a) || !letters.test(b)) continue;
    queries.push({ kind: 'two common words', query: `${a} ${b}`, rg: first > second ? a : b });
  }
  while (queries.filter((query) => query.kind === 'phrase').length < 15) {
    const info = sourceInfo(seed, random.int(0, size - 1));
    const raw = readFileSync(path.join(dir, info.relativePath), 'utf8');
    const body = raw.startsWith('---\n') ? raw.slice(raw.indexOf('\n---\n', 4) + 5) : raw;
    const lines = body.split('\n').filter((line) => line.length > 60 && !line.startsWith('#'));
    if (!lines.length) continue;
    const tokens = random.pick(lines).split(' ');
    const start = random.int(0, tokens.length - 3);
    const phrase = tokens.slice(start, start + 3);
    if (phrase.length < 3 || !phrase.every((token) => letters.test(token))) continue;
    queries.push({ kind: 'phrase', query: `"${phrase.join(' ')}"`, rg: phrase.join(' ') });
  }
  writeFileSync(queriesPath(size, seed), `${JSON.stringify(queries, null, 2)}\n`);
  return queries;
}

/** Where the part of BENCHMARKS.md written by hand begins; a run re-renders what is above it and keeps the rest. */
const handWrittenMarker = '<!-- Written by hand below this line: npm run bench keeps it. -->';

function writeBenchmarks(generated: string): void {
  const file = path.join(repoRoot, 'BENCHMARKS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = previous.indexOf(handWrittenMarker);
  writeFileSync(file, at < 0 ? generated : `${generated.trimEnd()}\n\n${previous.slice(at)}`);
}

/** ripgrep as VS Code's search runs it for a plain-text query: fixed strings, case-insensitive. */
function ripgrepBaseline(size: number, seed: number, queries: Query[]): SizeResult['rg'] {
  // Without rg every spawn fails at once, which would pass for a very fast baseline.
  if (spawnSync('rg', ['--version']).status !== 0) return undefined;
  const dir = corpusDir(size, seed);
  const run = (pattern: string) => {
    const begin = performance.now();
    const result = spawnSync('rg', ['--fixed-strings', '--ignore-case', '--files-with-matches', '--no-ignore', '--no-messages', '--', pattern, dir], {
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
    const elapsed = performance.now() - begin;
    return { elapsed, files: result.stdout ? result.stdout.split('\n').filter(Boolean).length : 0 };
  };
  // Two warm-up rounds: the page cache holds the corpus, as it would after the editor opened it.
  let matchedQueries = 0;
  for (let round = 0; round < 2; round++) {
    for (const query of queries) {
      const { files } = run(query.rg);
      if (round === 0 && files > 0) matchedQueries++;
    }
  }
  const perQuery: number[][] = queries.map(() => []);
  const byKind: Record<string, number[]> = {};
  const rounds = Math.ceil(200 / queries.length);
  for (let round = 0; round < rounds; round++) {
    queries.forEach((query, index) => {
      const { elapsed } = run(query.rg);
      perQuery[index].push(elapsed);
      (byKind[query.kind] ??= []).push(elapsed);
    });
  }
  return {
    latency: latency(perQuery.flat()),
    perQueryMedian: perQuery.map(median),
    matchedQueries,
    byKind: Object.fromEntries(Object.entries(byKind).map(([kind, samples]) => [kind, latency(samples)])),
  };
}

function runChildProcess(size: number, seed: number, profile: boolean, timeoutMs: number, phase = 'main'): Promise<{ result?: ChildResult; loadOnly?: LoadOnly; partial: Partial<ChildResult>; error?: string; seconds: number }> {
  return new Promise((resolve) => {
    const flags = ['--expose-gc', '--max-old-space-size=16384'];
    if (profile) flags.push('--cpu-prof', `--cpu-prof-dir=${path.join(benchDir, 'profiles')}`, `--cpu-prof-name=n${size}-${Date.now()}.cpuprofile`);
    const started = performance.now();
    const child = spawn(process.execPath, [...flags, __filename, '--child', '--size', String(size), '--seed', String(seed), '--phase', phase], { stdio: ['ignore', 'pipe', 'pipe'] });
    const partial: Partial<ChildResult> = {};
    let result: ChildResult | undefined;
    let loadOnly: LoadOnly | undefined;
    let stderr = '';
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (!line.startsWith(emitPrefix)) {
          if (line.trim()) process.stdout.write(`  [n=${size}] ${line}\n`);
          continue;
        }
        const { key, value } = JSON.parse(line.slice(emitPrefix.length)) as { key: string; value: unknown };
        if (key === 'result') result = value as ChildResult;
        else if (key === 'loadOnly') loadOnly = value as LoadOnly;
        else {
          (partial as Record<string, unknown>)[key] = value;
          process.stdout.write(`  [n=${size}${phase === 'main' ? '' : ` ${phase}`}] ${key}: ${summarize(key, value)}  (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (stderr.length > 20000) stderr = stderr.slice(-20000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      const error = result || loadOnly
        ? undefined
        : signal === 'SIGKILL'
          ? `stopped after the time limit of ${(timeoutMs / 1000).toFixed(0)} s`
          : /heap out of memory|Allocation failed/.test(stderr)
            ? 'ran out of memory (--max-old-space-size=16384)'
            : `exited with ${code ?? signal}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`;
      resolve({ result, loadOnly, partial, error, seconds });
    });
  });
}

function summarize(key: string, value: unknown): string {
  const v = value as Record<string, any>;
  if ('p95' in v) return `p50 ${fmtMs(v.p50)}, p95 ${fmtMs(v.p95)} (${v.samples} samples)`;
  if ('latency' in v) return `p50 ${fmtMs((v.latency as Latency).p50)}, p95 ${fmtMs((v.latency as Latency).p95)}`;
  if ('find' in v) return `find p95 ${fmtMs((v.find as Latency).p95)}, with items p95 ${fmtMs((v.full as Latency).p95)}`;
  if ('heapUsed' in v) return `heap ${mb(v.heapUsed as number)}, external ${mb(v.external as number)}, rss ${mb(v.rss as number)}`;
  if ('ours' in v) return `ours p50 ${fmtMs((v.ours as Latency).p50)}, Fuse p50 ${fmtMs((v.fuseBuildAndSearch as Latency).p50)}`;
  if ('memory' in v) return `${fmtMs(v.ms)}, longest stall ${fmtMs(v.stallMs)}, heap ${mb(v.memory.heapUsed)}, rss ${mb(v.memory.rss)}`;
  if ('bytes' in v) return `${fmtMs(v.ms)}, ${mb(v.bytes)} on disk`;
  if ('ms' in v) return `${fmtMs(v.ms as number)}, longest stall ${fmtMs(v.stallMs as number)}`;
  return JSON.stringify(value);
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(0)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

function machine(): Record<string, string> {
  const cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  let rg = 'not found';
  try {
    rg = execFileSync('rg', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    // Reported as missing.
  }
  let source = 'unknown';
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    source = `${head}${dirty ? ` with uncommitted changes in src/ (${dirty.split('\n').length} files)` : ''}`;
  } catch {
    // Not a git checkout.
  }
  return {
    source,
    cpu,
    cores: String(os.cpus().length),
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    rg,
    os: `${os.type()} ${os.release()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

async function runParent(args: string[]): Promise<void> {
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const seed = Number(option('--seed') ?? defaultSeed);
  const sizes = args.includes('--quick') ? [100, 1000] : (option('--sizes') ?? '100,1000,3000,10000').split(',').map(Number);
  const write = !args.includes('--no-write');
  if (args.includes('--rewrite')) {
    // Re-renders BENCHMARKS.md and the plot from the last run's figures, without measuring.
    const last = JSON.parse(readFileSync(path.join(benchDir, 'last-results.json'), 'utf8')) as { info: Record<string, string>; results: SizeResult[]; totalSeconds: number };
    writePlot(last.results, path.join(repoRoot, 'benchmarks.svg'));
    writeBenchmarks(renderMarkdown(last.results, last.info, last.totalSeconds, seed));
    process.stdout.write(`${renderTable(last.results, 'text')}\nRewrote BENCHMARKS.md and benchmarks.svg from .bench/last-results.json.\n`);
    return;
  }
  const profile = args.includes('--profile');
  const runStarted = performance.now();
  // Taken before measuring: others may commit while the benchmark runs; the code measured is what was compiled at the start.
  const info = machine();
  mkdirSync(benchDir, { recursive: true });
  const results: SizeResult[] = [];
  const log = (line: string) => process.stdout.write(`${line}\n`);
  for (const size of sizes) {
    log(`\n== ${size.toLocaleString('en')} sources`);
    const generationStarted = performance.now();
    const corpus = ensureCorpus(size, seed, log);
    const fresh = performance.now() - generationStarted > 1000;
    log(
      `  corpus ${(corpus.bytes / 1e6).toFixed(1)} MB in ${corpus.files} files` +
        (fresh ? `, generated in ${corpus.seconds.toFixed(1)} s (${corpus.mbPerSecond.toFixed(0)} MB/s, ${corpus.linked} files hard-linked from a cached corpus)` : ' (cached)'),
    );
    const report = generateReport(size, seed);
    writeFileSync(`${report.path}.json`, `${JSON.stringify({ quotes: report.quotes }, null, 1)}\n`);
    const queries = makeQueries(size, seed);
    const timeoutMs = size >= 10_000 ? 15 * 60_000 : 6 * 60_000;
    const child = await runChildProcess(size, seed, profile, timeoutMs);
    const entry: SizeResult = { size, corpus, child: child.result ?? (Object.keys(child.partial).length ? (child.partial as ChildResult) : undefined), childError: child.error, childSeconds: child.seconds };
    if (child.error) log(`  child: ${child.error}`);
    const main = entry.child;
    if (main?.indexSave && main.indexSave.bytes > 0) {
      const warmStarts: LoadOnly[] = [];
      for (let run = 0; run < repeatedRuns; run++) {
        const warm = await runChildProcess(size, seed, false, 6 * 60_000, 'warm');
        warmStarts.push(warm.loadOnly ?? ({ ms: NaN, stallMs: NaN, memory: { heapUsed: NaN, external: NaN, rss: NaN }, error: warm.error } as LoadOnly));
      }
      entry.warmRuns = warmStarts.map(warmReadyMs);
      entry.warm = [...warmStarts].sort((a, b) => warmReadyMs(a) - warmReadyMs(b))[Math.floor(warmStarts.length / 2)];
    }
    const firstCold = coldMs(entry);
    if (firstCold !== undefined) {
      entry.coldRuns = [firstCold];
      entry.coldStalls = [main!.load.stallMs];
      for (let run = 1; run < repeatedRuns; run++) {
        const cold = await runChildProcess(size, seed, false, timeoutMs, 'cold');
        if (cold.error) log(`  cold: ${cold.error}`);
        entry.coldRuns.push(cold.loadOnly?.searchReadyMs ?? NaN);
        entry.coldStalls.push(cold.loadOnly?.stallMs ?? NaN);
      }
      entry.coldIndexMs = median(entry.coldRuns.map((ms) => (Number.isFinite(ms) ? ms : Infinity)));
    }
    if (main?.indexSave && main.indexSave.bytes > 0) {
      const quotes = await runChildProcess(size, seed, false, timeoutMs, 'quotes');
      entry.quotes = quotes.partial.quotes as QuoteComparison | undefined;
      if (quotes.error) log(`  quotes: ${quotes.error}`);
    }
    if (main?.workers) {
      const inThread = await runChildProcess(size, seed, false, timeoutMs, 'inthread');
      entry.inThread = inThread.loadOnly ?? ({ ms: NaN, stallMs: NaN, memory: { heapUsed: NaN, external: NaN, rss: NaN }, error: inThread.error } as LoadOnly);
    }
    const rgStarted = performance.now();
    entry.rg = ripgrepBaseline(size, seed, queries);
    if (entry.rg) log(`  rg: p50 ${fmtMs(entry.rg.latency.p50)}, p95 ${fmtMs(entry.rg.latency.p95)} (${entry.rg.latency.samples} samples, ${((performance.now() - rgStarted) / 1000).toFixed(0)} s)`);
    else log('  rg: not installed, so there is no baseline for search (apt-get install ripgrep)');
    const ours = entry.child?.search;
    if (ours && entry.rg) {
      const ratios = ours.perQueryMedian.map((value, index) => entry.rg!.perQueryMedian[index] / value);
      entry.search = { perQueryMedianRatio: median(ratios), p95Ratio: entry.rg.latency.p95 / ours.latency.p95, fasterIn: ratios.filter((ratio) => ratio >= 20).length };
    }
    results.push(entry);
  }
  const totalSeconds = (performance.now() - runStarted) / 1000;
  const table = renderTable(results, 'text');
  log(`\n${table}\n\nRun took ${(totalSeconds / 60).toFixed(1)} min on ${info.cpu} (${info.cores} cores), Node ${info.node}.`);
  if (write) {
    writePlot(results, path.join(repoRoot, 'benchmarks.svg'));
    writeBenchmarks(renderMarkdown(results, info, totalSeconds, seed));
    writeFileSync(path.join(benchDir, 'last-results.json'), `${JSON.stringify({ info, results, totalSeconds }, null, 1)}\n`);
    log('Wrote BENCHMARKS.md and benchmarks.svg.');
  }
}

// ---------------------------------------------------------------------------------------------------
// The table.

interface Row {
  label: string;
  target?: string;
  cell: (entry: SizeResult) => string;
  /** Whether the largest size meets the target; undefined when there is no target. */
  verdict?: (entry: SizeResult) => boolean | undefined;
}

const perByte = (bytes: number | undefined, entry: SizeResult) => (bytes === undefined ? '—' : `${(bytes / entry.corpus.bytes).toFixed(2)} B/B`);
/** The main run's cold index: load, then the first search. */
const coldMs = (entry: SizeResult) => (entry.child?.load && entry.child.searchIndex ? entry.child.load.ms + entry.child.searchIndex.ms : undefined);
/** Cold indexes and warm starts are each run this many times, in fresh processes; the table gives their median. */
const repeatedRuns = 3;
const warmReadyMs = (run: LoadOnly) => (Number.isFinite(run.searchReadyMs ?? NaN) ? run.searchReadyMs! : Number.isFinite(run.ms) ? run.ms : Infinity);
/** The median over the cold runs of the longest stall while loading (a failed run counting as the longest). */
const loadStallMs = (entry: SizeResult) =>
  entry.coldStalls?.length ? median(entry.coldStalls.map((ms) => (Number.isFinite(ms) ? ms : Infinity))) : entry.child?.load?.stallMs;
/** " (median of 3; range 28 s–31 s)", when there were several runs. */
const runsText = (runs: number[] | undefined) => {
  if (!runs || runs.length < 2) return '';
  const finite = runs.filter(Number.isFinite);
  const failed = runs.length - finite.length;
  return ` (median of ${runs.length}; range ${fmtMs(Math.min(...finite))}–${fmtMs(Math.max(...finite))}${failed ? `, ${failed} failed` : ''})`;
};

function rows(): Row[] {
  const memoryCell = (value: Memory | undefined, e: SizeResult) => (value ? `${perByte(value.heapUsed + value.external, e)} / ${perByte(value.rss, e)}` : '—');
  return [
    { label: 'Corpus: sources / MB of text', cell: (e) => `${e.corpus.files.toLocaleString('en')} / ${(e.corpus.bytes / 1e6).toFixed(0)}` },
    { label: 'Load, as the extension does (corpus worker + index workers + index folder)', cell: (e) => fmtMs(e.child?.load?.ms) },
    { label: '  load in the calling thread (no workers, no index folder)', cell: (e) => (e.inThread ? `${fmtMs(e.inThread.ms)}${e.inThread.error ? ` (${e.inThread.error})` : ''}` : '—') },
    { label: 'Search ready: the first query after the load', cell: (e) => fmtMs(e.child?.searchIndex?.ms) },
    {
      label: 'Cold index = load + search ready, MB/s',
      target: '≥ 50 MB/s',
      cell: (e) => {
        const ms = e.coldIndexMs ?? coldMs(e);
        if (ms !== undefined && Number.isFinite(ms)) return `${fmtMs(ms)} · ${(e.corpus.bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s${runsText(e.coldRuns)}`;
        return e.child?.load ? `load only ${e.child.load.mbPerSecond.toFixed(1)} MB/s` : '—';
      },
      verdict: (e) => {
        const ms = e.coldIndexMs ?? coldMs(e);
        return ms !== undefined && Number.isFinite(ms) ? e.corpus.bytes / 1e6 / (ms / 1000) >= 50 : false;
      },
    },
    {
      label: "Longest stall of the extension host's thread while loading",
      target: '≤ 50 ms',
      cell: (e) => `${fmtMs(loadStallMs(e))}${runsText(e.coldStalls)}`,
      verdict: (e) => {
        const ms = loadStallMs(e);
        return ms !== undefined && ms <= 50;
      },
    },
    {
      label: '  stall: index save / first search / first check / re-checks / searches',
      cell: (e) => [e.child?.indexSave?.stallMs, e.child?.searchIndex?.stallMs, e.child?.firstCheck?.stallMs, e.child?.check?.stallMs, e.child?.search?.stallMs].map(fmtMs).join(' / '),
    },
    { label: '  load in the calling thread: its stall', cell: (e) => fmtMs(e.inThread?.stallMs) },
    { label: 'Indexing and checks in worker threads', target: 'yes', cell: (e) => (e.child?.workers ? `yes: corpus worker + ${e.child.workers} index workers` : 'no'), verdict: (e) => Boolean(e.child?.workers) },
    { label: 'Index saved (background, from the start of the load) · size on disk', cell: (e) => (e.child?.indexSave?.bytes ? `${fmtMs(e.child.indexSave.ms)} · ${(e.child.indexSave.bytes / 1e6).toFixed(0)} MB` : '—') },
    {
      label: 'Warm start (fresh process): corpus ready · search ready',
      target: '≤ 1 s',
      cell: (e) => (e.warm ? `${fmtMs(e.warm.ms)} · ${fmtMs(e.warm.searchReadyMs)}${e.warm.error ? ` (${e.warm.error})` : ''} (stall ${fmtMs(e.warm.stallMs)})${runsText(e.warmRuns)}` : '—'),
      verdict: (e) => (e.warm ? (e.warm.searchReadyMs ?? e.warm.ms) <= 1000 : false),
    },
    { label: 'Reload, nothing changed (same process)', cell: (e) => fmtMs(e.child?.reload?.ms) },
    { label: 'Memory after warm start: heap+external / RSS per byte of text', cell: (e) => memoryCell(e.warm?.memory, e) },
    { label: 'Memory after cold load and save: heap+external / RSS per byte of text', cell: (e) => memoryCell(e.child?.memoryAfterLoad, e) },
    {
      label: 'Memory after checks and searches: heap+external / RSS per byte of text',
      target: '≤ 1 B/B',
      cell: (e) => memoryCell(e.child?.memoryAfterIndex, e),
      verdict: (e) => (e.child?.memoryAfterIndex ? (e.child.memoryAfterIndex.heapUsed + e.child.memoryAfterIndex.external) / e.corpus.bytes <= 1 : false),
    },
    {
      label: 'Completion p50 / p95: `lookup.find`',
      target: 'p95 ≤ 10 ms',
      cell: (e) => (e.child?.completion ? `${fmtMs(e.child.completion.find.p50)} / ${fmtMs(e.child.completion.find.p95)}` : '—'),
      verdict: (e) => (e.child?.completion ? e.child.completion.find.p95 <= 10 : false),
    },
    {
      label: 'Completion p50 / p95: find + the 50 items the provider builds',
      target: 'p95 ≤ 10 ms',
      cell: (e) => (e.child?.completion ? `${fmtMs(e.child.completion.full.p50)} / ${fmtMs(e.child.completion.full.p95)}` : '—'),
      verdict: (e) => (e.child?.completion ? e.child.completion.full.p95 <= 10 : false),
    },
    {
      label: '  resolving the focused item (its opening, from the worker) p50 / p95',
      target: 'p95 ≤ 10 ms',
      cell: (e) => (e.child?.completion?.resolve ? `${fmtMs(e.child.completion.resolve.p50)} / ${fmtMs(e.child.completion.resolve.p95)}` : '—'),
      verdict: (e) => (e.child?.completion?.resolve ? e.child.completion.resolve.p95 <= 10 : false),
    },
    {
      label: 'Hover p50 / p95',
      target: 'p95 ≤ 10 ms',
      cell: (e) => (e.child?.hover ? `${fmtMs(e.child.hover.p50)} / ${fmtMs(e.child.hover.p95)}` : '—'),
      verdict: (e) => (e.child?.hover ? e.child.hover.p95 <= 10 : false),
    },
    { label: 'Full check, first (answer received from the worker)', cell: (e) => fmtMs(e.child?.firstCheck?.ms) },
    {
      label: 'Full check, again, text unchanged (median of re-checks)',
      target: '≤ 300 ms',
      cell: (e) => (e.child?.check ? `${fmtMs(e.child.check.p50)} (p95 ${fmtMs(e.child.check.p95)})` : '—'),
      verdict: (e) => (e.child?.check ? e.child.check.p50 <= 300 : false),
    },
    {
      label: 'Full check after an edit to one quote (median of re-checks)',
      target: '≤ 150 ms',
      cell: (e) => (e.child?.editCheck ? `${fmtMs(e.child.editCheck.p50)} (p95 ${fmtMs(e.child.editCheck.p95)})` : '—'),
      verdict: (e) => (e.child?.editCheck ? e.child.editCheck.p50 <= 150 : false),
    },
    {
      label: 'Quote matching, 300 quotes: ours total (p50 per quote)',
      cell: (e) => (e.quotes ? `${fmtMs(e.quotes.oursTotalMs)} (${fmtMs(e.quotes.ours.p50)})` : '—'),
    },
    {
      label: '  baseline Fuse.js over sentences: total (p50 per quote)',
      cell: (e) =>
        e.quotes ? `${e.quotes.fuseExtrapolated ? '≈' : ''}${fmtMs(e.quotes.fuseTotalMs)}${e.quotes.fuseExtrapolated ? '*' : ''} (${fmtMs(e.quotes.fuseBuildAndSearch.p50)})` : '—',
    },
    {
      label: '  verbatim found / altered flagged: ours · Fuse',
      cell: (e) => {
        const q = e.quotes;
        return q ? `${q.oursFoundVerbatim}/${q.verbatim}, ${q.oursFlaggedAltered}/${q.altered} · ${q.fuseFoundVerbatim}/${q.verbatimSampled}, ${q.fuseFlaggedAltered}/${q.alteredSampled}` : '—';
      },
    },
    {
      label: 'Corpus search p50 / p95 (ours, limit 50, answer received)',
      target: 'p95 ≤ 20 ms',
      cell: (e) => (e.child?.search ? `${fmtMs(e.child.search.latency.p50)} / ${fmtMs(e.child.search.latency.p95)}` : '—'),
      verdict: (e) => (e.child?.search ? e.child.search.latency.p95 <= 20 : false),
    },
    { label: '  baseline `rg -F -i -l` p50 / p95', cell: (e) => (e.rg ? `${fmtMs(e.rg.latency.p50)} / ${fmtMs(e.rg.latency.p95)}` : 'rg not installed') },
    {
      label: '  speed-up over rg: median per query · p95/p95 · queries ≥ 20×',
      target: '≥ 20×',
      cell: (e) => (e.search ? `${e.search.perQueryMedianRatio.toFixed(1)}× · ${e.search.p95Ratio.toFixed(1)}× · ${e.search.fasterIn}/${e.child!.search!.perQueryMedian.length}` : '—'),
      verdict: (e) => (e.search ? e.search.perQueryMedianRatio >= 20 && e.search.p95Ratio >= 20 : false),
    },
  ];
}

export function renderTable(results: SizeResult[], style: 'text' | 'markdown'): string {
  const header = ['Measure', 'Target (10k / 1 GB)', ...results.map((entry) => `${entry.size.toLocaleString('en')} sources`), 'Met?'];
  const largest = results[results.length - 1];
  const body = rows().map((row) => {
    const verdict = row.verdict && largest && largest.size >= 10_000 ? row.verdict(largest) : undefined;
    return [row.label, row.target ?? '', ...results.map((entry) => row.cell(entry)), verdict === undefined ? '' : verdict ? 'yes' : '**no**'];
  });
  if (style === 'markdown') {
    const line = (cells: string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
    return [line(header), line(header.map((_, index) => (index < 2 ? '---' : '---:'))), ...body.map(line)].join('\n');
  }
  const plainCells = [header, ...body].map((cells) => cells.map((cell) => cell.replace(/\*\*|`/g, '')));
  const widths = header.map((_, column) => Math.max(...plainCells.map((cells) => cells[column].length)));
  return plainCells.map((cells) => cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ')).join('\n');
}

function renderMarkdown(results: SizeResult[], info: Record<string, string>, totalSeconds: number, seed: number): string {
  const largest = results[results.length - 1];
  const failures = results.filter((entry) => entry.childError).map((entry) => `- ${entry.size.toLocaleString('en')} sources: the measuring process ${entry.childError}; figures shown for that size are the ones it reported before.`);
  const generation = results
    .filter((entry) => entry.corpus.linked < entry.corpus.files)
    .map((entry) => `${entry.size.toLocaleString('en')} sources (${(entry.corpus.bytes / 1e6).toFixed(0)} MB) in ${entry.corpus.seconds.toFixed(1)} s, ${entry.corpus.mbPerSecond.toFixed(0)} MB/s${entry.corpus.linked ? ` (${entry.corpus.linked} files hard-linked from a smaller cached corpus)` : ''}`);
  const quotes = largest?.quotes;
  return `# Benchmarks

Generated by \`npm run bench\` (\`test/bench/run-bench.ts\`) down to the hand-written sections at the end, which a run keeps; do not edit the generated part by hand. Rerun to refresh.

## Machine

| | |
|---|---|
| CPU | ${info.cpu} |
| Cores | ${info.cores} |
| Memory | ${info.memory} |
| OS | ${info.os} |
| Node | ${info.node} |
| Baseline search | ${info.rg} |
| Code measured | ${info.source} |
| Date | ${info.date} |
| Run time | ${(totalSeconds / 60).toFixed(1)} min (corpus generation excluded when cached) |

## Results

Each cell is the figure for that corpus size; the last column says whether the largest size meets the target.
Baselines sit in the rows below the figure they compare with.

${renderTable(results, 'markdown')}

${quotes?.fuseExtrapolated ? `\\* Fuse.js was timed on ${quotes.fuseQuotes} of the ${quotes.oursQuotes} quotes at the largest size (a cap on run time); the total is that mean × ${quotes.oursQuotes}, i.e. extrapolated.\n` : ''}
![Time against corpus size](benchmarks.svg)

## What was measured

- **Corpus** (\`test/bench/generate-corpus.ts\`, generator v${generatorVersion}, seed ${seed}): sources are a function of seed and index, so each size is a prefix of the next. About 60% are Markdown with front matter (title, author and/or publisher, date, language, type), the rest plain text with title and date on the first lines; 75% English-like, 25% Albanian-like text; Zipf-distributed words from ~450,000 forms (real function words, names and places, synthetic words), sentences of 8–35 words, paragraphs of 3–8, hard-wrapped at ~100 columns with line-end hyphenation, numbers, dates and footnote markers. Sizes are log-normal, 10 KB – 4 MB, mean ≈ 100 KB. Generation, when each corpus was first written (later runs take it from \`.bench/\`): ${generation.join('; ') || 'all hard-linked'}; other sizes are hard-linked from those files.
- **Report**: ~51,000 words (≈ 100 pages), 500 citations (300 quote citations, 180 plain, 15 groups of two keys, 5 mistyped keys), 300 quotes copied from random sources (270 verbatim, 30 with one word changed, dropped or added; 10% as blockquotes with a \`Source:\` line).
- **How it runs**: as the extension runs it. This thread (standing for the extension host) holds a \`CorpusClient\` and a \`RemoteWorkspace\`; the corpora live in the corpus worker (\`out/corpus-worker.js\`, the bundle the \`.vsix\` ships), which reads and indexes with ${workerText(results)}. Every figure below is what this thread waits for, answers received. Each size runs in its own \`node --expose-gc --max-old-space-size=16384\` process, and each phase (cold, warm, quote comparison, in-thread load) in a fresh one.
- **Cold index**: \`workspace.corpus([folder])\` with an empty index folder, then the first search (which prepares the search's tables in the worker). MB/s is corpus bytes on disk over that time. The figure is the median of ${repeatedRuns} cold indexes, each in a fresh process from an empty index folder (the main run's, then ${repeatedRuns - 1} more that only index), with the fastest and slowest beside it: on this shared virtual machine one run may differ from the next by a tenth. The page cache is whatever earlier runs left; the load and search-ready rows are the main run's. The row below it loads the same corpus with the core in the calling thread, without workers and without an index folder.
- **Event-loop stall**: the longest gap of a 1 ms \`setInterval\` in this thread during each phase; while loading, the median over the ${repeatedRuns} cold runs, with their range. On this virtual machine a 1 ms timer sometimes fires 20–40 ms late while both cores are busy (seen with strace: the wait returns on a 10 ms tick), whatever runs in this thread. The index is saved in the background after a cold load; its row is the time from the start of the load until the worker says the save is done.
- **Warm start**: a fresh process loads the corpus from the index the cold run saved (nothing changed): until the corpus is ready (sources here, checks answered), and until the first search is answered; the median of ${repeatedRuns} fresh processes, by time to the first search, the range beside it. Postings are then read whole in the background; until then search reads what each query needs from the segment files. The reload row reloads in the same process with nothing changed.
- **Memory**: \`process.memoryUsage()\` of this thread after two forced GCs plus the corpus worker's own heap and external memory (it collects its garbage first); RSS is the whole process. Divided by corpus bytes on disk.
- **Completion**: 32 simulated typing sequences (a key, a title word, "publisher year", one character at a time, starting from the empty string after \`@\`), each keystroke → \`lookup.find(typed, 50)\` here; the second row adds what the completion provider builds per item (detail, time-frame status, metadata summary); the third is resolving the first item, whose documentation adds the source's opening, read by the worker. First sequence excluded as warm-up.
- **Hover**: 300 hovers (20 warm-ups excluded), half on quotes (the matched passage comes with the check's answer, as \`src/core/service/hover.ts\` shows it), half on citation keys (metadata, time frame, and the cited passage, or the source's opening asked from the worker).
- **Full check**: \`loaded.check(report, text, settings)\` as the extension's diagnostics ask for it — first after the load, then the median of re-checks of the unchanged text (one warm-up excluded), then the median of re-checks each after an edit to one more quote (a word of a different cited quote changed each time, so the text before each check differs from the one checked before by exactly one quote; one warm-up excluded). The worker remembers verdicts of unchanged quotes, so an edit costs the report's analysis and the edited quote's match.
- **Quote matching**: in a separate process, the core in that thread, warm from the index: per quote, \`matchQuote(corpus.text(key), quote)\` against the straightforward approach: split the cited source into sentences, \`new Fuse(sentences, { ignoreLocation: true, threshold: 0.4 })\`, search the quote; Fuse counts as finding a verbatim quote when its best sentence contains it, and as flagging an altered one when it does not.
- **Search**: 50 queries drawn from the corpus (20 rare words, 15 pairs of common words, 15 three-word phrases), \`loaded.search(query, { limit: 50 })\` answered by the worker, one warm-up round then ≥ 250 samples. Baseline: \`rg --fixed-strings --ignore-case --files-with-matches --no-ignore\` over the corpus folder, spawned per query (as VS Code's search spawns it; process start-up included), page cache warm after two warm-up rounds, 200 samples. For a pair of words rg looks for the rarer word only and for a phrase the literal three words, so rg does less than our search (which ranks passages and matches phrases across line breaks) and misses phrases that wrap. \`--files-with-matches\` lets rg stop at a file's first match, which favours the baseline.

## Notes

${failures.length ? `${failures.join('\n')}\n` : ''}${notes(results)}
`;
}

function workerText(results: SizeResult[]): string {
  const workers = results.find((entry) => entry.child?.workers)?.child?.workers ?? Math.min(2, os.availableParallelism());
  return `${workers} index workers (\`out/index-worker.js\`)`;
}

function notes(results: SizeResult[]): string {
  const largest = results[results.length - 1];
  const lines: string[] = [];
  if (!largest) return '';
  const child = largest.child;
  if (child?.firstCheck) {
    lines.push(`- Findings of the first check at ${largest.size.toLocaleString('en')} sources: ${Object.entries(child.firstCheck.findings).map(([rule, count]) => `${rule} ${count}`).join(', ')}.`);
  }
  if (child?.search && largest.rg) {
    lines.push(`- Queries with at least one hit: ours ${child.search.matchedQueries}/50, rg ${largest.rg.matchedQueries}/50.`);
    const kinds = Object.keys(child.search.byKind);
    lines.push(
      `- Search by kind of query at ${largest.size.toLocaleString('en')} sources (p50 / p95, ours vs rg): ${kinds
        .map((kind) => `${kind} ${fmtMs(child.search!.byKind[kind].p50)} / ${fmtMs(child.search!.byKind[kind].p95)} vs ${fmtMs(largest.rg!.byKind[kind]?.p50)} / ${fmtMs(largest.rg!.byKind[kind]?.p95)}`)
        .join('; ')}.`,
    );
  }
  if (child?.memoryAfterIndex) {
    const heap = child.memoryAfterIndex.heapUsed + child.memoryAfterIndex.external;
    if (heap > 4e9) lines.push(`- The index needs ${(heap / 1e9).toFixed(1)} GB of heap at ${largest.size.toLocaleString('en')} sources: more than Node's default heap limit on this machine (~4 GB), so this size only completes with a raised \`--max-old-space-size\`.`);
  }
  lines.push('- All figures are medians or percentiles after warm-ups; both sides of each comparison get the same corpus, queries and quotes in the same run.');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args.includes('--child')) {
    const option = (name: string) => args[args.indexOf(name) + 1];
    runChild(Number(option('--size')), Number(option('--seed') ?? defaultSeed), args.includes('--phase') ? option('--phase') : 'main').then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  } else {
    runParent(args).catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  }
}
