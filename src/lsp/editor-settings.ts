import * as path from 'node:path';
import { validateSettings, type DeclaredSettings } from '../core/settings/settings';

/** Keys of an editor's `citewise` section that are not report settings (and that a workspace must not set for Citewise). */
const editorOnlyKeys = new Set(['allowCorpusIn', 'diagnostics']);

/** An editor's unset values: an empty string, list or mapping says nothing (VS Code sends its defaults this way). */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.values(value as object).every(isEmpty);
}

function withoutEmpty(value: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (editorOnlyKeys.has(key) || isEmpty(entry)) continue;
    kept[key] = entry && typeof entry === 'object' && !Array.isArray(entry) ? withoutEmpty(entry as Record<string, unknown>) : entry;
  }
  return kept;
}

/**
 * An editor's Citewise settings as a settings layer, validated by the same schema as citewise.yaml; a
 * relative corpus path is relative to the workspace folder. `byUser` says the layer is the user's own
 * (its corpus may lie anywhere), not the workspace's (its corpus is confined to the workspace).
 */
export function editorSettingsLayer(raw: unknown, folder: string | undefined, byUser: boolean): DeclaredSettings | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const explicit = withoutEmpty(raw as Record<string, unknown>);
  if (Object.keys(explicit).length === 0) return undefined;
  const base = folder ?? process.cwd();
  const declared = validateSettings(explicit, path.join(base, 'settings.json'), { lineOf: () => 1 }, []);
  const file = byUser ? 'settings.json' : path.join(base, '.vscode', 'settings.json');
  return {
    ...declared,
    file,
    byUser,
    problems: declared.problems.map((problem) => ({ ...problem, file, message: `Setting citewise.${problem.message.replace(/^Invalid setting /, '')}` })),
  };
}
