/**
 * Runs inside a real VS Code extension host (npm run test:vscode), with a copy of test/fixtures/workspace open.
 * Under plain mocha (npm test), where there is no `vscode` module, the suite is skipped.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscodeApi from 'vscode';

function loadVscode(): typeof vscodeApi | undefined {
  try {
    return require('vscode') as typeof vscodeApi;
  } catch {
    return undefined;
  }
}

const vscode = loadVscode();
const extensionId = 'citewise.citewise';

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

(vscode ? describe : describe.skip)('Citewise in a real VS Code extension host (smoke)', function () {
  this.timeout(60_000);

  function extension(): vscodeApi.Extension<unknown> {
    const found = vscode!.extensions.getExtension(extensionId);
    assert.ok(found, `extension ${extensionId} is not installed; present: ${vscode!.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.')).join(', ') || 'none'}`);
    return found;
  }

  async function openFixtureReport(): Promise<vscodeApi.TextEditor> {
    const folder = vscode!.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open (the launcher opens a copy of test/fixtures/workspace)');
    assert.ok(fs.existsSync(path.join(folder.uri.fsPath, 'citewise.yaml')), `${folder.uri.fsPath} is not the fixture workspace`);
    const document = await vscode!.workspace.openTextDocument(vscode!.Uri.joinPath(folder.uri, 'report.md'));
    assert.equal(document.languageId, 'markdown');
    return vscode!.window.showTextDocument(document);
  }

  it('is installed as citewise.citewise', () => {
    const found = extension();
    assert.equal(found.packageJSON.name, 'citewise');
  });

  it('activates when a Markdown report of the fixture workspace is opened', async () => {
    const found = extension();
    await openFixtureReport();
    // No explicit activate(): the activation events (onLanguage:markdown, workspaceContains) must do it.
    await waitFor(() => found.isActive, 30_000, `${extensionId} to activate (see the extension host log for an activation error)`);
  });

  it('registers every citewise.* command declared in package.json', async () => {
    const found = extension();
    await openFixtureReport();
    await waitFor(() => found.isActive, 30_000, `${extensionId} to activate`);
    const manifest = JSON.parse(fs.readFileSync(path.join(found.extensionPath, 'package.json'), 'utf8'));
    const declared: string[] = (manifest.contributes?.commands ?? [])
      .map((command: { command: string }) => command.command)
      .filter((id: string) => id.startsWith('citewise.'));
    assert.ok(declared.length >= 5, `expected the citewise.* commands in package.json, found ${declared.join(', ')}`);
    const registered = new Set(await vscode!.commands.getCommands(true));
    const missing = declared.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `declared in package.json but not registered: ${missing.join(', ')}`);
  });
});
