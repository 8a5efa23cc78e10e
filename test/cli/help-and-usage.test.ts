import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertBundleBuilt, cliPath, makeTempDir, runCli } from './fixture';

describe('citewise help, version and usage errors', () => {
  before(assertBundleBuilt);

  it('--help lists every command and exits 0', () => {
    const result = runCli(makeTempDir(), ['--help']);
    assert.equal(result.status, 0);
    for (const command of ['check', 'sources', 'search', 'bib']) assert.match(result.stdout, new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('COMMAND --help shows that command’s options', () => {
    const expectations: [string, RegExp][] = [
      ['check', /--format text\|json\|sarif/],
      ['sources', /--format text\|json/],
      ['search', /--limit N/],
      ['bib', /csl-json/],
    ];
    for (const [command, pattern] of expectations) {
      const result = runCli(makeTempDir(), [command, '--help']);
      assert.equal(result.status, 0, command);
      assert.match(result.stdout, new RegExp(`^Usage: citewise ${command}`), command);
      assert.match(result.stdout, pattern, command);
    }
  });

  it('--version prints the version of the package beside the bundle', () => {
    const packageJson = JSON.parse(fs.readFileSync(path.join(path.dirname(cliPath), '..', 'package.json'), 'utf8')) as { version: string };
    const result = runCli(makeTempDir(), ['--version']);
    assert.equal(result.status, 0);
    assert.equal(result.stdout, `${packageJson.version}\n`);
  });

  it('exits 2 with a hint to --help for an unknown command or no command', () => {
    for (const args of [['frobnicate'], [], ['--bogus', 'check']]) {
      const result = runCli(makeTempDir(), args);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, /^citewise: .+\nRun `citewise --help` for usage\.\n$/, args.join(' '));
    }
  });
});
