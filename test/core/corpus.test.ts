import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCorpus, type Corpus } from '../../src/core/corpus/corpus';
import { listCorpusFiles } from '../../src/core/corpus/corpus-files';
import type { CorpusProblem, Source } from '../../src/core/corpus/source';
import { removeTrees, writeTree } from '../support/temp-tree';

const englishParagraph =
  'The report of the ministry is based on the data that was collected in the country, and it has been published by the office for the public. ' +
  'The findings of the study are clear: they show that the number of people who have left the country has not been falling, as it was expected to be.';

const albanianParagraph =
  'Raporti i ministrisë është publikuar sot dhe tregon se numri i të rinjve që largohen nga vendi për të punuar në Gjermani nuk ka rënë. ' +
  'Sipas raportit, një pjesë e madhe e tyre janë me arsim të lartë dhe kanë punë në vend, por edhe ata mund të largohen. ' +
  'Kjo është një sfidë për qeverinë dhe për shoqërinë.';

/** Problems with the file made relative to the corpus root, so expectations stay readable. */
function relativeProblems(corpus: Corpus, root: string): (Omit<CorpusProblem, 'file' | 'column'> & { file: string })[] {
  return corpus.problems.map(({ file, line, message, severity }) => ({ file: path.relative(root, file), line, message, severity }));
}

function source(corpus: Corpus, key: string): Source {
  const found = corpus.get(key);
  assert.ok(found, `expected a source with key "${key}"; keys are ${corpus.keys().join(', ')}`);
  return found;
}

/** Every file and folder under `root` with its bytes and modification time. */
function snapshot(root: string): Map<string, string> {
  const result = new Map<string, string>();
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      const stat = fs.lstatSync(full);
      if (entry.isDirectory()) {
        result.set(full, `dir ${stat.mtimeMs}`);
        walk(full);
      } else if (entry.isSymbolicLink()) {
        result.set(full, `link ${fs.readlinkSync(full)} ${stat.mtimeMs}`);
      } else {
        result.set(full, `file ${stat.mtimeMs} ${fs.readFileSync(full).toString('base64')}`);
      }
    }
  };
  walk(root);
  return result;
}

