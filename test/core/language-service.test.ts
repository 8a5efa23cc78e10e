/**
 * The language service driven as an editor drives it, through an in-memory workspace: reports are
 * documents held in memory (never written to disk), the corpus is a copy of the fixture's.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CompletionList, Diagnostic, MarkupContent, Position } from 'vscode-languageserver-types';
import { checkWithoutCorpus, localCorpusService, type CorpusService } from '../../src/core/corpus/corpus-service';
import { isInsideFolder } from '../../src/core/corpus/corpus-files';
import { CitewiseLanguageService } from '../../src/core/service/language-service';
import type { ReportContext, ServiceDocument, ServiceHost } from '../../src/core/service/service-host';
import { corpusId } from '../../src/core/settings/settings';
import { CitewiseWorkspace } from '../../src/core/corpus/workspace';

const fixture = path.resolve(__dirname, '../../../../test/fixtures/workspace');

/** Reports in memory, the corpus on disk; counts how often a report's settings and corpus are asked for. */
class InMemoryWorkspace implements ServiceHost {
  readonly documents = new Map<string, ServiceDocument>();
  private readonly corpora = new Map<string, CorpusService>();
  private readonly workspace: CitewiseWorkspace;
  contextRequests = 0;
  /** Whether this host says every settings change is reported (as a language server whose client watches files). */
  watched = false;

  constructor(readonly root: string) {
    this.workspace = new CitewiseWorkspace({ workspaceRoot: root });
  }

  open(name: string, text: string, version = 1): ServiceDocument {
    const document = { uri: pathToFileURL(path.join(this.root, name)).href, version, text, languageId: 'markdown' };
    this.documents.set(document.uri, document);
    return document;
  }

  reportPath(uri: string): string {
    return fileURLToPath(uri);
  }

  async reportContext(uri: string, text: string): Promise<ReportContext> {
    this.contextRequests++;
    const file = this.reportPath(uri);
    const settings = await this.workspace.settingsFor(file, text);
    if (!settings.corpus.length) return { file, settings, check: async (current) => checkWithoutCorpus(file, current, settings) };
    const corpus = localCorpusService(await this.workspace.corpus(settings.corpus));
    this.corpora.set(corpusId(settings.corpus), corpus);
    return { file, settings, corpus, check: (current) => corpus.check(file, current, settings) };
  }

  settingsWatched(): boolean {
    return this.watched;
  }

  isInCorpus(file: string): boolean {
    return [...this.corpora.values()].some((corpus) => corpus.corpus.roots.some((root) => isInsideFolder(file, root)));
  }

  loadedCorpus(roots: readonly string[]): Promise<CorpusService> | undefined {
    const corpus = this.corpora.get(corpusId(roots));
    return corpus && Promise.resolve(corpus);
  }

  async reportFiles(): Promise<string[]> {
    return [...this.documents.keys()].map((uri) => fileURLToPath(uri));
  }

  async readText(file: string): Promise<string> {
    return this.documents.get(pathToFileURL(file).href)?.text ?? fs.promises.readFile(file, 'utf8');
  }
}

