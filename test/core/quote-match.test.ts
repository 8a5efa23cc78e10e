import { strict as assert } from 'node:assert';
import { IndexedText } from '../../src/core/index/indexed-text';
import { matchQuote, parseQuotePattern } from '../../src/core/checks/quote-match';
import { tokenize } from '../../src/core/index/tokenize';

const source = new IndexedText(
  [
    'Many victims felt misunderstood by their family upon return and did not receive the',
    '',
    'support or reassurance they sought. Considering and accommodating family dy-',
    '',
    'namics and relationships in reintegration responses has the potential to contribute sub-',
    '',
    'stantially to more efficient assistance. The post-',
    'trafficking period can involve less than smooth relations (NRM).1 Meanwhile, a report',
    'by the House of Commons found “success stories” prolific. The decision-making.[footnoteRef:2] This is',
    'also the case in Shqipëria, where the government didn’t act.',
  ].join('\n'),
);

describe('tokenizer', () => {
  it('folds case, diacritics, apostrophes and hyphens, and joins words broken at line ends', () => {
    assert.deepEqual(tokenize('Shqipëria didn’t DY-\n\nnamics post-trafficking').words, ['shqiperia', 'didnt', 'dynamics', 'posttrafficking']);
  });

  it('drops footnote markers from sources but keeps real numbers', () => {
    assert.deepEqual(tokenize('(NRM).1 Meanwhile 3.5 and 1,000 people¹ x[footnoteRef:2] y', { dropFootnoteMarkers: true }).words, [
      'nrm',
      'meanwhile',
      '3',
      '5',
      'and',
      '1',
      '000',
      'people',
      'x',
      'y',
    ]);
  });

  it('keeps offsets into the original text', () => {
    const text = 'Fam-\nily ties';
    const tokens = tokenize(text);
    assert.deepEqual(tokens.words, ['family', 'ties']);
    assert.equal(text.slice(tokens.starts[0], tokens.ends[0]), 'Fam-\nily');
  });
});

describe('quote matching', () => {
  it('finds a quote across hard wraps, blank lines and line-end hyphenation', () => {
    const match = matchQuote(source, 'Considering and accommodating family dynamics and relationships in reintegration responses has the potential to contribute substantially');
    assert.equal(match.found, true);
    if (match.found) {
      assert.equal(source.text.slice(match.location.start, match.location.start + 11), 'Considering');
      assert.ok(source.text.slice(match.location.start, match.location.end).endsWith('stantially'));
    }
  });

  it('tolerates case, curly versus straight quotes and apostrophes, and real hyphens', () => {
    assert.equal(matchQuote(source, "ALSO THE CASE IN SHQIPERIA, WHERE THE GOVERNMENT DIDN'T ACT").found, true);
    assert.equal(matchQuote(source, 'the post-trafficking period can involve').found, true);
    assert.equal(matchQuote(source, 'found "success stories" prolific').found, true);
  });

  it('ignores footnote markers in the source', () => {
    assert.equal(matchQuote(source, 'less than smooth relations (NRM). Meanwhile, a report by the House of Commons').found, true);
    assert.equal(matchQuote(source, 'The decision-making. This is also the case').found, true);
  });

  it('accepts omissions marked [...], […] and ...', () => {
    for (const quote of [
      'Many victims felt misunderstood [...] did not receive the support',
      'Many victims felt misunderstood […] did not receive the support',
      'Many victims felt misunderstood ... did not receive the support',
      'Many victims felt misunderstood … did not receive the support',
    ]) {
      assert.equal(matchQuote(source, quote).found, true, quote);
    }
  });

  it('accepts bracketed editorial changes and [sic]', () => {
    assert.equal(matchQuote(source, '[M]any victims felt misunderstood by their family').found, true);
    assert.equal(matchQuote(source, 'victims felt misunderstood by [their relatives] upon return').found, true);
    assert.equal(matchQuote(source, 'victims felt misunderstood [sic] by their family').found, true);
  });

  it('requires the parts around an omission to be in order', () => {
    assert.equal(matchQuote(source, 'did not receive the support [...] Many victims felt misunderstood').found, false);
  });

  it('rejects a changed word and names the closest passage and the difference', () => {
    const match = matchQuote(source, 'Many victims felt understood by their family upon return');
    assert.equal(match.found, false);
    if (!match.found) {
      assert.ok(match.closest);
      assert.equal(source.text.slice(match.closest.start, match.closest.start + 4), 'Many');
      assert.ok(match.closest.similarity > 0.8 && match.closest.similarity < 1, String(match.closest.similarity));
      assert.deepEqual(match.closest.differences, [['understood', 'misunderstood']]);
    }
  });

  it('rejects an inserted word and an omitted word without an ellipsis', () => {
    const inserted = matchQuote(source, 'Many victims felt deeply misunderstood by their family');
    assert.equal(inserted.found, false);
    if (!inserted.found) assert.deepEqual(inserted.closest?.differences, [['deeply', '']]);
    const omitted = matchQuote(source, 'Many victims felt by their family');
    assert.equal(omitted.found, false);
    if (!omitted.found) assert.deepEqual(omitted.closest?.differences, [['', 'misunderstood']]);
  });

  it('reports low similarity for words the source never says', () => {
    const match = matchQuote(source, 'Completely unrelated sentence about weather forecasts in Norway');
    assert.equal(match.found, false);
    if (!match.found) assert.ok((match.closest?.similarity ?? 0) < 0.5);
  });

  it('parses quote patterns into segments and gaps', () => {
    assert.deepEqual(parseQuotePattern('[T]he state [...] and [our] people [emphasis added]'), {
      segments: [['the', 'state'], ['and'], ['people']],
      gaps: ['omission', 'substitution'],
    });
  });

  it('stays fast on a large source by looking words up instead of scanning', () => {
    const filler = 'The report describes the situation of families and the state in great detail. ';
    const big = new IndexedText(filler.repeat(40_000) + 'A unique closing sentence about Vlorë harbour.');
    assert.ok(big.wordCount > 500_000);
    assert.equal(matchQuote(big, 'A unique closing sentence about Vlore harbour').found, true);
    const altered = matchQuote(big, 'A unique closing sentence about Durrës harbour');
    assert.equal(altered.found, false);
    if (!altered.found) assert.deepEqual(altered.closest?.differences, [['durres', 'vlore']]);
  });
});
