import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LoadProgress } from '../core/corpus';
import { CorpusClient, RemoteWorkspace, type RemoteCorpus } from '../core/corpus-client';
import type { CheckSummary } from '../core/corpus-service';
import type { EffectiveSettings } from '../core/settings';
import { CitewiseConfig } from './config';

/** A report's settings and the corpus they name, as far as it could be loaded. */
interface ReportContext {
  folder: vscode.WorkspaceFolder | undefined;
  workspace: RemoteWorkspace;
  settings: EffectiveSettings;
  loaded?: RemoteCorpus;
}

interface Analysis extends CheckSummary {
  context: ReportContext;
  version: number;
}

/**
 * The one object every feature receives. Corpora live in a worker thread (see `CorpusClient`): it
 * loads and indexes them, checks reports and searches, so the extension host never blocks on a large
 * corpus. This side reads report settings, keeps each corpus's source metadata for completion and
 * hovers, keeps corpora current through file watchers, and caches each report's analysis per document
 * version so that hovers, completions and diagnostics share one check.
 */
export class Citewise implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  private readonly client: CorpusClient;
  private readonly workspaces = new Map<string, RemoteWorkspace>();
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly analyses = new Map<string, Promise<Analysis | undefined>>();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  private reloadTimer: NodeJS.Timeout | undefined;
  private readonly pendingReloads = new Map<string, RemoteWorkspace>();

  /** Fires when a corpus has been loaded or reloaded, or settings changed: everything shown may be stale. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(readonly extensionContext: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Citewise', { log: true });
    const storage = extensionContext.globalStorageUri.fsPath;
    this.client = new CorpusClient({
      workerFile: path.join(extensionContext.extensionPath, 'out', 'corpus-worker.js'),
      indexFolder: path.join(storage, 'index'),
      indexWorkerFile: path.join(extensionContext.extensionPath, 'out', 'index-worker.js'),
      // Reading and indexing use every core, in threads of their own.
      indexWorkers: Math.min(2, availableParallelism()),
      // PDF and Word extraction is cached in the extension's storage, never in the corpus.
      extractionCacheFolder: path.join(storage, 'extracted'),
    });
    const unsubscribe = [
      this.client.onIndexError((message) => this.log.warn(`Could not save the corpus index: ${message}`)),
      this.client.onDidChangeCorpus((summary) => {
        this.log.info(`Part of the saved index of ${summary.roots.join(', ')} was damaged; those sources were read again.`);
        this.analyses.clear();
        this.changeEmitter.fire();
      }),
      this.client.onDidLoseCorpora((reason) => {
        this.log.error(`${reason}; the corpus will be loaded again.`);
        this.analyses.clear();
        this.changeEmitter.fire();
      }),
    ];
    this.disposables.push(
      { dispose: () => unsubscribe.forEach((stop) => stop()) },
      this.log,
      this.changeEmitter,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (CitewiseConfig.affects(event)) this.settingsChanged();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.settingsChanged()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.settingsChanged()),
      vscode.workspace.onDidCloseTextDocument((document) => this.analyses.delete(document.uri.toString())),
    );
    const settingsWatcher = vscode.workspace.createFileSystemWatcher('**/citewise.yaml');
    this.disposables.push(
      settingsWatcher,
      settingsWatcher.onDidChange(() => this.settingsChanged()),
      settingsWatcher.onDidCreate(() => this.settingsChanged()),
      settingsWatcher.onDidDelete(() => this.settingsChanged()),
    );
  }

  workspaceFor(uri: vscode.Uri): { folder: vscode.WorkspaceFolder | undefined; workspace: RemoteWorkspace } {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const id = folder?.uri.toString() ?? '';
    let workspace = this.workspaces.get(id);
    if (!workspace) {
      workspace = new RemoteWorkspace(this.client, {
        workspaceRoot: folder?.uri.fsPath,
        baseSettings: () => CitewiseConfig.declared(folder),
        // A getter, so a change to the user setting applies to the next check without a new workspace.
        get allowedCorpusFolders() {
          return CitewiseConfig.allowedCorpusFolders();
        },
      });
      this.workspaces.set(id, workspace);
    }
    return { folder, workspace };
  }

  /** Markdown files on disk that are not themselves corpus sources. */
  isReport(document: vscode.TextDocument): boolean {
    if (document.languageId !== 'markdown') return false;
    if (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled') return false;
    return !this.isInCorpus(document.uri);
  }

  isInCorpus(uri: vscode.Uri): boolean {
    if (uri.scheme !== 'file') return false;
    for (const workspace of this.workspaces.values()) {
      for (const { roots } of workspace.loadedCorpora()) {
        if (roots.some((root) => isInside(uri.fsPath, root))) return true;
      }
    }
    return false;
  }

  /** Settings and corpus for a report; the corpus is loaded (with progress) the first time it is needed. */
  async reportContext(document: vscode.TextDocument): Promise<ReportContext> {
    const { folder, workspace } = this.workspaceFor(document.uri);
    const file = documentPath(document, folder);
    const settings = await workspace.settingsFor(file, document.getText());
    if (settings.corpus.length === 0) return { folder, workspace, settings };
    const loaded = await this.loadCorpus(workspace, settings.corpus);
    return { folder, workspace, settings, loaded };
  }

  /** The check result for the document's current version, computed once and shared by every feature. */
  analyze(document: vscode.TextDocument): Promise<Analysis | undefined> {
    const id = document.uri.toString();
    const version = document.version;
    const cached = this.analyses.get(id);
    if (cached) {
      const staleCheck = cached.then((analysis) => (analysis && analysis.version === version ? analysis : undefined));
      return staleCheck.then((analysis) => analysis ?? this.freshAnalysis(document));
    }
    return this.freshAnalysis(document);
  }

  private freshAnalysis(document: vscode.TextDocument): Promise<Analysis | undefined> {
    const version = document.version;
    const text = document.getText();
    const analysis = this.reportContext(document).then(async (context): Promise<Analysis | undefined> => {
      if (context.settings.corpus.length === 0 && context.settings.problems.length === 0) return undefined;
      const file = documentPath(document, context.folder);
      const result = context.loaded
        ? await context.loaded.check(file, text, context.settings)
        : await context.workspace.checkWithoutCorpus(file, text, context.settings);
      return { ...result, context, version };
    });
    const guarded = analysis.catch((error: unknown) => {
      this.log.error(`Checking ${document.uri.fsPath} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return undefined;
    });
    this.analyses.set(document.uri.toString(), guarded);
    return guarded;
  }

  /** The corpus a view or command should show: the active report's, else the first one loaded. */
  async activeCorpus(): Promise<{ context?: ReportContext; loaded?: RemoteCorpus }> {
    const editor = vscode.window.activeTextEditor;
    if (editor && this.isReport(editor.document)) {
      const context = await this.reportContext(editor.document);
      if (context.loaded) return { context, loaded: context.loaded };
    }
    for (const workspace of this.workspaces.values()) {
      const [first] = workspace.loadedCorpora();
      if (first) return { loaded: await first.loading };
    }
    // No report open yet: the workspace's own defaults may still name a corpus.
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const { workspace } = this.workspaceFor(folder.uri);
      const settings = await workspace.settingsFor(path.join(folder.uri.fsPath, 'untitled.md'), '');
        if (settings.corpus.length) return { loaded: await this.loadCorpus(workspace, settings.corpus) };
    }
    return {};
  }

  /** The extracted text of a source file in any loaded corpus, for the read-only view of a PDF or Word file. */
  async extractedText(file: string): Promise<string | undefined> {
    for (const workspace of this.workspaces.values()) {
      for (const { loading } of workspace.loadedCorpora()) {
        const loaded = await loading;
        const source = loaded.corpus.sources.find((candidate) => candidate.path === file);
        if (source) return loaded.text(source.key);
      }
    }
    return undefined;
  }

  /** Reads every loaded corpus again from scratch. */
  async rebuild(): Promise<void> {
    const reloads: Promise<unknown>[] = [];
    const loaded = [...this.workspaces.values()].map((workspace) => ({ workspace, corpora: workspace.loadedCorpora() }));
    for (const { workspace } of loaded) await workspace.invalidate();
    for (const { workspace, corpora } of loaded) for (const { roots } of corpora) reloads.push(this.loadCorpus(workspace, roots));
    this.analyses.clear();
    await Promise.all(reloads);
    this.changeEmitter.fire();
  }

  private loadCorpus(workspace: RemoteWorkspace, roots: string[]): Promise<RemoteCorpus> {
    const existing = workspace.loaded(roots);
    if (existing) return existing;
    const started = Date.now();
    let latest: LoadProgress = { done: 0, total: 0 };
    let onProgress: ((progress: LoadProgress) => void) | undefined;
    const loading = workspace.corpus(roots, {
      onProgress: (progress) => {
        latest = progress;
        onProgress?.(progress);
      },
    });
    let finished = false;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Citewise: indexing corpus' }, () => loading.catch(() => undefined));
    // A small corpus loads in a blink; a notification would only flash. A slow load gets one with a count.
    const notify = setTimeout(() => {
      if (finished) return;
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Citewise: indexing corpus' }, (progress) => {
        let reported = 0;
        onProgress = ({ done, total, file }) => {
          const percent = total ? Math.floor((done / total) * 100) : 0;
          if (percent > reported) {
            progress.report({ increment: percent - reported, message: `${done}/${total}${file ? ` ${file}` : ''}` });
            reported = percent;
          }
        };
        onProgress(latest);
        return loading.catch(() => undefined);
      });
    }, 1000);
    return loading.then(
      (loaded) => {
        finished = true;
        clearTimeout(notify);
        this.log.info(`Loaded ${loaded.corpus.sources.length} sources with ${loaded.corpus.problems.length} problems from ${roots.join(', ')} in ${Date.now() - started} ms`);
        for (const root of roots) this.watch(workspace, roots, root);
        this.changeEmitter.fire();
        return loaded;
      },
      (error: unknown) => {
        finished = true;
        clearTimeout(notify);
        void vscode.window.showErrorMessage(`Citewise could not load the corpus ${roots.join(', ')}: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      },
    );
  }

  /** Keeps a corpus current: a change re-reads the changed file alone, through the core's cache. */
  private watch(workspace: RemoteWorkspace, roots: string[], root: string): void {
    const id = `${roots.join('\u0000')}\u0001${root}`;
    if (this.watchers.has(id)) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '**/*'));
    const schedule = () => {
      this.pendingReloads.set(roots.join('\u0000'), workspace);
      clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => void this.flushReloads(), 300);
    };
    watcher.onDidChange(schedule);
    watcher.onDidCreate(schedule);
    watcher.onDidDelete(schedule);
    this.watchers.set(id, watcher);
  }

  private async flushReloads(): Promise<void> {
    const pending = [...this.pendingReloads];
    this.pendingReloads.clear();
    for (const [id, workspace] of pending) {
      const roots = id.split('\u0000');
      const started = Date.now();
      try {
        await workspace.reload(roots);
        this.log.info(`Reloaded ${roots.join(', ')} in ${Date.now() - started} ms`);
      } catch (error) {
        this.log.error(`Reloading ${roots.join(', ')} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.analyses.clear();
    this.changeEmitter.fire();
  }

  private settingsChanged(): void {
    this.analyses.clear();
    this.changeEmitter.fire();
  }

  dispose(): void {
    void this.client.dispose();
    clearTimeout(this.reloadTimer);
    for (const watcher of this.watchers.values()) watcher.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Untitled reports are checked as if they were saved in the workspace folder. */
function documentPath(document: vscode.TextDocument, folder: vscode.WorkspaceFolder | undefined): string {
  if (document.uri.scheme === 'file') return document.uri.fsPath;
  const base = folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  return path.join(base, 'untitled.md');
}
