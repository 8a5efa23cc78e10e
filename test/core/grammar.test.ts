import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type StateStack } from 'vscode-textmate';

const projectRoot = path.resolve(__dirname, '../../../..');
const injectionFile = path.join(projectRoot, 'syntaxes/citations.tmLanguage.json');
const injectionScope = 'citewise.citations.injection';

/**
 * A stand-in for VS Code's Markdown grammar: only the scopes the injection selector names (fenced and
 * indented code, inline code, link targets, front matter, HTML comments), backslash escapes, links whose text is tokenized
 * again as in the real grammar, and a link-reference rule that, like the real one, would claim `[@key]` for
 * itself if the injection did not take precedence. (The real grammar also ends every paragraph at the end of
 * its line, so a group that continues on the next line is only scoped on its first line there.)
 */
const markdownStandIn = {
  scopeName: 'text.html.markdown',
  patterns: [
    { name: 'meta.embedded.block.frontmatter', begin: String.raw`\A---\s*$`, end: String.raw`^---\s*$` },
    {
      name: 'markup.fenced_code.block.markdown',
      begin: '^\\s*(`{3,}|~{3,})\\s*(\\S*).*$',
      end: String.raw`^\s*\1\s*$`,
    },
    { name: 'markup.raw.block.markdown', match: String.raw`^(?: {4}|\t).*$` },
    { name: 'comment.block.html', begin: '<!--', end: '-->' },
    { name: 'constant.character.escape.markdown', match: String.raw`\\[-\x60*_#+.!(){}\[\]\\>]` },
    { include: '#inline-code' },
    {
      match: String.raw`(\[)([^\]]*)(\])(\()([^)]*)(\))`,
      captures: {
        2: { name: 'string.other.link.title.markdown', patterns: [{ include: '#inline-code' }] },
        5: { name: 'markup.underline.link.markdown' },
      },
    },
    {
      match: String.raw`(\[)([^\]]*)(\])(\[)([^\]]*)(\])`,
      captures: { 2: { name: 'string.other.link.title.markdown', patterns: [{ include: '#inline-code' }] } },
    },
    { name: 'meta.link.reference.markdown', match: String.raw`\[\S+?\]` },
  ],
  repository: {
    'inline-code': { name: 'markup.inline.raw.string.markdown', match: '(`+)[^`]+?\\1' },
  },
};

let registry: Promise<Registry> | undefined;

function textMateRegistry(): Promise<Registry> {
  registry ??= (async () => {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    return new Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
        createOnigString: (text: string) => new oniguruma.OnigString(text),
      }),
      loadGrammar: async (scopeName: string) => {
        if (scopeName === 'text.html.markdown') return parseRawGrammar(JSON.stringify(markdownStandIn), 'markdown.json');
        if (scopeName === injectionScope) return parseRawGrammar(fs.readFileSync(injectionFile, 'utf8'), injectionFile);
        return null;
      },
      getInjections: (scopeName: string) => (scopeName === 'text.html.markdown' ? [injectionScope] : undefined),
    });
  })();
  return registry;
}

interface Token {
  text: string;
  scopes: string[];
}

async function markdownGrammar(): Promise<IGrammar> {
  const grammar = await (await textMateRegistry()).loadGrammar('text.html.markdown');
  assert.ok(grammar, 'the stand-in Markdown grammar loads');
  return grammar;
}

/** Tokenizes a document line by line, carrying the rule stack from one line to the next. */
async function tokenize(text: string): Promise<Token[][]> {
  const grammar = await markdownGrammar();
  let stack: StateStack = INITIAL;
  return text.split('\n').map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return result.tokens.map((token) => ({ text: line.slice(token.startIndex, token.endIndex), scopes: token.scopes }));
  });
}

/** The stretches of text that carry `scope`, each as one string (adjacent tokens with the scope are joined). */
function spans(lines: Token[][], scope: string): string[] {
  const found: string[] = [];
  for (const tokens of lines) {
    let current: string | undefined;
    for (const token of tokens) {
      if (token.scopes.includes(scope)) {
        current = (current ?? '') + token.text;
      } else if (current !== undefined) {
        found.push(current);
        current = undefined;
      }
    }
    if (current !== undefined) found.push(current);
  }
  return found;
}

