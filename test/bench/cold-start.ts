/**
 * Cold start on a bench corpus (1 GB by default), with an empty cache folder each run (no saved index):
 * (1) `citewise lsp --stdio`: opening a report that cites 20 of the corpus's sources, to its first
 *     diagnostics, and to the end of the corpus load (the full index);
 * (2) `citewise check` of the same report.
 * `npm run bench:cold [-- --runs 3 --corpus corpus-v1-seed42-n10000 --cli path/to/other/out/cli.js]`;
 * `--cli` measures another build (the one before a change) with the same inputs. Prints medians and ranges.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LspClient, repository } from '../lsp/lsp-client';
import { coldStartReport } from '../support/cold-start-report';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

function summary(name: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[sorted.length >> 1] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return `${name.padEnd(44)} n=${sorted.length}  median ${(median / 1000).toFixed(2).padStart(6)} s  range ${(sorted[0] / 1000).toFixed(2)}–${(sorted[sorted.length - 1] / 1000).toFixed(2)} s`;
}

/** Resolves when the server reports the end of a `$/progress` (the corpus load), or rejects after the timeout. */
function loadEnded(client: LspClient, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (client.progress.some((entry) => (entry as { value?: { kind?: string } }).value?.kind === 'end')) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error('the corpus load did not end in time'));
      }
    }, 20);
  });
}

async function lspRun(cli: string, workspace: string, reportFile: string, text: string, bench: string): Promise<{ first: number; loaded: number; count: number }> {
  const client = new LspClient(['--allow-corpus', bench], cli);
  try {
    await client.initialize(workspace);
    const opened = performance.now();
    const uri = client.open(reportFile, text);
    const diagnostics = await client.waitForDiagnostics(uri, () => true, 600_000);
    const first = performance.now() - opened;
    await loadEnded(client, 600_000);
    return { first, loaded: performance.now() - opened, count: diagnostics.length };
  } finally {
    await client.dispose();
  }
}

function cliRun(cli: string, reportFile: string, bench: string): { ms: number; output: string } {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'citewise-bench-cold-cache-'));
  try {
    const started = performance.now();
    const run = spawnSync(process.execPath, [cli, 'check', reportFile, '--format', 'json', '--allow-corpus', bench], { env: { ...process.env, CITEWISE_CACHE_DIR: cache }, encoding: 'utf8', maxBuffer: 1 << 28 });
    const ms = performance.now() - started;
    if (run.status !== 0 && run.status !== 1) throw new Error(`citewise check failed (${run.status}): ${run.stderr}`);
    return { ms, output: run.stdout };
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runs = Number(option('runs', '3'));
  const corpusName = option('corpus', 'corpus-v1-seed42-n10000');
  const cli = path.resolve(option('cli', path.join(repository, 'out', 'cli.js')));
  const bench = path.join(repository, '.bench');
  const corpus = path.join(bench, corpusName);
  if (!fs.existsSync(corpus)) throw new Error(`No bench corpus at ${corpus}: npm run bench makes one.`);
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'citewise-bench-cold-'));
  const reportFile = path.join(workspace, 'cold-start-report.md');
  const text = coldStartReport(bench, corpusName, corpus);
  fs.writeFileSync(reportFile, text);
  console.log(`cold start: ${corpusName}, ${cli}, ${runs} runs, load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores`);
  const first: number[] = [];
  const loaded: number[] = [];
  const check: number[] = [];
  const outputs = new Set<string>();
  try {
    for (let run = 0; run < runs; run++) {
      const lsp = await lspRun(cli, workspace, reportFile, text, bench);
      first.push(lsp.first);
      loaded.push(lsp.loaded);
      const cold = cliRun(cli, reportFile, bench);
      check.push(cold.ms);
      outputs.add(cold.output);
      console.log(`  run ${run + 1}: first diagnostics ${(lsp.first / 1000).toFixed(2)} s (${lsp.count}), corpus loaded ${(lsp.loaded / 1000).toFixed(2)} s, citewise check ${(cold.ms / 1000).toFixed(2)} s`);
    }
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  console.log(summary('lsp: open report -> first diagnostics', first));
  console.log(summary('lsp: open report -> corpus loaded', loaded));
  console.log(summary('citewise check (cold)', check));
  const [output] = outputs;
  console.log(`citewise check: ${outputs.size === 1 ? 'the same' : 'DIFFERENT'} output every run, ${(JSON.parse(output) as { findings: unknown[] }).findings.length} findings; load average now ${os.loadavg()[0].toFixed(1)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
