import { strict as assert } from 'node:assert';
import { escapeMarkdown } from '../../src/core/report/markdown-escape';

describe('escaping corpus text for Markdown', () => {
  it('escapes link, image, autolink and HTML syntax', () => {
    const escaped = escapeMarkdown('[click](command:workbench.action.quit) ![x](y) <https://e.vil> www.e.vil a@b.org <b>');
    assert.ok(!/(^|[^\\])\[/.test(escaped), escaped);
    assert.ok(!/(^|[^\\])</.test(escaped), escaped);
    assert.ok(!/[^\\]:\/\//.test(escaped), escaped);
    assert.ok(!escaped.includes('www.'), escaped);
    assert.ok(!escaped.includes('b.org'), escaped);
  });

  it('keeps the text readable once the escapes are removed', () => {
    const text = 'Report #3: 61% (n = 212) – “success stories”, p. 35!';
    assert.equal(escapeMarkdown(text).replace(/\\(.)/g, '$1'), text);
  });

  it('flattens line breaks so that text cannot start a block', () => {
    assert.equal(escapeMarkdown('a\n# heading\r\n> quote'), 'a \\# heading \\> quote');
  });
});
