import { strict as assert } from 'node:assert';
import Fuse, { type IFuseOptions } from 'fuse.js';
import type { Source, SourceMetadata } from '../../src/core/corpus/source';
import { SourceLookup, type SourceMatch } from '../../src/core/search/source-lookup';
import { Random } from '../bench/generate-corpus';

function source(key: string, metadata: SourceMetadata = {}): Source {
  return { key, metadata, provenance: {}, corpusRoot: '/corpus' };
}

function keys(matches: SourceMatch[]): string[] {
  return matches.map((match) => match.source.key);
}

/** Keys and scores, for comparing two result lists exactly. */
function described(matches: SourceMatch[]): [string, number][] {
  return matches.map((match) => [match.source.key, match.score]);
}

// ---------------------------------------------------------------------------------------------------
// The lookup as it was before direct matching read joined columns: an indexOf per field per source, and
// Fuse.js over the 400 sources sharing the most trigrams. Kept as it was (plus a count of the direct
// matches, to tell which path a query took) as the oracle for the fast one.

interface ReferenceRecord {
  key: string;
  title: string;
  author: string;
  publisher: string;
  year: string;
  source: Source;
}

const referenceFields = ['key', 'title', 'author', 'publisher', 'year'] as const;
const referenceWeights: Record<(typeof referenceFields)[number], number> = { key: 3, title: 2, author: 1.5, publisher: 1.5, year: 1 };
const referenceFuseOptions: IFuseOptions<ReferenceRecord> = {
  includeScore: true,
  ignoreLocation: true,
  threshold: 0.4,
  keys: referenceFields.map((name) => ({ name, weight: referenceWeights[name] })),
};

function referenceFold(text: string): string {
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

function referenceTrigrams(text: string): Set<string> {
  const grams = new Set<string>();
  const padded = ` ${text} `;
  for (let index = 0; index + 3 <= padded.length; index++) grams.add(padded.slice(index, index + 3));
  return grams;
}

class ReferenceLookup {
  private readonly records: ReferenceRecord[];
  private readonly haystacks: string[][];
  private readonly all = new Map<string, number[]>();
  private readonly keys = new Map<string, number[]>();

  constructor(sources: readonly Source[]) {
    this.records = sources.map((source) => ({
      key: source.key,
      title: source.metadata.title ?? '',
      author: (source.metadata.author ?? []).join('; '),
      publisher: source.metadata.publisher ?? '',
      year: source.metadata.date?.slice(0, 4) ?? '',
      source,
    }));
    this.haystacks = this.records.map((record) => referenceFields.map((field) => referenceFold(record[field])));
    this.haystacks.forEach((haystack, index) => {
      for (const gram of referenceTrigrams(haystack.join(' '))) push(this.all, gram, index);
      for (const gram of referenceTrigrams(haystack[0])) push(this.keys, gram, index);
    });
  }

  find(query: string, limit = 50): SourceMatch[] {
    const terms = referenceFold(query).split(/\s+/).filter(Boolean);
    if (terms.length === 0) {
      return [...this.records]
        .sort((a, b) => a.key.localeCompare(b.key))
        .slice(0, limit)
        .map((record) => ({ source: record.source, score: 0 }));
    }
    const direct = this.directMatches(terms);
    if (direct.length >= Math.min(limit, 5)) return direct.slice(0, limit);
    const seen = new Set(direct.map((match) => match.source.key));
    const fuzzy = this.fuzzy(terms.join(' '), this.candidates(terms.join(' '), this.all), limit).filter((match) => !seen.has(match.source.key));
    return [...direct, ...fuzzy].slice(0, limit);
  }

  closestKeys(key: string, limit = 3): string[] {
    const candidates = this.candidates(referenceFold(key), this.keys);
    const fuse = new Fuse(
      candidates.map((index) => ({ key: this.records[index].key })),
      { includeScore: true, ignoreLocation: true, threshold: 0.6, keys: ['key'] },
    );
    return fuse.search(key, { limit }).map((result) => result.item.key);
  }

  /** How many sources every word matches directly, before any fuzzy fallback. */
  directCount(query: string): number {
    return this.directMatches(referenceFold(query).split(/\s+/).filter(Boolean)).length;
  }

  private directMatches(terms: string[]): SourceMatch[] {
    const scored: { index: number; points: number }[] = [];
    for (let index = 0; index < this.haystacks.length; index++) {
      const haystack = this.haystacks[index];
      let points = 0;
      let all = true;
      for (const term of terms) {
        let best = 0;
        for (let field = 0; field < referenceFields.length; field++) {
          const text = haystack[field];
          const at = text.indexOf(term);
          if (at < 0) continue;
          const weight = referenceWeights[referenceFields[field]];
          const startsWord = at === 0 || !/[\p{L}\p{N}]/u.test(text[at - 1]);
          const whole = text.length === term.length;
          best = Math.max(best, weight * (whole ? 4 : startsWord ? 3 : 1));
        }
        if (best === 0) {
          all = false;
          break;
        }
        points += best;
      }
      if (all) scored.push({ index, points });
    }
    scored.sort((a, b) => b.points - a.points || this.records[a.index].key.localeCompare(this.records[b.index].key));
    const top = scored.length ? scored[0].points : 1;
    return scored.map(({ index, points }) => ({ source: this.records[index].source, score: 1 - points / (top + 1) }));
  }

  private candidates(text: string, index: Map<string, number[]>): number[] {
    const counts = new Map<number, number>();
    for (const gram of referenceTrigrams(text)) {
      for (const record of index.get(gram) ?? []) counts.set(record, (counts.get(record) ?? 0) + 1);
    }
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, 400)
      .map(([record]) => record);
  }

  private fuzzy(query: string, candidates: number[], limit: number): SourceMatch[] {
    const fuse = new Fuse(
      candidates.map((index) => this.records[index]),
      referenceFuseOptions,
    );
    return fuse.search(query, { limit }).map((result) => ({ source: result.item.source, score: result.score ?? 1 }));
  }
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== value) list.push(value);
  } else {
    map.set(key, [value]);
  }
}

