import * as vscode from 'vscode';
import { Citewise } from './vscode/citewise';
import { registerCommands } from './vscode/commands';
import { registerExtractedText } from './vscode/extracted-text';
import { registerLanguageFeatures } from './vscode/language-features';
import { registerSearchCorpus } from './vscode/search-corpus';
import { registerSourcesView } from './vscode/sources-view';
import { registerStatusBar } from './vscode/status-bar';

/** The language features come from the core's language service; the rest is VS Code's own UI over Citewise's requests. */
export function activate(context: vscode.ExtensionContext): void {
  const citewise = new Citewise(context);
  context.subscriptions.push(
    citewise,
    registerLanguageFeatures(citewise),
    ...[registerExtractedText, registerSearchCorpus, registerCommands, registerSourcesView, registerStatusBar].map((register) => register(citewise)),
  );
}

export function deactivate(): void {
  // Everything is released through the extension context's subscriptions.
}
