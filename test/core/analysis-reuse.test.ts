import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkReport } from '../../src/core/checks/checks';
import { CitewiseWorkspace } from '../../src/core/corpus/workspace';
import { analyzeReport, ReportMemory, type AnalyzedReport } from '../../src/core/report/report';
import { removeTrees, writeTree } from '../support/temp-tree';
import { seededRandom } from '../support/seeded-random';

/**
 * An analysis that reuses what the one before found (its Markdown structure, citation groups of unchanged
 * paragraphs, quotes' word counts) must give exactly what an analysis from scratch gives. Differential: real reports are
 * edited at random, quotes and citations above all, but also paragraphs split, joined, moved, repeated
 * and ended with a `\`, and after every edit the analysis that remembers the versions before is compared
 * with one that starts with an empty memory, and so are the findings of the two checks.
 */
const projectRoot = path.resolve(__dirname, '../../../..');
const seeds = path.resolve(projectRoot, '../shared/seeds');
const fixtureWorkspace = path.join(projectRoot, 'test/fixtures/workspace');

/** The analysis as plain data: blocks by their offsets, so the two analyses' objects can be compared. */
function plain(report: AnalyzedReport) {
  const block = (of: { block: { start: number; end: number; kind: string } }) => [of.block.start, of.block.end, of.block.kind];
  const { text, prose, frontMatter, blocks, headings, directives } = report.structure;
  return {
    // Parsed from the version before's structure (`reparseMarkdown`) where a memory holds one.
    structure: { text, prose, frontMatter, blocks, headings, directives },
    citations: report.citations,
    references: report.references,
    footnoteMarkers: report.footnoteMarkers,
    sentences: report.sentences.map((sentence) => ({ ...sentence, block: block(sentence) })),
    quotes: report.quotes.map((quote) => ({ ...quote, block: block(quote) })),
    coveredBlocks: [...report.coveredBlocks].map((covered) => covered.start).sort((a, b) => a - b),
  };
}

/** Whole numbers below a bound, from the seeded generator, so a failure can be replayed. */
function randomFrom(seed: number): (below: number) => number {
  const next = seededRandom(seed);
  return (below) => Math.floor(next() * below);
}

/** One edit of the kinds an author makes, at a random place; `report` is the analysis of `text`. */
function edit(text: string, report: AnalyzedReport, random: (below: number) => number): string {
  const pick = <T>(list: readonly T[]): T | undefined => (list.length ? list[random(list.length)] : undefined);
  const replace = (start: number, end: number, by: string) => text.slice(0, start) + by + text.slice(end);
  const quote = pick(report.quotes);
  const group = pick(report.citations);
  const item = group && pick(group.items);
  const paragraphs = [...text.matchAll(/\n\n/g)].map((match) => match.index);
  const blank = pick(paragraphs);
  const line = text.lastIndexOf('\n', random(text.length)) + 1;
  switch (random(13)) {
    case 0: // a letter of a quote, the length kept
      if (quote && quote.end - quote.start > 4) {
        const at = quote.start + 1 + random(quote.end - quote.start - 2);
        return replace(at, at + 1, text[at] === 'e' ? 'a' : 'e');
      }
      break;
    case 1: // a word added to a quote: everything after it moves
      if (quote) return replace(quote.end - 1, quote.end - 1, ' indeed');
      break;
    case 2: // a key mistyped
      if (item) return replace(item.keyEnd - 1, item.keyEnd, text[item.keyEnd - 1] === 'x' ? 'y' : 'x');
      break;
    case 3: // a locator changed or added
      if (item) return replace(item.keyEnd, item.keyEnd, random(2) ? ', p. 12' : ', pp. 3-4');
      break;
    case 4: // a citation taken out
      if (group) return replace(group.start, group.end, '');
      break;
    case 5: // a citation after a quote
      if (quote) return replace(quote.end, quote.end, random(2) ? ' [@drita-shelters-2022, p. 2]' : ' [see @ombudsman-monitoring-2023; @case-worker-interview-2021]');
      break;
    case 6: // a paragraph split
      return replace(line, line, '\n');
    case 7: // two paragraphs joined
      if (blank !== undefined) return replace(blank, blank + 2, '\n');
      break;
    case 8: // a paragraph repeated elsewhere
      if (blank !== undefined) {
        const end = text.indexOf('\n\n', blank + 2);
        const copied = text.slice(blank, end === -1 ? text.length : end);
        const to = pick(paragraphs)!;
        return replace(to, to, copied);
      }
      break;
    case 9: // a paragraph ending with a backslash, which escapes the blank line after it
      if (blank !== undefined) return replace(blank, blank, '\\');
      break;
    case 10: // markup around a citation, whose `@` pandoc then does not read
      if (group) return replace(group.start, group.start, random(2) ? '<span title="see @x">' : '{#fig-a .wide}');
      break;
    case 11: // a directive comment, which the incremental parse leaves to a full one
      return replace(line, line, random(2) ? '<!-- citewise-disable-next-line uncited-claim -->\n' : '<!-- a note\n');
    default: // text typed at the start of a line
      return replace(line, line, 'Since 2021, @drita-shelters-2022 [p. 3] says ');
  }
  return replace(line, line, 'X');
}