describe('loadCorpus', () => {
  after(() => removeTrees());

  describe('inference from the text', () => {
    it('takes the title from the first heading, cleaned of emphasis, with its line', async () => {
      const root = writeTree({ 'heading.md': '\n# Annual Report on *Migration*\n\nIntroduction to the report.\n' });
      const corpus = await loadCorpus(root);
      const found = source(corpus, 'heading');
      assert.equal(found.metadata.title, 'Annual Report on Migration');
      assert.deepEqual(found.provenance.title, { origin: 'inferred', file: 'heading.md', line: 2, cue: 'first heading', confidence: 'medium' });
      assert.deepEqual(corpus.problems, []);
    });

    it('takes the title from the first non-empty line when there is no heading', async () => {
      const root = writeTree({ 'notes.txt': '\n\n   Country Profile of Albania   \nA second line of text.\n' });
      const found = source(await loadCorpus(root), 'notes');
      assert.equal(found.metadata.title, 'Country Profile of Albania');
      assert.deepEqual(found.provenance.title, { origin: 'inferred', file: 'notes.txt', line: 3, cue: 'first line', confidence: 'low' });
    });

    const dateCases: [string, string, string, string, string][] = [
      ['long', 'Published on 21 September 2022 in Tirana.', '2022-09-21', '"Published on" line', 'high'],
      ['month-year', 'Issue of September 2022', '2022-09', '"Issue of" line', 'high'],
      ['iso', 'Date: 2022-09-21', '2022-09-21', '"Date" line', 'high'],
      ['slashes', 'Tirana, 21/09/2022', '2022-09-21', 'dateline', 'medium'],
      ['dots', 'Tirana, 21.09.2022', '2022-09-21', 'dateline', 'medium'],
      ['albanian', 'Tiranë, më 21 shtator 2022', '2022-09-21', 'dateline', 'medium'],
      ['albanian-month', 'Botuar në nëntor 2021', '2021-11', '"Botuar në" line', 'high'],
    ];
    for (const [name, line, expected, cue, confidence] of dateCases) {
      it(`infers the date from "${line}"`, async () => {
        const root = writeTree({ [`${name}.txt`]: `Some Title\n\n${line}\n\nLater, on 1 January 2024, more happened.\n` });
        const found = source(await loadCorpus(root), name);
        assert.equal(found.metadata.date, expected);
        assert.deepEqual(found.provenance.date, { origin: 'inferred', file: `${name}.txt`, line: 3, cue, confidence });
      });
    }

    it('looks for the date only near the top of the text', async () => {
      const filler = Array.from({ length: 44 }, (_, index) => `Paragraph ${index + 1} without any date.`).join('\n');
      const root = writeTree({
        'late.txt': `Late Title\n${filler}\nWritten 21 September 2022.\n`,
        'early.txt': `Early Title\n${filler.split('\n').slice(0, 28).join('\n')}\nWritten 21 September 2022.\n`,
      });
      const corpus = await loadCorpus(root);
      assert.equal(source(corpus, 'late').metadata.date, undefined);
      assert.equal(source(corpus, 'early').metadata.date, '2022-09-21');
      assert.equal(source(corpus, 'early').provenance.date?.line, 30);
    });

    it('makes the key a slug of the file name, without diacritics or spaces', async () => {
      const root = writeTree({
        'Asylos 2023 – Albanië Report.md': '# One\n',
        'sub/Raporti i Çështjes (Final).txt': 'Two\n',
      });
      const corpus = await loadCorpus(root);
      assert.deepEqual(corpus.keys().sort(), ['asylos-2023-albanie-report', 'raporti-i-ceshtjes-final']);
      const first = source(corpus, 'asylos-2023-albanie-report');
      assert.deepEqual(first.provenance.key, { origin: 'inferred', file: 'Asylos 2023 – Albanië Report.md', line: undefined });
      assert.equal(first.relativePath, 'Asylos 2023 – Albanië Report.md');
      assert.equal(first.path, path.join(root, 'Asylos 2023 – Albanië Report.md'));
      assert.equal(first.corpusRoot, root);
    });

    it('infers the language only when the text makes it clear', async () => {
      const root = writeTree({
        'english.txt': `English Title\n\n${englishParagraph}\n`,
        'albanian.txt': `Titulli shqip\n\n${albanianParagraph}\n`,
        'short.txt': 'Short Title\n\nThe end.\n',
      });
      const corpus = await loadCorpus(root);
      assert.equal(source(corpus, 'english').metadata.language, 'en');
      assert.deepEqual(source(corpus, 'english').provenance.language, { origin: 'inferred', file: 'english.txt', line: undefined });
      assert.equal(source(corpus, 'albanian').metadata.language, 'sq');
      assert.equal(source(corpus, 'short').metadata.language, undefined);
      assert.equal(source(corpus, 'short').provenance.language, undefined);
    });
  });

  describe('metadata layers', () => {
    it('lets YAML front matter override inference, keeping the file\'s line numbers', async () => {
      const root = writeTree({
        'report.md': [
          '---',
          'key: unhcr-2022',
          'title: "Front Matter Title"',
          'author:',
          '  - Hoxha, Arta',
          '  - Smith, John',
          'lang: SQ',
          'type: Report',
          'url: https://example.org/report',
          'pandoc-option: ignored',
          '---',
          '# Heading Title',
          '',
          'Published 21 September 2022.',
          '',
          englishParagraph,
          '',
        ].join('\n'),
      });
      const corpus = await loadCorpus(root);
      assert.deepEqual(corpus.problems, []);
      assert.deepEqual(corpus.keys(), ['unhcr-2022']);
      const found = source(corpus, 'unhcr-2022');
      assert.deepEqual(found.metadata, {
        title: 'Front Matter Title',
        author: ['Hoxha, Arta', 'Smith, John'],
        date: '2022-09-21',
        language: 'sq',
        type: 'report',
        url: 'https://example.org/report',
      });
      assert.deepEqual(found.provenance, {
        key: { origin: 'front-matter', file: 'report.md', line: 2 },
        title: { origin: 'front-matter', file: 'report.md', line: 3 },
        author: { origin: 'front-matter', file: 'report.md', line: 4 },
        date: { origin: 'inferred', file: 'report.md', line: 14, cue: '"Published" line', confidence: 'high' },
        language: { origin: 'front-matter', file: 'report.md', line: 7 },
        type: { origin: 'front-matter', file: 'report.md', line: 8 },
        url: { origin: 'front-matter', file: 'report.md', line: 9 },
      });
      // The front matter is blanked, not cut, so lines in the text are lines in the file.
      const text = corpus.rawText('unhcr-2022');
      assert.equal(text?.split('\n')[11], '# Heading Title');
      assert.ok(!text?.includes('Front Matter Title'));
    });

    it('prefers `language` over its alias `lang`', async () => {
      const root = writeTree({ 'both.md': '---\nlang: fr\nlanguage: de\n---\n# Both\n' });
      const found = source(await loadCorpus(root), 'both');
      assert.equal(found.metadata.language, 'de');
      assert.deepEqual(found.provenance.language, { origin: 'front-matter', file: 'both.md', line: 3 });
    });

    it('lets the manifest override front matter, and the bibliography override the manifest', async () => {
      const root = writeTree({
        'docs/report.md': '---\ntitle: FM Title\ndate: 2021\nauthor: FM Author\nlanguage: en\n---\n# Heading\n',
        'docs/other.md': '---\ntitle: Other FM\n---\n',
        'corpus.yaml': [
          'sources:',
          '  - file: docs/report.md',
          '    title: Manifest Title',
          '    publisher: UNHCR',
          '    date: 2021-05',
          '  - file: ./docs/other.md',
          '    type: news',
          '',
        ].join('\n'),
        'refs/library.bib': [
          '@report{bbt2022,',
          '  title = {Bib {Title}},',
          '  author = {Hoxha, Arta and Smith, John},',
          '  year = {2022},',
          '  month = sep,',
          '  file = {../docs/report.md}',
          '}',
          '',
        ].join('\n'),
      });
      const corpus = await loadCorpus(root);
      assert.deepEqual(corpus.problems, []);
      assert.deepEqual(corpus.keys(), ['other', 'bbt2022']);
      const report = source(corpus, 'bbt2022');
      assert.equal(report.relativePath, 'docs/report.md');
      assert.deepEqual(report.metadata, {
        title: 'Bib Title',
        author: ['Hoxha, Arta', 'Smith, John'],
        date: '2022-09',
        language: 'en',
        publisher: 'UNHCR',
        type: 'report',
      });
      assert.deepEqual(report.provenance, {
        key: { origin: 'bibliography', file: 'refs/library.bib', line: 1 },
        title: { origin: 'bibliography', file: 'refs/library.bib', line: 1 },
        author: { origin: 'bibliography', file: 'refs/library.bib', line: 1 },
        date: { origin: 'bibliography', file: 'refs/library.bib', line: 1 },
        type: { origin: 'bibliography', file: 'refs/library.bib', line: 1 },
        language: { origin: 'front-matter', file: 'docs/report.md', line: 5 },
        publisher: { origin: 'manifest', file: 'corpus.yaml', line: 4 },
      });
      const other = source(corpus, 'other');
      assert.deepEqual(other.metadata, { title: 'Other FM', type: 'news' });
      assert.deepEqual(other.provenance.title, { origin: 'front-matter', file: 'docs/other.md', line: 2 });
      assert.deepEqual(other.provenance.type, { origin: 'manifest', file: 'corpus.yaml', line: 7 });
      // The bibliography's key replaces the inferred one; the document's text moves with it.
      assert.equal(corpus.has('report'), false);
      assert.equal(corpus.rawText('bbt2022')?.split('\n')[6], '# Heading');
    });

    it('links Zotero (Better BibTeX and native), Mendeley and CSL-JSON entries to documents by their `file` field', async () => {
      const root = writeTree({
        'docs/zotero.txt': 'Zotero document\n',
        'docs/native.txt': 'Native Zotero document\n',
        'docs/mendeley.txt': 'Mendeley document\n',
        'csl/item.txt': 'CSL document\n',
        'refs/export.bib': [
          '@online{bbt,',
          '  title = {Better BibTeX Entry},',
          '  date = {2020-03-04},',
          '  file = {/home/someone/Zotero/storage/AB12CD34/zotero.txt;/home/someone/Zotero/storage/AB12CD34/snapshot.html}',
          '}',
          '@article{native,',
          '  title = {Native Zotero Entry},',
          '  year = {2018},',
          '  file = {Full Text:docs/native.txt:text/plain}',
          '}',
          '@article{mendeley,',
          '  title = {Mendeley Entry},',
          '  year = {2019},',
          '  file = {:C$\\backslash$:/Users/someone/Documents/Mendeley Desktop/mendeley.txt:txt}',
          '}',
          '',
        ].join('\n'),
        'refs/items.json': JSON.stringify(
          [{ id: 'csl-item', type: 'report', title: 'CSL Entry', issued: { 'date-parts': [[2020, 1, 2]] }, language: 'en', file: 'csl/item.txt' }],
          null,
          2,
        ),
      });
      const corpus = await loadCorpus(root);
      assert.deepEqual(corpus.problems, []);
      assert.deepEqual(
        corpus.sources.map((found) => [found.key, found.relativePath, found.metadata.title, found.metadata.date]).sort(),
        [
          ['bbt', 'docs/zotero.txt', 'Better BibTeX Entry', '2020-03-04'],
          ['csl-item', 'csl/item.txt', 'CSL Entry', '2020-01-02'],
          ['mendeley', 'docs/mendeley.txt', 'Mendeley Entry', '2019'],
          ['native', 'docs/native.txt', 'Native Zotero Entry', '2018'],
        ],
      );
      assert.deepEqual(source(corpus, 'mendeley').provenance.title, { origin: 'bibliography', file: 'refs/export.bib', line: 11 });
      // CSL-JSON entries are located at their "id" line.
      assert.deepEqual(source(corpus, 'csl-item').provenance.key, { origin: 'bibliography', file: 'refs/items.json', line: 3 });
      assert.equal(source(corpus, 'csl-item').metadata.language, 'en');
      assert.equal(corpus.rawText('mendeley'), 'Mendeley document\n');
    });
  });

  describe('metadata-only sources', () => {
    it('come from manifest entries without `file`, which add to an existing source when the key matches', async () => {
      const root = writeTree({
        'interview.md': '# Interview notes\n',
        'corpus.yaml': [
          'sources:',
          '  - key: ministry-2020',
          '    title: Annual Statistics',
          '    publisher: Ministry of Interior',
          '    date: 2020-05',
          '    type: report',
          '  - key: interview',
          '    type: interview',
          '    author: [Doe, Jane]',
          '',
        ].join('\n'),
      });
      const corpus = await loadCorpus(root);
      assert.deepEqual(corpus.problems, []);
      assert.deepEqual(corpus.keys(), ['interview', 'ministry-2020']);
      const metaOnly = source(corpus, 'ministry-2020');
      assert.equal(metaOnly.path, undefined);
      assert.equal(metaOnly.relativePath, undefined);
      assert.equal(metaOnly.corpusRoot, root);
      assert.deepEqual(metaOnly.metadata, { title: 'Annual Statistics', publisher: 'Ministry of Interior', date: '2020-05', type: 'report' });
      assert.deepEqual(metaOnly.provenance.key, { origin: 'manifest', file: 'corpus.yaml', line: 2 });
      assert.deepEqual(metaOnly.provenance.date, { origin: 'manifest', file: 'corpus.yaml', line: 5 });
      assert.equal(corpus.rawText('ministry-2020'), undefined);
      assert.equal(corpus.text('ministry-2020'), undefined);

      const merged = source(corpus, 'interview');
      assert.equal(merged.relativePath, 'interview.md');
      assert.deepEqual(merged.metadata, { title: 'Interview notes', type: 'interview', author: ['Doe', 'Jane'] });
      assert.deepEqual(merged.provenance.type, { origin: 'manifest', file: 'corpus.yaml', line: 8 });
      assert.equal(corpus.rawText('interview'), '# Interview notes\n');
    });

    it('come from bibliography entries without a document, with a warning when a linked file is missing', async () => {
      const root = writeTree({
        'refs.bib': [
          '@book{book2018,',
          '  title = {Only in the Bibliography},',
          '  author = {Kadare, Ismail},',
          '  publisher = {Onufri},',
          '  date = {2018-04-01}',
          '}',
          '',
          '@report{gone,',
          '  title = {Linked but Missing},',
          '  year = {2017},',
          '  file = {reports/gone.pdf.txt}',
          '}',
          '',
        ].join('\n'),
      });
      const corpus = await loadCorpus(root);
      assert.deepEqual(relativeProblems(corpus, root), [
        {
          file: 'refs.bib',
          line: 8,
          message: 'Entry "gone" links to "reports/gone.pdf.txt", which is not in the corpus; it is kept as a metadata-only source.',
          severity: 'warning',
        },
      ]);
      assert.deepEqual(source(corpus, 'book2018').metadata, {
        title: 'Only in the Bibliography',
        author: ['Kadare, Ismail'],
        publisher: 'Onufri',
        date: '2018-04-01',
        type: 'other',
      });
      assert.equal(source(corpus, 'book2018').path, undefined);
      assert.deepEqual(source(corpus, 'gone').provenance.date, { origin: 'bibliography', file: 'refs.bib', line: 8 });
      assert.equal(source(corpus, 'gone').path, undefined);
    });
  });

  describe('folders, links and file kinds', () => {
    it('reads nested folders and follows a symbolic link to a parent folder without looping or listing twice', async () => {
      const root = writeTree({
        'top.md': '# Top\n',
        'a/b/c/deep.txt': 'Deep file\n',
        'a/ignored.epub': 'not a source kind',
        '.hidden/secret.md': '# Hidden\n',
        'node_modules/pkg/readme.md': '# Package\n',
      });
      fs.symlinkSync(root, path.join(root, 'a', 'b', 'loop'));
      fs.symlinkSync(path.join(root, 'a'), path.join(root, 'z-again'));
      const problems: CorpusProblem[] = [];
      const files = await listCorpusFiles(root, problems);
      assert.deepEqual(problems, []);
      assert.deepEqual(
        files.map((file) => [file.kind, file.relativePath]),
        [
          ['text', 'a/b/c/deep.txt'],
          ['markdown', 'top.md'],
        ],
      );
      const corpus = await loadCorpus(root);
      assert.deepEqual(corpus.keys(), ['deep', 'top']);
      assert.equal(source(corpus, 'deep').relativePath, 'a/b/c/deep.txt');
      assert.deepEqual(corpus.problems, []);
    });

    it('follows links that stay inside the corpus, and reports (without reading) links that lead out of it', async () => {
      const outside = writeTree({ 'linked.txt': 'Linked Title\n\nText of the linked file.\n', 'shelf/book.md': '# Shelf Book\n' });
      const root = writeTree({ 'own.md': '# Own\n', 'inner/kept.txt': 'Kept Title\n\nKept text.\n' });
      fs.symlinkSync(path.join(outside, 'linked.txt'), path.join(root, 'alias.txt'));
      fs.symlinkSync(path.join(outside, 'shelf'), path.join(root, 'shelf-link'));
      fs.symlinkSync(path.join(root, 'inner', 'kept.txt'), path.join(root, 'kept-alias.txt'));
      fs.symlinkSync(path.join(root, 'inner'), path.join(root, 'inner-link'));
      const corpus = await loadCorpus(root);
      assert.deepEqual(
        corpus.problems.map((problem) => [path.basename(problem.file), problem.line, problem.message]),
        [
          ['alias.txt', 1, 'Symbolic link to a file or folder outside the corpus: it is not read. Copy what it points at into the corpus to use it.'],
          ['shelf-link', 1, 'Symbolic link to a file or folder outside the corpus: it is not read. Copy what it points at into the corpus to use it.'],
        ],
      );
      // The file inside is listed once, under the first name it sorts by; nothing from outside is read.
      assert.deepEqual(corpus.keys(), ['kept', 'own']);
      assert.equal(source(corpus, 'kept').relativePath, 'inner/kept.txt');
    });

    it('reads HTML as text without scripts and styles, and takes metadata from the head', async () => {
      const root = writeTree({
        'page.htm': [
          '<!DOCTYPE html>',
          '<html lang="sq-AL">',
          '<head>',
          '  <title>Raporti vjetor &ndash; Ministria</title>',
          '  <meta name="author" content="Arta Hoxha">',
          '  <meta name="citation_publication_date" content="2022/09/21">',
          '  <style>p { color: red; }</style>',
          '  <script>document.write("script text");</script>',
          '</head>',
          '<body><h1>Raporti</h1><p>Ministria publikoi <b>sot</b> raportin.</p><script>var hidden = "script text 2";</script></body>',
          '</html>',
          '',
        ].join('\n'),
      });
      const corpus = await loadCorpus(root);
      assert.deepEqual(corpus.problems, []);
      const page = source(corpus, 'page');
      assert.deepEqual(page.metadata, { title: 'Raporti', author: ['Arta Hoxha'], date: '2022-09-21', language: 'sq' });
      assert.deepEqual(page.provenance.author, { origin: 'inferred', file: 'page.htm', line: 5, cue: '<meta> author', confidence: 'high' });
      const text = corpus.rawText('page') ?? '';
      assert.ok(text.includes('Ministria publikoi sot raportin.'), text);
      assert.ok(!text.includes('script text'), text);
      assert.ok(!text.includes('color'), text);
    });

    it('never writes into the corpus', async () => {
      const root = writeTree({
        'a.md': '---\ntitle: A\ndate: 2023-02-30\n---\n# A\n',
        'b/b.txt': 'B\n',
        'b/bin.txt': Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]),
        'corpus.yaml': 'sources:\n  - file: missing.md\n  - key: meta\n    title: Meta\n',
        'refs.bib': '@misc{x, title = {X}}\n@misc{broken, title = {Y}\n',
      });
      fs.symlinkSync(root, path.join(root, 'b', 'up'));
      const before = snapshot(root);
      const corpus = await loadCorpus(root);
      assert.ok(corpus.problems.length > 0);
      assert.deepEqual(snapshot(root), before);
    });
  });

  describe('problems', () => {
    it('reports invalid YAML front matter at its line, and still loads the document from its text', async () => {
      const root = writeTree({
        'broken.md': '---\ntitle: Fine\nauthor: "unclosed\n---\n# Still Loaded\n',
        'good.md': '# Good\n',
      });
      const corpus = await loadCorpus(root);
      assert.deepEqual(relativeProblems(corpus, root), [
        { file: 'broken.md', line: 3, message: 'Invalid YAML front matter: Missing closing "quote', severity: 'error' },
      ]);
      assert.equal(corpus.problems[0].file, path.join(root, 'broken.md'));
      assert.deepEqual(corpus.keys(), ['broken', 'good']);
      assert.equal(source(corpus, 'broken').metadata.title, 'Still Loaded');
      assert.equal(source(corpus, 'broken').provenance.title?.origin, 'inferred');
    });

    it('reports an impossible date in front matter at its line and keeps the other fields', async () => {
      const root = writeTree({
        'dated.md': '---\ntitle: Dated\nauthor: Someone\ndate: 2023-02-30\n---\nWritten 3 March 2023.\n',
      });
      const corpus = await loadCorpus(root);
      assert.deepEqual(relativeProblems(corpus, root), [
        { file: 'dated.md', line: 4, message: 'Invalid date "2023-02-30": no such date in the calendar.', severity: 'error' },
      ]);
      const found = source(corpus, 'dated');
      assert.equal(found.metadata.title, 'Dated');
      assert.deepEqual(found.metadata.author, ['Someone']);
      // The inferred date stands, since the front matter's could not replace it.
      assert.equal(found.metadata.date, '2023-03-03');
      assert.deepEqual(found.provenance.date, { origin: 'inferred', file: 'dated.md', line: 6, cue: '"Written" line', confidence: 'high' });
    });

    it('reports a field written twice in a manifest entry at its line, skipping that entry alone', async () => {
      const root = writeTree({
        'doc.md': '---\ntitle: From Front Matter\n---\n',
        'corpus.yaml': 'sources:\n  - file: doc.md\n    title: One\n    title: Two\n  - key: held-elsewhere\n    title: Held Elsewhere\n',
      });
      const corpus = await loadCorpus(root);
      assert.deepEqual(relativeProblems(corpus, root), [
        { file: 'corpus.yaml', line: 4, message: 'Invalid YAML: a field is written twice in the entry at line 2, so that entry is skipped; the other entries still load.', severity: 'error' },
      ]);
      assert.equal(source(corpus, 'doc').metadata.title, 'From Front Matter');
      assert.equal(source(corpus, 'held-elsewhere').metadata.title, 'Held Elsewhere');
    });

    it('reports manifest entries that point at missing files, unknown fields and invalid values at their lines', async () => {
      const root = writeTree({
        'doc.md': '# Doc\n',
        'corpus.yml': [
          'sources:',
          '  - file: missing/report.md',
          '    title: Nowhere',
          '  - file: doc.md',
          '    colour: red',
          '    type: blog',
          '    publisher: Kept Publisher',
          '  - title: No key and no file',
          '  - just a string',
          '  - file: [doc.md, other.md]',
          '',
        ].join('\n'),
      });
      const corpus = await loadCorpus(root);
      assert.deepEqual(relativeProblems(corpus, root), [
        {
          file: 'corpus.yml',
          line: 2,
          message: 'Entry points at "missing/report.md", which is not a readable source in the corpus.',
          severity: 'error',
        },
        {
          file: 'corpus.yml',
          line: 5,
          message: 'Unknown field "colour"; known fields are key, title, author, publisher, date, language, type, url, derivedFrom, file.',
          severity: 'warning',
        },
        {
          file: 'corpus.yml',
          line: 6,
          message:
            'Invalid type "blog": Invalid option: expected one of "report"|"article"|"news"|"interview"|"correspondence"|"thesis"|"legislation"|"other".',
          severity: 'error',
        },
        { file: 'corpus.yml', line: 8, message: 'An entry without `file` needs a `key`.', severity: 'error' },
        {
          file: 'corpus.yml',
          line: 9,
          message: 'Each entry under `sources:` must be a mapping such as `- file: report.md`.',
          severity: 'error',
        },
        {
          file: 'corpus.yml',
          line: 10,
          message: '`file` must be the path of a document in the corpus, such as `reports/asylos-2023.pdf`; the entry is skipped.',
          severity: 'error',
        },
      ]);
      assert.deepEqual(corpus.keys(), ['doc']);
      assert.deepEqual(source(corpus, 'doc').metadata, { title: 'Doc', publisher: 'Kept Publisher' });
    });

    it('reports duplicate keys where the later one is declared, and keeps the first', async () => {
      const root = writeTree({
        'a/same.md': '# First Same\n',
        'b/same.txt': 'Second Same\n',
        'c.md': '---\nkey: shared\n---\n# C\n',
        'd.md': '---\ntitle: D\nkey: shared\n---\n# D\n',
        'e.md': '# E\n',
      });
      const corpus = await loadCorpus(root);
      assert.deepEqual(relativeProblems(corpus, root), [
        {
          file: 'b/same.txt',
          line: 1,
          message: 'Duplicate key "same": a/same.md already uses it, so b/same.txt cannot be cited until it gets a key of its own.',
          severity: 'error',
        },
        {
          file: 'd.md',
          line: 3,
          message: 'Duplicate key "shared": c.md already uses it, so d.md cannot be cited until it gets a key of its own.',
          severity: 'error',
        },
      ]);
      assert.deepEqual(corpus.keys(), ['same', 'shared', 'e']);
      assert.equal(source(corpus, 'same').relativePath, 'a/same.md');
      assert.equal(source(corpus, 'shared').metadata.title, 'C');
    });

    it('reports a duplicate key from the manifest at the manifest line', async () => {
      const root = writeTree({
        'one.md': '# One\n',
        'two.md': '# Two\n',
        'corpus.yaml': 'sources:\n  - file: two.md\n    key: one\n',
      });
      const corpus = await loadCorpus(root);
      assert.deepEqual(relativeProblems(corpus, root), [
        {
          file: 'corpus.yaml',
          line: 3,
          message: 'Duplicate key "one": one.md already uses it, so two.md cannot be cited until it gets a key of its own.',
          severity: 'error',
        },
      ]);
      assert.deepEqual(corpus.keys(), ['one']);
    });

    it('refuses binary files and reads invalid UTF-8 as Windows-1252 with a warning', async () => {
      const root = writeTree({
        'binary.txt': Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01, 0x02]),
        'legacy.txt': Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x93, 0x6e, 0x6f, 0x69, 0x72, 0x94, 0x0a]),
        'fine.md': '# Fine\n',
      });
      const corpus = await loadCorpus(root);
      assert.deepEqual(relativeProblems(corpus, root), [
        { file: 'binary.txt', line: 1, message: 'Binary file: it contains a NUL byte (at byte 4), so it is not a text source.', severity: 'error' },
        {
          file: 'legacy.txt',
          line: 1,
          message: 'Not valid UTF-8: read as Windows-1252. Save the file as UTF-8 to be sure quotes match.',
          severity: 'warning',
        },
      ]);
      assert.deepEqual(corpus.keys(), ['fine', 'legacy']);
      assert.equal(corpus.rawText('legacy'), 'Café \u201cnoir\u201d\n');
      assert.equal(source(corpus, 'legacy').metadata.title, 'Café \u201cnoir\u201d');
    });

    it('reports a BibTeX syntax error at the entry, and the entries after it still load', async () => {
      const root = writeTree({
        'doc.txt': 'Document\n',
        'refs.bib': [
          '@article{good1,',
          '  title = {Good One},',
          '  year = 2020',
          '}',
          '',
          '@article{broken',
          '  title = {Broken}',
          '}',
          '',
          '@book{good2,',
          '  title = {Good Two},',
          '  year = 2019',
          '}',
          '',
        ].join('\n'),
      });
      const corpus = await loadCorpus(root);
      assert.deepEqual(relativeProblems(corpus, root), [
        {
          file: 'refs.bib',
          line: 6,
          message: 'Expected "," after the citation key "broken" (at line 7); the entry was skipped',
          severity: 'error',
        },
      ]);
      assert.deepEqual(corpus.keys(), ['doc', 'good1', 'good2']);
      assert.deepEqual(source(corpus, 'good2').provenance.title, { origin: 'bibliography', file: 'refs.bib', line: 10 });
    });

    it('reports invalid CSL-JSON at its line and leaves other JSON files alone', async () => {
      const root = writeTree({
        'items.json': '[\n  {\n    "id": "a",\n    "type": "report",\n    "title": "A"\n  }\n  {\n    "id": "b"\n  }\n]\n',
        'package.json': '{ "name": "not-a-bibliography", "version": "1.0.0" }\n',
        'doc.md': '# Doc\n',
      });
      const corpus = await loadCorpus(root);
      assert.deepEqual(relativeProblems(corpus, root), [
        { file: 'items.json', line: 7, message: 'Invalid JSON: expected "," or "]" but found "{"', severity: 'error' },
      ]);
      assert.deepEqual(corpus.keys(), ['doc']);
    });

    it('reports a corpus folder that does not exist', async () => {
      const root = writeTree({});
      const missing = path.join(root, 'nope');
      const corpus = await loadCorpus(missing);
      assert.deepEqual(corpus.sources, []);
      assert.deepEqual(corpus.problems, [{ file: missing, message: 'The corpus folder does not exist.', severity: 'error' }]);
    });
  });
});
