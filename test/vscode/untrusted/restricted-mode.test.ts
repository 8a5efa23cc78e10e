/**
 * The extension in an untrusted workspace (Restricted Mode), run by the second pass of
 * launch-code-server.ts. The workspace's settings name its own corpus folder, the user's settings a corpus
 * outside the workspace, citewise.yaml none (see prepareUntrustedWorkspace there). Restricted Mode
 * withholds the workspace's `citewise.corpus`, so reports are checked against the user's corpus, which
 * counts as the user's: it may lie outside the workspace.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { eventually, ruleOf } from '../wait';

describe('Citewise in an untrusted workspace (Restricted Mode)', function () {
  this.timeout(120_000);

  it('runs in Restricted Mode', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('checks reports against the user’s corpus and ignores the corpus the workspace’s settings name', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    const uri = vscode.Uri.joinPath(folder.uri, 'restricted.md');
    fs.writeFileSync(
      uri.fsPath,
      [
        '# Shelters',
        '',
        'The workspace corpus says shelters offered 64 places in 2021 [@drita-shelters-2022].',
        '',
        'The user corpus says that shelters were full [@user-source].',
        '',
      ].join('\n'),
    );
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const unknown = () => vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'citewise' && ruleOf(diagnostic) === 'unknown-source');
    const found = await eventually(unknown, (list) => list.length > 0, 'an unknown-source diagnostic', 60_000);
    // Only the key of the workspace's corpus is unknown: the user's corpus is the one in use.
    assert.equal(found.length, 1, JSON.stringify(found.map((diagnostic) => diagnostic.message)));
    assert.equal(found[0].range.start.line, 2, found[0].message);
    assert.ok(found[0].message.includes('drita-shelters-2022'), found[0].message);
    // Nothing says the user's corpus was refused.
    const refused = vscode.languages.getDiagnostics().flatMap(([, list]) => list).filter((diagnostic) => /outside|not read/i.test(diagnostic.message));
    assert.deepEqual(refused.map((diagnostic) => diagnostic.message), []);
  });
});
