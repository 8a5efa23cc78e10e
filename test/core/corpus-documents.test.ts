import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkReport } from '../../src/core/checks/checks';
import { loadCorpus } from '../../src/core/corpus/corpus';
import { extractInProcess, withExtractionCache, type DocumentExtractor } from '../../src/core/extract/document-extractor';
import { mergeSettings } from '../../src/core/settings/settings';
import { writeDocx } from '../support/docx-writer';
import { textLines, writePdf } from '../support/pdf-writer';
import { removeTrees, writeTree } from '../support/temp-tree';

/** A three-page report: roman front matter, then pages 1 and 2; a sentence runs from page 1 onto page 2. */
function reportPdf(): Uint8Array {
  return writePdf({
    info: { title: 'Shelter Monitoring Report', author: 'Office of the Monitor', creationDate: 'D:20230314090000Z' },
    pageLabels: [
      { startPage: 0, style: 'r' },
      { startPage: 1, style: 'D' },
    ],
    pages: [
      { lines: textLines(['Contents', 'Summary 1']) },
      {
        lines: textLines([
          'Summary',
          'Residents of two shelters reported that they could not leave the premises',
          'without an escort. The Office recommends that restrictions on move-',
          'ment be decided case by case and',
        ]),
      },
      { lines: textLines(['reviewed every month by an independent panel.', 'Legal representation was offered in only one shelter.']) },
    ],
  });
}

const settings = mergeSettings({ file: '/tmp/report.md', settings: {}, problems: [] });

