import * as vscode from 'vscode';
import type { Range } from '../core/line-index';
import { escapeMarkdown } from '../core/markdown-escape';
import type { Severity } from '../core/schema';

export function toRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

export function offsetRange(document: vscode.TextDocument, start: number, end: number): vscode.Range {
  return new vscode.Range(document.positionAt(start), document.positionAt(end));
}

export function toSeverity(severity: Severity): vscode.DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    case 'info':
      return vscode.DiagnosticSeverity.Information;
    case 'hint':
      return vscode.DiagnosticSeverity.Hint;
  }
}

/**
 * Markdown for hovers, completions and tooltips that show corpus text. The result is never trusted,
 * HTML is off, and every piece of corpus text goes through `text()`, which escapes it so that a source
 * cannot inject links, images or command URIs.
 */
export class SafeMarkdown {
  readonly value = new vscode.MarkdownString('', false);

  constructor() {
    this.value.isTrusted = false;
    this.value.supportHtml = false;
  }

  text(text: string): this {
    this.value.appendMarkdown(escapeMarkdown(text));
    return this;
  }

  /** Markdown written by Citewise itself, never text from a source. */
  markdown(markdown: string): this {
    this.value.appendMarkdown(markdown);
    return this;
  }
}
