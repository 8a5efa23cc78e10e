import { escapeMarkdown } from '../report/markdown-escape';

/**
 * Markdown for hovers and completion details that show corpus text. Every piece of corpus text goes
 * through `text()`, which escapes it so that a source cannot inject links, images or command URIs; the
 * editor is expected to render the result untrusted and without HTML (VS Code's client does by default).
 */
export class SafeMarkdown {
  private written = '';

  text(text: string): this {
    this.written += escapeMarkdown(text);
    return this;
  }

  /** Markdown written by Citewise itself, never text from a source. */
  markdown(markdown: string): this {
    this.written += markdown;
    return this;
  }

  get value(): string {
    return this.written;
  }
}
