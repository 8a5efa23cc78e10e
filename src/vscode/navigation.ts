import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseCitations } from '../core/citations';
import { LineIndex } from '../core/line-index';
import { parseMarkdown } from '../core/markdown';
import type { Source } from '../core/source';
import type { Citewise } from './citewise';
import { offsetRange, toRange } from './convert';
import { extractedTextUri, isExtracted } from './extracted-text';
import { citationAt, verdictForCitation } from './report-lookup';

/** Where a source lives: its document, or for a metadata-only source the manifest or bibliography entry. */
export function sourceLocation(source: Source, offset?: { start: number; end: number; text: string }): vscode.Location | undefined {
  if (source.path) {
    // Offsets into a PDF's or Word file's text point into the extracted text, not into the file.
    const uri = isExtracted(source.path) ? extractedTextUri(source.path) : vscode.Uri.file(source.path);
    if (!offset) return new vscode.Location(uri, new vscode.Position(0, 0));
    return new vscode.Location(uri, toRange(new LineIndex(offset.text).rangeOf(offset.start, offset.end)));
  }
  const declared = source.provenance.key;
  if (!declared) return undefined;
  const line = Math.max(0, (declared.line ?? 1) - 1);
  return new vscode.Location(vscode.Uri.file(path.resolve(source.corpusRoot, declared.file)), new vscode.Position(line, 0));
}

/** Go to definition opens the source at the quoted passage; find references lists every report that cites it. */
export function registerNavigation(citewise: Citewise): vscode.Disposable {
  const definitions: vscode.DefinitionProvider = {
    async provideDefinition(document, position) {
      if (!citewise.isReport(document)) return undefined;
      const analysis = await citewise.analyze(document);
      const corpus = analysis?.context.loaded?.corpus;
      if (!analysis || !corpus) return undefined;
      const citation = citationAt(analysis, document.offsetAt(position));
      const source = citation && corpus.get(citation.key);
      if (!citation || !source) return undefined;
      const verdict = verdictForCitation(analysis, citation);
      const raw = corpus.rawText(source.key);
      const passage = verdict?.sourceStart !== undefined && raw !== undefined ? { start: verdict.sourceStart, end: verdict.sourceEnd!, text: raw } : undefined;
      const location = sourceLocation(source, passage);
      if (!location) return undefined;
      const link: vscode.LocationLink = {
        originSelectionRange: offsetRange(document, citation.keyStart, citation.keyEnd),
        targetUri: location.uri,
        targetRange: location.range,
      };
      return [link];
    },
  };

  const references: vscode.ReferenceProvider = {
    async provideReferences(document, position, _context, token) {
      if (!citewise.isReport(document)) return undefined;
      const analysis = await citewise.analyze(document);
      if (!analysis) return undefined;
      const citation = citationAt(analysis, document.offsetAt(position));
      if (!citation) return undefined;
      return findCitations(citewise, citation.key, token);
    },
  };

  return vscode.Disposable.from(
    vscode.languages.registerDefinitionProvider({ language: 'markdown' }, definitions),
    vscode.languages.registerReferenceProvider({ language: 'markdown' }, references),
  );
}

/** Every citation of a key in the workspace's reports, reading open editors' unsaved text first. */
export async function findCitations(citewise: Citewise, key: string, token?: vscode.CancellationToken): Promise<vscode.Location[]> {
  const files = await vscode.workspace.findFiles('**/*.{md,markdown}', '**/node_modules/**', 5000, token);
  const open = new Map(vscode.workspace.textDocuments.map((document) => [document.uri.toString(), document]));
  const locations: vscode.Location[] = [];
  for (const uri of files) {
    if (token?.isCancellationRequested) break;
    if (citewise.isInCorpus(uri)) continue;
    const document = open.get(uri.toString());
    const text = document ? document.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    if (!text.includes(key)) continue;
    const lines = new LineIndex(text);
    for (const group of parseCitations(parseMarkdown(text).prose)) {
      for (const item of group.items) {
        if (item.key === key) locations.push(new vscode.Location(uri, toRange(lines.rangeOf(item.keyStart, item.keyEnd))));
      }
    }
  }
  return locations;
}