/** Analyses `text` and `edits` versions of it, each with the memory of the versions before and afresh, and compares. */
function sameAsFresh(name: string, original: string, edits: number, seed: number): string[] {
  const random = randomFrom(seed);
  const memory = new ReportMemory();
  const versions: string[] = [];
  let text = original;
  for (let round = 0; round <= edits; round++) {
    const fresh = analyzeReport(text, new ReportMemory());
    assert.deepStrictEqual(plain(analyzeReport(text, memory)), plain(fresh), `${name}, version ${round} (seed ${seed})`);
    versions.push(text);
    text = edit(text, fresh, random);
  }
  return versions;
}

/** Checks each version with a memory kept across them and with a fresh one, against the report's corpus, and compares findings. */
async function sameFindings(reportPath: string, versions: string[], corpus?: string): Promise<void> {
  const workspace = new CitewiseWorkspace(corpus ? { corpusOverride: [corpus] } : {});
  const { settings, corpus: loaded } = await workspace.check(reportPath, versions[0]);
  const memory = new ReportMemory();
  for (const [index, text] of versions.entries()) {
    const kept = checkReport(reportPath, text, { corpus: loaded, settings, memory });
    const fresh = checkReport(reportPath, text, { corpus: loaded, settings, memory: new ReportMemory() });
    assert.deepStrictEqual(kept.findings, fresh.findings, `${path.basename(reportPath)}, version ${index}`);
    assert.deepStrictEqual(plain(kept.report), plain(fresh.report), `${path.basename(reportPath)}, version ${index}`);
  }
}

describe('analysis that reuses the one before', function () {
  this.timeout(300_000);
  after(removeTrees);

  it('equals a fresh analysis on the fixtures and examples, through random edits, and so do the findings', async () => {
    const files = [
      path.join(fixtureWorkspace, 'report.md'),
      path.join(projectRoot, 'examples/report.md'),
      path.join(projectRoot, 'examples/coi-report.md'),
      ...fs.readdirSync(path.join(projectRoot, 'test/fixtures/pandoc-differential/citations')).map((name) => path.join(projectRoot, 'test/fixtures/pandoc-differential/citations', name)),
    ];
    for (const [index, file] of files.entries()) {
      const versions = sameAsFresh(path.relative(projectRoot, file), fs.readFileSync(file, 'utf8'), 60, 1000 + index);
      if (index === 0) await sameFindings(file, versions.slice(0, 20));
    }
  });

  it('equals a fresh analysis where a paragraph depends on more than its text: an escaped blank line, markup across one, numbered examples, a quote continued', () => {
    const series = [
      // A `\` before a blank line lets the bracket close in the next paragraph, whose edit then changes the group.
      ['Text [see @a\\\n\n p. 4] more.\n', 'Text [see @a\\\n\n p. 4 more.\n', 'Text [see @a\\\n\n p. 5] more.\n'],
      // An attribute block that opens before a blank line hides the `@` after it.
      ['Intro {\n\n#fig-a @a} and [@b].\n', 'Intro\n\n#fig-a @a} and [@b].\n', 'Intro {\n\n#fig-a @a} and [@b].\n'],
      // `(@good)` is a numbered example while the document defines it, a citation once it does not.
      ['(@good) An example.\n\nSee (@good) and [@a].\n', '(@bad) An example.\n\nSee (@good) and [@a].\n', '(@good) An example.\n\nSee (@good) and [@a].\n'],
      // A quote left open continues into the next paragraph, whose full stops inside it then end no sentence.
      ['He said: “the shelters were full.\n\nFull. Places were few.” More [@a].\n', 'He said: the shelters were full.\n\nFull. Places were few.” More [@a].\n', 'He said: “the shelters were full.\n\nFull. Places were few.” More [@a].\n'],
    ];
    for (const [index, versions] of series.entries()) {
      const memory = new ReportMemory();
      for (const [round, text] of versions.entries()) {
        assert.deepStrictEqual(plain(analyzeReport(text, memory)), plain(analyzeReport(text, new ReportMemory())), `series ${index}, version ${round}`);
      }
    }
  });

  it('equals a fresh analysis on the seed reports, through random edits, and so do the findings on the 1 MB COI report', async function () {
    if (!fs.existsSync(seeds)) {
      console.log(`    (skipped: ${seeds} is not on this machine; the seed suites run where ../shared exists)`);
      this.skip();
    }
    const names = fs.readdirSync(seeds).filter((name) => name.endsWith('.txt')).sort();
    for (const [index, name] of names.entries()) {
      const versions = sameAsFresh(name, fs.readFileSync(path.join(seeds, name), 'utf8'), name.startsWith('001_') ? 30 : 15, 2000 + index);
      if (!name.startsWith('001_')) continue;
      // The frame the seed report declares on its lines 41–42, as the seed suite checks it.
      const folder = writeTree({ 'citewise.yaml': 'timeframe:\n  from: 2021-03-31\n  to: 2023-12-06\n  languages:\n    sq: { from: 2021-03-31, to: 2023-06-15 }\n' });
      await sameFindings(path.join(folder, 'report.md'), versions.slice(0, 8), seeds);
    }
  });
});
