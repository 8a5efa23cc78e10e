import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import JSZip from 'jszip';
import { CorpusCache, loadCorpus, type Corpus } from '../../src/core/corpus/corpus';
import { readBatch } from '../../src/core/corpus/document-reader';
import { extractInProcess, withExtractionCache, type DocumentExtractor } from '../../src/core/extract/document-extractor';
import { readHtmlMetadata } from '../../src/core/metadata/html-metadata';
import { resolveSettings } from '../../src/core/settings/settings';
import { Vocabulary } from '../../src/core/index/vocabulary';
import { writeDocx } from '../support/docx-writer';
import { assertNearLinear } from '../support/growth';
import { removeTrees, writeTree } from '../support/temp-tree';

/** A word no corpus file holds: found in any source's text, it was read from outside the corpus. */
const canary = 'zebracanaryoutside';
const good = { 'good.md': '# Good Source\n\nThe ministry confirmed that blood feuds remain a concern.\n' };

/** Every file under `root` with its bytes and modification time, links as links. */
function snapshot(root: string): string[] {
  const result: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      // A name that is not UTF-8 reaches JavaScript mangled and opens nothing; it is listed as such.
      const stat = fs.lstatSync(full, { throwIfNoEntry: false });
      if (!stat) {
        result.push(`${full} unopenable`);
        continue;
      }
      if (entry.isDirectory()) walk(full);
      else result.push(`${full} ${stat.mtimeMs} ${entry.isFile() ? fs.readFileSync(full).toString('base64') : entry.isSymbolicLink() ? fs.readlinkSync(full) : 'special'}`);
    }
  };
  walk(root);
  return result.sort();
}

function allText(corpus: Corpus): string {
  return corpus.keys().map((key) => corpus.rawText(key) ?? '').join('\n');
}

/**
 * Loads a corpus holding one good source and the hostile files, and asserts what must hold for every
 * hostile file: the good source still loads, nothing outside the corpus is read, nothing in it is written,
 * and the heap stays bounded. Returns the problems, relative to the root, for the case's own checks.
 */
async function loadHostile(files: Record<string, string | Buffer>, arrange?: (root: string, outside: string) => void) {
  const outside = writeTree({ 'secret.txt': `Secret ${canary}\n`, 'folder/secret.md': `# Secret ${canary}\n` });
  const root = writeTree({ ...good, ...files });
  arrange?.(root, outside);
  const before = snapshot(root);
  const heapBefore = process.memoryUsage().heapUsed;
  const corpus = await loadCorpus(root);
  assert.ok(process.memoryUsage().heapUsed - heapBefore < 512 * 1024 * 1024, 'the heap grew by more than 512 MB');
  assert.equal(corpus.get('good')?.metadata.title, 'Good Source');
  assert.ok(!allText(corpus).includes(canary), 'a file outside the corpus was read');
  assert.deepEqual(snapshot(root), before, 'the corpus was written to');
  for (const problem of corpus.problems) assert.ok(problem.line !== undefined && problem.line >= 1, `no line: ${JSON.stringify(problem)}`);
  return { corpus, root, problems: corpus.problems.map((problem) => ({ file: path.relative(root, problem.file), line: problem.line, message: problem.message })) };
}

