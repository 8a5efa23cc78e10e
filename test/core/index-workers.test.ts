import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CorpusCache, loadCorpus, type Corpus } from '../../src/core/corpus/corpus';
import { documentKinds, listCorpusFiles } from '../../src/core/corpus/corpus-files';
import { readDocumentDraft } from '../../src/core/corpus/document-reader';
import { extractInProcess } from '../../src/core/extract/document-extractor';
import { IndexWorkerPool } from '../../src/core/index/index-worker-pool';
import { Vocabulary } from '../../src/core/index/vocabulary';
import { CorpusSearch } from '../../src/core/search/search';
import { writePdf, textLines } from '../support/pdf-writer';
import { removeTrees, writeTree } from '../support/temp-tree';

const workerFile = path.resolve(__dirname, '../../src/core/index/index-worker.js');

/** The nice value of each thread of this process, from /proc (Linux). */
function threadNiceness(): number[] {
  return readdirSync('/proc/self/task').flatMap((thread) => {
    try {
      const stat = readFileSync(`/proc/self/task/${thread}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may hold spaces: nice is the 19th field.
      return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}

function words(corpus: Corpus, key: string): string[] {
  return [...corpus.wordIds(key)!].map((id) => corpus.vocabulary.words[id]);
}

describe('indexing in worker threads', () => {
  after(removeTrees);

  const files = {
    'alpha.md': '---\ntitle: Alpha report\ndate: 2022-05\n---\nFamilies decide together. Shelters are full in Tirana.\n',
    'beta.txt': '21 shtator 2022\n\nQeveria njoftoi një plan të ri për viktimat e trafikimit.\n',
    'gamma.html': '<html lang="en"><head><title>Gamma</title></head><body><p>Returns rose in 2023.</p><script>x()</script></body></html>',
    'broken.md': '---\ntitle: [unclosed\n---\nText survives.\n',
    'binary.txt': Buffer.from([0, 1, 2, 3]),
    'paged.pdf': Buffer.from(writePdf({ pages: [{ lines: textLines(['First page text.']) }, { lines: textLines(['Second page text.']) }] })),
  };

  it('loads the same sources, metadata, words and problems as reading in this thread', async () => {
    const root = writeTree(files);
    const here = await loadCorpus(root);
    const parallel = await loadCorpus(root, { workers: { file: workerFile, count: 2 } });
    assert.deepEqual(parallel.keys(), here.keys());
    for (const source of here.sources) {
      assert.deepEqual(parallel.get(source.key)!.metadata, source.metadata, source.key);
      assert.deepEqual(parallel.get(source.key)!.provenance, source.provenance, source.key);
      assert.deepEqual(words(parallel, source.key), words(here, source.key), source.key);
      assert.equal(parallel.rawText(source.key), here.rawText(source.key), source.key);
    }
    assert.deepEqual(parallel.pages('paged'), here.pages('paged'));
    assert.deepEqual(
      parallel.problems.map((problem) => [path.basename(problem.file), problem.line, problem.message]),
      here.problems.map((problem) => [path.basename(problem.file), problem.line, problem.message]),
    );
    // Search and quote lookup work on the numbers the workers produced.
    assert.deepEqual(new CorpusSearch(parallel).findQuote('Shelters are full in Tirana').map((hit) => hit.key), ['alpha']);
  });

  it('runs its workers below the priority of the thread that started them (Linux)', async function () {
    if (process.platform !== 'linux') this.skip();
    const root = writeTree(files);
    const own = threadNiceness();
    const pool = new IndexWorkerPool({ file: workerFile, count: 1 }, new Vocabulary(), () => Promise.reject(new Error('the worker should read')));
    try {
      const listed = await listCorpusFiles(root, []);
      const batch = await pool.read(root, listed.filter((file) => file.kind === 'markdown'));
      assert.equal(batch.results.length, 2);
      const niceness = threadNiceness();
      assert.equal(niceness.filter((nice) => nice === 10).length, own.filter((nice) => nice === 10).length + 1);
    } finally {
      await pool.dispose();
    }
  });

  it('keeps the usual priority for workers a command waits for (foreground)', async function () {
    if (process.platform !== 'linux') this.skip();
    const root = writeTree(files);
    const own = threadNiceness();
    const pool = new IndexWorkerPool({ file: workerFile, count: 1, foreground: true }, new Vocabulary(), () => Promise.reject(new Error('the worker should read')));
    try {
      const listed = await listCorpusFiles(root, []);
      assert.equal((await pool.readDrafts(root, listed.filter((file) => file.kind === 'markdown'), 'all', () => Promise.reject(new Error('the worker should read')))).length, 2);
      assert.equal(threadNiceness().filter((nice) => nice === 10).length, own.filter((nice) => nice === 10).length);
    } finally {
      await pool.dispose();
    }
  });

  it('reports progress for every file and works with the reload cache', async () => {
    const root = writeTree(files);
    const cache = new CorpusCache();
    const seen: number[] = [];
    await loadCorpus(root, { cache, workers: { file: workerFile, count: 2 }, onProgress: ({ done }) => seen.push(done) });
    assert.equal(cache.lastRead, 6);
    assert.ok(seen.includes(6));
    const again = await loadCorpus(root, { cache, workers: { file: workerFile, count: 2 } });
    assert.equal(cache.lastRead, 0);
    assert.deepEqual(words(again, 'alpha').slice(0, 3), ['families', 'decide', 'together']);
  });

  it('leaves out a file that takes longer than the time limit, with a problem at it, and reads the rest', async () => {
    // A file that really takes long (a PDF of 1,000 full pages) against a short limit, in place of one that
    // would never finish; the other files come before and after it in the same batch.
    const pages = Array.from({ length: 1000 }, (_, page) => ({ lines: textLines(Array.from({ length: 40 }, (_, line) => `Page ${page}, line ${line}, about shelters.`)) }));
    const root = writeTree({ 'alpha.md': files['alpha.md'], 'slow.pdf': Buffer.from(writePdf({ pages })), 'zeta.md': '# Zeta\n\nReturns rose.\n' });
    const corpus = await loadCorpus(root, { workers: { file: workerFile, count: 1, fileTimeoutMs: 1000 } });
    assert.deepEqual(corpus.keys().sort(), ['alpha', 'zeta']);
    assert.deepEqual(
      corpus.problems.map((problem) => [path.basename(problem.file), problem.line, /took longer than 1 s/.test(problem.message)]),
      [['slow.pdf', 1, true]],
    );
    assert.deepEqual(words(corpus, 'zeta'), ['zeta', 'returns', 'rose']);
  });

  describe('reading drafts alone', () => {
    const readHereInstead = () => Promise.reject(new Error('the worker should read'));

    it('gives each document\'s draft and problems as this thread reads them, inferring all or the key and title alone', async () => {
      const root = writeTree(files);
      const documents = (await listCorpusFiles(root, [])).filter((file) => documentKinds.includes(file.kind));
      const pool = new IndexWorkerPool({ file: workerFile, count: 2 }, new Vocabulary(), readHereInstead);
      try {
        for (const scope of ['all', 'key-and-title'] as const) {
          const drafts = await pool.readDrafts(root, documents, scope, readHereInstead);
          const here = await Promise.all(documents.map((file) => readDocumentDraft(root, file, extractInProcess, scope)));
          assert.equal(drafts.length, 6);
          assert.deepEqual(drafts, here);
          assert.ok(drafts.some((draft) => draft.draft === undefined && draft.problems.length > 0), 'the binary file is refused');
          // The scope reaches the worker: only a full inference dates a document from its text.
          assert.equal(drafts.some((draft) => draft.draft?.provenance.date?.origin === 'inferred'), scope === 'all');
        }
      } finally {
        await pool.dispose();
      }
    });

    it('leaves out a file that takes longer than the time limit, with a problem at it', async () => {
      const pages = Array.from({ length: 1000 }, (_, page) => ({ lines: textLines(Array.from({ length: 40 }, (_, line) => `Page ${page}, line ${line}, about shelters.`)) }));
      const root = writeTree({ 'alpha.md': files['alpha.md'], 'slow.pdf': Buffer.from(writePdf({ pages })), 'zeta.md': '# Zeta\n\nReturns rose.\n' });
      const documents = (await listCorpusFiles(root, [])).filter((file) => documentKinds.includes(file.kind));
      const pool = new IndexWorkerPool({ file: workerFile, count: 1, fileTimeoutMs: 1000 }, new Vocabulary(), readHereInstead);
      try {
        const drafts = await pool.readDrafts(root, documents, 'all', readHereInstead);
        assert.deepEqual(
          drafts.map(({ draft, problems }) => [draft?.fields.key, problems.map((problem) => [path.basename(problem.file), /took longer than 1 s/.test(problem.message)])]),
          [['alpha', []], [undefined, [['slow.pdf', true]]], ['zeta', []]],
        );
      } finally {
        await pool.dispose();
      }
    });
  });
});
