import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { CorpusClient, RemoteWorkspace } from '../../src/core/corpus/corpus-client';
import { localCorpusService } from '../../src/core/corpus/corpus-service';
import { CitewiseWorkspace } from '../../src/core/corpus/workspace';
import { removeTrees, writeTree } from '../support/temp-tree';

const compiled = path.resolve(__dirname, '../../src/core');
const workerFile = path.join(compiled, 'corpus', 'corpus-worker.js');
const indexWorkerFile = path.join(compiled, 'index', 'index-worker.js');

const corpusFiles = {
  'corpus/asylos-2023.md': [
    '---',
    'title: Albania - Trafficking',
    'publisher: Asylos',
    'date: 2023-12',
    '---',
    'Victims returned to Albania face re-trafficking when shelters are full.',
    'Blood feuds in the north remain a driver of internal displace-',
    'ment for some families.',
  ].join('\n'),
  'corpus/news-2019.txt': '21 September 2019\n\nEconomic reintegration of trafficking survivors in Albania remains weak.\n',
  'corpus/broken.md': '---\ntitle: [unclosed\n---\nText survives.\n',
  'report.md': [
    '---',
    'citewise:',
    '  corpus: corpus',
    '  timeframe: { from: 2021-03-31, to: 2023-12-31 }',
    '---',
    'Shelters were “full when victims returned” [@asylos-2023].',
    '',
    'Reintegration “remains weak” [@news-2019], and 45% of cases were unreported [@missing].',
  ].join('\n'),
};

