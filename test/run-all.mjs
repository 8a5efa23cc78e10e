// The test command (`npm test`): builds once, then runs every suite in turn and closes with one combined
// "tests: N passed, N failed, N skipped" line. A suite that cannot run fails the whole command: nothing is
// reported as passed that did not run.
//   unit     lint (test/lint/eslint.config.mjs), then the core and CLI suites (mocha)
//   lsp      `citewise lsp --stdio` over JSON-RPC, and Neovim's built-in client against it (skipped without nvim)
//   vscode   the same extension API suite inside a real VS Code extension host (code-server)
//   e2e      UI tests in that VS Code in Chromium, against the packaged .vsix
// `node test/run-all.mjs unit vscode` runs only the named suites.
import { spawn } from 'node:child_process';

const all = ['unit', 'lsp', 'vscode', 'e2e'];
const chosen = process.argv.slice(2).filter((name) => all.includes(name));
const suites = chosen.length ? chosen : all;

const steps = [
  { name: 'build', command: ['node', 'esbuild.mjs'] },
  { name: 'compile tests', command: ['npx', 'tsc', '-p', 'tsconfig.json'] },
  ...(suites.includes('unit') ? [{ name: 'lint', command: ['npx', 'eslint', '-c', 'test/lint/eslint.config.mjs', 'src', 'test'], continues: true }] : []),
  ...(suites.includes('unit') ? [{ name: 'unit', command: ['npx', 'mocha'], counts: true }] : []),
  ...(suites.includes('lsp')
    ? [
        {
          name: 'lsp',
          command: ['npx', 'mocha', '--no-config', '--reporter', 'test/support/summary-reporter.js', '--timeout', '60000', '--enable-source-maps', 'out/tsc/test/lsp/**/*.test.js'],
          counts: true,
        },
      ]
    : []),
  ...(suites.includes('vscode') ? [{ name: 'vscode', command: ['node', 'out/tsc/test/vscode/launch-code-server.js'], counts: true }] : []),
  ...(suites.includes('e2e')
    ? [
        { name: 'package', command: ['npm', 'run', '--silent', 'package'] },
        { name: 'e2e', command: ['node', 'out/tsc/test/e2e/run-ui.js'], counts: true },
      ]
    : []),
];

function run(command) {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
    child.on('error', (error) => resolve({ code: 1, output: String(error) }));
  });
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const report = [];
let failedStep;
for (const step of steps) {
  process.stdout.write(`\n=== ${step.name}: ${step.command.join(' ')}\n`);
  const started = Date.now();
  const { code, output } = await run(step.command);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (step.counts) {
    const lines = [...output.matchAll(/(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/g)];
    const last = lines[lines.length - 1];
    if (last) {
      const [passed, failed, skipped] = [Number(last[1]), Number(last[2]), Number(last[3] ?? 0)];
      totals.passed += passed;
      totals.failed += failed;
      totals.skipped += skipped;
      report.push(`${step.name.padEnd(8)} ${passed} passed, ${failed} failed, ${skipped} skipped (${seconds} s)`);
    } else {
      report.push(`${step.name.padEnd(8)} did not run (${seconds} s)`);
    }
  }
  if (code !== 0) {
    failedStep = step.name;
    // A failed build or package leaves nothing to test; a failed suite or lint does not stop the next one.
    if (!step.counts && !step.continues) break;
  }
}

process.stdout.write(`\n=== summary\n${report.map((line) => `  ${line}`).join('\n')}\n`);
if (failedStep) process.stdout.write(`  FAILED: ${failedStep}\n`);
process.stdout.write(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exitCode = failedStep ? 1 : 0;
