import { LineIndex } from '../report/line-index';
import { parseMarkdown } from '../report/markdown';
import type { ServiceDocument } from './service-host';

/**
 * One version of a document, parsed as far as a request needs and no further: line starts at once,
 * the Markdown structure (where prose is) on first use. Kept per URI and version, so completion on
 * every keystroke does not parse a long report again for each request of the same version.
 */
export class ParsedDocument {
  readonly lines: LineIndex;
  private parsedProse: string | undefined;

  constructor(readonly document: ServiceDocument) {
    this.lines = new LineIndex(document.text);
  }

  get version(): number {
    return this.document.version;
  }

  /** The text with everything that is not prose blanked out, offsets kept. */
  get prose(): string {
    this.parsedProse ??= parseMarkdown(this.document.text).prose;
    return this.parsedProse;
  }
}
