import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type WorkspaceEdit } from 'vscode-languageserver-types';
import type { PageRange } from '../report/citations';
import type { FindingFix } from '../checks/checks';
import type { CorpusService } from '../corpus/corpus-service';
import { manifestFileName } from '../corpus/corpus-files';
import { manifestWithDate } from '../corpus/manifest-edit';
import { changedSpan } from '../report/changed-span';
import { LineIndex } from '../report/line-index';
import { formatCoiReference } from '../report/references';
import { referenceLabel } from '../report/report';
import { clientCommands } from './protocol';
import type { Analysis } from './language-service';
import type { ParsedDocument } from './parsed-document';
import type { Cancellation } from './service-host';

/** What a quick fix may ask of the editor it is offered in. */
export interface FixClient {
  /** Whether the client carries out one of `clientCommands` itself. */
  has(command: string): boolean;
  /** Whether a workspace edit may create a file (LSP's `resourceOperations` has `create`). */
  canCreateFiles: boolean;
  /** A file's text: the editor's unsaved text when it is open, else what is on disk. */
  readText(file: string): Promise<string>;
}

/**
 * Quick fixes for Citewise diagnostics, each made from the fix its finding carries (`Finding.fix`, in the
 * diagnostic's `data`): replace an unknown key with a close one, cite the source an uncited quote was
 * found in, confirm an uncertain inferred date in corpus.yaml (by the client's command, which asks for
 * the date, or else as an edit recording the inferred date); and for every diagnostic, switch its rule
 * off for one line with a comment.
 */
