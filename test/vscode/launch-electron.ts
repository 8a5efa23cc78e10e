/**
 * Runs the same in-host suite (test/vscode/suite) in desktop VS Code through @vscode/test-electron, for
 * machines that can reach update.code.visualstudio.com, or that have VS Code already:
 *
 *   VSCODE_EXECUTABLE=/path/to/code node out/tsc/test/vscode/launch-electron.js
 *   node out/tsc/test/vscode/launch-electron.js            (downloads VS Code $VSCODE_VERSION, default 1.100.3)
 *
 * On Linux without a display, run it under xvfb-run. Our own machines cannot download VS Code: there, use
 * launch-code-server.js (npm run test:vscode), which runs the same suite in code-server.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { createSandbox, extensionPath, removeSandbox, repoRoot } from './code-server';

const suiteEntry = path.join(repoRoot, 'out', 'tsc', 'test', 'vscode', 'suite', 'index.js');

function say(message: string): void {
  process.stdout.write(`[test:vscode:electron] ${message}\n`);
}

async function main(): Promise<number> {
  if (!fs.existsSync(suiteEntry)) {
    say(`the suite is not compiled: ${suiteEntry} is missing. Run \`npx tsc -p tsconfig.json\` first.`);
    return 1;
  }
  const vscodeExecutablePath = process.env.VSCODE_EXECUTABLE || undefined;
  const version = process.env.VSCODE_VERSION ?? '1.100.3';
  const sandbox = createSandbox('electron');
  say(vscodeExecutablePath ? `VS Code: ${vscodeExecutablePath}` : `VS Code ${version}: downloading through @vscode/test-electron (set VSCODE_EXECUTABLE to use an installed one)`);
  try {
    const code = await runTests({
      ...(vscodeExecutablePath ? { vscodeExecutablePath } : { version }),
      extensionDevelopmentPath: extensionPath,
      extensionTestsPath: suiteEntry,
      extensionTestsEnv: { CITEWISE_TEST_RESULTS_DIR: sandbox.resultsDir, CITEWISE_FIXTURE_WORKSPACE: sandbox.workspace },
      launchArgs: [
        sandbox.workspace,
        '--user-data-dir', sandbox.userDataDir,
        '--extensions-dir', sandbox.extensionsDir,
        '--disable-extensions', // other installed extensions; the one under development still loads
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-telemetry',
        '--disable-updates',
        '--no-sandbox',
        '--disable-gpu',
      ],
    });
    const results = path.join(sandbox.resultsDir, 'results.json');
    if (!fs.existsSync(results)) {
      say(`VS Code exited with ${code}, but the suite wrote no results: counting that as a failure`);
      return 1;
    }
    const { passed, failed, skipped } = JSON.parse(fs.readFileSync(results, 'utf8'));
    say(`VS Code exited with ${code}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
    return code === 0 && failed === 0 && passed > 0 ? 0 : 1;
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    if (!vscodeExecutablePath && /download|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|getaddrinfo|fetch failed|socket|status code|40\d|50\d/i.test(message)) {
      process.stderr.write(
        [
          '',
          '!'.repeat(100),
          `!!  VS Code (Electron) extension-host tests: NOT RUN. Could not download VS Code ${version}:`,
          `!!    ${message.split('\n')[0]}`,
          '!!  This machine probably cannot reach update.code.visualstudio.com (on ours only the npm registry and',
          '!!  Debian are reachable). Either set VSCODE_EXECUTABLE to an installed VS Code, or run the same suite',
          '!!  in code-server:   bash test/e2e/setup.sh && node out/tsc/test/vscode/launch-code-server.js',
          '!'.repeat(100),
          '',
        ].join('\n'),
      );
    } else {
      say(`failed: ${(error as Error)?.stack ?? message}`);
    }
    return 1;
  } finally {
    removeSandbox(sandbox);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(`error: ${(error as Error)?.stack ?? error}`);
    process.exit(1);
  },
);