describe('PDF and Word sources in a corpus', () => {
  after(removeTrees);

  it('extracts PDFs and Word files with their properties as a metadata layer between inference and the manifest', async () => {
    const root = writeTree({
      'monitor-2023.pdf': Buffer.from(reportPdf()),
      'interview.docx': Buffer.from(await writeDocx({ paragraphs: ['Notes of an interview with a case worker.', 'Families take them back, but the debt remains.'], title: 'Case worker interview', creator: 'Field Team', created: '2021-11-05T10:00:00Z' })),
      'corpus.yaml': 'sources:\n  - file: interview.docx\n    title: Interview with a case worker (anonymised)\n',
    });
    const corpus = await loadCorpus(root);
    assert.deepEqual(corpus.problems, []);
    const report = corpus.get('monitor-2023')!;
    assert.equal(report.metadata.title, 'Shelter Monitoring Report');
    assert.deepEqual(report.metadata.author, ['Office of the Monitor']);
    assert.equal(report.metadata.date, '2023-03-14');
    assert.equal(report.provenance.title?.origin, 'document-properties');
    const interview = corpus.get('interview')!;
    assert.equal(interview.metadata.title, 'Interview with a case worker (anonymised)');
    assert.equal(interview.provenance.title?.origin, 'manifest');
    assert.equal(interview.metadata.date, '2021-11-05');
    assert.equal(interview.provenance.date?.origin, 'document-properties');
    assert.deepEqual(corpus.pages('monitor-2023')?.labels, ['i', '1', '2']);
    assert.equal(corpus.pages('interview'), undefined);
    assert.match(corpus.rawText('monitor-2023')!, /^\[p\. i\]\n\nContents/);
  });

  it('titles a PDF whose properties give no title by its first page\'s largest text, as an inferred title with its cue', async () => {
    const titlePage = (info: { title?: string }): Buffer =>
      Buffer.from(
        writePdf({
          info,
          pages: [
            {
              lines: [
                { x: 72, y: 760, text: 'Executive Summary', size: 28 },
                ...textLines(['Residents of two shelters reported restrictions.'], { top: 720 }),
              ],
            },
          ],
        }),
      );
    const root = writeTree({
      'monitor.pdf': Buffer.from(
        writePdf({
          info: { title: 'Microsoft Word - draft3.docx' },
          pages: [
            {
              lines: [
                { x: 72, y: 780, text: 'Office of the Monitor', size: 10 },
                { x: 72, y: 700, text: 'Shelters in Northern Albania:', size: 22 },
                { x: 72, y: 674, text: 'Monitoring Report 2023', size: 22 },
                ...textLines(['Residents of two shelters reported that they could not leave.', 'The Office recommends review.'], { top: 620 }),
              ],
            },
          ],
        }),
      ),
      'summary-only.pdf': titlePage({}),
      'titled.pdf': titlePage({ title: 'Shelter Monitoring Report' }),
    });
    const corpus = await loadCorpus(root);
    const monitor = corpus.get('monitor')!;
    assert.equal(monitor.metadata.title, 'Shelters in Northern Albania: Monitoring Report 2023');
    assert.equal(monitor.provenance.title?.origin, 'inferred');
    assert.equal(monitor.provenance.title?.cue, 'largest text on page 1');
    // Line 1 is the header, line 2 the blank line the gap below it makes.
    assert.equal(monitor.provenance.title?.line, 3);
    // A section heading in large type is no title; the document's own title property stays first.
    assert.notEqual(corpus.get('summary-only')!.metadata.title, 'Executive Summary');
    assert.equal(corpus.get('titled')!.metadata.title, 'Shelter Monitoring Report');
    assert.equal(corpus.get('titled')!.provenance.title?.origin, 'document-properties');
  });

  describe('page-aware quotes', () => {
    let root: string;
    before(async () => {
      root = writeTree({ 'monitor-2023.pdf': Buffer.from(reportPdf()) });
    });

    async function check(report: string) {
      const corpus = await loadCorpus(root);
      return checkReport(path.join(root, 'report.md'), report, { corpus, settings });
    }

    it('matches a quote across a line-end hyphen and a page break', async () => {
      const { findings, quoteMatches } = await check('“restrictions on movement be decided case by case and reviewed every month” [@monitor-2023, pp. 1-2].');
      assert.deepEqual(findings, []);
      assert.deepEqual(quoteMatches[0].pages, ['1', '2']);
    });

    it('reports a quote found on another page than the one cited, naming the page', async () => {
      const { findings } = await check('“Legal representation was offered in only one shelter” [@monitor-2023, p. 1].');
      assert.deepEqual(
        findings.map((finding) => [finding.rule, finding.severity]),
        [['locator-mismatch', 'info']],
      );
      assert.equal(findings[0].message, 'The quote is in @monitor-2023, but on p. 2, not on p. 1 as cited.');
    });

    it('accepts a page range or list that includes the page, and roman page labels', async () => {
      assert.deepEqual((await check('“Legal representation was offered in only one shelter” [@monitor-2023, pp. 1-3].')).findings, []);
      assert.deepEqual((await check('“Legal representation was offered in only one shelter” [@monitor-2023, pp. 1, 2].')).findings, []);
      assert.deepEqual((await check('“Summary 1” [@monitor-2023, p. i].')).findings, []);
      assert.deepEqual((await check('“Summary 1” [@monitor-2023, p. ii].')).findings.map((finding) => finding.rule), ['locator-mismatch']);
    });

    it('does not check pages when the citation names none', async () => {
      assert.deepEqual((await check('“Legal representation was offered in only one shelter” [@monitor-2023].')).findings, []);
    });
  });

  it('turns scans, damaged, encrypted-looking and oversized files into corpus problems and loads the rest', async () => {
    const root = writeTree({
      'scan.pdf': Buffer.from(writePdf({ pages: [{ drawingOnly: true }, { drawingOnly: true }] })),
      'damaged.pdf': Buffer.from(reportPdf().subarray(0, 400)),
      'not-a-docx.docx': 'plain text pretending to be Word',
      'good.md': '# Good\n\nStill loads.\n',
    });
    const huge = path.join(root, 'huge.pdf');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, 200 * 1024 * 1024);
    const corpus = await loadCorpus(root);
    assert.deepEqual(corpus.keys(), ['good']);
    const byFile = Object.fromEntries(corpus.problems.map((problem) => [path.basename(problem.file), problem]));
    assert.match(byFile['scan.pdf'].message, /no text layer/);
    assert.equal(byFile['scan.pdf'].line, 1);
    assert.match(byFile['damaged.pdf'].message, /damaged/);
    assert.match(byFile['not-a-docx.docx'].message, /\S/);
    assert.match(byFile['huge.pdf'].message, /too large to extract \(200 MB; the limit is 150 MB\)/);
    assert.equal(corpus.problems.length, 4);
  });

  describe('extraction cache', () => {
    it('extracts a file once, and again only when it changes or the cache entry is corrupt', async () => {
      const root = writeTree({ 'monitor-2023.pdf': Buffer.from(reportPdf()) });
      const cacheFolder = writeTree({});
      let calls = 0;
      const counting: DocumentExtractor = (file, kind) => {
        calls++;
        return extractInProcess(file, kind);
      };
      const extract = withExtractionCache(counting, cacheFolder);
      const first = await loadCorpus(root, { extract });
      const second = await loadCorpus(root, { extract });
      assert.equal(calls, 1);
      assert.equal(second.rawText('monitor-2023'), first.rawText('monitor-2023'));
      assert.deepEqual(second.pages('monitor-2023'), first.pages('monitor-2023'));

      const [entry] = fs.readdirSync(cacheFolder);
      fs.writeFileSync(path.join(cacheFolder, entry), '{"format": 1, "document": ');
      await loadCorpus(root, { extract });
      assert.equal(calls, 2);

      const later = new Date(Date.now() + 5000);
      fs.utimesSync(path.join(root, 'monitor-2023.pdf'), later, later);
      await loadCorpus(root, { extract });
      assert.equal(calls, 3);
      // The cache lives where it was told to, never in the corpus.
      assert.deepEqual(fs.readdirSync(root), ['monitor-2023.pdf']);
    });
  });
});
