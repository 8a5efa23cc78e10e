/**
 * Runs the UI tests (test/e2e/ui.test.ts) with mocha, outside the repository's .mocharc.json (whose spec
 * would pull in every other suite), and exits 1 when a test failed or could not run.
 *
 *   node out/tsc/test/e2e/run-ui.js [--grep <regexp>]
 *
 * CITEWISE_E2E_TIMEOUT_MS (default 600000) bounds the whole run; code-server's process group is killed on
 * every exit path (see ../vscode/code-server.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { missingPrerequisites, printNotInstalledBanner, repoRoot } from '../vscode/code-server';

const suiteName = 'VS Code UI tests (test/e2e)';
const suiteFile = path.join(__dirname, 'ui.test.js');
const timeoutMs = Number(process.env.CITEWISE_E2E_TIMEOUT_MS ?? 600_000);

const missing = missingPrerequisites();
if (missing.length) {
  printNotInstalledBanner(suiteName, missing);
  process.exit(1);
}
const built = path.join(repoRoot, 'out', 'extension.js');
if (!fs.existsSync(built) && !fs.existsSync(path.join(repoRoot, 'citewise.vsix'))) {
  process.stderr.write(`[test:e2e] the extension is not built: ${built} is missing (and there is no citewise.vsix). Run \`node esbuild.mjs\` first.\n`);
  process.exit(1);
}

process.env.CITEWISE_E2E = '1';
const grepIndex = process.argv.indexOf('--grep');
const mocha = new Mocha({
  ui: 'bdd',
  timeout: 90_000,
  reporter: require(path.join(repoRoot, 'test', 'support', 'summary-reporter.js')),
  ...(grepIndex > 0 ? { grep: process.argv[grepIndex + 1] } : {}),
});
mocha.addFile(suiteFile);

const started = Date.now();
const watchdog = setTimeout(() => {
  process.stderr.write(`\n[test:e2e] TIMEOUT: the UI tests did not finish within ${timeoutMs / 1000} s\n`);
  process.exit(1); // the exit handler in code-server.ts kills code-server's process group
}, timeoutMs);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => process.exit(130));

mocha.run((failures) => {
  clearTimeout(watchdog);
  process.stdout.write(`[test:e2e] ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${path.relative(process.cwd(), path.join(repoRoot, 'test-results', 'e2e')) || '.'}\n`);
  // Give mocha's after() hooks (browser and code-server shut-down) the chance to have run, then exit.
  process.exitCode = failures > 0 ? 1 : 0;
});
