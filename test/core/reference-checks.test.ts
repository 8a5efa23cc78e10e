import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { checkReport, type CheckResult } from '../../src/core/checks/checks';
import { loadCorpus, type Corpus } from '../../src/core/corpus/corpus';
import { ReferenceResolver } from '../../src/core/report/reference-resolution';
import { parseReferences } from '../../src/core/report/references';
import type { ReportSettings } from '../../src/core/metadata/schema';
import { mergeSettings } from '../../src/core/settings/settings';
import { textLines, writePdf } from '../support/pdf-writer';
import { removeTrees, writeTree } from '../support/temp-tree';

/** A corpus written for these tests: reports, a look-alike pair, an undated note, a PDF and metadata-only interviews. */
function corpusFiles(): Record<string, string | Buffer> {
  return {
    'harbour-review.md':
      '---\ntitle: Annual Review of Coastal Shelters\npublisher: Harbour Watch\ndate: 2023-06-15\n---\nThe shelters on the coast received more young people in 2022 than in any year before.\n',
    'old-study.md': '---\ntitle: Study of Shelter Capacity in the Northern Ports\npublisher: Port Institute\ndate: 2019-05\n---\nEvery shelter in the northern ports was full for most of the year.\n',
    'coastal-report-a.md': '---\ntitle: Coastal Report on Exploitation\npublisher: Harbour Watch\ndate: 2022\n---\nChildren are exploited in the tourist season.\n',
    'coastal-report-b.md': '---\ntitle: Coastal Report on Exploitation\npublisher: Sea Rights\ndate: 2022\n---\nAdults are exploited in the fishing season.\n',
    'monitor.pdf': Buffer.from(
      writePdf({
        info: { title: 'Shelter Monitoring Report', author: 'Office of the Monitor', creationDate: 'D:20230314090000Z' },
        pages: [{ lines: textLines(['Summary', 'Residents could not leave the premises without an escort.']) }, { lines: textLines(['Legal representation was offered in only one shelter.']) }],
      }),
    ),
    'corpus.yaml': [
      'sources:',
      '  - key: shelter-interview',
      '    title: Interview with Harbour Shelter',
      '    author: Harbour Shelter',
      '    type: interview',
      '    date: 2020-06-05',
      '  - key: fishing-law',
      '    title: Law on Fishing Labour',
      '    type: legislation',
      '    date: 2015',
      '',
    ].join('\n'),
  };
}

const frame: ReportSettings = { timeframe: { from: '2021-03-31', to: '2023-12-06', languages: { sq: { from: '2021-03-31', to: '2023-06-15' } } } };

