import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { checkReport, type CheckResult } from './checks';
import { loadCorpus, type Corpus, type LoadOptions } from './corpus';
import { parseMarkdown } from './markdown';
import {
  findWorkspaceSettingsFile,
  mergeSettings,
  readReportSettings,
  readSettingsFile,
  type DeclaredSettings,
  type EffectiveSettings,
} from './settings';
import { SourceLookup } from './source-lookup';
import { CorpusSearch } from './search';

export interface WorkspaceOptions {
  /** The folder whose `citewise.yaml` holds defaults; without it, the nearest one above each report is used. */
  workspaceRoot?: string;
  /** Corpus folders that replace whatever the settings declare (the CLI's --corpus). */
  corpusOverride?: string[];
  loadOptions?: LoadOptions;
}

interface LoadedCorpus {
  corpus: Corpus;
  lookup: SourceLookup;
  search?: CorpusSearch;
}

/**
 * The entry point the CLI and the extension share: finds a report's settings, loads (and caches) the
 * corpora they name, and checks reports against them.
 */
export class CitewiseWorkspace {
  private readonly corpora = new Map<string, Promise<LoadedCorpus>>();

  constructor(private readonly options: WorkspaceOptions = {}) {}

  async settingsFor(reportPath: string, text: string): Promise<EffectiveSettings> {
    const layers: DeclaredSettings[] = [];
    const workspaceFile = this.options.workspaceRoot
      ? await findWorkspaceSettingsFile(this.options.workspaceRoot, this.options.workspaceRoot)
      : await findWorkspaceSettingsFile(path.dirname(path.resolve(reportPath)));
    if (workspaceFile) {
      try {
        layers.push(readSettingsFile(workspaceFile, await fs.readFile(workspaceFile, 'utf8')));
      } catch (error) {
        layers.push({ file: workspaceFile, settings: {}, problems: [{ file: workspaceFile, line: 1, message: `Cannot read settings: ${String(error)}` }] });
      }
    }
    layers.push(readReportSettings(path.resolve(reportPath), parseMarkdown(text).frontMatter));
    const settings = mergeSettings(...layers);
    if (this.options.corpusOverride?.length) settings.corpus = this.options.corpusOverride.map((root) => path.resolve(root));
    return settings;
  }

  /** Loads the corpus made of these folders once; later calls share the same load. */
  async corpus(roots: readonly string[]): Promise<LoadedCorpus> {
    // Order matters: when two folders hold the same key, the first folder's source wins.
    const id = roots.map((root) => path.resolve(root)).join('\u0000');
    let loading = this.corpora.get(id);
    if (!loading) {
      loading = loadCorpus(roots, this.options.loadOptions).then((corpus) => ({ corpus, lookup: new SourceLookup(corpus.sources) }));
      this.corpora.set(id, loading);
    }
    return loading;
  }

  async search(roots: readonly string[]): Promise<CorpusSearch> {
    const loaded = await this.corpus(roots);
    return (loaded.search ??= new CorpusSearch(loaded.corpus));
  }

  /** Forgets loaded corpora, so the next check reads them again. */
  invalidate(): void {
    this.corpora.clear();
  }

  async check(reportPath: string, text?: string): Promise<CheckResult & { settings: EffectiveSettings; corpus?: Corpus }> {
    const absolute = path.resolve(reportPath);
    const content = text ?? (await fs.readFile(absolute, 'utf8'));
    const settings = await this.settingsFor(absolute, content);
    const loaded = settings.corpus.length ? await this.corpus(settings.corpus) : undefined;
    const result = checkReport(absolute, content, { corpus: loaded?.corpus, lookup: loaded?.lookup, settings });
    return { ...result, settings, corpus: loaded?.corpus };
  }
}
