/**
 * Latency of `citewise lsp` as an editor feels it, measured through a real stdio connection (JSON-RPC to
 * the bundled CLI): completion while typing and hover on a report of about 1 MB, and the diagnostics that
 * follow an edit of one quote. `npm run bench:lsp`; prints medians, 95th percentiles and ranges.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CompletionList, Hover } from 'vscode-languageserver-protocol';
import { LspClient, repository } from '../lsp/lsp-client';

const targetBytes = 1_000_000;
const keystrokes = 200;
const hovers = 200;
/** Edits of one quote, each timed: enough for a 95th percentile that is not just the slowest of a handful. */
const edits = 40;

/** A long report made of sections that cite the fixture's sources, with quotes that match them and claims. */
function longReport(): string {
  const section = (index: number) =>
    [
      `## Section ${index}`,
      '',
      `Albania has four specialised shelters, which offered 64 places in 2021 [@drita-shelters-2022].`,
      `The monitors found that “psychological counselling was available in every shelter” [@ombudsman-monitoring-2023].`,
      `A case worker described the debt to the recruiter as the hardest problem after the shelter [@case-worker-interview-2021].`,
      `Residents of two shelters reported that they could not leave the premises without an escort [@ombudsman-monitoring-2023, p. 1].`,
      '',
    ].join('\n');
  const parts = ['---', 'title: Long report', '---', '', '# Long report', ''];
  let size = 0;
  for (let index = 1; size < targetBytes; index++) {
    const text = section(index);
    parts.push(text);
    size += Buffer.byteLength(text) + 1;
  }
  return parts.join('\n');
}

function summary(name: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))];
  return `${name.padEnd(40)} n=${String(sorted.length).padStart(3)}  median ${at(0.5).toFixed(1).padStart(6)} ms  p95 ${at(0.95).toFixed(1).padStart(6)} ms  range ${sorted[0].toFixed(1)}–${sorted[sorted.length - 1].toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'citewise-bench-lsp-'));
  fs.cpSync(path.join(repository, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  const client = new LspClient();
  // The pause after typing before a check, as editors have it; the diagnostics figure is given without it.
  const pause = 300;
  client.configuration = { diagnostics: { delay: pause } };
  try {
    await client.initialize(workspace);
    let text = longReport();
    const lines = text.split('\n');
    const file = path.join(workspace, 'long-report.md');
    const opened = performance.now();
    const uri = client.open(file, text);
    await client.waitForDiagnostics(uri, () => true, 120_000);
    const firstDiagnostics = performance.now() - opened;

    // Typing a key after `[@` on a new line after `afterLine`: each keystroke is a new version, then a completion request.
    let version = 0;
    const typeKey = async (afterLine: number): Promise<number[]> => {
      const typingLine = afterLine + 1;
      version = client.change(uri, { start: { line: afterLine, character: lines[afterLine].length }, end: { line: afterLine, character: lines[afterLine].length } }, '\nSee [@');
      let column = '[@'.length + 4;
      const samples: number[] = [];
      const word = 'drita-shelters-2022';
      for (let index = 0; index < keystrokes; index++) {
        const character = word[index % word.length];
        if (index > 0 && index % word.length === 0) {
          // Start the key again: delete what was typed.
          version = client.change(uri, { start: { line: typingLine, character: column - word.length }, end: { line: typingLine, character: column } }, '');
          column -= word.length;
        }
        const started = performance.now();
        version = client.change(uri, { start: { line: typingLine, character: column }, end: { line: typingLine, character: column } }, character);
        column++;
        const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line: typingLine, character: column }, context: { triggerKind: 3 } });
        samples.push(performance.now() - started);
        if (!list?.items.length) throw new Error(`no completion at keystroke ${index}`);
      }
      lines.splice(typingLine, 0, `See [@${word.slice(0, column - '[@'.length - 4)}`);
      return samples;
    };
    // At the end of the report first.
    const completion = await typeKey(lines.length - 1);

    // The check of the last keystroke's version, so that hovers measure the hover and not that check.
    const typed = version;
    await client.waitForDiagnostics(uri, (_list, published) => published === typed, 60_000);

    // Hover on keys throughout the report (the same version: the check is shared).
    const keyLines = lines.map((line, index) => (line.includes('[@drita-shelters-2022]') ? index : -1)).filter((index) => index >= 0);
    const hover: number[] = [];
    for (let index = 0; index < hovers; index++) {
      const line = keyLines[(index * 37) % keyLines.length];
      const started = performance.now();
      const answer = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line, character: lines[line].indexOf('@drita') + 3 } });
      hover.push(performance.now() - started);
      if (!answer) throw new Error(`no hover on line ${line}`);
    }

    // Diagnostics after an edit of one quote: a word of a quote changes, and the server's next publication is
    // awaited. Every other edit puts the word back, so each one changes a matching quote; both are timed.
    const quoteLines = lines.map((line, index) => (line.includes('psychological counselling') ? index : -1)).filter((index) => index >= 0);
    const diagnostics: number[] = [];
    for (let index = 0; index < edits; index++) {
      const line = quoteLines[(Math.floor(index / 2) * 53) % quoteLines.length];
      const [current, replacement] = index % 2 === 0 ? ['every', 'most'] : ['most', 'every'];
      const at = lines[line].indexOf(`${current} shelter`);
      const started = performance.now();
      version = client.change(uri, { start: { line, character: at }, end: { line, character: at + current.length } }, replacement);
      lines[line] = `${lines[line].slice(0, at)}${replacement}${lines[line].slice(at + current.length)}`;
      const expected = version;
      await client.waitForDiagnostics(uri, (_list, published) => published === expected, 60_000);
      diagnostics.push(performance.now() - started - pause);
    }
    // Typing in the middle of the report: every version moves what lies below the edit, which typing at the end never does.
    const middle = lines.indexOf('', Math.floor(lines.length / 2));
    const completionInMiddle = await typeKey(middle);
    text = lines.join('\n');

    process.stdout.write(
      [
        `citewise lsp --stdio, report of ${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB (${lines.length} lines), ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
        `first diagnostics after opening: ${firstDiagnostics.toFixed(0)} ms (corpus load included)`,
        summary('completion, one keystroke then request', completion),
        summary('the same, typing mid-report', completionInMiddle),
        summary('hover on a key', hover),
        summary('diagnostics after editing one quote', diagnostics),
        `(diagnostics: from the edit to their publication, less the ${pause} ms pause the server waits after typing)`,
        '',
      ].join('\n'),
    );
  } finally {
    await client.dispose();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
