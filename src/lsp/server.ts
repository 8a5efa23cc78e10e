import { promises as fs, watch, type FSWatcher } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { LoadProgress } from '../core/corpus/corpus';
import { CorpusClient } from '../core/corpus/corpus-client';
import { defaultCacheFolder } from '../core/extract/document-extractor';
import { completionTriggers } from '../core/service/completion';
import { CorpusWorkspaces } from '../core/service/corpus-workspaces';
import { ForeignDiagnostics } from '../core/service/diagnostics';
import { CitewiseLanguageService, type LanguageServiceOptions } from '../core/service/language-service';
import { EditorConfigurationSchema, InitializationOptionsSchema, type CitewiseNotifications, type CitewiseRequest, type InitializationOptions } from '../core/service/protocol';
import { citewiseRequestHandlers } from '../core/service/requests';
import type { ServiceDocument } from '../core/service/service-host';
import { workspaceSettingsFileName, type DeclaredSettings } from '../core/settings/settings';
import { editorSettingsLayer } from './editor-settings';

interface ServerOptions {
  /** Corpus folders that replace whatever the settings declare (`--corpus`); empty for none. */
  corpusOverride: string[];
  /** Folders a workspace's files may name as a corpus besides the workspace (`--allow-corpus`). */
  allowedCorpusFolders: string[];
  /** The folder of the bundled workers (out/). */
  workerFolder: string;
}

/** Milliseconds after the last change before a report is checked again, unless the client's settings say otherwise. */
const defaultDiagnosticsDelay = 300;

/** How many Markdown files `references` reads at most, so a huge folder opened by mistake cannot hold the server. */
const maxReportFiles = 5000;

/**
 * Citewise's language server: the core's language service and Citewise's own requests, for any editor
 * that speaks LSP. Reports are synchronised incrementally; diagnostics are pushed after typing pauses;
 * corpora load in a worker thread (with `$/progress` where the client shows it) and reload when their
 * files change. A request that fails is answered with an error; the server keeps serving.
 */
