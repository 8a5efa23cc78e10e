import { CompletionItemKind, type CompletionItem, type CompletionList, type Position, type Range } from 'vscode-languageserver-types';
import { describeDate } from '../metadata/inference';
import { formatCoiReference } from '../report/references';
import { referenceLabel } from '../report/report';
import type { CitationStyle } from '../metadata/schema';
import type { Source } from '../corpus/source';
import type { ParsedDocument } from './parsed-document';
import { SafeMarkdown } from './safe-markdown';
import type { ReportContext } from './service-host';
import { byline, opening, timeframeStatus } from './source-details';

/** `[@`, `@` in running text, and `; @` inside a group, each followed by what is typed of the key so far. */
const keyBeforeCursor = /(?:^|[\s[;(—–-])-?@([\p{L}\p{N}_:.#$%&\-+?<>~/]*)$/u;
const keyAfterCursor = /^[\p{L}\p{N}_:.#$%&\-+?<>~/]*/u;

/** Characters after which an editor should ask for completion. */
export const completionTriggers = ['@', ':'];

/** What a completion item carries to its resolve request: which corpus and source to read the opening of. */
interface CompletionData {
  roots: string[];
  key: string;
  title?: string;
}

/** Where completion applies at a position, and what has been typed there; undefined where it does not. */
interface CompletionSite {
  typed: string;
  range: Range;
  /** After `@` a key is written; after a `Source:` label or a footnote label, a reference in the report's style. */
  writes: 'key' | 'reference';
}

/**
 * Finds the completion site from the line and the document's parse of this version: not in code, front
 * matter or comments, and not in an e-mail address (the pattern already needs a boundary).
 */
export function completionSite(parsed: ParsedDocument, position: Position): CompletionSite | undefined {
  const line = parsed.lines.lineText(position.line);
  const before = line.slice(0, position.character);
  const match = keyBeforeCursor.exec(before);
  // In a `Source:` line or a footnote definition, what is typed after the label looks a source up by
  // title, publisher or key, and the item written is a key or a COI reference, as the report's style says.
  const label = match ? undefined : referenceLabel(before);
  if (!match && label === undefined) return undefined;
  const typed = match ? match[1] : before.slice(label!.length);
  const typedStart = parsed.lines.offsetAt(position) - typed.length;
  if (match ? !parsed.proseHas(typedStart - 1, '@') : !parsed.proseHas(typedStart - label!.length, label!)) return undefined;
  const after = match ? (keyAfterCursor.exec(line.slice(position.character))?.[0] ?? '') : '';
  return {
    typed,
    range: { start: { line: position.line, character: position.character - typed.length }, end: { line: position.line, character: position.character + after.length } },
    writes: match ? 'key' : 'reference',
  };
}

/**
 * Citation completion. Sources are ranked by the core's fuzzy lookup over key, title, author,
 * publisher and year, so typing a title word or an organisation finds the key; the editor is told not
 * to filter again (every item's filter text is what was typed) and to ask again on the next keystroke.
 * Items carry what the metadata says; the opening of the source's text is added by `resolveCompletion`,
 * for the item in focus only, since it has to be read from the corpus.
 */
export function completeCitation(site: CompletionSite, context: ReportContext): CompletionList | undefined {
  const corpus = context.corpus;
  if (!corpus) return undefined;
  const query = site.typed.replace(/[\u201C\u201D"\u2018\u2019,]/g, ' ').trim();
  const items = corpus.lookup.find(query, 50).map(({ source }, rank): CompletionItem => {
    const status = timeframeStatus(source, context.settings);
    const documentation = new SafeMarkdown();
    documentation.text(source.metadata.title ?? source.key).markdown('\n\n');
    const facts = [byline(source), describeDate(source), source.metadata.language, source.metadata.type].filter(Boolean).join(' · ');
    if (facts) documentation.text(facts).markdown('\n\n');
    if (status) documentation.text(status.text).markdown('\n\n');
    const data: CompletionData = { roots: [...corpus.corpus.roots], key: source.key, title: source.metadata.title };
    return {
      label: source.key,
      labelDetails: { description: [describeDate(source), status?.outside ? 'outside time frame' : undefined].filter(Boolean).join(' · ') },
      kind: CompletionItemKind.Reference,
      detail: [source.metadata.title, byline(source)].filter(Boolean).join(' — '),
      textEdit: { range: site.range, newText: site.writes === 'key' ? source.key : writtenReference(source, context.settings.citationStyle) },
      filterText: site.typed,
      sortText: String(rank).padStart(4, '0'),
      documentation: { kind: 'markdown', value: documentation.value },
      data,
    };
  });
  return { isIncomplete: true, items };
}

/** The item in focus gets the opening of its source's text below what the metadata says. */
export async function resolveCompletion(item: CompletionItem, readOpening: (data: CompletionData) => Promise<string | undefined>): Promise<CompletionItem> {
  const data = item.data as CompletionData | undefined;
  if (!data?.key || !Array.isArray(data.roots)) return item;
  const preview = opening(await readOpening(data).catch(() => undefined), data.title);
  if (!preview) return item;
  const summary = typeof item.documentation === 'string' ? item.documentation : (item.documentation?.value ?? '');
  const documentation = new SafeMarkdown().markdown(summary).markdown('---\n\n').text(preview);
  return { ...item, documentation: { kind: 'markdown', value: documentation.value } };
}

/** What completion writes after `Source:`: `[@key]`, or the reference written out in COI style. */
function writtenReference(source: Source, style: CitationStyle): string {
  return style === 'coi' ? formatCoiReference(source.metadata) : `[@${source.key}]`;
}
