import { strict as assert } from 'node:assert';
import { assertBundleBuilt, makeWorkspace, runCli } from './fixture';

interface Hit {
  key: string;
  line: number;
  column: number;
  snippet: string;
  highlights: [number, number][];
  file?: string;
}

describe('citewise search', () => {
  before(assertBundleBuilt);

  // asylos-2023.md line 8: "The ministry confirmed that blood feuds remain a serious concern …";
  // the 49 characters before "serious" put it at column 50.
  it('finds a known phrase and marks the matched words in plain text', () => {
    const result = runCli(makeWorkspace(), ['search', '"serious concern"', '--corpus', 'corpus']);
    assert.equal(result.status, 0);
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], 'asylos-2023:8:50');
    assert.match(lines[1], /remain a «serious» «concern» in northern Albania/);
    assert.ok(!result.stdout.includes('\u001b['));
  });

  it('returns an array of hits as JSON', () => {
    const result = runCli(makeWorkspace(), ['search', 'mediation', 'committees', '--corpus', 'corpus', '--format', 'json']);
    assert.equal(result.status, 0);
    const hits = JSON.parse(result.stdout) as Hit[];
    assert.ok(Array.isArray(hits));
    assert.equal(hits.length, 1);
    const [hit] = hits;
    // notes.txt line 3: "Interviewees described how mediation committees …"; "mediation" starts at column 28.
    assert.deepEqual([hit.key, hit.file, hit.line, hit.column], ['notes', 'corpus/notes.txt', 3, 28]);
    assert.deepEqual(
      hit.highlights.map(([start, end]) => hit.snippet.slice(start, end)),
      ['mediation', 'committees'],
    );
  });

  it('honours --limit', () => {
    const all = JSON.parse(runCli(makeWorkspace(), ['search', 'families', '--corpus', 'corpus', '--format', 'json']).stdout) as Hit[];
    assert.ok(all.length > 1, 'the fixture has two sources that mention families');
    const limited = JSON.parse(runCli(makeWorkspace(), ['search', 'families', '--corpus', 'corpus', '--format', 'json', '--limit', '1']).stdout) as Hit[];
    assert.equal(limited.length, 1);
    assert.deepEqual(limited[0], all[0]);
  });

  it('uses the corpus of citewise.yaml without --corpus', () => {
    const result = runCli(makeWorkspace({ 'citewise.yaml': 'corpus: corpus\n' }), ['search', 'feuds', '--format', 'json']);
    assert.equal(result.status, 0, result.stderr);
    assert.ok((JSON.parse(result.stdout) as Hit[]).some((hit) => hit.key === 'asylos-2023'));
  });

  it('is a usage error without a query or with a bad --limit', () => {
    for (const args of [['search', '--corpus', 'corpus'], ['search', 'feuds', '--corpus', 'corpus', '--limit', 'many'], ['search', 'feuds', '--corpus', 'corpus', '--limit', '0']]) {
      const result = runCli(makeWorkspace(), args);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, /citewise search --help/);
    }
  });
});
