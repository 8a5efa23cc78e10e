import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { checkReport, type Finding } from '../../src/core/checks/checks';
import { loadCorpus, type CheckableCorpus, type Corpus } from '../../src/core/corpus/corpus';
import { mergeSettings, type EffectiveSettings } from '../../src/core/settings/settings';
import type { ReportSettings } from '../../src/core/metadata/schema';
import { CitewiseWorkspace } from '../../src/core/corpus/workspace';
import { removeTrees, writeTree } from '../support/temp-tree';

const familySource = [
  '# Families and migration',
  '',
  '21 September 2022',
  '',
  'The decision to migrate is rarely an individual one; rather, it is often a collective decision where',
  'parents, siblings, and extended family members play a crucial role. Familial pressure is a pri-',
  'mary driver of migration for many Albanians.',
].join('\n');

const corpusFiles = {
  'corpus/family-study.md': familySource,
  'corpus/old-report.md': '---\ntitle: Old report\ndate: 2019-05\n---\nThe state offered shelters to all returning victims in every region.\n',
  'corpus/undated-notes.md': '# Notes\n\nOfficials said the shelters were full most of the year.\n',
  'corpus/year-only.md': '# Annual review\n\nMinistry of Interior\n\n2022\n\nShelters reopened in the northern regions after the reform.\n',
  'corpus/albanian-news.md': '---\nlanguage: sq\ndate: 2023-09-01\n---\nQeveria njoftoi një plan të ri për viktimat e trafikimit.\n',
};

let corpus: Corpus;
let root: string;

function settings(declared: ReportSettings = {}): EffectiveSettings {
  return mergeSettings({ file: path.join(root, 'report.md'), settings: declared, problems: [] });
}

function check(report: string, declared: ReportSettings = {}): Finding[] {
  return checkReport(path.join(root, 'report.md'), report, { corpus, settings: settings(declared) }).findings;
}

function rulesOf(findings: Finding[]): string[] {
  return findings.map((finding) => finding.rule);
}

const frame: ReportSettings = { timeframe: { from: '2021-03-31', to: '2023-12-06', languages: { sq: { from: '2021-03-31', to: '2023-06-15' } } } };

