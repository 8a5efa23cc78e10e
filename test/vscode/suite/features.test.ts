/**
 * The extension's features driven through the real VS Code API, inside a real extension host
 * (npm run test:vscode), against a temporary copy of test/fixtures/workspace.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventually } from '../wait';
import { textLines, writePdf } from '../../support/pdf-writer';

function folder(): vscode.WorkspaceFolder {
  const first = vscode.workspace.workspaceFolders?.[0];
  assert.ok(first && fs.existsSync(path.join(first.uri.fsPath, 'citewise.yaml')), 'the fixture workspace is not open');
  return first;
}

function fixture(...parts: string[]): vscode.Uri {
  return vscode.Uri.joinPath(folder().uri, ...parts);
}

async function openReport(name = 'report.md'): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(fixture(name));
  return vscode.window.showTextDocument(document);
}

let scratchCount = 0;

/** A new report next to the fixture's, so each test starts from text it controls; never reused, so no stale editor state. */
async function scratchReport(name: string, text: string): Promise<vscode.TextEditor> {
  const uri = fixture(name.replace(/\.md$/, `-${++scratchCount}.md`));
  fs.writeFileSync(uri.fsPath, text);
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document);
}

function codes(uri: vscode.Uri): string[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((diagnostic) => diagnostic.source === 'citewise')
    .map((diagnostic) => String(diagnostic.code));
}

function positionOf(document: vscode.TextDocument, needle: string, offsetInNeedle = 0): vscode.Position {
  const index = document.getText().indexOf(needle);
  assert.ok(index >= 0, `"${needle}" is not in ${document.uri.fsPath}`);
  return document.positionAt(index + offsetInNeedle);
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n')
    .replace(/\\(.)/g, '$1');
}

