/**
 * `npm run bench:recheck`: how long a full check takes after an edit that changes one quote, as the
 * diagnostics of an open report are asked for after each pause in typing (issue 14 wants ≤ 150 ms on a
 * 1 MB report). By default the seed COI report (../shared/seeds/001_…, 1 MB) against the seeds as its
 * corpus, with the time frame it declares, as test/core/seed-coi-report.test.ts checks it.
 *
 *   node out/tsc/test/bench/recheck-bench.js [--rounds 40] [--report FILE --corpus DIR]
 *
 * It times the first check after the corpus is loaded (cold: nothing remembered), then, after one warm
 * check of the same text, `--rounds` checks each after one more quote was edited.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CitewiseWorkspace } from '../../src/core/corpus/workspace';
import { repoRoot } from './generate-corpus';
import { QuoteEditor } from './quote-edit';
import { latency } from './run-bench';

const seeds = path.resolve(repoRoot, '../shared/seeds');

async function main(args: string[]): Promise<void> {
  const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const rounds = Number(option('--rounds') ?? 40);
  const given = option('--report');
  const corpus = option('--corpus');
  if (Boolean(given) !== Boolean(corpus)) throw new Error('Give --report FILE and --corpus DIR together.');
  if (!given && !existsSync(seeds)) {
    console.log(`Skipped: ${seeds} is not on this machine; give --report FILE --corpus DIR to measure another report.`);
    return;
  }
  const folder = mkdtempSync(path.join(os.tmpdir(), 'citewise-recheck-'));
  try {
    let reportPath: string;
    if (given) {
      reportPath = path.resolve(given);
    } else {
      // The frame the seed report declares on its lines 41–42, as the seed suite checks it.
      writeFileSync(path.join(folder, 'citewise.yaml'), 'timeframe:\n  from: 2021-03-31\n  to: 2023-12-06\n  languages:\n    sq: { from: 2021-03-31, to: 2023-06-15 }\n');
      reportPath = path.join(folder, 'report.md');
    }
    const text = readFileSync(given ?? path.join(seeds, '001_b292c2b08472ba89.txt'), 'utf8');
    const workspace = new CitewiseWorkspace({ corpusOverride: [path.resolve(corpus ?? seeds)] });

    let started = performance.now();
    await workspace.corpus([path.resolve(corpus ?? seeds)]);
    const loadMs = performance.now() - started;
    started = performance.now();
    const first = await workspace.check(reportPath, text);
    const firstMs = performance.now() - started;
    started = performance.now();
    await workspace.check(reportPath, text);
    const unchangedMs = performance.now() - started;

    const editor = new QuoteEditor(text);
    const samples: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const edited = editor.next();
      started = performance.now();
      await workspace.check(reportPath, edited);
      samples.push(performance.now() - started);
    }
    const timed = latency(samples);
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    console.log(`report: ${path.basename(given ?? 'seed 001')}, ${(text.length / 1e6).toFixed(2)} M characters, ${first.report.quotes.length} quotes (${editor.quotes} editable), ${first.findings.length} findings`);
    console.log(`corpus load:                ${ms(loadMs)}`);
    console.log(`first check (cold):         ${ms(firstMs)}`);
    console.log(`check again, unchanged:     ${ms(unchangedMs)}`);
    console.log(`check after one-quote edit: median ${ms(timed.p50)}, p95 ${ms(timed.p95)}, range ${ms(Math.min(...samples))}–${ms(timed.max)} (${timed.samples} edits)`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
