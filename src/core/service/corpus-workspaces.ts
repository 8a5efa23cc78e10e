import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadProgress } from '../corpus/corpus';
import { RemoteWorkspace, type CorpusClient, type RemoteCorpus } from '../corpus/corpus-client';
import { isInsideFolder } from '../corpus/corpus-files';
import type { DeclaredSettings } from '../settings/settings';
import type { CheckSummary } from '../corpus/corpus-service';
import type { Cancellation, ReportContext, ServiceHost } from './service-host';

/** Where editor settings come from; each front end reads its own (VS Code's configuration, LSP's workspace/configuration). */
interface EditorSettings {
  /** The editor's settings for a workspace folder (or for files outside any), lowest layer first. */
  declared(folder: string | undefined): DeclaredSettings[];
  /** Folders the user allows a workspace's files to name as a corpus, besides the workspace itself. */
  allowedCorpusFolders(): string[];
  /** Corpus folders the user gave when starting the editor's server, which replace what settings declare. */
  corpusOverride?: string[];
}

interface CorpusWorkspacesOptions {
  /** The workspace folders open in the editor, as paths. */
  folders(): string[];
  settings: EditorSettings;
  /** Whether the editor reports changes to citewise.yaml in its workspace folders (and `settingsChanged` is called). */
  watchesSettingsFiles(): boolean;
  /** Markdown files of the workspace, for references. */
  reportFiles(cancellation?: Cancellation): Promise<string[]>;
  /** The editor's unsaved text of a file, if it has it open. */
  openText(file: string): string | undefined;
  /** A corpus started loading: the front end may show progress, and gets each step until the load settles. */
  onLoadStart?(roots: string[], loading: Promise<unknown>): ((progress: LoadProgress) => void) | undefined;
  /** A corpus finished loading: the front end watches its folders and calls `corpusFilesChanged`. */
  onLoaded?(roots: string[]): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/**
 * The editor's corpora and settings, for every front end: one `RemoteWorkspace` per workspace folder
 * (its settings, its corpora in the worker), loads shared between reports, reloads after file changes
 * gathered for a moment, and one event for "everything shown may be stale".
 */
export class CorpusWorkspaces implements ServiceHost {
  private readonly workspaces = new Map<string, RemoteWorkspace>();
  private readonly listeners = new Set<() => void>();
  private readonly pendingReloads = new Map<string, { workspace: RemoteWorkspace; roots: string[] }>();
  private reloadTimer: NodeJS.Timeout | undefined;
  private readonly stopListening: (() => void)[];

  constructor(
    private readonly client: CorpusClient,
    private readonly options: CorpusWorkspacesOptions,
  ) {
    this.stopListening = [
      client.onIndexError((message) => options.log('warn', `Could not save the corpus index: ${message}`)),
      client.onDidChangeCorpus((summary) => {
        options.log('info', `Part of the saved index of ${summary.roots.join(', ')} was damaged; those sources were read again.`);
        this.fire();
      }),
      client.onDidLoseCorpora((reason) => {
        options.log('error', `${reason}; the corpus will be loaded again.`);
        this.fire();
      }),
    ];
  }

  /** A corpus was loaded or reloaded, or settings changed: checks and views may be stale. */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private fire(): void {
    for (const listener of this.listeners) listener();
  }

  /** Settings, trust or workspace folders changed. */
  settingsChanged(): void {
    this.fire();
  }

  /** The innermost workspace folder holding a file. */
  folderOf(file: string): string | undefined {
    const containing = this.options.folders().filter((folder) => isInsideFolder(path.resolve(file), path.resolve(folder)));
    return containing.sort((a, b) => b.length - a.length)[0];
  }

  private workspaceFor(folder: string | undefined): RemoteWorkspace {
    const id = folder ?? '';
    let workspace = this.workspaces.get(id);
    if (!workspace) {
      const settings = this.options.settings;
      workspace = new RemoteWorkspace(this.client, {
        workspaceRoot: folder,
        corpusOverride: settings.corpusOverride,
        baseSettings: () => settings.declared(folder),
        // A getter, so a change to the user's setting applies to the next check without a new workspace.
        get allowedCorpusFolders() {
          return settings.allowedCorpusFolders();
        },
      });
      this.workspaces.set(id, workspace);
    }
    return workspace;
  }

  /**
   * A report in a workspace folder reads the citewise.yaml of that folder only, which the editor watches when
   * it can; one outside every folder reads the nearest one above it, which nothing watches.
   */
  settingsWatched(file: string): boolean {
    return this.options.watchesSettingsFiles() && this.folderOf(file) !== undefined;
  }

  reportPath(uri: string): string {
    if (uri.startsWith('file:')) return fileURLToPath(uri);
    // Unsaved reports are checked as if they were saved in the (first) workspace folder.
    return path.join(this.options.folders()[0] ?? process.cwd(), 'untitled.md');
  }

  isInCorpus(file: string): boolean {
    for (const workspace of this.workspaces.values()) {
      for (const { roots } of workspace.loadedCorpora()) if (roots.some((root) => isInsideFolder(file, root))) return true;
    }
    return false;
  }

  loadedCorpus(roots: readonly string[]): Promise<RemoteCorpus> | undefined {
    for (const workspace of this.workspaces.values()) {
      const loaded = workspace.loaded(roots);
      if (loaded) return loaded;
    }
    return undefined;
  }

