import { strict as assert } from 'node:assert';
import { decodeEntities, htmlToText } from '../../src/core/metadata/html';

export const articlePage = `<!DOCTYPE html>
<html lang="sq-AL">
<head>
  <meta charset="utf-8">
  <title>Raporti vjetor &ndash; Ministria e Financave</title>
  <meta name="author" content="Arta Hoxha">
  <meta name="citation_publication_date" content="2022/09/21">
  <meta property="article:published_time" content="2021-01-01T00:00:00Z">
  <style>p { color: red; } /* <p>not text</p> */</style>
  <script>if (a < b && c > d) { document.write("<p>not text</p>"); }</script>
  <link rel="stylesheet" href="x.css">
</head>
<body>
  <!-- navigation starts here <p>hidden</p> -->
  <header><nav><ul><li><a href="/">Kreu</a></li><li><a href="/lajme">Lajme</a></li></ul></nav></header>
  <article>
    <h1>Raporti   vjetor</h1>
    <p>Ministria publikoi sot
       raportin e <strong>plotë</strong> për vitin 2021.</p>
    <p>Sipas raportit, &ldquo;shpenzimet u rritën me 12&nbsp;%&rdquo; krahasuar me vitin e kaluar.</p>
    <blockquote>Citim i gjatë.</blockquote>
    <noscript><p>Ju lutem aktivizoni JavaScript.</p></noscript>
    <svg viewBox="0 0 10 10"><title>ikonë</title><text>svg text</text></svg>
    <template><p>template text</p></template>
  </article>
  <footer>&copy; 2022 Ministria</footer>
</body>
</html>`;

