import * as path from 'node:path';
import * as vscode from 'vscode';

type Inspected<T> = { globalValue?: T; workspaceValue?: T; workspaceFolderValue?: T } | undefined;

/** citewise.yaml's keys among the `citewise.*` settings; `timeframe` is spelt out key by key. */
const reportSettingKeys = ['corpus', 'rules', 'skipSections', 'quoteMinWords', 'citationStyle'] as const;
const timeframeKeys = ['from', 'to', 'languages', 'exempt'] as const;

/**
 * The `citewise.*` settings as the language server takes them: the user's own (sent when it starts) and
 * the workspace's (answered to its `workspace/configuration`), each as set, never VS Code's defaults, which
 * stay below `citewise.yaml` and front matter. The server validates them with citewise.yaml's schema.
 */
export class CitewiseConfig {
  static readonly section = 'citewise';

  /** The user's settings: a corpus named here may lie anywhere. */
  static userSettings(): Record<string, unknown> {
    return explicitSettings(vscode.workspace.getConfiguration(CitewiseConfig.section), (inspected) => inspected?.globalValue);
  }

  /**
   * A workspace folder's settings (or the workspace's, for files outside any folder), and the delay before
   * a check. In Restricted Mode the workspace's corpus setting is withheld.
   */
  static workspaceSettings(scopeUri: string | undefined): Record<string, unknown> {
    const config = vscode.workspace.getConfiguration(CitewiseConfig.section, scopeUri ? vscode.Uri.parse(scopeUri) : undefined);
    const settings = explicitSettings(config, (inspected) => inspected?.workspaceFolderValue ?? inspected?.workspaceValue);
    if (!vscode.workspace.isTrusted) delete settings.corpus;
    return { ...settings, diagnostics: { delay: config.get<number>('diagnostics.delay', 300) } };
  }

  /**
   * Folders a workspace's files may name as a corpus besides the workspace itself. Read from the user's
   * settings alone (the setting has machine scope): a workspace must not widen what it may read.
   */
  static allowedCorpusFolders(): string[] {
    const folders = vscode.workspace.getConfiguration(CitewiseConfig.section).inspect<string[]>('allowCorpusIn')?.globalValue ?? [];
    return folders.filter((folder) => path.isAbsolute(folder));
  }

  static affects(event: vscode.ConfigurationChangeEvent): boolean {
    return event.affectsConfiguration(CitewiseConfig.section);
  }
}

function explicitSettings(config: vscode.WorkspaceConfiguration, pick: <T>(inspected: Inspected<T>) => T | undefined): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of reportSettingKeys) {
    const value = pick(config.inspect(key));
    if (value !== undefined) settings[key] = value;
  }
  const timeframe: Record<string, unknown> = {};
  for (const key of timeframeKeys) {
    const value = pick(config.inspect(`timeframe.${key}`));
    if (value !== undefined) timeframe[key] = value;
  }
  if (Object.keys(timeframe).length) settings.timeframe = timeframe;
  return settings;
}
