import { languageCode } from '../metadata/language';
import {
  ExtractedDocument,
  ExtractionError,
  cleanProperty,
  documentTitle,
  normalizeDocumentDate,
  splitAuthors,
} from './extracted-document';

/** The part of pdf.js's API this module uses; declared here so type checking does not depend on its ESM typings. */
interface PdfJsTextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

interface PdfJsPage {
  getTextContent(): Promise<{ items: Array<PdfJsTextItem | { type: string }> }>;
  cleanup(): boolean;
}

interface PdfJsDocument {
  numPages: number;
  getPage(pageNumber: number): Promise<PdfJsPage>;
  getPageLabels(): Promise<string[] | null>;
  getMetadata(): Promise<{ info: Record<string, unknown>; metadata: { get(name: string): unknown } | null }>;
}

interface PdfJsLoadingTask {
  promise: Promise<PdfJsDocument>;
  destroy(): Promise<void>;
}

interface PdfJs {
  getDocument(options: {
    data: Uint8Array;
    isEvalSupported: boolean;
    useSystemFonts: boolean;
    disableFontFace: boolean;
    verbosity: number;
  }): PdfJsLoadingTask;
}

// tsc compiles `await import()` to `require()` under CommonJS, and pdf.js is an ES module that Node 20 cannot
// require; a Function body is out of tsc's (and esbuild's) reach, so this stays a real dynamic import.
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

let pdfJsLoading: Promise<PdfJs> | undefined;

/**
 * Loads pdf.js once. Two things in its module code would trouble an editor extension, where the optional
 * native `@napi-rs/canvas` is absent (a .vsix must not carry a module built for one platform), and where
 * text extraction never needs it:
 * - it warns on the console about the missing package before any `verbosity` option can apply, so exactly
 *   those warnings are held back while it loads;
 * - it constructs a `DOMMatrix` for canvas rendering at load time and fails with "DOMMatrix is not defined"
 *   without one, so an inert stand-in is provided while it loads and removed afterwards, to leave no fake
 *   browser API behind for other code in the process.
 */
function loadPdfJs(): Promise<PdfJs> {
  pdfJsLoading ??= (async () => {
    const originalWarn = console.warn;
    const filteredWarn = (...args: unknown[]): void => {
      if (typeof args[0] === 'string' && /^Warning: Cannot (load "@napi-rs\/canvas"|polyfill|access the `require`)/.test(args[0])) return;
      originalWarn.apply(console, args);
    };
    const globals = globalThis as { DOMMatrix?: unknown };
    const standIn = globals.DOMMatrix === undefined ? class DOMMatrix {} : undefined;
    if (standIn) globals.DOMMatrix = standIn;
    console.warn = filteredWarn;
    try {
      return (await importModule('pdfjs-dist/legacy/build/pdf.mjs')) as PdfJs;
    } catch (error) {
      pdfJsLoading = undefined;
      throw error;
    } finally {
      if (console.warn === filteredWarn) console.warn = originalWarn;
      if (standIn && globals.DOMMatrix === standIn) delete globals.DOMMatrix;
    }
  })();
  return pdfJsLoading;
}

export async function extractPdf(data: Uint8Array): Promise<ExtractedDocument> {
  const pdfjs = await loadPdfJs();
  // A copy, because pdf.js may take over (detach) the buffer it is given, and it refuses a Node Buffer.
  const task = pdfjs.getDocument({
    data: new Uint8Array(data),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    verbosity: 0,
  });
  try {
    let document: PdfJsDocument;
    try {
      document = await task.promise;
    } catch (error) {
      if (errorName(error) === 'PasswordException') {
        throw new ExtractionError('encrypted', 'This PDF is password-protected; save an unprotected copy to use it as a source.');
      }
      throw damaged(error);
    }

    const pages: string[] = [];
    let printedTitle: string | undefined;
    try {
      for (let pageNumber = 1; pageNumber <= document.numPages; pageNumber++) {
        const page = await document.getPage(pageNumber);
        const content = await page.getTextContent();
        const items = content.items.filter(isTextItem);
        pages.push(pageText(items.map(toItem)));
        if (pageNumber === 1) printedTitle = largestText(items);
        page.cleanup();
      }
    } catch (error) {
      throw damaged(error);
    }
    if (pages.every((page) => page.trim() === '')) {
      throw new ExtractionError('no-text', 'This PDF has no text layer (it may be a scan); run OCR on it to quote from it.');
    }

    const result: ExtractedDocument = { pages, properties: await readProperties(document) };
    if (printedTitle) result.printedTitle = printedTitle;
    const labels = await document.getPageLabels().catch(() => null);
    if (labels && labels.length === pages.length) result.pageLabels = labels;
    return result;
  } finally {
    await task.destroy().catch(() => undefined);
  }
}