/** Every scope this grammar adds, for asserting that a line has none of them. */
function citewiseScopes(lines: Token[][]): string[] {
  return [...new Set(lines.flat().flatMap((token) => token.scopes.filter((scope) => scope.endsWith('.citewise'))))];
}

const key = 'entity.name.tag.citation-key.citewise';
const keyVariable = 'variable.other.citation-key.citewise';
const group = 'meta.citation.group.citewise';
const inText = 'meta.citation.in-text.citewise';
const locatorTerm = 'keyword.other.locator.citewise';
const locatorNumber = 'constant.numeric.locator.citewise';
const locator = 'meta.locator.citewise';
const separator = 'punctuation.separator.citation.citewise';
const groupBegin = 'punctuation.definition.citation.begin.citewise';
const groupEnd = 'punctuation.definition.citation.end.citewise';

describe('citation grammar (syntaxes/citations.tmLanguage.json)', function () {
  this.timeout(20000);

  it('is an injection into Markdown that leaves code, front matter and its own groups alone', () => {
    const grammar = JSON.parse(fs.readFileSync(injectionFile, 'utf8'));
    assert.equal(grammar.scopeName, injectionScope);
    const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));
    const contributed = manifest.contributes.grammars.find((entry: { scopeName: string }) => entry.scopeName === injectionScope);
    assert.equal(path.resolve(projectRoot, contributed.path), injectionFile);
    assert.deepEqual(contributed.injectTo, ['text.html.markdown']);
    assert.match(grammar.injectionSelector, /^L:text\.html\.markdown /);
    for (const excluded of ['-markup.fenced_code', '-markup.inline.raw', '-comment', '-meta.embedded']) {
      assert.ok(grammar.injectionSelector.split(' ').includes(excluded), `injectionSelector excludes ${excluded}`);
    }
  });

  it('scopes a bracketed citation: brackets, the key with its @, and the group', async () => {
    const lines = await tokenize('Families decide [@asylos2023].');
    assert.deepEqual(spans(lines, group), ['[@asylos2023]']);
    assert.deepEqual(spans(lines, groupBegin), ['[']);
    assert.deepEqual(spans(lines, groupEnd), [']']);
    assert.deepEqual(spans(lines, key), ['@asylos2023']);
    assert.deepEqual(spans(lines, keyVariable), ['@asylos2023']);
    assert.deepEqual(spans(lines, 'punctuation.definition.citation-key.citewise'), ['@']);
    assert.equal(spans(lines, 'meta.link.reference.markdown').length, 0, 'the injection wins over the Markdown link rule');
  });

  it('scopes page locators, page lists, ranges and other locator terms', async () => {
    const lines = await tokenize(
      'A [@key, p. 35] b [@other, pp. 58, 64] c [@third, chap. 3] d [@range, p. 35-37] e [@bare, 12] f [@sec §§ 4].',
    );
    assert.deepEqual(spans(lines, key), ['@key', '@other', '@third', '@range', '@bare', '@sec']);
    assert.deepEqual(spans(lines, locatorTerm), ['p.', 'pp.', 'chap.', 'p.', '§§']);
    assert.deepEqual(spans(lines, locatorNumber), ['35', '58, 64', '3', '35-37', '12', '4']);
    assert.deepEqual(spans(lines, locator), ['p. 35', 'pp. 58, 64', 'chap. 3', 'p. 35-37', '12', '§§ 4']);
  });

  it('scopes prefixes, several items, separators and suppressed authors', async () => {
    const lines = await tokenize('As shown [see @a, p. 3; @b; -@c, pp. 4-5] and [-@doe2019].');
    assert.deepEqual(spans(lines, group), ['[see @a, p. 3; @b; -@c, pp. 4-5]', '[-@doe2019]']);
    assert.deepEqual(spans(lines, key), ['@a', '@b', '-@c', '-@doe2019']);
    assert.deepEqual(spans(lines, separator), [';', ';']);
    assert.deepEqual(spans(lines, 'punctuation.definition.citation.suppress-author.citewise'), ['-', '-']);
    assert.deepEqual(spans(lines, locatorNumber), ['3', '4-5']);
  });

  it('reads keys as Pandoc does: inner punctuation, no trailing punctuation, and @{any key}', async () => {
    const lines = await tokenize('See [@un:hcr/2023-05.a]. Also @smith_2020, and @doe.2019. And [@{Hello, World!}, p. 1] and @{x y}.');
    assert.deepEqual(spans(lines, key), ['@un:hcr/2023-05.a', '@smith_2020', '@doe.2019', '@{Hello, World!}', '@{x y}']);
    assert.deepEqual(spans(lines, locatorNumber), ['1']);
    const unicode = await tokenize('Zitiert [@Müller2021] und @Ђорђевић.');
    assert.deepEqual(spans(unicode, key), ['@Müller2021', '@Ђорђевић']);
  });

  it('scopes in-text citations, with a bracketed locator when one follows', async () => {
    const lines = await tokenize('@asylos2023 says so, and @smith2020 [p. 33] agrees; @jones [chap. 2].');
    assert.deepEqual(spans(lines, inText), ['@asylos2023', '@smith2020 [p. 33]', '@jones [chap. 2]']);
    assert.deepEqual(spans(lines, key), ['@asylos2023', '@smith2020', '@jones']);
    assert.deepEqual(spans(lines, locatorTerm), ['p.', 'chap.']);
    assert.deepEqual(spans(lines, locatorNumber), ['33', '2']);
    assert.deepEqual(spans(lines, group), []);
  });

  it('scopes a group that continues on the next line from its bracket on, and never past a blank line', async () => {
    const [first] = await tokenize('Text [see @a, p. 3;\n@b, p. 4] done.');
    assert.deepEqual(spans([first], group), ['[see @a, p. 3;']);
    assert.deepEqual(spans([first], key), ['@a']);
    assert.deepEqual(spans([first], locatorNumber), ['3']);
    assert.deepEqual(spans([first], separator), [';']);
    const lines = await tokenize('A [@open and more\n\nafter @c.');
    assert.deepEqual(spans(lines, group), ['[@open and more']);
    // After the blank line the unclosed group is over: @c is in running text again.
    assert.deepEqual(spans(lines, inText), ['@c']);
  });

  it('gives e-mail addresses, escaped @ and handles in words no citation scopes', async () => {
    for (const text of [
      'Write to info@example.org or first.last+tag@mail.example.com.',
      'Escaped \\@notakey and user-@name and a.@b.',
      '[Write to info@example.org]',
    ]) {
      assert.deepEqual(citewiseScopes(await tokenize(text)), [], text);
    }
  });

  it('gives code spans, fenced and indented code, link targets and front matter no citation scopes', async () => {
    const cases = [
      'Run `cite [@key, p. 3]` or ``@key``.',
      '```markdown\nSee [@key, p. 3] and @other.\n```',
      '~~~\n@key\n~~~',
      '    [@key] in an indented code block',
      'A [profile](https://example.org/@someone) link.',
      '---\ntitle: "Cites @key"\n---',
      '<!-- [@key, p. 3] and @other -->',
    ];
    for (const text of cases) {
      assert.deepEqual(citewiseScopes(await tokenize(text)), [], text);
    }
    const after = await tokenize('```\n[@inside]\n```\nOutside [@outside] and `@code`.');
    assert.deepEqual(spans(after, key), ['@outside']);
  });

  it('leaves links and brackets without keys alone', async () => {
    const lines = await tokenize('A [link with @key](https://example.org), a [ref @key][r], a [x], a [^1], and a \\[@escaped].');
    assert.deepEqual(spans(lines, group), []);
    assert.deepEqual(spans(lines, groupBegin), []);
    // As the parser reads them: `@key` in link text and `@escaped` after an escaped bracket are in-text citations.
    assert.deepEqual(spans(lines, inText), ['@key', '@key', '@escaped']);
  });
});
