import * as vscode from 'vscode';
import type { Location } from 'vscode-languageserver-types';
import type { CitewiseRequest, RequestParams, RequestResult } from '../core/service/protocol';
import type { Source } from '../core/corpus/source';

/**
 * What the VS Code-only parts (Sources view, Search Corpus, status bar, commands, extracted-text
 * documents) need of Citewise: its own requests, and word when what they show may be stale.
 */
export interface CitewiseBackend {
  request<Name extends CitewiseRequest>(name: Name, params: RequestParams<Name>): Promise<RequestResult<Name>>;
  readonly onDidChange: vscode.Event<void>;
}

/** The URI of the report in the active editor, the scope of a view or command. */
export function activeReportUri(): string | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document && document.languageId === 'markdown' && (document.uri.scheme === 'file' || document.uri.scheme === 'untitled') ? document.uri.toString() : undefined;
}

function toLocation(location: Location): vscode.Location {
  const { start, end } = location.range;
  return new vscode.Location(vscode.Uri.parse(location.uri), new vscode.Range(start.line, start.character, end.line, end.character));
}

/** Opens a source in the editor, at a passage of its text when given. */
export async function openSource(backend: CitewiseBackend, uri: string | undefined, key: string, passage?: { start: number; end: number }): Promise<void> {
  const location = await backend.request('citewise/sourceLocation', { uri, key, passage });
  if (!location) return;
  const { uri: target, range } = toLocation(location);
  await vscode.window.showTextDocument(target, { selection: range, preview: true });
}

/** A source of the active report's corpus, by key. */
export async function sourceByKey(backend: CitewiseBackend, uri: string | undefined, key: string): Promise<Source | undefined> {
  return (await backend.request('citewise/sources', { uri }))?.sources.find((source) => source.key === key);
}
