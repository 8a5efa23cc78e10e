import { strict as assert } from 'node:assert';
import { parseCitations, parseLocator } from '../../src/core/report/citations';
import { parseMarkdown } from '../../src/core/report/markdown';

function citationsIn(markdown: string) {
  return parseCitations(parseMarkdown(markdown).prose);
}

describe('citation parser', () => {
  it('parses a single bracketed citation with exact key range', () => {
    const text = 'Families decide [@asylos2023].';
    const [group] = citationsIn(text);
    assert.equal(group.bracketed, true);
    assert.equal(text.slice(group.start, group.end), '[@asylos2023]');
    const [item] = group.items;
    assert.equal(item.key, 'asylos2023');
    assert.equal(text.slice(item.keyStart, item.keyEnd), 'asylos2023');
    assert.equal(item.inText, false);
  });

  it('reads page locators, page lists and ranges', () => {
    const [single] = citationsIn('A claim [@key, p. 35].')[0].items;
    assert.deepEqual(single.locator, { text: 'p. 35', pages: [{ from: '35', to: '35' }], label: 'page', value: '35' });
    const [list] = citationsIn('A claim [@key, pp. 58, 64].')[0].items;
    assert.deepEqual(list.locator?.pages, [
      { from: '58', to: '58' },
      { from: '64', to: '64' },
    ]);
    const [range] = citationsIn('A claim [@key, p. 35-37].')[0].items;
    assert.deepEqual(range.locator?.pages, [{ from: '35', to: '37' }]);
    assert.deepEqual(parseLocator(', pp. 123-45')?.pages, [{ from: '123', to: '145' }]);
    assert.deepEqual(parseLocator(', chap. 3')?.pages, []);
    assert.equal(parseLocator(', and elsewhere'), undefined);
  });

  it('splits groups with prefixes and several items', () => {
    const text = 'Text [see @a, p. 3; also @b] more.';
    const [group] = citationsIn(text);
    assert.deepEqual(
      group.items.map((item) => [item.key, item.prefix, item.suffix]),
      [
        ['a', 'see', ', p. 3'],
        ['b', 'also', ''],
      ],
    );
    assert.equal(text.slice(group.items[1].start, group.items[1].end), 'also @b');
  });

  it('recognises suppressed-author citations', () => {
    const [item] = citationsIn('Smith says [-@smith2020, p. 4].')[0].items;
    assert.equal(item.key, 'smith2020');
    assert.equal(item.suppressAuthor, true);
  });

  it('reads in-text citations with an optional bracketed locator', () => {
    const text = 'As @smith2020 [p. 33] argues, and @jones notes.';
    const groups = citationsIn(text);
    assert.deepEqual(
      groups.map((group) => group.items[0].key),
      ['smith2020', 'jones'],
    );
    assert.equal(groups[0].items[0].inText, true);
    assert.equal(groups[0].items[0].locator?.text, 'p. 33');
    assert.equal(text.slice(groups[0].start, groups[0].end), '@smith2020 [p. 33]');
  });

  it('drops trailing punctuation from keys but keeps inner punctuation', () => {
    const groups = citationsIn('See @doe:2021.x. And @{weird key}.');
    assert.deepEqual(
      groups.map((group) => group.items[0].key),
      ['doe:2021.x', 'weird key'],
    );
  });

  it('ignores e-mail addresses, escaped at-signs, links, code spans and code blocks', () => {
    const text = [
      'Write to info@example.org or \\@notakey.',
      'A [link](https://example.org/@user) and [text][ref].',
      'Inline `[@incode]` code.',
      '',
      '```',
      '[@inblock]',
      '```',
      '',
      '    [@indented]',
      '',
      '<!-- [@incomment] -->',
      'Real [@real].',
    ].join('\n');
    const keys = citationsIn(text).flatMap((group) => group.items.map((item) => item.key));
    assert.deepEqual(keys, ['real']);
  });

  it('does not treat brackets without a key as a citation', () => {
    assert.deepEqual(citationsIn('A [note] and [p. 3] here.'), []);
  });

  it('keeps offsets exact in text with multi-byte characters before the citation', () => {
    const text = 'Shqipëria “çështje” — [@ëkey, p. 2]';
    const [item] = citationsIn(text)[0].items;
    assert.equal(text.slice(item.keyStart, item.keyEnd), 'ëkey');
  });

  it('does not let a citation group span paragraphs', () => {
    const groups = citationsIn('An open [bracket\n\nand @later here].');
    assert.equal(groups.length, 1);
    assert.equal(groups[0].bracketed, false);
    assert.equal(groups[0].items[0].key, 'later');
  });

  it('finds every citation in an inline note, each in running text', () => {
    const groups = citationsIn('Text.^[See @a, p. 3, and @b, p. 5.]');
    assert.deepEqual(
      groups.map((group) => [group.items[0].key, group.items[0].inText, group.items[0].locator]),
      [
        ['a', true, undefined],
        ['b', true, undefined],
      ],
    );
    const nested = citationsIn('Hi^[[See also @w; @s, p. 4].]');
    assert.deepEqual(
      nested[0].items.map((item) => [item.key, item.prefix, item.locator?.value]),
      [
        ['w', 'See also', undefined],
        ['s', '', '4'],
      ],
    );
  });

  it('reads braced keys, such as URLs, up to the matching brace', () => {
    const text = 'As shown [@{https://example.com/bib?name=x&date=2000}, p. 33].';
    const [item] = citationsIn(text)[0].items;
    assert.equal(item.key, 'https://example.com/bib?name=x&date=2000');
    assert.equal(text.slice(item.keyStart, item.keyEnd), item.key);
    assert.deepEqual(item.locator?.pages, [{ from: '33', to: '33' }]);
    assert.equal(citationsIn('See @{Foo_bar.baz.} here.')[0].items[0].key, 'Foo_bar.baz.');
  });

  it('ends a key where pandoc does: at repeated or final punctuation', () => {
    const keys = citationsIn('See @Foo_bar--baz and @Foo_bar.baz. and @a:b/c-d.').map((group) => group.items[0].key);
    assert.deepEqual(keys, ['Foo_bar', 'Foo_bar.baz', 'a:b/c-d']);
  });

  it('reads double-hyphen ranges and the locator terms of pandoc', () => {
    assert.deepEqual(parseLocator(', pp. 93--101'), { text: 'pp. 93--101', pages: [{ from: '93', to: '101' }], label: 'page', value: '93--101' });
    assert.deepEqual(parseLocator(', pp. 501--3')?.pages, [{ from: '501', to: '503' }]);
    assert.deepEqual(
      [', bk. VI', ', n. 6', ', s.v. 12', ', sec. 2.1.3, foo', ', 14', ', p.3'].map((suffix) => [parseLocator(suffix)?.label, parseLocator(suffix)?.value]),
      [
        ['book', 'VI'],
        ['note', '6'],
        ['sub verbo', '12'],
        ['section', '2.1.3'],
        ['page', '14'],
        ['page', '3'],
      ],
    );
    // pandoc 2.17 ends a locator before "and", "&" and "to", and reads a bare roman numeral as no locator.
    assert.equal(parseLocator(', nos. 6 and 7')?.value, '6');
    assert.equal(parseLocator(', pp. 33, 35-37, and nowhere else')?.value, '33, 35-37');
    assert.equal(parseLocator(', xiv'), undefined);
    assert.equal(parseLocator(', p 3'), undefined);
  });

  it('takes a locator in braces as it is, and {} as no locator', () => {
    assert.deepEqual(parseLocator('{ii, A, D-Z}, with a suffix'), {
      text: '{ii, A, D-Z}',
      pages: [
        { from: 'ii', to: 'ii' },
        { from: 'A', to: 'A' },
        { from: 'D', to: 'Z' },
      ],
      label: 'page',
      value: 'ii, A, D-Z',
    });
    assert.equal(parseLocator(', {sec. iv} more')?.label, 'section');
    const [item] = citationsIn('[@smith{}, 99 years later]')[0].items;
    assert.equal(item.locator, undefined);
    assert.equal(item.suffix, ', 99 years later');
  });

  it('gives an in-text citation the locator in the brackets after it, and cites the other items there', () => {
    const text = 'As @a [p. 33; @b] says.';
    const [group] = citationsIn(text);
    assert.deepEqual(
      group.items.map((item) => [item.key, item.inText, item.locator?.value]),
      [
        ['a', true, '33'],
        ['b', false, undefined],
      ],
    );
    assert.equal(text.slice(group.start, group.end), '@a [p. 33; @b]');
  });

  it('takes no @ in an HTML tag or an attribute block for a citation', () => {
    const text = '![Chart](chart.png){fig-alt="Chart from @a"} and <span title="see @b">x</span> {#fig .wide} but @c.';
    assert.deepEqual(
      citationsIn(text).map((group) => group.items[0].key),
      ['c'],
    );
  });

  it('takes `(@label)` for a numbered example only at the start of a line, after blanks alone, before a blank', () => {
    const defined = ['(@first) One.', ' \t (@second)\tTwo.', '\r\n(@third) Three.', 'x\u2028  (@fourth) Four.', '(@fifth)\u2029(@sixth) Six.'].join('\n');
    const undefinedHere = ['Text (@inline) here.', '-(@dash) no.', '(@eol)', '(@nospace)x'].join('\n');
    const uses = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'inline', 'dash', 'eol', 'nospace'].map((label) => `See (@${label}).`).join(' ');
    const cited = new Set(citationsIn(`${defined}\n${undefinedHere}\n\n${uses}`).flatMap((group) => group.items.map((item) => item.key)));
    // A label defined as an example is no citation anywhere; the others are cited where `See (@…)` names them.
    for (const label of ['first', 'second', 'third', 'fourth', 'sixth']) assert.ok(!cited.has(label), label);
    for (const label of ['fifth', 'inline', 'dash', 'eol', 'nospace']) assert.ok(cited.has(label), label);
  });

  it('takes pandoc numbered examples for examples, not citations', () => {
    const text = ['(@good)  This is a good example.', '', 'As (@good) illustrates, and (@other) cites.'].join('\n');
    assert.deepEqual(
      citationsIn(text).map((group) => group.items[0].key),
      ['other'],
    );
  });
});
