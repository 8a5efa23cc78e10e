import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LoadProgress } from '../core/corpus';
import { CorpusClient } from '../core/corpus-client';
import { CorpusWorkspaces } from '../core/service/corpus-workspaces';
import { CitewiseLanguageService } from '../core/service/language-service';
import { clientCommands, type CitewiseRequest, type RequestParams, type RequestResult } from '../core/service/protocol';
import { citewiseRequestHandlers, type CitewiseRequestHandlers } from '../core/service/requests';
import type { ServiceDocument } from '../core/service/service-host';
import type { CitewiseBackend } from './backend';
import { CitewiseConfig } from './config';
import { extractedScheme } from './extracted-text';

/**
 * The one object every feature receives: the core's language service over the editor's corpora. Corpora
 * live in a worker thread (see `CorpusClient`), so the extension host never blocks on a large corpus;
 * this side feeds the service VS Code's settings, files and progress UI, and keeps corpora current
 * through file watchers.
 */
export class Citewise implements CitewiseBackend, vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly workspaces: CorpusWorkspaces;
  readonly service: CitewiseLanguageService;
  private readonly handlers: CitewiseRequestHandlers;
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];

  /** Fires when a corpus has been loaded or reloaded, or settings changed: everything shown may be stale. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(readonly extensionContext: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Citewise', { log: true });
    const storage = extensionContext.globalStorageUri.fsPath;
    const client = new CorpusClient({
      workerFile: path.join(extensionContext.extensionPath, 'out', 'corpus-worker.js'),
      indexFolder: path.join(storage, 'index'),
      indexWorkerFile: path.join(extensionContext.extensionPath, 'out', 'index-worker.js'),
      // Reading and indexing use every core, in threads of their own.
      indexWorkers: Math.min(2, availableParallelism()),
      // PDF and Word extraction is cached in the extension's storage, never in the corpus.
      extractionCacheFolder: path.join(storage, 'extracted'),
    });
    const log = this.log;
    this.workspaces = new CorpusWorkspaces(client, {
      folders: () => (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath),
      settings: {
        declared: (folder) => {
          const declared = CitewiseConfig.declared(folder === undefined ? undefined : vscode.workspace.getWorkspaceFolder(vscode.Uri.file(folder)));
          return declared ? [declared] : [];
        },
        allowedCorpusFolders: () => CitewiseConfig.allowedCorpusFolders(),
      },
      reportFiles: async (cancellation) => {
        const files = await vscode.workspace.findFiles('**/*.{md,markdown}', '**/node_modules/**', 5000);
        return cancellation?.isCancellationRequested ? [] : files.map((uri) => uri.fsPath);
      },
      openText: (file) => vscode.workspace.textDocuments.find((document) => document.uri.scheme === 'file' && document.uri.fsPath === file)?.getText(),
      onLoadStart: (roots, loading) => this.showProgress(loading),
      onLoaded: (roots) => {
        for (const root of roots) this.watch(root);
      },
      log: (level, message) => (level === 'info' ? log.info(message) : level === 'warn' ? log.warn(message) : log.error(message)),
    });
    this.service = new CitewiseLanguageService(this.workspaces, {
      extractedTextScheme: extractedScheme,
      clientCommands: [clientCommands.confirmSourceDate],
      log: (message) => log.error(message),
    });
    this.handlers = citewiseRequestHandlers(this.workspaces, this.service);
    const stop = this.workspaces.onDidChange(() => {
      this.service.invalidate();
      this.changeEmitter.fire();
    });
    this.disposables.push(
      { dispose: stop },
      this.log,
      this.changeEmitter,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (CitewiseConfig.affects(event)) this.workspaces.settingsChanged();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.workspaces.settingsChanged()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.workspaces.settingsChanged()),
      vscode.workspace.onDidCloseTextDocument((document) => this.service.forget(document.uri.toString())),
    );
    const settingsWatcher = vscode.workspace.createFileSystemWatcher('**/citewise.yaml');
    this.disposables.push(
      settingsWatcher,
      settingsWatcher.onDidChange(() => this.workspaces.settingsChanged()),
      settingsWatcher.onDidCreate(() => this.workspaces.settingsChanged()),
      settingsWatcher.onDidDelete(() => this.workspaces.settingsChanged()),
    );
  }

  /** A VS Code document as the language service reads it. */
  static document(document: vscode.TextDocument): ServiceDocument {
    return { uri: document.uri.toString(), version: document.version, text: document.getText(), languageId: document.languageId };
  }

  isReport(document: vscode.TextDocument): boolean {
    return this.service.isReport(Citewise.document(document));
  }

  request<Name extends CitewiseRequest>(name: Name, params: RequestParams<Name>): Promise<RequestResult<Name>> {
    const handler = this.handlers[name] as (params: RequestParams<Name>) => Promise<RequestResult<Name>>;
    return handler(params);
  }

  /** A small corpus loads in a blink; a notification would only flash. A slow load gets one with a count. */
  private showProgress(loading: Promise<unknown>): (progress: LoadProgress) => void {
    let latest: LoadProgress = { done: 0, total: 0 };
    let onProgress: ((progress: LoadProgress) => void) | undefined;
    let finished = false;
    const settled = loading.then(
      () => undefined,
      (error: unknown) => {
        void vscode.window.showErrorMessage(`Citewise could not load the corpus: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    void settled.then(() => {
      finished = true;
      clearTimeout(notify);
    });
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Citewise: indexing corpus' }, () => settled);
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
        return settled;
      });
    }, 1000);
    return (progress) => {
      latest = progress;
      onProgress?.(progress);
    };
  }

  /** Keeps a corpus current: a change re-reads the changed file alone, through the core's cache. */
  private watch(root: string): void {
    if (this.watchers.has(root)) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '**/*'));
    const changed = (uri: vscode.Uri) => this.workspaces.corpusFilesChanged(uri.fsPath);
    watcher.onDidChange(changed);
    watcher.onDidCreate(changed);
    watcher.onDidDelete(changed);
    this.watchers.set(root, watcher);
  }

  dispose(): void {
    this.workspaces.dispose();
    for (const watcher of this.watchers.values()) watcher.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
