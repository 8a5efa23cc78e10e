import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExtractionError, normalizeDocumentDate, splitAuthors } from '../../src/core/extract/extracted-document';
import { languageCode } from '../../src/core/metadata/language';
import { extractPdf } from '../../src/core/extract/pdf';
import { PdfLine, textLines, writePdf } from '../support/pdf-writer';
import { removeTrees, writeTree } from '../support/temp-tree';

async function extractionFailure(data: Uint8Array): Promise<ExtractionError> {
  try {
    await extractPdf(data);
  } catch (error) {
    assert.ok(error instanceof ExtractionError, `expected an ExtractionError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected extraction to fail');
}

function hasCommand(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).error === undefined;
}

describe('extractPdf', function () {
  // Loading pdf.js the first time takes a few hundred milliseconds.
  this.timeout(20000);

  after(removeTrees);

  it('gives the text of each page, one entry per page, and writes nothing to the console', async () => {
    const pdf = writePdf({
      pages: [
        { lines: textLines(['Country Report: Kosovo', 'Prepared for the asylum tribunal.']) },
        { lines: textLines(['Second page, first line.', 'Second page, second line.']) },
        { lines: textLines(['Third page (with parentheses) and a back\\slash.', '\u201cCurly quotes\u201d \u2013 and a dash.']) },
      ],
    });
    const printed: unknown[][] = [];
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const originals = methods.map((method) => console[method]);
    for (const method of methods) console[method] = (...args: unknown[]) => void printed.push(args);
    let document;
    try {
      document = await extractPdf(pdf);
    } finally {
      methods.forEach((method, index) => (console[method] = originals[index]));
    }
    assert.deepEqual(printed, []);
    assert.deepEqual(document.pages, [
      'Country Report: Kosovo\nPrepared for the asylum tribunal.',
      'Second page, first line.\nSecond page, second line.',
      'Third page (with parentheses) and a back\\slash.\n\u201cCurly quotes\u201d \u2013 and a dash.',
    ]);
    assert.equal(document.pageLabels, undefined);
    assert.deepEqual(document.properties, {});
  });

  it('keeps a sentence that runs over a page break at the end of one page and the start of the next', async () => {
    const pdf = writePdf({
      pages: [
        { lines: textLines(['Introduction.', 'According to the report, the authorities continued to detain']) },
        { lines: textLines(['journalists who reported on the protests.', 'A new paragraph.']) },
      ],
    });
    const { pages } = await extractPdf(pdf);
    assert.equal(pages.length, 2);
    assert.ok(pages[0].endsWith('the authorities continued to detain'), pages[0]);
    assert.ok(pages[1].startsWith('journalists who reported on the protests.'), pages[1]);
  });

  it('keeps a hyphen at the end of a line as it is', async () => {
    const pdf = writePdf({ pages: [{ lines: textLines(['The political dy-', 'namics of the region changed.']) }] });
    assert.equal((await extractPdf(pdf)).pages[0], 'The political dy-\nnamics of the region changed.');
  });

  it('turns a wide vertical gap into a blank line and joins items on one baseline with a space', async () => {
    const pdf = writePdf({
      pages: [
        {
          lines: [
            { x: 72, y: 770, text: 'Heading', size: 14 },
            { x: 72, y: 730, text: 'First paragraph, line one,' },
            { x: 72, y: 716, text: 'line two.' },
            { x: 72, y: 690, text: 'Second' },
            { x: 110, y: 690, text: 'paragraph' },
            { x: 160, y: 690, text: 'after a gap.' },
          ],
        },
      ],
    });
    assert.equal((await extractPdf(pdf)).pages[0], 'Heading\n\nFirst paragraph, line one,\nline two.\n\nSecond paragraph after a gap.');
  });

  it('reads a two-column page written line by line across both columns as the left column, then the right', async () => {
    const left = [
      'The first column begins here and runs',
      'down the left half of the page, while',
      'the second column is printed on the',
      'same lines to its right, as many PDF',
      'producers write their text content.',
      'The left column ends with a sen-',
    ];
    const right = [
      'tence that the right column finishes,',
      'then the right column goes on to the',
      'foot of the page in the same way as',
      'the left column did before it, down',
      'to its last line, which is this one,',
      'and this is the end of the column.',
    ];
    const lines: PdfLine[] = [{ x: 72, y: 790, text: 'A Heading That Spans Both Columns Of The Page', size: 16 }];
    left.forEach((text, index) => {
      lines.push({ x: 72, y: 750 - index * 14, text });
      lines.push({ x: 310, y: 750 - index * 14, text: right[index] });
    });
    lines.push({ x: 72, y: 640, text: 'A full-width note below both columns, running right across the middle of the page.' });
    const { pages } = await extractPdf(writePdf({ pages: [{ lines }] }));
    assert.equal(
      pages[0],
      ['A Heading That Spans Both Columns Of The Page', '', ...left, ...right, '', 'A full-width note below both columns, running right across the middle of the page.'].join('\n'),
    );
  });

  it('keeps a table of short labels and long values in row order', async () => {
    const rows = [
      ['Country', 'Republic of Kosovo, as named in the source'],
      ['Capital', 'Pristina, the largest city of the country'],
      ['Language', 'Albanian and Serbian are both official'],
      ['Currency', 'Euro, used although Kosovo is not in the EU'],
    ];
    const lines = rows.flatMap(([label, value], index) => [
      { x: 72, y: 770 - index * 14, text: label },
      { x: 200, y: 770 - index * 14, text: value },
    ]);
    const { pages } = await extractPdf(writePdf({ pages: [{ lines }] }));
    assert.equal(pages[0], rows.map((row) => row.join(' ')).join('\n'));
  });

  it('reads title, authors and date from the Info dictionary', async () => {
    const pdf = writePdf({
      pages: [{ lines: textLines(['Text.']) }],
      info: { title: 'Kosovo \u2013 Länderbericht 2022', author: 'Smith, Jane; Doe, John', creationDate: "D:20220921103000+02'00'" },
    });
    assert.deepEqual((await extractPdf(pdf)).properties, {
      title: 'Kosovo \u2013 Länderbericht 2022',
      author: ['Smith, Jane', 'Doe, John'],
      date: '2022-09-21',
    });
  });

  it('drops a title that a template or the file name left in the Info dictionary', async () => {
    const pdf = writePdf({ pages: [{ lines: textLines(['Text.']) }], info: { title: 'Microsoft Word - draft3.docx', author: 'Smith, Jane' } });
    assert.deepEqual((await extractPdf(pdf)).properties, { author: ['Smith, Jane'] });
  });

  it('gives the first page\'s largest text, joined over its lines, as the printed title', async () => {
    const pdf = writePdf({
      pages: [
        {
          lines: [
            { x: 72, y: 780, text: 'Refugee Review Office', size: 9 },
            { x: 72, y: 700, text: 'Kosovo: Treatment of Ethnic', size: 24 },
            { x: 72, y: 672, text: 'Minorities in Mitrovica', size: 24 },
            { x: 72, y: 640, text: 'Country Focus', size: 16 },
            ...textLines(['This report was prepared for the asylum tribunal.', 'It covers the period from 2021 to 2023.'], { top: 600 }),
            { x: 72, y: 300, text: 'Second Large Block', size: 24 },
          ],
        },
        { lines: [{ x: 72, y: 700, text: 'A larger heading on page two', size: 30 }, ...textLines(['Body text.'], { top: 650 })] },
      ],
    });
    const document = await extractPdf(pdf);
    assert.equal(document.printedTitle, 'Kosovo: Treatment of Ethnic Minorities in Mitrovica');
    assert.deepEqual(document.properties, {});
  });

  // Real PDFs nobody on the team made, as Debian installs them (libtasn1-doc: the GNU Libtasn1 manual, made
  // with Texinfo; shared-mime-info: the freedesktop.org specification, made with DocBook); neither has an Info title.
  for (const [file, title] of [
    ['/usr/share/doc/libtasn1-doc/libtasn1.pdf', 'Libtasn1'],
    ['/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf', 'Shared MIME-info Database'],
  ] as const) {
    it(`gives the printed title of ${path.basename(file)}, a real PDF without a title property`, async function () {
      if (!fs.existsSync(file)) {
        console.log(`      skipped: ${file} is not installed here`);
        this.skip();
      }
      const document = await extractPdf(new Uint8Array(fs.readFileSync(file)));
      assert.equal(document.properties.title, undefined);
      assert.equal(document.printedTitle, title);
    });
  }

  it('gives no printed title when nothing on the first page stands out from the body text', async () => {
    const pdf = writePdf({
      pages: [{ lines: [{ x: 72, y: 770, text: 'Section heading', size: 11 }, ...textLines(['Body text, line one.', 'Body text, line two.'], { top: 740 })] }],
    });
    assert.equal((await extractPdf(pdf)).printedTitle, undefined);
  });

  it('gives the page labels the document declares', async () => {
    const pdf = writePdf({
      pages: ['Preface', 'Contents', 'Chapter one', 'Chapter one, continued'].map((text) => ({ lines: textLines([text]) })),
      pageLabels: [
        { startPage: 0, style: 'r' },
        { startPage: 2, style: 'D' },
      ],
    });
    assert.deepEqual((await extractPdf(pdf)).pageLabels, ['i', 'ii', '1', '2']);
    const offset = writePdf({
      pages: ['A', 'B'].map((text) => ({ lines: textLines([text]) })),
      pageLabels: [{ startPage: 0, style: 'D', prefix: 'A-', start: 35 }],
    });
    assert.deepEqual((await extractPdf(offset)).pageLabels, ['A-35', 'A-36']);
  });

  it('fails with no-text for a PDF whose pages hold only drawings, as a scan without OCR does', async () => {
    const failure = await extractionFailure(writePdf({ pages: [{ drawingOnly: true }, { drawingOnly: true }] }));
    assert.equal(failure.failure, 'no-text');
    assert.equal(failure.message, 'This PDF has no text layer (it may be a scan); run OCR on it to quote from it.');
  });

  it('fails with damaged for truncated, random and empty bytes', async () => {
    const pdf = writePdf({ pages: [{ lines: textLines(['Some text.']) }] });
    const random = new Uint8Array(4096);
    for (let i = 0; i < random.length; i++) random[i] = (i * 7919 + 13) % 251;
    for (const data of [pdf.slice(0, 200), random, new Uint8Array(0)]) {
      const failure = await extractionFailure(data);
      assert.equal(failure.failure, 'damaged');
      assert.match(failure.message, /^This PDF is damaged and cannot be read: .+\.$/);
    }
  });

  it('fails with encrypted for a password-protected PDF (made with qpdf)', async function () {
    if (!hasCommand('qpdf')) {
      console.log('    (skipped: qpdf is not on PATH; install it, e.g. `apt-get install qpdf`, to run this test)');
      this.skip();
    }
    const folder = writeTree({ 'plain.pdf': Buffer.from(writePdf({ pages: [{ lines: textLines(['Secret text.']) }] })) });
    const encrypted = path.join(folder, 'encrypted.pdf');
    // AES-256: recent qpdf refuses to write 128-bit RC4 ("weak crypto") without an extra flag older ones lack.
    execFileSync('qpdf', ['--encrypt', 'user', 'owner', '256', '--', path.join(folder, 'plain.pdf'), encrypted]);
    const failure = await extractionFailure(new Uint8Array(fs.readFileSync(encrypted)));
    assert.equal(failure.failure, 'encrypted');
    assert.equal(failure.message, 'This PDF is password-protected; save an unprotected copy to use it as a source.');
  });

  it('leaves the caller’s buffer usable', async () => {
    const pdf = writePdf({ pages: [{ lines: textLines(['Reusable.']) }] });
    const first = await extractPdf(pdf);
    assert.equal(pdf.byteLength > 0, true);
    assert.deepEqual(await extractPdf(pdf), first);
  });
});

describe('document properties', () => {
  it('normalizes PDF and ISO dates to ISO dates of the precision given', () => {
    assert.equal(normalizeDocumentDate("D:20220921103000+02'00'"), '2022-09-21');
    assert.equal(normalizeDocumentDate('D:202209'), '2022-09');
    assert.equal(normalizeDocumentDate('D:2022'), '2022');
    assert.equal(normalizeDocumentDate('2022-09-21T10:00:00Z'), '2022-09-21');
    assert.equal(normalizeDocumentDate('D:20221345'), '2022');
    assert.equal(normalizeDocumentDate('D:20220231'), '2022-02');
    assert.equal(normalizeDocumentDate('yesterday'), undefined);
    assert.equal(normalizeDocumentDate(undefined), undefined);
  });

  it('keeps the primary language subtag, and reads language names', () => {
    assert.equal(languageCode('en-GB'), 'en');
    assert.equal(languageCode('SQ'), 'sq');
    assert.equal(languageCode('sq_AL'), 'sq');
    assert.equal(languageCode('Albanian'), 'sq');
    assert.equal(languageCode('english and french'), 'en');
    assert.equal(languageCode('not a language'), undefined);
  });

  it('splits authors on semicolons only', () => {
    assert.deepEqual(splitAuthors('Smith, Jane;  Doe, John ;'), ['Smith, Jane', 'Doe, John']);
    assert.deepEqual(splitAuthors('Ministry of Foreign Affairs and Trade'), ['Ministry of Foreign Affairs and Trade']);
    assert.equal(splitAuthors(' ; '), undefined);
  });
});
