import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertBundleBuilt, makeWorkspace, runCli } from './fixture';

interface CslItem {
  id: string;
  type: string;
  title?: string;
  author?: { family?: string; given?: string; literal?: string }[];
  issued?: { 'date-parts': number[][] };
  [field: string]: unknown;
}

/** The item types of CSL 1.0.2; citeproc falls back on unknown ones silently, so a typo would go unnoticed. */
const cslTypes = new Set([
  'article', 'article-journal', 'article-magazine', 'article-newspaper', 'bill', 'book', 'broadcast', 'chapter', 'classic',
  'collection', 'dataset', 'document', 'entry', 'entry-dictionary', 'entry-encyclopedia', 'event', 'figure', 'graphic',
  'hearing', 'interview', 'legal_case', 'legislation', 'manuscript', 'map', 'motion_picture', 'musical_score', 'pamphlet',
  'paper-conference', 'patent', 'performance', 'periodical', 'personal_communication', 'post', 'post-weblog', 'regulation',
  'report', 'review', 'review-book', 'software', 'song', 'speech', 'standard', 'thesis', 'treaty', 'webpage',
]);

function assertValidCslJson(items: unknown): asserts items is CslItem[] {
  assert.ok(Array.isArray(items), 'CSL-JSON is an array of items');
  const ids = new Set<string>();
  for (const item of items as CslItem[]) {
    assert.equal(typeof item.id, 'string');
    assert.ok(!ids.has(item.id), `id ${item.id} is unique`);
    ids.add(item.id);
    assert.ok(cslTypes.has(item.type), `${item.id} has CSL type ${item.type}`);
    for (const name of item.author ?? []) {
      assert.ok(name.literal !== undefined || name.family !== undefined, `${item.id} names have a family or literal part`);
      for (const part of Object.values(name)) assert.equal(typeof part, 'string');
    }
    if (item.issued) {
      assert.ok(item.issued['date-parts'].every((parts) => parts.length >= 1 && parts.length <= 3 && parts.every(Number.isInteger)));
    }
  }
}

const citingReport = [
  '---',
  'citewise:',
  '  corpus: corpus',
  '---',
  'The ministry confirmed that “blood feuds remain a serious concern” [@asylos-2023, p. 2].',
  '',
  'Legal scholars disagree [see @doe-2021, pp. 4-5].',
  '',
].join('\n');

describe('citewise bib', () => {
  before(assertBundleBuilt);

  it('writes only the sources a report cites', () => {
    const root = makeWorkspace({ 'citing.md': citingReport });
    const result = runCli(root, ['bib', 'citing.md']);
    assert.equal(result.status, 0, result.stderr);
    const items = JSON.parse(result.stdout);
    assertValidCslJson(items);
    assert.deepEqual(items.map((item) => item.id).sort(), ['asylos-2023', 'doe-2021']);
    const asylos = items.find((item) => item.id === 'asylos-2023')!;
    assert.equal(asylos.title, 'Albania Country Report');
    assert.deepEqual(asylos.author, [{ family: 'Hoxha', given: 'Arta' }]);
    assert.deepEqual(asylos.issued, { 'date-parts': [[2023, 5, 10]] });
    assert.match(result.stdout, /^\[\n {2}\{/, 'pretty-printed');
  });

  it('warns on stderr about cited keys the corpus lacks, keeping stdout pure JSON', () => {
    const root = makeWorkspace();
    const result = runCli(root, ['bib', 'report.md']);
    assert.equal(result.status, 0);
    const items = JSON.parse(result.stdout);
    assertValidCslJson(items);
    assert.deepEqual(items.map((item) => item.id), ['asylos-2023']);
    assert.match(result.stderr, /@nosuch/);
  });

  it('writes the whole corpus without a report', () => {
    const result = runCli(makeWorkspace(), ['bib', '--corpus', 'corpus', '--format', 'csl-json']);
    assert.equal(result.status, 0);
    const items = JSON.parse(result.stdout);
    assertValidCslJson(items);
    assert.deepEqual(items.map((item) => item.id).sort(), ['asylos-2023', 'broken', 'doe-2021', 'notes', 'unhcr-2022']);
    assert.equal(items.find((item) => item.id === 'unhcr-2022')!.type, 'report');
  });

  it('rejects any format but csl-json, and more than one report', () => {
    for (const args of [['bib', '--corpus', 'corpus', '--format', 'bibtex'], ['bib', 'report.md', 'clean.md']]) {
      const result = runCli(makeWorkspace(), args);
      assert.equal(result.status, 2, args.join(' '));
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /citewise bib --help/);
    }
  });

  it('lets pandoc --citeproc resolve every citation', function () {
    const probe = spawnSync('pandoc', ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      console.log('      pandoc is not on PATH: skipping the pandoc --citeproc round trip');
      this.skip();
    }
    const root = makeWorkspace({ 'citing.md': citingReport });
    const bib = runCli(root, ['bib', 'citing.md']);
    assert.equal(bib.status, 0, bib.stderr);
    fs.writeFileSync(path.join(root, 'out.json'), bib.stdout);
    const rendered = spawnSync('pandoc', ['--citeproc', '--bibliography', 'out.json', '-t', 'plain', 'citing.md'], { cwd: root, encoding: 'utf8' });
    assert.equal(rendered.status, 0, rendered.stderr);
    assert.doesNotMatch(rendered.stderr, /not found/i);
    // Unresolved citations render as "(key?)" or "???", depending on the pandoc version.
    assert.doesNotMatch(rendered.stdout, /[\w-]\?\)|\?\?\?/, 'no unresolved citation markers');
    assert.match(rendered.stdout, /Hoxha/);
    assert.match(rendered.stdout, /Albania Country Report/);
    assert.match(rendered.stdout, /Doe/);
    assert.match(rendered.stdout, /Feuds and the Law/);
  });
});