describe('hostile corpora', () => {
  after(removeTrees);

  it('does not follow a link to a file or a folder outside the corpus, and says so at the link', async () => {
    const { problems } = await loadHostile({}, (root, outside) => {
      fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'passwd.txt'));
      fs.symlinkSync(path.join(outside, 'folder'), path.join(root, 'home'));
    });
    assert.deepEqual(
      problems.map((problem) => [problem.file, problem.line, /outside the corpus/.test(problem.message)]),
      [
        ['home', 1, true],
        ['passwd.txt', 1, true],
      ],
    );
  });

  it('names a link loop, a broken link and a link to a device for what they are', async () => {
    const { corpus, problems } = await loadHostile({}, (root) => {
      fs.symlinkSync(path.join(root, 'loop-b.md'), path.join(root, 'loop-a.md'));
      fs.symlinkSync(path.join(root, 'loop-a.md'), path.join(root, 'loop-b.md'));
      fs.symlinkSync(path.join(root, 'missing.md'), path.join(root, 'broken.md'));
      fs.symlinkSync('/dev/zero', path.join(root, 'zero.txt'));
    });
    const byFile = new Map(problems.map((problem) => [problem.file, problem.message]));
    assert.match(byFile.get('loop-a.md')!, /^Symbolic link loop/);
    assert.match(byFile.get('broken.md')!, /^Broken symbolic link/);
    assert.equal(corpus.has('zero'), false);
    assert.equal(byFile.has('zero.txt'), false, 'a device is no source, so it is left alone without a problem');
  });

  it('leaves a FIFO unread, so a load cannot block on it', async function () {
    const made = spawnSync('mkfifo', ['--help']);
    if (made.error) this.skip();
    const { corpus } = await loadHostile({}, (root) => {
      spawnSync('mkfifo', [path.join(root, 'pipe.txt')]);
    });
    assert.equal(corpus.has('pipe'), false);
  });

  it('does not block on a file swapped for a FIFO after it was listed', async function () {
    if (spawnSync('mkfifo', ['--help']).error) this.skip();
    const root = writeTree(good);
    const pipe = path.join(root, 'pipe.md');
    spawnSync('mkfifo', [pipe]);
    // As the reader meets it when the swap happens between listing and reading.
    const batch = await readBatch(root, [{ kind: 'markdown', path: pipe, relativePath: 'pipe.md' }], extractInProcess, new Vocabulary());
    assert.equal(batch.results[0].loaded, undefined);
    assert.match(batch.results[0].problems[0].message, /no longer a regular file/);
  });

  it('bounds nested @string macros, keeping the other entries', async () => {
    let bib = '@string{a0 = "xxxxxxxxxxxxxxxx"}\n';
    for (let level = 1; level <= 10; level++) bib += `@string{a${level} = ${Array(8).fill(`a${level - 1}`).join(' # ')}}\n`;
    bib += '@article{bomb, title = a10, year = 2020}\n@article{fine, title = {Fine Entry}, year = 2021}\n';
    const { corpus, problems } = await loadHostile({ 'refs.bib': bib });
    assert.equal(corpus.get('fine')?.metadata.title, 'Fine Entry');
    assert.ok(problems.some((problem) => problem.file === 'refs.bib' && /beyond 65536 characters/.test(problem.message)));
  });

  it('refuses a Word file that expands to too many tags before building it', async () => {
    const docx = await writeDocx({ paragraphs: Array.from({ length: 110_000 }, () => 'ab') });
    const { problems } = await loadHostile({ 'bomb.docx': Buffer.from(docx) });
    assert.deepEqual(problems.map((problem) => problem.file), ['bomb.docx']);
    assert.match(problems[0].message, /more than 600000 XML tags/);
  });

  it('refuses a Word file whose XML expands past the size limit, whatever sizes the zip declares', async () => {
    const zip = await JSZip.loadAsync(await writeDocx({ paragraphs: ['Fine.'] }));
    zip.file('word/styles.xml', `<w:styles>${' '.repeat(70 * 1024 * 1024)}</w:styles>`);
    const data = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const { problems } = await loadHostile({ 'bomb.docx': data });
    assert.match(problems[0].message, /expands to more than 64 MB/);
  });

  it('skips only the corpus.yaml entry with a duplicate field, keeping metadata-only entries', async () => {
    const { corpus, problems } = await loadHostile({
      'corpus.yaml': 'sources:\n  - file: good.md\n    publisher: Asylos\n  - key: twice\n    title: A\n    title: B\n  - key: held-elsewhere\n    title: Held Elsewhere\n',
    });
    assert.equal(corpus.get('good')?.metadata.publisher, 'Asylos');
    assert.equal(corpus.get('held-elsewhere')?.metadata.title, 'Held Elsewhere');
    assert.equal(corpus.has('twice'), false);
    assert.deepEqual(problems.map((problem) => [problem.file, problem.line]), [['corpus.yaml', 6]]);
  });

  it('survives a YAML alias bomb in corpus.yaml as a problem', async () => {
    let yaml = 'a0: &a0 [x, x, x, x, x, x, x, x, x]\n';
    for (let level = 1; level < 12; level++) yaml += `a${level}: &a${level} [${Array(9).fill(`*a${level - 1}`).join(', ')}]\n`;
    const { problems } = await loadHostile({ 'corpus.yaml': `${yaml}sources: []\n` });
    assert.deepEqual(problems.map((problem) => problem.file), ['corpus.yaml']);
  });

  it('reads UTF-16 without a byte-order mark and UTF-32 with one, and refuses a NUL byte past the first 8 KB', async () => {
    const { corpus, problems } = await loadHostile({
      'utf16.txt': Buffer.from('Sixteen Bits\n\nPlain words.\n', 'utf16le'),
      'utf32.txt': Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), ...[...'Thirty Two\n\nWide words.\n'].map((c) => { const b = Buffer.alloc(4); b.writeUInt32LE(c.codePointAt(0)!); return b; })]),
      'late-nul.txt': Buffer.concat([Buffer.from(`Late\n\n${'text '.repeat(4000)}`), Buffer.from([0]), Buffer.from('more\n')]),
    });
    assert.equal(corpus.get('utf16')?.metadata.title, 'Sixteen Bits');
    assert.equal(corpus.get('utf32')?.metadata.title, 'Thirty Two');
    assert.equal(corpus.has('late-nul'), false);
    const byFile = new Map(problems.map((problem) => [problem.file, problem.message]));
    assert.match(byFile.get('utf16.txt')!, /UTF-16 without a byte-order mark/);
    assert.match(byFile.get('late-nul.txt')!, /^Binary file: it contains a NUL byte \(at byte 20006\)/);
  });

  it('reports unclosed front matter instead of silently reading it as text', async () => {
    const { problems } = await loadHostile({ 'open.md': '---\ntitle: Never Closed\n\nBody text.\n' });
    assert.deepEqual(problems.map((problem) => [problem.file, problem.line]), [['open.md', 1]]);
    assert.match(problems[0].message, /never closed/);
  });

  it('reports a file name that is not valid UTF-8 as such', async function () {
    if (process.platform !== 'linux') this.skip();
    const { problems } = await loadHostile({}, (root) => {
      fs.writeFileSync(Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff]), Buffer.from('.txt')]), 'Text\n');
    });
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /not valid UTF-8/);
  });

  it('keeps a file its own key when an earlier file declares the same one', async () => {
    const { corpus, problems } = await loadHostile({ 'a.md': '---\nkey: good\n---\n# Thief\n' });
    assert.equal(corpus.get('good')?.relativePath, 'good.md');
    assert.deepEqual(problems.map((problem) => [problem.file, problem.line]), [['a.md', 2]]);
  });

  it('notices a same-size edit that sets the old modification time back', async () => {
    const root = writeTree({ 'a.md': '# Alpha\n\nThe old words.\n' });
    const file = path.join(root, 'a.md');
    const cache = new CorpusCache();
    await loadCorpus(root, { cache });
    const { atime, mtime } = fs.statSync(file);
    fs.writeFileSync(file, '# Alpha\n\nThe new words.\n');
    fs.utimesSync(file, atime, mtime);
    const reloaded = await loadCorpus(root, { cache });
    assert.equal(cache.lastRead, 1);
    assert.match(reloaded.rawText('a') ?? '', /new words/);
  });

  it('does not trust an extraction cache entry edited into other valid JSON', async () => {
    const root = writeTree({ 'doc.docx': Buffer.from(await writeDocx({ paragraphs: ['The true text.'] })) });
    const cacheFolder = writeTree({});
    let extractions = 0;
    const counting: DocumentExtractor = async (file, kind) => {
      extractions++;
      return (await import('../../src/core/extract/document-extractor')).extractInProcess(file, kind);
    };
    const extract = withExtractionCache(counting, cacheFolder);
    await extract(path.join(root, 'doc.docx'), 'docx');
    const [entryFile] = fs.readdirSync(cacheFolder);
    const entryPath = path.join(cacheFolder, entryFile);
    fs.writeFileSync(entryPath, fs.readFileSync(entryPath, 'utf8').replace('The true text.', 'A forged text.'));
    const again = await extract(path.join(root, 'doc.docx'), 'docx');
    assert.equal(extractions, 2);
    assert.equal(again.pages[0], 'The true text.');
  });

  it('lists folders nested 1,200 deep without exhausting the stack', async () => {
    // Not timed as a ratio: every system call on a path walks all of its folders in the kernel, so listing
    // is quadratic in the depth there, however the walk is written; PATH_MAX bounds the depth.
    const root = writeTree(good);
    const deep = path.join(root, ...Array(1200).fill('d'));
    fs.mkdirSync(deep, { recursive: true });
    fs.writeFileSync(path.join(deep, 'deep.md'), '# Deep\n');
    const corpus = await loadCorpus(root);
    assert.deepEqual(corpus.keys().sort(), ['deep', 'good']);
  });

  it('reads a page whose heading holds 300,000 elements as a page, not as a 300,000-letter title', async () => {
    const wide = `<html><head><title>Wide Page</title></head><body><h1>${'<b>x</b>'.repeat(300_000)}</h1><p>Text.</p></body></html>`;
    const { corpus } = await loadHostile({ 'wide.html': wide });
    assert.equal(corpus.get('wide')?.metadata.title, 'Wide Page');
  });

  it('reads the metadata of pages with ever more elements in near-linear time', async () => {
    const make = (n: number) => `<html><head><title>Wide Page</title></head><body><div>${'<span>word</span> '.repeat(n)}</div></body></html>`;
    await assertNearLinear('a page of many elements', make, (html) => readHtmlMetadata(html), 5_000, 320_000);
  });

  it('loads a source with a long front-matter line in near-linear time', async () => {
    const make = (n: number) => writeTree({ 'long.md': `---\ntitle: ${'a'.repeat(n)}\nnote: ${' '.repeat(n)}x\n---\nText from 2022.\n` });
    await assertNearLinear('a long front-matter line', make, (root) => loadCorpus(root), 100_000, 1_600_000);
  });

  describe('the corpus boundary', () => {
    const report = '---\ncitewise:\n  corpus: CORPUS\n---\nText.\n';

    it('refuses a corpus a report declares outside its workspace, at the corpus line, unless the user allows it', async () => {
      const outside = writeTree({ 'secret.txt': canary });
      const workspace = writeTree({ 'report.md': '' });
      const file = path.join(workspace, 'report.md');
      const text = report.replace('CORPUS', outside);
      const refused = await resolveSettings({}, file, text);
      assert.deepEqual(refused.corpus, []);
      assert.deepEqual(refused.problems.map((problem) => [problem.file, problem.line]), [[file, 3]]);
      assert.match(refused.problems[0].message, /outside the workspace/);
      const allowed = await resolveSettings({ allowedCorpusFolders: [path.dirname(outside)] }, file, text);
      assert.deepEqual(allowed.corpus, [outside]);
      assert.deepEqual(allowed.problems, []);
    });

    it('resolves links: a folder inside the workspace that links out is outside', async () => {
      const outside = writeTree({ 'secret.txt': canary });
      const workspace = writeTree({ 'citewise.yaml': 'corpus: corpus\n', 'report.md': '' });
      fs.symlinkSync(outside, path.join(workspace, 'corpus'));
      const settings = await resolveSettings({ workspaceRoot: workspace }, path.join(workspace, 'report.md'), 'Text.\n');
      assert.deepEqual(settings.corpus, []);
      assert.deepEqual(settings.problems.map((problem) => [problem.file, problem.line]), [[path.join(workspace, 'citewise.yaml'), 1]]);
    });

    it('lets a report in a repository name a corpus anywhere in that repository, and the user name any', async () => {
      const repository = writeTree({ '.git/HEAD': 'ref: refs/heads/main\n', 'corpus/a.md': '# A\n', 'reports/r.md': '' });
      const inRepository = await resolveSettings({}, path.join(repository, 'reports', 'r.md'), report.replace('CORPUS', '../corpus'));
      assert.deepEqual(inRepository.corpus, [path.join(repository, 'corpus')]);
      const outside = writeTree({ 'a.md': '# A\n' });
      const byUser = await resolveSettings(
        { baseSettings: () => ({ file: path.join(repository, 'settings.json'), settings: { corpus: [outside] }, problems: [], byUser: true }) },
        path.join(repository, 'reports', 'r.md'),
        'Text.\n',
      );
      assert.deepEqual(byUser.corpus, [outside]);
    });
  });
});
