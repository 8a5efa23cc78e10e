import * as vscode from 'vscode';
import { Citewise } from './vscode/citewise';
import { registerCommands } from './vscode/commands';
import { registerExtractedText } from './vscode/extracted-text';
import { registerSearchCorpus } from './vscode/search-corpus';
import { registerSourcesView } from './vscode/sources-view';
import { registerStatusBar } from './vscode/status-bar';

/**
 * Every language feature comes from the language server, through the client Citewise starts; what only
 * VS Code has (views, commands, the status bar, extracted-text documents) is built on Citewise's requests.
 */
export function activate(context: vscode.ExtensionContext): void {
  const citewise = new Citewise(context);
  context.subscriptions.push(citewise, ...[registerExtractedText, registerSearchCorpus, registerCommands, registerSourcesView, registerStatusBar].map((register) => register(citewise)));
}

export function deactivate(): void {
  // Everything is released through the extension context's subscriptions.
}
