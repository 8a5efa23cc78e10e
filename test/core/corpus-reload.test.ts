import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorpusCache, loadCorpus } from '../../src/core/corpus/corpus';
import { CitewiseWorkspace } from '../../src/core/corpus/workspace';
import { removeTrees, writeTree } from '../support/temp-tree';

describe('incremental corpus reload', () => {
  after(removeTrees);

  it('re-reads only the files that changed, and drops files that are gone', async () => {
    const root = writeTree({
      'a.md': '# Alpha\n\nFirst text.\n',
      'b.md': '# Beta\n\nSecond text.\n',
      'c.txt': 'Gamma\n\nThird text.\n',
      'corpus.yaml': 'sources:\n  - file: a.md\n    date: 2022-01-01\n',
    });
    const cache = new CorpusCache();
    const first = await loadCorpus(root, { cache });
    assert.equal(cache.lastRead, 3);
    assert.equal(first.get('a')?.metadata.date, '2022-01-01');

    const unchanged = await loadCorpus(root, { cache });
    assert.equal(cache.lastRead, 0);
    // Manifest metadata is applied again on top of the cached document.
    assert.equal(unchanged.get('a')?.metadata.date, '2022-01-01');
    assert.equal(unchanged.text('b')?.text, first.text('b')?.text);

    fs.writeFileSync(path.join(root, 'b.md'), '# Beta revised\n\nSecond text, longer now.\n');
    fs.rmSync(path.join(root, 'c.txt'));
    const changed = await loadCorpus(root, { cache });
    assert.equal(cache.lastRead, 1);
    assert.equal(changed.get('b')?.metadata.title, 'Beta revised');
    assert.equal(changed.has('c'), false);
    assert.deepEqual([...cache.documents.keys()].map((file) => path.basename(file)).sort(), ['a.md', 'b.md']);
  });

  it('keeps a source’s word index across reloads while the file is unchanged', async () => {
    const root = writeTree({ 'a.md': 'Some words here.\n', 'b.md': 'Other words.\n' });
    const workspace = new CitewiseWorkspace();
    const before = (await workspace.corpus([root])).corpus.text('a');
    fs.writeFileSync(path.join(root, 'b.md'), 'Other words, changed.\n');
    const after = (await workspace.reload([root])).corpus;
    assert.equal(after.text('a'), before);
    assert.equal(after.rawText('b'), 'Other words, changed.\n');
  });
});

describe('source openings for previews', () => {
  after(removeTrees);

  it('reads only the start of a large file, without front matter, and never cuts a character in two', async () => {
    const body = 'Shqipëria ë '.repeat(5000);
    const file = `---\ntitle: Big\n---\n${body}`;
    const root = writeTree({ 'big.md': file });
    const corpus = await loadCorpus(root);
    const opening = corpus.opening('big', 100)!;
    assert.equal(opening.length, 100);
    // The front matter is blanked character for character, so offsets and lines in the text are the file's.
    assert.equal(opening, `   \n          \n   \n${body.slice(0, 100 - 19)}`);
    assert.equal(opening.slice(19), file.slice(19, 100));
    assert.ok(opening.includes('Shqipëria'), opening);
    assert.ok(!opening.includes('\uFFFD'), 'no broken character');
    assert.ok(!opening.includes('title'), 'front matter is not part of the text');
  });
});

describe('segments over many reloads', () => {
  after(removeTrees);

  it('merges the small segments that one-file reloads leave, keeping every source searchable and the index current', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 12; index++) files[`doc-${index}.md`] = `# Document ${index}\n\nThe word marker${index} appears once. Shared words appear everywhere.\n`;
    const root = writeTree(files);
    const indexFolder = writeTree({});
    const workspace = new CitewiseWorkspace({ indexFolder });
    await workspace.corpus([root]);
    const segmentsOf = (corpus: import('../../src/core/corpus/corpus').Corpus) => new Set(corpus.keys().map((key) => corpus.entry(key)!.segment)).size;
    let loaded = await workspace.corpus([root]);
    const counts: number[] = [];
    for (let round = 0; round < 20; round++) {
      const index = round % 12;
      fs.writeFileSync(path.join(root, `doc-${index}.md`), `# Document ${index}\n\nThe word marker${index} appears once, edition${round}. Shared words appear everywhere.\n`);
      loaded = await workspace.reload([root]);
      counts.push(segmentsOf(loaded.corpus));
    }
    assert.ok(Math.max(...counts) <= 9, `segments after each reload: ${counts.join(', ')}`);
    assert.ok(counts.some((count, index) => index > 0 && count < counts[index - 1]), `small segments were merged: ${counts.join(', ')}`);
    const search = await loaded.searchAsync();
    for (let index = 0; index < 12; index++) {
      assert.deepEqual(search.search(`marker${index}`, { prefix: false }).map((hit) => hit.key), [`doc-${index}`], `marker${index}`);
    }
    assert.deepEqual(search.search('edition19', { prefix: false }).map((hit) => hit.key), ['doc-7']);
    assert.deepEqual(search.search('edition7', { prefix: false }), [], 'replaced text is gone');
    await workspace.settled();
    const warm = await new CitewiseWorkspace({ indexFolder }).corpus([root]);
    assert.deepEqual(warm.corpus.keys(), loaded.corpus.keys());
    for (const key of loaded.corpus.keys()) assert.equal(warm.corpus.rawText(key), loaded.corpus.rawText(key), key);
    assert.equal((await warm.searchAsync()).search('marker3', { prefix: false })[0].key, 'doc-3');
  });
});