describe('free-text references against a corpus', () => {
  let corpus: Corpus;
  let root: string;

  before(async () => {
    root = writeTree(corpusFiles());
    corpus = await loadCorpus(root);
    assert.deepEqual(corpus.problems, []);
  });
  after(removeTrees);

  function check(report: string, declared: ReportSettings = frame): CheckResult {
    return checkReport(path.join(root, 'report.md'), report, { corpus, settings: mergeSettings({ file: path.join(root, 'report.md'), settings: declared, problems: [] }) });
  }

  function resolve(text: string) {
    return new ReferenceResolver(corpus.sources).resolve(parseReferences(text, 0)[0]);
  }

  describe('resolution', () => {
    it('resolves a reference whose title, publisher and date match one source', () => {
      assert.equal(resolve('Harbour Watch, “Annual Review of Coastal Shelters”, 15 June 2023, p. 1').key, 'harbour-review');
      // Case, quote marks, a cut subtitle and a year-only date do not matter.
      assert.equal(resolve('Port Institute, "STUDY OF SHELTER CAPACITY IN THE NORTHERN PORTS: final version", 2019').key, 'old-study');
    });

    it('resolves a reference that names a document by its file name', () => {
      assert.equal(resolve('Office of the Monitor, “monitor.pdf”, 2023').key, 'monitor');
    });

    it('leaves a reference unresolved when two sources match it equally, naming both', () => {
      const resolution = resolve('“Coastal Report on Exploitation”, 2022');
      assert.equal(resolution.key, undefined);
      assert.deepEqual(resolution.candidates.map((candidate) => candidate.key).sort(), ['coastal-report-a', 'coastal-report-b']);
      assert.match(resolution.candidates[0].reason ?? '', /nearly as well/);
    });

    it('lets the publisher tell two look-alike titles apart', () => {
      assert.equal(resolve('Sea Rights, “Coastal Report on Exploitation”, 2022').key, 'coastal-report-b');
    });

    it('never resolves to a source whose date contradicts the reference, and says so', () => {
      const resolution = resolve('Harbour Watch, “Annual Review of Coastal Shelters”, 15 June 2021');
      assert.equal(resolution.key, undefined);
      assert.equal(resolution.candidates[0].key, 'harbour-review');
      assert.match(resolution.candidates[0].reason ?? '', /dated 2023-06-15, the reference says 15 June 2021/);
    });

    it('does not resolve a weak title match', () => {
      const resolution = resolve('Harbour Watch, “Review of Shelters”, 2023');
      assert.equal(resolution.key, undefined);
    });

    it('resolves an untitled interview only to a source of the same contributor on the same day', () => {
      assert.equal(resolve('Harbour Shelter, interview record, 5 June 2020').key, 'shelter-interview');
      assert.equal(resolve('Harbour Shelter, interview record, 6 June 2020').key, undefined);
    });

    it('tells from undated sources every source a reference could resolve to or name, however the sources are dated', () => {
      const references = [
        'Harbour Watch, “Annual Review of Coastal Shelters”, 15 June 2023',
        'Harbour Watch, “Annual Review of Coastal Shelters”, 15 June 2021',
        '“Coastal Report on Exploitation”, 2022',
        'Sea Rights, “Coastal Report on Exploitation”, 2022',
        'Harbour Watch, “Review of Shelters”, 2023',
        'Harbour Shelter, interview record, 5 June 2020',
        'Port Institute, "Study of Shelter Capacity in the Northern Ports", 2019',
      ].map((text) => parseReferences(text, 0)[0]);
      const datedAs = (date: (index: number) => string | undefined) => corpus.sources.map((source, index) => ({ ...source, metadata: { ...source.metadata, date: date(index) } }));
      const undated = new ReferenceResolver(datedAs(() => undefined));
      const dates = ['2019-05', '2020-06-05', '2022', '2023-06-15', '2021-06-15'];
      // The corpus's own dates, none, each date for every source, and dates mixed.
      const corpora = [corpus.sources, datedAs(() => undefined), ...dates.map((date) => datedAs(() => date)), datedAs((index) => dates[index % dates.length])];
      for (const sources of corpora) {
        const resolver = new ReferenceResolver(sources);
        for (const reference of references) {
          const possible = undated.possibleCandidates(reference);
          for (const { key } of resolver.resolve(reference).candidates) assert.ok(possible.includes(key), `@${key} for ${reference.text}`);
        }
      }
      // A source that shares a word with a reference but could never come close is left out.
      assert.deepEqual(undated.possibleCandidates(parseReferences('Nobody, “Fishing Boats of the South”, 2021', 0)[0]), []);
    });
  });

  describe('checks', () => {
    it('verifies a quote against the source its Source: line resolves to', () => {
      const faithful = check('“The shelters on the coast received more young people in 2022 than in any year before.”\n\nSource: Harbour Watch, “Annual Review of Coastal Shelters”, 15 June 2023\n');
      assert.deepEqual(faithful.findings, []);
      assert.equal(faithful.quoteMatches[0].key, 'harbour-review');
      assert.equal(faithful.quoteMatches[0].found, true);
      const altered = check('“The shelters on the coast received fewer young people in 2022 than in any year before.”\n\nSource: Harbour Watch, “Annual Review of Coastal Shelters”, 15 June 2023\n');
      assert.deepEqual(altered.findings.map((finding) => finding.rule), ['quote-not-in-source']);
      assert.match(altered.findings[0].message, /has “fewer” where the source has “more”/);
    });

    it('checks the page a Source: line names against the PDF', () => {
      const { findings } = check('“Legal representation was offered in only one shelter.”\n\nSource: Office of the Monitor, “Shelter Monitoring Report”, 14 March 2023, p. 1\n');
      assert.deepEqual(findings.map((finding) => finding.rule), ['locator-mismatch']);
      assert.match(findings[0].message, /on p\. 2, not on p\. 1/);
      assert.deepEqual(check('“Legal representation was offered in only one shelter.”\n\nSource: Office of the Monitor, “Shelter Monitoring Report”, 14 March 2023, pp. 1-2\n').findings, []);
    });

    it('judges the time frame by the resolved source', () => {
      const { findings } = check('“Every shelter in the northern ports was full for most of the year.”\n\nSource: Port Institute, “Study of Shelter Capacity in the Northern Ports”, 2019\n');
      assert.deepEqual(findings.map((finding) => finding.rule), ['quote-outside-timeframe']);
      assert.match(findings[0].message, /@old-study is dated 2019-05/);
    });

    it('cites the quote with an unresolved reference, says so once per reference, and judges the time frame by the date written', () => {
      const report = [
        '“Families decided together on every journey abroad.”',
        '',
        'Source: Northern Institute, “Families and Journeys”, 11 February 2021, p. 4',
        '',
        '“Families decided together on every journey home.”',
        '',
        'Source: Northern Institute, “Families and Returns”, 2 May 2022',
      ].join('\n');
      const { findings, references } = check(report);
      assert.deepEqual(
        findings.map((finding) => [finding.rule, finding.range.start.line]),
        [
          ['quote-outside-timeframe', 0],
          ['reference-unresolved', 2],
          ['reference-unresolved', 6],
        ],
      );
      assert.match(findings[0].message, /“Families and Journeys” \(Northern Institute, 11 February 2021\) is dated 2021-02-11 \(as the reference states\), outside the research time frame/);
      assert.deepEqual(
        references.map((checked) => [checked.reference.title, checked.date, checked.dateFrom, checked.timeframe, checked.quotes]),
        [
          ['Families and Journeys', '2021-02-11', 'reference', 'outside', 1],
          ['Families and Returns', '2022-05-02', 'reference', 'inside', 1],
        ],
      );
    });

    it('names the closest sources of an unresolved reference', () => {
      const { findings } = check('“Children are exploited in the tourist season.”\n\nSource: “Coastal Report on Exploitation”, 2022\n');
      const unresolved = findings.find((finding) => finding.rule === 'reference-unresolved')!;
      assert.match(unresolved.message, /Closest: @coastal-report-[ab] “Coastal Report on Exploitation” \(100%: @coastal-report-[ab] matches the reference nearly as well\)/);
    });

    it('reports an undated or dateless reference as source-undated', () => {
      for (const written of ['undated', 'n.d.']) {
        const { findings } = check(`“Families decided together on every journey.”\n\nSource: Northern Institute, “Families”, ${written}\n`);
        assert.deepEqual(findings.map((finding) => finding.rule).sort(), ['reference-unresolved', 'source-undated']);
      }
      const { findings } = check('“Families decided together on every journey.”\n\nSource: Northern Institute, “Families”\n');
      assert.ok(findings.some((finding) => finding.rule === 'source-undated' && /has no date/.test(finding.message)));
    });

    it('exempts interviews and correspondence from the time frame, unless timeframe.exempt says otherwise', () => {
      const report = '“We saw more families return in 2019 than ever.”\n\nSource: Harbour Shelter, interview record, 5 June 2020\n\n“The shelter was full.”\n\nSource: Port Office, written communication with Asylos, 2 March 2020\n';
      assert.deepEqual(check(report).findings.map((finding) => finding.rule), ['reference-unresolved']);
      const strict = check(report, { timeframe: { ...frame.timeframe, exempt: [] } });
      assert.deepEqual(strict.findings.map((finding) => finding.rule), ['quote-outside-timeframe', 'quote-outside-timeframe', 'reference-unresolved']);
    });

    it('exempts legislation when the report adds it, for Pandoc citations too', () => {
      const report = 'The law says “no child may work at sea” [@fishing-law].';
      // The law is described in corpus.yaml without a copy, so only its date can be checked.
      assert.deepEqual(check(report).findings.map((finding) => finding.rule), ['quote-outside-timeframe']);
      assert.deepEqual(check(report, { timeframe: { ...frame.timeframe, exempt: ['interview', 'correspondence', 'legislation'] } }).findings, []);
    });

    it('uses the language frame of an Albanian title', () => {
      const { findings } = check('“Qeveria njoftoi një plan të ri për viktimat.”\n\nSource: Gazeta, “Plani i ri për viktimat e trafikimit në Shqipëri dhe për fëmijët”, 1 September 2023\n');
      assert.ok(findings.some((finding) => finding.rule === 'quote-outside-timeframe' && /for sq sources/.test(finding.message)));
    });

    it('does not call the lines of a Source: reference or the sentence introducing a quote uncited claims', () => {
      const report = [
        'The European Commission’s report on the region of November 2023 stated:',
        '',
        '“The region remains a place of origin, transit and destination of trafficking in 45% of cases.”',
        '',
        'Source: European Commission, “Region 2023 Report”, 8 November 2023, p. 45',
        '',
        'In 2022, 45% of victims returned.',
      ].join('\n');
      const { findings } = check(report);
      assert.deepEqual(findings.map((finding) => [finding.rule, finding.range.start.line]), [
        ['reference-unresolved', 4],
        ['uncited-claim', 6],
      ]);
    });

    it('cites a sentence by a defined footnote, and says a quote’s footnote is undefined', () => {
      const report = 'In 2022, 45% of victims returned.[^1] She said “families decide on every journey abroad”.[^2]\n\n[^1]: Northern Institute, “Returns”, 2022.\n';
      const { findings } = check(report);
      const uncited = findings.find((finding) => finding.rule === 'quote-uncited')!;
      assert.match(uncited.message, /Its footnote \[\^2\] has no definition/);
      assert.ok(!findings.some((finding) => finding.rule === 'uncited-claim' && finding.range.start.character === 0));
    });
  });
});
