import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorpusCache, loadCorpus, type Corpus } from '../../src/core/corpus/corpus';
import { indexDirectoryFor, loadIndex, saveIndex } from '../../src/core/index/index-store';
import { CorpusSearch } from '../../src/core/search/search';
import { CitewiseWorkspace, type LoadedCorpus } from '../../src/core/corpus/workspace';
import { textLines, writePdf } from '../support/pdf-writer';
import { removeTrees, writeTree } from '../support/temp-tree';

const files = {
  'alpha.md': '---\ntitle: Alpha report\ndate: 2022-05\n---\nFamilies decide together. Shelters are full in Tirana.\n',
  'beta.txt': '21 shtator 2022\n\nQeveria njoftoi një plan të ri për viktimat e trafikimit.\n',
  'gamma.html': '<html lang="en"><head><title>Gamma</title></head><body><p>Returns rose in 2023 after the floods.</p></body></html>',
  'scan.pdf': Buffer.from(writePdf({ pages: [{ drawingOnly: true }] })),
  'paged.pdf': Buffer.from(writePdf({ pages: [{ lines: textLines(['First page text.']) }, { lines: textLines(['Second page text.']) }] })),
};

/** Loads a corpus with one segment per document, so damage to one segment file can be told apart. */
async function loadInSegments(root: string, cache: CorpusCache): Promise<Corpus> {
  return loadCorpus(root, { cache, batchBytes: 1 });
}

function segmentFiles(directory: string): string[] {
  return fs.readdirSync(directory).filter((name) => name.endsWith('.cws')).sort();
}

/** The segment file that holds a document, found by the document's words being in it. */
function segmentFileOf(directory: string, cache: CorpusCache, documentPath: string): string {
  const segment = cache.documents.get(documentPath)!.loaded!.entry.segment;
  return path.join(directory, `${segment.id}.cws`);
}

function sameCorpus(actual: Corpus, expected: Corpus): void {
  assert.deepEqual(actual.keys(), expected.keys());
  for (const key of expected.keys()) {
    assert.deepEqual(actual.get(key)!.metadata, expected.get(key)!.metadata, key);
    assert.deepEqual(actual.get(key)!.provenance, expected.get(key)!.provenance, key);
    assert.equal(actual.get(key)!.path, expected.get(key)!.path, key);
    assert.deepEqual([...actual.wordIds(key)!].map((id) => actual.vocabulary.words[id]), [...expected.wordIds(key)!].map((id) => expected.vocabulary.words[id]), key);
    assert.equal(actual.rawText(key), expected.rawText(key), key);
  }
  assert.deepEqual(actual.pages('paged'), expected.pages('paged'));
  assert.deepEqual(actual.problems, expected.problems);
}

