import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withoutReferenceFindings } from '../../src/core/checks/provisional';
import { documentKinds, listCorpusFiles } from '../../src/core/corpus/corpus-files';
import { readBatch, readDocumentDraft } from '../../src/core/corpus/document-reader';
import { extractInProcess } from '../../src/core/extract/document-extractor';
import { Vocabulary } from '../../src/core/index/vocabulary';
import type { Source } from '../../src/core/corpus/source';
import { CitewiseWorkspace, type WorkspaceOptions } from '../../src/core/corpus/workspace';
import { coldStartReport } from '../support/cold-start-report';
import { removeTrees, writeTree } from '../support/temp-tree';

const workerFile = path.resolve(__dirname, '../../src/core/index/index-worker.js');

/** The date and language a complete cited load may leave uninferred: inferred from the text, not written down. */
const deferrable = ['date', 'language'] as const;

/** A source without the given fields (and where they came from), its other fields in their order. */
function without(source: Source, fields: readonly (typeof deferrable)[number][]): Source {
  const metadata = { ...source.metadata };
  const provenance = { ...source.provenance };
  for (const field of fields) {
    delete metadata[field];
    delete provenance[field];
  }
  return { ...source, metadata, provenance };
}

/**
 * Differential: a check against the cited sources alone (`checkCited`) must find what the check against
 * the fully loaded corpus finds: all of it at depth 'complete', and at depth 'keys' all but the findings
 * that rest on free-text references, which `withoutReferenceFindings` leaves out of the full check too.
 * At depth 'complete' every source is the full load's, but for the date and language inferred from its
 * text, which only the sources cited or named by a reference's resolution must have. Returns how many
 * findings each check gave, how many sources the complete load left some inferred field out of, and
 * what each free-text reference resolved to.
 */
