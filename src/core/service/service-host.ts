import type { CheckSummary, CorpusService } from '../corpus/corpus-service';
import type { EffectiveSettings } from '../settings/settings';

/** A text document as an editor holds it: the text of one version. */
export interface ServiceDocument {
  uri: string;
  version: number;
  text: string;
  /** The editor's language id; only `markdown` documents are reports. */
  languageId: string;
}

/** A report's settings and the corpus they name, as far as it could be loaded. */
export interface ReportContext {
  /** The file the report is checked as (an unsaved report as if saved in its workspace folder). */
  file: string;
  settings: EffectiveSettings;
  corpus?: CorpusService;
  /** Checks the report's text against its corpus, or without one. */
  check(text: string): Promise<CheckSummary>;
}

/** Requests a client may cancel; a feature that sees it asks no more of the corpus. */
export interface Cancellation {
  readonly isCancellationRequested: boolean;
}

/**
 * What the language service needs of its surroundings: where reports' settings and corpora come from
 * (`CorpusWorkspaces`) and what the editor has open. Each front end (the language server, a test) supplies one.
 */
export interface ServiceHost {
  /** The file a document is checked as: its path, or for an unsaved one a name in its workspace folder. */
  reportPath(uri: string): string;
  reportContext(uri: string, text: string): Promise<ReportContext>;
  /**
   * Whether every change to the settings a report reads besides its own front matter (citewise.yaml, the
   * editor's settings) is reported, so that the service is invalidated: then a report's context holds for its
   * next versions until its front matter changes, and is not read again on every keystroke.
   */
  settingsWatched?(file: string): boolean;
  /** While the report's corpus loads for the first time, a first check and the context it was made in; undefined otherwise. */
  provisionalCheck?(uri: string, text: string): Promise<{ summary: CheckSummary; context: ReportContext } | undefined>;
  /** A file inside a loaded corpus: Markdown there is a source, not a report. */
  isInCorpus(file: string): boolean;
  /** A corpus loaded (or loading) for these folders. */
  loadedCorpus(roots: readonly string[]): Promise<CorpusService> | undefined;
  /** Markdown files of the workspace, for finding every citation of a source. */
  reportFiles(cancellation?: Cancellation): Promise<string[]>;
  /** A file's text: the editor's unsaved text when it is open, else what is on disk. */
  readText(file: string): Promise<string>;
}
