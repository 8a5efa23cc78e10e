import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Location, LocationLink } from 'vscode-languageserver-types';
import { parseCitations } from '../report/citations';
import type { CorpusService } from '../corpus/corpus-service';
import { LineIndex } from '../report/line-index';
import { parseMarkdown } from '../report/markdown';
import type { Source } from '../corpus/source';
import type { Analysis } from './language-service';
import type { ParsedDocument } from './parsed-document';
import type { Cancellation, ServiceHost } from './service-host';

/** Files whose text Citewise extracts (PDF, Word): offsets into their text point into the extracted text, not into the file. */
function isExtracted(file: string): boolean {
  return /\.(pdf|docx)$/i.test(file);
}

/** The URI of a file, or of its extracted text under the client's scheme for it (`<scheme>:<path>.txt`). */
function extractedTextUri(scheme: string, file: string): string {
  return `${scheme}:${pathToFileURL(file).pathname}.txt`;
}

/**
 * Where a source lives: its document (at a passage, given its offsets in the source's text), or for a
 * metadata-only source the manifest or bibliography entry. A PDF or Word file's passage is shown in its
 * extracted text where the client can show that (`extractedTextScheme`), else the file is opened at its start.
 */
export async function sourceLocation(source: Source, corpus: CorpusService | undefined, passage: { start: number; end: number } | undefined, extractedTextScheme: string | undefined): Promise<Location | undefined> {
  const start = { line: 0, character: 0 };
  if (source.path) {
    const extracted = isExtracted(source.path);
    if (extracted && !extractedTextScheme) return { uri: pathToFileURL(source.path).href, range: { start, end: start } };
    const uri = extracted ? extractedTextUri(extractedTextScheme!, source.path) : pathToFileURL(source.path).href;
    const positions = passage && corpus ? await corpus.positions(source.key, [passage.start, passage.end]).catch(() => undefined) : undefined;
    if (!positions) return { uri, range: { start, end: start } };
    return { uri, range: { start: positions[0], end: positions[1] } };
  }
  const declared = source.provenance.key;
  if (!declared) return undefined;
  const line = { line: Math.max(0, (declared.line ?? 1) - 1), character: 0 };
  return { uri: pathToFileURL(path.resolve(source.corpusRoot, declared.file)).href, range: { start: line, end: line } };
}

/** Go to definition: a key, or a free-text reference that resolved, leads to its source at the quoted passage. */
export async function definitionAt(parsed: ParsedDocument, analysis: Analysis, corpus: CorpusService, offset: number, extractedTextScheme: string | undefined): Promise<LocationLink[] | undefined> {
  const found = await analysis.at(offset);
  const citation = found.citation;
  const reference = citation ? undefined : found.reference;
  const key = citation?.key ?? reference?.resolution.key;
  const source = key ? corpus.corpus.get(key) : undefined;
  if (!source) return undefined;
  const verdict = citation ? found.citationVerdict : found.referenceVerdict;
  const passage = verdict?.sourceStart !== undefined ? { start: verdict.sourceStart, end: verdict.sourceEnd! } : undefined;
  const location = await sourceLocation(source, corpus, passage, extractedTextScheme);
  if (!location) return undefined;
  const origin = citation ? parsed.lines.rangeOf(citation.keyStart, citation.keyEnd) : parsed.lines.rangeOf(reference!.reference.start, reference!.reference.end);
  return [{ originSelectionRange: origin, targetUri: location.uri, targetRange: location.range, targetSelectionRange: location.range }];
}

/** Every citation of a key in the workspace's reports, reading open documents' unsaved text first. */
export async function findCitations(host: ServiceHost, key: string, cancellation?: Cancellation): Promise<Location[]> {
  const locations: Location[] = [];
  for (const file of await host.reportFiles(cancellation)) {
    if (cancellation?.isCancellationRequested) break;
    const text = await host.readText(file).catch(() => '');
    if (!text.includes(key)) continue;
    const lines = new LineIndex(text);
    const uri = pathToFileURL(file).href;
    for (const group of parseCitations(parseMarkdown(text).prose)) {
      for (const item of group.items) if (item.key === key) locations.push({ uri, range: lines.rangeOf(item.keyStart, item.keyEnd) });
    }
  }
  return locations;
}