async function assertSameAsFullCheck(
  options: WorkspaceOptions,
  reportPath: string,
  text: string,
): Promise<{ full: number; keys: number; deferred: number; resolved: (string | undefined)[] }> {
  const full = await new CitewiseWorkspace(options).check(reportPath, text);
  const settings = await new CitewiseWorkspace(options).settingsFor(reportPath, text);
  const needed = new Set([
    ...full.report.citations.flatMap((group) => group.items.map((item) => item.key)),
    ...full.references.flatMap(({ resolution }) => [...(resolution.key ? [resolution.key] : []), ...resolution.candidates.map((candidate) => candidate.key)]),
  ]);
  let deferred = 0;
  // In this thread, and with drafts read in worker threads too (on a corpus of more than a few batches).
  for (const loadOptions of [{}, { workers: { file: workerFile, count: 1 } }]) {
    const complete = await new CitewiseWorkspace({ ...options, loadOptions }).checkCited(reportPath, text, settings, 'complete');
    assert.deepEqual(complete.findings, full.findings);
    assert.deepEqual(complete.corpus?.problems, full.corpus?.problems);
    assert.deepEqual(complete.references, full.references);
    // Every source's metadata, with where each field came from, but for an inferred date or language left
    // out of a source no check reads it of. The sources checks read are the full load's to the order of
    // their fields (JSON keeps it); in the others a field set after inference (a language in front matter)
    // may stand elsewhere.
    const sources = complete.corpus?.sources ?? [];
    assert.deepEqual(sources.map((source) => source.key), full.corpus?.sources.map((source) => source.key));
    deferred = 0;
    sources.forEach((source, index) => {
      const whole = full.corpus!.sources[index];
      if (needed.has(source.key)) {
        assert.equal(JSON.stringify(source), JSON.stringify(whole), source.key);
        return;
      }
      const left = deferrable.filter((field) => source.metadata[field] === undefined && whole.metadata[field] !== undefined && whole.provenance[field]?.origin === 'inferred');
      assert.deepEqual(source, without(whole, left), source.key);
      if (left.length) deferred++;
    });
  }
  const keys = await new CitewiseWorkspace(options).checkCited(reportPath, text, settings, 'keys');
  assert.deepEqual(keys.findings, withoutReferenceFindings(full, text).findings);
  // The cited sources are read as the full load reads them.
  for (const group of full.report.citations) {
    for (const { key } of group.items) {
      assert.deepEqual(keys.corpus?.get(key), full.corpus?.get(key), key);
      assert.equal(keys.corpus?.text(key)?.text, full.corpus?.text(key)?.text, key);
    }
  }
  return { full: full.findings.length, keys: keys.findings.length, deferred, resolved: full.references.map(({ resolution }) => resolution.key) };
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
    const counts = await assertSameAsFullCheck({ workspaceRoot: root }, path.join(root, 'report.md'), text);
    // The check is not trivially empty, and the reference's quote is all that waits for the full load.
    assert.ok(counts.keys >= 6, `${counts.keys} findings`);
  });

  it('finds what the full check finds when free-text references fall on uncited sources dated only by their text', async () => {
    const body = Array.from({ length: 1200 }, (_, line) => `Line ${line} of the review says that the shelters were full and the roads were closed.`).join('\n');
    // Enough uncited pages that workers read drafts too; none a reference comes near, so none needs its date.
    const pages = Object.fromEntries(Array.from({ length: 80 }, (_, index) => [`corpus/page-${index}.md`, `# Page ${index}\n\n${(index % 28) + 1} May 2020\n\nWords of page ${index}.\n`]));
    const root = writeTree({
      ...pages,
      // Dated only by their text: the references' dates agree exactly, agree loosely, or conflict.
      'corpus/harbour-review.md': '# Annual Review of Coastal Shelters\n\n15 June 2023\n\nThe shelters on the coast received more young people in 2022 than in any year before.\n',
      'corpus/winter.txt': 'Winter Conditions in the Northern Shelters\n\n3 February 2019\n\nThe heating failed in two of the northern shelters for most of January.\n',
      // Two sources with the same title: only their dates tell which one a reference means.
      'corpus/returns-a.md': '# Returns from Germany and Italy\n\n10 May 2020\n\nMost returns from Germany were voluntary in name only.\n',
      'corpus/returns-b.md': '# Returns from Germany and Italy\n\n12 May 2021\n\nReturns from Italy doubled in the spring.\n',
      // Its date near the top is judged against a later "retrieved" date far past the opening a draft is read from.
      'corpus/archive-note.txt': `Archive Note on Shelter Funding\n\n15 June 2019\n\n${body}\nSource retrieved 3 May 2021 from the archive.\n`,
      'corpus/interview.txt': 'Interview with a shelter case worker in Vlore\n\n5 November 2021\n\nThe debt to the recruiter is the hardest problem after the shelter.\n',
      // Cited, and a candidate too.
      'corpus/cited-review.md': '# Annual Review of Coastal Shelters in the North\n\n2 March 2022\n\nNorthern shelters were full all year.\n',
      'citewise.yaml': 'corpus: corpus\ntimeframe:\n  from: 2021-01-01\n  to: 2023-12-31\n',
    });
    const quoted = (quote: string, source: string) => ['', `“${quote}”`, '', `Source: ${source}`];
    const text = [
      '# Report',
      '',
      'The north was full: “Northern shelters were full all year” [@cited-review].',
      ...quoted('The shelters on the coast received more young people in 2022 than in any year before.', 'Harbour Watch, “Annual Review of Coastal Shelters”, 15 June 2023'),
      ...quoted('The shelters on the coast received more young people in 2022', 'Harbour Watch, “Annual Review of Coastal Shelters”, 2023'),
      ...quoted('The heating failed in two of the northern shelters for most of January.', 'North Aid, “Winter Conditions in the Northern Shelters”, March 2022'),
      ...quoted('Returns from Italy doubled in the spring.', '“Returns from Germany and Italy”, 12 May 2021'),
      ...quoted('Most returns from Germany were voluntary in name only.', '“Returns from Germany and Italy”, 2020'),
      ...quoted('Most returns from Germany were voluntary in name only.', '“Returns from Germany and Italy”'),
      ...quoted('Line 3 of the review says that the shelters were full and the roads were closed.', '“Archive Note on Shelter Funding”, 2019'),
      ...quoted('The debt to the recruiter is the hardest problem after the shelter.', 'Interview with a shelter case worker in Vlore, 5 November 2021'),
      ...quoted('Words of page 7.', 'Nobody, “A Title No Source Has”, 2021'),
      '',
    ].join('\n');
    const counts = await assertSameAsFullCheck({ workspaceRoot: root }, path.join(root, 'report.md'), text);
    assert.ok(counts.full >= 5, `${counts.full} findings`);
    // Exact and loose dates agree, a conflicting date or an equal match leaves a reference unresolved, the
    // date decides between equal titles, an untitled interview resolves on its day, a later "retrieved" date
    // undoes the archive note's, and a reference nothing matches stays unresolved.
    assert.deepEqual(counts.resolved, ['harbour-review', 'harbour-review', undefined, 'returns-b', 'returns-a', undefined, 'archive-note', 'interview', undefined]);
    // The pages no reference comes near were read without their dates.
    assert.ok(counts.deferred >= 80, `${counts.deferred} sources without their inferred date or language`);
  });

  it('finds what the full check finds for the seed report and its free-text references, against the seeds', async function () {
    const seeds = path.resolve(__dirname, '../../../../../shared/seeds');
    const report = fs.existsSync(seeds) ? fs.readdirSync(seeds).find((name) => name.startsWith('001_')) : undefined;
    if (!report) {
      console.log(`      (skipped: no seed report 001 in ${seeds}; the seeds live outside the repository, in ../shared)`);
      this.skip();
    }
    this.timeout(120_000);
    const root = writeTree({});
    const counts = await assertSameAsFullCheck({ workspaceRoot: root, corpusOverride: [seeds] }, path.join(root, 'report.md'), fs.readFileSync(path.join(seeds, report), 'utf8'));
    assert.ok(counts.full >= 900, `${counts.full} findings`);
  });

  it('finds what the full check finds on the 1,000-source bench corpus, for a report citing 20 of its sources', async function () {
    const bench = path.resolve(__dirname, '../../../../.bench');
    const corpusName = 'corpus-v1-seed42-n1000';
    if (!fs.existsSync(path.join(bench, corpusName)) || !fs.existsSync(path.join(bench, 'report-v1-seed42-n1000.md.json'))) {
      console.log(`      (skipped: no bench corpus at ${path.join(bench, corpusName)}; npm run bench makes one)`);
      this.skip();
    }
    this.timeout(120_000);
    const counts = await assertSameAsFullCheck({ workspaceRoot: bench }, path.join(bench, 'cold-start-report.md'), coldStartReport(bench, corpusName));
    assert.ok(counts.full >= 7, `${counts.full} findings`);
    // Without free-text references no uncited source's date or language is inferred from its text (397 of
    // these sources have one or both; the others' come from front matter).
    assert.ok(counts.deferred > 300, `${counts.deferred} sources without their inferred date or language`);
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
      await assertSameAsFullCheck({ workspaceRoot: root }, path.join(root, 'report.md'), text);
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
