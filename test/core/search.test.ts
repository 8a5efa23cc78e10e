import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { loadCorpus, type Corpus } from '../../src/core/corpus/corpus';
import { CorpusSearch, parseQuery, renderHighlighted } from '../../src/core/search/search';
import { SourceLookup } from '../../src/core/search/source-lookup';
import { removeTrees, writeTree } from '../support/temp-tree';

describe('corpus search in web pages', () => {
  after(removeTrees);

  it('finds passages in a page\'s main content only, while quotes are still checked against all of its text', async () => {
    const article = [
      'The ministry reported that returns of trafficking survivors rose sharply in 2023, and caseworkers in every region asked for more places in shelters and for longer support after the first months.',
      'Regional offices said the new reintegration programme reached every district by the end of the year, although the grants it offered covered only six months of rent and training.',
      'Survivors interviewed for the report described debts to recruiters as the hardest problem after leaving a shelter, and several said that they had been approached again within weeks of their return.',
    ];
    const page = [
      '<html><head><title>Returns rose in 2023</title></head><body>',
      '<nav><ul><li><a href="/">Home</a></li><li><a href="/donate">Donate to our shelters campaign</a></li><li><a href="/contact">Contact</a></li></ul></nav>',
      `<article><h1>Returns rose in 2023</h1>${article.map((paragraph) => `<p>${paragraph}</p>`).join('')}</article>`,
      '<aside><h2>Related</h2><ul><li><a href="/x">Donate to our shelters campaign today and help survivors</a></li></ul></aside>',
      '</body></html>',
    ].join('\n');
    const root = writeTree({ 'returns-2023.html': page });
    const corpus = await loadCorpus(root);
    const search = new CorpusSearch(corpus);
    assert.deepEqual(search.search('donate campaign', { prefix: false }), []);
    assert.deepEqual(search.search('debts recruiters', { prefix: false }).map((hit) => hit.key), ['returns-2023']);
    // The quote checks read the whole page: a quote of its sidebar is found there.
    assert.deepEqual(search.findQuote('Donate to our shelters campaign today and help survivors').map((hit) => hit.key), ['returns-2023']);
  });
});

describe('corpus search for a phrase whose words stand apart in many sources', () => {
  after(removeTrees);

  it('finds the one source that holds the phrase, however low it ranks', async () => {
    // 400 short sources dense in the three words, never together; one long source holds the phrase once,
    // so it ranks last of all on the words alone.
    const files: Record<string, string> = {};
    for (let index = 0; index < 400; index++) files[`dense-${index}.md`] = `# Dense ${index}\n\nFull shelters. Shelters are many; are full? Full, full shelters.\n`;
    const filler = Array.from({ length: 400 }, (_, index) => `Paragraph ${index} is about roads and markets.`).join('\n');
    files['long.md'] = `# Long\n\n${filler}\nIn winter the shelters are full again.\n${filler}\n`;
    const corpus = await loadCorpus(writeTree(files));
    const hits = new CorpusSearch(corpus).search('"shelters are full"', { limit: 50 });
    assert.deepEqual(hits.map((hit) => hit.key), ['long']);
  });
});

