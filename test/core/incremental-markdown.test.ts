import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { proseCodeAt, reparseMarkdown } from '../../src/core/report/incremental-markdown';
import { parseMarkdown, traceOf, type MarkdownStructure } from '../../src/core/report/markdown';
import { seededRandom } from '../support/seeded-random';

const repo = path.resolve(__dirname, '../../../..');
const seeds = path.resolve(repo, '../shared/seeds');

/** Strings that change Markdown structure, inserted at random places: fences, comments, front matter, block markers, links. */
const significant = [
  '```', '~~~', '\n```\n', '\n~~~~\n', '```js\n', '<!--', '-->', '<!-- citewise-disable uncited-claim -->', '<!-- a\n\nb -->',
  '---', '\n---\n', '...', '>', '> ', '\n> quoted\n', '#', '## ', '\n# Heading\n', '|', '| a | b |\n', '|---|---|\n', '- ', '* ', '+ ', '1. ',
  '2) ', '    ', '\t', '\n', '\n\n', '\r\n', '`', '``', '` code `', '](', '"', ')', '](https://example.org/a@b "title")', '[x](url "t\n\n")',
  '](url "', 'https://example.org/@x', '<https://example.org/@y>', '[@key]', '[@a; @b, p. 3]', '@{https://example.org/k}', '=', '===', '\n===\n',
  '-', '\n-----\n', '***', '_ _ _', ' ', 'word', '“', '”', '\u00a0', '\ud83d',
];


function randomEdit(text: string, next: () => number): string {
  const pick = (count: number) => Math.floor(next() * count);
  let at = pick(text.length + 1);
  // Half of the edits start a line, where most Markdown syntax is read.
  if (next() < 0.5) at = text.lastIndexOf('\n', at - 1) + 1;
  const kind = next();
  if (kind < 0.55) return text.slice(0, at) + significant[pick(significant.length)] + text.slice(at);
  const removed = 1 + pick(next() < 0.8 ? 8 : 400);
  if (kind < 0.85) return text.slice(0, at) + text.slice(at + removed);
  return text.slice(0, at) + significant[pick(significant.length)] + text.slice(at + removed);
}

/** Every field of a structure but its prose, without reading the prose. */
function withoutProse(structure: MarkdownStructure): Omit<MarkdownStructure, 'prose'> {
  return { text: structure.text, frontMatter: structure.frontMatter, blocks: structure.blocks, headings: structure.headings, directives: structure.directives };
}

/** `proseCodeAt` agrees with the full parse's prose at random offsets, the ends and just outside them. */
function assertSameProseCodes(incremental: MarkdownStructure, full: MarkdownStructure, next: () => number): void {
  const length = full.text.length;
  const offsets = [-1, 0, length - 1, length, ...Array.from({ length: 40 }, () => Math.floor(next() * length))];
  for (const offset of offsets) {
    const expected = full.prose.charCodeAt(offset);
    const actual = proseCodeAt(incremental, offset);
    assert.ok(Object.is(actual, expected), `prose code at ${offset}: ${actual}, expected ${expected}`);
  }
}

interface Document {
  name: string;
  text: string;
}

function markdownFiles(folder: string): Document[] {
  const found: Document[] = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...markdownFiles(full));
    else if (entry.name.endsWith('.md')) found.push({ name: path.relative(repo, full), text: fs.readFileSync(full, 'utf8') });
  }
  return found;
}

/**
 * Applies random edits one after another, each parsed from the previous version's structure, and compares
 * every result (and what it keeps for the next edit) with a full parse of the same text. Says how many
 * edits reused the previous structure's first blocks, i.e. were not parsed in full.
 */
function checkEdits(document: Document, edits: number, seed: number): number {
  const next = seededRandom(seed);
  // Its own generator for where the prose is read, so that the edits stay those of the seed.
  const probe = seededRandom(seed + 1);
  let text = document.text;
  let structure: MarkdownStructure = parseMarkdown(text);
  let reused = 0;
  for (let index = 0; index < edits; index++) {
    // Now and then back to the original, so that the edits do not wear the document away.
    const edited = index % 50 === 49 ? document.text : randomEdit(text, next);
    const incremental = reparseMarkdown(structure, edited);
    const full = parseMarkdown(edited);
    try {
      // The prose is read a character at a time first (as completion does), while it may still be in pieces.
      assertSameProseCodes(incremental, full, probe);
      // Read whole only now and then, so that versions are also parsed from a prose still in pieces.
      if (index % 7 === 6 || index === edits - 1) assert.deepStrictEqual(incremental, full);
      else assert.deepStrictEqual(withoutProse(incremental), withoutProse(full));
      assert.deepStrictEqual(traceOf(incremental), traceOf(full));
    } catch (error) {
      const change = JSON.stringify({ before: text.length, after: edited.length, firstDifference: [...edited].findIndex((char, at) => char !== text[at]) });
      throw new Error(`${document.name}, seed ${seed}, edit ${index} ${change}: ${error instanceof Error ? error.message.slice(0, 2000) : String(error)}`);
    }
    if (structure.blocks.length > 1 && incremental.blocks[0] === structure.blocks[0]) reused++;
    text = edited;
    structure = incremental;
  }
  return reused;
}

