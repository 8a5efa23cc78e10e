import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineIndex } from '../../src/core/report/line-index';
import { citationCounts, citeKeyEdit } from '../../src/core/service/report-citations';

const repo = path.resolve(__dirname, '../../../..');

function applied(text: string, edit: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }): string {
  const lines = new LineIndex(text);
  return text.slice(0, lines.offsetAt(edit.range.start)) + edit.newText + text.slice(lines.offsetAt(edit.range.end));
}

/** The selection at the first `|` of a text written with one (or between two), and the text without them. */
function withSelection(marked: string): { text: string; selection: { start: { line: number; character: number }; end: { line: number; character: number } } } {
  const start = marked.indexOf('|');
  const end = marked.indexOf('|', start + 1);
  const text = marked.replace(/\|/g, '');
  const lines = new LineIndex(text);
  return { text, selection: { start: lines.positionAt(start), end: lines.positionAt(end < 0 ? start : end - 1) } };
}

describe('citing a key at a selection, and counting a report’s citations', () => {
  it('joins the bracketed group the cursor is in, before its closing bracket, wherever in the group it is', () => {
    for (const marked of ['Shelters [@a; |@b, p. 3] close.', 'Shelters [|@a; @b, p. 3] close.', 'Shelters [@a; @b, p. |3] close.']) {
      const { text, selection } = withSelection(marked);
      assert.equal(applied(text, citeKeyEdit(text, selection, 'new-key')), 'Shelters [@a; @b, p. 3; @new-key] close.', marked);
    }
  });

  it('writes a new group over the selection outside a group, in code, and in a bracket that is not a citation', () => {
    const cases: [string, string][] = [
      ['Shelters close.|', 'Shelters close.[@k]'],
      ['Shelters |close|.', 'Shelters [@k].'],
      ['Use `[@a; |@b]` here.', 'Use `[@a; [@k]@b]` here.'],
      ['A [link|](https://example.org) here.', 'A [link[@k]](https://example.org) here.'],
    ];
    for (const [marked, expected] of cases) {
      const { text, selection } = withSelection(marked);
      assert.equal(applied(text, citeKeyEdit(text, selection, 'k')), expected, marked);
    }
  });

  it('counts each key’s citations in the fixture report, in order of first citation, outside code and comments', () => {
    const report = fs.readFileSync(path.join(repo, 'test', 'fixtures', 'workspace', 'report.md'), 'utf8');
    const extra = '\n`[@drita-shelters-2022]` <!-- [@case-worker-interview-2021] -->\n\n[@drita-shelters-2022; @drita-shelters-2022, p. 2]\n';
    const counted = new Map(citationCounts(report).map(({ key, count }) => [key, count]));
    const more = new Map(citationCounts(report + extra).map(({ key, count }) => [key, count]));
    assert.deepEqual([...counted.keys()], ['drita-shelters-2022', 'ombudsman-monitoring-2023', 'case-worker-interview-2021', 'missing-key']);
    assert.equal(counted.get('drita-shelters-2022'), 2);
    assert.equal(more.get('drita-shelters-2022'), 4);
    assert.equal(more.get('case-worker-interview-2021'), counted.get('case-worker-interview-2021'));
  });
});
