import * as vscode from 'vscode';
import type { Citewise } from './citewise';

/** "N sources · M problems" for the active report's corpus; a click lists the problems. */
export function registerStatusBar(citewise: Citewise): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('citewise.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Citewise';
  item.command = 'citewise.showCorpusProblems';
  const update = async () => {
    const { loaded } = await citewise.activeCorpus();
    if (!loaded) {
      item.hide();
      return;
    }
    const sources = loaded.corpus.sources.length;
    const problems = loaded.corpus.problems.length;
    item.text = `$(book) ${sources} source${sources === 1 ? '' : 's'} · ${problems} problem${problems === 1 ? '' : 's'}`;
    item.tooltip = problems ? 'Citewise: show the corpus problems' : 'Citewise: the corpus has no problems';
    item.backgroundColor = loaded.corpus.problems.some((problem) => problem.severity === 'error') ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  void update();
  return vscode.Disposable.from(item, citewise.onDidChange(() => void update()), vscode.window.onDidChangeActiveTextEditor(() => void update()));
}
