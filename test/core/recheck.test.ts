import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CheckResult } from '../../src/core/checks/checks';
import { countWords } from '../../src/core/index/tokenize';
import { CitewiseWorkspace } from '../../src/core/corpus/workspace';
import { QuoteEditor } from '../bench/quote-edit';
import { removeTrees, writeTree } from '../support/temp-tree';

/**
 * A report checked again after an edit to one quote must get exactly what a fresh check of the new
 * text gets: whatever a check remembers from the one before (verdicts of unchanged quotes) must never
 * leak into the findings of an edited one.
 */
const projectRoot = path.resolve(__dirname, '../../../..');
const seeds = path.resolve(projectRoot, '../shared/seeds');
const reportSeed = path.join(seeds, '001_b292c2b08472ba89.txt');

/** What a check says, without the parsed report (whose objects are new on every check). */
function verdicts(result: CheckResult) {
  return {
    findings: result.findings,
    quoteMatches: result.quoteMatches.map(({ quote, ...verdict }) => ({ quote: [quote.start, quote.end, quote.text], ...verdict })),
    references: result.references.map(({ reference, ...checked }) => ({ reference: reference.text, ...checked })),
  };
}

/** Checks `texts` one after another in one workspace, and each afresh in a workspace of its own, and compares. */
async function sameAsFresh(reportPath: string, corpus: string, texts: string[]): Promise<void> {
  const editing = new CitewiseWorkspace({ corpusOverride: [corpus] });
  for (const [index, text] of texts.entries()) {
    const rechecked = await editing.check(reportPath, text);
    const fresh = await new CitewiseWorkspace({ corpusOverride: [corpus] }).check(reportPath, text);
    assert.deepEqual(verdicts(rechecked), verdicts(fresh), `text ${index}`);
    // Word counts are remembered from one analysis to the next by quoted text, whatever the workspace.
    assert.deepEqual(
      rechecked.report.quotes.map((quote) => quote.wordCount),
      rechecked.report.quotes.map((quote) => countWords(quote.text)),
      `text ${index}`,
    );
  }
}

describe('re-checking a report after an edit to one quote', function () {
  after(removeTrees);

  it('finds what a fresh check of the edited text finds, on a report and corpus written for the test', async () => {
    const corpus = writeTree({
      'harbour-review.md':
        '---\ntitle: Annual Review of Coastal Shelters\npublisher: Harbour Watch\ndate: 2023-06-15\n---\nThe shelters on the coast received more young people in 2022 than in any year before.\n',
      'old-study.md': '---\ntitle: Study of Shelter Capacity in the Northern Ports\npublisher: Port Institute\ndate: 2019-05\n---\nEvery shelter in the northern ports was full for most of the year.\n',
    });
    const folder = writeTree({ 'citewise.yaml': 'timeframe:\n  from: 2021-03-31\n  to: 2023-12-06\n' });
    const original = [
      '# Shelters',
      '',
      'The review found that “the shelters on the coast received more young people in 2022 than in any year before” [@harbour-review].',
      '',
      'An older study said “every shelter in the northern ports was full for most of the year” [@old-study, p. 3].',
      '',
      '“Every shelter in the northern ports was full for most of the year.”',
      '',
      'Source: Port Institute, “Study of Shelter Capacity in the Northern Ports”, May 2019',
      '',
    ].join('\n');
    const edits = [
      original,
      original.replace('received more young', 'received fewer young'),
      original.replace('received more young', 'received fewer young').replace('was full for most', 'was empty for most'),
      original.replace('was full for most of the year” [@old', 'was full for all of the year” [@old'),
      original.replace('the year.”\n', 'the year, every year.”\n'),
      original,
    ];
    await sameAsFresh(path.join(folder, 'report.md'), corpus, edits);
  });

  it('finds what a fresh check finds on the seed COI report, after edits to three of its quotes', async function () {
    if (!fs.existsSync(reportSeed)) {
      console.log(`    (skipped: ${reportSeed} is not on this machine; the seed suites run where ../shared exists)`);
      this.skip();
    }
    this.timeout(120_000);
    const text = fs.readFileSync(reportSeed, 'utf8');
    const folder = writeTree({ 'citewise.yaml': 'timeframe:\n  from: 2021-03-31\n  to: 2023-12-06\n  languages:\n    sq: { from: 2021-03-31, to: 2023-06-15 }\n' });
    // Each text has one more quote edited than the one before, as the benchmark edits them.
    const editor = new QuoteEditor(text);
    const texts = [text, editor.next(), editor.next(), editor.next()];
    await sameAsFresh(path.join(folder, 'report.md'), seeds, texts);
  });
});
