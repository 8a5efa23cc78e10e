import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  addTally,
  compareCitations,
  compareEntries,
  compareRendering,
  describeTally,
  emptyTally,
  fixtureRoot,
  pandocAvailable,
  type Difference,
} from '../support/pandoc-differential';
import { assertBundleBuilt, makeTempDir, runCli } from './fixture';

interface AcceptedDifference {
  kind: string;
  file: string;
  key: string;
  field: string;
  reason: string;
}

const accepted = JSON.parse(fs.readFileSync(path.join(fixtureRoot, 'accepted-differences.json'), 'utf8')) as AcceptedDifference[];

function isAccepted(difference: Difference, list: AcceptedDifference[]): AcceptedDifference | undefined {
  return list.find(
    (entry) => entry.kind === difference.kind && entry.file === difference.file && entry.key === difference.key && entry.field === difference.field,
  );
}

function show(difference: Difference): string {
  return `${difference.kind} ${difference.file} ${difference.key} ${difference.field}: pandoc ${JSON.stringify(difference.pandoc)}, citewise ${JSON.stringify(difference.citewise)}`;
}

describe('pandoc differential: citations and bibliographies read as pandoc reads them', function () {
  this.timeout(120000);
  const citationTally = emptyTally();
  const entryTally = emptyTally();
  const renderTally = emptyTally();

  before(function () {
    if (!pandocAvailable()) {
      console.log('      pandoc is not on PATH: skipping the pandoc differential suite');
      this.skip();
    }
    assertBundleBuilt();
    const citationFolder = path.join(fixtureRoot, 'citations');
    for (const name of fs.readdirSync(citationFolder).sort()) {
      addTally(citationTally, compareCitations(path.join(citationFolder, name)));
    }
    const bibFolder = path.join(fixtureRoot, 'bib');
    for (const folder of fs.readdirSync(bibFolder).sort()) {
      for (const name of fs.readdirSync(path.join(bibFolder, folder)).filter((file) => file.endsWith('.bib'))) {
        const bibFile = path.join(bibFolder, folder, name);
        // Each bibliography is a corpus of its own, since the fixtures share keys.
        const root = makeTempDir();
        fs.mkdirSync(path.join(root, 'corpus'));
        fs.copyFileSync(bibFile, path.join(root, 'corpus', name));
        const result = runCli(root, ['bib', '--corpus', 'corpus']);
        assert.equal(result.status, 0, result.stderr);
        addTally(entryTally, compareEntries(bibFile, JSON.parse(result.stdout)));
        addTally(renderTally, compareRendering(bibFile, result.stdout, root));
      }
    }
    console.log(`      ${describeTally('citations', citationTally)}`);
    console.log(`      ${describeTally('entries', entryTally)}`);
    console.log(`      ${describeTally('round trip (rendered references)', renderTally)}`);
    if (process.env.CITEWISE_DIFFERENCES) {
      const all = [...citationTally.differences, ...entryTally.differences, ...renderTally.differences];
      fs.writeFileSync(process.env.CITEWISE_DIFFERENCES, `${JSON.stringify(all, null, 2)}\n`);
    }
  });

  for (const [label, tally] of [
    ['citation', citationTally],
    ['entry', entryTally],
    ['rendered reference', renderTally],
  ] as const) {
    it(`agrees with pandoc on every ${label}, apart from the accepted differences`, function () {
      const unexpected = tally.differences.filter((difference) => !isAccepted(difference, accepted));
      assert.deepEqual(unexpected.map(show), []);
    });
  }

  it('lists no accepted difference that no longer occurs', function () {
    const all = [...citationTally.differences, ...entryTally.differences, ...renderTally.differences];
    const stale = accepted.filter((entry) => !all.some((difference) => isAccepted(difference, [entry])));
    assert.deepEqual(stale, []);
  });
});
