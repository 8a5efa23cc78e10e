import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CheckResult, Finding } from '../../src/core/checks/checks';
import { CitewiseWorkspace } from '../../src/core/corpus/workspace';
import { removeTrees, writeTree } from '../support/temp-tree';

/**
 * The seed COI report (../shared/seeds/001_…, an Asylos report of 1 MB, written by people who never
 * heard of Citewise) checked as written, with the research time frame it declares on its lines 41–42,
 * against the seeds as a corpus. Where ../shared is missing this suite says so and skips.
 */
const projectRoot = path.resolve(__dirname, '../../../..');
const seeds = path.resolve(projectRoot, '../shared/seeds');
const reportSeed = path.join(seeds, '001_b292c2b08472ba89.txt');

const months = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** The last thing on a reference line when it is a date: `11 February 2021`, `February 2021`, `2017` (read here without Citewise's own parser). */
function trailingDate(line: string): { year: number; month?: number; day?: number } | undefined {
  const withoutPages = line.replace(/,?\s*pp?\.?\s*[\d\s,;\u2013-]+(?:and\s*[\d\u2013-]+)?\s*$/, '');
  const match = /(?:(\d{1,2}) )?(?:([A-Za-z]+) )?((?:19|20)\d\d)\.?\s*$/.exec(withoutPages);
  if (!match) return undefined;
  const month = match[2] ? months.indexOf(match[2].toLowerCase()) + 1 : undefined;
  if (match[2] && !month) return undefined;
  return { year: Number(match[3]), month, day: match[1] ? Number(match[1]) : undefined };
}

/** Wholly before 31 March 2021 (the start of the English frame). */
function beforeFrame(date: { year: number; month?: number; day?: number }): boolean {
  if (date.year !== 2021) return date.year < 2021;
  if (date.month === undefined) return false;
  if (date.month !== 3) return date.month < 3;
  return date.day !== undefined && date.day < 31;
}

describe('the seed COI report, checked as written', function () {
  let lines: string[];
  let result: CheckResult;
  let findings: Finding[];

  before(async function () {
    if (!fs.existsSync(reportSeed)) {
      console.log(`    (skipped: ${reportSeed} is not on this machine; the seed suites run where ../shared exists)`);
      this.skip();
    }
    this.timeout(120_000);
    const text = fs.readFileSync(reportSeed, 'utf8');
    lines = text.split('\n');
    const folder = writeTree({
      // The frame the report declares for published material: English 31 March 2021 – 6 December 2023, Albanian to 15 June 2023.
      'citewise.yaml': 'timeframe:\n  from: 2021-03-31\n  to: 2023-12-06\n  languages:\n    sq: { from: 2021-03-31, to: 2023-06-15 }\n',
    });
    const workspace = new CitewiseWorkspace({ corpusOverride: [seeds] });
    result = await workspace.check(path.join(folder, 'report.md'), text);
    findings = result.findings;
  });
  after(removeTrees);

  /** Lines that end a quoted paragraph (a closing mark, perhaps a footnote number) right above a `Source:` line. */
  function quoteEndsAboveSourceLines(): { quoteEnd: number; source: number }[] {
    const pairs: { quoteEnd: number; source: number }[] = [];
    lines.forEach((line, index) => {
      if (!/^Sources?:/.test(line)) return;
      let above = index - 1;
      while (above >= 0 && lines[above].trim() === '') above--;
      if (above >= 0 && /[\u201D"][.,;:]?\d{0,3}\s*$/.test(lines[above])) pairs.push({ quoteEnd: above, source: index });
    });
    return pairs;
  }

  it('cites every quote that a Source: line follows', () => {
    const pairs = quoteEndsAboveSourceLines();
    assert.ok(pairs.length > 300, `found only ${pairs.length} quotes right above a Source: line`);
    const uncitedEnds = new Set(findings.filter((finding) => finding.rule === 'quote-uncited').map((finding) => finding.range.end.line));
    const uncited = pairs.filter((pair) => uncitedEnds.has(pair.quoteEnd));
    assert.deepEqual(uncited.map((pair) => `${pair.quoteEnd + 1}: ${lines[pair.quoteEnd].slice(-50)}`), []);
  });

  it('never calls a Source: line an uncited claim, and flags far fewer claims than the 1,349 of a Pandoc-only reading', () => {
    const claims = findings.filter((finding) => finding.rule === 'uncited-claim');
    assert.deepEqual(claims.filter((finding) => /^Sources?:/.test(lines[finding.range.start.line])), []);
    assert.ok(claims.length < 135, `${claims.length} uncited claims`);
  });

  it('flags the quotes whose Source: line dates them before 31 March 2021', () => {
    const outsideEnds = new Set(findings.filter((finding) => finding.rule === 'quote-outside-timeframe').map((finding) => finding.range.end.line));
    const expected = quoteEndsAboveSourceLines().filter(({ source }) => {
      // A reference wrapped over two lines has an open title on the first.
      const open = (lines[source].match(/\u201C/g) ?? []).length > (lines[source].match(/\u201D/g) ?? []).length;
      const line = open ? `${lines[source].trimEnd()} ${lines[source + 1]}` : lines[source];
      const date = trailingDate(line);
      return date && beforeFrame(date) && !/interview|communication|clarification/i.test(line);
    });
    assert.ok(expected.length >= 3, `only ${expected.length} Source: lines dated before the frame`);
    assert.deepEqual(
      expected.filter(({ quoteEnd }) => !outsideEnds.has(quoteEnd)).map(({ source }) => `${source + 1}: ${lines[source]}`),
      [],
    );
  });

  it('flags no quote whose reference is dated inside the frame', () => {
    const outside = findings.filter((finding) => finding.rule === 'quote-outside-timeframe');
    assert.ok(outside.length > 0);
    for (const finding of outside) {
      const dated = /is dated (\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(finding.message);
      assert.ok(dated, finding.message);
      const date = { year: Number(dated[1]), month: dated[2] ? Number(dated[2]) : undefined, day: dated[3] ? Number(dated[3]) : undefined };
      const albanian = /for sq sources/.test(finding.message);
      const afterFrame = albanian ? `${dated[1]}-${dated[2] ?? '12'}-${dated[3] ?? '31'}` > '2023-06-15' : Number(dated[1]) > 2023;
      assert.ok(beforeFrame(date) || afterFrame, `line ${finding.range.start.line + 1}: ${finding.message}`);
    }
    // The references' own verdicts agree with the dates they were judged by.
    for (const checked of result.references.filter((reference) => reference.timeframe === 'inside')) {
      assert.ok(checked.date && checked.date >= '2021-03-31'.slice(0, checked.date.length), `${checked.reference.text}: ${checked.date}`);
    }
  });

  it('exempts the interviews and correspondence gathered for the report', () => {
    const unpublished = result.references.filter((checked) => checked.reference.kind === 'interview' || checked.reference.kind === 'correspondence');
    assert.ok(unpublished.length > 100, `${unpublished.length} interview and correspondence references`);
    assert.ok(unpublished.every((checked) => checked.timeframe === 'exempt'));
  });

  it('never resolves a reference to a seed that is not the document it names', () => {
    // The report cites UNICEF's July 2022 study “Economic reintegration of trafficking survivors in Albania: A
    // qualitative study …”; seed 003 is a news item of 21 September 2022 with the study's short title.
    const study = result.references.filter((checked) => /Economic reintegration of trafficking survivors in Albania: A qualitative/.test(checked.reference.title ?? ''));
    assert.ok(study.length > 0);
    for (const checked of study) {
      assert.equal(checked.resolution.key, undefined);
      const seed = checked.resolution.candidates.find((candidate) => candidate.key === '003_df5ede1fa2345e87');
      assert.match(seed?.reason ?? '', /dated 2022-09-21, the reference says July 2022/);
    }
    assert.deepEqual(result.references.filter((checked) => checked.resolution.key).map((checked) => checked.reference.text), []);
  });

  it('resolves a reference to a seed by its real title and date, and verifies the quote against it', async () => {
    const folder = writeTree({ 'citewise.yaml': 'timeframe:\n  from: 2021-03-31\n  to: 2023-12-06\n' });
    const workspace = new CitewiseWorkspace({ corpusOverride: [seeds] });
    const report = [
      '“There is no definition of the term ‘economic reintegration’ of trafficking survivors that is accepted either in Albania or internationally.”',
      '',
      'Source: UNICEF, “Economic reintegration of trafficking survivors in Albania”, 21 September 2022',
    ].join('\n');
    const checked = await workspace.check(path.join(folder, 'report.md'), report);
    assert.deepEqual(checked.findings, []);
    assert.equal(checked.quoteMatches[0].key, '003_df5ede1fa2345e87');
    assert.equal(checked.quoteMatches[0].found, true);
    const altered = await workspace.check(path.join(folder, 'report.md'), report.replace('accepted either', 'accepted neither'));
    assert.deepEqual(altered.findings.map((finding) => finding.rule), ['quote-not-in-source']);
  });
});
