import type { CodeAction, CompletionItem, CompletionList, Diagnostic, Hover, Location, LocationLink, Position, Range } from 'vscode-languageserver-types';
import type { CheckSummary, CorpusService } from '../corpus/corpus-service';
import { quickFixes, restyleActions, type FixClient } from './code-actions';
import { completeCitation, completionSite, resolveCompletion } from './completion';
import { reportDiagnostics, type ReportDiagnostics } from './diagnostics';
import { hoverAt } from './hover';
import { definitionAt, findCitations, sourceLocation } from './navigation';
import { ParsedDocument } from './parsed-document';
import { readFrontMatter } from '../report/markdown';
import type { Cancellation, ReportContext, ServiceDocument, ServiceHost } from './service-host';
import type { Source } from '../corpus/source';

/** A report's check for one version of its text, with the settings and corpus it was checked against. */
export interface Analysis extends CheckSummary {
  context: ReportContext;
  version: number;
}

export interface LanguageServiceOptions {
  /** The URI scheme under which the client shows extracted text of PDF and Word sources, if it can. */
  extractedTextScheme?: string;
  /** Commands the client carries out itself (see `clientCommands`). */
  clientCommands?: readonly string[];
  /** Whether the client's workspace edits may create files (a corpus.yaml that is not there yet). */
  canCreateFiles?: boolean;
  log?(message: string): void;
}

interface Versioned<T> {
  version: number;
  value: T;
}

/** A report's context, with the front matter it was read from. */
interface KnownContext extends Versioned<Promise<ReportContext>> {
  frontMatter: string | undefined;
}

/**
 * Citewise's language features as functions of a document's text and version and a position, answering
 * in LSP's shapes, for any editor: the language server serves them, and the tests call them directly.
 * Each document version is parsed once and checked once; every feature of that version shares the result.
 */
export class CitewiseLanguageService {
  private readonly parsed = new Map<string, ParsedDocument>();
  private readonly contexts = new Map<string, KnownContext>();
  private readonly analyses = new Map<string, Versioned<Promise<Analysis | undefined>>>();

  constructor(
    private readonly host: ServiceHost,
    private readonly options: LanguageServiceOptions = {},
  ) {}

  /** Settings or corpora changed: every check must be made again (parses stay valid). */
  invalidate(): void {
    this.contexts.clear();
    this.analyses.clear();
  }

  /** The document was closed. */
  forget(uri: string): void {
    this.parsed.delete(uri);
    this.contexts.delete(uri);
    this.analyses.delete(uri);
  }

  /** Markdown documents on disk (or unsaved) that are not themselves corpus sources. */
  isReport(document: ServiceDocument): boolean {
    if (document.languageId !== 'markdown') return false;
    if (!document.uri.startsWith('file:') && !document.uri.startsWith('untitled:')) return false;
    return !this.host.isInCorpus(this.host.reportPath(document.uri));
  }

  parse(document: ServiceDocument): ParsedDocument {
    const known = this.parsed.get(document.uri);
    if (known && known.version === document.version) return known;
    const parsed = new ParsedDocument(document, known);
    this.parsed.set(document.uri, parsed);
    return parsed;
  }

  /**
   * Settings and corpus of a report, read once per version (its front matter may have changed); where the
   * host reports every change of the other settings (and `invalidate` follows), once per front matter.
   */
  context(document: ServiceDocument): Promise<ReportContext> {
    const known = this.contexts.get(document.uri);
    if (known && known.version === document.version) return known.value;
    const frontMatter = readFrontMatter(document.text)?.yaml;
    if (known && known.frontMatter === frontMatter && this.host.settingsWatched?.(this.host.reportPath(document.uri))) {
      known.version = document.version;
      return known.value;
    }
    const value = this.host.reportContext(document.uri, document.text);
    this.contexts.set(document.uri, { version: document.version, value, frontMatter });
    // A failed load is not remembered: the next request tries again.
    value.catch(() => {
      if (this.contexts.get(document.uri)?.value === value) this.contexts.delete(document.uri);
    });
    return value;
  }

