import { strict as assert } from 'node:assert';
import { parseMarkdown, readFrontMatter, sectionTrail } from '../../src/core/report/markdown';

describe('markdown structure', () => {
  it('keeps every offset while blanking what is not prose', () => {
    const text = ['---', 'title: x', '---', '# Heading', '', 'Text with `code` here.', '', '```js', 'let a = "@b";', '```', '<!-- hidden -->'].join('\n');
    const structure = parseMarkdown(text);
    assert.equal(structure.prose.length, text.length);
    assert.equal(structure.prose.split('\n').length, text.split('\n').length);
    assert.ok(!structure.prose.includes('title'));
    assert.ok(!structure.prose.includes('code'));
    assert.ok(!structure.prose.includes('@b'));
    assert.ok(!structure.prose.includes('hidden'));
    assert.ok(structure.prose.includes('Text with'));
    assert.equal(structure.frontMatter?.yaml, 'title: x\n');
  });

  it('finds ATX and setext headings and assigns sections', () => {
    const text = ['# Report', '', 'Intro.', '', 'Methodology', '-----------', '', 'We read.', '', '## 2.1 Sampling ##', '', 'More.'].join('\n');
    const structure = parseMarkdown(text);
    assert.deepEqual(
      structure.headings.map((heading) => [heading.level, heading.text, heading.line]),
      [
        [1, 'Report', 0],
        [2, 'Methodology', 4],
        [2, '2.1 Sampling', 9],
      ],
    );
    const paragraph = structure.blocks.find((block) => block.kind === 'paragraph' && text.slice(block.start, block.end) === 'We read.')!;
    assert.deepEqual(
      sectionTrail(structure, paragraph).map((heading) => heading.text),
      ['Methodology', 'Report'],
    );
  });

  it('groups wrapped lines into one paragraph and blank lines into separate ones', () => {
    const text = 'First line\nwraps here.\n\nSecond paragraph.';
    const blocks = parseMarkdown(text).blocks;
    assert.deepEqual(
      blocks.map((block) => [block.kind, block.startLine, block.endLine]),
      [
        ['paragraph', 0, 1],
        ['paragraph', 3, 3],
      ],
    );
  });

  it('recognises blockquotes, list items and table rows, blanking their markers', () => {
    const text = ['> quoted line', '> continues', '', '- item one', '- item two', '', '| a | b |', '|---|---|', '| 1 | 2 |'].join('\n');
    const structure = parseMarkdown(text);
    assert.deepEqual(
      structure.blocks.map((block) => [block.kind, block.startLine, block.endLine]),
      [
        ['blockquote', 0, 1],
        ['list-item', 3, 3],
        ['list-item', 4, 4],
        ['table-row', 6, 6],
        ['table-row', 8, 8],
      ],
    );
    assert.equal(structure.prose.split('\n')[0], '  quoted line');
    assert.equal(structure.prose.split('\n')[3], '  item one');
  });

  it('treats indented text after a paragraph break as code, but not inside a list', () => {
    const text = ['Para.', '', '    code here 2022', '', '- item', '', '    continuation 2022'].join('\n');
    const prose = parseMarkdown(text).prose.split('\n');
    assert.equal(prose[2].trim(), '');
    assert.equal(prose[6].trim(), 'continuation 2022');
  });

  it('reads inline control comments with their rules and lines', () => {
    const text = [
      '<!-- citewise-disable-next-line uncited-claim -->',
      'Line.',
      '<!-- citewise-disable quote-uncited, unknown-source -->',
      '<!-- citewise-enable -->',
      '<!-- an ordinary comment -->',
    ].join('\n');
    const directives = parseMarkdown(text).directives;
    assert.deepEqual(
      directives.map((directive) => [directive.kind, directive.rules, directive.line]),
      [
        ['disable-next-line', ['uncited-claim'], 0],
        ['disable', ['quote-uncited', 'unknown-source'], 2],
        ['enable', [], 3],
      ],
    );
  });

  it('reads lines as the comments on them leave them: a heading, fence or blockquote inside a comment is none', () => {
    const text = ['Intro.', '', '<!--', '# Not a heading', '```', '-->', '', '# Heading <!-- not # part of it -->', '', 'Text <!--', '> not a quote --> and more.', '', '```', 'code [@a]', '```'].join('\n');
    const structure = parseMarkdown(text);
    assert.deepEqual(structure.headings.map((heading) => [heading.text, heading.line]), [['Heading', 7]]);
    assert.deepEqual(
      structure.blocks.map((block) => [block.kind, block.startLine, block.endLine]),
      [
        ['paragraph', 0, 0],
        ['heading', 7, 7],
        ['paragraph', 9, 10],
      ],
    );
    assert.ok(!structure.prose.includes('@a'));
    assert.ok(structure.prose.includes('and more.'));
  });

  it('survives unclosed fences, comments and front matter without throwing', () => {
    for (const text of ['```\nnever closed [@a]', '<!-- never closed [@a]', '---\ntitle: x\nno end', '', '\n\n\n', '> ', '#']) {
      const structure = parseMarkdown(text);
      assert.equal(structure.prose.length, text.length);
    }
    assert.ok(!parseMarkdown('```\nnever closed [@a]').prose.includes('@a'));
    // Front matter without a closing fence is not front matter.
    assert.equal(parseMarkdown('---\ntitle: x\nno end').frontMatter, undefined);
  });

  it('reads front matter alone, as the full parse does, also with CRLF line endings', () => {
    for (const text of ['---\ntitle: x\n---\nbody', '---\r\ntitle: x\r\n---\r\nbody', '---\na: 1\n...\nz', '---\nno end', ' ---\nx\n---']) {
      assert.deepEqual(readFrontMatter(text), parseMarkdown(text).frontMatter, JSON.stringify(text));
    }
    assert.equal(readFrontMatter('---\r\ntitle: x\r\n---\r\nbody')?.yaml, 'title: x\r\n');
  });

  it('blanks link destinations after a title that never closes, and no title reaches across a blank line', () => {
    const unclosed = parseMarkdown('See [a](https://a.org/@x "never closed.\n\nLater [b](notes/@y) and [@key].').prose;
    assert.ok(!unclosed.includes('@y'), unclosed);
    assert.ok(unclosed.includes('[@key]'));
    // A quote two paragraphs on does not make a title that blanks the citation between.
    const across = parseMarkdown('[a](url "open\n\nCited [@key].\n\nA "quote")').prose;
    assert.ok(across.includes('[@key]'), across);
    const title = parseMarkdown('[a](https://a.org/@x "a title\nover two lines") [@key]').prose;
    assert.ok(!title.includes('@x') && !title.includes('title') && title.includes('[@key]'), title);
  });

  it('handles CRLF line endings', () => {
    const text = '# Title\r\n\r\nParagraph [@key].\r\n';
    const structure = parseMarkdown(text);
    assert.equal(structure.headings[0].text, 'Title');
    const paragraph = structure.blocks.find((block) => block.kind === 'paragraph')!;
    assert.equal(text.slice(paragraph.start, paragraph.end), 'Paragraph [@key].');
  });
});
