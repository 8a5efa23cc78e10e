import type { ExtractedDocument } from './extracted-document';

/** Where each page starts in a source's text, and what the document calls it ('35', 'iv'). */
export interface PageMap {
  starts: number[];
  labels: string[];
}

/** A line of its own between pages, so a reader of the extracted text sees where each page begins. */
function pageMarker(label: string): string {
  return `[p. ${label}]`;
}

/**
 * Joins extracted pages into one text with a `[p. N]` line before each page. The markers are dropped
 * when the text is tokenized for quote matching, so a quote that runs across a page break still matches.
 */
export function joinPages(document: ExtractedDocument, paged: boolean): { text: string; pages?: PageMap } {
  if (!paged) return { text: document.pages.join('\n\n') };
  const labels = document.pages.map((_, index) => document.pageLabels?.[index] || String(index + 1));
  const starts: number[] = [];
  let text = '';
  document.pages.forEach((page, index) => {
    if (index > 0) text += '\n\n';
    text += `${pageMarker(labels[index])}\n\n`;
    starts.push(text.length);
    text += page.replace(/\s+$/, '');
  });
  return { text, pages: { starts, labels } };
}

/** The label of the page an offset lies on. */
function pageAt(map: PageMap, offset: number): string {
  let low = 0;
  let high = map.starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (map.starts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return map.labels[low];
}

/** Every page label from the page of `start` to the page of `end`. */
export function pagesBetween(map: PageMap, start: number, end: number): string[] {
  const first = map.labels.indexOf(pageAt(map, start));
  const last = map.labels.indexOf(pageAt(map, Math.max(start, end - 1)));
  return map.labels.slice(first, Math.max(first, last) + 1);
}