describe('checks', () => {
  before(async () => {
    root = writeTree(corpusFiles);
    corpus = await loadCorpus(path.join(root, 'corpus'));
    assert.deepEqual(corpus.problems, []);
  });
  after(removeTrees);

  describe('unknown-source', () => {
    it('flags a key that is not in the corpus, on the key itself, and suggests the closest keys', () => {
      const report = 'Families decide [@family-studdy, p. 3].';
      const [finding] = check(report);
      assert.equal(finding.rule, 'unknown-source');
      assert.equal(finding.severity, 'error');
      assert.deepEqual(finding.range, { start: { line: 0, character: 18 }, end: { line: 0, character: 31 } });
      assert.match(finding.message, /@family-studdy/);
      assert.match(finding.message, /Did you mean @family-study/);
      assert.deepEqual(finding.fix, { kind: 'replace-key', keys: ['family-study'] });
    });

    it('accepts keys that are in the corpus', () => {
      assert.deepEqual(check('Families decide [@family-study].'), []);
    });
  });

  describe('quote-uncited', () => {
    it('flags a quote of five words or more with no citation', () => {
      const findings = check('Researchers wrote that “the decision to migrate is rarely an individual one”.');
      assert.deepEqual(rulesOf(findings), ['quote-uncited']);
      assert.equal(findings[0].range.start.character, 23);
    });

    it('leaves short quotes alone and respects quoteMinWords', () => {
      assert.deepEqual(check('They call it a “collective decision” here.'), []);
      assert.deepEqual(rulesOf(check('They call it a “collective decision” here.', { quoteMinWords: 2 })), ['quote-uncited']);
    });
  });

  describe('quote-not-in-source', () => {
    it('accepts a faithful quote across the source’s hyphenation and wrapping', () => {
      assert.deepEqual(check('“Familial pressure is a primary driver of migration for many Albanians” [@family-study].'), []);
    });

    it('flags an altered quote, naming the closest passage, its line and similarity', () => {
      const findings = check('“Familial pressure is a secondary driver of migration for many Albanians” [@family-study].');
      assert.deepEqual(rulesOf(findings), ['quote-not-in-source']);
      const message = findings[0].message;
      assert.match(message, /closest passage \(line 6, 90% similar\)/);
      assert.match(message, /“secondary” where the source has “primary”/);
      assert.equal(findings[0].source, 'family-study');
    });

    it('accepts the quote when any source in the citation group contains it', () => {
      assert.deepEqual(check('“play a crucial role” [@old-report; @family-study].'), []);
    });

    it('flags words the source does not contain at all', () => {
      const findings = check('“Shelters reopened in every northern district last spring” [@family-study].');
      assert.deepEqual(rulesOf(findings), ['quote-not-in-source']);
      assert.match(findings[0].message, /not in @family-study/);
    });
  });

  describe('time frame', () => {
    it('flags a quote whose source is dated before the frame (a partial date counts by its whole range)', () => {
      const findings = check('“offered shelters to all returning victims” [@old-report].', frame);
      assert.deepEqual(rulesOf(findings), ['quote-outside-timeframe']);
      assert.match(findings[0].message, /@old-report is dated 2019-05, outside the research time frame \(2021-03-31 – 2023-12-06\)/);
    });

    it('uses the language’s own frame where one is declared', () => {
      const findings = check('“Qeveria njoftoi një plan të ri” [@albanian-news].', frame);
      assert.deepEqual(rulesOf(findings), ['quote-outside-timeframe']);
      assert.match(findings[0].message, /for sq sources \(2021-03-31 – 2023-06-15\)/);
      // Without the Albanian frame the same source is inside the general one.
      assert.deepEqual(check('“Qeveria njoftoi një plan të ri” [@albanian-news].', { timeframe: { from: '2021-03-31', to: '2023-12-06' } }), []);
    });

    it('treats a partial date overlapping the frame as inside', () => {
      const findings = check('“offered shelters to all returning victims” [@old-report].', { timeframe: { from: '2019-05-20', to: '2020-01-01' } });
      assert.deepEqual(findings, []);
    });

    it('says when a time-frame verdict rests on a low-confidence inferred date, naming the line and cue', () => {
      const report = '“Shelters reopened in the northern regions” [@year-only].';
      const findings = check(report, frame);
      assert.deepEqual(rulesOf(findings), ['source-date-uncertain']);
      assert.equal(findings[0].severity, 'info');
      assert.match(findings[0].message, /@year-only is dated 2022 only from year alone on a line \(line 5 of year-only\.md\)/);
      const outside = check(report, { timeframe: { from: '2023-01-01', to: '2023-12-06' } });
      assert.deepEqual(rulesOf(outside), ['source-date-uncertain', 'quote-outside-timeframe']);
      // A date read from a strong cue, or written down by the author, is not questioned.
      assert.deepEqual(check('“collective decision where parents, siblings, and extended family members play a crucial role” [@family-study].', frame), []);
      assert.deepEqual(check(report), []);
    });

    it('reports an undated quoted source as info when a frame is declared, and not otherwise', () => {
      const report = '“the shelters were full most of the year” [@undated-notes].';
      const findings = check(report, frame);
      assert.deepEqual(rulesOf(findings), ['source-undated']);
      assert.equal(findings[0].severity, 'info');
      assert.deepEqual(check(report), []);
    });
  });

  describe('uncited-claim', () => {
    it('flags sentences with figures, percentages, dates or reported speech and no citation', () => {
      const report = [
        'Returns rose by 43% last year.',
        '',
        'Some 1,200 victims were identified.',
        '',
        'The law changed in 2021.',
        '',
        'According to officials, shelters are full.',
        '',
        'Families matter a great deal.',
      ].join('\n');
      const findings = check(report);
      assert.deepEqual(rulesOf(findings), ['uncited-claim', 'uncited-claim', 'uncited-claim', 'uncited-claim']);
      assert.deepEqual(
        findings.map((finding) => finding.range.start.line),
        [0, 2, 4, 6],
      );
      assert.match(findings[0].message, /a percentage: “43%”/);
      assert.deepEqual(findings[0].range.end, { line: 0, character: 30 });
    });

    it('accepts a claim when the sentence or its paragraph cites a source', () => {
      assert.deepEqual(check('Returns rose by 43% last year. This is documented [@family-study].'), []);
      assert.deepEqual(check('Returns rose by 43% last year [@family-study].'), []);
    });

    it('skips headings, code, front matter and skipped sections', () => {
      const report = [
        '---',
        'title: Report 2023',
        '---',
        '# Findings of 2023',
        '',
        '```',
        'Returns rose by 43%.',
        '```',
        '',
        '## 2. Methodology',
        '',
        'We interviewed 45 people in 2022.',
        '',
        '## Results',
        '',
        'We interviewed 45 people in 2022.',
      ].join('\n');
      const findings = check(report);
      assert.deepEqual(
        findings.map((finding) => [finding.rule, finding.range.start.line]),
        [['uncited-claim', 15]],
      );
      assert.deepEqual(rulesOf(check(report, { skipSections: ['Results', 'Methodology'] })), []);
    });
  });

  describe('inline control and severities', () => {
    const claim = 'Returns rose by 43% last year.';

    it('disables a rule for the next line', () => {
      assert.deepEqual(check(`<!-- citewise-disable-next-line uncited-claim -->\n${claim}\n\n${claim}`).map((finding) => finding.range.start.line), [3]);
    });

    it('leaves other rules active under a rule-specific comment', () => {
      assert.deepEqual(rulesOf(check(`<!-- citewise-disable-next-line quote-uncited -->\n${claim}`)), ['uncited-claim']);
    });

    it('disables a range between disable and enable', () => {
      const report = [claim, '', '<!-- citewise-disable uncited-claim -->', claim, '', claim, '<!-- citewise-enable uncited-claim -->', '', claim].join('\n');
      assert.deepEqual(check(report).map((finding) => finding.range.start.line), [0, 8]);
    });

    it('disables every rule with a bare comment and for a whole file', () => {
      assert.deepEqual(check(`<!-- citewise-disable-next-line -->\n${claim} [@nosuch]`), []);
      assert.deepEqual(check(`${claim}\n\n<!-- citewise-disable-file uncited-claim -->`), []);
    });

    it('changes severities and switches rules off through settings', () => {
      const report = `${claim}\n\nSee [@nosuch].`;
      const findings = check(report, { rules: { 'uncited-claim': 'error', 'unknown-source': 'off' } });
      assert.deepEqual(
        findings.map((finding) => [finding.rule, finding.severity]),
        [['uncited-claim', 'error']],
      );
    });
  });

  describe('without a corpus', () => {
    it('says that no corpus is declared instead of inventing findings', () => {
      const findings = checkReport(path.join(root, 'report.md'), 'See [@anything].', { settings: settings() }).findings;
      assert.deepEqual(rulesOf(findings), ['invalid-settings']);
      assert.match(findings[0].message, /No corpus is declared/);
    });
  });

  describe('workspace', () => {
    it('reads the corpus and time frame from the report front matter and reports bad settings with their line', async () => {
      const tree = writeTree({
        ...corpusFiles,
        // A repository: a report in one of its folders may name a corpus in another.
        '.git/HEAD': 'ref: refs/heads/main\n',
        'reports/report.md': [
          '---',
          'citewise:',
          '  corpus: ../corpus',
          '  timeframe: { from: 2021-03-31, to: 2023-12-06 }',
          '  rules:',
          '    uncited-claim: loud',
          '---',
          '“offered shelters to all returning victims” [@old-report].',
        ].join('\n'),
      });
      const workspace = new CitewiseWorkspace();
      const result = await workspace.check(path.join(tree, 'reports/report.md'));
      assert.deepEqual(
        result.findings.map((finding) => [finding.rule, finding.range.start.line]),
        [
          ['invalid-settings', 5],
          ['quote-outside-timeframe', 7],
        ],
      );
      assert.match(result.findings[0].message, /rules\.uncited-claim/);
    });

    it('takes defaults from citewise.yaml and lets the report override them', async () => {
      const tree = writeTree({
        ...corpusFiles,
        'citewise.yaml': 'corpus: corpus\nrules:\n  uncited-claim: info\n',
        'docs/report.md': '---\ncitewise:\n  rules:\n    unknown-source: warning\n---\nReturns rose by 43%. See [@nosuch].\n',
      });
      const result = await new CitewiseWorkspace().check(path.join(tree, 'docs/report.md'));
      assert.deepEqual(
        result.findings.map((finding) => [finding.rule, finding.severity]),
        [
          ['unknown-source', 'warning'],
        ],
      );
      const claimOnly = await new CitewiseWorkspace().check(path.join(tree, 'docs/report.md'), 'Returns rose by 43% last year.');
      assert.deepEqual(
        claimOnly.findings.map((finding) => [finding.rule, finding.severity]),
        [['uncited-claim', 'info']],
      );
    });
  });

  it('checks against any corpus that has the sources and texts the checks read, not only a loaded one', () => {
    // A plain object, as a corpus from another backend would be: nothing of the loaded corpus but its answers.
    const elsewhere: CheckableCorpus = {
      sources: corpus.sources.map((source) => ({ ...source })),
      get: (key) => corpus.get(key),
      has: (key) => corpus.has(key),
      text: (key) => corpus.text(key),
      pages: (key) => corpus.pages(key),
      passage: (key, start, end) => corpus.passage(key, start, end),
    };
    const report = [
      'Families decide: “The decision to migrate is rarely an individual one” [@family-study].',
      'Officials said “the shelters were always empty” [@undated-notes]. See also [@no-such-source].',
      'The state offered “shelters to all returning victims” [@old-report].',
    ].join('\n\n');
    const settingsOfReport = settings({ timeframe: { from: '2021-01-01', to: '2023-12-31' } });
    const summary = (findings: Finding[]) => findings.map((finding) => [finding.rule, finding.range.start.line, finding.message]);
    const loaded = checkReport(path.join(root, 'report.md'), report, { corpus, settings: settingsOfReport }).findings;
    assert.deepEqual(summary(checkReport(path.join(root, 'report.md'), report, { corpus: elsewhere, settings: settingsOfReport }).findings), summary(loaded));
    assert.ok(new Set(loaded.map((finding) => finding.rule)).size >= 3, JSON.stringify(rulesOf(loaded)));
  });
});