describe('incremental Markdown parse', function () {
  this.timeout(120_000);

  it('equals the full parse after every one of thousands of random edits to the examples and test fixtures', () => {
    const documents = [...markdownFiles(path.join(repo, 'examples')), ...markdownFiles(path.join(repo, 'test', 'fixtures'))].filter((document) => document.text.length > 0);
    assert.ok(documents.length >= 5);
    let edits = 0;
    let reused = 0;
    documents.forEach((document, index) => {
      const count = document.text.length > 200_000 ? 100 : 400;
      reused += checkEdits(document, count, 1000 + index);
      edits += count;
    });
    assert.ok(edits >= 2000, `${edits} edits`);
    // Most edits are parsed from the previous structure, not in full: the comparison tests the incremental path.
    assert.ok(reused > edits / 2, `${reused} of ${edits} edits reused the previous structure`);
  });

  it('equals the full parse after random edits to the seed reports', function () {
    if (!fs.existsSync(seeds)) {
      console.log(`    (skipped: ${seeds} is not on this machine; the seed edits run where ../shared exists)`);
      this.skip();
    }
    let reused = 0;
    let edits = 0;
    for (const name of fs.readdirSync(seeds).sort()) {
      const text = fs.readFileSync(path.join(seeds, name), 'utf8');
      // A full parse of the 1 MB report for every comparison takes a while: fewer edits there.
      const count = text.length > 500_000 ? 150 : 500;
      reused += checkEdits({ name, text }, count, 7 + edits);
      edits += count;
    }
    assert.ok(reused > edits / 2, `${reused} of ${edits} edits reused the previous structure`);
  });

  it('keeps a prose that nobody reads in pieces over hundreds of versions, and joins it to exactly the full parse', () => {
    const paragraphs = Array.from({ length: 300 }, (_, index) => `Paragraph ${index} says "a quote" [@key-${index}]; \`code @x\`.`);
    let text = `# Title\n\n${paragraphs.join('\n\n')}\n`;
    let structure = parseMarkdown(text);
    const next = seededRandom(42);
    for (let index = 0; index < 400; index++) {
      // Typing and deleting at scattered places, one character at a time, as an author does.
      const at = text.lastIndexOf('\n\n', Math.floor(next() * text.length)) + 2;
      text = next() < 0.6 ? `${text.slice(0, at)}${'@`x'[index % 3]}${text.slice(at)}` : `${text.slice(0, at)}${text.slice(at + 1)}`;
      structure = reparseMarkdown(structure, text);
      const full = parseMarkdown(text);
      assertSameProseCodes(structure, full, next);
      assert.equal(proseCodeAt(structure, at), full.prose.charCodeAt(at));
    }
    assert.deepStrictEqual(structure, parseMarkdown(text));
  });

  it('reads only around the edit: blocks above it are the previous objects, blocks below it shifted', () => {
    const paragraphs = Array.from({ length: 200 }, (_, index) => `Paragraph ${index} [@key-${index}].`);
    const text = `# Title\n\n${paragraphs.join('\n\n')}\n`;
    const before = parseMarkdown(text);
    const at = text.indexOf('Paragraph 100');
    const edited = `${text.slice(0, at)}> A quote.\n\n${text.slice(at)}`;
    const after = reparseMarkdown(before, edited);
    assert.deepStrictEqual(after, parseMarkdown(edited));
    const editedBlock = after.blocks.findIndex((block) => block.start === at);
    assert.equal(after.blocks[editedBlock].kind, 'blockquote');
    assert.ok(after.blocks.slice(0, editedBlock).every((block, index) => block === before.blocks[index]));
    assert.equal(after.blocks[editedBlock + 1].startLine, before.blocks[editedBlock].startLine + 2);
  });
});
