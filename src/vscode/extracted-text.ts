import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CitewiseBackend } from './backend';

/** The scheme of a PDF's or Word file's extracted text, told to the language service (it builds `<scheme>:<path>.txt` URIs). */
export const extractedScheme = 'citewise-extracted';

function sourcePathOf(uri: vscode.Uri): string {
  return vscode.Uri.file(uri.path.replace(/\.txt$/, '')).fsPath;
}

/** Text extracted from a PDF or Word source, as a read-only document: VS Code has no PDF viewer of its own. */
export function registerExtractedText(backend: CitewiseBackend): vscode.Disposable {
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const provider: vscode.TextDocumentContentProvider = {
    onDidChange: changed.event,
    async provideTextDocumentContent(uri) {
      const file = sourcePathOf(uri);
      const text = await backend.request('citewise/sourceText', { file }).catch(() => null);
      return text ?? `Citewise has no extracted text for ${path.basename(file)}: it is not in a loaded corpus, or it could not be read (see Citewise: Show Corpus Problems).`;
    },
  };
  return vscode.Disposable.from(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(extractedScheme, provider),
    backend.onDidChange(() => {
      for (const document of vscode.workspace.textDocuments) if (document.uri.scheme === extractedScheme) changed.fire(document.uri);
    }),
    vscode.commands.registerCommand('citewise.openOriginal', async (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!target || target.scheme !== extractedScheme) return;
      // Opens with whatever the user has for PDFs or Word files: a viewer extension, or the system's app.
      const original = vscode.Uri.file(sourcePathOf(target));
      try {
        await vscode.commands.executeCommand('vscode.open', original);
      } catch {
        await vscode.env.openExternal(original);
      }
    }),
  );
}
