import * as path from 'node:path';
import * as vscode from 'vscode';
import { validateSettings, type DeclaredSettings } from '../core/settings';

/**
 * Typed access to the `citewise.*` settings. They mirror `citewise.yaml` and go through the same zod
 * validation, as the lowest layer beneath `citewise.yaml` and a report's front matter.
 */
export class CitewiseConfig {
  static readonly section = 'citewise';

  /** The settings of one workspace folder (or of the window, for files outside any folder). */
  static declared(folder: vscode.WorkspaceFolder | undefined): DeclaredSettings | undefined {
    const config = vscode.workspace.getConfiguration(CitewiseConfig.section, folder?.uri);
    const raw: Record<string, unknown> = {};
    const corpus = config.get<string | string[]>('corpus');
    if ((typeof corpus === 'string' && corpus.trim()) || (Array.isArray(corpus) && corpus.length > 0)) raw.corpus = corpus;
    const from = config.get<string>('timeframe.from')?.trim();
    const to = config.get<string>('timeframe.to')?.trim();
    const languages = config.get<Record<string, { from?: string; to?: string }>>('timeframe.languages');
    const exempt = explicitValue(config.inspect<string[]>('timeframe.exempt'));
    if (from || to || (languages && Object.keys(languages).length) || exempt) {
      raw.timeframe = {
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(languages && Object.keys(languages).length ? { languages } : {}),
        ...(exempt ? { exempt } : {}),
      };
    }
    const rules = config.get<Record<string, string>>('rules');
    if (rules && Object.keys(rules).length) raw.rules = rules;
    const explicitSkip = explicitValue(config.inspect<string[]>('skipSections'));
    if (explicitSkip) raw.skipSections = explicitSkip;
    const explicitMinWords = explicitValue(config.inspect<number>('quoteMinWords'));
    if (explicitMinWords !== undefined) raw.quoteMinWords = explicitMinWords;
    const citationStyle = explicitValue(config.inspect<string>('citationStyle'));
    if (citationStyle !== undefined) raw.citationStyle = citationStyle;
    if (Object.keys(raw).length === 0) return undefined;

    // Relative corpus paths in settings are relative to the workspace folder, as the setting says.
    const anchor = folder ? path.join(folder.uri.fsPath, 'settings.json') : path.join(process.cwd(), 'settings.json');
    const declared = validateSettings(raw, anchor, { lineOf: () => 1 }, []);
    const settingsFile = folder ? path.join(folder.uri.fsPath, '.vscode', 'settings.json') : 'settings.json';
    // A corpus set in the user's own settings may lie anywhere; one set by the workspace is confined to it.
    const corpusSetting = config.inspect<string | string[]>('corpus');
    const byUser = corpusSetting?.workspaceFolderValue === undefined && corpusSetting?.workspaceValue === undefined;
    return {
      ...declared,
      byUser,
      file: settingsFile,
      problems: declared.problems.map((problem) => ({ ...problem, file: settingsFile, message: `Setting citewise.${problem.message.replace(/^Invalid setting /, '')}` })),
    };
  }

  /**
   * Folders a workspace's files may name as a corpus besides the workspace itself. Read from the user's
   * settings alone (the setting has machine scope): a workspace must not widen what it may read.
   */
  static allowedCorpusFolders(): string[] {
    const folders = vscode.workspace.getConfiguration(CitewiseConfig.section).inspect<string[]>('allowCorpusIn')?.globalValue ?? [];
    return folders.filter((folder) => path.isAbsolute(folder));
  }

  static diagnosticsDelay(): number {
    return vscode.workspace.getConfiguration(CitewiseConfig.section).get<number>('diagnostics.delay', 300);
  }

  static affects(event: vscode.ConfigurationChangeEvent): boolean {
    return event.affectsConfiguration(CitewiseConfig.section);
  }
}

/** A value the user set (in any scope), not the default: defaults stay below `citewise.yaml` and front matter. */
function explicitValue<T>(inspected: { workspaceFolderValue?: T; workspaceValue?: T; globalValue?: T } | undefined): T | undefined {
  return inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
}
