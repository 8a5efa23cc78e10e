import * as vscode from 'vscode';
import type { EffectiveSettings } from '../core/settings/settings';
import type { Source } from '../core/corpus/source';
import { SafeMarkdown } from '../core/service/safe-markdown';
import { byline, timeframeStatus } from '../core/service/source-details';
import { activeReportUri, type CitewiseBackend } from './backend';

type Node = { kind: 'group'; type: string; sources: Source[] } | { kind: 'source'; source: Source };

const typeLabels: Record<string, string> = {
  report: 'Reports',
  article: 'Articles',
  news: 'News',
  interview: 'Interviews',
  thesis: 'Theses',
  legislation: 'Legislation',
  other: 'Other',
  untyped: 'Untyped',
};

/**
 * The Sources view: the corpus of the active report grouped by type, each source with its date, a mark
 * when it lies outside the time frame, and how often the open report cites it.
 */
class SourcesTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private sources: readonly Source[] = [];
  private settings: EffectiveSettings | undefined;
  private citeCounts = new Map<string, number>();

  constructor(private readonly backend: CitewiseBackend) {}

  async refresh(): Promise<void> {
    const report = activeReportUri();
    const corpus = await this.backend.request('citewise/sources', { uri: report }).catch(() => null);
    this.sources = corpus?.sources ?? [];
    this.settings = corpus?.settings;
    this.citeCounts = new Map(corpus?.citations?.map(({ key, count }) => [key, count]));
    this.changed.fire();
  }

  get count(): number {
    return this.sources.length;
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const groups = new Map<string, Source[]>();
      for (const source of this.sources) {
        const type = source.metadata.type ?? 'untyped';
        groups.set(type, [...(groups.get(type) ?? []), source]);
      }
      const order = Object.keys(typeLabels);
      return [...groups.entries()]
        .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
        .map(([type, sources]) => ({ kind: 'group', type, sources }));
    }
    if (node.kind === 'group') {
      return [...node.sources]
        .sort((a, b) => (b.metadata.date ?? '').localeCompare(a.metadata.date ?? '') || a.key.localeCompare(b.key))
        .map((source) => ({ kind: 'source', source }));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(typeLabels[node.type] ?? node.type, vscode.TreeItemCollapsibleState.Expanded);
      item.description = String(node.sources.length);
      item.id = `group:${node.type}`;
      return item;
    }
    const { source } = node;
    const status = timeframeStatus(source, this.settings);
    const cited = this.citeCounts.get(source.key) ?? 0;
    // The key, date and citation count come first: a narrow sidebar cuts off the end, and titles are long.
    const item = new vscode.TreeItem(source.key, vscode.TreeItemCollapsibleState.None);
    item.id = `source:${source.key}`;
    item.description = [source.metadata.date ?? 'undated', cited ? `cited ${cited}×` : undefined, source.metadata.title].filter(Boolean).join(' · ');
    item.iconPath = status?.outside ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon(source.path ? 'book' : 'bookmark');
    const tooltip = new SafeMarkdown();
    tooltip.text(source.metadata.title ?? source.key).markdown('\n\n').text([byline(source), source.metadata.date ?? 'undated'].filter(Boolean).join(' · '));
    if (status) tooltip.markdown('\n\n').text(status.text);
    item.tooltip = untrusted(tooltip);
    item.command = { command: 'citewise.openSource', title: 'Open Source', arguments: [source.key] };
    item.contextValue = source.path ? 'source' : 'metadataOnlySource';
    return item;
  }
}

/** Markdown that renders no HTML and runs no command links: its text comes from corpus files. */
function untrusted(markdown: SafeMarkdown): vscode.MarkdownString {
  const value = new vscode.MarkdownString(markdown.value, false);
  value.isTrusted = false;
  value.supportHtml = false;
  return value;
}

export function registerSourcesView(backend: CitewiseBackend): vscode.Disposable {
  const tree = new SourcesTree(backend);
  const view = vscode.window.createTreeView('citewise.sources', { treeDataProvider: tree, showCollapseAll: true });
  let timer: NodeJS.Timeout | undefined;
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      void tree.refresh().then(() => {
        view.message = tree.count ? undefined : 'No corpus is loaded for the active report.';
      });
    }, 200);
  };
  refresh();
  return vscode.Disposable.from(
    view,
    backend.onDidChange(refresh),
    vscode.window.onDidChangeActiveTextEditor(refresh),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document === vscode.window.activeTextEditor?.document && view.visible) refresh();
    }),
    { dispose: () => clearTimeout(timer) },
  );
}
