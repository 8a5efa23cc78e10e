import { strict as assert } from 'node:assert';
import { loadCorpus, type Corpus } from '../../src/core/corpus/corpus';
import { CorpusSearch } from '../../src/core/search/search';
import { SegmentBuilder, Segment } from '../../src/core/index/segment';
import { ReferenceSearch } from '../support/reference-search';
import { removeTrees, writeTree } from '../support/temp-tree';

/** A small seeded generator, so every run builds the same corpus. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 0x100000000;
  };
}

const vocabulary = [
  'the', 'of', 'and', 'to', 'in', 'shelter', 'shelters', 'family', 'families', 'trafficking', 'victims', 'return',
  'Albania', 'Tirana', 'Vlorë', 'Shkodër', 'gjakmarrja', 'hakmarrje', 'të', 'në', 'për', 'një', 'report', 'reported',
  'police', 'court', 'ministry', 'support', 'reintegration', 'survivors', 'blood', 'feud', 'feuds', 'north', 'south',
  'decision-making', 'didn’t', 'NGO', 'UNHCR', '2021', '2022', '35', 'percent', 'according', 'stated', 'rare', 'rarer',
  'rarest', 'zzyzx', 'qqq', 'Çelë', 'çelës', 'ëndërr',
];

/** Source texts with wrapping, hyphenation at line ends, front matter and footnote markers, as real sources have. */
function corpusFiles(count: number, next: () => number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let index = 0; index < count; index++) {
    const words: string[] = [];
    const length = 20 + Math.floor(next() * next() * 3000);
    for (let word = 0; word < length; word++) {
      // Zipf-like: early words far more often.
      words.push(vocabulary[Math.floor(vocabulary.length * next() ** 2.5)]);
    }
    let text = '';
    let column = 0;
    for (const word of words) {
      if (column > 70 && next() < 0.3 && word.length > 5 && !word.includes('-')) {
        text += `${word.slice(0, 3)}-\n${word.slice(3)} `;
        column = word.length - 3;
        continue;
      }
      text += word + (next() < 0.05 ? '.1 ' : next() < 0.1 ? ', ' : ' ');
      column += word.length + 1;
      if (column > 80) {
        text += '\n';
        column = 0;
      }
    }
    files[index % 3 === 0 ? `doc-${index}.md` : `doc-${index}.txt`] = index % 3 === 0 ? `---\ntitle: Document ${index} Çelë\n---\n${text}` : text;
  }
  return files;
}

const queries = [
  'shelters',
  'blood feuds',
  'zzyzx',
  'qqq rarest',
  'Tirana shelter',
  'reintegration survi',
  'tra',
  'gjakmarrja të',
  '"blood feud"',
  '"the families"',
  '"didn’t return"',
  '"decision-making of"',
  'celes',
  'vlore',
  'rare*',
  'shkoder ndërr',
  'nothingatall',
];

describe('search over segments', () => {
  let corpora: { name: string; corpus: Corpus }[];
  let reference: ReferenceSearch;

  before(async () => {
    const root = writeTree(corpusFiles(90, random(11)));
    const single = await loadCorpus(root);
    const many = await loadCorpus(root, { batchBytes: 4096 });
    corpora = [
      { name: 'one segment', corpus: single },
      { name: 'many segments', corpus: many },
    ];
    reference = new ReferenceSearch(single);
  });
  after(removeTrees);

  it('splits the corpus into many segments when batches are small', () => {
    const segments = new Set(corpora[1].corpus.keys().map((key) => corpora[1].corpus.entry(key)!.segment));
    assert.ok(segments.size > 10, `${segments.size} segments`);
  });

  for (const prefix of [true, false]) {
    it(`finds the same sources, passages, lines and highlights as a plain inverted index (prefix ${prefix})`, () => {
      const answered = queries.filter((query) => reference.search(query, { limit: 40, prefix }).length > 0);
      assert.ok(answered.length >= queries.length - 4, `only ${answered.length} queries have hits`);
      for (const { name, corpus } of corpora) {
        const search = new CorpusSearch(corpus);
        for (const query of queries) {
          const expected = reference.search(query, { limit: 40, prefix });
          const actual = search.search(query, { limit: 40, prefix });
          const strip = (hits: typeof actual) => hits.map(({ score, ...rest }) => ({ ...rest, score: Math.round(score * 1e6) }));
          assert.deepEqual(strip(actual), strip(expected), `${name}: ${query}`);
        }
      }
    });
  }

  it('finds which sources contain a quote as the plain index does', () => {
    const text = corpora[0].corpus.rawText('doc-1')!;
    const quote = text.split(/\s+/).slice(30, 42).join(' ');
    for (const { name, corpus } of corpora) {
      assert.deepEqual(new CorpusSearch(corpus).findQuote(quote), reference.findQuote(quote), name);
    }
  });

  it('keeps every posting: positions decoded from the segment are where the words are', () => {
    const { corpus } = corpora[1];
    for (const key of corpus.keys().slice(0, 30)) {
      const entry = corpus.entry(key)!;
      const ids = corpus.wordIds(key)!;
      const expected = new Map<number, number[]>();
      ids.forEach((id, position) => expected.set(id, [...(expected.get(id) ?? []), position]));
      for (const [id, positions] of expected) {
        const ordinal = entry.segment.ordinalOf(id);
        const posting = entry.segment.findPosting(ordinal, entry.document);
        const decoded: number[] = [];
        entry.segment.positionsOf(posting, decoded);
        assert.deepEqual(decoded, positions, `${key}: ${corpus.vocabulary.words[id]}`);
        assert.equal(entry.segment.postings().postingCounts[posting], Math.min(255, positions.length));
      }
    }
  });
});

