import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../src/core/checks/checks';
import { isoDateRange, pastDateBound } from '../../src/core/metadata/dates';
import { CitewiseWorkspace } from '../../src/core/corpus/workspace';
import { removeTrees, writeTree } from '../support/temp-tree';

/**
 * Real sources of the kind our users cite, loaded as a corpus with no metadata at all. They live
 * outside the repository (../shared/seeds); on a machine without them this suite says so and skips.
 */
const projectRoot = path.resolve(__dirname, '../../../..');
const seeds = path.resolve(projectRoot, '../shared/seeds');

const keys = {
  article: '000_72b5a6eb81a6a875',
  coi: '001_b292c2b08472ba89',
  families: '002_63581c95a9915a6c',
  news: '003_df5ede1fa2345e87',
  thesis: '004_439e702b67fae1b7',
};

describe('seed documents as a corpus without metadata', function () {
  let workspace: CitewiseWorkspace;
  let reportFolder: string;

  before(function () {
    if (!fs.existsSync(seeds)) {
      console.log(`    (skipped: ${seeds} is not on this machine; the seed suite runs where ../shared exists)`);
      this.skip();
    }
    workspace = new CitewiseWorkspace({ corpusOverride: [seeds] });
    reportFolder = writeTree({});
  });
  after(removeTrees);

  async function check(report: string, frontMatter = ''): Promise<Finding[]> {
    const file = path.join(reportFolder, 'report.md');
    return (await workspace.check(file, frontMatter ? `---\ncitewise:\n${frontMatter}---\n${report}` : report)).findings;
  }

  it('infers keys, titles, dates and languages from the texts alone', async () => {
    const { corpus } = await workspace.corpus([seeds]);
    assert.deepEqual(corpus.problems, []);
    assert.deepEqual(corpus.keys().sort(), Object.values(keys).sort());
    assert.equal(corpus.get(keys.news)?.metadata.date, '2022-09-21');
    assert.equal(corpus.get(keys.news)?.metadata.title, 'Economic reintegration of trafficking survivors in Albania');
    assert.equal(corpus.get(keys.thesis)?.metadata.date, '2022-09');
    assert.equal(corpus.get(keys.thesis)?.metadata.title, 'HUMAN TRAFFICKING IN THE WESTERN BALKANS: IS THERE A NEED FOR A REGIONAL RESPONSE?');
    for (const source of corpus.sources) assert.equal(source.metadata.language, 'en', source.key);
  });

  const faithful: [string, string][] = [
    [keys.article, 'Recent migration studies highlight the influence of the family on migrants’ decision-making. This is also the case in Albania'],
    [keys.article, 'Decisions are taken by families and households in order to ‘maximize the expected income and minimize risks’'],
    [keys.coi, 'there are unquestionably cases of Albanian citizens being trafficked to the UK, from within Albania or from within other European countries'],
    [keys.coi, 'including those identified as victims of modern slavery within the UK National Referral Mechanism (NRM). Meanwhile, a report by the House of Commons Home Affairs Committee published in June 2023'],
    [keys.families, 'Considering and accommodating family dynamics and relationships in reintegration responses has the potential to contribute substantially to more efficient and appropriate assistance and protection'],
    [keys.families, 'the post-trafficking period can involve less than smooth interpersonal relations between victims and their families'],
    [keys.news, 'ICAT calls on States to harness the opportunities presented by technology to counter trafficking in persons'],
    [keys.thesis, 'one of the proposed ways of targeting trafficking in persons is the promotion of regular and managed migration'],
    [keys.coi, 'While claims for political asylum should not normally be entertained [...] appropriate safeguards must be in place before they are returned to Albania.'],
    [keys.families, '[M]any victims felt misunderstood by their family upon return'],
  ];

  for (const [key, quote] of faithful) {
    it(`accepts a faithful quote from ${key}: “${quote.slice(0, 50)}…”`, async () => {
      assert.deepEqual(await check(`“${quote}” [@${key}].`), []);
    });
  }

  const altered: [string, string, string, string][] = [
    [keys.article, 'Recent migration studies highlight the influence of the state on migrants’ decision-making', 'state', 'family'],
    [keys.coi, 'there are unquestionably many cases of Albanian citizens being trafficked to the UK', 'many', ''],
    [keys.families, 'Considering and accommodating family dynamics and relationships in reintegration responses has the potential to contribute marginally', 'marginally', 'substantially'],
    [keys.news, 'ICAT calls on States to restrict the opportunities presented by technology to counter trafficking in persons', 'restrict', 'harness'],
  ];

  for (const [key, quote, quoted, original] of altered) {
    it(`flags an altered quote from ${key} and shows the passage it came from`, async () => {
      const findings = await check(`“${quote}” [@${key}].`);
      assert.deepEqual(findings.map((finding) => finding.rule), ['quote-not-in-source']);
      const message = findings[0].message;
      assert.match(message, /closest passage \(line \d+, (8|9)\d% similar\)/);
      const difference = original ? `“${quoted}” where the source has “${original}”` : `adds “${quoted}”`;
      assert.ok(message.includes(difference), message);
    });
  }

  it('names the right line of a long, hard-wrapped source', async () => {
    const [finding] = await check(`“a report by the House of Lords Home Affairs Committee published in June 2023” [@${keys.coi}].`);
    assert.match(finding.message, /\(line 20, /);
  });

  it('flags a quote attributed to the wrong seed document', async () => {
    const findings = await check(`“ICAT calls on States to harness the opportunities presented by technology” [@${keys.thesis}].`);
    assert.deepEqual(findings.map((finding) => finding.rule), ['quote-not-in-source']);
  });

  it('checks the inferred dates against a research time frame', async () => {
    const frame = '  timeframe: { from: 2023-01-01, to: 2023-12-06 }\n';
    const findings = await check(`“ICAT calls on States to harness the opportunities presented by technology” [@${keys.news}].`, frame);
    assert.deepEqual(findings.map((finding) => finding.rule), ['quote-outside-timeframe']);
    assert.match(findings[0].message, /dated 2022-09-21/);
    const inside = await check(`“ICAT calls on States to harness the opportunities presented by technology” [@${keys.news}].`, '  timeframe: { from: 2021-03-31, to: 2023-12-06 }\n');
    assert.deepEqual(inside, []);
  });

  it('never dates a seed before a date it treats as past, nor titles it with a section heading', async () => {
    const { corpus } = await workspace.corpus([seeds]);
    for (const source of corpus.sources) {
      const text = fs.readFileSync(path.join(seeds, `${source.key}.txt`), 'utf8');
      const bound = pastDateBound(text);
      const date = source.metadata.date;
      if (date && bound) assert.ok(isoDateRange(date).end >= bound.date, `${source.key}: dated ${date}, but it treats ${bound.date} as past (line ${bound.line})`);
      assert.doesNotMatch(source.metadata.title ?? '', /^(?:abstract|introduction|summary|background|contents)$/i, source.key);
    }
    // The article's footnotes cite a 2022 work and were retrieved in July 2024; the COI report names July
    // 2023 only in its prose. Neither prints its own date, so both are undated, and say so.
    assert.equal(corpus.get(keys.article)?.metadata.date, undefined);
    assert.equal(corpus.get(keys.coi)?.metadata.date, undefined);
    for (const key of [keys.article, keys.coi, keys.families]) assert.equal(corpus.get(key)?.metadata.title, undefined, key);
    const findings = await check(`“Recent migration studies highlight the influence of the family on migrants’ decision-making” [@${keys.article}].`, '  timeframe: { from: 2021-03-31, to: 2023-12-06 }\n');
    assert.deepEqual(findings.map((finding) => finding.rule), ['source-undated']);
  });

  it('finds seed passages through full-text search', async () => {
    const search = await workspace.search([seeds]);
    const hits = search.search('smugglers-turned-traffickers');
    assert.deepEqual(hits.map((hit) => hit.key), [keys.thesis]);
    const phrase = search.search('"Home Affairs Committee"');
    assert.ok(phrase.some((hit) => hit.key === keys.coi && hit.line === 20), JSON.stringify(phrase.map((hit) => [hit.key, hit.line])));
  });
});