function positionOf(document: ServiceDocument, needle: string, offsetInNeedle = 0): Position {
  const index = document.text.indexOf(needle);
  assert.ok(index >= 0, `"${needle}" is not in the document`);
  const before = document.text.slice(0, index + offsetInNeedle).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

function textAt(document: ServiceDocument, range: { start: Position; end: Position }): string {
  const lines = document.text.split('\n');
  assert.equal(range.start.line, range.end.line, 'a one-line range');
  return lines[range.start.line].slice(range.start.character, range.end.character);
}

const keysOf = (list: CompletionList | undefined) => (list?.items ?? []).map((item) => item.label);
const markdownOf = (content: unknown) => (content as MarkupContent).value.replace(/\\(.)/g, '$1');

describe('language service', () => {
  let root: string;
  let workspace: InMemoryWorkspace;
  let service: CitewiseLanguageService;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'citewise-service-'));
    fs.cpSync(fixture, root, { recursive: true });
    workspace = new InMemoryWorkspace(root);
    service = new CitewiseLanguageService(workspace, { extractedTextScheme: 'citewise-extracted' });
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  describe('diagnostics', () => {
    it('reports an unknown key over exactly the key, with its fix (the close keys) in the data', async () => {
      const report = workspace.open('report.md', fs.readFileSync(path.join(fixture, 'report.md'), 'utf8'));
      const found = await service.diagnostics(report);
      assert.ok(found);
      const unknown = found.own.filter((diagnostic) => diagnostic.code === 'unknown-source');
      assert.equal(unknown.length, 1);
      assert.equal(textAt(report, unknown[0].range), 'missing-key');
      assert.equal(unknown[0].source, 'citewise');
      assert.ok(found.own.some((diagnostic) => diagnostic.code === 'quote-not-in-source'));
      const typo = await service.diagnostics(workspace.open('typo.md', 'See [@drita-shelterz-2022].\n'));
      assert.deepEqual(typo!.own.find((diagnostic) => diagnostic.code === 'unknown-source')?.data, { kind: 'replace-key', keys: ['drita-shelters-2022'] });
    });

    it('re-checks an edited quote in the next version', async () => {
      const quote = 'Monitors wrote that “legal representation was offered in only one of them” [@ombudsman-monitoring-2023].\n';
      const first = workspace.open('edit.md', quote, 1);
      assert.deepEqual((await service.diagnostics(first))!.own.map((diagnostic) => diagnostic.code), []);
      const second = workspace.open('edit.md', quote.replace('only one', 'every one'), 2);
      assert.deepEqual((await service.diagnostics(second))!.own.map((diagnostic) => diagnostic.code), ['quote-not-in-source']);
    });

    it('does not treat a corpus file, or a document that is not Markdown, as a report', async () => {
      await service.diagnostics(workspace.open('report.md', '[@drita-shelters-2022]\n'));
      const source = { ...workspace.open('corpus/drita-shelters-2022.md', fs.readFileSync(path.join(root, 'corpus/drita-shelters-2022.md'), 'utf8')) };
      assert.equal(await service.diagnostics(source), undefined);
      assert.equal(await service.diagnostics({ ...workspace.open('notes.txt', '[@missing]'), languageId: 'plaintext' }), undefined);
    });
  });

  describe('completion', () => {
    it('offers every source after [@, replacing what was typed, and nothing in code or an e-mail address', async () => {
      const report = workspace.open('complete.md', 'Shelters are scarce [@ and `[@dri` and someone@dri\n');
      const list = await service.completion(report, positionOf(report, '[@', 2));
      assert.deepEqual([...keysOf(list)].sort(), ['case-worker-interview-2021', 'drita-shelters-2022', 'ombudsman-monitoring-2023']);
      assert.equal(list!.isIncomplete, true);
      assert.equal(keysOf(await service.completion(report, positionOf(report, '`[@dri', 6))).length, 0);
      assert.equal(keysOf(await service.completion(report, positionOf(report, 'someone@dri', 11))).length, 0);
    });

    it('ranks by title words and writes a key, or a COI reference after Source: when the style is coi', async () => {
      const report = workspace.open('rank.md', 'Monitors found [@Visits\n\nSource: Drita\n');
      const list = await service.completion(report, positionOf(report, '[@Visits', 8));
      assert.equal(list!.items[0].label, 'ombudsman-monitoring-2023');
      const edit = list!.items[0].textEdit as { newText: string; range: { start: Position; end: Position } };
      assert.equal(edit.newText, 'ombudsman-monitoring-2023');
      assert.equal(textAt(report, edit.range), 'Visits');
      const source = await service.completion(report, positionOf(report, 'Source: Drita', 13));
      assert.equal((source!.items[0].textEdit as { newText: string }).newText, '[@drita-shelters-2022]');
      const coi = workspace.open('rank-coi.md', '---\ncitewise:\n  citationStyle: coi\n---\nSource: Drita\n');
      const written = await service.completion(coi, positionOf(coi, 'Source: Drita', 13));
      assert.equal((written!.items[0].textEdit as { newText: string }).newText, 'Drita Shelter Alliance, “Safe Return? Shelters for Survivors of Trafficking in Albania”, 21 September 2022');
    });

    it('resolves the item in focus with the opening of its source, below the time-frame status', async () => {
      const report = workspace.open('resolve.md', 'Text [@ombud\n');
      const list = await service.completion(report, positionOf(report, '[@ombud', 7));
      const resolved = await service.resolveCompletion(list!.items[0]);
      const documentation = markdownOf(resolved.documentation);
      assert.match(documentation, /Inside the time frame 2021-01-01 – 2023-12-31/);
      assert.match(documentation, /Between October 2022 and January 2023 the Office visited all four specialised shelters/);
    });

    it('parses a document once per version, and reads its settings once per version', async () => {
      const report = workspace.open('versions.md', 'Text [@dri\n', 1);
      const position = positionOf(report, '[@dri', 5);
      await service.completion(report, position);
      const parsed = service.parse(report);
      await service.completion(report, position);
      await service.hover(report, position);
      assert.equal(service.parse(report), parsed);
      assert.equal(workspace.contextRequests, 1);
      const next = workspace.open('versions.md', 'Text [@drit\n', 2);
      await service.completion(next, { line: 0, character: 11 });
      assert.notEqual(service.parse(next), parsed);
      assert.equal(workspace.contextRequests, 2);
    });

    it('completes from a structure parsed from the previous version, as from a full parse', async () => {
      const text = `# Report\n\n${Array.from({ length: 50 }, (_, index) => `Paragraph ${index} [@drita-shelters-2022].`).join('\n\n')}\n\nSee \`[@\` and [@`;
      let version = 1;
      let report = workspace.open('incremental.md', text, version);
      const end = () => positionOf(report, 'and [@', 6);
      assert.ok(keysOf(await service.completion(report, end())).length > 0);
      // Typing on: each version parsed from the last; a fence opened above makes the site code.
      report = workspace.open('incremental.md', `${text}dri`, ++version);
      assert.ok(keysOf(await service.completion(report, { ...end(), character: end().character + 3 })).includes('drita-shelters-2022'));
      report = workspace.open('incremental.md', text.replace('Paragraph 49', '```\nParagraph 49'), ++version);
      assert.equal(await service.completion(report, end()), undefined);
    });

    it('reads settings again on every version, unless the host reports settings changes: then when the front matter changes', async () => {
      const write = (front: string, body: string, version: number) => workspace.open('settings.md', `---\n${front}\n---\n${body}`, version);
      const position = { line: 3, character: 7 };
      await service.completion(write('title: a', 'Text [@', 1), position);
      await service.completion(write('title: a', 'Text [@d', 2), position);
      assert.equal(workspace.contextRequests, 2);
      workspace.watched = true;
      await service.completion(write('title: a', 'Text [@dr', 3), position);
      await service.completion(write('title: a', 'Text [@dri', 4), position);
      assert.equal(workspace.contextRequests, 2);
      await service.completion(write('title: b', 'Text [@dri', 5), position);
      assert.equal(workspace.contextRequests, 3);
      service.invalidate();
      await service.completion(write('title: b', 'Text [@drit', 6), position);
      assert.equal(workspace.contextRequests, 4);
    });
  });

  describe('hover, definition and references', () => {
    it('hovers a key with its source’s title and date, over exactly the key', async () => {
      const report = workspace.open('hover.md', 'Monitors found this [@ombudsman-monitoring-2023].\n');
      const hover = await service.hover(report, positionOf(report, '@ombudsman', 3));
      assert.match(markdownOf(hover!.contents), /Monitoring Visits to Shelters for Victims of Trafficking/);
      assert.match(markdownOf(hover!.contents), /2023-03-14/);
      assert.equal(textAt(report, hover!.range!), 'ombudsman-monitoring-2023');
    });

    it('escapes corpus text, so a source cannot put a link in a hover', async () => {
      fs.writeFileSync(path.join(root, 'corpus', 'hostile.md'), '---\ntitle: "[Click me](command:workbench.action.quit)"\ndate: 2022-01-01\n---\nSee [run](command:x) now.\n');
      const report = workspace.open('hostile-report.md', 'As reported [@hostile].\n');
      const value = ((await service.hover(report, positionOf(report, '@hostile', 3)))!.contents as MarkupContent).value;
      assert.match(value.replace(/\\(.)/g, '$1'), /\[Click me\]/);
      assert.ok(!/(^|[^\\])\[[^\]]*\]\(/.test(value), value);
    });

    it('goes from a key to the quoted passage in its source', async () => {
      const report = workspace.open('definition.md', 'They found that “legal representation was offered in only one of them” [@ombudsman-monitoring-2023].\n');
      const [link] = (await service.definition(report, positionOf(report, '@ombudsman', 3)))!;
      assert.equal(path.basename(fileURLToPath(link.targetUri)), 'ombudsman-monitoring-2023.txt');
      const sourceLines = fs.readFileSync(fileURLToPath(link.targetUri), 'utf8').split('\n');
      assert.match(sourceLines[link.targetRange.start.line].slice(link.targetRange.start.character), /^legal$/);
      assert.equal(textAt(report, link.originSelectionRange!), 'ombudsman-monitoring-2023');
    });

    it('finds the citations of a key in every report of the workspace, unsaved text included', async () => {
      const first = workspace.open('first.md', 'One [@drita-shelters-2022].\n\nTwo [@drita-shelters-2022; @ombudsman-monitoring-2023].\n');
      workspace.open('second.md', 'Three\n[@drita-shelters-2022]\n');
      const locations = (await service.references(first, positionOf(first, '@drita', 2)))!;
      const found = locations.map((location) => `${path.basename(fileURLToPath(location.uri))}:${location.range.start.line}`).sort();
      assert.deepEqual(found, ['first.md:0', 'first.md:2', 'second.md:1']);
    });
  });

  describe('code actions', () => {
    async function diagnosticsOf(document: ServiceDocument, rule: string): Promise<Diagnostic[]> {
      return (await service.diagnostics(document))!.own.filter((diagnostic) => diagnostic.code === rule);
    }

    it('makes its replacements from the fix the finding carries, and offers to disable the rule for the line', async () => {
      const report = workspace.open('fix.md', '# Fix\n\n> See [@drita-shelterz-2022].\n');
      const [diagnostic] = await diagnosticsOf(report, 'unknown-source');
      const titles = (await service.codeActions(report, diagnostic.range, [diagnostic])).map((action) => action.title);
      assert.deepEqual(titles, ['Replace with @drita-shelters-2022', 'Disable unknown-source for this line']);
      // The suggestions come from the diagnostic's fix, not from a second lookup.
      const planted = { ...diagnostic, data: { kind: 'replace-key', keys: ['case-worker-interview-2021'] } };
      const [replace, disable] = await service.codeActions(report, diagnostic.range, [planted]);
      assert.equal(replace.title, 'Replace with @case-worker-interview-2021');
      assert.deepEqual(replace.edit!.changes![report.uri], [{ range: diagnostic.range, newText: 'case-worker-interview-2021' }]);
      assert.deepEqual(disable.edit!.changes![report.uri][0].newText, '> <!-- citewise-disable-next-line unknown-source -->\n');
    });

    it('cites the source an uncited quote was found in', async () => {
      const report = workspace.open('cite.md', '# Quote\n\nThe monitors wrote that “psychological counselling was available in every shelter”.\n');
      const [diagnostic] = await diagnosticsOf(report, 'quote-uncited');
      assert.equal((diagnostic.data as { kind: string }).kind, 'cite-found-source');
      const actions = await service.codeActions(report, diagnostic.range, [diagnostic]);
      const cite = actions.find((action) => action.title.startsWith('Cite @ombudsman-monitoring-2023'));
      assert.ok(cite, actions.map((action) => action.title).join(' | '));
      assert.equal(cite.edit!.changes![report.uri][0].newText, ' [@ombudsman-monitoring-2023]');
      assert.deepEqual(cite.edit!.changes![report.uri][0].range.start, diagnostic.range.end);
    });

    it('confirms an uncertain date by the client’s own dialog where it has one, else as an edit of corpus.yaml naming the date', async () => {
      fs.writeFileSync(path.join(root, 'corpus', 'year-only.md'), '# Annual review\n\nMinistry of Interior\n\n2022\n\nShelters reopened in the northern regions after the reform.\n');
      const report = workspace.open('date.md', '“Shelters reopened in the northern regions” [@year-only].\n');
      const [diagnostic] = await diagnosticsOf(report, 'source-date-uncertain');
      assert.deepEqual(diagnostic.data, { kind: 'confirm-date', key: 'year-only' });
      const manifest = path.join(root, 'corpus', 'corpus.yaml');
      const manifestUri = pathToFileURL(manifest).href;

      // A client with the dialog asks for the date itself; nothing is edited by the action.
      const withCommand = new CitewiseLanguageService(workspace, { clientCommands: ['citewise.confirmSourceDate'] });
      const [confirm] = await withCommand.codeActions(report, diagnostic.range, [diagnostic]);
      assert.deepEqual(confirm.command, { title: confirm.title, command: 'citewise.confirmSourceDate', arguments: [report.uri, 'year-only'] });
      assert.equal(confirm.edit, undefined);

      // Without it, and with no corpus.yaml yet, the file is created only by a client that can create files.
      assert.deepEqual((await service.codeActions(report, diagnostic.range, [diagnostic])).map((action) => action.title), ['Disable source-date-uncertain for this line']);
      const creating = new CitewiseLanguageService(workspace, { canCreateFiles: true });
      const [create] = await creating.codeActions(report, diagnostic.range, [diagnostic]);
      assert.equal(create.title, 'Record 2022 as the date of @year-only in corpus.yaml');
      assert.deepEqual(create.edit!.documentChanges![0], { kind: 'create', uri: manifestUri, options: { ignoreIfExists: true } });
      assert.equal((create.edit!.documentChanges![1] as { edits: { newText: string }[] }).edits[0].newText, 'sources:\n  - file: year-only.md\n    date: \"2022\"\n');
      assert.ok(!fs.existsSync(manifest), 'offering the fix writes nothing');

      // An existing corpus.yaml gets the entry added, its comment and other entries left as they were.
      const written = '# Dates checked by hand\nsources:\n  - file: drita-shelters-2022.md\n    publisher: Drita Shelter Alliance # as printed\n';
      fs.writeFileSync(manifest, written);
      const [record] = await service.codeActions(report, diagnostic.range, [diagnostic]);
      const [change] = record.edit!.changes![manifestUri];
      const lines = written.split('\n');
      const offset = (position: Position) => lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) + position.character;
      const applied = written.slice(0, offset(change.range.start)) + change.newText + written.slice(offset(change.range.end));
      assert.equal(applied, `${written}  - file: year-only.md\n    date: \"2022\"\n`);
      assert.equal(fs.readFileSync(manifest, 'utf8'), written, 'offering the fix writes nothing');
    });

    it('rewrites a key in a Source: line as a COI reference', async () => {
      const report = workspace.open('restyle.md', '“Albania has four specialised shelters for survivors of trafficking”\n\nSource: [@drita-shelters-2022]\n');
      const at = positionOf(report, '@drita', 2);
      const actions = await service.codeActions(report, { start: at, end: at }, []);
      assert.deepEqual(actions.map((action) => action.title), ['Write @drita-shelters-2022 as a COI reference']);
    });
  });

  it('answers nothing, and does not throw, for positions outside the document', async () => {
    const report = workspace.open('small.md', 'Short [@dri\n');
    const far = { line: 999, character: 999 };
    assert.equal(await service.completion(report, far), undefined);
    assert.equal(await service.hover(report, far), undefined);
    assert.equal(await service.definition(report, far), undefined);
  });
});
