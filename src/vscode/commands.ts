import * as path from 'node:path';
import * as vscode from 'vscode';
import { toCslJson } from '../core/bibliography/csl-export';
import { byline } from '../core/service/source-details';
import { activeReportUri, openSource, sourceByKey, type CitewiseBackend } from './backend';
import { registerConfirmDate } from './confirm-date';

/** Insert Citation, Show Corpus Problems, Rebuild Index, Export Bibliography, the view's Open Source, and the quick fix's Confirm Date. */
export function registerCommands(backend: CitewiseBackend): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('citewise.insertCitation', () => insertCitation(backend)),
    vscode.commands.registerCommand('citewise.showCorpusProblems', () => showCorpusProblems(backend)),
    vscode.commands.registerCommand('citewise.rebuildIndex', () =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Citewise: rebuilding the index' }, () => backend.request('citewise/rebuildIndex', {})),
    ),
    vscode.commands.registerCommand('citewise.exportBibliography', (target?: vscode.Uri) => exportBibliography(backend, target)),
    vscode.commands.registerCommand('citewise.openSource', (key: string) => openSource(backend, activeReportUri(), key)),
    registerConfirmDate((report, key) => sourceByKey(backend, report.toString(), key)),
  );
}

async function insertCitation(backend: CitewiseBackend): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'markdown') {
    void vscode.window.showInformationMessage('Citewise: open a Markdown report to insert a citation.');
    return;
  }
  const uri = editor.document.uri.toString();
  if (!(await backend.request('citewise/sources', { uri }))) {
    void vscode.window.showInformationMessage('Citewise: this report has no corpus. Declare one under `citewise: corpus:` in its front matter or in citewise.yaml.');
    return;
  }
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { key: string }>();
  pick.title = 'Insert Citation';
  pick.placeholder = 'Type a key, title, author, publisher or year';
  let latest = 0;
  const update = async (value: string) => {
    const asked = ++latest;
    const sources = await backend.request('citewise/findSources', { uri, query: value, limit: 50 });
    // Answers to earlier keystrokes that arrive late are dropped.
    if (asked !== latest) return;
    pick.items = sources.map((source) => ({
      label: source.key,
      description: [source.metadata.date, byline(source)].filter(Boolean).join(' · '),
      detail: source.metadata.title,
      alwaysShow: true,
      key: source.key,
    }));
  };
  pick.onDidChangeValue((value) => void update(value));
  void update('');
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
  const { start, end } = editor.selection;
  const selection = { start: { line: start.line, character: start.character }, end: { line: end.line, character: end.character } };
  const { range, newText } = await backend.request('citewise/citeKey', { uri, selection, key });
  await editor.edit((edit) => edit.replace(new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character), newText));
}

async function showCorpusProblems(backend: CitewiseBackend): Promise<void> {
  const corpus = await backend.request('citewise/sources', { uri: activeReportUri() });
  if (!corpus) {
    void vscode.window.showInformationMessage('Citewise: no corpus is loaded.');
    return;
  }
  const problems = corpus.problems;
  if (problems.length === 0) {
    void vscode.window.showInformationMessage(`Citewise: the corpus (${corpus.sources.length} sources) has no problems.`);
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
async function exportBibliography(backend: CitewiseBackend, chosenTarget?: vscode.Uri): Promise<void> {
  const uri = activeReportUri();
  const report = uri ? vscode.window.activeTextEditor?.document : undefined;
  const corpus = await backend.request('citewise/sources', { uri });
  if (!corpus) {
    void vscode.window.showInformationMessage('Citewise: no corpus is loaded, so there is no bibliography to export.');
    return;
  }
  let sources = corpus.sources;
  if (report) {
    const cited = new Set(corpus.citations?.map(({ key }) => key));
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