// ---------------------------------------------------------------------------------------------------
// A seeded synthetic corpus: keys like the benchmark's, titles of 5–12 words with diacritics, hyphens
// and punctuation, a few dozen organisations and names.

const organisations = [
  'Asylos', 'Balkan Shelter Network', 'Amnesty International', 'UNHCR', 'Council of Europe', 'GRETA', 'US Department of State',
  'Gazeta Shqiptare', 'Top Channel', 'BIRN Albania', 'IOM', 'OSCE Presence in Albania', 'Human Rights Watch', 'Different and Equal',
  'Tjetër Vizion', 'Albanian Helsinki Committee', 'People’s Advocate', 'Legal Aid Clinic', 'European Commission', 'UNICEF Albania',
  'Terre des hommes', 'Home Office', 'EUAA', 'ACCORD', 'Landinfo', 'Swiss Refugee Council', 'Reporter.al', 'Lapsi.al', 'Exit News',
  'Kosovo Women’s Network',
];
const people = [
  'Arben Hoxha', 'Drita Krasniqi', 'Elira Shehu', 'Gjergj Berisha', 'Ilir Gashi', 'Jonida Dervishi', 'Mirela Leka', 'Valbona Kola',
  'Zamira Marku', 'Blerta Prifti', 'Dritan Çela', 'Edmond Zeneli', 'Fatmir Bajrami', 'Genta Gjoka', 'Hysen Lika', 'Klodian Meta',
  'Lindita Rama', 'Mimoza Basha', 'Orges Dushku', 'Teuta Kastrati', 'Anna Smith', 'James Jones', 'Maria Müller', 'David Rossi',
  'Sarah Dubois', 'Michael Papadopoulos', 'Elena Schmidt', 'Thomas Brown', 'Laura Taylor', 'Peter Wilson',
];
const words = [
  'trafficking', 'victims', 'shelter', 'shelters', 'return', 'returned', 'reintegration', 'Albania', 'Shqipëria', 'Kosovo', 'Tirana',
  'Shkodër', 'Durrës', 'Vlorë', 'blood', 'feud', 'feuds', 'family', 'families', 'women', 'children', 'minors', 'unaccompanied',
  'protection', 'police', 'court', 'courts', 'prosecution', 'asylum', 'decision', 'decisions', 'labour', 'exploitation', 'domestic',
  'violence', 'report', 'annual', 'country', 'information', 'update', 'situation', 'state', 'services', 'access', 'health', 'education',
  'identification', 'mechanism', 'referral', 'national', 'strategy', 'gjykata', 'viktimat', 'trafikimi', 'strehëza', 'çështje', 'fëmijët',
  'naïve', 'co-operation', 'decision-making', 'follow-up', '2019–2021', 'COVID-19', 'Q&A', '(update)', '«focus»', 'ßtraße', 'résumé',
];

