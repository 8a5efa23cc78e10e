/**
 * A real VS Code for tests: code-server 4.100.3 (installed by test/e2e/setup.sh into .vscode-e2e/) driven by
 * Debian's Chromium through playwright-core. Shared by the in-host suite launcher (launch-code-server.ts) and
 * the UI tests (test/e2e). Everything a run writes goes to one temporary folder (settings, extensions,
 * a copy of the fixture workspace, logs, results); the repository is never written to, except screenshots.
 * See ../shared/notes/vscode-e2e.md for why it is done this way.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if (JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'citewise') return dir;
      } catch {
        // not ours; keep looking
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`no citewise package.json above ${from}`);
  }
}

export const repoRoot = findRepoRoot(__dirname);
/** The extension under test; CITEWISE_EXTENSION_PATH points elsewhere only to develop the harness itself. */
export const extensionPath = path.resolve(process.env.CITEWISE_EXTENSION_PATH ?? repoRoot);
export const toolDir = path.resolve(process.env.CITEWISE_E2E_DIR ?? path.join(repoRoot, '.vscode-e2e'));
export const codeServerBin = path.join(toolDir, 'node_modules', '.bin', 'code-server');
export const chromiumPath = process.env.CITEWISE_CHROMIUM ?? '/usr/bin/chromium';
export const fixtureWorkspace = path.join(repoRoot, 'test', 'fixtures', 'workspace');

/** Settings that keep runs deterministic (see the notes): no welcome page, no autosave or hot exit, fast hovers. */
export const userSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'files.autoSave': 'off',
  'files.hotExit': 'off',
  'editor.hover.delay': 200,
  // The language client's trace in the Citewise output, for the report of a failed UI test.
  'citewise.trace.server': 'verbose',
  'editor.accessibilitySupport': 'off',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
};

/** What is missing to run a real VS Code here, as human-readable lines; empty when everything is there. */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (!fs.existsSync(codeServerBin)) missing.push(`code-server (expected at ${codeServerBin})`);
  if (!fs.existsSync(chromiumPath)) missing.push(`Chromium (expected at ${chromiumPath})`);
  return missing;
}

