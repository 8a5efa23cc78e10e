import * as vscode from 'vscode';
import { activeReportUri, type CitewiseBackend } from './backend';

/** "N sources · M problems" for the active report's corpus; a click lists the problems. */
export function registerStatusBar(backend: CitewiseBackend): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('citewise.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Citewise';
  item.command = 'citewise.showCorpusProblems';
  const update = async () => {
    const corpus = await backend.request('citewise/sources', { uri: activeReportUri() }).catch(() => null);
    if (!corpus) {
      item.hide();
      return;
    }
    const sources = corpus.sources.length;
    const problems = corpus.problems.length;
    item.text = `$(book) ${sources} source${sources === 1 ? '' : 's'} · ${problems} problem${problems === 1 ? '' : 's'}`;
    item.tooltip = problems ? 'Citewise: show the corpus problems' : 'Citewise: the corpus has no problems';
    item.backgroundColor = corpus.problems.some((problem) => problem.severity === 'error') ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  void update();
  return vscode.Disposable.from(item, backend.onDidChange(() => void update()), vscode.window.onDidChangeActiveTextEditor(() => void update()));
}