function slug(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

function syntheticSources(count: number, seed: number, options: { lineBreaks?: boolean } = {}): Source[] {
  const random = new Random('source-lookup', seed);
  return Array.from({ length: count }, (_, index) => {
    const publisher = random.pick(organisations);
    const year = random.int(2005, 2024);
    const key = random.chance(0.9) ? `${slug(publisher)}-${year}-${String(index).padStart(5, '0')}` : `${slug(random.pick(words))}-${index}`;
    const titleWords = Array.from({ length: random.int(5, 12) }, () => random.pick(words));
    if (random.chance(0.3)) titleWords.unshift(`${random.pick(['Albania', 'Kosovo', 'Shqipëria'])}:`);
    const joiner = options.lineBreaks && random.chance(0.1) ? '\n' : ' ';
    const metadata: SourceMetadata = { title: titleWords.join(joiner) };
    if (random.chance(0.5)) metadata.author = Array.from({ length: random.int(1, 3) }, () => random.pick(people));
    if (random.chance(0.9)) metadata.publisher = publisher;
    if (random.chance(0.95)) metadata.date = random.chance(0.8) ? `${year}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}` : `${year}`;
    if (random.chance(0.02)) delete metadata.title;
    return source(random.chance(0.02) ? key.toUpperCase() : key, metadata);
  });
}

/** Something an author might type: pieces of real field values, mangled now and then, or nothing that matches. */
function syntheticQuery(random: Random, sources: readonly Source[]): string {
  const picked = random.pick(sources);
  const values = [picked.key, picked.metadata.title ?? '', ...(picked.metadata.author ?? []), picked.metadata.publisher ?? '', picked.metadata.date ?? ''];
  const pieces = values.flatMap((value) => value.split(/\s+/)).filter(Boolean);
  const termCount = random.chance(0.6) ? 1 : random.int(2, 3);
  const terms = Array.from({ length: termCount }, () => {
    const piece = random.pick(pieces);
    const roll = random.next();
    if (roll < 0.45) return piece.slice(0, random.int(1, Math.max(1, piece.length)));
    if (roll < 0.65) {
      const from = random.int(0, Math.max(0, piece.length - 1));
      return piece.slice(from, from + random.int(1, 6));
    }
    if (roll < 0.75) return piece;
    if (roll < 0.88) {
      // A typo: a letter swapped, dropped or doubled.
      const at = random.int(0, Math.max(0, piece.length - 2));
      const kind = random.int(0, 2);
      if (kind === 0) return piece.slice(0, at) + piece.slice(at + 1, at + 2) + piece.slice(at, at + 1) + piece.slice(at + 2);
      if (kind === 1) return piece.slice(0, at) + piece.slice(at + 1);
      return piece.slice(0, at + 1) + piece.slice(at);
    }
    if (roll < 0.92) return random.pick(['a', 'e', 'n', '2', '0', '-', 's', 'ë', 'ç', 'x', 'q', ':', '(']);
    if (roll < 0.96) return random.pick(['zzq', 'qwxv', '99999', 'ǆ', '😀']);
    return piece.normalize('NFD');
  });
  const query = terms.join(random.chance(0.1) ? '  ' : ' ');
  return random.chance(0.2) ? query.toUpperCase() : random.chance(0.1) ? ` ${query}\t` : query;
}

describe('source lookup', () => {
  describe('ranking', () => {
    const sources = [
      source('asylos-2023', { title: 'Trafficking and return', publisher: 'Asylos', date: '2023-12' }),
      source('asylos-2023-annex', { title: 'Annex: interviews', publisher: 'Asylos', date: '2023-12' }),
      source('xasylos-2023', { title: 'A key that merely contains the word' }),
      source('unhcr-2020-00017', { title: 'Asylos-2023 commentary', publisher: 'UNHCR', date: '2020' }),
      source('asylso-2023', { title: 'Misspelt on purpose' }),
      source('greta-2021', { title: 'Fourth evaluation round', publisher: 'GRETA', date: '2021-06-01' }),
    ];
    const lookup = new SourceLookup(sources);

    it('puts the key typed in full first, then keys it begins, then a title word it begins, then keys that merely contain it, then typos', () => {
      const matches = lookup.find('asylos-2023');
      assert.deepEqual(keys(matches).slice(0, 5), ['asylos-2023', 'asylos-2023-annex', 'unhcr-2020-00017', 'xasylos-2023', 'asylso-2023']);
      // Direct matches score against the best of them: whole key 12 points, key prefix 9, title word 6, inside a key 3.
      assert.deepEqual(
        matches.slice(0, 4).map((match) => match.score),
        [1 - 12 / 13, 1 - 9 / 13, 1 - 6 / 13, 1 - 3 / 13],
      );
    });

    it('weighs the field a word is found in: key over title over publisher over year', () => {
      const weighted = new SourceLookup([
        source('by-year', { title: 'Something', date: '2021' }),
        source('by-publisher', { title: 'Something', publisher: 'Fourth Estate' }),
        source('by-title', { title: 'Fourth evaluation' }),
        source('fourth-by-key', { title: 'Something' }),
      ]);
      assert.deepEqual(keys(weighted.find('fourth')), ['fourth-by-key', 'by-title', 'by-publisher']);
      assert.deepEqual(keys(weighted.find('2021')), ['by-year']);
    });

    it('counts a word as starting a word after punctuation but not after a letter, whatever the script', () => {
      const punctuation = new SourceLookup([
        source('inside', { title: 'ßasylos quarterly' }),
        source('after-guillemet', { title: '«asylos» quarterly' }),
        source('after-dash', { title: 'Report—asylos' }),
      ]);
      assert.deepEqual(keys(punctuation.find('asylos')), ['after-dash', 'after-guillemet', 'inside']);
      const [first, , last] = punctuation.find('asylos');
      assert.ok(first.score < last.score);
    });

    it('judges a field by where it first contains the word, as before', () => {
      // In "urban ban" the word first occurs inside "urban": the title counts as containing it (2 points),
      // not as having a word that starts with it (6 points), as "ban urban" does.
      const firstOccurrence = new SourceLookup([source('one', { title: 'urban ban' }), source('two', { title: 'ban urban' })]);
      assert.deepEqual(described(firstOccurrence.find('ban')), [
        ['two', 1 - 6 / 7],
        ['one', 1 - 2 / 7],
      ]);
    });

    it('breaks ties by key, in the order localeCompare gives', () => {
      const tied = ['b-note', 'A-note', 'a-note', 'ä-note', 'Z-note', '10-note', '9-note'];
      const lookup = new SourceLookup(tied.map((key) => source(key, { title: 'Same title' })));
      assert.deepEqual(keys(lookup.find('same')), [...tied].sort((a, b) => a.localeCompare(b)));
    });

    it('still finds a source through a typo when nothing matches directly', () => {
      assert.equal(keys(lookup.find('evalaution'))[0], 'greta-2021');
      assert.equal(keys(lookup.find('grtea 2021'))[0], 'greta-2021');
    });
  });

  describe('words', () => {
    const lookup = new SourceLookup([
      source('asylos-2019', { title: 'Blood feuds', publisher: 'Asylos', date: '2019-03' }),
      source('asylos-2023', { title: 'Shelters in 2019', publisher: 'Asylos', date: '2023-12' }),
      source('accord-2019', { title: 'Blood feuds in the north', publisher: 'ACCORD', date: '2019-07' }),
      source('landinfo-2019', { title: 'Returns', author: ['Asylos Researcher'], date: '2019' }),
      source('note-1', { title: 'Asylos interview', date: '2019-01-02' }),
      source('note-2', { title: 'Interview', publisher: 'Asylos', date: '2019' }),
      source('note-3', { title: 'Interview', publisher: 'Asylos', date: '2018' }),
      source('note-4', { title: 'Interview', publisher: 'UNHCR', date: '2019' }),
    ]);

    it('needs every word to match somewhere, in any field and any order', () => {
      const both = ['asylos-2019', 'asylos-2023', 'landinfo-2019', 'note-1', 'note-2'];
      assert.deepEqual(new Set(keys(lookup.find('asylos 2019'))), new Set(both));
      assert.deepEqual(keys(lookup.find('2019 asylos')), keys(lookup.find('asylos 2019')));
      assert.deepEqual(keys(lookup.find('blood feuds 2019', 2)), ['accord-2019', 'asylos-2019']);
      assert.deepEqual(keys(lookup.find('blood north', 1)), ['accord-2019']);
    });

    it('adds up what each word scores', () => {
      // asylos-2019: "asylos" starts the key (9) and so does "2019" (9); landinfo-2019: a word of the
      // author (4.5) and "2019" in the key (9); note-2: the publisher's whole name (6) and the whole year (4).
      const scores = new Map(described(lookup.find('asylos 2019')));
      assert.equal(scores.get('asylos-2019'), 1 - 18 / 19);
      assert.equal(scores.get('landinfo-2019'), 1 - 13.5 / 19);
      assert.equal(scores.get('note-2'), 1 - 10 / 19);
    });

    it('ignores case, diacritics and extra white space', () => {
      const folding = new SourceLookup([
        source('shqiperia-2022', { title: 'Shqipëria: Raporti Vjetor', author: ['Dritan Çela'] }),
        source('unhcr-2020', { title: 'UNHCR Position', publisher: 'UNHCR' }),
        source('other', { title: 'Something else' }),
      ]);
      for (const query of ['shqipëria', 'SHQIPERIA', 'Shqipe', 'shqipe\u0308r', '  raporti\tvjetor ']) {
        assert.equal(keys(folding.find(query))[0], 'shqiperia-2022', query);
      }
      assert.equal(keys(folding.find('cela'))[0], 'shqiperia-2022');
      assert.equal(keys(folding.find('C\u0327ELA'))[0], 'shqiperia-2022');
      assert.equal(keys(folding.find('Unhcr position'))[0], 'unhcr-2020');
    });

    it('does not match a word across two sources or two fields', () => {
      const boundaries = new SourceLookup([source('ab', { title: 'first' }), source('cd', { title: 'second' })]);
      // Joined, the keys read "ab", "cd" and the titles "first", "second": "bc" and "tse" span two sources.
      assert.equal(new ReferenceLookup([source('ab'), source('cd')]).directCount('bc'), 0);
      assert.deepEqual(described(boundaries.find('bc')), described(new ReferenceLookup([source('ab', { title: 'first' }), source('cd', { title: 'second' })]).find('bc')));
      assert.deepEqual(keys(boundaries.find('tse')), []);
    });

    it('finds words in values that have line breaks of their own', () => {
      const broken = new SourceLookup([
        source('first', { title: 'Two\nlines', author: ['A\nB'] }),
        source('second', { title: 'lines again' }),
      ]);
      // A word after a line break starts a word: both titles score alike, and the keys break the tie.
      assert.deepEqual(keys(broken.find('lines')), ['first', 'second']);
      assert.deepEqual(keys(broken.find('two lines')), ['first']);
      assert.deepEqual(keys(broken.find('b')), ['first']);
    });
  });

  describe('built in steps', () => {
    it('finds what the lookup built at once finds, yielding between its columns', async () => {
      const sources = [
        source('asylos-2023', { title: 'Trafficking and return', publisher: 'Asylos', date: '2023-12' }),
        source('greta-2021', { title: 'Fourth evaluation round', publisher: 'GRETA', date: '2021-06-01' }),
        source('unhcr-2020', { title: 'Returns to Albania', publisher: 'UNHCR', date: '2020' }),
      ];
      let turns = 0;
      const stepped = await SourceLookup.inSteps(sources, async () => {
        turns++;
      });
      const whole = new SourceLookup(sources);
      assert.equal(turns, 5, 'one turn before each of the five columns');
      for (const query of ['', 'asylos', 'return', 'greta 2021', 'unhcr', 'evalution', 'zzz']) {
        assert.deepEqual(stepped.find(query), whole.find(query), query);
      }
    });
  });

  describe('empty query and limits', () => {
    const many = Array.from({ length: 120 }, (_, index) => source(`report-${String(119 - index).padStart(3, '0')}`, { title: `Report number ${index}`, date: '2020' }));
    const lookup = new SourceLookup(many);

    it('lists sources by key for an empty or blank query, with score 0', () => {
      const listed = lookup.find('');
      assert.equal(listed.length, 50);
      assert.deepEqual(keys(listed), many.map((item) => item.key).sort((a, b) => a.localeCompare(b)).slice(0, 50));
      assert.ok(listed.every((match) => match.score === 0));
      assert.deepEqual(keys(lookup.find(' \t ', 3)), ['report-000', 'report-001', 'report-002']);
      assert.deepEqual(keys(new SourceLookup([]).find('')), []);
    });

    it('returns at most `limit` matches, the best ones', () => {
      const all = lookup.find('report', 500);
      assert.equal(all.length, 120);
      assert.deepEqual(keys(lookup.find('report')), keys(all).slice(0, 50));
      assert.deepEqual(keys(lookup.find('report', 7)), keys(all).slice(0, 7));
      assert.deepEqual(described(lookup.find('report', 7)), described(all).slice(0, 7));
      assert.deepEqual(lookup.find('report', 0), []);
      assert.deepEqual(keys(lookup.find('report-11')), ['report-110', 'report-111', 'report-112', 'report-113', 'report-114', 'report-115', 'report-116', 'report-117', 'report-118', 'report-119']);
      // "7" starts the last word of "Report number 7" and of "… 70" to "… 79" (keys report-112 and
      // report-049 to report-040): eleven ties, cut to the limit in key order, ahead of "… 17", "… 27" and so on.
      const sevens = ['report-040', 'report-041', 'report-042', 'report-043', 'report-044', 'report-045', 'report-046', 'report-047', 'report-048', 'report-049', 'report-112'];
      assert.deepEqual(keys(lookup.find('number 7', 3)), sevens.slice(0, 3));
      assert.deepEqual(keys(lookup.find('number 7', 12)).slice(0, 11), sevens);
      assert.ok(lookup.find('number 7', 12)[11].score > lookup.find('number 7', 12)[10].score);
    });

    it('matches nothing in an empty corpus', () => {
      const empty = new SourceLookup([]);
      assert.deepEqual(empty.find('asylos'), []);
      assert.deepEqual(empty.closestKeys('asylos'), []);
    });
  });

  describe('closest keys', () => {
    it('suggests the keys nearest a mistyped one', () => {
      const lookup = new SourceLookup([source('asylos-2023'), source('asylos-2019'), source('greta-2021'), source('unhcr-2020')]);
      assert.deepEqual(lookup.closestKeys('asylos-2032').slice(0, 1), ['asylos-2023']);
      assert.deepEqual(lookup.closestKeys('gerta-2021').slice(0, 1), ['greta-2021']);
      assert.deepEqual(lookup.closestKeys('qqqqqqqqqq'), []);
    });
  });

  describe('against the straightforward lookup it replaces', () => {
    function compare(sources: Source[], seed: number, queries: number): { fuzzy: number; crowded: number; empty: number } {
      const fast = new SourceLookup(sources);
      const reference = new ReferenceLookup(sources);
      const random = new Random('source-lookup', seed);
      const seen = { fuzzy: 0, crowded: 0, empty: 0 };
      for (let index = 0; index < queries; index++) {
        const query = syntheticQuery(random, sources);
        const limit = random.pick([50, 50, 50, 10, 5, 3, 1, 0, 200]);
        const direct = reference.directCount(query);
        if (direct < Math.min(limit, 5)) seen.fuzzy++;
        if (direct > limit) seen.crowded++;
        if (direct === 0) seen.empty++;
        assert.deepEqual(described(fast.find(query, limit)), described(reference.find(query, limit)), `find(${JSON.stringify(query)}, ${limit})`);
      }
      return seen;
    }

    it('gives the same matches in the same order with the same scores, over seeded random queries', function () {
      this.timeout(120_000);
      const seen = compare(syntheticSources(3000, 1), 2, 600);
      // The queries reach every path: many matches cut to the limit, few matches padded by Fuse.js, none at all.
      assert.ok(seen.crowded > 250, `${JSON.stringify(seen)}`);
      assert.ok(seen.fuzzy > 80, `${JSON.stringify(seen)}`);
      assert.ok(seen.empty > 50, `${JSON.stringify(seen)}`);
    });

    it('gives the same matches when some values have line breaks of their own', function () {
      this.timeout(120_000);
      compare(syntheticSources(1500, 3, { lineBreaks: true }), 4, 250);
    });

    it('gives the same results for unusual limits and the empty query', () => {
      const sources = syntheticSources(800, 5);
      const fast = new SourceLookup(sources);
      const reference = new ReferenceLookup(sources);
      for (const query of ['', 'a', 'asylos 2', 'albania', 'zzq', 'unhcr-20']) {
        for (const limit of [2.5, -3, Infinity, Number.NaN, 1000]) {
          assert.deepEqual(described(fast.find(query, limit)), described(reference.find(query, limit)), `find(${JSON.stringify(query)}, ${limit})`);
        }
      }
    });

    it('folds awkward values as it would one at a time: final sigma, dotted I, ligatures, marks at the start, lone surrogates', () => {
      const awkward = ['ΟΔΟΣ', 'ΣΟΦΙΑ', 'İstanbul', 'ﬁnance ﬂow', '\u0301accent first', 'ends in \ud83d', '\ude00starts', '', 'Ǆemal', 'naïve Café'];
      const sources = awkward.map((title, index) => source(`awkward-${index}`, { title, author: [awkward[(index + 3) % awkward.length]] }));
      const fast = new SourceLookup(sources);
      const reference = new ReferenceLookup(sources);
      for (const query of ['οδος', 'οδοσ', 'σοφια', 'istanbul', 'i̇stanbul', 'finance', 'flow', 'accent', 'ends', '\ud83d', 'starts', 'dzemal', 'ǆemal', 'naive cafe', 'e']) {
        assert.deepEqual(described(fast.find(query)), described(reference.find(query)), query);
      }
    });

    it('gives the same fuzzy matches over a corpus of hundreds of distinct characters', () => {
      // Past a hundred or so characters, trigrams are looked up in a map rather than an array.
      const random = new Random('source-lookup queries', 8);
      const character = () => String.fromCharCode(0x4e00 + random.int(0, 400));
      const sources = Array.from({ length: 300 }, (_, index) => {
        const title = Array.from({ length: random.int(2, 5) }, () => Array.from({ length: random.int(2, 4) }, character).join('')).join(' ');
        return source(`cjk-${index}-${character()}${character()}`, { title, publisher: random.pick(organisations) });
      });
      const fast = new SourceLookup(sources);
      const reference = new ReferenceLookup(sources);
      for (let index = 0; index < 60; index++) {
        const picked = random.pick(sources);
        const word = random.pick((picked.metadata.title ?? '').split(' '));
        const query = random.chance(0.5) ? word.slice(1) + character() : `${word.slice(0, -1)}${character()} ${random.pick(['cjk', 'asylos', ''])}`;
        assert.deepEqual(described(fast.find(query)), described(reference.find(query)), query);
        const typo = picked.key.slice(0, -1) + character();
        assert.deepEqual(fast.closestKeys(typo), reference.closestKeys(typo), typo);
      }
    });

    it('suggests the same closest keys', () => {
      const sources = syntheticSources(2000, 6);
      const fast = new SourceLookup(sources);
      const reference = new ReferenceLookup(sources);
      const random = new Random('source-lookup queries', 7);
      for (let index = 0; index < 80; index++) {
        const key = random.pick(sources).key;
        const at = random.int(0, key.length - 2);
        const typo = random.chance(0.5) ? key.slice(0, at) + key[at + 1] + key[at] + key.slice(at + 2) : key.slice(0, at) + key.slice(at + 1);
        assert.deepEqual(fast.closestKeys(typo), reference.closestKeys(typo), typo);
      }
      for (const odd of ['', ' ', 'x', 'ÄSYLOS', 'a'.repeat(40)]) assert.deepEqual(fast.closestKeys(odd), reference.closestKeys(odd), JSON.stringify(odd));
    });
  });
});