/** A loud message that cannot be mistaken for a pass. */
export function printNotInstalledBanner(suite: string, missing: string[]): void {
  const bar = '!'.repeat(100);
  const lines = [
    '',
    bar,
    `!!  ${suite}: NOT RUN. Nothing was tested.`,
    '!!',
    ...missing.map((what) => `!!  missing: ${what}`),
    '!!',
    '!!  Install what the VS Code tests need (Debian 12, as root; about a minute, once):',
    '!!',
    '!!      bash test/e2e/setup.sh',
    '!!',
    '!!  then run this command again.',
    process.env.CI ? '!!  (CI is set: failing the build.)' : '!!  (Exiting with status 1 so that tests that did not run are never reported as passing.)',
    bar,
    '',
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
}

/** The files of one run, all under one temporary folder. */
export interface Sandbox {
  dir: string;
  /** False for a run in an untrusted workspace (Restricted Mode): workspace trust is on and never granted. */
  trusted: boolean;
  userDataDir: string;
  extensionsDir: string;
  configFile: string;
  workspace: string;
  resultsDir: string;
  browserProfile: string;
  codeServerLog: string;
  browserLog: string;
}

export function createSandbox(name: string, trusted = true): Sandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `citewise-${name}-`));
  const sandbox: Sandbox = {
    dir,
    trusted,
    userDataDir: path.join(dir, 'user-data'),
    extensionsDir: path.join(dir, 'extensions'),
    configFile: path.join(dir, 'code-server.yaml'),
    workspace: path.join(dir, 'workspace'),
    resultsDir: path.join(dir, 'results'),
    browserProfile: path.join(dir, 'browser-profile'),
    codeServerLog: path.join(dir, 'code-server.log'),
    browserLog: path.join(dir, 'browser-console.log'),
  };
  for (const folder of [sandbox.extensionsDir, sandbox.resultsDir, sandbox.browserProfile, path.join(sandbox.userDataDir, 'User')]) {
    fs.mkdirSync(folder, { recursive: true });
  }
  // Untrusted: trust is on, the folder was never trusted, and VS Code opens it in Restricted Mode without asking.
  const settings = trusted
    ? userSettings
    : { ...userSettings, 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' };
  fs.writeFileSync(path.join(sandbox.userDataDir, 'User', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  // Bound to 127.0.0.1 and without a password; the port comes from --bind-addr.
  fs.writeFileSync(sandbox.configFile, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  // A copy, so that typing in the editor never changes the repository's fixture.
  fs.cpSync(fixtureWorkspace, sandbox.workspace, { recursive: true });
  liveSandboxes.add(sandbox.dir);
  return sandbox;
}

export function removeSandbox(sandbox: Sandbox): void {
  if (process.env.CITEWISE_KEEP_TMP) {
    process.stderr.write(`[vscode] kept ${sandbox.dir} (CITEWISE_KEEP_TMP is set)\n`);
    return;
  }
  fs.rmSync(sandbox.dir, { recursive: true, force: true, maxRetries: 3 });
  liveSandboxes.delete(sandbox.dir);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The environment for code-server: isolated XDG folders, so nothing goes to the home folder. */
function codeServerEnv(sandbox: Sandbox, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XDG_CONFIG_HOME: path.join(sandbox.dir, 'xdg', 'config'),
    XDG_DATA_HOME: path.join(sandbox.dir, 'xdg', 'data'),
    XDG_CACHE_HOME: path.join(sandbox.dir, 'xdg', 'cache'),
    ...extra,
  };
}

/** Installs a .vsix into the sandbox's extensions folder, as a user would get it. */
export function installVsix(sandbox: Sandbox, vsix: string): void {
  const result = spawnSync(
    codeServerBin,
    ['--config', sandbox.configFile, '--user-data-dir', sandbox.userDataDir, '--extensions-dir', sandbox.extensionsDir, '--install-extension', vsix, '--force'],
    { env: codeServerEnv(sandbox, {}), encoding: 'utf8', timeout: 120_000 },
  );
  if (result.status !== 0) {
    throw new Error(`code-server --install-extension ${vsix} failed (status ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** Every process group and temporary folder we made, so that an exit of any kind still cleans up. */
const liveGroups = new Set<number>();
const liveSandboxes = new Set<string>();
process.on('exit', () => {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (process.env.CITEWISE_KEEP_TMP) return;
  for (const dir of liveSandboxes) {
    try {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    } catch {
      // best effort
    }
  }
});

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export class CodeServer {
  private exited = false;
  private exitDescription = '';

  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    readonly sandbox: Sandbox,
  ) {
    child.once('exit', (code, signal) => {
      this.exited = true;
      this.exitDescription = signal ? `signal ${signal}` : `status ${code}`;
    });
  }

  /**
   * Starts code-server in a process group of its own (file watchers and the extension host outlive their
   * parent otherwise) and waits until /healthz answers. `env` reaches the extension host.
   */
  static async start(sandbox: Sandbox, env: Record<string, string> = {}): Promise<CodeServer> {
    const port = await freePort();
    const log = fs.openSync(sandbox.codeServerLog, 'a');
    const args = [
      '--config', sandbox.configFile,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--user-data-dir', sandbox.userDataDir,
      '--extensions-dir', sandbox.extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      ...(sandbox.trusted ? ['--disable-workspace-trust'] : []),
      '--disable-getting-started-override',
      '--ignore-last-opened',
      sandbox.workspace,
    ];
    const child = spawn(codeServerBin, args, { detached: true, stdio: ['ignore', log, log], env: codeServerEnv(sandbox, env) });
    fs.closeSync(log);
    if (child.pid === undefined) throw new Error(`could not start ${codeServerBin}`);
    liveGroups.add(child.pid);
    const server = new CodeServer(port, child, sandbox);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (server.exited) throw new Error(`code-server exited (${server.exitDescription}) before it answered:\n${server.logTail()}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) return server;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`code-server did not answer on port ${port} within 60 s:\n${server.logTail()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  get hasExited(): boolean {
    return this.exited;
  }

  /** A path on this machine as the browser's VS Code addresses it. */
  remoteUri(fsPath: string): string {
    return `vscode-remote://127.0.0.1:${this.port}${fsPath}`;
  }

  /**
   * The page that opens `folder` (or the multi-root `workspace` file), with extension development and test
   * paths in the URL's `payload`.
   */
  url(options: { folder?: string; workspace?: string; extensionDevelopmentPath?: string; extensionTestsPath?: string } = {}): string {
    const params = new URLSearchParams(options.workspace ? { workspace: options.workspace } : { folder: options.folder ?? this.sandbox.workspace });
    const payload: [string, string][] = [];
    if (options.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', this.remoteUri(options.extensionDevelopmentPath)]);
    if (options.extensionTestsPath) payload.push(['extensionTestsPath', this.remoteUri(options.extensionTestsPath)]);
    if (payload.length) params.set('payload', JSON.stringify(payload));
    return `http://127.0.0.1:${this.port}/?${params.toString()}`;
  }

  logTail(lines = 40): string {
    try {
      // Minified stack traces print whole source lines: cut every line short.
      return fs
        .readFileSync(this.sandbox.codeServerLog, 'utf8')
        .trimEnd()
        .split('\n')
        .filter((line) => line.trim())
        .slice(-lines)
        .map((line) => (line.length > 300 ? `${line.slice(0, 300)} …` : line))
        .join('\n');
    } catch {
      return '(no code-server log)';
    }
  }

  /** Kills the whole process group: TERM, then KILL after a grace period. */
  async stop(): Promise<void> {
    const pgid = this.child.pid;
    if (pgid === undefined || !liveGroups.has(pgid)) return;
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {
      // already gone
    }
    const deadline = Date.now() + 5_000;
    while (groupAlive(pgid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (groupAlive(pgid)) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    liveGroups.delete(pgid);
  }
}

/** Debian's Chromium, headless, with the flags from the notes. */
export async function launchBrowser(sandbox: Sandbox, profileName = 'default'): Promise<BrowserContext> {
  const profile = path.join(sandbox.browserProfile, profileName);
  fs.mkdirSync(profile, { recursive: true });
  return chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    // Chromium's crash reporter writes to $XDG_CONFIG_HOME/chromium; keep that out of the home folder too.
    env: { ...process.env, XDG_CONFIG_HOME: path.join(sandbox.dir, 'xdg', 'config'), XDG_CACHE_HOME: path.join(sandbox.dir, 'xdg', 'cache') } as Record<string, string>,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Noise the notes say to ignore in the browser console. */
export function isConsoleNoise(text: string): boolean {
  return /vsda|marketplace|gallery|Content Security Policy|Failed to load resource: the server responded with a status of 404/i.test(text);
}