export function startServer(connection: Connection, options: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  let folders: string[] = [];
  let initOptions: InitializationOptions = {};
  let userLayer: DeclaredSettings | undefined;
  const folderLayers = new Map<string, DeclaredSettings | undefined>();
  let diagnosticsDelay = defaultDiagnosticsDelay;
  let canAskConfiguration = false;
  let canWatchFiles = false;
  let canShowProgress = false;
  // Clients that pull diagnostics (LSP 3.17: VS Code, Neovim 0.10) get a report's own by pull, each for the
  // version it asks about; the others get them pushed. Diagnostics in other files are always pushed.
  let pullsDiagnostics = false;
  let canRefreshDiagnostics = false;
  const lastChange = new Map<string, number>();
  let settingsRead: Promise<void> = Promise.resolve();
  const watchedRoots = new Set<string>();
  const fileWatchers: FSWatcher[] = [];
  const log = (level: 'info' | 'warn' | 'error', message: string) => connection.console[level === 'warn' ? 'warn' : level](message);

  const cacheFolder = defaultCacheFolder();
  const client = new CorpusClient({
    workerFile: path.join(options.workerFolder, 'corpus-worker.js'),
    indexFolder: path.join(cacheFolder, 'index'),
    indexWorkerFile: path.join(options.workerFolder, 'index-worker.js'),
    indexWorkers: Math.min(2, availableParallelism()),
    extractionCacheFolder: path.join(cacheFolder, 'extracted'),
  });

  const workspaces = new CorpusWorkspaces(client, {
    folders: () => folders,
    settings: {
      declared: (folder) => [userLayer, folder === undefined ? undefined : folderLayers.get(folder)].filter((layer): layer is DeclaredSettings => layer !== undefined),
      corpusOverride: options.corpusOverride,
      allowedCorpusFolders: () => [...options.allowedCorpusFolders, ...(initOptions.allowCorpusIn ?? []).filter((folder) => path.isAbsolute(folder))],
    },
    // Registered for `**/citewise.yaml` in onInitialized; each change reaches settingsChanged.
    watchesSettingsFiles: () => canWatchFiles,
    reportFiles: (cancellation) => markdownFilesUnder(folders, cancellation),
    openText: (file) => documents.all().find((document) => document.uri.startsWith('file:') && fileURLToPath(document.uri) === file)?.getText(),
    onLoadStart: (roots, loading) => (canShowProgress ? reportProgress(roots, loading) : undefined),
    onLoaded: (roots) => watchCorpus(roots),
    log,
  });
  // Filled in when the client has said what it can show (initializationOptions); no request comes before that.
  const serviceOptions: LanguageServiceOptions = { log: (message) => log('error', message) };
  const service = new CitewiseLanguageService(workspaces, serviceOptions);
  const handlers = citewiseRequestHandlers(workspaces, service, (uri) => documents.get(uri)?.getText());

  const serviceDocument = (document: TextDocument): ServiceDocument => ({ uri: document.uri, version: document.version, text: document.getText(), languageId: document.languageId });

  /** The open document a request is about, once the client's settings have been read. */
  async function documentFor(uri: string): Promise<ServiceDocument | undefined> {
    await settingsRead;
    const document = documents.get(uri);
    return document && serviceDocument(document);
  }

  /**
   * Every request goes through here: a cancelled request is answered as cancelled, a failure as an error
   * with its message (and logged), and neither stops the server.
   */
  function answer<P, R>(name: string, handler: (params: P, token: CancellationToken) => Promise<R>): (params: P, token: CancellationToken) => Promise<R | ResponseError<never>> {
    return async (params, token) => {
      try {
        const result = await handler(params, token);
        if (token.isCancellationRequested) return new ResponseError<never>(LSPErrorCodes.RequestCancelled, `${name} was cancelled`);
        return result;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log('error', `${name} failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
        return new ResponseError<never>(ErrorCodes.InternalError, `Citewise: ${name} failed: ${message}`);
      }
    };
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const parsed = InitializationOptionsSchema.safeParse(params.initializationOptions ?? {});
    if (parsed.success) initOptions = parsed.data;
    else log('warn', `Ignoring initializationOptions that are not Citewise's: ${parsed.error.message}`);
    folders = (params.workspaceFolders ?? []).map((folder) => fileURLToPath(folder.uri));
    if (folders.length === 0 && params.rootUri) folders = [fileURLToPath(params.rootUri)];
    userLayer = editorSettingsLayer(initOptions.settings, folders[0], true);
    serviceOptions.extractedTextScheme = initOptions.extractedTextScheme;
    serviceOptions.clientCommands = initOptions.commands;
    const capabilities = params.capabilities;
    serviceOptions.canCreateFiles = capabilities.workspace?.workspaceEdit?.resourceOperations?.includes('create') ?? false;
    canAskConfiguration = capabilities.workspace?.configuration === true;
    canWatchFiles = capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    canShowProgress = capabilities.window?.workDoneProgress === true;
    pullsDiagnostics = capabilities.textDocument?.diagnostic !== undefined;
    canRefreshDiagnostics = capabilities.workspace?.diagnostics?.refreshSupport === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: completionTriggers, resolveProvider: true },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        ...(pullsDiagnostics ? { diagnosticProvider: { identifier: 'citewise', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'citewise' },
    };
  });

  connection.onInitialized(() => {
    settingsRead = readConfiguration();
    if (canAskConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'citewise' }).catch(() => undefined);
    if (canWatchFiles) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: `**/${workspaceSettingsFileName}` }] }).catch(() => undefined);
    connection.workspace.onDidChangeWorkspaceFolders((event) => {
      const removed = new Set(event.removed.map((folder) => fileURLToPath(folder.uri)));
      folders = [...folders.filter((folder) => !removed.has(folder)), ...event.added.map((folder) => fileURLToPath(folder.uri))];
      settingsRead = readConfiguration().then(() => workspaces.settingsChanged());
    });
  });

  /** Reads each folder's `citewise` settings from the client (`workspace/configuration`). */
  async function readConfiguration(): Promise<void> {
    if (!canAskConfiguration) return;
    const scopes = folders.length ? folders : [undefined];
    try {
      const answers: unknown[] = await connection.workspace.getConfiguration(scopes.map((folder) => ({ section: 'citewise', scopeUri: folder && pathToFileURL(folder).href })));
      folderLayers.clear();
      scopes.forEach((folder, index) => {
        const raw = answers[index] as Record<string, unknown> | null | undefined;
        // In an untrusted workspace, the workspace's own corpus setting is not followed (VS Code's Restricted Mode).
        const trusted = initOptions.workspaceTrusted !== false;
        const settings = raw && typeof raw === 'object' && !trusted ? { ...raw, corpus: undefined } : raw;
        if (folder !== undefined) folderLayers.set(folder, editorSettingsLayer(settings, folder, false));
        const delay = EditorConfigurationSchema.safeParse(raw ?? {});
        if (index === 0) diagnosticsDelay = (delay.success ? delay.data.diagnostics?.delay : undefined) ?? defaultDiagnosticsDelay;
      });
    } catch (error) {
      log('warn', `Could not read the client's settings: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  connection.onDidChangeConfiguration(() => {
    settingsRead = readConfiguration().then(() => workspaces.settingsChanged());
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      if (!change.uri.startsWith('file:')) continue;
      const file = fileURLToPath(change.uri);
      if (path.basename(file) === workspaceSettingsFileName) workspaces.settingsChanged();
      else workspaces.corpusFilesChanged(file);
    }
  });

  /** Keeps a loaded corpus current: through the client's file watching where it offers it, else a watcher of our own. */
  function watchCorpus(roots: string[]): void {
    for (const root of roots) {
      if (watchedRoots.has(root)) continue;
      watchedRoots.add(root);
      if (canWatchFiles) {
        void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: { baseUri: pathToFileURL(root).href, pattern: '**/*' } }] }).catch(() => undefined);
        continue;
      }
      try {
        const watcher = watch(root, { recursive: true }, (_event, name) => workspaces.corpusFilesChanged(name ? path.join(root, name.toString()) : root));
        watcher.on('error', (error) => log('warn', `Stopped watching ${root}: ${error.message}`));
        fileWatchers.push(watcher);
      } catch (error) {
        log('warn', `Cannot watch ${root} for changes: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** `$/progress` while a corpus loads: begins at once, reports each step as a percentage, ends when the load settles. */
  function reportProgress(roots: string[], loading: Promise<unknown>): (progress: LoadProgress) => void {
    let reporter: WorkDoneProgressServerReporter | undefined;
    let latest: LoadProgress | undefined;
    let settled = false;
    const report = ({ done, total, file }: LoadProgress) => reporter?.report(total ? Math.floor((done / total) * 100) : 0, `${done}/${total}${file ? ` ${file}` : ''}`);
    void connection.window.createWorkDoneProgress().then(
      (created) => {
        if (settled) return created.done();
        reporter = created;
        reporter.begin('Citewise: indexing corpus', 0, roots.join(', '));
        if (latest) report(latest);
      },
      () => undefined,
    );
    void loading.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      settled = true;
      reporter?.done();
    });
    return (progress) => {
      latest = progress;
      report(progress);
    };
  }

  // Diagnostics: pushed for every open report after typing pauses; findings in other files go to those files.
  const foreign = new ForeignDiagnostics();
  const timers = new Map<string, NodeJS.Timeout>();

  async function publishDiagnostics(uri: string): Promise<void> {
    const document = await documentFor(uri);
    if (!document) return;
    try {
      const found = await service.diagnostics(document);
      // Typing went on while the check ran: a newer check is already scheduled.
      if (documents.get(uri)?.version !== document.version) return;
      await connection.sendDiagnostics({ uri, version: document.version, diagnostics: found?.own ?? [] });
      for (const [file, diagnostics] of foreign.set(uri, found?.elsewhere)) await connection.sendDiagnostics({ uri: file, diagnostics });
    } catch (error) {
      log('error', `Checking ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  function schedule(uri: string, delay: number): void {
    if (pullsDiagnostics) return;
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        void publishDiagnostics(uri);
      }, delay),
    );
  }

  documents.onDidOpen(({ document }) => schedule(document.uri, 0));
  documents.onDidChangeContent(({ document }) => {
    lastChange.set(document.uri, Date.now());
    schedule(document.uri, diagnosticsDelay);
  });
  documents.onDidClose(({ document }) => {
    clearTimeout(timers.get(document.uri));
    lastChange.delete(document.uri);
    service.forget(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    for (const [file, diagnostics] of foreign.set(document.uri, undefined)) void connection.sendDiagnostics({ uri: file, diagnostics });
  });

  workspaces.onDidChange(() => {
    service.invalidate();
    for (const document of documents.all()) schedule(document.uri, 0);
    if (pullsDiagnostics && canRefreshDiagnostics) connection.languages.diagnostics.refresh();
    const changed: keyof CitewiseNotifications = 'citewise/didChange';
    void connection.sendNotification(changed, {});
  });

  connection.languages.diagnostics.on(
    answer('diagnostics', async ({ textDocument }, token) => {
      // The client asks again after every change and cancels what newer text overtook: wait for typing to pause.
      const pause = (lastChange.get(textDocument.uri) ?? 0) + diagnosticsDelay - Date.now();
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      const document = await documentFor(textDocument.uri);
      if (!document || token.isCancellationRequested) return { kind: 'full' as const, items: [] };
      const found = await service.diagnostics(document);
      if (!token.isCancellationRequested) for (const [file, diagnostics] of foreign.set(textDocument.uri, found?.elsewhere)) await connection.sendDiagnostics({ uri: file, diagnostics });
      return { kind: 'full' as const, items: found?.own ?? [] };
    }),
  );
  connection.onCompletion(
    answer('completion', async ({ textDocument, position }, token) => {
      const document = await documentFor(textDocument.uri);
      return (document && (await service.completion(document, position, token))) ?? null;
    }),
  );
  connection.onCompletionResolve(answer('completion resolve', (item) => service.resolveCompletion(item)));
  connection.onHover(
    answer('hover', async ({ textDocument, position }) => {
      const document = await documentFor(textDocument.uri);
      return (document && (await service.hover(document, position))) ?? null;
    }),
  );
  connection.onDefinition(
    answer('definition', async ({ textDocument, position }) => {
      const document = await documentFor(textDocument.uri);
      return (document && (await service.definition(document, position))) ?? null;
    }),
  );
  connection.onReferences(
    answer('references', async ({ textDocument, position }, token) => {
      const document = await documentFor(textDocument.uri);
      return (document && (await service.references(document, position, token))) ?? null;
    }),
  );
  connection.onCodeAction(
    answer('code actions', async ({ textDocument, range, context }, token) => {
      const document = await documentFor(textDocument.uri);
      return document ? service.codeActions(document, range, context.diagnostics, token) : null;
    }),
  );
  for (const name of Object.keys(handlers) as CitewiseRequest[]) {
    connection.onRequest(
      name,
      answer(name, async (params: never) => {
        await settingsRead;
        return (handlers[name] as (params: unknown) => Promise<unknown>)(params ?? {});
      }),
    );
  }

  connection.onShutdown(() => {
    for (const timer of timers.values()) clearTimeout(timer);
    for (const watcher of fileWatchers) watcher.close();
    workspaces.dispose();
  });

  documents.listen(connection);
  connection.listen();
}

/** Markdown files in the workspace folders, leaving out dependencies and hidden folders. */
async function markdownFilesUnder(folders: readonly string[], cancellation?: { isCancellationRequested: boolean }): Promise<string[]> {
  const found: string[] = [];
  const visit = async (folder: string): Promise<void> => {
    if (found.length >= maxReportFiles || cancellation?.isCancellationRequested) return;
    const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await visit(full);
      else if (entry.isFile() && /\.(md|markdown)$/i.test(entry.name) && found.length < maxReportFiles) found.push(full);
    }
  };
  for (const folder of folders) await visit(folder);
  return found;
}
