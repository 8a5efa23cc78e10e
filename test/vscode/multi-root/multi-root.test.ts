/**
 * The extension in a multi-root workspace, run by the third pass of launch-code-server.ts: the fixture
 * workspace (its citewise.yaml names `corpus/`) beside a second folder whose citewise.yaml names `sources/`
 * (see prepareMultiRootWorkspace there). A report is checked against the corpus of the folder it lies in,
 * never against the other folder's, and completion offers that corpus's keys.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { eventually, ruleOf } from '../wait';

const fixtureKey = 'drita-shelters-2022';
const secondKey = 'labour-inspectorate-2022';

/** Writes a report citing both folders' keys into `folder` and opens it. */
async function openReport(folder: vscode.WorkspaceFolder, name: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(folder.uri, name);
  fs.writeFileSync(
    uri.fsPath,
    ['# Two corpora', '', `Shelters offered 64 places in 2021 [@${fixtureKey}].`, '', `Inspectors visited 212 garment workshops [@${secondKey}].`, ''].join('\n'),
  );
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  return uri;
}

async function unknownKeys(uri: vscode.Uri): Promise<string[]> {
  const unknown = () =>
    vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'citewise' && ruleOf(diagnostic) === 'unknown-source');
  const found = await eventually(unknown, (list) => list.length > 0, `an unknown-source diagnostic in ${uri.fsPath}`, 60_000);
  return found.map((diagnostic) => diagnostic.message);
}

describe('Citewise in a multi-root workspace', function () {
  this.timeout(120_000);

  const folders = () => {
    const open = vscode.workspace.workspaceFolders ?? [];
    assert.equal(open.length, 2, `expected two workspace folders, got ${open.map((folder) => folder.uri.fsPath).join(', ')}`);
    return { fixture: open[0], second: open[1] };
  };

  it('checks a report in the first folder against the first folder’s corpus only', async () => {
    const messages = await unknownKeys(await openReport(folders().fixture, 'first-report.md'));
    assert.equal(messages.length, 1, JSON.stringify(messages));
    assert.ok(messages[0].includes(secondKey), messages[0]);
  });

  it('checks a report in the second folder against the second folder’s corpus only', async () => {
    const messages = await unknownKeys(await openReport(folders().second, 'second-report.md'));
    assert.equal(messages.length, 1, JSON.stringify(messages));
    assert.ok(messages[0].includes(fixtureKey), messages[0]);
  });

  it('completes keys from the corpus of the report’s own folder', async () => {
    const uri = vscode.Uri.joinPath(folders().second.uri, 'second-report.md');
    const document = await vscode.workspace.openTextDocument(uri);
    const line = document.lineAt(4).text;
    const position = new vscode.Position(4, line.indexOf('[@') + 2);
    const labels = await eventually(
      async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position, '@');
        return (list?.items ?? []).map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
      },
      (keys) => keys.includes(secondKey),
      `completion of ${secondKey}`,
      60_000,
    );
    assert.ok(!labels.includes(fixtureKey), `the other folder's key was offered: ${labels.join(', ')}`);
  });
});
