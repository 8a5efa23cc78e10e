import { strict as assert } from 'node:assert';
import { parseCitations, parseLocator } from '../../src/core/citations';
import { parseMarkdown } from '../../src/core/markdown';

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
    assert.deepEqual(single.locator, { text: 'p. 35', pages: [{ from: '35', to: '35' }] });
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
});