function errorName(error: unknown): string | undefined {
  return error && typeof error === 'object' && 'name' in error ? String(error.name) : undefined;
}

function damaged(error: unknown): ExtractionError {
  if (error instanceof ExtractionError) return error;
  const detail = (error instanceof Error ? error.message : String(error)).trim().replace(/\.$/, '') || 'unknown error';
  return new ExtractionError('damaged', `This PDF is damaged and cannot be read: ${detail}.`);
}

async function readProperties(document: PdfJsDocument): Promise<ExtractedDocument['properties']> {
  const metadata = await document.getMetadata().catch(() => undefined);
  if (!metadata) return {};
  const { info } = metadata;
  // The Info dictionary comes first because nearly every producer writes it; XMP fills the gaps.
  const xmp = (name: string): unknown => metadata.metadata?.get(name) ?? undefined;
  const xmpText = (name: string): string | undefined => {
    const value = xmp(name);
    return cleanProperty(Array.isArray(value) ? value[0] : value);
  };
  const xmpAuthors = xmp('dc:creator');
  const properties: ExtractedDocument['properties'] = {};
  const title = documentTitle(info.Title) ?? documentTitle(xmpText('dc:title'));
  const author =
    splitAuthors(cleanProperty(info.Author)) ??
    splitAuthors(Array.isArray(xmpAuthors) ? xmpAuthors.filter((entry): entry is string => typeof entry === 'string') : cleanProperty(xmpAuthors));
  // XMP's publication date, where a publisher wrote one, is the date wanted; creation dates are the fallback.
  const date =
    normalizeDocumentDate(xmpText('prism:publicationdate')) ?? normalizeDocumentDate(cleanProperty(info.CreationDate)) ?? normalizeDocumentDate(xmpText('xmp:createdate'));
  const language = languageCode(cleanProperty(info.Language) ?? cleanProperty(info.Lang)) ?? languageCode(xmpText('dc:language'));
  if (title) properties.title = title;
  if (author) properties.author = author;
  if (date) properties.date = date;
  if (language) properties.language = language;
  return properties;
}

/** Type this much larger than the page's body text is a title's; a heading set a little larger is not. */
const TITLE_SIZE_RATIO = 1.3;
/** Items within this share of the largest size are set in the title's type (rounding, kerning, small caps). */
const SAME_SIZE_SHARE = 0.92;
const MAX_PRINTED_TITLE = 250;

/**
 * The first page's largest text, upright, when it stands out from the body text: the lines set in that
 * size that follow each other from the first one, joined ('Kosovo:' / 'Country Focus' → 'Kosovo: Country
 * Focus'). Undefined when no text stands out, or when the largest text is too long or too short to be a title.
 */
function largestText(items: PdfJsTextItem[]): string | undefined {
  const upright = items
    .filter((item) => item.str.trim() !== '' && Math.abs(item.transform[1]) < 1e-6 && Math.abs(item.transform[2]) < 1e-6)
    .map(toItem);
  if (upright.length === 0) return undefined;
  // The body size is the one most characters are set in.
  const charactersBySize = new Map<number, number>();
  for (const item of upright) charactersBySize.set(Math.round(item.size * 10) / 10, (charactersBySize.get(Math.round(item.size * 10) / 10) ?? 0) + item.str.length);
  const bodySize = [...charactersBySize].sort((a, b) => b[1] - a[1])[0][0];
  const lettered = upright.filter((item) => /\p{L}/u.test(item.str));
  const largest = Math.max(...lettered.map((item) => item.size));
  if (!(largest >= TITLE_SIZE_RATIO * bodySize)) return undefined;
  const lines = streamLines(upright.filter((item) => item.size >= SAME_SIZE_SHARE * largest));
  // The title's lines follow each other; a second run of that size further down is another thing.
  const title: Line[] = [lines[0]];
  for (const line of lines.slice(1)) {
    const drop = title[title.length - 1].y - line.y;
    if (drop <= 0 || drop > 2 * line.size) break;
    title.push(line);
  }
  const text = title
    .map((line) => line.text)
    .reduce((joined, line) => (/\p{L}-$/u.test(joined) && /^\p{Ll}/u.test(line) ? joined.slice(0, -1) + line : `${joined} ${line}`))
    .replace(/\s+/g, ' ')
    .trim();
  return text.length >= 4 && text.length <= MAX_PRINTED_TITLE && /\p{L}{2}/u.test(text) ? text : undefined;
}