describe('Citewise features in a real VS Code', function () {
  this.timeout(90_000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const name of fs.readdirSync(folder().uri.fsPath)) {
      if (name.startsWith('scratch-')) fs.rmSync(path.join(folder().uri.fsPath, name), { force: true });
    }
  });

  describe('diagnostics', () => {
    it('reports the unknown key and the altered quote of the fixture report, with rule ids as codes', async () => {
      const editor = await openReport();
      const found = await eventually(() => codes(editor.document.uri), (list) => list.includes('unknown-source') && list.includes('quote-not-in-source'), 'diagnostics');
      assert.equal(found.filter((code) => code === 'unknown-source').length, 1);
      const unknown = vscode.languages.getDiagnostics(editor.document.uri).find((diagnostic) => diagnostic.code === 'unknown-source')!;
      assert.equal(editor.document.getText(unknown.range), 'missing-key');
      assert.equal(unknown.severity, vscode.DiagnosticSeverity.Error);
    });

    it('follows typing: a new uncited claim appears and disappears with the text', async () => {
      const editor = await scratchReport('scratch-live.md', '# Live\n\nFamilies matter.\n');
      const uri = editor.document.uri;
      await eventually(() => codes(uri), (list) => list.length === 0, 'a clean start');
      await editor.edit((edit) => edit.insert(new vscode.Position(3, 0), '\nShelters offered 64 places in 2021.\n'));
      await eventually(() => codes(uri), (list) => list.includes('uncited-claim'), 'uncited-claim after typing');
      await editor.edit((edit) => edit.insert(editor.document.lineAt(4).range.end.translate(0, -1), ' [@drita-shelters-2022]'));
      await eventually(() => codes(uri), (list) => !list.includes('uncited-claim'), 'the claim to count as cited');
    });

    it('applies settings changes at once', async () => {
      const editor = await openReport();
      const config = vscode.workspace.getConfiguration('citewise', folder().uri);
      await config.update('rules', { 'unknown-source': 'off' }, vscode.ConfigurationTarget.Workspace);
      try {
        await eventually(() => codes(editor.document.uri), (list) => !list.includes('unknown-source'), 'unknown-source to be switched off');
      } finally {
        await config.update('rules', undefined, vscode.ConfigurationTarget.Workspace);
      }
      await eventually(() => codes(editor.document.uri), (list) => list.includes('unknown-source'), 'unknown-source to come back');
    });

    it('re-reads a corpus file that changes on disk', async () => {
      const editor = await scratchReport('scratch-watch.md', '“Shelter staff told us that survivors wait an average of twelve days” [@drita-shelters-2022].\n');
      const uri = editor.document.uri;
      await eventually(() => codes(uri), (list) => list.includes('quote-not-in-source'), 'the altered quote');
      const source = fixture('corpus', 'drita-shelters-2022.md').fsPath;
      const original = fs.readFileSync(source, 'utf8');
      try {
        fs.writeFileSync(source, `${original}\nShelter staff told us that survivors wait an average of twelve days.\n`);
        await eventually(() => codes(uri), (list) => !list.includes('quote-not-in-source'), 'the quote to match the changed source');
      } finally {
        fs.writeFileSync(source, original);
      }
      await eventually(() => codes(uri), (list) => list.includes('quote-not-in-source'), 'the quote to differ again');
    });
  });

  describe('completion', () => {
    async function complete(text: string, cursorText = text): Promise<vscode.CompletionList> {
      const editor = await scratchReport('scratch-complete.md', text);
      const position = positionOf(editor.document, cursorText, cursorText.length);
      return vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, position, '@');
    }

    const citewiseItems = (list: vscode.CompletionList) =>
      list.items.filter((item) => item.kind === vscode.CompletionItemKind.Reference).map((item) => (typeof item.label === 'string' ? item.label : item.label.label));

    it('offers every source after [@', async () => {
      const keys = citewiseItems(await complete('Shelters are scarce [@'));
      assert.deepEqual([...keys].sort(), ['case-worker-interview-2021', 'drita-shelters-2022', 'ombudsman-monitoring-2023']);
    });

    it('ranks by title and publisher words, not only by key', async () => {
      // Words of the title and the publisher, none of them in the keys.
      assert.equal(citewiseItems(await complete('Monitors found [@Visits'))[0], 'ombudsman-monitoring-2023');
      assert.equal(citewiseItems(await complete('See @Alliance'))[0], 'drita-shelters-2022');
    });

    it('completes inside an existing group after ; @', async () => {
      const keys = citewiseItems(await complete('Claim [@drita-shelters-2022; @case', 'Claim [@drita-shelters-2022; @case'));
      assert.equal(keys[0], 'case-worker-interview-2021');
    });

    it('shows title, date and time-frame status', async () => {
      const list = await complete('Text [@ombud');
      const item = list.items.find((candidate) => (typeof candidate.label === 'string' ? candidate.label : candidate.label.label) === 'ombudsman-monitoring-2023')!;
      assert.match(String(item.detail), /Monitoring Visits to Shelters/);
      const documentation = (item.documentation as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
      assert.match(documentation, /Inside the time frame 2021-01-01 – 2023-12-31/);
      assert.equal((item.documentation as vscode.MarkdownString).isTrusted, false);
    });

    it('adds the opening of the source to the item in focus, read from the corpus worker', async () => {
      const editor = await scratchReport('scratch-complete.md', 'Text [@ombud');
      const position = positionOf(editor.document, 'Text [@ombud', 'Text [@ombud'.length);
      // The editor resolves the items it shows details for; the last argument asks for the first item.
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, position, '@', 1);
      const item = list.items[0];
      assert.equal(typeof item.label === 'string' ? item.label : item.label.label, 'ombudsman-monitoring-2023');
      const documentation = (item.documentation as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
      assert.match(documentation, /Between October 2022 and January 2023 the Office visited all four specialised shelters/);
      assert.match(documentation, /Inside the time frame/);
      assert.equal((item.documentation as vscode.MarkdownString).isTrusted, false);
    });

    it('offers nothing in e-mail addresses or code', async () => {
      assert.deepEqual(citewiseItems(await complete('Write to someone@dri')), []);
      assert.deepEqual(citewiseItems(await complete('Code `[@dri` here', 'Code `[@dri')), []);
      assert.deepEqual(citewiseItems(await complete('```\n[@dri\n```\n', '[@dri')), []);
    });
  });

  describe('hover, definition and references', () => {
    it('hovers a key with the source’s title and date, over exactly the key', async () => {
      const editor = await openReport();
      const position = positionOf(editor.document, '@ombudsman-monitoring-2023', 3);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position);
      const text = hoverText(hovers);
      assert.match(text, /Monitoring Visits to Shelters for Victims of Trafficking/);
      assert.match(text, /2023-03-14/);
      const range = hovers.find((hover) => hover.range)!.range!;
      assert.equal(editor.document.getText(range), 'ombudsman-monitoring-2023');
    });

    it('hovers an altered quote with the closest passage and its similarity', async () => {
      const editor = await openReport();
      const position = positionOf(editor.document, 'restrictions on movement are decided', 5);
      const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position));
      assert.match(text, /Not in @ombudsman-monitoring-2023 as written\. Closest passage, line \d+ \(\d+% similar\)/);
      assert.match(text, /decided case by case/);
    });

    it('never lets a corpus file put a link or command in a hover', async () => {
      const source = fixture('corpus', 'scratch-hostile.md').fsPath;
      fs.writeFileSync(source, '---\ntitle: "[Click me](command:workbench.action.quit) <img src=x> https://evil.example"\ndate: 2022-01-01\n---\nSee [run](command:workbench.action.quit) and www.evil.example now.\n');
      try {
        const editor = await scratchReport('scratch-hostile-report.md', 'As reported [@scratch-hostile].\n');
        const position = positionOf(editor.document, '@scratch-hostile', 3);
        const hovers = await eventually(
          () => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position),
          (list) => hoverText(list).includes('Click me'),
          'the hover of the new source',
        );
        for (const content of hovers.flatMap((hover) => hover.contents)) {
          if (typeof content === 'string' || !('isTrusted' in content)) continue;
          assert.ok(!content.isTrusted, 'hover markdown must not be trusted');
          assert.ok(!content.supportHtml, 'hover markdown must not render HTML');
          assert.ok(!/(^|[^\\])\[[^\]]*\]\(/.test(content.value), `a link survived: ${content.value}`);
          assert.ok(!/(^|[^\\])<img/.test(content.value), `HTML survived: ${content.value}`);
          assert.ok(!/[^\\]:\/\//.test(content.value), `a URL could autolink: ${content.value}`);
        }
      } finally {
        fs.rmSync(source, { force: true });
      }
    });

    it('goes to the quoted passage in the source', async () => {
      const editor = await openReport();
      const position = positionOf(editor.document, '@drita-shelters-2022]', 2);
      const links = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', editor.document.uri, position);
      assert.equal(links.length, 1);
      const link = links[0] as vscode.LocationLink;
      assert.equal(path.basename(link.targetUri.fsPath), 'drita-shelters-2022.md');
    });

    it('finds every citation of a source across the workspace', async () => {
      const editor = await openReport();
      const position = positionOf(editor.document, '@ombudsman-monitoring-2023', 3);
      const locations = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', editor.document.uri, position);
      // VS Code's Markdown support also answers, for `[@key]` read as a reference link; its ranges include the `@`.
      const ours = locations.filter((location) => location.uri.fsPath === editor.document.uri.fsPath && editor.document.getText(location.range) === 'ombudsman-monitoring-2023');
      assert.deepEqual(
        ours.map((location) => location.range.start.line),
        [15, 16],
      );
    });
  });

  describe('quick fixes', () => {
    it('offers to disable the rule for one line, and inserting it removes the diagnostic', async () => {
      const editor = await scratchReport('scratch-fix.md', '# Fix\n\nSee [@drita-shelterz-2022].\n');
      const uri = editor.document.uri;
      const [diagnostic] = await eventually(
        () => vscode.languages.getDiagnostics(uri).filter((candidate) => candidate.code === 'unknown-source'),
        (list) => list.length === 1,
        'the unknown key',
      );
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range);
      const titles = actions.map((action) => action.title);
      assert.ok(titles.includes('Replace with @drita-shelters-2022'), titles.join(' | '));
      assert.ok(titles.includes('Disable unknown-source for this line'), titles.join(' | '));
      const replace = actions.find((action) => action.title === 'Replace with @drita-shelters-2022')!;
      await vscode.workspace.applyEdit(replace.edit!);
      assert.match(editor.document.getText(), /\[@drita-shelters-2022\]/);
      await eventually(() => codes(uri), (list) => !list.includes('unknown-source'), 'the fixed key');
      // The edit went through the editor: one undo brings the typo back.
      await vscode.commands.executeCommand('undo');
      assert.match(editor.document.getText(), /drita-shelterz-2022/);
    });

    it('cites the source an uncited quote was found in', async () => {
      const editor = await scratchReport('scratch-attribute.md', '# Quote\n\nThe monitors wrote that “psychological counselling was available in every shelter”.\n');
      const uri = editor.document.uri;
      const [diagnostic] = await eventually(
        () => vscode.languages.getDiagnostics(uri).filter((candidate) => candidate.code === 'quote-uncited'),
        (list) => list.length === 1,
        'the uncited quote',
      );
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range);
      const cite = actions.find((action) => action.title.startsWith('Cite @ombudsman-monitoring-2023'));
      assert.ok(cite, actions.map((action) => action.title).join(' | '));
      await vscode.workspace.applyEdit(cite.edit!);
      assert.match(editor.document.getText(), /shelter” \[@ombudsman-monitoring-2023\]\./);
      await eventually(() => codes(uri), (list) => list.length === 0, 'no diagnostics once cited');
    });
  });

  describe('COI references', () => {
    const coiReport = [
      '# COI',
      '',
      'Drita stated:',
      '',
      '“Albania has four specialised shelters for survivors of trafficking”',
      '',
      'Source: Drita Shelter Alliance, “Safe Return? Shelters for Survivors of Trafficking in Albania”, 21 September 2022',
      '',
      '“Shelters in Durrës were always full.”',
      '',
      'Source: Northern Network, “Port Shelters Review”, 4 May 2022',
      '',
    ].join('\n');

    it('checks a quote against the source its Source: line resolves to, and says which references match no source', async () => {
      const editor = await scratchReport('scratch-coi.md', coiReport);
      const list = await eventually(() => codes(editor.document.uri), (found) => found.includes('reference-unresolved'), 'the unresolved reference');
      assert.deepEqual(list, ['reference-unresolved']);
    });

    it('hovers a resolved reference with its source, and an unresolved one with why', async () => {
      const editor = await scratchReport('scratch-coi-hover.md', coiReport);
      const uri = editor.document.uri;
      await eventually(() => codes(uri), (found) => found.includes('reference-unresolved'), 'the check');
      const resolved = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, positionOf(editor.document, 'Drita Shelter Alliance, “Safe', 3)));
      assert.match(resolved, /This reference resolves to @drita-shelters-2022/);
      assert.match(resolved, /Quoted passage, line/);
      const unresolved = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, positionOf(editor.document, 'Northern Network', 3)));
      assert.match(unresolved, /No source in the corpus matches this reference/);
      assert.match(unresolved, /2022-05-04 as the reference states, inside the time frame/);
    });

    it('goes from a resolved reference to its source', async () => {
      const editor = await scratchReport('scratch-coi-definition.md', coiReport);
      const uri = editor.document.uri;
      await eventually(() => codes(uri), (found) => found.includes('reference-unresolved'), 'the check');
      const links = await vscode.commands.executeCommand<vscode.LocationLink[]>('vscode.executeDefinitionProvider', uri, positionOf(editor.document, 'Drita Shelter Alliance, “Safe', 3));
      assert.equal(links.length, 1);
      assert.equal(path.basename(links[0].targetUri.fsPath), 'drita-shelters-2022.md');
    });

    it('rewrites a resolved reference as [@key] and a key in a Source: line as a COI reference, as undoable edits', async () => {
      const editor = await scratchReport('scratch-coi-restyle.md', coiReport);
      const uri = editor.document.uri;
      await eventually(() => codes(uri), (found) => found.includes('reference-unresolved'), 'the check');
      const at = positionOf(editor.document, 'Drita Shelter Alliance, “Safe', 3);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(at, at));
      const toKey = actions.find((action) => action.title === 'Cite as [@drita-shelters-2022]');
      assert.ok(toKey, actions.map((action) => action.title).join(' | '));
      await vscode.workspace.applyEdit(toKey.edit!);
      assert.match(editor.document.getText(), /^Source: \[@drita-shelters-2022\]$/m);
      await eventually(() => codes(uri), (found) => found.length === 1, 'the check of the rewritten report');
      const keyAt = positionOf(editor.document, '@drita-shelters-2022]', 2);
      const back = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(keyAt, keyAt))).find(
        (action) => action.title === 'Write @drita-shelters-2022 as a COI reference',
      );
      assert.ok(back);
      await vscode.workspace.applyEdit(back.edit!);
      assert.match(editor.document.getText(), /^Source: Drita Shelter Alliance, “Safe Return\? Shelters for Survivors of Trafficking in Albania”, 21 September 2022$/m);
      await vscode.commands.executeCommand('undo');
      assert.match(editor.document.getText(), /^Source: \[@drita-shelters-2022\]$/m);
    });

    it('completes a Source: line with a key, or with a COI reference when citationStyle is coi', async () => {
      const editor = await scratchReport('scratch-coi-complete.md', '# COI\n\n“Quote of the shelters here.”\n\nSource: Drita\n');
      const uri = editor.document.uri;
      const position = positionOf(editor.document, 'Source: Drita', 'Source: Drita'.length);
      const insertOf = async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position);
        const item = list.items.find((candidate) => (typeof candidate.label === 'string' ? candidate.label : candidate.label.label) === 'drita-shelters-2022');
        return item && String(typeof item.insertText === 'string' ? item.insertText : item.insertText?.value);
      };
      assert.equal(await insertOf(), '[@drita-shelters-2022]');
      const config = vscode.workspace.getConfiguration('citewise');
      await config.update('citationStyle', 'coi', vscode.ConfigurationTarget.Workspace);
      try {
        await eventually(insertOf, (insert) => insert === 'Drita Shelter Alliance, “Safe Return? Shelters for Survivors of Trafficking in Albania”, 21 September 2022', 'a COI reference');
      } finally {
        await config.update('citationStyle', undefined, vscode.ConfigurationTarget.Workspace);
      }
    });
  });

  describe('commands', () => {
    it('exports the bibliography of the active report as CSL-JSON', async () => {
      await openReport();
      const target = vscode.Uri.file(path.join(folder().uri.fsPath, 'scratch-bibliography.json'));
      await vscode.commands.executeCommand('citewise.exportBibliography', target);
      const items = JSON.parse(fs.readFileSync(target.fsPath, 'utf8')) as { id: string; title: string }[];
      assert.deepEqual(items.map((item) => item.id).sort(), ['case-worker-interview-2021', 'drita-shelters-2022', 'ombudsman-monitoring-2023']);
    });

    it('rebuilds the index and keeps the diagnostics', async () => {
      const editor = await openReport();
      await vscode.commands.executeCommand('citewise.rebuildIndex');
      await eventually(() => codes(editor.document.uri), (list) => list.includes('unknown-source'), 'diagnostics after the rebuild');
    });
  });

  describe('PDF sources', () => {
    it('checks pages, hovers with the page, and opens the extracted text at the quote', async () => {
      const pdf = writePdf({
        info: { title: 'Annual Shelter Inspection', creationDate: 'D:20220601' },
        pages: [
          { lines: textLines(['Annual Shelter Inspection', 'Inspectors visited four shelters.']) },
          { lines: textLines(['Two shelters had no psychologist on their staff.']) },
        ],
      });
      const source = fixture('corpus', 'scratch-inspection.pdf').fsPath;
      fs.writeFileSync(source, pdf);
      try {
        const editor = await scratchReport('scratch-pdf.md', 'Inspectors wrote that “two shelters had no psychologist on their staff” [@scratch-inspection, p. 1].\n');
        const uri = editor.document.uri;
        const [diagnostic] = await eventually(
          () => vscode.languages.getDiagnostics(uri).filter((candidate) => candidate.code === 'locator-mismatch'),
          (list) => list.length === 1,
          'the locator mismatch',
        );
        assert.equal(diagnostic.message, 'The quote is in @scratch-inspection, but on p. 2, not on p. 1 as cited.');
        assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Information);

        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, positionOf(editor.document, 'psychologist'));
        assert.match(hoverText(hovers), /Found in @scratch-inspection, p\. 2, line \d+\./);

        const links = await vscode.commands.executeCommand<vscode.LocationLink[]>('vscode.executeDefinitionProvider', uri, positionOf(editor.document, '@scratch-inspection', 2));
        const target = links[0].targetUri;
        assert.equal(target.scheme, 'citewise-extracted');
        const extracted = await vscode.workspace.openTextDocument(target);
        assert.equal(extracted.getText(links[0].targetRange).replace(/\s+/g, ' '), 'Two shelters had no psychologist on their staff');
        assert.match(extracted.getText(), /\[p\. 2\]/);
      } finally {
        fs.rmSync(source, { force: true });
      }
    });
  });
});
