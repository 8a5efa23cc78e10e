import { LineIndex } from '../report/line-index';
import { proseCodeAt, reparseMarkdown } from '../report/incremental-markdown';
import { parseMarkdown, type MarkdownStructure } from '../report/markdown';
import type { ServiceDocument } from './service-host';

/**
 * One version of a document, parsed as far as a request needs and no further: line starts at once,
 * the Markdown structure (where prose is) on first use. Kept per URI and version, so completion on
 * every keystroke does not parse a long report again for each request of the same version; and a new
 * version is parsed from the last structure of the same document, reading again only around the edit.
 */
export class ParsedDocument {
  readonly lines: LineIndex;
  private parsed: MarkdownStructure | undefined;
  /** The last structure of an earlier version, until this version's is parsed from it; never a chain of them. */
  private earlier: MarkdownStructure | undefined;

  constructor(
    readonly document: ServiceDocument,
    previous?: ParsedDocument,
  ) {
    this.lines = new LineIndex(document.text);
    this.earlier = previous?.parsed ?? previous?.earlier;
  }

  get version(): number {
    return this.document.version;
  }

  /**
   * Whether the prose (the text with code, comments and front matter blanked, offsets kept) reads `expected`
   * at an offset. Asks the structure for single characters, so that a keystroke never joins the whole prose.
   */
  proseHas(offset: number, expected: string): boolean {
    if (!this.parsed) {
      this.parsed = this.earlier ? reparseMarkdown(this.earlier, this.document.text) : parseMarkdown(this.document.text);
      this.earlier = undefined;
    }
    for (let index = 0; index < expected.length; index++) {
      if (proseCodeAt(this.parsed, offset + index) !== expected.charCodeAt(index)) return false;
    }
    return true;
  }
}