interface Item {
  str: string;
  x: number;
  y: number;
  width: number;
  /** Font size in page units: the vertical scale of the text matrix. */
  size: number;
  hasEOL: boolean;
}

function isTextItem(item: PdfJsTextItem | { type: string }): item is PdfJsTextItem {
  return typeof (item as PdfJsTextItem).str === 'string' && Array.isArray((item as PdfJsTextItem).transform);
}

function toItem(item: PdfJsTextItem): Item {
  const [, , c, d, x, y] = item.transform;
  const size = Math.hypot(c, d) || item.height || 10;
  return { str: item.str, x, y, width: Math.max(0, item.width || 0), size, hasEOL: item.hasEOL };
}

interface Line {
  text: string;
  y: number;
  size: number;
}

/** Items in content order → page text; a two-column page is read column by column. */
function pageText(items: Item[]): string {
  const columnLines = twoColumnLines(items);
  return joinLines(columnLines ?? streamLines(items));
}

/** Whether two baselines belong to one line; superscripts and subscripts stay on their line. */
function sameBaseline(a: number, b: number, size: number): boolean {
  return Math.abs(a - b) <= size * 0.5;
}

/** Lines in content-stream order: a change of baseline, or pdf.js's end-of-line mark, starts a new one. */
function streamLines(items: Item[]): Line[] {
  const lines: Line[] = [];
  let current: { items: Item[]; y: number; size: number } | undefined;
  let breakPending = false;
  const flush = (): void => {
    if (current) lines.push({ text: lineText(current.items), y: current.y, size: current.size });
    current = undefined;
  };
  for (const item of items) {
    if (item.str === '') {
      breakPending ||= item.hasEOL;
      continue;
    }
    const whitespace = item.str.trim() === '';
    if (current && (breakPending || !sameBaseline(item.y, current.y, Math.max(item.size, current.size)))) {
      // A whitespace item does not begin a line on its own.
      if (whitespace) {
        breakPending ||= item.hasEOL;
        continue;
      }
      flush();
    }
    breakPending = false;
    if (!current) {
      if (whitespace) continue;
      current = { items: [], y: item.y, size: item.size };
    }
    current.items.push(item);
    current.size = Math.max(current.size, whitespace ? 0 : item.size);
    breakPending = item.hasEOL;
  }
  flush();
  return lines;
}

/** Items of one line joined, with a space where they stand apart and neither side has one. */
function lineText(items: Item[]): string {
  let text = '';
  let previous: Item | undefined;
  for (const item of items) {
    if (previous) {
      const gap = item.x - (previous.x + previous.width);
      if (gap > 0.15 * Math.min(item.size, previous.size) && !/\s$/.test(text) && !/^\s/.test(item.str)) text += ' ';
    }
    text += item.str;
    previous = item;
  }
  return text.trim();
}

/** Line texts joined; a vertical gap well beyond the usual line spacing becomes a blank line. */
function joinLines(lines: Line[]): string {
  const drops: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const drop = lines[i - 1].y - lines[i].y;
    if (drop > 0 && drop <= 3 * lines[i].size) drops.push(drop);
  }
  // A low quantile, not the median: with few lines, paragraph gaps would otherwise pass for line spacing.
  const lineHeight = drops.length ? [...drops].sort((a, b) => a - b)[Math.floor((drops.length - 1) / 4)] : undefined;
  let text = '';
  lines.forEach((line, index) => {
    if (index > 0) {
      const drop = lines[index - 1].y - line.y;
      text += drop > 1.5 * (lineHeight ?? 1.2 * line.size) ? '\n\n' : '\n';
    }
    text += line.text;
  });
  return text;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

interface Row {
  y: number;
  size: number;
  items: Array<Item & { index: number }>;
}

/** Visible items grouped by baseline, top of the page first. */
function rowsOf(items: Item[]): Row[] {
  const visible = items
    .map((item, index) => ({ ...item, index }))
    .filter((item) => item.str.trim() !== '')
    .sort((a, b) => b.y - a.y || a.index - b.index);
  const rows: Row[] = [];
  for (const item of visible) {
    const row = rows[rows.length - 1];
    if (row && sameBaseline(item.y, row.y, Math.max(item.size, row.size))) {
      row.items.push(item);
      row.size = Math.max(row.size, item.size);
    } else {
      rows.push({ y: item.y, size: item.size, items: [item] });
    }
  }
  for (const row of rows) row.items.sort((a, b) => a.index - b.index);
  return rows;
}

