import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { countWords, indexWords, scanWords, tokenize, words, type TokenList } from '../../src/core/index/tokenize';
import { Vocabulary } from '../../src/core/index/vocabulary';
import * as reference from '../support/reference-tokenize';
import { Vocabulary as ReferenceVocabulary } from '../support/reference-vocabulary';
import { seededRandom } from '../support/seeded-random';

/**
 * The fast scanner must give exactly what the scanner before it gave: the index, search and quote
 * matching all number words by it, and an index written by one must be read by the other. These tests
 * compare it with a frozen copy of the old scanner (test/support/reference-tokenize.ts) on hostile
 * generated text and on real documents.
 */
const projectRoot = path.resolve(__dirname, '../../../..');
const seeds = path.resolve(projectRoot, '../shared/seeds');
/** The benchmark's corpus, where `npm run bench` has generated it in this checkout. */
const benchSampleFolders = [path.join(projectRoot, '.bench/corpus-v1-seed42-n10000/part-00'), path.join(projectRoot, '.bench/corpus-v1-seed42-n1000/part-00')];


/** Pieces that stress every rule of the scanner, drawn from with replacement. */
const hostilePieces = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''),
  'word', 'Word', 'WORD', 'the', 'Shqipëria', 'didn', 't', 're',
  ' ', ' ', ' ', '  ', '\t', '\r', '\n', '\r\n', '\n\n', '\n \n', ' \n\t ',
  '-', '\u2010', '\u2011', '\u2013', '\u2014', '\u00AD', '\u00AD\u00AD', '-\n', '\u2010\n', '\u2011\r\n  ', '- \n\n\t', '-\r\n',
  "'", '\u2019', '\u02BC', '\u2018',
  '[', ']', '(', ')', '[12]', '[1234]', '[^3]', '[^]', '[footnoteRef:2]', '[footnoteRef: 17]', '[footnoteRef:x]',
  '[bookmark: x]', '[bookmark:_Toc123]', '[bookmark: a\nb]', '[p. 35]', '[p. ]', '[p. 1234567890123]', '[p.5]',
  '\u00B9', '\u00B2', '\u00B3', '\u2074', '\u2070', '\u2071', '\u2081', '\u00BD',
  '.1 ', ',2 ', ')3 ', '\u201D4 ', '"5 ', ';6 ', ':7 ', '\u20198 ', '.12[', '.123 ', '.1234 ', 'x.1', '. 1 ',
  '3.5', '1,000', '2.1 ', '10,5 ',
  'ë', 'Ë', 'ç', 'Ç', 'ü', 'ß', 'æ', 'Æ', 'ĳ', 'Ĳ', 'ŉ', 'ǅ', 'Ŀ', 'ſ', 'İ', 'µ', 'ª', '¼', 'e\u0308', 'E\u0308\u0301', '\u0308', '\u034F',
  // Folds to a unit above U+00FF (ŋ, ı, ƀ), which does not pack; outside the fold table (ạ, ｆ).
  'Ŋ', 'ı', 'ƀ', 'œ', 'ạ', 'Ấ', '\uFF46', '\u0345',
  // Words around the longest that packs, twelve code units, before and after folding and joining.
  'abcdefghijkl', 'abcdefghijklm', 'ABCDEFGHIJK', 'Shqipërisë', 'internationalisation', 'ĳĳĳĳĳĳ', 'ﬁﬁﬁﬁﬁﬁ',
  'ΟΔΟΣ', 'Σ', 'σ', 'ς', 'ΑΣ\u00ADΑ', 'ΣΑΣ', 'Ἀθῆναι',
  'Москва', 'Ёлка', 'й',
  '中文', '日本語', '\u3000', '\uFF21\uFF42',
  '😀', '\u{1D400}', '\u{20000}', '\uD800', '\uDC00', '\uDBFF\uDFFF',
  '\uFB01', '\uFB00',
  '\u201C', '\u201D', '"', '\u00BB', '\u00AB',
  '.', ',', ';', ':', '!', '?', '/', '&', '%', '\u2026', '\u00A0', '\u2009', '\uFEFF', '\u200B',
];

function hostileText(random: () => number): string {
  const pieces = Math.floor(random() * random() * 120);
  let text = '';
  for (let piece = 0; piece < pieces; piece++) text += hostilePieces[Math.floor(random() * hostilePieces.length)];
  // Now and then a word long enough to outgrow the scanner's buffers.
  if (random() < 0.02) text += (random() < 0.5 ? 'ë' : 'Ab').repeat(Math.floor(random() * 5000));
  return text;
}

function referenceTokens(text: string, dropMarkers: boolean, from = 0, limit = Infinity): [string, number, number][] {
  const found: [string, number, number][] = [];
  reference.scanWords(text, dropMarkers, (word, start, end) => found.push([word, start, end]) < limit, from);
  return found;
}

function newTokens(text: string, dropMarkers: boolean, from = 0, limit = Infinity): [string, number, number][] {
  const found: [string, number, number][] = [];
  scanWords(text, dropMarkers, (word, start, end) => found.push([word, start, end]) < limit, from);
  return found;
}