  /** The check of the document's current version, made once and shared by every feature. */
  analyze(document: ServiceDocument): Promise<Analysis | undefined> {
    const known = this.analyses.get(document.uri);
    if (known && known.version === document.version) return known.value;
    const value = this.context(document)
      .then(async (context): Promise<Analysis | undefined> => {
        if (context.settings.corpus.length === 0 && context.settings.problems.length === 0) return undefined;
        return { ...(await context.check(document.text)), context, version: document.version };
      })
      .catch((error: unknown) => {
        this.options.log?.(`Checking ${document.uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (this.analyses.get(document.uri)?.value === value) this.analyses.delete(document.uri);
        return undefined;
      });
    this.analyses.set(document.uri, { version: document.version, value });
    return value;
  }

  async completion(document: ServiceDocument, position: Position, cancellation?: Cancellation): Promise<CompletionList | undefined> {
    const site = completionSite(this.parse(document), position);
    if (!site || !this.isReport(document)) return undefined;
    const context = await this.context(document);
    if (cancellation?.isCancellationRequested) return undefined;
    return completeCitation(site, context);
  }

  resolveCompletion(item: CompletionItem): Promise<CompletionItem> {
    return resolveCompletion(item, async ({ roots, key }) => (await this.host.loadedCorpus(roots))?.opening(key));
  }

  async hover(document: ServiceDocument, position: Position): Promise<Hover | undefined> {
    const found = await this.analysisWithCorpus(document);
    if (!found) return undefined;
    const parsed = this.parse(document);
    return hoverAt(parsed, found.analysis, found.corpus, parsed.lines.offsetAt(position));
  }

  async definition(document: ServiceDocument, position: Position): Promise<LocationLink[] | undefined> {
    const found = await this.analysisWithCorpus(document);
    if (!found) return undefined;
    const parsed = this.parse(document);
    return definitionAt(parsed, found.analysis, found.corpus, parsed.lines.offsetAt(position), this.options.extractedTextScheme);
  }

  /** Every citation in the workspace's reports of the key at the position. */
  async references(document: ServiceDocument, position: Position, cancellation?: Cancellation): Promise<Location[] | undefined> {
    if (!this.isReport(document)) return undefined;
    const analysis = await this.analyze(document);
    if (!analysis) return undefined;
    const { citation } = await analysis.at(this.parse(document).lines.offsetAt(position));
    if (!citation) return undefined;
    return findCitations(this.host, citation.key, cancellation);
  }

  /** Undefined for a document that is not a report, or names no corpus and has no settings problem. */
  async diagnostics(document: ServiceDocument): Promise<ReportDiagnostics | undefined> {
    if (!this.isReport(document)) return undefined;
    // A first check while the corpus loads; the host fires a change when the load ends, and the full check follows.
    const provisional = await this.host.provisionalCheck?.(document.uri, document.text);
    if (provisional) return reportDiagnostics({ ...provisional.summary, context: provisional.context, version: document.version }, this.host.reportPath(document.uri));
    const analysis = await this.analyze(document);
    return analysis && reportDiagnostics(analysis, this.host.reportPath(document.uri));
  }

  /** Quick fixes for the Citewise diagnostics given (from the client's request), and rewrites of the reference at the range. */
  async codeActions(document: ServiceDocument, range: Range, diagnostics: Diagnostic[], cancellation?: Cancellation): Promise<CodeAction[]> {
    if (!this.isReport(document)) return [];
    const parsed = this.parse(document);
    const found = await this.analysisWithCorpus(document);
    const actions: CodeAction[] = found ? await restyleActions(parsed, found.analysis, found.corpus, parsed.lines.offsetAt(range.start)) : [];
    const client: FixClient = {
      has: (command) => this.options.clientCommands?.includes(command) ?? false,
      canCreateFiles: this.options.canCreateFiles ?? false,
      readText: (file) => this.host.readText(file),
    };
    for (const diagnostic of diagnostics) {
      if (diagnostic.source !== 'citewise' || typeof diagnostic.code !== 'string') continue;
      actions.push(...(await quickFixes(parsed, diagnostic, found?.corpus, client, cancellation)));
    }
    return actions;
  }

  /** Where a source lives, at a passage of its text when given (for a view's or a search's "open"). */
  sourceLocation(source: Source, corpus: CorpusService | undefined, passage?: { start: number; end: number }): Promise<Location | undefined> {
    return sourceLocation(source, corpus, passage, this.options.extractedTextScheme);
  }

  private async analysisWithCorpus(document: ServiceDocument): Promise<{ analysis: Analysis; corpus: CorpusService } | undefined> {
    if (!this.isReport(document)) return undefined;
    const analysis = await this.analyze(document);
    const corpus = analysis?.context.corpus;
    return analysis && corpus ? { analysis, corpus } : undefined;
  }
}
