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
