import * as vscode from 'vscode';
import type { Citewise } from './citewise';
import { quoteAt } from './report-lookup';

/**
 * Quick fixes for Citewise diagnostics: replace an unknown key with a close one, cite the source an
 * uncited quote was found in, or switch a rule off for one line with a comment.
 */
export function registerCodeActions(citewise: Citewise): vscode.Disposable {
  const provider: vscode.CodeActionProvider = {
    async provideCodeActions(document, _range, context, token) {
      const ours = context.diagnostics.filter((diagnostic) => diagnostic.source === 'citewise' && typeof diagnostic.code === 'string');
      if (ours.length === 0) return undefined;
      const actions: vscode.CodeAction[] = [];
      for (const diagnostic of ours) {
        const rule = diagnostic.code as string;
        if (rule === 'unknown-source') actions.push(...(await replaceKeyActions(citewise, document, diagnostic)));
        if (rule === 'quote-uncited') actions.push(...(await citeFoundSourceActions(citewise, document, diagnostic, token)));
        actions.push(disableNextLineAction(document, diagnostic, rule));
      }
      return actions;
    },
  };
  return vscode.languages.registerCodeActionsProvider({ language: 'markdown' }, provider, {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
  });
}

async function replaceKeyActions(citewise: Citewise, document: vscode.TextDocument, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const context = await citewise.reportContext(document);
  if (!context.loaded) return [];
  const key = document.getText(diagnostic.range);
  return context.loaded.lookup.closestKeys(key).map((candidate, index) => {
    const action = new vscode.CodeAction(`Replace with @${candidate}`, vscode.CodeActionKind.QuickFix);
    action.edit = new vscode.WorkspaceEdit();
    action.edit.replace(document.uri, diagnostic.range, candidate);
    action.diagnostics = [diagnostic];
    action.isPreferred = index === 0;
    return action;
  });
}

async function citeFoundSourceActions(
  citewise: Citewise,
  document: vscode.TextDocument,
  diagnostic: vscode.Diagnostic,
  token: vscode.CancellationToken,
): Promise<vscode.CodeAction[]> {
  const analysis = await citewise.analyze(document);
  const loaded = analysis?.context.loaded;
  if (!analysis || !loaded || token.isCancellationRequested) return [];
  const quote = quoteAt(analysis, document.offsetAt(diagnostic.range.start));
  if (!quote) return [];
  const found = await loaded.findQuote(quote.text, 3);
  const insertAt = document.positionAt(quote.end);
  return found.map(({ key, line }, index) => {
    const action = new vscode.CodeAction(`Cite @${key} (the quote is on its line ${line})`, vscode.CodeActionKind.QuickFix);
    action.edit = new vscode.WorkspaceEdit();
    action.edit.insert(document.uri, insertAt, quote.kind === 'blockquote' ? `\n>\n> Source: [@${key}]` : ` [@${key}]`);
    action.diagnostics = [diagnostic];
    action.isPreferred = index === 0;
    return action;
  });
}

function disableNextLineAction(document: vscode.TextDocument, diagnostic: vscode.Diagnostic, rule: string): vscode.CodeAction {
  const line = document.lineAt(diagnostic.range.start.line);
  // Inside a blockquote the comment must carry the quote markers, or it would end the quote.
  const lead = /^\s*(?:>\s?)*/.exec(line.text)![0];
  const action = new vscode.CodeAction(`Disable ${rule} for this line`, vscode.CodeActionKind.QuickFix);
  action.edit = new vscode.WorkspaceEdit();
  action.edit.insert(document.uri, line.range.start, `${lead}<!-- citewise-disable-next-line ${rule} -->\n`);
  action.diagnostics = [diagnostic];
  return action;
}
