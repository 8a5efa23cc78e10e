import * as path from 'node:path';
import * as vscode from 'vscode';
import { manifestFileName } from '../core/corpus/corpus-files';
import { manifestWithDate } from '../core/corpus/manifest-edit';
import { IsoDateSchema } from '../core/metadata/schema';
import { clientCommands } from '../core/service/protocol';
import type { Source } from '../core/corpus/source';

/**
 * The command behind the quick fix "Confirm the date of @key in corpus.yaml…": it asks the author for
 * the source's date and records it in corpus.yaml as one undoable editor edit. Nothing is written
 * until a date has been typed or accepted.
 */
export function registerConfirmDate(sourceOf: (report: vscode.Uri, key: string) => Promise<Source | undefined>): vscode.Disposable {
  return vscode.commands.registerCommand(clientCommands.confirmSourceDate, async (report: string | vscode.Uri, key: string) => {
    const source = await sourceOf(typeof report === 'string' ? vscode.Uri.parse(report) : report, key);
    if (!source?.relativePath) {
      void vscode.window.showWarningMessage(`Citewise: @${key} is not a document of the corpus; its date cannot be recorded.`);
      return;
    }
    const date = await vscode.window.showInputBox({
      title: `Date of @${key}`,
      prompt: `The date ${source.relativePath} was published (YYYY, YYYY-MM or YYYY-MM-DD); it is written to ${manifestFileName}.`,
      value: source.metadata.date,
      validateInput: (value) => (IsoDateSchema.safeParse(value).success ? undefined : 'A date written YYYY, YYYY-MM or YYYY-MM-DD.'),
    });
    if (date === undefined) return;
    const manifest = vscode.Uri.file(path.join(source.corpusRoot, manifestFileName));
    const existing = await vscode.workspace.openTextDocument(manifest).then(
      (opened) => opened,
      () => undefined,
    );
    const updated = manifestWithDate(existing?.getText() ?? '', source.relativePath, IsoDateSchema.parse(date));
    if (updated === undefined) {
      void vscode.window.showWarningMessage(`Citewise: ${manifestFileName} is not a mapping with a sources: list; fix it first (see its corpus problem).`);
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    if (existing) edit.replace(manifest, new vscode.Range(existing.positionAt(0), existing.positionAt(existing.getText().length)), updated);
    else {
      edit.createFile(manifest, { ignoreIfExists: true });
      edit.insert(manifest, new vscode.Position(0, 0), updated);
    }
    await vscode.workspace.applyEdit(edit);
  });
}
