import { strict as assert } from 'node:assert';
import JSZip from 'jszip';
import { extractDocx } from '../../src/core/extract/docx';
import { ExtractionError } from '../../src/core/extract/extracted-document';
import { writeDocx } from '../support/docx-writer';

async function extractionFailure(data: Uint8Array): Promise<ExtractionError> {
  try {
    await extractDocx(data);
  } catch (error) {
    assert.ok(error instanceof ExtractionError, `expected an ExtractionError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected extraction to fail');
}

describe('extractDocx', () => {
  it('gives the text as one page, a paragraph per block', async () => {
    const docx = await writeDocx({
      paragraphs: ['Country Report: Kosovo', 'The authorities continued to detain journalists <and> bloggers & others.', '\u201cQuoted\u201d \u2013 text.'],
    });
    const document = await extractDocx(docx);
    assert.deepEqual(document.pages, [
      'Country Report: Kosovo\n\nThe authorities continued to detain journalists <and> bloggers & others.\n\n\u201cQuoted\u201d \u2013 text.',
    ]);
    assert.equal(document.pageLabels, undefined);
    assert.deepEqual(document.properties, {});
  });

  it('reads title, creators, created date and language from the core properties', async () => {
    const docx = await writeDocx({
      paragraphs: ['Text.'],
      title: 'Kosovo: Security & Länderbericht',
      creator: 'Smith, Jane; Doe, John',
      created: '2022-09-21T10:30:00Z',
      language: 'en-GB',
    });
    assert.deepEqual((await extractDocx(docx)).properties, {
      title: 'Kosovo: Security & Länderbericht',
      author: ['Smith, Jane', 'Doe, John'],
      date: '2022-09-21',
      language: 'en',
    });
  });

  it('drops a title that a template or the file name left in the properties', async () => {
    for (const junk of ['Microsoft Word - draft3.docx', 'Untitled', 'Slide 1', 'report_final.docx', 'Document1']) {
      const docx = await writeDocx({ paragraphs: ['Text.'], title: junk, creator: 'Smith, Jane' });
      assert.deepEqual((await extractDocx(docx)).properties, { author: ['Smith, Jane'] }, junk);
    }
  });

  it('fails with damaged for bytes that are not a zip, and for a zip without a document', async () => {
    const notZip = await extractionFailure(new TextEncoder().encode('This is plain text, not a Word document.'));
    assert.equal(notZip.failure, 'damaged');
    assert.equal(notZip.message, 'This Word document is damaged and cannot be read: it is not a valid .docx (zip) file.');

    const zip = new JSZip();
    zip.file('hello.txt', 'Hello');
    const noDocument = await extractionFailure(await zip.generateAsync({ type: 'uint8array' }));
    assert.equal(noDocument.failure, 'damaged');
    assert.match(noDocument.message, /^This Word document is damaged and cannot be read: .+\.$/);

    const docx = await writeDocx({ paragraphs: ['Some text.'] });
    const truncated = await extractionFailure(docx.slice(0, docx.length - 40));
    assert.equal(truncated.failure, 'damaged');
  });

  it('fails with no-text for a document without text', async () => {
    const failure = await extractionFailure(await writeDocx({ paragraphs: ['', '  '] }));
    assert.equal(failure.failure, 'no-text');
    assert.equal(failure.message, 'This Word document has no text.');
  });

  it('recognizes a password-protected .docx and an old .doc by their compound-file wrapper', async () => {
    const header = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(504).fill(0)]);
    const encrypted = await extractionFailure(new Uint8Array(Buffer.concat([header, Buffer.from('EncryptedPackage', 'utf16le')])));
    assert.equal(encrypted.failure, 'encrypted');
    assert.equal(encrypted.message, 'This Word document is password-protected; save an unprotected copy to use it as a source.');
    const legacy = await extractionFailure(new Uint8Array(Buffer.concat([header, Buffer.from('WordDocument', 'utf16le')])));
    assert.equal(legacy.failure, 'damaged');
    assert.match(legacy.message, /old Word 97–2003 document \(\.doc\)/);
  });
});
