/**
 * The mocha runner that VS Code loads as `extensionTestsPath`: it runs in the extension host, where
 * `require('vscode')` works, loads every compiled test/vscode/suite/**\/*.test.js, and writes
 *   results.txt   spec-like progress, failures, and the line `N passed, N failed, N skipped`
 *   results.json  the same counts and one entry per test
 * into CITEWISE_TEST_RESULTS_DIR (set on the code-server / VS Code process by the launchers). The promise
 * rejects when a test failed, so VS Code exits with status 1.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Mocha from 'mocha';

interface TestResult {
  title: string;
  fullTitle: string;
  file?: string;
  state: 'passed' | 'failed' | 'skipped';
  durationMs?: number;
  error?: string;
}

const { EVENT_SUITE_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

function testFiles(folder: string): string[] {
  return (fs.readdirSync(folder, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((file) => file.endsWith('.test.js'))
    .map((file) => path.join(folder, file))
    .sort();
}

function firstLines(text: string, count: number): string {
  return text.split('\n').slice(0, count).join('\n');
}

export function run(): Promise<void> {
  const resultsDir = process.env.CITEWISE_TEST_RESULTS_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'citewise-vscode-results-'));
  fs.mkdirSync(resultsDir, { recursive: true });
  const textFile = path.join(resultsDir, 'results.txt');
  const jsonFile = path.join(resultsDir, 'results.json');
  fs.writeFileSync(textFile, '');
  const write = (line: string) => {
    fs.appendFileSync(textFile, `${line}\n`);
    console.log(line); // also to the extension host log (and to the terminal under @vscode/test-electron)
  };

  const results: TestResult[] = [];
  const failures: { fullTitle: string; error: string }[] = [];

  /** A reporter that writes to results.txt instead of the extension host's stdout, which nobody sees. */
  class ResultsFileReporter extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
      super(runner, options);
      let depth = 0;
      runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
        depth = suite.titlePath().length;
        if (suite.title) write(`${'  '.repeat(depth)}${suite.title}`);
      });
      const indent = () => '  '.repeat(depth + 1);
      runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
        results.push({ title: test.title, fullTitle: test.fullTitle(), file: test.file, state: 'passed', durationMs: test.duration });
        write(`${indent()}✔ ${test.title} (${test.duration ?? 0} ms)`);
      });
      runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => {
        results.push({ title: test.title, fullTitle: test.fullTitle(), file: test.file, state: 'skipped' });
        write(`${indent()}- ${test.title} (skipped)`);
      });
      runner.on(EVENT_TEST_FAIL, (test: Mocha.Test, error: Error) => {
        const message = error?.stack ?? String(error);
        results.push({ title: test.title, fullTitle: test.fullTitle(), file: test.file, state: 'failed', durationMs: test.duration, error: message });
        failures.push({ fullTitle: test.fullTitle(), error: message });
        write(`${indent()}✘ ${test.title}`);
      });
    }
  }

  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 60_000,
    reporter: ResultsFileReporter as unknown as typeof Mocha.reporters.Base,
  });
  if (process.env.CITEWISE_TEST_GREP) mocha.grep(process.env.CITEWISE_TEST_GREP);
  // The other passes (an untrusted workspace, a multi-root one) open another workspace and run only the tests written for it.
  const suite = process.env.CITEWISE_SUITE;
  const folder = suite === 'untrusted' || suite === 'multi-root' ? path.join(__dirname, '..', suite) : __dirname;
  const files = testFiles(folder);
  for (const file of files) mocha.addFile(file);
  write(`Citewise extension-host tests: ${files.length} file(s) in ${folder}, VS Code ${require('vscode').version}`);

  return new Promise<void>((resolve, reject) => {
    const finish = (failureCount: number) => {
      const passed = results.filter((r) => r.state === 'passed').length;
      const failed = Math.max(failureCount, results.filter((r) => r.state === 'failed').length);
      const skipped = results.filter((r) => r.state === 'skipped').length;
      failures.forEach((failure, index) => {
        write(`\n  ${index + 1}) ${failure.fullTitle}\n${failure.error.split('\n').map((line) => `     ${line}`).join('\n')}`);
      });
      const summary = `${passed} passed, ${failed} failed, ${skipped} skipped`;
      write(`\ntests: ${summary}`);
      fs.writeFileSync(jsonFile, `${JSON.stringify({ passed, failed, skipped, summary, tests: results }, null, 2)}\n`);
      if (failed > 0) reject(new Error(`${failed} extension-host test(s) failed`));
      else resolve();
    };
    try {
      mocha.run(finish);
    } catch (error) {
      // A test file that throws while loading: report it as a failure rather than hang.
      const message = (error as Error)?.stack ?? String(error);
      results.push({ title: 'loading the test files', fullTitle: 'loading the test files', state: 'failed', error: firstLines(message, 30) });
      failures.push({ fullTitle: 'loading the test files', error: firstLines(message, 30) });
      finish(1);
    }
  });
}