describe('persisted index', () => {
  after(removeTrees);

  it('saves and reads back every document, failures included, with the same words, and reads no source again', async () => {
    const root = writeTree(files);
    const cache = new CorpusCache();
    const first = await loadInSegments(root, cache);
    const directory = indexDirectoryFor(writeTree({}), [root]);
    await saveIndex(directory, [root], cache);
    assert.equal(segmentFiles(directory).length, cache.segments().length);
    const restored = await loadIndex(directory, [root]);
    assert.ok(restored);
    const second = await loadCorpus(root, { cache: restored });
    assert.equal(restored.lastRead, 0, 'nothing is read again');
    sameCorpus(second, first);
    // Passages come from the files at the offsets the index kept.
    assert.equal(second.passage('alpha', second.rawText('alpha')!.indexOf('Shelters'), second.rawText('alpha')!.indexOf('Tirana') + 6)?.line, 5);
  });

  it('answers searches from the segment files before their postings are read whole, as it does from memory', async () => {
    const words = ['shelter', 'families', 'return', 'Tirana', 'north', 'feud', 'the', 'of', 'victims', 'court', 'police', 'rare'];
    const many: Record<string, string> = {};
    for (let index = 0; index < 40; index++) {
      const text = Array.from({ length: 300 + index * 37 }, (_, at) => words[(at * 7 + index * 3 + (at % 5) * at) % words.length]).join(' ');
      many[`doc-${index}.md`] = `# Document ${index}\n\n${text}\n`;
    }
    const root = writeTree(many);
    const cache = new CorpusCache();
    const inMemory = await loadInSegments(root, cache);
    const directory = indexDirectoryFor(writeTree({}), [root]);
    await saveIndex(directory, [root], cache);
    const restored = (await loadIndex(directory, [root]))!;
    const fromFiles = await loadCorpus(root, { cache: restored });
    const segments = restored.segments();
    const expected = new CorpusSearch(inMemory);
    const actual = new CorpusSearch(fromFiles);
    for (const query of ['shelter', 'families return', '"north feud"', 'ti', 'police court victims', '"the of"']) {
      assert.deepEqual(actual.search(query, { limit: 30 }), expected.search(query, { limit: 30 }), query);
    }
    assert.ok(segments.every((segment) => !segment.hasPostings), 'the postings were read a term at a time, not whole');
    const quote = fromFiles.rawText('doc-3')!.split(/\s+/).slice(20, 32).join(' ');
    assert.deepEqual(actual.findQuote(quote, 50), expected.findQuote(quote, 50));
    assert.ok(actual.findQuote(quote, 50).some((hit) => hit.key === 'doc-3'));
  });

  it('saves the search directory with the index and uses it only for the segments it was saved with, checked', async () => {
    const root = writeTree(files);
    const cache = new CorpusCache();
    const inMemory = await loadInSegments(root, cache);
    const directory = indexDirectoryFor(writeTree({}), [root]);
    await saveIndex(directory, [root], cache);
    const names = cache.segments().map((segment) => segment.id).sort();
    const restored = (await loadIndex(directory, [root]))!;
    const fromFiles = await loadCorpus(root, { cache: restored });
    assert.ok(fromFiles.savedDirectory?.(names), 'the saved directory is read');
    assert.equal(fromFiles.savedDirectory?.(names.slice(1)), undefined, 'not for other segments');
    const expected = new CorpusSearch(inMemory).search('shelters tirana');
    assert.deepEqual(new CorpusSearch(fromFiles).search('shelters tirana'), expected);
    assert.equal(expected[0].key, 'alpha');

    // Entries are read a word at a time, unchecked, then whole and checked: damage there shows then.
    const file = path.join(directory, 'directory.cwd');
    const good = fs.readFileSync(file);
    const badEntries = Buffer.from(good);
    badEntries[badEntries.length - 3] ^= 0xff;
    fs.writeFileSync(file, badEntries);
    const damaged = await loadCorpus(root, { cache: (await loadIndex(directory, [root]))! });
    const saved = damaged.savedDirectory!(names) as import('../../src/core/search/search').SavedDirectory;
    saved.loadFull();
    assert.equal(saved.damaged, true, 'damaged entries are found when the directory is read whole');
    assert.deepEqual(new CorpusSearch(damaged).search('shelters tirana'), expected, 'search builds its own instead');

    const badHeader = Buffer.from(good);
    badHeader[20] ^= 0xff;
    fs.writeFileSync(file, badHeader);
    const noDirectory = await loadCorpus(root, { cache: (await loadIndex(directory, [root]))! });
    assert.equal(noDirectory.savedDirectory?.(names), undefined, 'a directory with a damaged header is not used');
    assert.deepEqual(new CorpusSearch(noDirectory).search('shelters tirana'), expected);
  });

  it('lets go of documents\' words once they are on disk, and reads them back a document at a time', async () => {
    const root = writeTree(files);
    const cache = new CorpusCache();
    const corpus = await loadInSegments(root, cache);
    const before = [...corpus.wordIds('alpha')!];
    await saveIndex(indexDirectoryFor(writeTree({}), [root]), [root], cache);
    assert.ok(cache.segments().every((segment) => !segment.holdsWords));
    assert.deepEqual([...corpus.wordIds('alpha')!], before);
  });

  it('keeps extracted text in the segment files, not the manifest, and refuses a damaged copy with a clear message', async () => {
    const root = writeTree(files);
    const cache = new CorpusCache();
    const first = await loadInSegments(root, cache);
    const directory = indexDirectoryFor(writeTree({}), [root]);
    await saveIndex(directory, [root], cache);
    assert.ok(!fs.readFileSync(path.join(directory, 'index.cwm')).includes('Second page text'), 'the manifest holds no extracted text');
    const pagedFile = segmentFileOf(directory, cache, path.join(root, 'paged.pdf'));
    assert.ok(fs.readFileSync(pagedFile).includes('Second page text'));
    const restored = (await loadIndex(directory, [root]))!;
    const second = await loadCorpus(root, { cache: restored });
    assert.equal(second.rawText('paged'), first.rawText('paged'));

    const bytes = fs.readFileSync(pagedFile);
    bytes[bytes.indexOf('Second page text')] ^= 0x20;
    fs.writeFileSync(pagedFile, bytes);
    const damaged = await loadCorpus(root, { cache: (await loadIndex(directory, [root]))! });
    assert.throws(() => damaged.rawText('paged'), /damaged.*Rebuild Index/);
  });

  it('ignores a manifest that is cut short, garbled, altered, of another format or for other folders', async () => {
    const root = writeTree(files);
    const cache = new CorpusCache();
    await loadCorpus(root, { cache });
    const directory = indexDirectoryFor(writeTree({}), [root]);
    await saveIndex(directory, [root], cache);
    const manifest = path.join(directory, 'index.cwm');
    const good = fs.readFileSync(manifest);
    assert.ok(await loadIndex(directory, [root]));
    assert.equal(await loadIndex(directory, [path.join(root, 'elsewhere')]), undefined);
    const variants: [string, Buffer][] = [
      ['cut short', good.subarray(0, good.length - 8)],
      ['not an index', Buffer.from('not an index at all')],
      ['another format', Buffer.from(good).fill(0, 4, 5)],
      // A byte of the JSON header changed: its checksum no longer matches.
      ['altered header', Buffer.from(good).fill(0x20, 40, 41)],
      // A byte of the vocabulary changed.
      ['altered words', Buffer.from(good).fill(0x41, good.length - 2, good.length - 1)],
    ];
    for (const [what, bytes] of variants) {
      fs.writeFileSync(manifest, bytes);
      assert.equal(await loadIndex(directory, [root]), undefined, what);
    }
    assert.equal(await loadIndex(path.join(directory, 'missing'), [root]), undefined);
  });

  it('reads again only the documents of a segment file that is missing, cut short or altered', async () => {
    const root = writeTree(files);
    const cache = new CorpusCache();
    const first = await loadInSegments(root, cache);
    const directory = indexDirectoryFor(writeTree({}), [root]);
    await saveIndex(directory, [root], cache);
    const alpha = segmentFileOf(directory, cache, path.join(root, 'alpha.md'));
    const beta = segmentFileOf(directory, cache, path.join(root, 'beta.txt'));
    const gamma = segmentFileOf(directory, cache, path.join(root, 'gamma.html'));
    fs.rmSync(alpha);
    fs.truncateSync(beta, 40);
    const bytes = fs.readFileSync(gamma);
    // The header's checksum covers the header; flip a byte of it.
    bytes[20] ^= 0xff;
    fs.writeFileSync(gamma, bytes);
    const restored = (await loadIndex(directory, [root]))!;
    const second = await loadCorpus(root, { cache: restored });
    assert.equal(restored.lastRead, 3, 'the three documents of damaged segments are read again');
    sameCorpus(second, first);
  });

  it('finds damaged postings before search uses them, and reads those documents again', async () => {
    const root = writeTree(files);
    const indexFolder = writeTree({});
    const cold = new CitewiseWorkspace({ indexFolder, loadOptions: { batchBytes: 1 } });
    await cold.corpus([root]);
    await cold.settled();
    const directory = indexDirectoryFor(indexFolder, [root]);
    // Postings follow the header and the core arrays; damage the last byte before the documents' words.
    const cache = (await loadIndex(directory, [root]))!;
    const alphaFile = segmentFileOf(directory, cache, path.join(root, 'alpha.md'));
    const bytes = fs.readFileSync(alphaFile);
    const headerLength = bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.toString('utf8', 16, 16 + headerLength)) as { sections: { name: string; offset: number; length: number }[] };
    const positions = header.sections.find((section) => section.name === 'positions')!;
    bytes[positions.offset] ^= 0x7f;
    fs.writeFileSync(alphaFile, bytes);

    const repaired = new Promise<LoadedCorpus>((resolve) => {
      const warm = new CitewiseWorkspace({ indexFolder, prefetch: true, loadOptions: { batchBytes: 1 }, onIndexRepaired: (_roots, loaded) => resolve(loaded) });
      void warm.corpus([root]).then((loaded) => loaded.searchAsync());
    });
    const loaded = await repaired;
    const hits = (await loaded.searchAsync()).search('shelters tirana');
    assert.deepEqual(hits.map((hit) => hit.key), ['alpha']);
  });

  it('notices a damaged word table when it is first read, recovers the words from the text, and repairs the index', async () => {
    const root = writeTree(files);
    const indexFolder = writeTree({});
    const cold = new CitewiseWorkspace({ indexFolder, loadOptions: { batchBytes: 1 } });
    const expected = (await cold.corpus([root])).corpus;
    const words = (corpus: typeof expected) => [...corpus.wordIds('alpha')!].map((id) => corpus.vocabulary.words[id]);
    await cold.settled();
    const directory = indexDirectoryFor(indexFolder, [root]);
    const alphaFile = segmentFileOf(directory, (await loadIndex(directory, [root]))!, path.join(root, 'alpha.md'));
    const bytes = fs.readFileSync(alphaFile);
    const header = JSON.parse(bytes.toString('utf8', 16, 16 + bytes.readUInt32LE(8))) as { sections: { name: string; offset: number }[] };
    bytes[header.sections.find((section) => section.name === 'termIds')!.offset] ^= 0x01;
    fs.writeFileSync(alphaFile, bytes);

    let repaired: LoadedCorpus | undefined;
    const warm = new CitewiseWorkspace({ indexFolder, prefetch: true, loadOptions: { batchBytes: 1 }, onIndexRepaired: (_roots, loaded) => (repaired = loaded) });
    const loaded = await warm.corpus([root]);
    assert.deepEqual(words(loaded.corpus), words(expected), 'the words are read again from the text');
    await loaded.searchAsync();
    for (let attempt = 0; attempt < 200 && !repaired; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(repaired, 'the damaged segment was noticed and its documents read again');
    assert.deepEqual((await repaired.searchAsync()).search('shelters tirana').map((hit) => hit.key), ['alpha']);
    assert.deepEqual(words(repaired.corpus), words(expected));
  });

  it('recovers a document whose words in the index are damaged by reading its text again', async () => {
    const root = writeTree(files);
    const cache = new CorpusCache();
    const first = await loadInSegments(root, cache);
    const expected = [...first.wordIds('alpha')!].map((id) => first.vocabulary.words[id]);
    const directory = indexDirectoryFor(writeTree({}), [root]);
    await saveIndex(directory, [root], cache);
    const alphaFile = segmentFileOf(directory, cache, path.join(root, 'alpha.md'));
    const bytes = fs.readFileSync(alphaFile);
    const header = JSON.parse(bytes.toString('utf8', 16, 16 + bytes.readUInt32LE(8))) as { sections: { name: string; offset: number }[] };
    bytes[header.sections.find((section) => section.name === 'forward')!.offset] ^= 0x01;
    fs.writeFileSync(alphaFile, bytes);
    const restored = (await loadIndex(directory, [root]))!;
    const second = await loadCorpus(root, { cache: restored });
    assert.deepEqual([...second.wordIds('alpha')!].map((id) => second.vocabulary.words[id]), expected);
  });

  it('gives a warm start that reads only the sources changed since, keeps the index current, and rebuilds a garbled one', async () => {
    const root = writeTree(files);
    const indexFolder = writeTree({});
    const directory = indexDirectoryFor(indexFolder, [root]);
    const coldWorkspace = new CitewiseWorkspace({ indexFolder });
    const cold = await coldWorkspace.corpus([root]);
    await coldWorkspace.settled();
    assert.ok(fs.existsSync(path.join(directory, 'index.cwm')));
    assert.deepEqual(fs.readdirSync(root).sort(), Object.keys(files).sort(), 'nothing is written into the corpus');

    fs.writeFileSync(path.join(root, 'beta.txt'), '21 shtator 2022\n\nQeveria njoftoi një plan tjetër.\n');
    const manifestBefore = fs.readFileSync(path.join(directory, 'index.cwm'));
    const warmWorkspace = new CitewiseWorkspace({ indexFolder });
    const warm = await warmWorkspace.corpus([root]);
    assert.deepEqual(warm.corpus.keys(), cold.corpus.keys());
    assert.match(warm.corpus.rawText('beta')!, /plan tjetër/);
    assert.equal((await warm.searchAsync()).findQuote('Shelters are full in Tirana')[0].key, 'alpha');
    await warmWorkspace.settled();
    assert.notDeepEqual(fs.readFileSync(path.join(directory, 'index.cwm')), manifestBefore, 'the index is updated after a change');
    const third = (await loadIndex(directory, [root]))!;
    await loadCorpus(root, { cache: third });
    assert.equal(third.lastRead, 0, 'the updated index covers the changed source');

    fs.writeFileSync(path.join(directory, 'index.cwm'), 'garbage');
    const rebuilt = await new CitewiseWorkspace({ indexFolder }).corpus([root]);
    assert.deepEqual(rebuilt.corpus.keys(), cold.corpus.keys());
  });

  it('removes segment files no manifest uses any more', async () => {
    const root = writeTree(files);
    const indexFolder = writeTree({});
    const directory = indexDirectoryFor(indexFolder, [root]);
    const workspace = new CitewiseWorkspace({ indexFolder, loadOptions: { batchBytes: 1 } });
    await workspace.corpus([root]);
    await workspace.settled();
    const before = segmentFiles(directory);
    fs.writeFileSync(path.join(root, 'beta.txt'), '21 shtator 2022\n\nNjë tekst i ri.\n');
    await workspace.reload([root]);
    await workspace.settled();
    const after = segmentFiles(directory);
    assert.equal(after.length, before.length, 'one segment replaced by one');
    assert.notDeepEqual(after, before);
  });
});