describe('corpus worker (CorpusClient and RemoteWorkspace)', () => {
  let root: string;
  let client: CorpusClient;
  let workspace: RemoteWorkspace;

  beforeEach(() => {
    root = writeTree(corpusFiles);
    client = new CorpusClient({ workerFile, indexWorkerFile, indexWorkers: 2, indexFolder: path.join(writeTree({}), 'index') });
    workspace = new RemoteWorkspace(client, { workspaceRoot: root });
  });
  afterEach(async () => {
    await client.dispose();
    removeTrees();
  });

  it('gives the same sources, problems, check, search and passages as the corpus loaded in this thread', async () => {
    const reportPath = path.join(root, 'report.md');
    const reportText = fs.readFileSync(reportPath, 'utf8');
    const settings = await workspace.settingsFor(reportPath, reportText);
    const progress: number[] = [];
    const remote = await workspace.corpus(settings.corpus, { onProgress: ({ done }) => progress.push(done) });
    const here = localCorpusService(await new CitewiseWorkspace().corpus(settings.corpus));

    assert.deepEqual(remote.corpus.sources, here.corpus.sources);
    assert.deepEqual(remote.corpus.problems, here.corpus.problems);
    assert.ok(remote.corpus.problems.some((problem) => problem.file.endsWith('broken.md')));
    assert.ok(progress.length > 0 && progress[progress.length - 1] > 0, 'progress is reported');

    const checked = await remote.check(reportPath, reportText, settings);
    const checkedHere = await here.check(reportPath, reportText, settings);
    assert.deepEqual(checked.findings, checkedHere.findings);
    assert.deepEqual(
      checked.findings.map((finding) => finding.rule).sort(),
      ['quote-not-in-source', 'quote-outside-timeframe', 'unknown-source'],
      JSON.stringify(checked.findings.map((finding) => finding.message)),
    );
    // What the worker's check found at each offset is what the check in this thread found there.
    for (let offset = 0; offset <= reportText.length; offset++) assert.deepEqual(await checked.at(offset), await checkedHere.at(offset), `offset ${offset}`);
    // A verdict points at the quote and the citation of the same answer, and carries its passage for hovers.
    const onKey = await checked.at(reportText.indexOf('@news-2019') + 2);
    assert.equal(onKey.citation?.key, 'news-2019');
    assert.ok(onKey.citationGroup?.items.includes(onKey.citation!));
    assert.match(onKey.citationVerdict!.passage!.text, /remains weak/);
    const onQuote = await checked.at(reportText.indexOf('remains weak'));
    assert.equal(onQuote.quote?.text, 'remains weak');
    assert.equal(onQuote.quoteVerdict?.quote, onQuote.quote);
    assert.deepEqual(await checked.at(reportText.indexOf('45%')), {});

    for (const query of ['blood feuds displacement', '"shelters are full"', 'reintegr']) {
      assert.deepEqual(await remote.search(query), await here.search(query), query);
    }
    const text = (await remote.text('asylos-2023'))!;
    const start = text.indexOf('Blood');
    const end = text.indexOf('ment for') + 'ment'.length;
    assert.deepEqual(await remote.findQuote('Blood feuds in the north remain a driver of internal displacement'), [{ key: 'asylos-2023', start, end, line: 7 }]);
    assert.equal(await remote.text('asylos-2023', start, start + 11), 'Blood feuds');
    assert.deepEqual(await remote.positions('asylos-2023', [start, end]), [
      { line: 6, character: 0 },
      { line: 7, character: 4 },
    ]);
    assert.match((await remote.opening('news-2019'))!, /^21 September 2019/);
    assert.equal(await remote.text('no-such-key'), undefined);
  });

  it("keeps a report's latest two checks in the worker for what they found at an offset, and drops older ones", async () => {
    const reportPath = path.join(root, 'report.md');
    const reportText = fs.readFileSync(reportPath, 'utf8');
    const settings = await workspace.settingsFor(reportPath, reportText);
    const remote = await workspace.corpus(settings.corpus);
    const onKey = reportText.indexOf('@asylos-2023') + 2;
    const [first, second] = [await remote.check(reportPath, reportText, settings), await remote.check(reportPath, reportText, settings)];
    const other = await remote.check(path.join(root, 'other.md'), reportText, settings);
    assert.equal((await first.at(onKey)).citation?.key, 'asylos-2023');
    const third = await remote.check(reportPath, reportText, settings);
    assert.deepEqual(await first.at(onKey), {}, 'overtaken by two newer checks of the report');
    for (const kept of [second, third, other]) assert.equal((await kept.at(onKey)).citation?.key, 'asylos-2023');
    // Past sixteen checks in all, the oldest go, whatever their report.
    for (let index = 0; index < 16; index++) await remote.check(path.join(root, `report-${index}.md`), reportText, settings);
    assert.deepEqual(await other.at(onKey), {});
  });

  it('checks a report without a corpus in the worker too', async () => {
    const summary = await workspace.checkWithoutCorpus(path.join(root, 'other.md'), 'In 2022, 45% of victims returned.\n', {
      corpus: [],
      rules: {},
      skipSections: [],
      quoteMinWords: 5,
      citationStyle: 'pandoc',
      problems: [],
    });
    assert.deepEqual(summary.findings.map((finding) => finding.rule), ['invalid-settings', 'uncited-claim']);
  });

  it('shares one load between callers, and reloads only what changed', async () => {
    const corpus = path.join(root, 'corpus');
    const [first, second] = await Promise.all([workspace.corpus([corpus]), workspace.corpus([corpus])]);
    assert.equal(first, second);
    fs.writeFileSync(path.join(corpus, 'news-2019.txt'), '21 September 2019\n\nReintegration is now strong.\n');
    const reloaded = await workspace.reload([corpus]);
    assert.match((await reloaded.text('news-2019'))!, /now strong/);
    assert.equal(await workspace.loaded([corpus]), reloaded);
  });

  it('fetches sources again only when their metadata changed', async () => {
    const corpus = path.join(root, 'corpus');
    const first = await workspace.corpus([corpus]);
    const unchanged = await workspace.reload([corpus]);
    assert.notEqual(unchanged, first);
    assert.equal(unchanged.lookup, first.lookup, 'same sources: the lookup is reused');
    assert.equal(unchanged.corpus.sources, first.corpus.sources);
    fs.writeFileSync(path.join(corpus, 'news-2019.txt'), '22 September 2019\n\nReintegration is now strong.\n');
    const changed = await workspace.reload([corpus]);
    assert.notEqual(changed.lookup, first.lookup);
    assert.equal(changed.corpus.get('news-2019')!.metadata.date, '2019-09-22');
  });

  it('starts the worker again after it dies, and says the corpora were lost', async () => {
    const corpus = path.join(root, 'corpus');
    await workspace.corpus([corpus]);
    const lost = new Promise<string>((resolve) => client.onDidLoseCorpora(resolve));
    await (client as unknown as { worker: Worker }).worker.terminate();
    assert.match(await lost, /stopped/);
    assert.equal(workspace.loaded([corpus]), undefined, 'the corpus is forgotten');
    const again = await workspace.corpus([corpus]);
    assert.deepEqual(again.corpus.sources.map((source) => source.key).sort(), ['asylos-2023', 'broken', 'news-2019']);
    assert.equal((await again.search('shelters')).length, 1);
  });

  it('turns a failing request into a rejected promise and keeps serving', async () => {
    const corpus = path.join(root, 'missing-folder');
    const loaded = await workspace.corpus([corpus]);
    assert.ok(loaded.corpus.problems.some((problem) => /does not exist/.test(problem.message)));
    await assert.rejects(client.ask({ op: 'nonsense' } as never), /./);
    assert.deepEqual(await loaded.search('anything'), []);
  });
});