describe('html', () => {
  describe('htmlToText', () => {
    it('extracts the text of a realistic article page', () => {
      assert.equal(
        htmlToText(articlePage),
        [
          'Kreu',
          'Lajme',
          '',
          'Raporti vjetor',
          '',
          'Ministria publikoi sot raportin e plotë për vitin 2021.',
          '',
          'Sipas raportit, “shpenzimet u rritën me 12 %” krahasuar me vitin e kaluar.',
          '',
          'Citim i gjatë.',
          '',
          '© 2022 Ministria',
        ].join('\n'),
      );
    });

    it('drops script, style, noscript, template, svg, head contents and comments', () => {
      const text = htmlToText(articlePage);
      for (const hidden of ['not text', 'color', 'hidden', 'JavaScript', 'svg text', 'ikonë', 'template text', 'navigation', 'utf-8']) {
        assert.ok(!text.includes(hidden), `text should not contain ${hidden}`);
      }
    });

    it('keeps paragraphs apart with a blank line and list items on their own lines', () => {
      assert.equal(htmlToText('<p>One</p><p>Two</p>'), 'One\n\nTwo');
      assert.equal(htmlToText('<ul><li>a</li><li>b</li></ul><p>c</p>'), 'a\nb\n\nc');
      assert.equal(htmlToText('<div>a</div><div>b</div>'), 'a\nb');
      assert.equal(htmlToText('<h2>Title</h2>Body'), 'Title\n\nBody');
      assert.equal(htmlToText('a<hr>b'), 'a\n\nb');
    });

    it('turns <br> into a line break and never leaves more than one blank line', () => {
      assert.equal(htmlToText('line one<br>line two<br/>line three'), 'line one\nline two\nline three');
      assert.equal(htmlToText('a<br><br><br><br><br>b'), 'a\n\nb');
      assert.equal(htmlToText('<p>a</p><p></p><div></div><p>  </p><p>b</p>'), 'a\n\nb');
    });

    it('separates table cells and rows', () => {
      const table = '<table><tr><th>Viti</th><th>Shuma</th></tr><tr><td>2021</td><td>1&nbsp;200</td></tr></table>';
      assert.equal(htmlToText(table), 'Viti Shuma\n2021 1 200');
    });

    it('collapses inline whitespace to single spaces without gluing words', () => {
      assert.equal(htmlToText('<p>  many \t\n  spaces   here </p>'), 'many spaces here');
      assert.equal(htmlToText('<span>one</span> <span>two</span>'), 'one two');
      assert.equal(htmlToText('<b>bold</b><i>italic</i>'), 'bolditalic');
      assert.equal(htmlToText('word <em> emphasised </em> word'), 'word emphasised word');
    });

    it('keeps line breaks inside <pre>', () => {
      assert.equal(htmlToText('<p>before</p><pre>line 1\nline 2\n\n\n\nline 3</pre><p>after</p>'), 'before\n\nline 1\nline 2\n\nline 3\n\nafter');
    });

    it('decodes entities in text', () => {
      const html = '<p>&amp; &lt;tag&gt; &quot;q&quot; &apos;a&apos; &rsquo;&lsquo;&rdquo;&ldquo; &ndash;&mdash;&hellip; &euml;&ccedil;&Euml;&Ccedil; &#8217;&#x2019;&#X2019;</p>';
      assert.equal(htmlToText(html), '& <tag> "q" \'a\' ’‘”“ –—… ëçËÇ ’’’');
    });

    it('shows a stray < as text', () => {
      assert.equal(htmlToText('<p>a < b and 3<4 and x <= y</p>'), 'a < b and 3<4 and x <= y');
    });

    it('reads attribute values containing >', () => {
      assert.equal(htmlToText('<a title="a > b" href="/x">link</a> text'), 'link text');
    });

    it('keeps headings as paragraphs of their own', () => {
      assert.equal(htmlToText('<body><h1>Main <em>heading</em></h1><p>text</p><h1>Second</h1></body>'), 'Main heading\n\ntext\n\nSecond');
    });

    it('ends an unclosed <head> where the body content starts', () => {
      assert.equal(htmlToText('<html><head><title>T</title><p>Body without body tag</p>'), 'Body without body tag');
      assert.equal(htmlToText(''), '');
    });

    it('survives malformed HTML without throwing', () => {
      const broken = [
        '<p>unclosed paragraph <div>unclosed div <b>bold <i>both</b> crossed</i>',
        '<a href="unterminated>link text</a> after',
        '<<<>>> < < <',
        '</>',
        '<!-->',
        '<!DOCTYPE',
        '<p',
        '<script>never closed',
        '&#0; &#xD800; &#99999999; &#x110000; &bogus; &amp',
        '<svg><svg></svg>',
        '<title>unclosed title',
        '<h1>unclosed heading<p>para',
        '<meta name="date" content=>',
        '<html lang=>',
        '<time datetime>',
      ];
      for (const html of broken) {
        assert.doesNotThrow(() => htmlToText(html), html);
      }
      assert.equal(htmlToText(broken[0]), 'unclosed paragraph\nunclosed div bold both crossed');
      assert.equal(htmlToText(broken[1]), 'link text after');
      assert.equal(htmlToText(broken[2]), '<<<>>> < < <');
      assert.equal(htmlToText('before<script>never closed'), 'before');
      assert.equal(htmlToText('before<!-- never closed <p>x</p>'), 'before');
      assert.equal(htmlToText(broken[8]), '\ufffd \ufffd \ufffd \ufffd &bogus; &amp');
      assert.equal(htmlToText('<title>Page<p>Body text</p>'), 'Body text');
    });

    it('converts a ~5 MB page', function () {
      // Completion is the assertion; the generous limit only keeps slow CI machines from failing it.
      this.timeout(20_000);
      const chunk =
        '<div class="post"><p>Lorem ipsum &amp; dolor <a href="/x?a=1&b=2">link</a> sit&nbsp;amet.</p>' +
        '<script>var s = "<p>";</script><!-- comment --><ul><li>item</li></ul><table><tr><td>1</td></tr></table></div>\n';
      const html = `<html lang="en"><head><title>Big</title></head><body>${chunk.repeat(Math.ceil(5_000_000 / chunk.length))}</body></html>`;
      assert.ok(html.length >= 5_000_000);
      const text = htmlToText(html);
      assert.ok(text.startsWith('Lorem ipsum & dolor link sit amet.\n\nitem\n\n1\n\nLorem ipsum'));
      assert.ok(!text.includes('var s'));
    });

    it('converts ~5 MB of pathological markup', function () {
      // Completion is the assertion; the generous limit only keeps slow CI machines from failing it.
      this.timeout(20_000);
      const inputs = [
        '<'.repeat(5_000_000),
        '<a x="'.repeat(800_000),
        "<a x='".repeat(800_000),
        '<svg>'.repeat(1_000_000),
        '<!--'.repeat(1_200_000),
        'a < b <3 '.repeat(550_000),
        `<pre>${' '.repeat(5_000_000)}x</pre>`,
        '&amp;'.repeat(1_000_000),
      ];
      const results = inputs.map((html) => htmlToText(html).length);
      assert.deepEqual(results, [5_000_000, 0, 0, 0, 0, 'a < b <3 '.repeat(550_000).trim().length, 1, 1_000_000]);
    });
  });

  describe('decodeEntities', () => {
    it('decodes named and numeric references', () => {
      assert.equal(decodeEntities('Tiran&euml; &amp; Durr&euml;s'), 'Tiranë & Durrës');
      assert.equal(decodeEntities('&#65;&#x42;&#x1F600;'), 'AB😀');
    });

    it('reads C1 numeric references as Windows-1252, as browsers do', () => {
      assert.equal(decodeEntities('it&#146;s &#147;quoted&#148; &#150; done'), 'it’s “quoted” – done');
    });

    it('leaves unknown names and named references without a semicolon alone', () => {
      assert.equal(decodeEntities('AT&T &unknown; &amp'), 'AT&T &unknown; &amp');
      assert.equal(decodeEntities('?a=1&copy=2'), '?a=1&copy=2');
    });

    it('accepts numeric references without a semicolon', () => {
      assert.equal(decodeEntities('&#8217s'), '’s');
    });
  });
});
