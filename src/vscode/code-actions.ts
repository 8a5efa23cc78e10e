import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PageRange } from '../core/citations';
import { formatCoiReference } from '../core/references';
import { referenceLabel } from '../core/report';
import { manifestFileName } from '../core/corpus-files';
import { manifestWithDate } from '../core/manifest-edit';
import { IsoDateSchema } from '../core/schema';
import type { Citewise } from './citewise';
import { offsetRange } from './convert';
import { citationAt, quoteAt, referenceAt } from './report-lookup';

/**
 * Quick fixes for Citewise diagnostics: replace an unknown key with a close one, cite the source an
 * uncited quote was found in, confirm an uncertain inferred date in corpus.yaml, or switch a rule off for
 * one line with a comment. And, where the cursor is on a reference, rewrite it from one citation style
 * to the other.
 */
export function registerCodeActions(citewise: Citewise): vscode.Disposable {
  const provider: vscode.CodeActionProvider = {
    async provideCodeActions(document, range, context, token) {
      const ours = context.diagnostics.filter((diagnostic) => diagnostic.source === 'citewise' && typeof diagnostic.code === 'string');
      const actions: vscode.CodeAction[] = citewise.isReport(document) ? await restyleActions(citewise, document, range) : [];
      for (const diagnostic of ours) {
        const rule = diagnostic.code as string;
        if (rule === 'unknown-source') actions.push(...(await replaceKeyActions(citewise, document, diagnostic)));
        if (rule === 'quote-uncited') actions.push(...(await citeFoundSourceActions(citewise, document, diagnostic, token)));
        if (rule === 'source-date-uncertain') actions.push(confirmDateAction(document, diagnostic));
        actions.push(disableNextLineAction(document, diagnostic, rule));
      }
      return actions.length ? actions : undefined;
    },
  };
  return vscode.Disposable.from(
    vscode.languages.registerCodeActionsProvider({ language: 'markdown' }, provider, {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite],
    }),
    vscode.commands.registerCommand(confirmDateCommand, (report: vscode.Uri, key: string) => confirmDate(citewise, report, key)),
  );
}

const confirmDateCommand = 'citewise.confirmSourceDate';

/** The message of source-date-uncertain starts with the key it is about (checks.ts writes it so). */
function confirmDateAction(document: vscode.TextDocument, diagnostic: vscode.Diagnostic): vscode.CodeAction {
  const key = /^@(\S+) is dated /.exec(diagnostic.message)?.[1] ?? '';
  const action = new vscode.CodeAction(`Confirm the date of @${key} in ${manifestFileName}…`, vscode.CodeActionKind.QuickFix);
  // Nothing is written until the author has typed or accepted a date: the edit is made by the command.
  action.command = { command: confirmDateCommand, title: action.title, arguments: [document.uri, key] };
  action.diagnostics = [diagnostic];
  return action;
}

/** Asks the author for the source's date and records it in corpus.yaml as one undoable editor edit. */
async function confirmDate(citewise: Citewise, report: vscode.Uri, key: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument(report);
  const loaded = (await citewise.reportContext(document)).loaded;
  const source = loaded?.corpus.sources.find((candidate) => candidate.key === key);
  if (!source?.relativePath) {
    void vscode.window.showWarningMessage(`Citewise: @${key} is not a document of the corpus; its date cannot be recorded.`);
    return;
  }
  const date = await vscode.window.showInputBox({
    title: `Date of @${key}`,
    prompt: `The date ${source.relativePath} was published (YYYY, YYYY-MM or YYYY-MM-DD); it is written to ${manifestFileName}.`,
    value: source.metadata.date,
    validateInput: (value) => (IsoDateSchema.safeParse(value).success ? undefined : 'A date written YYYY, YYYY-MM or YYYY-MM-DD.'),
  });
  if (date === undefined) return;
  const manifest = vscode.Uri.file(path.join(source.corpusRoot, manifestFileName));
  const existing = await vscode.workspace.openTextDocument(manifest).then(
    (opened) => opened,
    () => undefined,
  );
  const updated = manifestWithDate(existing?.getText() ?? '', source.relativePath, IsoDateSchema.parse(date));
  if (updated === undefined) {
    void vscode.window.showWarningMessage(`Citewise: ${manifestFileName} is not a mapping with a sources: list; fix it first (see its corpus problem).`);
    return;
  }
  const edit = new vscode.WorkspaceEdit();
  if (existing) edit.replace(manifest, new vscode.Range(existing.positionAt(0), existing.positionAt(existing.getText().length)), updated);
  else {
    edit.createFile(manifest, { ignoreIfExists: true });
    edit.insert(manifest, new vscode.Position(0, 0), updated);
  }
  await vscode.workspace.applyEdit(edit);
}

/** `p. 45` or `pp. 6-7, 10`, as Pandoc locators are written. */
function pageLocator(pages: PageRange[] | undefined): string | undefined {
  if (!pages?.length) return undefined;
  const written = pages.map((range) => (range.from === range.to ? range.from : `${range.from}-${range.to}`));
  return `${written.length > 1 || pages[0].from !== pages[0].to ? 'pp.' : 'p.'} ${written.join(', ')}`;
}

/**
 * A resolved free-text reference becomes `[@key, p. N]`; a Pandoc citation of one source in a `Source:`
 * line or a footnote becomes the reference written out (`Publisher, “Title”, 15 June 2023, p. N`).
 * Only there: elsewhere a written-out reference would not be read as one, and its quotes would lose
 * their citation.
 */
async function restyleActions(citewise: Citewise, document: vscode.TextDocument, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const analysis = await citewise.analyze(document);
  const loaded = analysis?.context.loaded;
  if (!analysis || !loaded) return [];
  const offset = document.offsetAt(range.start);
  const reference = referenceAt(analysis, offset);
  if (reference?.resolution.key) {
    const { key } = reference.resolution;
    const locator = pageLocator(reference.reference.locator?.pages) ?? reference.reference.locator?.text;
    const action = new vscode.CodeAction(`Cite as [@${key}${locator ? `, ${locator}` : ''}]`, vscode.CodeActionKind.RefactorRewrite);
    action.edit = new vscode.WorkspaceEdit();
    action.edit.replace(document.uri, offsetRange(document, reference.reference.start, reference.reference.end), `[@${key}${locator ? `, ${locator}` : ''}]`);
    return [action];
  }
  const citation = citationAt(analysis, offset);
  const source = citation && loaded.corpus.get(citation.key);
  const group = citation && analysis.report.citations.find((candidate) => candidate.items.includes(citation));
  if (!source || !group || group.items.length !== 1) return [];
  const line = document.lineAt(document.positionAt(group.start).line).text;
  if (!referenceLabel(line)) return [];
  const written = formatCoiReference(source.metadata, pageLocator(citation.locator?.pages) ?? citation.locator?.text);
  const action = new vscode.CodeAction(`Write @${source.key} as a COI reference`, vscode.CodeActionKind.RefactorRewrite);
  action.edit = new vscode.WorkspaceEdit();
  action.edit.replace(document.uri, offsetRange(document, group.start, group.end), written);
  return [action];
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