const minimumColumnRows = 3;
/** Headings, figure captions and footers may span both columns; these are at most this share of the rows. */
const maximumSpanningShare = 0.3;
/** Column lines fill most of their column; a table's label cells do not, which keeps tables in row order. */
const minimumColumnFill = 0.6;
const minimumColumnWidthRatio = 0.6;

/**
 * When the page is set in two columns, its lines in reading order: between full-width lines, the left column
 * top to bottom, then the right one. Many PDFs emit such pages line by line across both columns, so content
 * order would interleave them. The sign of two columns is a gutter: an x-range in the middle of the text that
 * no item crosses on most rows, with full column lines on both sides. Returns undefined for other pages.
 */
function twoColumnLines(items: Item[]): Line[] | undefined {
  const rows = rowsOf(items);
  if (rows.length < 2 * minimumColumnRows) return undefined;
  const intervals = rows.map((row) => row.items.map((item) => [item.x, item.x + item.width] as const));
  const left = Math.min(...intervals.flat().map(([start]) => start));
  const right = Math.max(...intervals.flat().map(([, end]) => end));
  const extent = right - left;
  if (!(extent > 0)) return undefined;

  const crossings = (x: number): number =>
    intervals.filter((row) => row.some(([start, end]) => start < x && x < end)).length;
  let best: { start: number; end: number; crossings: number } | undefined;
  let run: { start: number; end: number; crossings: number } | undefined;
  const step = Math.max(0.5, extent / 400);
  for (let x = left + 0.3 * extent; x <= left + 0.7 * extent; x += step) {
    const count = crossings(x);
    if (count > maximumSpanningShare * rows.length) {
      run = undefined;
      continue;
    }
    if (run && count === run.crossings) run.end = x;
    else run = { start: x, end: x, crossings: count };
    if (!best || run.crossings < best.crossings || (run.crossings === best.crossings && run.end - run.start > best.end - best.start)) {
      best = { ...run };
    }
  }
  if (!best) return undefined;
  const typicalSize = median(rows.map((row) => row.size));
  if (best.end - best.start < Math.max(4, 0.8 * typicalSize)) return undefined;
  const gutter = (best.start + best.end) / 2;

  const spans = (row: Row): boolean => row.items.some((item) => item.x < gutter && gutter < item.x + item.width);
  const leftParts: Array<{ start: number; end: number }> = [];
  const rightParts: Array<{ start: number; end: number }> = [];
  for (const row of rows) {
    if (spans(row)) continue;
    const leftItems = row.items.filter((item) => item.x + item.width <= gutter);
    const rightItems = row.items.filter((item) => item.x >= gutter);
    if (leftItems.length) leftParts.push(extentOf(leftItems));
    if (rightItems.length) rightParts.push(extentOf(rightItems));
  }
  if (leftParts.length < minimumColumnRows || rightParts.length < minimumColumnRows) return undefined;
  if (!fillsColumn(leftParts) || !fillsColumn(rightParts)) return undefined;
  const leftWidth = widthOf(leftParts);
  const rightWidth = widthOf(rightParts);
  // Columns of text are set about equally wide; a narrow column of labels beside wide values is a table.
  if (Math.min(leftWidth, rightWidth) < minimumColumnWidthRatio * Math.max(leftWidth, rightWidth)) return undefined;

  const lines: Line[] = [];
  let band: Row[] = [];
  const flushBand = (): void => {
    for (const side of ['left', 'right'] as const) {
      for (const row of band) {
        const sideItems = row.items.filter((item) => (side === 'left' ? item.x + item.width / 2 < gutter : item.x + item.width / 2 >= gutter));
        if (sideItems.length) lines.push({ text: lineText(sideItems), y: row.y, size: row.size });
      }
    }
    band = [];
  };
  for (const row of rows) {
    if (spans(row)) {
      flushBand();
      lines.push({ text: lineText(row.items), y: row.y, size: row.size });
    } else {
      band.push(row);
    }
  }
  flushBand();
  return lines;
}

function extentOf(items: Item[]): { start: number; end: number } {
  return { start: Math.min(...items.map((item) => item.x)), end: Math.max(...items.map((item) => item.x + item.width)) };
}

function widthOf(parts: Array<{ start: number; end: number }>): number {
  return Math.max(...parts.map((part) => part.end)) - Math.min(...parts.map((part) => part.start));
}

function fillsColumn(parts: Array<{ start: number; end: number }>): boolean {
  const width = widthOf(parts);
  return width > 0 && median(parts.map((part) => (part.end - part.start) / width)) >= minimumColumnFill;
}
