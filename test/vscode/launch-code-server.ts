/**
 * Runs the mocha suite in test/vscode/suite inside a real VS Code extension host (code-server 4.100.3 in
 * headless Chromium), with the repository root as the extension under development and a copy of
 * test/fixtures/workspace as the workspace, and exits with the suite's status. A second pass opens another
 * copy as an untrusted workspace (Restricted Mode) and runs test/vscode/untrusted; a third opens a copy beside
 * a second folder as one multi-root workspace and runs test/vscode/multi-root.
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

  const passes: Pass[] = [
    { name: 'trusted workspace', trusted: true },
    { name: 'untrusted workspace (Restricted Mode)', trusted: false, suite: 'untrusted', prepare: prepareUntrustedWorkspace },
    { name: 'multi-root workspace', trusted: true, suite: 'multi-root', prepare: prepareMultiRootWorkspace },
  ];
  const totals = { passed: 0, failed: 0, skipped: 0 };
  let failed = false;
  for (const pass of passes) {
    const outcome = await runPass(pass);
    totals.passed += outcome.results.passed;
    totals.failed += outcome.results.failed;
    totals.skipped += outcome.results.skipped;
    failed ||= outcome.failed;
    await cleanUp();
    cleaning = undefined;
  }
  clearTimeout(watchdog);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  say(`all ${passes.length} passes done after ${seconds} s`);
  // The line run-all.mjs counts.
  process.stdout.write(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
  await finish(failed ? 1 : 0);
}

interface Pass {
  name: string;
  trusted: boolean;
  /** Which tests the in-host runner loads: test/vscode/suite (default), test/vscode/untrusted or test/vscode/multi-root. */
  suite?: 'untrusted' | 'multi-root';
  /**
   * Changes the copy of the fixture workspace, or the user's settings, before VS Code opens it; returns a
   * `.code-workspace` file when VS Code is to open that instead of the folder.
   */
  prepare?: (sandbox: Sandbox) => string | void;
}

/**
 * The untrusted pass: the workspace's own settings name its corpus folder, and the user's settings name
 * another corpus outside it; citewise.yaml names none. In Restricted Mode VS Code withholds the workspace's
 * value of a restricted setting (`citewise.corpus`), so the user's corpus is the one checked against, and it
 * counts as the user's (allowed outside the workspace). Trusted, the workspace's corpus would win.
 */
function prepareUntrustedWorkspace(box: Sandbox): void {
  const userCorpus = path.join(box.dir, 'user-corpus');
  fs.mkdirSync(userCorpus, { recursive: true });
  fs.writeFileSync(path.join(userCorpus, 'user-source.md'), '---\ntitle: A Source in the User\'s Corpus\ndate: 2022-05-01\n---\nThe user\'s source says that shelters were full.\n');
  const userSettingsFile = path.join(box.userDataDir, 'User', 'settings.json');
  const userSettings = JSON.parse(fs.readFileSync(userSettingsFile, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(userSettingsFile, `${JSON.stringify({ ...userSettings, 'citewise.corpus': [userCorpus] }, null, 2)}\n`);
  fs.mkdirSync(path.join(box.workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(box.workspace, '.vscode', 'settings.json'), `${JSON.stringify({ 'citewise.corpus': ['corpus'] }, null, 2)}\n`);
  const yamlFile = path.join(box.workspace, 'citewise.yaml');
  fs.writeFileSync(yamlFile, fs.readFileSync(yamlFile, 'utf8').replace(/^corpus:.*\n/m, ''));
}

/**
 * The multi-root pass: the fixture workspace beside a second folder with a citewise.yaml and a corpus of its
 * own, opened together from a `.code-workspace` file. Each report must be checked against the corpus of the
 * folder it lies in (test/vscode/multi-root).
 */
function prepareMultiRootWorkspace(box: Sandbox): string {
  const second = path.join(box.dir, 'second-folder');
  fs.mkdirSync(path.join(second, 'sources'), { recursive: true });
  fs.writeFileSync(path.join(second, 'citewise.yaml'), 'corpus: sources\ntimeframe:\n  from: 2020-01-01\n  to: 2024-12-31\n');
  fs.writeFileSync(
    path.join(second, 'sources', 'labour-inspectorate-2022.md'),
    '---\ntitle: Labour Inspections in the Garment Sector\npublisher: State Labour Inspectorate\ndate: 2022-03-10\n---\nInspectors visited 212 garment workshops in 2021 and found unpaid overtime in most of them.\n',
  );
  const workspaceFile = path.join(box.dir, 'two-folders.code-workspace');
  fs.writeFileSync(workspaceFile, `${JSON.stringify({ folders: [{ path: box.workspace }, { path: second }] }, null, 2)}\n`);
  return workspaceFile;
}

async function runPass(pass: Pass): Promise<{ results: SuiteResults; failed: boolean }> {
  const passStarted = Date.now();
  sandbox = createSandbox(pass.suite ? `vscode-${pass.suite}` : 'vscode', pass.trusted);
  const workspaceFile = pass.prepare?.(sandbox) ?? undefined;
  const resultsText = path.join(sandbox.resultsDir, 'results.txt');
  const resultsJson = path.join(sandbox.resultsDir, 'results.json');
  say(`${pass.name}: a copy of test/fixtures/workspace in ${sandbox.workspace}`);

  // Environment variables reach the extension host only through the code-server process.
  const env: Record<string, string> = { CITEWISE_TEST_RESULTS_DIR: sandbox.resultsDir, CITEWISE_FIXTURE_WORKSPACE: sandbox.workspace };
  if (pass.suite) env.CITEWISE_SUITE = pass.suite;
  if (process.env.CITEWISE_TEST_GREP) env.CITEWISE_TEST_GREP = process.env.CITEWISE_TEST_GREP;
  server = await CodeServer.start(sandbox, env);
  say(`code-server ${server.port} (process group ${server.pid}) up after ${Date.now() - passStarted} ms`);

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
  const url = server.url({ workspace: workspaceFile, extensionDevelopmentPath: extensionPath, extensionTestsPath: suiteEntry });
  if (verbose) say(`opening ${url}`);
  await page.goto(url);
  const code = await Promise.race([exitCode, serverGone]);
  follower.flush();
  follower.stop();

  if (code === -1) await finish(1, `code-server exited while the suite ran:\n${server.logTail()}`);

  let results: SuiteResults | undefined;
  try {
    results = JSON.parse(fs.readFileSync(resultsJson, 'utf8')) as SuiteResults;
  } catch {
    results = undefined;
  }
  const seconds = ((Date.now() - passStarted) / 1000).toFixed(1);
  if (!results) {
    const consoleTail = fs.existsSync(sandbox.browserLog) ? fs.readFileSync(sandbox.browserLog, 'utf8').split('\n').filter((l) => !isConsoleNoise(l)).slice(-30).join('\n') : '';
    await finish(1, `FAILED (${pass.name}): VS Code exited with code ${code}, but the suite wrote no results (it did not load or crashed before the end).\n--- browser console (tail) ---\n${consoleTail}\n--- code-server log (tail) ---\n${server.logTail()}`);
    throw new Error('unreachable');
  }
  const noneRan = results.passed + results.failed === 0;
  say(`${pass.name}: VS Code exited with code ${code} after ${seconds} s: ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
  if (noneRan) process.stderr.write(`[test:vscode] ${pass.name}: no test ran: counting that as a failure\n`);
  return { results, failed: code !== 0 || results.failed > 0 || noneRan };
}

main().catch((error: unknown) => finish(1, `error: ${(error as Error)?.stack ?? error}`));
