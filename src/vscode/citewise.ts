import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { clientCommands, type CitewiseNotifications, type CitewiseRequest, type InitializationOptions, type RequestParams, type RequestResult } from '../core/service/protocol';
import type { CitewiseBackend } from './backend';
import { CitewiseConfig } from './config';
import { extractedScheme } from './extracted-text';

/**
 * The extension's side of Citewise: a client of the language server (`citewise lsp`, the bundled
 * out/cli.js), which answers every language feature (completion, hover, definition, references,
 * diagnostics, quick fixes) and Citewise's own requests, on which the views and commands are built.
 * The user's own settings travel as initializationOptions (a change restarts the server); the
 * workspace's are answered to the server's `workspace/configuration`, without the corpus setting in
 * Restricted Mode.
 */
export class Citewise implements CitewiseBackend, vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  private readonly client: LanguageClient;
  private started: Promise<void>;
  private userOptions: string;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];

  /** Fires when a corpus has been loaded or reloaded, or settings changed: everything shown may be stale. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(context: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Citewise', { log: true });
    const server = { module: context.asAbsolutePath('out/lsp-server.js'), transport: TransportKind.stdio, options: { env: { ...process.env, CITEWISE_CACHE_DIR: context.globalStorageUri.fsPath } } };
    const serverOptions: ServerOptions = { run: server, debug: server };
    this.userOptions = JSON.stringify(initializationOptions());
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { language: 'markdown', scheme: 'file' },
        { language: 'markdown', scheme: 'untitled' },
      ],
      initializationOptions: () => initializationOptions(),
      outputChannel: this.log,
      // Hover and completion text comes from corpus files: rendered untrusted, without HTML.
      markdown: { isTrusted: false, supportHtml: false },
      middleware: {
        workspace: {
          configuration: (params) => params.items.map((item) => (item.section === CitewiseConfig.section ? CitewiseConfig.workspaceSettings(item.scopeUri) : null)),
        },
      },
    };
    this.client = new LanguageClient('citewise', 'Citewise', serverOptions, clientOptions);
    this.disposables.push(
      this.client.onNotification('citewise/didChange' satisfies keyof CitewiseNotifications, () => this.changeEmitter.fire()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (CitewiseConfig.affects(event)) void this.restartIfUserSettingsChanged();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.restartIfUserSettingsChanged()),
      this.changeEmitter,
    );
    this.started = this.client.start().then(completeWhatWasTyped);
  }

  request<Name extends CitewiseRequest>(name: Name, params: RequestParams<Name>): Promise<RequestResult<Name>> {
    return this.started.then(() => this.client.sendRequest(name, params));
  }

  /** What initializationOptions carry is read once per server: a change to them needs a new one. */
  private async restartIfUserSettingsChanged(): Promise<void> {
    const current = JSON.stringify(initializationOptions());
    if (current === this.userOptions) return;
    this.userOptions = current;
    this.log.info('The user settings or workspace trust changed: restarting the Citewise language server.');
    await this.started.catch(() => undefined);
    this.started = this.client.restart();
    await this.started;
    this.changeEmitter.fire();
  }

  dispose(): void {
    void this.client.stop();
    for (const disposable of this.disposables) disposable.dispose();
    this.log.dispose();
  }
}

/**
 * A key typed after `@` while the server was still starting found no completion provider, and VS Code does
 * not ask again by itself: once the server is ready, ask for what the cursor is after.
 */
function completeWhatWasTyped(): void {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'markdown' || !editor.selection.isEmpty) return;
  const cursor = editor.selection.active;
  const before = editor.document.lineAt(cursor.line).text.slice(0, cursor.character);
  if (/(?:^|[\s[;(])@[\p{L}\p{N}_:.#$%&\-+?<>~/]*$/u.test(before)) void vscode.commands.executeCommand('editor.action.triggerSuggest');
}

function initializationOptions(): InitializationOptions {
  return {
    settings: CitewiseConfig.userSettings(),
    allowCorpusIn: CitewiseConfig.allowedCorpusFolders(),
    workspaceTrusted: vscode.workspace.isTrusted,
    extractedTextScheme: extractedScheme,
    commands: [clientCommands.confirmSourceDate],
  };
}
