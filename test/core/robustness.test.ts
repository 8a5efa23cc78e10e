import { strict as assert } from 'node:assert';
import { checkReport } from '../../src/core/checks/checks';
import { IndexedText } from '../../src/core/index/indexed-text';
import { matchQuote } from '../../src/core/checks/quote-match';
import { mergeSettings } from '../../src/core/settings/settings';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const pieces = ['[', ']', '@', '@key', '“', '”', '"', '>', '> ', '\n', '\n\n', '```', '`', '<!--', '-->', '---', '# ', '- ', '|', '[...]', '…', '.', ' ', 'word', '2022', '43%', 'Source:', '\\', '{', '}', 'ë', '\u0000', '\r\n', '[@a; -@b, p. 3]', 'citewise-disable'];

describe('robustness', () => {
  it('checks arbitrary Markdown-like garbage without throwing and with ranges inside the text', () => {
    const next = random(20261125);
    const settings = mergeSettings({ file: '/tmp/report.md', settings: { timeframe: { from: '2021-01-01' } }, problems: [] });
    for (let round = 0; round < 300; round++) {
      let text = '';
      const length = Math.floor(next() * 80);
      for (let index = 0; index < length; index++) text += pieces[Math.floor(next() * pieces.length)];
      const lines = text.split('\n');
      const { findings } = checkReport('/tmp/report.md', text, { settings });
      for (const finding of findings) {
        if (finding.rule === 'invalid-settings') continue;
        assert.ok(finding.range.start.line < lines.length, JSON.stringify({ text, finding }));
        assert.ok(finding.range.end.line < lines.length, JSON.stringify({ text, finding }));
      }
    }
  });

  it('matches arbitrary quotes against arbitrary sources without throwing', () => {
    const next = random(7);
    for (let round = 0; round < 200; round++) {
      const build = (length: number) => Array.from({ length }, () => pieces[Math.floor(next() * pieces.length)]).join('');
      const source = new IndexedText(build(Math.floor(next() * 200)));
      const result = matchQuote(source, build(Math.floor(next() * 20)));
      assert.equal(typeof result.found, 'boolean');
    }
  });
});
