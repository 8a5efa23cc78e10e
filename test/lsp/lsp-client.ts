import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import type { CitewiseRequest, InitializationOptions, RequestParams, RequestResult } from '../../src/core/service/protocol';

export const repository = path.resolve(__dirname, '../../../..');
const cli = path.join(repository, 'out', 'cli.js');

/**
 * A client of `citewise lsp --stdio` over a real pipe: spawns the bundled CLI, answers the server's
 * requests (configuration, registrations, progress) as an editor would, and keeps what it publishes.
 */
export class LspClient {
  readonly connection: ProtocolConnection;
  readonly diagnostics = new Map<string, { version?: number; diagnostics: Diagnostic[] }>();
  readonly progress: unknown[] = [];
  readonly stderr: string[] = [];
  private readonly child: ChildProcess;
  private readonly listeners = new Set<() => void>();
  private readonly cacheFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'citewise-lsp-cache-'));
  private versions = new Map<string, number>();
  /** What the client answers `workspace/configuration` with, for the `citewise` section of every folder. */
  configuration: Record<string, unknown> = {};

  /** `cliFile`: another build of the CLI, for benchmarks that compare two. */
  constructor(args: string[] = [], cliFile = cli) {
    this.child = spawn(process.execPath, [cliFile, 'lsp', '--stdio', ...args], { env: { ...process.env, CITEWISE_CACHE_DIR: this.cacheFolder }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, ({ uri, version, diagnostics }) => {
      this.diagnostics.set(uri, { version, diagnostics });
      for (const listener of this.listeners) listener();
    });
    this.connection.onRequest('workspace/configuration', ({ items }: { items: unknown[] }) => items.map(() => this.configuration));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification('$/progress', (params: unknown) => this.progress.push(params));
    this.connection.listen();
  }

  async initialize(folder: string, initializationOptions: InitializationOptions = {}): Promise<InitializeResult> {
    const result = await this.connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(folder).href,
      workspaceFolders: [{ uri: pathToFileURL(folder).href, name: path.basename(folder) }],
      capabilities: {
        workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } },
        window: { workDoneProgress: true },
        textDocument: { publishDiagnostics: { versionSupport: true }, completion: { completionItem: { snippetSupport: false } } },
      },
      initializationOptions,
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  open(file: string, text = fs.readFileSync(file, 'utf8')): string {
    const uri = pathToFileURL(file).href;
    this.versions.set(uri, 1);
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text } });
    return uri;
  }

  /** An incremental change: `text` replaces the range. */
  change(uri: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string): number {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text }] });
    return version;
  }

  request<Result>(method: string, params: unknown): Promise<Result> {
    return this.connection.sendRequest<Result>(method, params);
  }

  /** One of Citewise's own requests, typed by the protocol's one map. */
  citewise<Name extends CitewiseRequest>(name: Name, params: RequestParams<Name>): Promise<RequestResult<Name>> {
    return this.connection.sendRequest(name, params);
  }

  /** The diagnostics published for a document, once `accept` says they are the awaited ones. */
  waitForDiagnostics(uri: string, accept: (diagnostics: Diagnostic[], version?: number) => boolean, timeoutMs = 20_000): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const published = this.diagnostics.get(uri);
        if (published && accept(published.diagnostics, published.version)) {
          this.listeners.delete(check);
          clearTimeout(timer);
          resolve(published.diagnostics);
        }
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; last: ${JSON.stringify(this.diagnostics.get(uri))}; server log: ${this.stderr.join('').slice(-2000)}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  async dispose(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      await this.connection.sendRequest('shutdown').catch(() => undefined);
      await this.connection.sendNotification('exit').catch(() => undefined);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (!this.exited) this.child.kill();
    }
    this.connection.dispose();
    fs.rmSync(this.cacheFolder, { recursive: true, force: true });
  }
}
