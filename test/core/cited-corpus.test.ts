import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withoutReferenceFindings } from '../../src/core/checks/provisional';
import { documentKinds, listCorpusFiles } from '../../src/core/corpus/corpus-files';
import { readBatch, readDocumentDraft } from '../../src/core/corpus/document-reader';
import { extractInProcess } from '../../src/core/extract/document-extractor';
import { Vocabulary } from '../../src/core/index/vocabulary';
import { CitewiseWorkspace } from '../../src/core/corpus/workspace';
import { coldStartReport } from '../support/cold-start-report';
import { removeTrees, writeTree } from '../support/temp-tree';

const workerFile = path.resolve(__dirname, '../../src/core/index/index-worker.js');

/**
 * Differential: a check against the cited sources alone (`checkCited`) must find what the check against
 * the fully loaded corpus finds: all of it at depth 'complete', and at depth 'keys' all but the findings
 * that rest on free-text references, which `withoutReferenceFindings` leaves out of the full check too.
 */
async function assertSameAsFullCheck(workspaceRoot: string, reportPath: string, text: string): Promise<{ full: number; keys: number }> {
  const full = await new CitewiseWorkspace({ workspaceRoot }).check(reportPath, text);
  const settings = await new CitewiseWorkspace({ workspaceRoot }).settingsFor(reportPath, text);
  // In this thread, and with drafts read in worker threads too (on a corpus of more than a few batches).
  for (const loadOptions of [{}, { workers: { file: workerFile, count: 1 } }]) {
    const complete = await new CitewiseWorkspace({ workspaceRoot, loadOptions }).checkCited(reportPath, text, settings, 'complete');
    assert.deepEqual(complete.findings, full.findings);
    assert.deepEqual(complete.corpus?.problems, full.corpus?.problems);
    assert.deepEqual(complete.references, full.references);
    // Every source's metadata, with where each field came from, in the same order (JSON keeps it).
    assert.equal(JSON.stringify(complete.corpus?.sources), JSON.stringify(full.corpus?.sources));
  }
  const keys = await new CitewiseWorkspace({ workspaceRoot }).checkCited(reportPath, text, settings, 'keys');
  assert.deepEqual(keys.findings, withoutReferenceFindings(full, text).findings);
  // The cited sources are read as the full load reads them.
  for (const group of full.report.citations) {
    for (const { key } of group.items) {
      assert.deepEqual(keys.corpus?.get(key), full.corpus?.get(key), key);
      assert.equal(keys.corpus?.text(key)?.text, full.corpus?.text(key)?.text, key);
    }
  }
  return { full: full.findings.length, keys: keys.findings.length };
}

/**
 * Differential: every document's draft and problems as `readDocumentDraft` reads them for a cold check
 * (of a Markdown or text file, only the opening decoded) must be what the full load's `readBatch` reads.
 * Returns how many documents were compared.
 */
async function assertDraftsAsRead(root: string): Promise<number> {
  const files = (await listCorpusFiles(root, [])).filter((file) => documentKinds.includes(file.kind));
  for (const file of files) {
    const described = await readDocumentDraft(root, file, extractInProcess);
    const [whole] = (await readBatch(root, [file], extractInProcess, new Vocabulary())).results;
    // JSON as well, which keeps the order of fields, as output shows it.
    assert.equal(JSON.stringify(described), JSON.stringify({ draft: whole.loaded?.draft, problems: whole.problems }), file.relativePath);
  }
  return files.length;
}