function sameTokenList(actual: TokenList, expected: TokenList, context: string): void {
  assert.deepEqual(actual.words, expected.words, context);
  assert.deepEqual([...actual.starts], [...expected.starts], context);
  assert.deepEqual([...actual.ends], [...expected.ends], context);
  assert.ok(actual.starts instanceof Uint32Array && actual.ends instanceof Uint32Array, context);
}

/** The old way to number a text's words, which `indexWords` replaces. */
function referenceIndex(text: string, vocabulary: ReferenceVocabulary, from = 0): { ids: number[]; starts: number[] } {
  const ids: number[] = [];
  const starts: number[] = [];
  reference.scanWords(text, true, (word, start) => {
    ids.push(vocabulary.intern(word));
    starts.push(start);
  }, from);
  return { ids, starts };
}

function newIndex(text: string, vocabulary: Vocabulary, from = 0): { ids: number[]; starts: number[]; ends: number[] } {
  const ids: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  indexWords(text, vocabulary, (id, start, end) => {
    ids.push(id);
    starts.push(start);
    ends.push(end);
  }, from);
  return { ids, starts, ends };
}

/** Numbers every text both ways into one vocabulary each, as a corpus load does, and compares as it goes. */
function compareIndexing(texts: readonly { name: string; text: string }[]): void {
  const expectedVocabulary = new ReferenceVocabulary();
  const vocabulary = new Vocabulary();
  for (const { name, text } of texts) {
    const expected = referenceIndex(text, expectedVocabulary);
    const actual = newIndex(text, vocabulary);
    assert.deepEqual(actual.ids, expected.ids, `ids of ${name}`);
    assert.deepEqual(actual.starts, expected.starts, `starts of ${name}`);
    assert.deepEqual(actual.ends, referenceTokens(text, true).map(([, , end]) => end), `ends of ${name}`);
  }
  assert.deepEqual(vocabulary.words, expectedVocabulary.words);
  assertFindsEveryWord(vocabulary);
}

/** The string paths (intern, idOf, Vocabulary.from) hash as the scanner does, so they find its words. */
function assertFindsEveryWord(vocabulary: Vocabulary): void {
  const size = vocabulary.size;
  const known = new Set(vocabulary.words);
  vocabulary.words.forEach((word, id) => {
    assert.equal(vocabulary.idOf(word), id, JSON.stringify(word));
    assert.equal(vocabulary.intern(word), id, JSON.stringify(word));
    for (const other of [word + 'q', word.slice(1), 'Q' + word]) if (!known.has(other)) assert.equal(vocabulary.idOf(other), -1, JSON.stringify(other));
  });
  assert.equal(vocabulary.size, size);
  const rebuilt = Vocabulary.from(vocabulary.words);
  assert.deepEqual(rebuilt.words, vocabulary.words);
}

