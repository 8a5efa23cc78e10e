/**
 * Runs the mocha suite in test/vscode/suite inside a real VS Code extension host (code-server 4.100.3 in
 * headless Chromium), with the repository root as the extension under development and a copy of
 * test/fixtures/workspace as the workspace, and exits with the suite's status.
 *
 *   node out/tsc/test/vscode/launch-code-server.js        (after `node esbuild.mjs && tsc -p tsconfig.json`)
 *
 * Environment:
 *   CITEWISE_TEST_GREP=<regexp>      run only the tests whose full title matches
 *   CITEWISE_VSCODE_TIMEOUT_MS=<n>   give up after n ms (default 600000, 10 minutes)
 *   CITEWISE_KEEP_TMP=1              keep the temporary folder (logs, results, workspace copy)
 *   CITEWISE_VERBOSE=1               echo code-server's log and the browser console
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import {
  CodeServer,
  createSandbox,
  extensionPath,
  isConsoleNoise,
  launchBrowser,
  missingPrerequisites,
  printNotInstalledBanner,
  removeSandbox,
  repoRoot,
  type Sandbox,
} from './code-server';

const suiteName = 'VS Code extension-host tests (test/vscode/suite)';
const suiteEntry = path.join(repoRoot, 'out', 'tsc', 'test', 'vscode', 'suite', 'index.js');
const timeoutMs = Number(process.env.CITEWISE_VSCODE_TIMEOUT_MS ?? 600_000);
const verbose = Boolean(process.env.CITEWISE_VERBOSE);

function say(message: string): void {
  process.stdout.write(`[test:vscode] ${message}\n`);
}

let sandbox: Sandbox | undefined;
let server: CodeServer | undefined;
let browser: BrowserContext | undefined;
let cleaning: Promise<void> | undefined;

function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (sandbox) removeSandbox(sandbox);
  })();
  return cleaning;
}

let finishing = false;

/** Ends the run once: the first caller (result, timeout, signal, error) decides the message and status. */
async function finish(code: number, message?: string): Promise<never> {
  if (finishing) return new Promise<never>(() => undefined);
  finishing = true;
  if (message) process.stderr.write(`\n[test:vscode] ${message}\n`);
  await cleanUp();
  process.exit(code);
}

/** Prints what the in-host runner appends to results.txt while the suite runs. */
function followResults(file: string): { flush(): void; stop(): void } {
  let offset = 0;
  const flush = () => {
    let text: Buffer;
    try {
      text = fs.readFileSync(file);
    } catch {
      return;
    }
    if (text.length > offset) {
      process.stdout.write(text.subarray(offset));
      offset = text.length;
    }
  };
  const timer = setInterval(flush, 250);
  return { flush, stop: () => clearInterval(timer) };
}

interface SuiteResults {
  passed: number;
  failed: number;
  skipped: number;
  tests: { fullTitle: string; state: string }[];
}

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void finish(130, `interrupted (${signal}); code-server stopped`));
  }
  process.on('uncaughtException', (error) => void finish(1, `error: ${error.stack ?? error}`));
  process.on('unhandledRejection', (error) => void finish(1, `error: ${(error as Error)?.stack ?? error}`));

  const missing = missingPrerequisites();
  if (missing.length) {
    printNotInstalledBanner(suiteName, missing);
    process.exit(1);
  }
  const main = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8')).main as string | undefined;
  if (main && !fs.existsSync(path.resolve(extensionPath, main)) && !fs.existsSync(path.resolve(extensionPath, `${main}.js`))) {
    await finish(1, `the extension is not built: ${path.resolve(extensionPath, main)} is missing. Run \`node esbuild.mjs\` first.`);
  }
  if (!fs.existsSync(suiteEntry)) {
    await finish(1, `the suite is not compiled: ${suiteEntry} is missing. Run \`npx tsc -p tsconfig.json\` first.`);
  }

  const started = Date.now();
  const watchdog = setTimeout(() => {
    void finish(1, `TIMEOUT: the suite did not finish within ${timeoutMs / 1000} s.\n--- code-server log (tail) ---\n${server?.logTail() ?? ''}`);
  }, timeoutMs);
  watchdog.unref();

  sandbox = createSandbox('vscode');
  const resultsText = path.join(sandbox.resultsDir, 'results.txt');
  const resultsJson = path.join(sandbox.resultsDir, 'results.json');
  say(`extension: ${extensionPath}`);
  say(`workspace: copy of test/fixtures/workspace in ${sandbox.workspace}`);

  // Environment variables reach the extension host only through the code-server process.
  const env: Record<string, string> = { CITEWISE_TEST_RESULTS_DIR: sandbox.resultsDir, CITEWISE_FIXTURE_WORKSPACE: sandbox.workspace };
  if (process.env.CITEWISE_TEST_GREP) env.CITEWISE_TEST_GREP = process.env.CITEWISE_TEST_GREP;
  server = await CodeServer.start(sandbox, env);
  say(`code-server ${server.port} (process group ${server.pid}) up after ${Date.now() - started} ms`);

  browser = await launchBrowser(sandbox, 'suite');
  const page = browser.pages()[0] ?? (await browser.newPage());
  const consoleLog = fs.createWriteStream(sandbox.browserLog);
  page.on('console', (message) => {
    const line = `[${message.type()}] ${message.text()}`;
    consoleLog.write(`${line}\n`);
    if (verbose && !isConsoleNoise(line)) process.stderr.write(`[browser] ${line}\n`);
  });
  page.on('pageerror', (error) => consoleLog.write(`[pageerror] ${error.stack ?? error}\n`));

  const exitCode = new Promise<number>((resolve) => {
    void page.exposeFunction('codeAutomationExit', (code: number) => resolve(Number(code)));
  });
  const serverGone = new Promise<number>((resolve) => {
    const timer = setInterval(() => {
      if (server?.hasExited) {
        clearInterval(timer);
        resolve(-1);
      }
    }, 500);
    timer.unref();
  });

  const follower = followResults(resultsText);
  const url = server.url({ extensionDevelopmentPath: extensionPath, extensionTestsPath: suiteEntry });
  if (verbose) say(`opening ${url}`);
  await page.goto(url);
  const code = await Promise.race([exitCode, serverGone]);
  follower.flush();
  follower.stop();
  clearTimeout(watchdog);

  if (code === -1) await finish(1, `code-server exited while the suite ran:\n${server.logTail()}`);

  let results: SuiteResults | undefined;
  try {
    results = JSON.parse(fs.readFileSync(resultsJson, 'utf8')) as SuiteResults;
  } catch {
    results = undefined;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!results) {
    const consoleTail = fs.existsSync(sandbox.browserLog) ? fs.readFileSync(sandbox.browserLog, 'utf8').split('\n').filter((l) => !isConsoleNoise(l)).slice(-30).join('\n') : '';
    await finish(1, `FAILED: VS Code exited with code ${code}, but the suite wrote no results (it did not load or crashed before the end).\n--- browser console (tail) ---\n${consoleTail}\n--- code-server log (tail) ---\n${server.logTail()}`);
    return;
  }
  const failed = code !== 0 || results.failed > 0 || results.passed + results.failed === 0;
  say(`VS Code exited with code ${code} after ${seconds} s: ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
  if (results.passed + results.failed === 0) process.stderr.write('[test:vscode] no test ran: counting that as a failure\n');
  await finish(failed ? 1 : 0);
}

main().catch((error: unknown) => finish(1, `error: ${(error as Error)?.stack ?? error}`));
