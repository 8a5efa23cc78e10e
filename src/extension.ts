import * as vscode from 'vscode';
import { Citewise } from './vscode/citewise';
import { registerCodeActions } from './vscode/code-actions';
import { registerCommands } from './vscode/commands';
import { registerCompletion } from './vscode/completion';
import { registerDiagnostics } from './vscode/diagnostics';
import { registerExtractedText } from './vscode/extracted-text';
import { registerHover } from './vscode/hover';
import { registerNavigation } from './vscode/navigation';
import { registerSearchCorpus } from './vscode/search-corpus';
import { registerSourcesView } from './vscode/sources-view';
import { registerStatusBar } from './vscode/status-bar';

/** Each feature is one adapter over the core; they share the Citewise context object and nothing else. */
const features = [
  registerDiagnostics,
  registerCompletion,
  registerHover,
  registerNavigation,
  registerExtractedText,
  registerCodeActions,
  registerSearchCorpus,
  registerCommands,
  registerSourcesView,
  registerStatusBar,
];

export function activate(context: vscode.ExtensionContext): void {
  const citewise = new Citewise(context);
  context.subscriptions.push(citewise, ...features.map((register) => register(citewise)));
}

export function deactivate(): void {
  // Everything is released through the extension context's subscriptions.
}
