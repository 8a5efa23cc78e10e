import * as path from 'node:path';
import * as vscode from 'vscode';
import { toCslJson } from '../core/bibliography/csl-export';
import { parseCitations } from '../core/citations';
import { parseMarkdown } from '../core/markdown';
import type { Citewise } from './citewise';
import { sourceLocation } from './navigation';
import { byline } from './source-details';

/** Insert Citation, Show Corpus Problems, Rebuild Index, Export Bibliography, and the view's Open Source. */
export function registerCommands(citewise: Citewise): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('citewise.insertCitation', () => insertCitation(citewise)),
    vscode.commands.registerCommand('citewise.showCorpusProblems', () => showCorpusProblems(citewise)),
    vscode.commands.registerCommand('citewise.rebuildIndex', () =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Citewise: rebuilding the index' }, () => citewise.rebuild()),
    ),
    vscode.commands.registerCommand('citewise.exportBibliography', (target?: vscode.Uri) => exportBibliography(citewise, target)),
    vscode.commands.registerCommand('citewise.openSource', async (key: string) => {
      const { loaded } = await citewise.activeCorpus();
      const source = loaded?.corpus.get(key);
      const location = source && (await sourceLocation(source));
      if (location) await vscode.window.showTextDocument(location.uri, { selection: location.range, preview: true });
    }),
  );
}

async function insertCitation(citewise: Citewise): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'markdown') {
    void vscode.window.showInformationMessage('Citewise: open a Markdown report to insert a citation.');
    return;
  }
  const context = await citewise.reportContext(editor.document);
  if (!context.loaded) {
    void vscode.window.showInformationMessage('Citewise: this report has no corpus. Declare one under `citewise: corpus:` in its front matter or in citewise.yaml.');
    return;
  }
  const { lookup } = context.loaded;
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { key: string }>();
  pick.title = 'Insert Citation';
  pick.placeholder = 'Type a key, title, author, publisher or year';
  const update = (value: string) => {
    pick.items = lookup.find(value, 50).map(({ source }) => ({
      label: source.key,
      description: [source.metadata.date, byline(source)].filter(Boolean).join(' · '),
      detail: source.metadata.title,
      alwaysShow: true,
      key: source.key,
    }));
  };
  pick.onDidChangeValue(update);
  update('');
  const key = await new Promise<string | undefined>((resolve) => {
    pick.onDidAccept(() => {
      resolve(pick.selectedItems[0]?.key);
      pick.hide();
    });
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  if (!key) return;
  const document = editor.document;
  const offset = document.offsetAt(editor.selection.active);
  // Inside an existing group the key joins it, so the group is never broken in two.
  const group = parseCitations(parseMarkdown(document.getText()).prose).find((candidate) => candidate.bracketed && offset > candidate.start && offset < candidate.end);
  await editor.edit((edit) => {
    if (group) edit.insert(document.positionAt(group.end - 1), `; @${key}`);
    else edit.replace(editor.selection, `[@${key}]`);
  });
}

async function showCorpusProblems(citewise: Citewise): Promise<void> {
  const { loaded } = await citewise.activeCorpus();
  if (!loaded) {
    void vscode.window.showInformationMessage('Citewise: no corpus is loaded.');
    return;
  }
  const problems = loaded.corpus.problems;
  if (problems.length === 0) {
    void vscode.window.showInformationMessage(`Citewise: the corpus (${loaded.corpus.sources.length} sources) has no problems.`);
    return;
  }
  const choice = await vscode.window.showQuickPick(
    problems.map((problem) => ({
      label: `$(${problem.severity === 'error' ? 'error' : 'warning'}) ${path.basename(problem.file)}${problem.line ? `:${problem.line}` : ''}`,
      description: vscode.workspace.asRelativePath(problem.file),
      detail: problem.message,
      problem,
    })),
    { title: `Corpus problems (${problems.length})`, matchOnDetail: true },
  );
  if (!choice) return;
  const line = Math.max(0, (choice.problem.line ?? 1) - 1);
  await vscode.window.showTextDocument(vscode.Uri.file(choice.problem.file), { selection: new vscode.Range(line, 0, line, 0) });
}

/** Asks where to save unless a caller (a script, a test) names the file. */
async function exportBibliography(citewise: Citewise, chosenTarget?: vscode.Uri): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const report = editor && citewise.isReport(editor.document) ? editor.document : undefined;
  const { loaded } = await citewise.activeCorpus();
  if (!loaded) {
    void vscode.window.showInformationMessage('Citewise: no corpus is loaded, so there is no bibliography to export.');
    return;
  }
  let sources = loaded.corpus.sources;
  if (report) {
    const cited = new Set(parseCitations(parseMarkdown(report.getText()).prose).flatMap((group) => group.items.map((item) => item.key)));
    sources = sources.filter((source) => cited.has(source.key));
  }
  const folder = report && report.uri.scheme === 'file' ? path.dirname(report.uri.fsPath) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const name = report && report.uri.scheme === 'file' ? `${path.basename(report.uri.fsPath, path.extname(report.uri.fsPath))}.bib.json` : 'bibliography.json';
  const target = chosenTarget instanceof vscode.Uri ? chosenTarget : await vscode.window.showSaveDialog({
    title: report ? 'Export the bibliography of this report (CSL-JSON)' : 'Export the bibliography of the corpus (CSL-JSON)',
    defaultUri: folder ? vscode.Uri.file(path.join(folder, name)) : undefined,
    filters: { 'CSL-JSON': ['json'] },
  });
  if (!target) return;
  const json = `${JSON.stringify(toCslJson(sources), null, 2)}\n`;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(json));
  void vscode.window.showInformationMessage(`Citewise: exported ${sources.length} sources to ${vscode.workspace.asRelativePath(target)}.`);
}
