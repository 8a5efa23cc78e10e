import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorpusCache, loadCorpus } from '../../src/core/corpus';
import { CitewiseWorkspace } from '../../src/core/workspace';
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
