import { strict as assert } from 'node:assert';
import { analyzeReport } from '../../src/core/report/report';

function quotes(text: string) {
  return analyzeReport(text).quotes.map((quote) => ({
    text: quote.text,
    kind: quote.kind,
    words: quote.wordCount,
    cites: quote.attribution?.items.map((item) => item.key) ?? [],
  }));
}

describe('report analysis', () => {
  describe('sentences', () => {
    it('splits on full stops but not after abbreviations, initials or inside quotes and citations', () => {
      const text = 'Dr. Smith arrived in 2021, e.g. at noon. J. Doe left [see @a, p. 3]. She said “Stop. Now.” Then 5 more.';
      const sentences = analyzeReport(text).sentences.map((sentence) => text.slice(sentence.start, sentence.end));
      assert.deepEqual(sentences, [
        'Dr. Smith arrived in 2021, e.g. at noon.',
        'J. Doe left [see @a, p. 3].',
        'She said “Stop. Now.”',
        'Then 5 more.',
      ]);
    });

    it('attaches a citation written after the full stop to the sentence before it', () => {
      const text = 'Returns rose in 2022. [@key] Then they fell.';
      const [first, second] = analyzeReport(text).sentences;
      assert.equal(text.slice(first.start, first.end), 'Returns rose in 2022. [@key]');
      assert.equal(first.citations.length, 1);
      assert.equal(text.slice(second.start, second.end), 'Then they fell.');
    });
  });

  describe('quotes', () => {
    it('finds curly and straight quotes, also across wrapped lines', () => {
      assert.deepEqual(quotes('He said “the family\ndecides” and "nobody else" did.'), [
        { text: 'the family\ndecides', kind: 'inline', words: 3, cites: [] },
        { text: 'nobody else', kind: 'inline', words: 2, cites: [] },
      ]);
    });

    it('does not pair inch marks or apostrophes as quotes', () => {
      assert.deepEqual(quotes('A 5" screen and the family’s house.'), []);
    });

    it('attributes a quote to the citation after it in the same sentence', () => {
      assert.deepEqual(quotes('As noted [@before], “the family decides” [@after, p. 3]. Next [@other].').map((quote) => quote.cites), [['after']]);
    });

    it('falls back to a citation earlier in the sentence', () => {
      assert.deepEqual(quotes('@smith2020 writes that “the family decides everything”.').map((quote) => quote.cites), [['smith2020']]);
    });

    it('does not attribute a quote to a citation in another sentence', () => {
      assert.deepEqual(quotes('“The family decides everything here.” Another claim [@x].').map((quote) => quote.cites), [[]]);
    });

    it('treats a blockquote as one quote, attributed to its own citation', () => {
      const text = '> Families play a crucial role in\n> the decision to migrate. [@asylos2023, p. 35]\n\nAfter.';
      const [quote] = analyzeReport(text).quotes;
      assert.equal(quote.kind, 'blockquote');
      assert.equal(quote.text.replace(/\s+/g, ' ').trim(), 'Families play a crucial role in the decision to migrate.');
      assert.deepEqual(quote.attribution?.items.map((item) => item.key), ['asylos2023']);
    });

    it('attributes a blockquote to a "Source:" paragraph right after it (COI style)', () => {
      const text = '> Families play a crucial role in the decision.\n\nSource: [@asylos2023, p. 35]\n';
      assert.deepEqual(quotes(text).map((quote) => quote.cites), [['asylos2023']]);
    });

    it('attributes a blockquote to a "Source:" line inside it', () => {
      const text = '> Families play a crucial role in the decision.\n> Source: [@asylos2023]\n';
      const [quote] = quotes(text);
      assert.deepEqual(quote.cites, ['asylos2023']);
      assert.equal(quote.text.trim(), 'Families play a crucial role in the decision.');
    });

    it('attributes an inline quote to a "Source:" line in the same paragraph', () => {
      const text = '“Families play a crucial role in the decision.”\nSource: [@asylos2023]';
      assert.deepEqual(quotes(text).map((quote) => quote.cites), [['asylos2023']]);
    });

    it('attributes a quote to a following paragraph that is only a citation', () => {
      assert.deepEqual(quotes('“Families play a crucial role in the decision.”\n\n[@asylos2023]').map((quote) => quote.cites), [['asylos2023']]);
    });

    it('does not take a citation from a following ordinary paragraph', () => {
      assert.deepEqual(quotes('“Families play a crucial role in the decision.”\n\nOther text [@x].').map((quote) => quote.cites), [[]]);
    });

    it('uses inner quotes of a blockquote rather than the whole block', () => {
      const parsed = quotes('> The officer said “we never return anyone” [@x].');
      assert.deepEqual(parsed, [{ text: 'we never return anyone', kind: 'inline', words: 4, cites: ['x'] }]);
    });

    it('ignores quotes inside code', () => {
      assert.deepEqual(quotes('Use `"quoted text here"` in code.'), []);
    });
  });
});