describe('fast tokenizer, against the scanner it replaced', () => {
  const count = 4000;
  const texts = Array.from({ length: count }, (_, seed) => hostileText(seededRandom(seed + 1)));

  it('generates text that exercises every rule of the scanner', () => {
    const seen = { droppedMarkers: 0, lineEndJoins: 0, innerJoins: 0, finalSigma: 0, emptyWords: 0, longWords: 0, wholeWordFolds: 0, expandingFolds: 0 };
    for (const text of texts) {
      const dropped = referenceTokens(text, true);
      if (dropped.length !== referenceTokens(text, false).length) seen.droppedMarkers++;
      for (const [word, start, end] of dropped) {
        const span = text.slice(start, end);
        if (/[-\u2010\u2011][ \t\r]*\n/.test(span)) seen.lineEndJoins++;
        else if (/['\u2019\u2018\u00AD\u2010\u2011-]/.test(span)) seen.innerJoins++;
        if (word.endsWith('ς') && span.endsWith('Σ')) seen.finalSigma++;
        if (word === '') seen.emptyWords++;
        if (word.length > 4096) seen.longWords++;
        if (/[\u0370-\uFFFF]/.test(span.replace(/[\u00AD\u2010\u2011\u2018\u2019]/g, ''))) seen.wholeWordFolds++;
        if (/[ĳĲŉǅ¼\uFB01]/.test(span)) seen.expandingFolds++;
      }
    }
    for (const [rule, times] of Object.entries(seen)) assert.ok(times >= 5, `${rule} seen only ${times} times: ${JSON.stringify(seen)}`);
  });

  it('scans generated hostile text to the same words and spans, with and without footnote markers', () => {
    texts.forEach((text, seed) => {
      for (const dropMarkers of [true, false]) {
        assert.deepEqual(newTokens(text, dropMarkers), referenceTokens(text, dropMarkers), `seed ${seed + 1}, dropMarkers ${dropMarkers}: ${JSON.stringify(text)}`);
      }
    });
  });

  it('starts at any offset, inside a word or not, and stops when told', () => {
    texts.forEach((text, seed) => {
      const random = seededRandom(-(seed + 1));
      for (const from of [1, Math.floor(random() * (text.length + 2)), Math.floor(random() * (text.length + 2)), -3, text.length]) {
        for (const dropMarkers of [true, false]) {
          const limit = 1 + Math.floor(random() * 6);
          const context = `seed ${seed + 1}, from ${from}, dropMarkers ${dropMarkers}: ${JSON.stringify(text)}`;
          assert.deepEqual(newTokens(text, dropMarkers, from), referenceTokens(text, dropMarkers, from), context);
          assert.deepEqual(newTokens(text, dropMarkers, from, limit), referenceTokens(text, dropMarkers, from, limit), `${context}, limit ${limit}`);
        }
      }
    });
  });

  it('tokenize() and words() give the same lists, and countWords() their length', () => {
    texts.forEach((text, seed) => {
      const context = `seed ${seed + 1}: ${JSON.stringify(text)}`;
      sameTokenList(tokenize(text), reference.tokenize(text), context);
      sameTokenList(tokenize(text, { dropFootnoteMarkers: true }), reference.tokenize(text, { dropFootnoteMarkers: true }), context);
      assert.deepEqual(words(text), reference.words(text), context);
      assert.equal(countWords(text), reference.words(text).length, context);
    });
  });

  it('indexWords numbers generated text as scanWords + intern did: same ids, starts and vocabulary', () => {
    compareIndexing(texts.map((text, seed) => ({ name: `seed ${seed + 1}: ${JSON.stringify(text)}`, text })));
  });

  it('indexWords from an offset numbers what the old path numbered from there', () => {
    const expectedVocabulary = new ReferenceVocabulary();
    const vocabulary = new Vocabulary();
    texts.forEach((text, seed) => {
      const from = Math.floor(seededRandom(seed + 7)() * (text.length + 1));
      const expected = referenceIndex(text, expectedVocabulary, from);
      const actual = newIndex(text, vocabulary, from);
      assert.deepEqual({ ids: actual.ids, starts: actual.starts }, expected, `seed ${seed + 1}, from ${from}: ${JSON.stringify(text)}`);
    });
    assert.deepEqual(vocabulary.words, expectedVocabulary.words);
  });

  it('indexWords finds words that intern and Vocabulary.from put in the vocabulary', () => {
    const text = texts.join('\n');
    const first = newIndex(text, new Vocabulary());
    const known = Vocabulary.from(referenceTokens(text, true).map(([word]) => word));
    const size = known.size;
    assert.deepEqual(newIndex(text, known).ids, first.ids);
    assert.equal(known.size, size, 'no word was added twice');
  });

  it('folds every pair of the characters it folds from a table exactly as foldWord folds the pair', () => {
    // The table holds a fold per character below U+0370; that is right only if folding a word is folding
    // its characters one by one. Each text is one first character followed by every second character.
    const wordCharacters: string[] = [];
    for (let code = 0; code < 0x370; code++) {
      const char = String.fromCharCode(code);
      if (reference.tokenize(`a${char}`).words.length === 1 && reference.tokenize(`a${char}`).ends[0] === 2) wordCharacters.push(char);
    }
    assert.ok(wordCharacters.length > 600, `only ${wordCharacters.length} word characters below U+0370`);
    // Greek capital sigma, just past the table, must still fold by its context.
    const seconds = [...wordCharacters, 'Σ', 'Σa'];
    for (const first of wordCharacters) {
      const text = seconds.map((second) => first + second).join(' ');
      assert.deepEqual(tokenize(text).words, reference.tokenize(text).words, `after ${JSON.stringify(first)}`);
    }
  });

  it('numbers the seed documents as before', function () {
    if (!fs.existsSync(seeds)) {
      console.log(`    (skipped: ${seeds} is not on this machine; this test runs where ../shared exists)`);
      this.skip();
    }
    const files = fs.readdirSync(seeds).filter((name) => name.endsWith('.txt')).sort();
    assert.ok(files.length > 0);
    const documents = files.map((name) => ({ name, text: fs.readFileSync(path.join(seeds, name), 'utf8') }));
    compareIndexing(documents);
    for (const { name, text } of documents) {
      sameTokenList(tokenize(text, { dropFootnoteMarkers: true }), reference.tokenize(text, { dropFootnoteMarkers: true }), name);
      sameTokenList(tokenize(text), reference.tokenize(text), name);
    }
  });

  it('numbers a sample of the benchmark corpus as before', function () {
    const folder = benchSampleFolders.find((candidate) => fs.existsSync(candidate));
    if (!folder) {
      console.log(`    (skipped: no benchmark corpus at ${benchSampleFolders.join(' or ')}; \`npm run bench\` generates one)`);
      this.skip();
    }
    // Every tenth file: some fifty documents, Markdown and plain text, English-like and Albanian-like.
    const names = fs.readdirSync(folder).sort().filter((_, index) => index % 10 === 0);
    const documents = names.map((name) => ({ name, text: fs.readFileSync(path.join(folder, name), 'utf8') }));
    compareIndexing(documents);
    for (const { name, text } of documents.slice(0, 10)) sameTokenList(tokenize(text), reference.tokenize(text), name);
  });
});
