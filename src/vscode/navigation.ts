import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseCitations } from '../core/citations';
import { LineIndex } from '../core/line-index';
import { parseMarkdown } from '../core/markdown';
import type { RemoteCorpus } from '../core/corpus-client';
import type { Source } from '../core/source';
import type { Citewise } from './citewise';
import { offsetRange, toRange } from './convert';
import { extractedTextUri, isExtracted } from './extracted-text';
import { citationAt, referenceAt, verdictForCitation, verdictForReference } from './report-lookup';

/**
 * Where a source lives: its document (at a passage, given its offsets in the source's text), or for a
 * metadata-only source the manifest or bibliography entry.
 */
export async function sourceLocation(source: Source, loaded?: RemoteCorpus, passage?: { start: number; end: number }): Promise<vscode.Location | undefined> {
  if (source.path) {
    // Offsets into a PDF's or Word file's text point into the extracted text, not into the file.
    const uri = isExtracted(source.path) ? extractedTextUri(source.path) : vscode.Uri.file(source.path);
    const positions = passage && loaded ? await loaded.positions(source.key, [passage.start, passage.end]).catch(() => undefined) : undefined;
    if (!positions) return new vscode.Location(uri, new vscode.Position(0, 0));
    return new vscode.Location(uri, toRange({ start: positions[0], end: positions[1] }));
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
      const loaded = analysis?.context.loaded;
      if (!analysis || !loaded) return undefined;
      const offset = document.offsetAt(position);
      const citation = citationAt(analysis, offset);
      // A free-text reference that resolved to a source leads to it as its key would.
      const reference = citation ? undefined : referenceAt(analysis, offset);
      const key = citation?.key ?? reference?.resolution.key;
      const source = key ? loaded.corpus.get(key) : undefined;
      if (!source) return undefined;
      const verdict = citation ? verdictForCitation(analysis, citation) : verdictForReference(analysis, reference!);
      const passage = verdict?.sourceStart !== undefined ? { start: verdict.sourceStart, end: verdict.sourceEnd! } : undefined;
      const location = await sourceLocation(source, loaded, passage);
      if (!location) return undefined;
      const link: vscode.LocationLink = {
        originSelectionRange: citation ? offsetRange(document, citation.keyStart, citation.keyEnd) : offsetRange(document, reference!.reference.start, reference!.reference.end),
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
async function findCitations(citewise: Citewise, key: string, token?: vscode.CancellationToken): Promise<vscode.Location[]> {
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
