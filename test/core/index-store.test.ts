import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorpusCache, loadCorpus } from '../../src/core/corpus';
import { indexFileFor, loadIndex, saveIndex } from '../../src/core/index-store';
import { CitewiseWorkspace } from '../../src/core/workspace';
import { textLines, writePdf } from '../support/pdf-writer';
import { removeTrees, writeTree } from '../support/temp-tree';

const files = {
  'alpha.md': '---\ntitle: Alpha report\ndate: 2022-05\n---\nFamilies decide together. Shelters are full in Tirana.\n',
  'beta.txt': '21 shtator 2022\n\nQeveria njoftoi një plan të ri për viktimat e trafikimit.\n',
  'scan.pdf': Buffer.from(writePdf({ pages: [{ drawingOnly: true }] })),
  'paged.pdf': Buffer.from(writePdf({ pages: [{ lines: textLines(['First page text.']) }, { lines: textLines(['Second page text.']) }] })),
};

async function waitForFile(file: string): Promise<void> {
  for (let attempt = 0; attempt < 100 && !fs.existsSync(file); attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(fs.existsSync(file), `${file} was not written`);
}

describe('persisted index', () => {
  after(removeTrees);

  it('saves and reads back every document, failures included, with the same word numbers', async () => {
    const root = writeTree(files);
    const cache = new CorpusCache();
    const first = await loadCorpus(root, { cache });
    const file = indexFileFor(writeTree({}), [root]);
    await saveIndex(file, [root], cache);
    const restored = await loadIndex(file, [root]);
    assert.ok(restored);
    const second = await loadCorpus(root, { cache: restored });
    assert.equal(restored.lastRead, 0, 'nothing is read again');
    assert.deepEqual(second.keys(), first.keys());
    for (const key of first.keys()) {
      assert.deepEqual(second.get(key)!.metadata, first.get(key)!.metadata);
      assert.deepEqual([...second.wordIds(key)!], [...first.wordIds(key)!]);
      assert.equal(second.rawText(key), first.rawText(key));
    }
    assert.deepEqual(second.pages('paged'), first.pages('paged'));
    assert.deepEqual(second.problems, first.problems);
  });

  it('ignores an index that is cut short, garbled, of another format or for other folders', async () => {
    const root = writeTree(files);
    const cache = new CorpusCache();
    await loadCorpus(root, { cache });
    const folder = writeTree({});
    const file = indexFileFor(folder, [root]);
    await saveIndex(file, [root], cache);
    const good = fs.readFileSync(file);
    assert.equal(await loadIndex(file, [path.join(root, 'elsewhere')]), undefined);
    fs.writeFileSync(file, good.subarray(0, good.length - 8));
    assert.equal(await loadIndex(file, [root]), undefined);
    fs.writeFileSync(file, Buffer.from('not an index at all'));
    assert.equal(await loadIndex(file, [root]), undefined);
    const otherFormat = Buffer.from(good);
    otherFormat.writeUInt32LE(999, 4);
    fs.writeFileSync(file, otherFormat);
    assert.equal(await loadIndex(file, [root]), undefined);
    // The first number of the tail is the first word of the first document.
    const badWord = Buffer.from(good);
    const headerEnd = 12 + good.readUInt32LE(8);
    badWord.writeUInt32LE(0xffffffff, headerEnd + ((4 - (headerEnd % 4)) % 4));
    fs.writeFileSync(file, badWord);
    assert.equal(await loadIndex(file, [root]), undefined);
    assert.equal(await loadIndex(path.join(folder, 'missing.cwix'), [root]), undefined);
  });

  it('gives a warm start that reads only the sources changed since, and rebuilds a corrupt index', async () => {
    const root = writeTree(files);
    const indexFolder = writeTree({});
    const indexFile = indexFileFor(indexFolder, [root]);
    const cold = await new CitewiseWorkspace({ indexFolder }).corpus([root]);
    await waitForFile(indexFile);
    assert.deepEqual(fs.readdirSync(root).sort(), Object.keys(files).sort(), 'nothing is written into the corpus');

    fs.writeFileSync(path.join(root, 'beta.txt'), '21 shtator 2022\n\nQeveria njoftoi një plan tjetër.\n');
    const before = fs.statSync(indexFile).mtimeMs;
    const warm = await new CitewiseWorkspace({ indexFolder }).corpus([root]);
    assert.deepEqual(warm.corpus.keys(), cold.corpus.keys());
    assert.match(warm.corpus.rawText('beta')!, /plan tjetër/);
    assert.equal(warm.search().findQuote('Shelters are full in Tirana')[0].key, 'alpha');
    for (let attempt = 0; attempt < 100 && fs.statSync(indexFile).mtimeMs === before; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.notEqual(fs.statSync(indexFile).mtimeMs, before, 'the index is updated after a change');

    fs.writeFileSync(indexFile, 'garbage');
    const rebuilt = await new CitewiseWorkspace({ indexFolder }).corpus([root]);
    assert.deepEqual(rebuilt.corpus.keys(), cold.corpus.keys());
  });
});
