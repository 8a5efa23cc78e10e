import * as fs from 'node:fs';
import * as path from 'node:path';

/** The benchmark corpora's quotes (`.bench/report-*.md.json`): each quote's key and words, as the corpus has them. */
interface BenchQuote {
  key: string;
  text: string;
}

/**
 * A report on a bench corpus such as an author writes on the first day: `sources` of its sources quoted
 * and cited with Pandoc keys, a few keys that no source has (two mistyped, one made up), and a few quotes
 * altered (a word dropped), under a time frame. The same corpus and count give the same report;
 * `corpusFolder` is the corpus as the front matter names it (relative to the report, or absolute).
 */
export function coldStartReport(benchFolder: string, corpusName: string, corpusFolder = corpusName, sources = 20): string {
  const quotes = (JSON.parse(fs.readFileSync(path.join(benchFolder, `report-v1-${corpusName.replace(/^corpus-v1-/, '')}.md.json`), 'utf8')) as { quotes: BenchQuote[] }).quotes;
  const chosen: BenchQuote[] = [];
  for (const quote of quotes) if (!chosen.some((other) => other.key === quote.key) && chosen.length < sources) chosen.push(quote);
  const paragraphs = chosen.map((quote, index) => {
    const words = quote.text.split(' ');
    // Every fifth quote loses a word from its middle: an altered quote.
    const text = index % 5 === 4 ? [...words.slice(0, words.length >> 1), ...words.slice((words.length >> 1) + 1)].join(' ') : quote.text;
    return `Researchers reported that “${text}” [@${quote.key}].`;
  });
  paragraphs.push(`A mistyped key is cited here [@${chosen[0].key.slice(0, -1)}], and another one [@${chosen[1].key}x].`);
  paragraphs.push('A source nobody has is cited here [@no-such-source-2024].');
  return [
    '---',
    'title: "Cold start"',
    'citewise:',
    `  corpus: ${corpusFolder}`,
    '  timeframe:',
    '    from: 2016-01-01',
    '    to: 2023-12-31',
    '---',
    '',
    '# Cold start',
    '',
    ...paragraphs.flatMap((paragraph) => [paragraph, '']),
  ].join('\n');
}
