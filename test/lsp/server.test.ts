/**
 * `citewise lsp --stdio` as an editor meets it: the bundled CLI spawned, JSON-RPC over its standard
 * input and output, a copy of the fixture workspace as the workspace folder.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeAction, CompletionList, Hover, Location, LocationLink, MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient, repository } from './lsp-client';

const fixture = path.join(repository, 'test', 'fixtures', 'workspace');

function positionOf(text: string, needle: string, offsetInNeedle = 0): { line: number; character: number } {
  const index = text.indexOf(needle);
  assert.ok(index >= 0, `"${needle}" is not in the text`);
  const before = text.slice(0, index + offsetInNeedle).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

describe('citewise lsp --stdio', function () {
  this.timeout(60_000);
  let workspace: string;
  let client: LspClient;

  beforeEach(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'citewise-lsp-'));
    fs.cpSync(fixture, workspace, { recursive: true });
    client = new LspClient();
  });

  afterEach(async () => {
    await client.dispose();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('initializes with incremental sync, completion on @, hover, definition, references and code actions', async () => {
    const { capabilities, serverInfo } = await client.initialize(workspace);
    assert.equal(serverInfo?.name, 'citewise');
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: 2 });
    assert.deepEqual(capabilities.completionProvider?.triggerCharacters, ['@', ':']);
    assert.equal(capabilities.hoverProvider, true);
    assert.equal(capabilities.definitionProvider, true);
    assert.equal(capabilities.referencesProvider, true);
    assert.ok(capabilities.codeActionProvider);
  });

  it('publishes diagnostics when a report is opened, reports corpus loading as progress, and answers the language requests', async () => {
    await client.initialize(workspace);
    const file = path.join(workspace, 'report.md');
    const text = fs.readFileSync(file, 'utf8');
    const uri = client.open(file, text);
    const diagnostics = await client.waitForDiagnostics(uri, (list) => list.some((diagnostic) => diagnostic.code === 'unknown-source'));
    const unknown = diagnostics.filter((diagnostic) => diagnostic.code === 'unknown-source');
    assert.equal(unknown.length, 1);
    assert.deepEqual(unknown[0].range.start, positionOf(text, 'missing-key'));
    assert.ok(diagnostics.some((diagnostic) => diagnostic.code === 'quote-not-in-source'));
    // The first diagnostics may come before the corpus has loaded (from the cited sources alone); the load still ends.
    const progressKinds = () => client.progress.map((step) => (step as { value: { kind: string } }).value.kind);
    for (const started = Date.now(); !progressKinds().includes('end') && Date.now() - started < 20_000; ) await new Promise((resolve) => setTimeout(resolve, 20));
    const kinds = progressKinds();
    assert.equal(kinds[0], 'begin', JSON.stringify(client.progress));
    assert.equal(kinds[kinds.length - 1], 'end');

    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, '@ombudsman-monitoring-2023', 3) });
    assert.match((hover.contents as MarkupContent).value.replace(/\\(.)/g, '$1'), /Monitoring Visits to Shelters for Victims of Trafficking/);

    const [link] = await client.request<LocationLink[]>('textDocument/definition', { textDocument: { uri }, position: positionOf(text, '@drita-shelters-2022]', 2) });
    assert.equal(path.basename(fileURLToPath(link.targetUri)), 'drita-shelters-2022.md');

    const references = await client.request<Location[]>('textDocument/references', { textDocument: { uri }, position: positionOf(text, '@ombudsman-monitoring-2023', 3), context: { includeDeclaration: true } });
    assert.deepEqual(references.map((location) => location.range.start.line), [15, 16]);
  });

  it('completes keys after [@ in an edited document, and re-checks the edit', async () => {
    await client.initialize(workspace);
    const file = path.join(workspace, 'scratch.md');
    const uri = client.open(file, '# Scratch\n\nFamilies matter.\n');
    await client.waitForDiagnostics(uri, (list) => list.length === 0);
    const version = client.change(uri, { start: { line: 2, character: 16 }, end: { line: 2, character: 16 } }, ' Shelters offered 64 places in 2021 [@');
    const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 54 } });
    assert.deepEqual(list.items.map((item) => item.label).sort(), ['case-worker-interview-2021', 'drita-shelters-2022', 'ombudsman-monitoring-2023']);
    const resolved = await client.request<{ documentation: MarkupContent }>('completionItem/resolve', list.items.find((item) => item.label === 'ombudsman-monitoring-2023'));
    assert.match(resolved.documentation.value.replace(/\\(.)/g, '$1'), /Between October 2022 and January 2023/);
    await client.waitForDiagnostics(uri, (diagnostics, published) => published === version && diagnostics.some((diagnostic) => diagnostic.code === 'uncited-claim'));
    const fixed = client.change(uri, { start: { line: 2, character: 54 }, end: { line: 2, character: 54 } }, 'drita-shelters-2022].');
    await client.waitForDiagnostics(uri, (diagnostics, published) => published === fixed && diagnostics.length === 0);
  });

  it('completes a key typed while the corpus is still loading for the first time, once it has loaded', async () => {
    await client.initialize(workspace);
    const file = path.join(workspace, 'scratch.md');
    const uri = client.open(file, '# Scratch\n\nShelters offered 64 places [');
    client.change(uri, { start: { line: 2, character: 28 }, end: { line: 2, character: 28 } }, '@');
    const loading = client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 29 }, context: { triggerKind: 2, triggerCharacter: '@' } });
    // The request went out before the load ended: starting the index worker alone takes longer than this.
    assert.ok(!client.progress.some((step) => (step as { value: { kind: string } }).value.kind === 'end'), 'the corpus had loaded before the completion request');
    const list = await loading;
    assert.deepEqual(list.items.map((item) => item.label).sort(), ['case-worker-interview-2021', 'drita-shelters-2022', 'ombudsman-monitoring-2023']);
  });

  it('offers the fix a finding carries as a code action, with the edit', async () => {
    await client.initialize(workspace);
    const file = path.join(workspace, 'typo.md');
    const uri = client.open(file, '# Fix\n\nSee [@drita-shelterz-2022].\n');
    const [diagnostic] = await client.waitForDiagnostics(uri, (list) => list.some((candidate) => candidate.code === 'unknown-source'));
    assert.deepEqual(diagnostic.data, { kind: 'replace-key', keys: ['drita-shelters-2022'] });
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
    const replace = actions.find((action) => action.title === 'Replace with @drita-shelters-2022');
    assert.ok(replace, actions.map((action) => action.title).join(' | '));
    assert.deepEqual(replace.edit?.changes?.[uri], [{ range: diagnostic.range, newText: 'drita-shelters-2022' }]);
    assert.ok(actions.some((action) => action.title === 'Disable unknown-source for this line'));
  });

  it('answers Citewise’s own requests: search, sources and source text', async () => {
    await client.initialize(workspace);
    const uri = client.open(path.join(workspace, 'report.md'));
    const hits = await client.citewise('citewise/search', { uri, query: 'psychological counselling' });
    assert.equal(hits?.[0]?.key, 'ombudsman-monitoring-2023');
    const listing = await client.citewise('citewise/sources', { uri });
    assert.deepEqual(listing?.sources.map((source) => source.key).sort(), ['case-worker-interview-2021', 'drita-shelters-2022', 'ombudsman-monitoring-2023']);
    assert.deepEqual(listing?.citations?.find(({ key }) => key === 'ombudsman-monitoring-2023'), { key: 'ombudsman-monitoring-2023', count: 2 });
    // The open text is what is cited from, unsaved edits included: a key joins the group the cursor is in.
    const text = fs.readFileSync(path.join(workspace, 'report.md'), 'utf8');
    const inGroup = positionOf(text, '@case-worker-interview-2021', 1);
    const edit = await client.citewise('citewise/citeKey', { uri, selection: { start: inGroup, end: inGroup }, key: 'drita-shelters-2022' });
    const closing = positionOf(text, 'case-worker-interview-2021]', 'case-worker-interview-2021'.length);
    assert.deepEqual(edit, { range: { start: closing, end: closing }, newText: '; @drita-shelters-2022' });
    client.change(uri, { start: closing, end: closing }, '; @drita-shelters-2022');
    const after = await client.citewise('citewise/sources', { uri });
    assert.equal(after?.citations?.find(({ key }) => key === 'drita-shelters-2022')?.count, 3);
    const sourceText = await client.citewise('citewise/sourceText', { file: path.join(workspace, 'corpus', 'ombudsman-monitoring-2023.txt') });
    assert.match(sourceText ?? '', /^Monitoring Visits to Shelters/);
  });

  it('answers a failing request with an error and keeps serving', async () => {
    await client.initialize(workspace);
    const uri = client.open(path.join(workspace, 'report.md'));
    await assert.rejects(client.citewise('citewise/search', { uri, query: 42 as unknown as string }), /Citewise: citewise\/search failed/);
    await assert.rejects(client.request('textDocument/hover', { textDocument: { uri }, position: null }), /failed/);
    const hits = await client.citewise('citewise/search', { uri, query: 'shelters' });
    assert.ok(hits && hits.length > 0);
    assert.equal(client.exited, false);
  });

  it('reloads the corpus when the client reports a changed file', async () => {
    await client.initialize(workspace);
    const uri = client.open(path.join(workspace, 'watch.md'), '“Shelter staff told us that survivors wait an average of twelve days” [@drita-shelters-2022].\n');
    await client.waitForDiagnostics(uri, (list) => list.some((diagnostic) => diagnostic.code === 'quote-not-in-source'));
    const source = path.join(workspace, 'corpus', 'drita-shelters-2022.md');
    fs.appendFileSync(source, '\nShelter staff told us that survivors wait an average of twelve days.\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: `file://${source}`, type: 2 }] });
    await client.waitForDiagnostics(uri, (list) => list.length === 0);
  });

  it('confines a corpus the workspace’s settings name to the workspace, and follows the user’s own settings', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'citewise-lsp-outside-'));
    fs.cpSync(path.join(fixture, 'corpus'), outside, { recursive: true });
    fs.rmSync(path.join(workspace, 'citewise.yaml'));
    try {
      client.configuration = { corpus: outside };
      await client.initialize(workspace);
      const uri = client.open(path.join(workspace, 'confined.md'), 'Shelters were full [@drita-shelters-2022].\n');
      const refused = await client.waitForDiagnostics(`file://${path.join(workspace, '.vscode', 'settings.json')}`, (list) => list.length > 0);
      assert.match(refused[0].message, /outside the workspace/);
      await client.waitForDiagnostics(uri, (list) => list.some((diagnostic) => diagnostic.code === 'invalid-settings'));
      await client.dispose();

      client = new LspClient();
      await client.initialize(workspace, { settings: { corpus: outside } });
      const allowed = client.open(path.join(workspace, 'confined.md'), 'Shelters were full [@drita-shelters-2022].\n');
      await client.waitForDiagnostics(allowed, (list) => list.length === 0);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('checks against the corpus given with --corpus, and records a confirmed date in its corpus.yaml by an edit the client applies', async () => {
    const given = fs.mkdtempSync(path.join(os.tmpdir(), 'citewise-lsp-given-'));
    fs.writeFileSync(path.join(given, 'year-only.md'), '# Annual review\n\nMinistry of Interior\n\n2022\n\nShelters reopened in the northern regions after the reform.\n');
    try {
      await client.dispose();
      client = new LspClient(['--corpus', given]);
      await client.initialize(workspace);
      const text = '“Shelters reopened in the northern regions” [@year-only].\n\nThe workspace’s corpus is not read [@drita-shelters-2022].\n';
      const uri = client.open(path.join(workspace, 'given.md'), text);
      const diagnostics = await client.waitForDiagnostics(uri, (list) => list.length > 0);
      assert.deepEqual(diagnostics.map((diagnostic) => `${diagnostic.code}:${diagnostic.range.start.line}`).sort(), ['source-date-uncertain:0', 'unknown-source:2']);

      const uncertain = diagnostics.find((diagnostic) => diagnostic.code === 'source-date-uncertain')!;
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: uncertain.range, context: { diagnostics: [uncertain] } });
      const record = actions.find((action) => action.title === 'Record 2022 as the date of @year-only in corpus.yaml');
      assert.ok(record, actions.map((action) => action.title).join(' | '));
      const manifest = path.join(given, 'corpus.yaml');
      assert.ok(!fs.existsSync(manifest), 'offering the fix writes nothing');
      // The client applies the edit (create, then insert) and saves; its watcher reports the new file.
      const [create, insert] = record.edit!.documentChanges! as [{ kind: string; uri: string }, { edits: { newText: string }[] }];
      assert.equal(create.kind, 'create');
      fs.writeFileSync(fileURLToPath(create.uri), insert.edits[0].newText);
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: create.uri, type: 1 }] });
      const after = await client.waitForDiagnostics(uri, (list) => !list.some((diagnostic) => diagnostic.code === 'source-date-uncertain'));
      assert.deepEqual(after.map((diagnostic) => diagnostic.code), ['unknown-source']);
    } finally {
      fs.rmSync(given, { recursive: true, force: true });
    }
  });

  it('ignores the workspace’s corpus setting in an untrusted workspace, and uses the user’s corpus outside it', async () => {
    const userCorpus = fs.mkdtempSync(path.join(os.tmpdir(), 'citewise-lsp-user-'));
    fs.writeFileSync(path.join(userCorpus, 'user-source.md'), '---\ntitle: User Source\ndate: 2022-01-01\n---\nShelters were full.\n');
    fs.rmSync(path.join(workspace, 'citewise.yaml'));
    try {
      client.configuration = { corpus: 'corpus' };
      await client.initialize(workspace, { workspaceTrusted: false, settings: { corpus: userCorpus } });
      const uri = client.open(path.join(workspace, 'untrusted.md'), 'The workspace corpus [@drita-shelters-2022].\n\nThe user corpus [@user-source].\n');
      const diagnostics = await client.waitForDiagnostics(uri, (list) => list.length > 0);
      assert.deepEqual(
        diagnostics.map((diagnostic) => `${diagnostic.code}:${diagnostic.range.start.line}`),
        ['unknown-source:0'],
      );
    } finally {
      fs.rmSync(userCorpus, { recursive: true, force: true });
    }
  });
});