export async function quickFixes(
  parsed: ParsedDocument,
  diagnostic: Diagnostic,
  corpus: CorpusService | undefined,
  client: FixClient,
  cancellation?: Cancellation,
): Promise<CodeAction[]> {
  const uri = parsed.document.uri;
  const rule = String(diagnostic.code);
  const fix = diagnostic.data as FindingFix | undefined;
  const edit = (range: Range, newText: string) => ({ changes: { [uri]: [{ range, newText }] } });
  const actions: CodeAction[] = [];
  if (fix?.kind === 'replace-key') {
    fix.keys.forEach((key, index) =>
      actions.push({ title: `Replace with @${key}`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: index === 0, edit: edit(diagnostic.range, key) }),
    );
  }
  if (fix?.kind === 'cite-found-source' && corpus && !cancellation?.isCancellationRequested) {
    const found = await corpus.findQuote(fix.quote, 3);
    const end = diagnostic.range.end;
    found.forEach(({ key, line }, index) =>
      actions.push({
        title: `Cite @${key} (the quote is on its line ${line})`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: index === 0,
        edit: edit({ start: end, end }, fix.blockquote ? `\n>\n> Source: [@${key}]` : ` [@${key}]`),
      }),
    );
  }
  if (fix?.kind === 'confirm-date' && client.has(clientCommands.confirmSourceDate)) {
    const title = `Confirm the date of @${fix.key} in ${manifestFileName}…`;
    // Nothing is written until the author has typed or accepted a date: the client's command asks, then edits.
    actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: clientCommands.confirmSourceDate, arguments: [uri, fix.key] } });
  } else if (fix?.kind === 'confirm-date' && corpus && !cancellation?.isCancellationRequested) {
    const record = await recordDateEdit(fix.key, corpus, client);
    if (record) actions.push({ title: record.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: record.edit });
  }
  const line = diagnostic.range.start.line;
  // Inside a blockquote the comment must carry the quote markers, or it would end the quote.
  const lead = /^\s*(?:>\s?)*/.exec(parsed.lines.lineText(line))![0];
  const lineStart = { line, character: 0 };
  actions.push({
    title: `Disable ${rule} for this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: edit({ start: lineStart, end: lineStart }, `${lead}<!-- citewise-disable-next-line ${rule} -->\n`),
  });
  return actions;
}

/**
 * For an editor with no dialog of Citewise's own (LSP has no input box), confirming a date means recording
 * the inferred date as it stands; the action's title names the date, so choosing it is the confirmation,
 * and the edit is the editor's to apply and undo. A different date is written into corpus.yaml by hand.
 */
async function recordDateEdit(key: string, corpus: CorpusService, client: FixClient): Promise<{ title: string; edit: WorkspaceEdit } | undefined> {
  const source = corpus.corpus.get(key);
  const date = source?.metadata.date;
  if (!source?.relativePath || !date) return undefined;
  const manifest = path.join(source.corpusRoot, manifestFileName);
  const existing = await client.readText(manifest).catch(() => undefined);
  if (existing === undefined && !client.canCreateFiles) return undefined;
  const updated = manifestWithDate(existing ?? '', source.relativePath, date);
  if (updated === undefined) return undefined;
  const uri = pathToFileURL(manifest).href;
  const title = `Record ${date} as the date of @${key} in ${manifestFileName}`;
  if (existing === undefined) {
    const start = { line: 0, character: 0 };
    return { title, edit: { documentChanges: [{ kind: 'create', uri, options: { ignoreIfExists: true } }, { textDocument: { uri, version: null }, edits: [{ range: { start, end: start }, newText: updated }] }] } };
  }
  // Only what changed is replaced, so the editor keeps the rest of an open corpus.yaml (and its cursor) as it is.
  const { start, oldEnd, newEnd } = changedSpan(existing, updated);
  const range = new LineIndex(existing).rangeOf(start, oldEnd);
  return { title, edit: { changes: { [uri]: [{ range, newText: updated.slice(start, newEnd) }] } } };
}

/** `p. 45` or `pp. 6-7, 10`, as Pandoc locators are written. */
function pageLocator(pages: PageRange[] | undefined): string | undefined {
  if (!pages?.length) return undefined;
  const written = pages.map((range) => (range.from === range.to ? range.from : `${range.from}-${range.to}`));
  return `${written.length > 1 || pages[0].from !== pages[0].to ? 'pp.' : 'p.'} ${written.join(', ')}`;
}

/**
 * A resolved free-text reference becomes `[@key, p. N]`; a Pandoc citation of one source in a `Source:`
 * line or a footnote becomes the reference written out (`Publisher, “Title”, 15 June 2023, p. N`).
 * Only there: elsewhere a written-out reference would not be read as one, and its quotes would lose
 * their citation.
 */
export async function restyleActions(parsed: ParsedDocument, analysis: Analysis, corpus: CorpusService, offset: number): Promise<CodeAction[]> {
  const uri = parsed.document.uri;
  const found = await analysis.at(offset);
  const reference = found.reference;
  if (reference?.resolution.key) {
    const { key } = reference.resolution;
    const locator = pageLocator(reference.reference.locator?.pages) ?? reference.reference.locator?.text;
    const written = `[@${key}${locator ? `, ${locator}` : ''}]`;
    const range = parsed.lines.rangeOf(reference.reference.start, reference.reference.end);
    return [{ title: `Cite as ${written}`, kind: CodeActionKind.RefactorRewrite, edit: { changes: { [uri]: [{ range, newText: written }] } } }];
  }
  const citation = found.citation;
  const source = citation && corpus.corpus.get(citation.key);
  const group = found.citationGroup;
  if (!source || !group || group.items.length !== 1) return [];
  if (!referenceLabel(parsed.lines.lineText(parsed.lines.lineOf(group.start)))) return [];
  const written = formatCoiReference(source.metadata, pageLocator(citation.locator?.pages) ?? citation.locator?.text);
  const range = parsed.lines.rangeOf(group.start, group.end);
  return [{ title: `Write @${source.key} as a COI reference`, kind: CodeActionKind.RefactorRewrite, edit: { changes: { [uri]: [{ range, newText: written }] } } }];
}
