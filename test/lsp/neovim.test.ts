/**
 * A second, real LSP client: Debian's Neovim (0.7) headless, its built-in client and no plugins, opens a
 * copy of the fixture workspace and asks `citewise lsp --stdio` for diagnostics, hover, definition and
 * completion after `[@` (see neovim-drive.lua). Skipped, saying so, where `nvim` is not installed.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repository } from './lsp-client';

const neovim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const neovimVersion = neovim.status === 0 ? neovim.stdout.split('\n')[0] : undefined;

interface DriveResult {
  initialized?: boolean;
  diagnostics_arrived?: boolean;
  diagnostics?: { code: string; line: number; message: string }[];
  hover?: string;
  definition?: string[];
  completion?: string[];
  error?: string;
}

describe(`Neovim's built-in LSP client (${neovimVersion ?? 'nvim not installed'})`, function () {
  this.timeout(90_000);
  let result: DriveResult;
  let workspace: string;

  before(async function () {
    if (!neovimVersion) {
      process.stdout.write('    Neovim (nvim) is not installed: the Neovim client test is skipped. Install it with apt-get install neovim.\n');
      this.skip();
    }
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'citewise-nvim-'));
    fs.cpSync(path.join(repository, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
    const resultFile = path.join(workspace, '..', `${path.basename(workspace)}-result.json`);
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'citewise-nvim-cache-'));
    const drive = path.join(repository, 'test', 'lsp', 'neovim-drive.lua');
    const log: string[] = [];
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-c', `luafile ${drive}`], {
        env: { ...process.env, CITEWISE_NVIM_CLI: path.join(repository, 'out', 'cli.js'), CITEWISE_NVIM_WORKSPACE: workspace, CITEWISE_NVIM_RESULT: resultFile, CITEWISE_CACHE_DIR: cache, XDG_STATE_HOME: cache, XDG_DATA_HOME: cache },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => log.push(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => log.push(chunk.toString()));
      const timer = setTimeout(() => child.kill(), 80_000);
      child.on('close', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    assert.ok(fs.existsSync(resultFile), `Neovim (exit code ${code}) wrote no result; its output: ${log.join('').slice(-2000)}`);
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as DriveResult;
    fs.rmSync(resultFile, { force: true });
    fs.rmSync(cache, { recursive: true, force: true });
    assert.equal(result.error, undefined, `the Lua driver failed: ${result.error}`);
  });

  after(() => {
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('starts the server and receives the diagnostics it pushes, with rule ids as codes', () => {
    assert.equal(result.initialized, true);
    assert.equal(result.diagnostics_arrived, true);
    const unknown = result.diagnostics!.filter((diagnostic) => diagnostic.code === 'unknown-source');
    assert.equal(unknown.length, 1, JSON.stringify(result.diagnostics));
    assert.match(unknown[0].message, /@missing-key/);
    assert.ok(result.diagnostics!.some((diagnostic) => diagnostic.code === 'quote-not-in-source'));
  });

  it('shows a hover with the source’s title', () => {
    assert.match((result.hover ?? '').replace(/\\(.)/g, '$1'), /Monitoring Visits to Shelters for Victims of Trafficking/);
  });

  it('goes to the cited source', () => {
    assert.deepEqual(result.definition!.map((uri) => path.basename(fileURLToPath(uri))), ['drita-shelters-2022.md']);
  });

  it('completes every key after [@ typed in the buffer', () => {
    assert.deepEqual([...result.completion!].sort(), ['case-worker-interview-2021', 'drita-shelters-2022', 'ombudsman-monitoring-2023']);
  });
});
