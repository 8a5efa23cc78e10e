import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The bundle the `citewise` bin points at; tests run it as users do. */
export const cliPath = path.resolve(__dirname, '..', '..', '..', 'cli.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    encoding: 'utf8',
    // Each run gets its own cache, so one test's index never answers for another's corpus.
    env: { ...process.env, NO_COLOR: '', CITEWISE_CACHE_DIR: path.join(cwd, '.citewise-cache'), ...env },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function assertBundleBuilt(): void {
  if (!fs.existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`node esbuild.mjs\` before the CLI tests.`);
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'citewise-'));
}

/**
 * A small corpus whose every source gets its metadata from a different place, and one broken file.
 * Line numbers in comments of the tests refer to these texts; keep them in step.
 */
export const corpusFiles: Record<string, string> = {
  'corpus/asylos-2023.md': [
    '---',
    'title: Albania Country Report',
    'date: 2023-05-10',
    'language: en',
    '---',
    '# Albania: blood feuds and state protection',
    '',
    'The ministry confirmed that blood feuds remain a serious concern in northern Albania.',
    'Families in Shkodër still live in self-confinement because of them.',
    '',
  ].join('\n'),
  'corpus/notes.txt': ['Field notes from Shkodër', '', 'Interviewees described how mediation committees settle disputes between families.', ''].join('\n'),
  'corpus/broken.md': ['---', 'title: Broken dates', 'date: 2023-02-30', '---', 'Some text about nothing in particular.', ''].join('\n'),
  'corpus/corpus.yaml': [
    'sources:',
    '  - file: asylos-2023.md',
    '    author: Hoxha, Arta',
    '    publisher: Asylos',
    '  - key: unhcr-2022',
    '    title: Global Trends Report',
    '    author: UNHCR',
    '    date: 2022-06-16',
    '    type: report',
    '',
  ].join('\n'),
  'corpus/refs.bib': ['@article{doe-2021,', '  author = {Doe, Jane},', '  title = {Feuds and the Law},', '  journal = {Balkan Law Review},', '  year = {2021}', '}', ''].join('\n'),
};

/** Line 5 cites a key no source has: `@nosuch` starts at 0-based character 6 ("See [@" is six characters). */
export const reportWithUnknownKey = [
  '---',
  'citewise:',
  '  corpus: corpus',
  '---',
  'See [@nosuch, p. 3] for details.',
  '',
  'The ministry confirmed that “blood feuds remain a serious concern” [@asylos-2023, p. 2].',
  '',
].join('\n');

export const cleanReport = [
  '---',
  'citewise:',
  '  corpus: corpus',
  '---',
  'The ministry confirmed that “blood feuds remain a serious concern” [@asylos-2023, p. 2].',
  '',
].join('\n');

/** A workspace with the corpus, a report with an unknown key and a clean one. */
export function makeWorkspace(extra: Record<string, string> = {}): string {
  const root = makeTempDir();
  writeFiles(root, { ...corpusFiles, 'report.md': reportWithUnknownKey, 'clean.md': cleanReport, ...extra });
  return root;
}
