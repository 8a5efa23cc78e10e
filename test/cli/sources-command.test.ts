import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertBundleBuilt, makeTempDir, makeWorkspace, runCli, writeFiles } from './fixture';

interface SourcesJson {
  sources: { key: string; file?: string; metadata: Record<string, unknown>; provenance: Record<string, { origin: string; file: string; line?: number }> }[];
  problems: { file: string; line?: number; severity: string; message: string }[];
}

describe('citewise sources', () => {
  before(assertBundleBuilt);

  it('shows where each field came from: inferred, front matter, manifest or bibliography (json)', () => {
    const root = makeWorkspace();
    const result = runCli(root, ['sources', '--corpus', 'corpus', '--format', 'json']);
    assert.equal(result.status, 0);
    const parsed = JSON.parse(result.stdout) as SourcesJson;
    const byKey = new Map(parsed.sources.map((source) => [source.key, source]));
    assert.deepEqual([...byKey.keys()].sort(), ['asylos-2023', 'broken', 'doe-2021', 'notes', 'unhcr-2022']);

    const asylos = byKey.get('asylos-2023')!;
    assert.equal(asylos.file, 'corpus/asylos-2023.md');
    assert.deepEqual(asylos.provenance.key, { origin: 'inferred', file: 'corpus/asylos-2023.md' });
    // Front matter line 2 is "title: …"; manifest line 3 is "    author: Hoxha, Arta".
    assert.deepEqual(asylos.provenance.title, { origin: 'front-matter', file: 'corpus/asylos-2023.md', line: 2 });
    assert.deepEqual(asylos.provenance.author, { origin: 'manifest', file: 'corpus/corpus.yaml', line: 3 });
    assert.deepEqual(asylos.metadata.author, ['Hoxha, Arta']);

    assert.deepEqual(byKey.get('notes')!.provenance.title, { origin: 'inferred', file: 'corpus/notes.txt', line: 1, cue: 'first line', confidence: 'low' });
    assert.equal(byKey.get('notes')!.metadata.title, 'Field notes from Shkodër');
    assert.deepEqual(byKey.get('unhcr-2022')!.provenance.date, { origin: 'manifest', file: 'corpus/corpus.yaml', line: 8 });
    assert.equal(byKey.get('unhcr-2022')!.file, undefined);
    assert.deepEqual(byKey.get('doe-2021')!.provenance.title, { origin: 'bibliography', file: 'corpus/refs.bib', line: 1 });

    assert.deepEqual(
      parsed.problems.map(({ file, line, severity }) => ({ file, line, severity })),
      [{ file: 'corpus/broken.md', line: 3, severity: 'error' }],
    );
  });

  it('prints each field with its origin, then the problems as file:line: message (text)', () => {
    const root = makeWorkspace();
    const result = runCli(root, ['sources', '--corpus', 'corpus']);
    assert.equal(result.status, 0);
    const lines = result.stdout.split('\n');
    const fieldLine = (key: string, field: string) => {
      const start = lines.indexOf(lines.find((line) => line.startsWith(`@${key} `))!);
      assert.ok(start >= 0, `@${key} is listed`);
      return lines.slice(start + 1).find((line) => line.trimStart().startsWith(`${field} `));
    };
    assert.match(fieldLine('asylos-2023', 'title')!, /Albania Country Report {2}\(front matter corpus\/asylos-2023\.md:2\)$/);
    assert.match(fieldLine('asylos-2023', 'author')!, /Hoxha, Arta {2}\(manifest corpus\/corpus\.yaml:3\)$/);
    assert.match(fieldLine('asylos-2023', 'key')!, /asylos-2023 {2}\(inferred corpus\/asylos-2023\.md\)$/);
    assert.match(fieldLine('notes', 'title')!, /Field notes from Shkodër {2}\(inferred corpus\/notes\.txt:1, first line, low confidence\)$/);
    assert.match(fieldLine('doe-2021', 'author')!, /Doe, Jane {2}\(bibliography corpus\/refs\.bib:1\)$/);
    assert.ok(lines.includes('corpus/broken.md:3: Invalid date "2023-02-30": no such date in the calendar.'), result.stdout);
  });

  it('uses the corpus of the nearest citewise.yaml without --corpus', () => {
    const root = makeWorkspace({ 'citewise.yaml': 'corpus: corpus\n' });
    fs.mkdirSync(path.join(root, 'drafts'));
    const result = runCli(path.join(root, 'drafts'), ['sources', '--format', 'json']);
    assert.equal(result.status, 0, result.stderr);
    const parsed = JSON.parse(result.stdout) as SourcesJson;
    assert.ok(parsed.sources.some((source) => source.key === 'asylos-2023' && source.file === '../corpus/asylos-2023.md'));
  });

  it('is a usage error without --corpus and without a citewise.yaml that declares one', () => {
    const bare = makeTempDir();
    const result = runCli(bare, ['sources']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /No corpus given/);
    assert.match(result.stderr, /citewise sources --help/);

    const noCorpus = makeTempDir();
    writeFiles(noCorpus, { 'citewise.yaml': 'quoteMinWords: 3\n' });
    const declared = runCli(noCorpus, ['sources']);
    assert.equal(declared.status, 2);
    assert.match(declared.stderr, /citewise\.yaml declares no corpus/);
  });

  it('rejects an unknown format', () => {
    const result = runCli(makeWorkspace(), ['sources', '--corpus', 'corpus', '--format', 'sarif']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /"sarif"/);
  });
});