describe('checking against the cited sources alone', () => {
  after(removeTrees);

  it('finds what the full check finds, keys settled by front matter, corpus.yaml, bibliographies and duplicates', async () => {
    const root = writeTree({
      'corpus/harbour-review.md': '---\nkey: harbour-2023\npublisher: Harbour Watch\n---\n# Annual Review of Coastal Shelters\n\n15 June 2023\n\nThe shelters on the coast received more young people in 2022 than in any year before.\n',
      // Claims the key another file's name gives: the named file keeps it.
      'corpus/a-early.md': '---\nkey: monitor-2019\n---\n# Early notes\n\nNotes that the monitors made about the shelters in their first year.\n',
      'corpus/monitor-2019.txt': 'Shelter Monitoring Report\n\n14 March 2019\n\nLegal representation was offered in only one shelter during the whole year.\n',
      'corpus/renamed.txt': 'Interview notes\n\n2 May 2022\n\nThe debt to the recruiter is the hardest problem after the shelter, she said.\n',
      'corpus/linked.md': '# Families and Journeys\n\n11 February 2021\n\nMost families travelled north in the spring, when the roads were open again.\n',
      'corpus/corpus.yaml': 'sources:\n  - file: renamed.txt\n    key: case-worker-2022\n    type: interview\n',
      'corpus/refs.bib': '@report{families-2021,\n  title = {Families and Journeys},\n  date = {2021-02-11},\n  file = {linked.md}\n}\n',
      'corpus/undated.md': '# Loose page\n\nA page that gives no date at all for the words written on it.\n',
      'citewise.yaml': 'corpus: corpus\ntimeframe:\n  from: 2020-01-01\n  to: 2023-12-31\n',
    });
    const text = [
      '# Report',
      '',
      'The coast saw a rise: “The shelters on the coast received more young people in 2022 than in any year before” [@harbour-2023].',
      'An altered quote: “The shelters on the coast received fewer young people in 2022 than in any year before” [@harbour-2023].',
      'Monitors wrote that “Legal representation was offered in only one shelter during the whole year” [@monitor-2019].',
      'A worker said that “The debt to the recruiter is the hardest problem after the shelter” [@case-worker-2022].',
      'Families moved: “Most families travelled north in the spring, when the roads were open again” [@families-2021].',
      'A page says “A page that gives no date at all for the words written on it” [@undated].',
      'Unknown: [@harbour-2032] and [@a-early] and [@renamed].',
      '',
      '“The shelters on the coast received more young people in 2022 than in any year before.”',
      '',
      'Source: Harbour Watch, “Annual Review of Coastal Shelters”, 15 June 2023',
      '',
    ].join('\n');
    const counts = await assertSameAsFullCheck(root, path.join(root, 'report.md'), text);
    // The check is not trivially empty, and the reference's quote is all that waits for the full load.
    assert.ok(counts.keys >= 6, `${counts.keys} findings`);
  });

  it('finds what the full check finds on the 1,000-source bench corpus, for a report citing 20 of its sources', async function () {
    const bench = path.resolve(__dirname, '../../../../.bench');
    const corpusName = 'corpus-v1-seed42-n1000';
    if (!fs.existsSync(path.join(bench, corpusName)) || !fs.existsSync(path.join(bench, 'report-v1-seed42-n1000.md.json'))) {
      console.log(`      (skipped: no bench corpus at ${path.join(bench, corpusName)}; npm run bench makes one)`);
      this.skip();
    }
    this.timeout(120_000);
    const counts = await assertSameAsFullCheck(bench, path.join(bench, 'cold-start-report.md'), coldStartReport(bench, corpusName));
    assert.ok(counts.full >= 7, `${counts.full} findings`);
  });

  describe('a draft read for a cold check', () => {
    const projectRoot = path.resolve(__dirname, '../../../..');
    // Past the 64 KB opening a draft is read from: what lies there must count as it does in a full read.
    const body = Array.from({ length: 1200 }, (_, line) => `Line ${line} of the report says that the shelters were full and the roads were closed.`).join('\n');
    const latin = Buffer.from('caf\xe9 au lait', 'latin1');

    it('is the full load\'s for files whose opening decides nothing alone: late invalid UTF-8, a late NUL, long front matter, long lines, a late past date', async () => {
      const root = writeTree({
        'plain.txt': `Annual Review\n\n15 June 2019\n\n${body}\n`,
        // The date near the top is impossible: the text looks back on a later one, far past the opening.
        'retrieved.txt': `Annual Review\n\n15 June 2019\n\n${body}\nSource retrieved 3 May 2021 from the archive.\n`,
        'legacy.txt': Buffer.concat([Buffer.from(`Annuaire\n\n2018\n\n${body}\n`), latin, Buffer.from('\n')]),
        'binary.md': Buffer.concat([Buffer.from(`# Title\n\n${body}\n`), Buffer.from([0, 1, 2]), Buffer.from('\n')]),
        'long-front-matter.md': `---\ntitle: Long\nnotes: |\n${body.split('\n').map((line) => `  ${line}`).join('\n')}\n---\n# Heading\n\n${body}\n`,
        'unclosed.md': `---\ntitle: Never closed\n${body}\n`,
        'long-lines.txt': `Report on the coast\n\n${body.replace(/\n/g, ' ')}\n${body}\n`,
        'few-lines.md': `---\ntitle: Few lines\nkey: few-2020\n---\n\n# Few lines\n\n${'word '.repeat(30_000)}\n`,
        'bom-crlf.md': `\uFEFF---\r\ntitle: With a mark\r\n---\r\n# Body\r\n\r\n1 March 2020\r\n\r\n${body.replace(/\n/g, '\r\n')}\r\n`,
        'surrogate.txt': Buffer.concat([Buffer.from(`Title\n\n2017\n\n${body}\n`), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('\n')]),
        'short.md': '# Short\n\n2 May 2022\n\nA short page.\n',
      });
      assert.equal(await assertDraftsAsRead(root), 11);
    });

    it('is the full load\'s when read in worker threads, problems included, in a corpus of more than a few batches', async () => {
      const many = Object.fromEntries(Array.from({ length: 80 }, (_, index) => [`corpus/page-${index}.md`, `# Page ${index}\n\n${index + 1} May 2020\n\nWords of page ${index}.\n`]));
      const root = writeTree({
        ...many,
        'corpus/binary.md': Buffer.concat([Buffer.from(`# Title\n\n${body}\n`), Buffer.from([0, 1, 2]), Buffer.from('\n')]),
        'corpus/legacy.txt': Buffer.concat([Buffer.from(`Annuaire\n\n2018\n\n${body}\n`), latin, Buffer.from('\n')]),
        'corpus/broken.md': '---\ntitle: [unclosed\n---\nText survives.\n',
        'citewise.yaml': 'corpus: corpus\n',
      });
      const text = '# Report\n\nPage three says “Words of page 3” [@page-3], the legacy file “Annuaire” [@legacy].\n';
      await assertSameAsFullCheck(root, path.join(root, 'report.md'), text);
    });

    it('is the full load\'s for every source of the seeds, the fixtures and the 1,000-source bench corpus', async function () {
      this.timeout(300_000);
      const folders = [path.join(projectRoot, 'test/fixtures/workspace/corpus'), path.resolve(projectRoot, '../shared/seeds'), path.join(projectRoot, '.bench/corpus-v1-seed42-n1000')];
      for (const folder of folders) {
        if (!fs.existsSync(folder)) {
          console.log(`      (skipped ${folder}: not on this machine)`);
          continue;
        }
        assert.ok((await assertDraftsAsRead(folder)) > 0, folder);
      }
    });
  });
});
