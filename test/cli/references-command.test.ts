import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { assertBundleBuilt, makeWorkspace, runCli, writeFiles } from './fixture';

/** A COI-style report over the shared fixture corpus: a resolvable Source: line, an unresolved one, a footnote and a Pandoc citation. */
const report = [
  '---',
  'citewise:',
  '  corpus: corpus',
  '  timeframe: { from: 2021-03-31, to: 2023-12-06 }',
  '---',
  'The ministry told the report’s authors:',
  '',
  '“blood feuds remain a serious concern in northern Albania”',
  '',
  'Source: Ministry of the Interior, “Albania Country Report”, 10 May 2023, p. 2',
  '',
  '“Mediation committees settle most disputes between families.”',
  '',
  'Source: Mediation Centre, “Annual Review”, 11 February 2021',
  '',
  'Families still live in self-confinement.[^1] See also [@asylos-2023].',
  '',
  '[^1]: Shkodër Shelter, interview record, 5 June 2023.',
  '',
].join('\n');

interface Listed {
  file: string;
  line: number;
  column: number;
  origin: string;
  text: string;
  key?: string;
  candidates: { key: string }[];
  date?: string;
  dateFrom: string;
  timeframe: string;
  kind?: string;
  quotes: number;
}

describe('citewise references', () => {
  before(assertBundleBuilt);

  function workspace(): string {
    const root = makeWorkspace();
    writeFiles(root, { 'coi-report.md': report });
    return root;
  }

  it('lists every reference with its source, its date and where the date came from (json)', () => {
    const result = runCli(workspace(), ['references', 'coi-report.md', '--format', 'json']);
    assert.equal(result.status, 0, result.stderr);
    const listed = (JSON.parse(result.stdout) as { references: Listed[] }).references;
    assert.deepEqual(
      listed.map((reference) => [reference.line, reference.origin, reference.key, reference.date, reference.dateFrom, reference.timeframe, reference.quotes]),
      [
        [10, 'source-line', 'asylos-2023', '2023-05-10', 'source', 'inside', 1],
        [14, 'source-line', undefined, '2021-02-11', 'reference', 'outside', 1],
        [16, 'citation', 'asylos-2023', '2023-05-10', 'source', 'inside', 0],
        [18, 'footnote', undefined, '2023-06-05', 'reference', 'exempt', 0],
      ],
    );
    assert.equal(listed[0].file, 'coi-report.md');
    assert.equal(listed[0].column, 9);
    assert.equal(listed[0].text, 'Ministry of the Interior, “Albania Country Report”, 10 May 2023, p. 2');
    assert.equal(listed[3].kind, 'interview');
  });

  it('prints each reference with its source or closest candidates, and a summary (text)', () => {
    const result = runCli(workspace(), ['references', 'coi-report.md']);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], `${path.join('coi-report.md')}:10:9 Source: line Ministry of the Interior, “Albania Country Report”, 10 May 2023, p. 2`);
    assert.equal(lines[1], '  source: @asylos-2023');
    assert.equal(lines[2], "  date: 2023-05-10 (the source's metadata) · inside the time frame · 1 quote");
    assert.match(result.stdout, /14:9 Source: line Mediation Centre, “Annual Review”, 11 February 2021\n {2}source: unresolved; no source comes close\n {2}date: 2021-02-11 \(as the reference states\) · OUTSIDE the time frame · 1 quote/);
    assert.match(result.stdout, /date: 2023-06-05 \(as the reference states\) · exempt from the time frame · interview · 0 quotes/);
    assert.match(lines[lines.length - 2], /^4 references in coi-report\.md, 2 resting on a source in the corpus; time frame 2021-03-31 – 2023-12-06$/);
  });

  it('is a usage error without a report', () => {
    const result = runCli(workspace(), ['references']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /No report given/);
  });
});
