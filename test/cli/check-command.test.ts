import { strict as assert } from 'node:assert';
import type { JsonFinding } from '../../src/cli/check-command';
import { ruleIds } from '../../src/core/metadata/schema';
import { assertBundleBuilt, makeWorkspace, runCli, writeFiles } from './fixture';


function findingsOf(stdout: string): JsonFinding[] {
  const parsed = JSON.parse(stdout) as { findings: JsonFinding[] };
  assert.deepEqual(Object.keys(parsed), ['findings']);
  return parsed.findings;
}

describe('citewise check', () => {
  before(assertBundleBuilt);

  describe('--format json', () => {
    it('reports an unknown key with 1-based positions of the key itself', () => {
      const root = makeWorkspace();
      const result = runCli(root, ['check', 'report.md', '--format', 'json']);
      const unknown = findingsOf(result.stdout).filter((finding) => finding.rule === 'unknown-source');
      // Line 5 is "See [@nosuch, p. 3] for details."; "See [@" is six characters, so the key spans columns 7–12.
      assert.deepEqual(unknown, [
        {
          file: 'report.md',
          line: 5,
          column: 7,
          endLine: 5,
          endColumn: 13,
          rule: 'unknown-source',
          severity: 'error',
          message: unknown[0]?.message,
          source: 'nosuch',
        },
      ]);
      assert.match(unknown[0].message, /^Unknown source @nosuch/);
      assert.equal(result.status, 1);
    });

    it('gives every finding exactly the documented fields', () => {
      const root = makeWorkspace();
      const findings = findingsOf(runCli(root, ['check', 'report.md', '--format', 'json']).stdout);
      assert.ok(findings.length >= 2);
      for (const finding of findings) {
        const keys = Object.keys(finding).sort();
        const expected = ['column', 'endColumn', 'endLine', 'file', 'line', 'message', 'rule', 'severity'];
        assert.deepEqual(keys, finding.source === undefined ? expected : [...expected, 'source'].sort());
        assert.ok(finding.line >= 1 && finding.column >= 1, 'positions are 1-based');
        assert.ok(!finding.file.startsWith('/'), 'files are relative to the cwd');
      }
    });

    it('includes corpus problems once, even when several reports share the corpus', () => {
      const root = makeWorkspace();
      const findings = findingsOf(runCli(root, ['check', 'report.md', 'clean.md', '--format', 'json']).stdout);
      const problems = findings.filter((finding) => finding.rule === 'corpus-problem');
      // broken.md line 3 is "date: 2023-02-30".
      assert.deepEqual(
        problems.map(({ file, line, column, severity }) => ({ file, line, column, severity })),
        [{ file: 'corpus/broken.md', line: 3, column: 1, severity: 'warning' }],
      );
      assert.match(problems[0].message, /2023-02-30/);
    });

    it('takes the severity of corpus problems from the report settings', () => {
      const root = makeWorkspace({
        'strict.md': ['---', 'citewise:', '  corpus: corpus', '  rules:', '    corpus-problem: error', '---', 'Nothing to cite here.', ''].join('\n'),
        'lenient.md': ['---', 'citewise:', '  corpus: corpus', '  rules:', '    corpus-problem: "off"', '---', 'Nothing to cite here.', ''].join('\n'),
      });
      const strict = runCli(root, ['check', 'strict.md', '--format', 'json']);
      assert.deepEqual(
        findingsOf(strict.stdout).map((finding) => [finding.rule, finding.severity]),
        [['corpus-problem', 'error']],
      );
      assert.equal(strict.status, 1);
      const lenient = runCli(root, ['check', 'lenient.md', '--format', 'json']);
      assert.deepEqual(findingsOf(lenient.stdout), []);
      assert.equal(lenient.status, 0);
    });
  });

  describe('--format text', () => {
    it('prints file:line:col severity rule message and a summary, without colour in a pipe', () => {
      const root = makeWorkspace();
      const result = runCli(root, ['check', 'report.md'], { NO_COLOR: undefined });
      const lines = result.stdout.trimEnd().split('\n');
      assert.match(lines[0], /^report\.md:5:7 error unknown-source Unknown source @nosuch/);
      assert.ok(lines.includes('corpus/broken.md:3:1 warning corpus-problem Invalid date "2023-02-30": no such date in the calendar.'), result.stdout);
      assert.equal(lines[lines.length - 1], '1 error, 1 warning, 0 info in 1 report');
      assert.ok(!result.stdout.includes('\u001b['), 'no ANSI escapes when stdout is not a terminal');
      assert.equal(result.status, 1);
    });

    it('exits 0 when the findings are only warnings', () => {
      const root = makeWorkspace();
      const result = runCli(root, ['check', 'clean.md']);
      assert.equal(result.stdout, 'corpus/broken.md:3:1 warning corpus-problem Invalid date "2023-02-30": no such date in the calendar.\n0 errors, 1 warning, 0 info in 1 report\n');
      assert.equal(result.status, 0);
    });

    it('counts every report in the summary', () => {
      const root = makeWorkspace();
      const result = runCli(root, ['check', 'clean.md', 'report.md']);
      assert.match(result.stdout, /\n1 error, 1 warning, 0 info in 2 reports\n$/);
    });
  });

  describe('--format sarif', () => {
    it('writes a valid SARIF 2.1.0 log with every rule and 1-based regions', () => {
      const root = makeWorkspace({
        'info.md': ['---', 'citewise:', '  corpus: corpus', '  rules:', '    unknown-source: info', '---', 'See [@nosuch].', ''].join('\n'),
      });
      const result = runCli(root, ['check', 'report.md', 'info.md', '--format', 'sarif']);
      const log = JSON.parse(result.stdout);
      assert.equal(log.version, '2.1.0');
      assert.match(log.$schema, /sarif-2\.1\.0/);
      assert.equal(log.runs.length, 1);
      const run = log.runs[0];
      assert.equal(run.tool.driver.name, 'citewise');
      assert.deepEqual(
        run.tool.driver.rules.map((rule: { id: string }) => rule.id),
        [...ruleIds],
      );
      for (const rule of run.tool.driver.rules) assert.equal(typeof rule.shortDescription.text, 'string');

      const summary = run.results.map((item: any) => {
        const location = item.locations[0].physicalLocation;
        return [item.ruleId, item.level, location.artifactLocation.uri, location.region.startLine, location.region.startColumn, location.region.endLine, location.region.endColumn];
      });
      assert.deepEqual(summary, [
        ['unknown-source', 'error', 'report.md', 5, 7, 5, 13],
        // "See [@" again: the key starts at column 7 of line 7, and an info finding is a SARIF note.
        ['unknown-source', 'note', 'info.md', 7, 7, 7, 13],
        ['corpus-problem', 'warning', 'corpus/broken.md', 3, 1, 4, 1],
      ]);
      for (const item of run.results) {
        assert.equal(typeof item.message.text, 'string');
        assert.equal(item.locations[0].physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
        assert.equal(run.tool.driver.rules[item.ruleIndex].id, item.ruleId);
      }
      assert.equal(result.status, 1);
    });
  });

  describe('--corpus', () => {
    const files = {
      'first/alpha.md': '# Alpha\n\nThe alpha source.\n',
      'second/beta.md': '# Beta\n\nThe beta source.\n',
      'both.md': 'Alpha agrees [@alpha] and so does beta [@beta].\n',
    };

    it('may be repeated, and the folders together form the corpus', () => {
      const root = makeWorkspace();
      writeFiles(root, files);
      const result = runCli(root, ['check', 'both.md', '--corpus', 'first', '--corpus', 'second', '--format', 'json']);
      assert.deepEqual(findingsOf(result.stdout), []);
      assert.equal(result.status, 0);
    });

    it('overrides the corpus the report declares', () => {
      const root = makeWorkspace();
      writeFiles(root, files);
      const result = runCli(root, ['check', 'both.md', 'report.md', '--corpus', 'first', '--format', 'json']);
      const unknown = findingsOf(result.stdout).filter((finding) => finding.rule === 'unknown-source');
      // report.md declares corpus/, which has asylos-2023; with --corpus first it is unknown too.
      assert.deepEqual(
        unknown.map((finding) => [finding.file, finding.source]),
        [
          ['both.md', 'beta'],
          ['report.md', 'nosuch'],
          ['report.md', 'asylos-2023'],
        ],
      );
      assert.ok(!findingsOf(result.stdout).some((finding) => finding.rule === 'corpus-problem'), 'corpus/ was not loaded');
    });
  });

  describe('usage errors exit 2', () => {
    const cases: [string, string[], RegExp][] = [
      ['an unknown option', ['check', 'report.md', '--bogus'], /--bogus/],
      ['no report', ['check'], /No report given/],
      ['a missing report', ['check', 'missing.md'], /missing\.md/],
      ['a report that is not Markdown', ['check', 'corpus/notes.txt'], /notes\.txt: not a Markdown report/],
      ['a bad --format', ['check', 'report.md', '--format', 'xml'], /"xml"/],
      ['a --corpus that does not exist', ['check', 'report.md', '--corpus', 'nowhere'], /nowhere/],
    ];
    for (const [what, args, message] of cases) {
      it(`on ${what}`, () => {
        const result = runCli(makeWorkspace(), args);
        assert.equal(result.status, 2);
        assert.equal(result.stdout, '');
        assert.match(result.stderr, message);
        assert.match(result.stderr, /citewise check --help/);
      });
    }

    it('on a report that is binary', () => {
      const root = makeWorkspace({ 'binary.md': 'PK\u0000\u0003\u0004' });
      const result = runCli(root, ['check', 'binary.md']);
      assert.equal(result.status, 2);
      assert.match(result.stderr, /binary\.md/);
    });
  });
});
