import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { parseMarkdown } from '../../src/core/report/markdown';
import { defaultSkipSections } from '../../src/core/metadata/schema';
import {
  defaultQuoteMinWords,
  findWorkspaceSettingsFile,
  mergeSettings,
  readReportSettings,
  readSettingsFile,
  type DeclaredSettings,
} from '../../src/core/settings/settings';
import { removeTrees, writeTree } from '../support/temp-tree';

const workspace = path.resolve('/work/space');
const workspaceFile = path.join(workspace, 'citewise.yaml');
const reportFile = path.join(workspace, 'reports', 'albania.md');

function reportSettings(markdown: string, file = reportFile): DeclaredSettings {
  return readReportSettings(file, parseMarkdown(markdown).frontMatter);
}

describe('settings', () => {
  after(() => removeTrees());

  describe('readSettingsFile (citewise.yaml)', () => {
    it('reads every setting, resolving corpus paths against the file\'s folder', () => {
      const declared = readSettingsFile(
        workspaceFile,
        [
          'corpus:',
          '  - sources',
          '  - ../shared/corpus',
          'timeframe:',
          '  from: 2022-01',
          '  to: 2023',
          '  languages:',
          '    SQ:',
          '      from: 2022-06-01',
          '      to: 2022-12',
          'rules:',
          '  quote-uncited: warning',
          '  source-undated: off',
          'skipSections: [Methods, Annex]',
          'quoteMinWords: 3',
          '',
        ].join('\n'),
      );
      assert.deepEqual(declared, {
        file: workspaceFile,
        settings: {
          corpus: [path.join(workspace, 'sources'), path.resolve(workspace, '../shared/corpus')],
          timeframe: { from: '2022-01', to: '2023', languages: { sq: { from: '2022-06-01', to: '2022-12' } } },
          rules: { 'quote-uncited': 'warning', 'source-undated': 'off' },
          skipSections: ['Methods', 'Annex'],
          quoteMinWords: 3,
        },
        problems: [],
        corpusLine: 1,
      });
    });

    it('accepts a single corpus path', () => {
      const declared = readSettingsFile(workspaceFile, 'corpus: ./corpus\n');
      assert.deepEqual(declared.settings, { corpus: [path.join(workspace, 'corpus')] });
      assert.deepEqual(declared.problems, []);
    });

    it('reports each invalid value at its line and keeps the valid settings, rule by rule', () => {
      const declared = readSettingsFile(
        workspaceFile,
        [
          'corpus: sources', // 1
          'timeframe:', // 2
          '  from: 2022-02-30', // 3
          'rules:', // 4
          '  quote-uncited: warning', // 5
          '  unknown-source: fatal', // 6
          '  no-such-rule: error', // 7
          '  source-undated: off', // 8
          'skipSections: Methods', // 9
          'quoteMinWords: 0', // 10
          'colour: blue', // 11
          '',
        ].join('\n'),
      );
      assert.deepEqual(declared.settings, {
        corpus: [path.join(workspace, 'sources')],
        rules: { 'quote-uncited': 'warning', 'source-undated': 'off' },
      });
      assert.deepEqual(declared.problems, [
        { file: workspaceFile, line: 3, message: 'Invalid setting timeframe.from: no such date in the calendar.' },
        { file: workspaceFile, line: 6, message: 'Invalid setting rules.unknown-source: "fatal" is not one of error, warning, info, hint, off.' },
        {
          file: workspaceFile,
          line: 7,
          message:
            'Unknown rule "no-such-rule"; known rules are unknown-source, quote-uncited, quote-outside-timeframe, source-undated, source-date-uncertain, quote-not-in-source, locator-mismatch, reference-unresolved, uncited-claim, corpus-problem, invalid-settings.',
        },
        { file: workspaceFile, line: 9, message: 'Invalid setting skipSections: Invalid input: expected array, received string.' },
        { file: workspaceFile, line: 10, message: 'Invalid setting quoteMinWords: Too small: expected number to be >=1.' },
        {
          file: workspaceFile,
          line: 11,
          message: 'Unknown setting "colour"; known settings are corpus, timeframe, rules, skipSections, quoteMinWords, citationStyle.',
        },
      ]);
    });

    it('reports a time frame that ends before it starts, and a bad date in a language window, at their lines', () => {
      const declared = readSettingsFile(
        workspaceFile,
        ['timeframe:', '  from: 2023-05', '  to: 2022', '  languages:', '    en:', '      to: 2021-13', '    sq:', '      from: 21.09.2022', ''].join('\n'),
      );
      assert.deepEqual(declared.settings, {});
      assert.deepEqual(declared.problems, [
        {
          file: workspaceFile,
          line: 6,
          message: 'Invalid setting timeframe.languages.en.to: no such date in the calendar.',
        },
        {
          file: workspaceFile,
          line: 8,
          message: 'Invalid setting timeframe.languages.sq.from: expected a date written YYYY, YYYY-MM or YYYY-MM-DD.',
        },
        { file: workspaceFile, line: 1, message: 'Invalid setting timeframe: `from` must not be later than `to`.' },
      ]);
    });

    it('reports settings of the wrong shape', () => {
      const declared = readSettingsFile(workspaceFile, 'rules: [quote-uncited]\ncorpus: ""\n');
      assert.deepEqual(declared.settings, {});
      assert.deepEqual(declared.problems, [
        { file: workspaceFile, line: 1, message: 'Invalid setting rules: Invalid input: expected record, received array.' },
        { file: workspaceFile, line: 2, message: 'Invalid setting corpus: Too small: expected string to have >=1 characters.' },
      ]);
      assert.deepEqual(readSettingsFile(workspaceFile, '- corpus\n').problems, [
        { file: workspaceFile, line: 1, message: 'Citewise settings must be a mapping such as `corpus: sources`.' },
      ]);
    });

    it('reports invalid YAML at its line', () => {
      const declared = readSettingsFile(workspaceFile, 'corpus: sources\nquoteMinWords: 3\nquoteMinWords: 4\n');
      assert.deepEqual(declared.settings, {});
      assert.deepEqual(declared.problems, [{ file: workspaceFile, line: 3, message: 'Invalid YAML: Map keys must be unique' }]);
    });

    it('treats an empty file as no settings', () => {
      assert.deepEqual(readSettingsFile(workspaceFile, '# nothing yet\n'), { file: workspaceFile, settings: {}, problems: [] });
    });
  });

  describe('readReportSettings (front matter)', () => {
    it('reads the `citewise:` block, with lines counted in the report and corpus paths relative to it', () => {
      const declared = reportSettings(
        [
          '---', // 1
          'title: Albania 2023', // 2
          'citewise:', // 3
          '  corpus: [../corpus, /abs/corpus]', // 4
          '  rules:', // 5
          '    quote-uncited: error', // 6
          '    uncited-claim: hint', // 7
          '  quoteMinWords: zero', // 8
          '  timeframe:', // 9
          '    from: 2023-01-01', // 10
          '---',
          '# Albania',
          '',
        ].join('\n'),
      );
      assert.deepEqual(declared, {
        file: reportFile,
        settings: {
          corpus: [path.join(workspace, 'corpus'), path.resolve('/abs/corpus')],
          rules: { 'quote-uncited': 'error', 'uncited-claim': 'hint' },
          timeframe: { from: '2023-01-01' },
        },
        problems: [{ file: reportFile, line: 8, message: 'Invalid setting quoteMinWords: Invalid input: expected number, received string.' }],
        corpusLine: 4,
      });
    });

    it('reports unknown settings and a misspelt rule at their lines in the report', () => {
      const declared = reportSettings('---\ncitewise:\n  rules:\n    quote-uncitd: off\n  skip: [Annex]\n---\n');
      assert.deepEqual(declared.settings, { rules: {} });
      assert.deepEqual(
        declared.problems.map((problem) => [problem.line, problem.message.split(';')[0]]),
        [
          [4, 'Unknown rule "quote-uncitd"'],
          [5, 'Unknown setting "skip"'],
        ],
      );
    });

    it('has nothing to say about a report without front matter or without a `citewise:` block', () => {
      assert.deepEqual(reportSettings('# Just a report\n'), { file: reportFile, settings: {}, problems: [] });
      assert.deepEqual(reportSettings('---\ntitle: Plain\n---\n# Report\n'), { file: reportFile, settings: {}, problems: [] });
    });

    it('reports a `citewise:` value that is not a mapping at its line', () => {
      assert.deepEqual(reportSettings('---\ntitle: T\ncitewise: sources\n---\n').problems, [
        { file: reportFile, line: 3, message: 'Citewise settings must be a mapping such as `corpus: sources`.' },
      ]);
    });

    it('reports invalid YAML front matter at the line that holds the mistake', () => {
      const declared = reportSettings('---\ntitle: T\ncitewise:\n  corpus: "unclosed\n---\n# Report\n');
      assert.deepEqual(declared, {
        file: reportFile,
        settings: {},
        problems: [{ file: reportFile, line: 4, message: 'Invalid YAML front matter: Missing closing "quote' }],
      });
    });
  });

  describe('mergeSettings', () => {
    it('falls back to the defaults', () => {
      assert.deepEqual(mergeSettings(), {
        corpus: [],
        rules: {},
        skipSections: defaultSkipSections,
        quoteMinWords: defaultQuoteMinWords,
        citationStyle: 'pandoc',
        problems: [],
      });
      assert.equal(defaultQuoteMinWords, 5);
    });

    it('lets the report override the workspace, merging rules rule by rule and keeping every problem', () => {
      const fromWorkspace = readSettingsFile(
        workspaceFile,
        [
          'corpus: sources',
          'timeframe: {from: 2020, to: 2021}',
          'rules: {quote-uncited: warning, source-undated: off}',
          'skipSections: [Methods]',
          'quoteMinWords: 3',
          'bogus: 1',
          '',
        ].join('\n'),
      );
      const fromReport = reportSettings(
        '---\ncitewise:\n  corpus: ../own-corpus\n  timeframe: {from: 2022-06}\n  rules: {quote-uncited: error, uncited-claim: info}\n  quoteMinWords: -1\n---\n',
      );
      const effective = mergeSettings(fromWorkspace, fromReport);
      assert.deepEqual(effective, {
        corpus: [path.join(workspace, 'own-corpus')],
        timeframe: { from: '2022-06' },
        rules: { 'quote-uncited': 'error', 'source-undated': 'off', 'uncited-claim': 'info' },
        skipSections: ['Methods'],
        quoteMinWords: 3,
        citationStyle: 'pandoc',
        problems: [
          {
            file: workspaceFile,
            line: 6,
            message: 'Unknown setting "bogus"; known settings are corpus, timeframe, rules, skipSections, quoteMinWords, citationStyle.',
          },
          { file: reportFile, line: 6, message: 'Invalid setting quoteMinWords: Too small: expected number to be >=1.' },
        ],
      });
      // The workspace's layer is left as it was.
      assert.deepEqual(fromWorkspace.settings.rules, { 'quote-uncited': 'warning', 'source-undated': 'off' });
    });

    it('keeps workspace settings the report does not mention', () => {
      const fromWorkspace = readSettingsFile(workspaceFile, 'corpus: [a, b]\ntimeframe: {to: 2023-06}\n');
      const effective = mergeSettings(fromWorkspace, reportSettings('---\ncitewise:\n  skipSections: []\n---\n'));
      assert.deepEqual(effective.corpus, [path.join(workspace, 'a'), path.join(workspace, 'b')]);
      assert.deepEqual(effective.timeframe, { to: '2023-06' });
      assert.deepEqual(effective.skipSections, []);
      assert.equal(effective.quoteMinWords, defaultQuoteMinWords);
    });
  });

  describe('findWorkspaceSettingsFile', () => {
    it('finds the nearest citewise.yaml at or above a folder, and stops where told', async () => {
      const root = writeTree({
        'citewise.yaml': 'corpus: corpus\n',
        'project/citewise.yaml': 'corpus: ../corpus\n',
        'project/reports/2023/report.md': '# Report\n',
        'other/reports/report.md': '# Report\n',
      });
      assert.equal(await findWorkspaceSettingsFile(path.join(root, 'project', 'reports', '2023')), path.join(root, 'project', 'citewise.yaml'));
      assert.equal(await findWorkspaceSettingsFile(path.join(root, 'project')), path.join(root, 'project', 'citewise.yaml'));
      assert.equal(await findWorkspaceSettingsFile(path.join(root, 'other', 'reports')), path.join(root, 'citewise.yaml'));
      assert.equal(await findWorkspaceSettingsFile(path.join(root, 'other', 'reports'), path.join(root, 'other')), undefined);
    });
  });
});
