import * as vscode from 'vscode';
import { createConverter as createCodeConverter } from 'vscode-languageclient/lib/common/codeConverter';
import { createConverter as createProtocolConverter } from 'vscode-languageclient/lib/common/protocolConverter';
import type { Diagnostic } from 'vscode-languageserver-types';
import { completionTriggers } from '../core/service/completion';
import { ForeignDiagnostics } from '../core/service/diagnostics';
import { Citewise } from './citewise';
import { CitewiseConfig } from './config';

/** LSP shapes to VS Code's and back, untrusted Markdown without HTML: a corpus file cannot put a link or command in a hover. */
const fromProtocol = createProtocolConverter(undefined, false, false);
const toProtocol = createCodeConverter();
const selector: vscode.DocumentSelector = { language: 'markdown' };

/**
 * VS Code's language features answered by the core's language service, in this process: completion,
 * hover, definition, references, quick fixes, and live diagnostics.
 */
export function registerLanguageFeatures(citewise: Citewise): vscode.Disposable {
  const { service } = citewise;
  const at = (document: vscode.TextDocument) => Citewise.document(document);
  return vscode.Disposable.from(
    vscode.languages.registerCompletionItemProvider(
      selector,
      {
        async provideCompletionItems(document, position, token) {
          return fromProtocol.asCompletionResult(await service.completion(at(document), toProtocol.asPosition(position), token), undefined, token);
        },
        async resolveCompletionItem(item) {
          return fromProtocol.asCompletionItem(await service.resolveCompletion(toProtocol.asCompletionItem(item)));
        },
      },
      ...completionTriggers,
    ),
    vscode.languages.registerHoverProvider(selector, {
      async provideHover(document, position) {
        return fromProtocol.asHover(await service.hover(at(document), toProtocol.asPosition(position)));
      },
    }),
    vscode.languages.registerDefinitionProvider(selector, {
      async provideDefinition(document, position, token) {
        return fromProtocol.asDefinitionResult(await service.definition(at(document), toProtocol.asPosition(position)), token);
      },
    }),
    vscode.languages.registerReferenceProvider(selector, {
      async provideReferences(document, position, _context, token) {
        return fromProtocol.asReferences(await service.references(at(document), toProtocol.asPosition(position), token), token);
      },
    }),
    vscode.languages.registerCodeActionsProvider(
      selector,
      {
        async provideCodeActions(document, range, context, token) {
          const diagnostics = await toProtocol.asDiagnostics(context.diagnostics.filter((diagnostic) => diagnostic.source === 'citewise'), token);
          const actions = await service.codeActions(at(document), toProtocol.asRange(range), diagnostics, token);
          return actions.length ? ((await fromProtocol.asCodeActionResult(actions, token)) as vscode.CodeAction[]) : undefined;
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite] },
    ),
    registerDiagnostics(citewise),
  );
}

/**
 * Live diagnostics: every open report is checked after typing pauses, a check that is overtaken by
 * newer text is dropped, and findings in other files (citewise.yaml, corpus files) go to those files.
 */
function registerDiagnostics(citewise: Citewise): vscode.Disposable {
  const reports = vscode.languages.createDiagnosticCollection('citewise');
  const elsewhere = vscode.languages.createDiagnosticCollection('citewise-corpus');
  const foreign = new ForeignDiagnostics();
  const timers = new Map<string, NodeJS.Timeout>();

  const publishElsewhere = async (changed: Map<string, Diagnostic[]>) => {
    for (const [file, diagnostics] of changed) elsewhere.set(vscode.Uri.parse(file), await fromProtocol.asDiagnostics(diagnostics));
  };

  const check = async (document: vscode.TextDocument) => {
    const version = document.version;
    const found = await citewise.service.diagnostics(Citewise.document(document));
    // Typing went on while the check ran: a newer check is already scheduled.
    if (document.isClosed || document.version !== version) return;
    if (found) reports.set(document.uri, await fromProtocol.asDiagnostics(found.own));
    else reports.delete(document.uri);
    await publishElsewhere(foreign.set(document.uri.toString(), found?.elsewhere));
  };

  const schedule = (document: vscode.TextDocument, delay = CitewiseConfig.diagnosticsDelay()) => {
    if (!citewise.isReport(document)) return;
    const id = document.uri.toString();
    clearTimeout(timers.get(id));
    timers.set(
      id,
      setTimeout(() => {
        timers.delete(id);
        void check(document);
      }, delay),
    );
  };

  const checkAllOpen = () => {
    for (const document of vscode.workspace.textDocuments) schedule(document, 0);
  };

  checkAllOpen();
  return vscode.Disposable.from(
    reports,
    elsewhere,
    vscode.workspace.onDidOpenTextDocument((document) => schedule(document, 0)),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length > 0) schedule(event.document);
    }),
    vscode.workspace.onDidCloseTextDocument((document) => {
      clearTimeout(timers.get(document.uri.toString()));
      reports.delete(document.uri);
      void publishElsewhere(foreign.set(document.uri.toString(), undefined));
    }),
    citewise.onDidChange(checkAllOpen),
    { dispose: () => timers.forEach((timer) => clearTimeout(timer)) },
  );
}