  /** Settings and corpus for a report; the corpus is loaded the first time it is needed. */
  async reportContext(uri: string, text: string): Promise<ReportContext & { corpus?: RemoteCorpus }> {
    const file = this.reportPath(uri);
    const workspace = this.workspaceFor(this.folderOf(file));
    const settings = await workspace.settingsFor(file, text);
    if (settings.corpus.length === 0) return { file, settings, check: (current) => workspace.checkWithoutCorpus(file, current, settings) };
    const corpus = await this.load(workspace, settings.corpus);
    return { file, settings, corpus, check: (current) => corpus.check(file, current, settings) };
  }

  /**
   * While a report's corpus loads for the first time, a check against the sources the report cites (the
   * load is started if it was not): what it finds the full check finds too, and the findings that need the
   * whole corpus follow when the load ends (which fires `onDidChange`). Undefined once the corpus has
   * loaded, or when the report names none: the report's context then gives the full check.
   */
  async provisionalCheck(uri: string, text: string): Promise<{ summary: CheckSummary; context: ReportContext } | undefined> {
    const file = this.reportPath(uri);
    const workspace = this.workspaceFor(this.folderOf(file));
    const settings = await workspace.settingsFor(file, text);
    if (settings.corpus.length === 0 || workspace.isReady(settings.corpus)) return undefined;
    this.load(workspace, settings.corpus).catch(() => undefined);
    const summary = await workspace.checkCited(file, text, settings);
    return summary && { summary, context: { file, settings, check: async (current) => (await this.reportContext(uri, current)).check(current) } };
  }

  /**
   * The corpus a view or command should show: the report's, else the first one loaded, else the one the
   * workspace's own defaults name.
   */
  async scopeCorpus(uri: string | undefined, text: string | undefined): Promise<{ corpus?: RemoteCorpus; context?: ReportContext }> {
    if (uri !== undefined) {
      const context = await this.reportContext(uri, text ?? (await this.readText(this.reportPath(uri)).catch(() => '')));
      if (context.corpus) return { corpus: context.corpus, context };
    }
    for (const workspace of this.workspaces.values()) {
      const [first] = workspace.loadedCorpora();
      if (first) return { corpus: await first.loading };
    }
    for (const folder of this.options.folders()) {
      const workspace = this.workspaceFor(folder);
      const settings = await workspace.settingsFor(path.join(folder, 'untitled.md'), '');
      if (settings.corpus.length) return { corpus: await this.load(workspace, settings.corpus) };
    }
    return {};
  }

  /** The extracted text of a source file in any loaded corpus. */
  async extractedText(file: string): Promise<string | undefined> {
    for (const workspace of this.workspaces.values()) {
      for (const { loading } of workspace.loadedCorpora()) {
        const loaded = await loading.catch(() => undefined);
        const source = loaded?.corpus.sources.find((candidate) => candidate.path === file);
        if (loaded && source) return loaded.text(source.key);
      }
    }
    return undefined;
  }

  async reportFiles(cancellation?: Cancellation): Promise<string[]> {
    const files = await this.options.reportFiles(cancellation);
    return files.filter((file) => !this.isInCorpus(file));
  }

  async readText(file: string): Promise<string> {
    return this.options.openText(file) ?? fs.readFile(file, 'utf8');
  }

  /** Reads every loaded corpus again from scratch. */
  async rebuild(): Promise<void> {
    const loaded = [...this.workspaces.values()].map((workspace) => ({ workspace, corpora: workspace.loadedCorpora() }));
    for (const { workspace } of loaded) await workspace.invalidate();
    await Promise.all(loaded.flatMap(({ workspace, corpora }) => corpora.map(({ roots }) => this.load(workspace, roots))));
    this.fire();
  }

  /** A file changed on disk: corpora that hold it are reloaded (only changed documents are read again), after a pause. */
  corpusFilesChanged(file: string): void {
    for (const workspace of this.workspaces.values()) {
      for (const { roots } of workspace.loadedCorpora()) {
        if (roots.some((root) => isInsideFolder(file, root))) this.pendingReloads.set(`${roots.join('\u0000')}`, { workspace, roots });
      }
    }
    if (this.pendingReloads.size === 0) return;
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.flushReloads(), 300);
  }

  private async flushReloads(): Promise<void> {
    const pending = [...this.pendingReloads.values()];
    this.pendingReloads.clear();
    for (const { workspace, roots } of pending) {
      const started = Date.now();
      try {
        await workspace.reload(roots);
        this.options.log('info', `Reloaded ${roots.join(', ')} in ${Date.now() - started} ms`);
      } catch (error) {
        this.options.log('error', `Reloading ${roots.join(', ')} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.fire();
  }

  private load(workspace: RemoteWorkspace, roots: string[]): Promise<RemoteCorpus> {
    const existing = workspace.loaded(roots);
    if (existing) return existing;
    const started = Date.now();
    let report: ((progress: LoadProgress) => void) | undefined;
    const loading = workspace.corpus(roots, { onProgress: (progress) => report?.(progress) });
    report = this.options.onLoadStart?.(roots, loading);
    return loading.then(
      (loaded) => {
        this.options.log('info', `Loaded ${loaded.corpus.sources.length} sources with ${loaded.corpus.problems.length} problems from ${roots.join(', ')} in ${Date.now() - started} ms`);
        this.options.onLoaded?.(roots);
        this.fire();
        return loaded;
      },
      (error: unknown) => {
        this.options.log('error', `Could not load the corpus ${roots.join(', ')}: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      },
    );
  }

  dispose(): void {
    clearTimeout(this.reloadTimer);
    for (const stop of this.stopListening) stop();
    void this.client.dispose();
  }
}
