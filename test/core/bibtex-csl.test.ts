import { strict as assert } from 'node:assert';
import type { BibliographyEntry } from '../../src/core/bibliography/bibliography-entry';
import { parseBibtex } from '../../src/core/bibliography/bibtex';
import { edtfDate, parseName } from '../../src/core/bibliography/bibtex-csl';
import { toCslJson } from '../../src/core/bibliography/csl-export';
import { parseCslJson } from '../../src/core/bibliography/csl-json';
import { latexToUnicode } from '../../src/core/bibliography/latex-text';
import { SourceFieldsSchema } from '../../src/core/metadata/schema';

function only(bib: string): BibliographyEntry {
  const parsed = parseBibtex(bib);
  assert.equal(parsed.entries.length, 1, JSON.stringify(parsed.problems));
  return parsed.entries[0];
}

describe('BibTeX entries read as pandoc reads them', () => {
  it('reads "Last, Jr., First", particles, braced corporate names and "others"', () => {
    assert.deepEqual(parseName('Bennett, Jr., Frank G.', false), { family: 'Bennett', given: 'Frank G.', suffix: 'Jr.' });
    assert.deepEqual(parseName('Ludwig van Beethoven', false), { family: 'Beethoven', given: 'Ludwig', 'dropping-particle': 'van' });
    assert.deepEqual(parseName('Ludwig van Beethoven', true), { family: 'Beethoven', given: 'Ludwig', 'non-dropping-particle': 'van' });
    assert.deepEqual(parseName('{World Health Organization}', false), { literal: 'World Health Organization' });
    assert.deepEqual(parseName('{\\noopsort{condorcet}}de Condorcet, Nicolas', false), { family: 'Condorcet', given: 'Nicolas', 'dropping-particle': 'de' });
    assert.deepEqual(parseName('others', false), { literal: 'others' });
  });

  it("reads Better BibLaTeX's extended name format", () => {
    assert.deepEqual(parseName('family=Heuvel, given=Charles, prefix=van den, useprefix=false', false), {
      family: 'Heuvel',
      given: 'Charles',
      'dropping-particle': 'van den',
    });
    assert.deepEqual(parseName('family=Meij, given=Vincent, prefix=van der, useprefix=true', false), {
      family: 'Meij',
      given: 'Vincent',
      'non-dropping-particle': 'van der',
    });
  });

  it('keeps names whole in metadata and "et al." in citewise bib', () => {
    const entry = only('@book{b, author = {Bennett, Jr., Frank G. and family=Heuvel, given=Charles, prefix=van den, useprefix=false and others}, title = {T}}');
    assert.deepEqual(entry.fields.author, ['Bennett, Jr., Frank G.', 'Heuvel, Charles van den']);
    const [item] = toCslJson([{ key: 'b', metadata: {}, csl: entry.csl }]);
    assert.deepEqual(item.author, [
      { family: 'Bennett', given: 'Frank G.', suffix: 'Jr.' },
      { family: 'Heuvel', given: 'Charles', 'dropping-particle': 'van den' },
      { literal: 'others' },
    ]);
  });

  it('inherits fields through crossref, renaming the parent title to the container title; xref inherits nothing', () => {
    const parsed = parseBibtex(
      [
        '@incollection{ch, author = {Westfahl, Gary}, title = {The True Frontier}, pages = {55--65}, crossref = {coll}}',
        '@article{art, author = {Doe, Jane}, title = {Related}, xref = {coll}}',
        '@collection{coll, editor = {Westfahl, Gary}, title = {Space and Beyond}, date = {2000}, publisher = {Greenwood}}',
      ].join('\n'),
    );
    const chapter = parsed.entries.find((entry) => entry.key === 'ch')!;
    assert.equal(chapter.csl['container-title'], 'Space and beyond');
    assert.equal(chapter.csl.title, 'The true frontier');
    assert.deepEqual(chapter.csl.issued, { 'date-parts': [[2000]] });
    assert.equal(chapter.csl.page, '55-65');
    assert.equal(chapter.fields.date, '2000');
    assert.equal(chapter.fields.publisher, 'Greenwood');
    const article = parsed.entries.find((entry) => entry.key === 'art')!;
    assert.equal(article.csl.issued, undefined);
    assert.equal(article.csl['container-title'], undefined);
    const missing = parseBibtex('@incollection{x, title = {T}, crossref = {nowhere}}');
    assert.deepEqual(missing.problems, [{ line: 1, message: 'entry "x" inherits from "nowhere" (crossref or xdata), which is not in this file' }]);
  });

  it('reads seasons, EDTF dates, BCE years and ranges without a problem, and keeps them in CSL-JSON', () => {
    assert.deepEqual(edtfDate('2017-21'), { 'date-parts': [[2017, 21]] });
    assert.deepEqual(edtfDate('20uu'), { 'date-parts': [[2000], [2099]] });
    assert.deepEqual(edtfDate('-0876'), { 'date-parts': [[-877]] });
    assert.deepEqual(edtfDate('1988/1992'), { 'date-parts': [[1988], [1992]] });
    assert.deepEqual(edtfDate('1723?~'), { 'date-parts': [[1723]], circa: true });
    assert.deepEqual(edtfDate('2014-12-31/'), { 'date-parts': [[2014, 12, 31], [0]] });
    assert.equal(edtfDate('spring'), undefined);
    const parsed = parseBibtex(
      [
        '@online{season, title = {S}, date = {2017-21}}',
        '@online{century, title = {C}, date = {20uu}}',
        '@online{bce, title = {B}, date = {-0876}}',
        '@online{range, title = {R}, date = {2022-01/2022-03}}',
        '@online{bad, title = {X}, date = {someday}}',
      ].join('\n'),
    );
    assert.deepEqual(parsed.problems, [{ line: 5, message: 'date "someday" is not a date this tool can read; write it as YYYY, YYYY-MM or YYYY-MM-DD' }]);
    const dates = Object.fromEntries(parsed.entries.map((entry) => [entry.key, entry.fields.date]));
    assert.deepEqual(dates, { season: '2017', century: undefined, bce: undefined, range: '2022-01', bad: undefined });
    const range = parsed.entries.find((entry) => entry.key === 'range')!;
    assert.deepEqual(toCslJson([{ key: 'range', metadata: { date: '2022-01' }, csl: range.csl }])[0].issued, { 'date-parts': [[2022, 1], [2022, 3]] });
  });

  it('keeps the text of LaTeX commands in titles', () => {
    assert.equal(latexToUnicode('\\mkbibquote{Intention} und $\\cdot$ \\bar{1} a\\hyphen b'), '“Intention” und · 1̄ a-b');
    assert.equal(latexToUnicode('{\\noopsort{condorcet}}de Condorcet'), 'de Condorcet');
    assert.equal(latexToUnicode('de’\\kern0pt'), 'de’');
    const entry = only('@book{k, title = {The {Mizoroki-Heck} Reaction in \\emph{Latin} and {de Gaulle}}, langid = {english}}');
    assert.equal(entry.fields.title, 'The Mizoroki-Heck Reaction in Latin and de Gaulle');
    // pandoc gives English titles in sentence case (emphasis included), keeping braced words, which a
    // style's title case leaves alone: "The Mizoroki-Heck Reaction in Latin and de Gaulle".
    assert.equal(entry.csl.title, 'The Mizoroki-Heck reaction in <i>latin</i> and <span class="nocase">de Gaulle</span>');
    assert.equal(entry.csl.language, 'en-US');
  });

  it('maps entry types to CSL types as pandoc does, so a book is italicised', () => {
    const parsed = parseBibtex(
      ['@book{b, title = {B}}', '@incollection{c, title = {C}}', '@online{o, title = {O}}', '@article{n, title = {N}, entrysubtype = {newspaper}}', '@misc{m, title = {M}}', '@phdthesis{t, title = {T}}'].join('\n'),
    );
    assert.deepEqual(
      parsed.entries.map((entry) => [entry.key, entry.csl.type, entry.fields.type]),
      [
        ['b', 'book', 'other'],
        ['c', 'chapter', 'other'],
        ['o', 'webpage', 'other'],
        ['n', 'article-newspaper', 'news'],
        ['m', '', 'other'],
        ['t', 'thesis', 'thesis'],
      ],
    );
    assert.equal(parsed.entries[5].csl.genre, 'PhD thesis');
  });

  it('reports an unknown language name once per file, not once per entry', () => {
    const parsed = parseBibtex(['@book{a, title = {A}, langid = {Anglais}}', '@book{b, title = {B}, langid = {Anglais}}', '@book{c, title = {C}, langid = {Anglais}}'].join('\n'));
    assert.deepEqual(parsed.problems, [{ line: 1, message: 'language "Anglais" is not one this tool knows (3 entries, the first here); give an ISO code such as en or sq' }]);
    const json = parseCslJson(JSON.stringify([1, 2].map((n) => ({ id: `i${n}`, type: 'book', language: 'Anglais' })), null, 1));
    assert.deepEqual(json.problems, [{ line: 3, message: 'language "Anglais" is not one this tool knows (2 entries, the first here); give an ISO code such as en or sq' }]);
  });

  it('says why a key cannot be cited', () => {
    const message = (key: string) => {
      const result = SourceFieldsSchema.safeParse({ key });
      return result.success ? undefined : result.error.issues[0].message;
    };
    assert.equal(message('smith2020'), undefined);
    assert.equal(message('Other-'), '"Other-" ends with "-", which pandoc reads as punctuation after the key, so @Other- would cite "Other"; end the key with a letter, digit or underscore');
    assert.equal(message('-a'), '"-a" starts with "-"; a citation key starts with a letter, digit or underscore');
    assert.equal(message('a b'), '"a b" has a space, so @a b would cite "a"; a citation key has no spaces');
  });
});

describe('hostile bibliographies', () => {
  it('reads braces and formatting nested thousands deep without exhausting the stack', () => {
    const nested = `${'{'.repeat(100000)}x${'}'.repeat(100000)}`;
    assert.equal(only(`@book{a, title = ${nested}}`).fields.title, 'x');
    assert.equal(latexToUnicode(`${'\\emph{'.repeat(50000)}y${'}'.repeat(50000)} z`), 'y z');
  });

  it('follows a crossref chain only so far, and a cycle not at all', () => {
    const chain = Array.from({ length: 2000 }, (_, index) => `@book{k${index}, crossref = {k${index + 1}}}`).join('\n');
    const parsed = parseBibtex(`${chain}\n@book{k2000, title = {Top}}\n@book{x, title = {X}, crossref = {y}}\n@book{y, crossref = {x}}`);
    assert.equal(parsed.entries.length, 2003);
    const title = (key: string) => parsed.entries.find((entry) => entry.key === key)?.fields.title;
    assert.equal(title('k1999'), 'Top');
    assert.equal(title('k1992'), 'Top');
    assert.equal(title('k1991'), undefined);
    assert.equal(title('y'), 'X');
  });
});
