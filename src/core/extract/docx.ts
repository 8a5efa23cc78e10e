import { languageCode } from '../metadata/language';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import {
  ExtractedDocument,
  ExtractionError,
  cleanProperty,
  documentTitle,
  normalizeDocumentDate,
  splitAuthors,
} from './extracted-document';

/** The signature of an OLE compound file: Word 97–2003 documents, and .docx files saved with a password. */
const compoundFileSignature = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

export async function extractDocx(data: Uint8Array): Promise<ExtractedDocument> {
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (compoundFileSignature.every((byte, index) => buffer[index] === byte)) {
    // A password-protected .docx is an encrypted package inside a compound file, not a zip.
    if (buffer.includes(Buffer.from('EncryptedPackage', 'utf16le'))) {
      throw new ExtractionError('encrypted', 'This Word document is password-protected; save an unprotected copy to use it as a source.');
    }
    throw new ExtractionError(
      'damaged',
      'This file is an old Word 97–2003 document (.doc), not a .docx; save it as .docx to use it as a source.',
    );
  }

  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(buffer);
  } catch {
    throw new ExtractionError('damaged', 'This Word document is damaged and cannot be read: it is not a valid .docx (zip) file.');
  }

  await checkExpansion(zip);

  let text: string;
  try {
    text = (await mammoth.extractRawText({ buffer })).value;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    if (/main document part/i.test(detail)) {
      throw new ExtractionError('damaged', 'This Word document is damaged and cannot be read: it has no main document part (word/document.xml).');
    }
    throw new ExtractionError('damaged', `This Word document is damaged and cannot be read: ${detail.trim().replace(/\.$/, '')}.`);
  }
  if (text.trim() === '') throw new ExtractionError('no-text', 'This Word document has no text.');

  return { pages: [text.replace(/\s+$/, '')], properties: await readCoreProperties(zip) };
}

/** More parts than any Word document has; a zip of many tiny entries only costs time to list. */
const maxDocxEntries = 10_000;
/** The most bytes a document's XML parts may expand to (a 1,000-page report's are a few tens of MB). */
const maxDocxXmlBytes = 64 * 1024 * 1024;
/**
 * The most XML tags (counted as "<") the main document may hold: several hundred pages of formatted text.
 * mammoth builds every element as an object, some 2.5 KB and 25 µs each, so 300 MB of small paragraphs
 * exhausts the heap; at this limit it takes a few seconds and well under a gigabyte.
 */
const maxDocxTags = 600_000;

/**
 * Refuses a zip bomb before mammoth expands it. The sizes a zip declares can lie, so the XML parts are
 * inflated as a stream and counted, and the count stops at the first limit it passes.
 */
async function checkExpansion(zip: JSZip): Promise<void> {
  const parts = Object.values(zip.files).filter((file) => !file.dir);
  if (parts.length > maxDocxEntries) {
    throw new ExtractionError('too-large', `This Word document has ${parts.length} parts, more than the ${maxDocxEntries} Citewise reads; it is not a normal .docx.`);
  }
  let bytes = 0;
  for (const part of parts) {
    if (!/\.(?:xml|rels)$/i.test(part.name)) continue;
    const main = part.name === 'word/document.xml';
    let tags = 0;
    await new Promise<void>((resolve, reject) => {
      // JSZip's stream is an old-style emitter, not async-iterable; pausing it stops the inflating.
      const stream = part.nodeStream('nodebuffer');
      const stop = (error: ExtractionError) => {
        stream.pause();
        stream.removeAllListeners('data');
        reject(error);
      };
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (main) for (let at = chunk.indexOf(0x3c); at >= 0; at = chunk.indexOf(0x3c, at + 1)) tags++;
        if (bytes > maxDocxXmlBytes) {
          stop(new ExtractionError('too-large', `This Word document expands to more than ${maxDocxXmlBytes / 1048576} MB of XML, too large to read; it may be a zip bomb.`));
        } else if (tags > maxDocxTags) {
          stop(new ExtractionError('too-large', `This Word document has more than ${maxDocxTags} XML tags, too many to read; split it into smaller files.`));
        }
      });
      stream.on('error', () => reject(new ExtractionError('damaged', `This Word document is damaged and cannot be read: ${part.name} cannot be decompressed.`)));
      stream.on('end', () => resolve());
    });
  }
}

async function readCoreProperties(zip: JSZip): Promise<ExtractedDocument['properties']> {
  const xml = await zip.file(await corePropertiesPath(zip))?.async('string').catch(() => undefined);
  if (!xml) return {};
  const properties: ExtractedDocument['properties'] = {};
  const title = documentTitle(elementText(xml, 'title'));
  const author = splitAuthors(cleanProperty(elementText(xml, 'creator')));
  const date = normalizeDocumentDate(cleanProperty(elementText(xml, 'created')));
  const language = languageCode(cleanProperty(elementText(xml, 'language')));
  if (title) properties.title = title;
  if (author) properties.author = author;
  if (date) properties.date = date;
  if (language) properties.language = language;
  return properties;
}

/** Where the package's relationships put the core properties; docProps/core.xml by convention. */
async function corePropertiesPath(zip: JSZip): Promise<string> {
  const rels = await zip.file('_rels/.rels')?.async('string').catch(() => undefined);
  for (const match of rels?.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g) ?? []) {
    const type = /\bType="([^"]*)"/.exec(match[0])?.[1];
    const target = /\bTarget="([^"]*)"/.exec(match[0])?.[1];
    if (type?.endsWith('/metadata/core-properties') && target) return decodeXml(target).replace(/^\//, '');
  }
  return 'docProps/core.xml';
}

/** The text of the first element with this local name, whatever its namespace prefix. */
function elementText(xml: string, localName: string): string | undefined {
  const match = new RegExp(`<(?:[\\w.-]+:)?${localName}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w.-]+:)?${localName}>`).exec(xml);
  return match ? decodeXml(match[1].replace(/<[^>]*>/g, '')) : undefined;
}

function decodeXml(text: string): string {
  return text.replace(/&(?:#x([0-9a-fA-F]+)|#(\d+)|(amp|lt|gt|quot|apos));/g, (_, hex?: string, decimal?: string, name?: string) => {
    if (hex || decimal) {
      const code = hex ? parseInt(hex, 16) : parseInt(decimal!, 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[name as 'amp'];
  });
}
