/**
 * A minimal PDF 1.4 writer for tests: text lines in the standard Helvetica font, an Info dictionary and page
 * labels. Fixtures are generated in code so no binary files live in git.
 */

export interface PdfLine {
  /** Start of the baseline, in points from the bottom-left corner of the page. */
  x: number;
  y: number;
  text: string;
  /** Font size in points; 10 unless given. */
  size?: number;
}

export interface PdfPage {
  lines?: PdfLine[];
  /** A page with a drawn rectangle and no text at all, as a scan without a text layer would be. */
  drawingOnly?: boolean;
}

export interface PdfPageLabelRange {
  /** Zero-based index of the first page of the range. */
  startPage: number;
  /** 'D' decimal, 'r' lower-case roman. */
  style: 'D' | 'r';
  prefix?: string;
  start?: number;
}

export interface PdfWriterOptions {
  pages: PdfPage[];
  info?: { title?: string; author?: string; creationDate?: string };
  pageLabels?: PdfPageLabelRange[];
  /** A4 unless given. */
  paper?: 'a4' | 'letter';
}

const mediaBoxes = { a4: [0, 0, 595, 842], letter: [0, 0, 612, 792] } as const;

/** WinAnsiEncoding bytes for the characters outside Latin-1 that reports meet most. */
const winAnsiExtras: Record<string, number> = {
  '\u20ac': 0x80, '\u2026': 0x85, '\u2018': 0x91, '\u2019': 0x92, '\u201c': 0x93, '\u201d': 0x94,
  '\u2022': 0x95, '\u2013': 0x96, '\u2014': 0x97, '\u2122': 0x99,
};

function winAnsiByte(char: string): number {
  const extra = winAnsiExtras[char];
  if (extra !== undefined) return extra;
  const code = char.codePointAt(0)!;
  if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff)) return code;
  throw new Error(`pdf-writer: ${JSON.stringify(char)} has no WinAnsiEncoding byte`);
}

/** A literal string of WinAnsi bytes; bytes outside printable ASCII are written as octal escapes so the file stays ASCII. */
function literalString(text: string): string {
  let out = '(';
  for (const char of text) {
    const byte = winAnsiByte(char);
    if (byte === 0x28 || byte === 0x29 || byte === 0x5c) out += '\\' + char;
    else if (byte >= 0x20 && byte <= 0x7e) out += char;
    else out += '\\' + byte.toString(8).padStart(3, '0');
  }
  return out + ')';
}

/** A PDF text string (Info dictionary): PDFDocEncoding when ASCII, else UTF-16BE with a byte order mark. */
function textString(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return literalString(text);
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/0+$/, '');
}

function pageContent(page: PdfPage): string {
  if (page.drawingOnly) return '0.5 w 0 0 0 RG 72 400 300 200 re S 0.8 g 100 430 120 80 re f\n';
  return (page.lines ?? [])
    .map((line) => `BT /F1 ${formatNumber(line.size ?? 10)} Tf ${formatNumber(line.x)} ${formatNumber(line.y)} Td ${literalString(line.text)} Tj ET\n`)
    .join('');
}

export function writePdf(options: PdfWriterOptions): Uint8Array {
  if (options.pages.length === 0) throw new Error('pdf-writer: a PDF needs at least one page');
  const objects: string[] = [];
  const add = (body: string): number => {
    objects.push(body);
    return objects.length;
  };
  const catalogId = add('');
  const pagesId = add('');
  const fontId = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const mediaBox = mediaBoxes[options.paper ?? 'a4'].join(' ');
  const pageIds = options.pages.map((page) => {
    const content = pageContent(page);
    // The content is ASCII, so its length in characters is its length in bytes.
    const contentId = add(`<< /Length ${content.length} >>\nstream\n${content}endstream`);
    return add(
      `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [${mediaBox}] ` +
        `/Resources << /Font << /F1 ${fontId} 0 R >> /ProcSet [/PDF /Text] >> /Contents ${contentId} 0 R >>`,
    );
  });
  objects[pagesId - 1] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  let catalog = `<< /Type /Catalog /Pages ${pagesId} 0 R`;
  if (options.pageLabels?.length) {
    const nums = options.pageLabels
      .map((range) => {
        let dict = `<< /S /${range.style}`;
        if (range.prefix !== undefined) dict += ` /P ${textString(range.prefix)}`;
        if (range.start !== undefined) dict += ` /St ${range.start}`;
        return `${range.startPage} ${dict} >>`;
      })
      .join(' ');
    catalog += ` /PageLabels << /Nums [${nums}] >>`;
  }
  objects[catalogId - 1] = catalog + ' >>';
  let infoId: number | undefined;
  if (options.info) {
    const entries: string[] = [];
    if (options.info.title !== undefined) entries.push(`/Title ${textString(options.info.title)}`);
    if (options.info.author !== undefined) entries.push(`/Author ${textString(options.info.author)}`);
    if (options.info.creationDate !== undefined) entries.push(`/CreationDate ${textString(options.info.creationDate)}`);
    infoId = add(`<< ${entries.join(' ')} >>`);
  }

  // The comment after the header holds bytes above 127, as the specification advises for binary-safe transfer.
  const header = Buffer.concat([Buffer.from('%PDF-1.4\n%', 'latin1'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]), Buffer.from('\n')]);
  const chunks: Buffer[] = [header];
  let offset = header.length;
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(offset);
    const chunk = Buffer.from(`${index + 1} 0 obj\n${body}\nendobj\n`, 'latin1');
    chunks.push(chunk);
    offset += chunk.length;
  });
  const xrefOffset = offset;
  let tail = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const objectOffset of offsets) tail += `${String(objectOffset).padStart(10, '0')} 00000 n \n`;
  tail += `trailer\n<< /Size ${objects.length + 1} /Root ${catalogId} 0 R${infoId ? ` /Info ${infoId} 0 R` : ''} >>\n`;
  tail += `startxref\n${xrefOffset}\n%%EOF\n`;
  chunks.push(Buffer.from(tail, 'latin1'));
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * Lines of text laid out top to bottom from `top`, `leading` points apart, starting at `x`: the usual shape of
 * a page of running text.
 */
export function textLines(texts: string[], options: { x?: number; top?: number; leading?: number; size?: number } = {}): PdfLine[] {
  const { x = 72, top = 770, leading = 14, size = 10 } = options;
  return texts.map((text, index) => ({ x, y: top - index * leading, text, size }));
}