describe('segment builder', () => {
  it('numbers words by first use, keeps each document\'s words, and lays postings out by document', () => {
    const builder = new SegmentBuilder();
    [10, 20, 10, 30].forEach((id, index) => builder.add(id, index * 3));
    builder.endDocument();
    [30, 30, 40].forEach((id, index) => builder.add(id, index * 3));
    builder.endDocument();
    const segment = new Segment(builder.build(), 'test');
    assert.deepEqual([...segment.core().termIds], [10, 20, 30, 40]);
    assert.deepEqual([...segment.documentIds(0)], [10, 20, 10, 30]);
    assert.deepEqual([...segment.documentIds(1)], [30, 30, 40]);
    const thirty = segment.ordinalOf(30);
    const { postingStarts, postingDocuments, postingCounts } = segment.postings();
    assert.deepEqual([...postingDocuments.subarray(postingStarts[thirty], postingStarts[thirty + 1])], [0, 1]);
    assert.deepEqual([...postingCounts.subarray(postingStarts[thirty], postingStarts[thirty + 1])], [1, 2]);
    const positions: number[] = [];
    segment.positionsOf(segment.findPosting(thirty, 1), positions);
    assert.deepEqual(positions, [0, 1]);
    assert.equal(segment.ordinalOf(99), -1);
    assert.equal(segment.findPosting(segment.ordinalOf(20), 1), -1);
  });

  it('reaches positions past the skip table\'s blocks and counts above a byte', () => {
    const builder = new SegmentBuilder();
    // 40 documents, so one word has 40 postings (more than two blocks of 16); the last has 300 occurrences.
    for (let document = 0; document < 40; document++) {
      const repeats = document === 39 ? 300 : document + 1;
      for (let index = 0; index < repeats; index++) {
        builder.add(7, index);
        builder.add(8 + (index % 3), index);
      }
      builder.endDocument();
    }
    const segment = new Segment(builder.build(), 'blocks');
    const seven = segment.ordinalOf(7);
    for (const document of [0, 15, 16, 17, 33, 39]) {
      const positions: number[] = [];
      const count = segment.positionsOf(segment.findPosting(seven, document), positions);
      const repeats = document === 39 ? 300 : document + 1;
      assert.equal(count, repeats);
      assert.deepEqual(positions, Array.from({ length: repeats }, (_, index) => index * 2));
    }
    assert.equal(segment.postings().postingCounts[segment.findPosting(seven, 39)], 255);
  });

  it('refuses words that are not the segment\'s, rather than returning nonsense', () => {
    const builder = new SegmentBuilder();
    builder.add(1, 0);
    builder.endDocument();
    const data = builder.build();
    const reader = () => Uint16Array.from([5]);
    const segment = new Segment({ ...data }, 'damaged');
    segment.useFileForWords(reader);
    assert.throws(() => segment.documentIds(0), /damaged/);
  });
});