describe('corpus search', () => {
  let corpus: Corpus;
  let search: CorpusSearch;

  before(async () => {
    const filler = Array.from({ length: 300 }, (_, index) => `Paragraph ${index} talks about roads, weather and markets in general terms.`).join('\n');
    const root = writeTree({
      'asylos-2023.md': [
        '---',
        'title: Albania - Trafficking',
        'author: [Asylos, ARC Foundation]',
        'publisher: Asylos',
        'date: 2023-12',
        '---',
        'Victims returned to Albania face re-trafficking when shelters are full.',
        filler,
        'Blood feuds in the north remain a driver of internal displace-',
        'ment for some families.',
      ].join('\n'),
      'kruetani-thesis.md': '---\ntitle: Human trafficking in the Western Balkans\nauthor: Kruetani, Anda\ndate: 2022-09\ntype: thesis\n---\nThe thesis argues that shelters need regional cooperation.\n',
      'news.txt': '21 September 2022\n\nEconomic reintegration of trafficking survivors in Albania remains weak.\n',
    });
    corpus = await loadCorpus(root);
    search = new CorpusSearch(corpus);
  });
  after(removeTrees);

  it('ranks passages that contain every query word and reports key and line', () => {
    const hits = search.search('blood feuds displacement', { prefix: false });
    assert.equal(hits[0].key, 'asylos-2023');
    assert.equal(hits[0].line, 308);
    assert.equal(renderHighlighted(hits[0], '«', '»', (text) => text).includes('«Blood» «feuds»'), true);
    assert.ok(renderHighlighted(hits[0], '«', '»', (text) => text).includes('«displacement»'), renderHighlighted(hits[0], '«', '»', (text) => text));
  });

  it('matches the last word as a prefix while typing', () => {
    const hits = search.search('reintegration survi');
    assert.equal(hits[0].key, 'news');
    assert.equal(search.search('reintegration survi', { prefix: false }).length, 0);
  });

  it('finds quoted phrases only where the words stand together', () => {
    assert.deepEqual(
      search.search('"shelters are full"').map((hit) => hit.key),
      ['asylos-2023'],
    );
    assert.deepEqual(search.search('"full shelters"'), []);
  });

  it('prefers the rarer word and spreads hits across sources', () => {
    const hits = search.search('shelters', { limit: 10 });
    assert.deepEqual(new Set(hits.map((hit) => hit.key)), new Set(['asylos-2023', 'kruetani-thesis']));
  });

  it('returns nothing for an empty or unknown query, or when one word is missing', () => {
    assert.deepEqual(search.search('   '), []);
    assert.deepEqual(search.search('blood feuds zzzzqqq', { prefix: false }), []);
    assert.deepEqual(search.search('zzzzqqq', { prefix: false }), []);
  });

  it('restricts to given keys', () => {
    assert.deepEqual(
      search.search('shelters', { keys: ['kruetani-thesis'] }).map((hit) => hit.key),
      ['kruetani-thesis'],
    );
  });

  it('builds the same index in slices that leave the event loop free', async () => {
    let otherWorkRan = false;
    setImmediate(() => {
      otherWorkRan = true;
    });
    const sliced = await CorpusSearch.create(corpus, -1);
    assert.ok(otherWorkRan, 'the event loop ran other work while the index was built');
    for (const query of ['blood feuds', 'survi', '"shelters are full"', 'shelters']) {
      assert.deepEqual(sliced.search(query), search.search(query), query);
    }
  });

  it('treats word* as a prefix anywhere in the query', () => {
    assert.deepEqual(parseQuery('survi* reintegration', false).terms, [
      { word: 'survi', prefix: true },
      { word: 'reintegration', prefix: false },
    ]);
    assert.equal(search.search('survi* reintegration', { prefix: false })[0].key, 'news');
  });

  it('finds which sources contain a quote, tolerating omissions', () => {
    assert.deepEqual(
      search.findQuote('Blood feuds in the north remain a driver of internal displacement').map((hit) => hit.key),
      ['asylos-2023'],
    );
    assert.deepEqual(
      search.findQuote('The thesis argues [...] regional cooperation').map((hit) => hit.key),
      ['kruetani-thesis'],
    );
    assert.deepEqual(search.findQuote('Blood feuds in the south remain a driver'), []);
  });

  it('parses words and phrases', () => {
    assert.deepEqual(parseQuery('“family ties” Shqipëri', true), {
      terms: [
        { word: 'shqiperi', prefix: true },
        { word: 'family', prefix: false },
        { word: 'ties', prefix: false },
      ],
      phrases: [['family', 'ties']],
    });
  });

  describe('source lookup', () => {
    it('finds sources by key, title, author, publisher and year', () => {
      const lookup = new SourceLookup(corpus.sources);
      assert.equal(lookup.find('kruetani')[0].source.key, 'kruetani-thesis');
      assert.equal(lookup.find('western balkans')[0].source.key, 'kruetani-thesis');
      assert.equal(lookup.find('asylos 2023')[0].source.key, 'asylos-2023');
      assert.equal(lookup.find('ARC Foundation')[0].source.key, 'asylos-2023');
      assert.deepEqual(
        lookup.find('').map((match) => match.source.key),
        ['asylos-2023', 'kruetani-thesis', 'news'],
      );
    });

    it('still finds a source when a word is misspelt, through fuzzy matching', () => {
      const lookup = new SourceLookup(corpus.sources);
      assert.equal(lookup.find('kreutani')[0].source.key, 'kruetani-thesis');
      assert.equal(lookup.find('Balkns')[0].source.key, 'kruetani-thesis');
    });

    it('prefers a word that starts with what was typed over one that merely contains it', () => {
      const lookup = new SourceLookup(corpus.sources);
      // "news" is a whole key; "ARC Foundation" of asylos-2023 does not contain it at all.
      assert.deepEqual(lookup.find('new').map((match) => match.source.key)[0], 'news');
    });

    it('suggests the closest keys for a misspelt key', () => {
      const lookup = new SourceLookup(corpus.sources);
      assert.deepEqual(lookup.closestKeys('asylos-2032').slice(0, 1), ['asylos-2023']);
      assert.deepEqual(lookup.closestKeys('qqqqqqqqqq'), []);
    });
  });

  it('indexes every source that has text', () => {
    assert.equal(search.sourceCount, 3);
    assert.equal(path.basename(corpus.roots[0]).startsWith('citewise-'), true);
  });
});
