import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCitations, type Citation } from '../../src/core/report/citations';
import { parseMarkdown } from '../../src/core/report/markdown';

/**
 * Differential comparison with pandoc, the reference for what a citation is and what a bibliography
 * entry says: per citation (key, prefix, locator, suffix) and per entry (key, title, authors, date,
 * type), on material others wrote (test/fixtures/pandoc-differential/README.md records its origin).
 */

export const fixtureRoot = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'pandoc-differential');

export function pandocAvailable(): boolean {
  const probe = spawnSync('pandoc', ['--version'], { encoding: 'utf8' });
  return probe.status === 0;
}

function pandoc(args: string[], input?: string, cwd?: string): string {
  const result = spawnSync('pandoc', args, { encoding: 'utf8', input, cwd, maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`pandoc ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** One difference, named so that the accepted-differences list can refer to it. */
export interface Difference {
  /** `citation` or `entry` or `render`. */
  kind: string;
  file: string;
  /** The citation key, or the entry key. */
  key: string;
  field: string;
  pandoc: unknown;
  citewise: unknown;
}

export interface Tally {
  /** Items (citations or entries) compared, and how many agree on every field. */
  items: number;
  agreeing: number;
  /** Fields compared, and how many agree. */
  fields: number;
  agreeingFields: number;
  differences: Difference[];
}

function emptyTally(): Tally {
  return { items: 0, agreeing: 0, fields: 0, agreeingFields: 0, differences: [] };
}

// ---------------------------------------------------------------------------------------------
// Citations

type PandocNode = { t: string; c?: unknown };

/** The plain text of pandoc inlines; notes inside are skipped, as they are citations of their own. */
function inlineText(nodes: unknown): string {
  if (!Array.isArray(nodes)) return '';
  let out = '';
  for (const node of nodes as PandocNode[]) {
    switch (node.t) {
      case 'Str':
        out += node.c as string;
        break;
      case 'Space':
      case 'SoftBreak':
      case 'LineBreak':
        out += ' ';
        break;
      case 'Code':
      case 'Math':
        out += (node.c as [unknown, string])[1];
        break;
      case 'RawInline':
        out += (node.c as [string, string])[1];
        break;
      case 'Emph':
      case 'Strong':
      case 'Strikeout':
      case 'Superscript':
      case 'Subscript':
      case 'SmallCaps':
      case 'Underline':
        out += inlineText(node.c);
        break;
      case 'Span':
      case 'Link':
      case 'Quoted':
        out += inlineText((node.c as unknown[])[1]);
        break;
      case 'Note':
        break;
      default:
        break;
    }
  }
  return out;
}

interface PandocCitation {
  key: string;
  prefix: string;
  /** Locator label (singular CSL term) and value, or undefined. */
  locator?: { label: string; value: string };
  suffix: string;
  inText: boolean;
}

/** Walks the Cite elements of pandoc's JSON (rendered with the locator probe style), in document order. */
function pandocCitations(json: unknown): PandocCitation[] {
  const found: PandocCitation[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const node = value as PandocNode;
    if (node.t === 'Cite') {
      const [citations, rendered] = node.c as [Record<string, unknown>[], unknown];
      const items = inlineText(rendered).split('¦');
      citations.forEach((citation, index) => {
        const mode = (citation.citationMode as PandocNode).t;
        const item = /K:(.*?)\|(?:L:(.*?)(?:\|V:(.*?))?\|E)?(.*)$/s.exec(items[index] ?? '');
        found.push({
          key: citation.citationId as string,
          prefix: normalize(inlineText(citation.citationPrefix)),
          // `[@smith{}, 99 years later]` renders the label of an empty locator: no locator at all.
          locator: item?.[3] ? { label: singularLabel(item[2]), value: normalizeRange(item[3]) } : undefined,
          suffix: normalize(item ? item[4] : inlineText(citation.citationSuffix)),
          inText: mode === 'AuthorInText',
        });
      });
    }
    for (const child of Object.values(node)) walk(child);
  };
  walk(json);
  return found;
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/^[\s,]+/, '').trim();
}

const pluralLabels: Record<string, string> = { pages: 'page', 'sub verbis': 'sub verbo', opera: 'opus' };

/** citeproc writes page ranges with an en dash; pandoc's Markdown leaves `--` as written. */
function normalizeRange(text: string): string {
  return normalize(text).replace(/--|–/g, '-');
}

function singularLabel(label: string): string {
  const trimmed = label.trim();
  return pluralLabels[trimmed] ?? trimmed.replace(/s$/, '');
}

/** Markdown emphasis and escapes, which pandoc has already read, are left out of Citewise's raw text. */
function plain(text: string): string {
  return normalize(text.replace(/[*\\]/g, ''));
}

/** Citewise's reading of one citation in the same shape: the suffix without the locator it starts with. */
function citewiseCitation(citation: Citation): PandocCitation {
  let rest = citation.suffix.replace(/^\s*,?\s*/, '');
  if (citation.locator && rest.startsWith(citation.locator.text)) rest = rest.slice(citation.locator.text.length);
  return {
    key: citation.key,
    prefix: plain(citation.prefix),
    locator: citation.locator ? { label: citation.locator.label, value: normalizeRange(plain(citation.locator.value)) } : undefined,
    suffix: plain(rest),
    inText: citation.inText,
  };
}

export function compareCitations(file: string): Tally {
  const text = fs.readFileSync(file, 'utf8');
  const name = path.relative(fixtureRoot, file);
  const keysJson = pandoc(['-f', 'markdown-smart', '-t', 'json', file]);
  const keys = new Set<string>();
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') {
      if ((value as PandocNode).t === 'Cite') for (const c of (value as { c: [Record<string, unknown>[]] }).c[0]) keys.add(c.citationId as string);
      Object.values(value).forEach(collect);
    }
  };
  collect(JSON.parse(keysJson));
  // Every key resolves to an item titled with its key, so the probe style can print which item is which.
  const references = JSON.stringify([...keys].map((key) => ({ id: key, type: 'book', title: key })));
  const refsFile = path.join(fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'citewise-diff-')), 'refs.json');
  fs.writeFileSync(refsFile, references);
  const rendered = JSON.parse(
    pandoc(['-f', 'markdown-smart', '--citeproc', '--csl', path.join(fixtureRoot, 'locator-probe.csl'), '--bibliography', refsFile, '-t', 'json', file]),
  );
  const theirs = pandocCitations(rendered);
  const ours = parseCitations(parseMarkdown(text).prose).flatMap((group) => group.items.map(citewiseCitation));

  const tally = emptyTally();
  // Footnotes come first in pandoc's order and last in the text's. So a citation is first paired with an
  // identical one, and only then, in order, with the next unpaired one of the same key.
  const unmatched = [...ours];
  const pairs = new Map<PandocCitation, PandocCitation>();
  for (const citation of theirs) {
    const index = unmatched.findIndex((candidate) => JSON.stringify(candidate) === JSON.stringify(citation));
    if (index >= 0) pairs.set(citation, unmatched.splice(index, 1)[0]);
  }
  for (const citation of theirs) {
    if (pairs.has(citation)) continue;
    const index = unmatched.findIndex((candidate) => candidate.key === citation.key);
    if (index >= 0) pairs.set(citation, unmatched.splice(index, 1)[0]);
  }
  for (const citation of theirs) {
    tally.items++;
    const mine = pairs.get(citation);
    const fields: [string, unknown, unknown][] = [
      ['key', citation.key, mine?.key],
      ['prefix', citation.prefix, mine?.prefix],
      ['locator', citation.locator, mine?.locator],
      ['suffix', citation.suffix, mine?.suffix],
      ['mode', citation.inText ? 'in-text' : 'normal', mine ? (mine.inText ? 'in-text' : 'normal') : undefined],
    ];
    let agrees = true;
    for (const [field, expected, actual] of fields) {
      tally.fields++;
      if (JSON.stringify(expected) === JSON.stringify(actual)) tally.agreeingFields++;
      else {
        agrees = false;
        tally.differences.push({ kind: 'citation', file: name, key: citation.key, field, pandoc: expected, citewise: actual });
      }
    }
    if (agrees) tally.agreeing++;
  }
  for (const extra of unmatched) {
    tally.items++;
    tally.fields += 5;
    tally.differences.push({ kind: 'citation', file: name, key: extra.key, field: 'key', pandoc: undefined, citewise: extra.key });
  }
  return tally;
}

// ---------------------------------------------------------------------------------------------
// Entries

type CslRecord = Record<string, unknown>;

function nameOf(name: CslRecord): CslRecord {
  const out: CslRecord = {};
  for (const part of ['family', 'given', 'literal', 'non-dropping-particle', 'dropping-particle', 'suffix']) {
    if (typeof name[part] === 'string' && name[part]) out[part] = name[part];
  }
  return out;
}

function entryFields(item: CslRecord): Record<string, unknown> {
  const issued = item.issued as CslRecord | undefined;
  return {
    title: item.title,
    author: Array.isArray(item.author) ? (item.author as CslRecord[]).map(nameOf) : undefined,
    issued: issued ? (issued['date-parts'] ?? issued.literal ?? issued.raw) : undefined,
    type: item.type,
  };
}

/** Compares pandoc's reading of one `.bib` with `citewise bib` on a corpus that holds only that file. */
export function compareEntries(bibFile: string, citewiseItems: CslRecord[]): Tally {
  const name = path.relative(fixtureRoot, bibFile);
  const theirs = JSON.parse(pandoc(['-f', 'biblatex', '-t', 'csljson', bibFile])) as CslRecord[];
  const ours = new Map(citewiseItems.map((item) => [String(item.id), item]));
  const tally = emptyTally();
  for (const item of theirs) {
    tally.items++;
    const key = String(item.id);
    const mine = ours.get(key);
    ours.delete(key);
    const expected = entryFields(item);
    const actual = mine ? entryFields(mine) : {};
    let agrees = mine !== undefined;
    if (!mine) tally.differences.push({ kind: 'entry', file: name, key, field: 'key', pandoc: key, citewise: undefined });
    for (const field of Object.keys(expected)) {
      tally.fields++;
      if (mine && JSON.stringify(expected[field]) === JSON.stringify(actual[field])) tally.agreeingFields++;
      else {
        agrees = false;
        if (mine) tally.differences.push({ kind: 'entry', file: name, key, field, pandoc: expected[field], citewise: actual[field] });
      }
    }
    if (agrees) tally.agreeing++;
  }
  for (const key of ours.keys()) {
    tally.items++;
    tally.fields += 4;
    tally.differences.push({ kind: 'entry', file: name, key, field: 'key', pandoc: undefined, citewise: key });
  }
  return tally;
}

// ---------------------------------------------------------------------------------------------
// Round trip

/**
 * Renders every entry of a bibliography with `pandoc --citeproc`, once from the original `.bib` and once
 * from `citewise bib`'s CSL-JSON, and compares the rendered references one by one.
 */
export function compareRendering(bibFile: string, citewiseJson: string, workDir: string): Tally {
  const name = path.relative(fixtureRoot, bibFile);
  const report = path.join(workDir, 'report.md');
  fs.writeFileSync(report, '---\nnocite: "@*"\n---\n');
  const jsonFile = path.join(workDir, 'citewise.json');
  fs.writeFileSync(jsonFile, citewiseJson);
  const render = (bibliography: string): Map<string, string> => {
    const html = pandoc(['--citeproc', '--bibliography', bibliography, '-t', 'html', '--wrap=none', report]);
    const entries = new Map<string, string>();
    for (const match of html.matchAll(/<div id="ref-([^"]+)"[^>]*>([\s\S]*?)<\/div>/g)) {
      entries.set(match[1], match[2].replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim());
    }
    return entries;
  };
  const theirs = render(bibFile);
  const ours = render(jsonFile);
  const tally = emptyTally();
  for (const [key, text] of theirs) {
    tally.items++;
    tally.fields++;
    const mine = ours.get(key);
    if (mine === text) {
      tally.agreeing++;
      tally.agreeingFields++;
    } else {
      tally.differences.push({ kind: 'render', file: name, key, field: 'reference', pandoc: text, citewise: mine });
    }
  }
  return tally;
}

export function addTally(into: Tally, from: Tally): void {
  into.items += from.items;
  into.agreeing += from.agreeing;
  into.fields += from.fields;
  into.agreeingFields += from.agreeingFields;
  into.differences.push(...from.differences);
}

export { emptyTally };

export function describeTally(label: string, tally: Tally): string {
  const percent = (part: number, whole: number) => (whole ? ((100 * part) / whole).toFixed(1) : '100.0');
  return `${label}: ${tally.agreeing}/${tally.items} agree on every field (${percent(tally.agreeing, tally.items)}%), ${tally.agreeingFields}/${tally.fields} fields (${percent(tally.agreeingFields, tally.fields)}%)`;
}
