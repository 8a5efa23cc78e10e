import { strict as assert } from 'node:assert';
import { checkReport } from '../../src/core/checks/checks';
import { inferPublicationDate } from '../../src/core/metadata/dates';
import { ReportMemory } from '../../src/core/report/report';
import { mergeSettings } from '../../src/core/settings/settings';
import { assertNearLinear } from '../support/growth';

const settings = mergeSettings({ file: '/tmp/report.md', settings: { timeframe: { from: '2021-01-01' } }, problems: [] });

/**
 * Hostile reports, each a generator of size n (in characters, roughly). Reports are checked on every
 * keystroke, so each must check in at most n log n time, and without throwing.
 */
const generators: Record<string, (n: number) => string> = {
  'unmatched “ in one block': (n) => '\u201C word '.repeat(n / 7),
  'unmatched „ in one block': (n) => '\u201E word '.repeat(n / 7),
  'unmatched straight quotes': (n) => ' "word'.repeat(n / 6),
  'unclosed [a]( links': (n) => '[a]('.repeat(n / 4),
  'a run of ]( with no closing parenthesis': (n) => ']('.repeat(n / 2),
  'unclosed link titles': (n) => '[a](x "t '.repeat(n / 9),
  'a run of ]( followed by a long run of spaces': (n) => `${']('.repeat(n / 4)}${' '.repeat(n / 2)}x`,
  'a paragraph of cited sentences': (n) => 'See [@a, p. 3]. '.repeat(n / 16),
  'a paragraph of quotes with citations': (n) => '\u201Cquoted words here\u201D [@a]. '.repeat(n / 28),
  'unclosed citation brackets': (n) => '[@a '.repeat(n / 4),
  'unclosed code spans': (n) => '`a'.repeat(n / 2),
  'unclosed comments': (n) => '<!-- '.repeat(n / 5),
  'a long front-matter line': (n) => `---\ntitle: ${' '.repeat(n)}x\n---\nText.\n`,
  'many headings': (n) => '# a\n'.repeat(n / 4),
  'many blockquote lines': (n) => '> a\n'.repeat(n / 4),
  'a paragraph of inline notes': (n) => 'Text said “so”.^[Harbour Watch, “Survey”, 2022.] '.repeat(n / 48),
  'many Source: lines': (n) => '“A quote.”\n\nSource: Harbour Watch, “Survey”, 2022\n\n'.repeat(n / 50),
  'many footnotes': (n) => 'Text.[^1] '.repeat(n / 20) + '\n\n[^1]: Harbour Watch, “Survey”, 2022.\n',
  'escape and control characters': (n) => 'a\u001b[31m \u0000\u0007\u009b“x” '.repeat(n / 14),
};

describe('hostile reports', () => {
  for (const [name, generate] of Object.entries(generators)) {
    it(`checks ${name} in near-linear time, with every range inside the text`, async () => {
      const text = generate(20_000);
      const lines = text.split('\n').length;
      for (const finding of checkReport('/tmp/report.md', text, { settings }).findings) {
        assert.ok(finding.range.end.line < lines, `${name}: ${JSON.stringify(finding.range)}`);
      }
      // Each timed check starts from scratch: what a check remembers for the next would time a reuse, not the check.
      await assertNearLinear(name, generate, (report) => checkReport('/tmp/report.md', report, { settings, memory: new ReportMemory() }), 40_000);
    });
  }

  it('infers a date past a long line of spaces (blanked front matter) in near-linear time', async () => {
    const make = (n: number) => `${' '.repeat(n)}\n2022\n`;
    assert.deepEqual(inferPublicationDate(make(100_000)), { date: '2022', line: 2, cue: 'year alone on a line', confidence: 'low' });
    await assertNearLinear('a long blank line', make, (text) => inferPublicationDate(text), 400_000);
  });
});
