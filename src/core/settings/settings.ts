import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isInsideFolder } from '../corpus/corpus-files';
import { readFrontMatter, type FrontMatter } from '../report/markdown';
import {
  ReportSettingsSchema,
  RuleIdSchema,
  RuleSettingSchema,
  defaultSkipSections,
  ruleIds,
  severities,
  type CitationStyle,
  type ReportSettings,
  type RuleId,
  type Severity,
  type Timeframe,
} from '../metadata/schema';
import { parseYaml, type ParsedYaml } from '../corpus/yaml-document';

export const workspaceSettingsFileName = 'citewise.yaml';

interface SettingsProblem {
  file: string;
  /** 1-based. */
  line: number;
  message: string;
}

/** Settings as declared by one file, with corpus paths already made absolute. */
export interface DeclaredSettings {
  file: string;
  settings: ReportSettings;
  problems: SettingsProblem[];
  /** 1-based line of the `corpus` setting, for a problem with it. */
  corpusLine?: number;
  /**
   * Declared by the user (their own editor settings), not by a file in the workspace: such a corpus may
   * lie anywhere. Every other layer's corpus must lie inside its workspace (see `confineCorpus`).
   */
  byUser?: boolean;
}

export interface EffectiveSettings {
  corpus: string[];
  timeframe?: Timeframe;
  rules: Partial<Record<RuleId, Severity | 'off'>>;
  skipSections: string[];
  quoteMinWords: number;
  citationStyle: CitationStyle;
  problems: SettingsProblem[];
}

export const defaultQuoteMinWords = 5;

const shape = ReportSettingsSchema.shape;
type SettingName = keyof typeof shape;

/** Validates settings key by key, so one bad value does not discard the others. */
export function validateSettings(value: unknown, file: string, parsed: Pick<ParsedYaml, 'lineOf'>, pathPrefix: string[]): DeclaredSettings {
  const problems: SettingsProblem[] = [];
  const settings: Record<string, unknown> = {};
  if (value === undefined || value === null) return { file, settings: {}, problems };
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ file, line: parsed.lineOf(pathPrefix), message: 'Citewise settings must be a mapping such as `corpus: sources`.' });
    return { file, settings: {}, problems };
  }
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    if (!(name in shape)) {
      problems.push({
        file,
        line: parsed.lineOf([...pathPrefix, name]),
        message: `Unknown setting "${name}"; known settings are ${Object.keys(shape).join(', ')}.`,
      });
      continue;
    }
    if (name === 'rules' && raw && typeof raw === 'object' && !Array.isArray(raw)) {
      // Rule by rule, so one misspelt rule does not discard the severities set for the others.
      settings.rules = validateRules(raw as Record<string, unknown>, file, parsed, [...pathPrefix, name], problems);
      continue;
    }
    const result = shape[name as SettingName].safeParse(raw);
    if (result.success) {
      settings[name] = result.data;
      continue;
    }
    // zod runs every check on a value, so one malformed date fails both the format and the calendar check;
    // the first problem with a value is the one worth reading.
    const reported = new Set<string>();
    for (const issue of result.error.issues) {
      const issuePath = issue.path.map((step: PropertyKey) => (typeof step === 'symbol' ? String(step) : step));
      const where = [name, ...issuePath].join('.');
      if (reported.has(where)) continue;
      reported.add(where);
      problems.push({
        file,
        line: parsed.lineOf([...pathPrefix, name, ...issuePath]),
        message: `Invalid setting ${where}: ${issue.message}.`,
      });
    }
  }
  const declared = settings as ReportSettings;
  if (!declared.corpus) return { file, settings: declared, problems };
  declared.corpus = declared.corpus.map((entry) => path.resolve(path.dirname(file), entry));
  return { file, settings: declared, problems, corpusLine: parsed.lineOf([...pathPrefix, 'corpus']) };
}

function validateRules(
  raw: Record<string, unknown>,
  file: string,
  parsed: Pick<ParsedYaml, 'lineOf'>,
  rulesPath: string[],
  problems: SettingsProblem[],
): Partial<Record<RuleId, Severity | 'off'>> {
  const rules: Partial<Record<RuleId, Severity | 'off'>> = {};
  for (const [rule, setting] of Object.entries(raw)) {
    const line = parsed.lineOf([...rulesPath, rule]);
    const id = RuleIdSchema.safeParse(rule);
    if (!id.success) {
      problems.push({ file, line, message: `Unknown rule "${rule}"; known rules are ${ruleIds.join(', ')}.` });
      continue;
    }
    const result = RuleSettingSchema.safeParse(setting);
    if (!result.success) {
      problems.push({
        file,
        line,
        message: `Invalid setting rules.${rule}: ${JSON.stringify(setting)} is not one of ${[...severities, 'off'].join(', ')}.`,
      });
      continue;
    }
    rules[id.data] = result.data;
  }
  return rules;
}

export function readSettingsFile(file: string, text: string): DeclaredSettings {
  const parsed = parseYaml(text);
  const problems = parsed.errors.map((error) => ({ file, line: error.line, message: `Invalid YAML: ${error.message}` }));
  const declared = validateSettings(parsed.value, file, parsed, []);
  return { ...declared, problems: [...problems, ...declared.problems] };
}

/** The `citewise:` block of a report's front matter. */
export function readReportSettings(file: string, frontMatter: FrontMatter | undefined): DeclaredSettings {
  if (!frontMatter) return { file, settings: {}, problems: [] };
  const parsed = parseYaml(frontMatter.yaml, frontMatter.firstLine + 1);
  if (parsed.errors.length > 0) {
    return {
      file,
      settings: {},
      problems: parsed.errors.map((error) => ({ file, line: error.line, message: `Invalid YAML front matter: ${error.message}` })),
    };
  }
  const value = parsed.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { file, settings: {}, problems: [] };
  return validateSettings((value as Record<string, unknown>).citewise, file, parsed, ['citewise']);
}

/** Finds the nearest `citewise.yaml` in `folder` or above it, stopping at `stopAt` when given. */
export async function findWorkspaceSettingsFile(folder: string, stopAt?: string): Promise<string | undefined> {
  let current = path.resolve(folder);
  const stop = stopAt ? path.resolve(stopAt) : undefined;
  for (;;) {
    const candidate = path.join(current, workspaceSettingsFileName);
    try {
      if ((await fs.stat(candidate)).isFile()) return candidate;
    } catch {
      // Not here; look further up.
    }
    const parent = path.dirname(current);
    if (parent === current || current === stop) return undefined;
    current = parent;
  }
}

/** Where a report's settings come from besides its own front matter. */
export interface SettingsSources {
  /** The folder whose `citewise.yaml` holds defaults; without it, the nearest one above each report is used. */
  workspaceRoot?: string;
  /** Corpus folders that replace whatever the settings declare (the CLI's --corpus). */
  corpusOverride?: string[];
  /** Settings below `citewise.yaml` and the report's own, such as an editor's user and workspace settings (lowest first). */
  baseSettings?: () => DeclaredSettings | DeclaredSettings[] | undefined;
  /**
   * Folders the user allows a workspace's files to name as a corpus, besides the workspace itself (the
   * CLI's --allow-corpus, the user setting citewise.allowCorpusIn).
   */
  allowedCorpusFolders?: string[];
}

/** The `citewise.yaml` that applies to a report, if any. */
function settingsFileFor(sources: SettingsSources, reportPath: string): Promise<string | undefined> {
  return sources.workspaceRoot ? findWorkspaceSettingsFile(sources.workspaceRoot, sources.workspaceRoot) : findWorkspaceSettingsFile(path.dirname(path.resolve(reportPath)));
}

/** A report's effective settings: editor settings, then `citewise.yaml`, then its front matter. */
export async function resolveSettings(sources: SettingsSources, reportPath: string, text: string): Promise<EffectiveSettings> {
  const layers: DeclaredSettings[] = [];
  const base = sources.baseSettings?.();
  if (base) layers.push(...(Array.isArray(base) ? base : [base]));
  const workspaceFile = await settingsFileFor(sources, reportPath);
  if (workspaceFile) {
    try {
      layers.push(readSettingsFile(workspaceFile, await fs.readFile(workspaceFile, 'utf8')));
    } catch (error) {
      layers.push({ file: workspaceFile, settings: {}, problems: [{ file: workspaceFile, line: 1, message: `Cannot read settings: ${String(error)}` }] });
    }
  }
  // Only the front matter is read: a long report's Markdown need not be parsed to find its settings.
  layers.push(readReportSettings(path.resolve(reportPath), readFrontMatter(text)));
  for (const layer of layers) if (!layer.byUser) await confineCorpus(layer, sources);
  const settings = mergeSettings(...layers);
  if (sources.corpusOverride?.length) settings.corpus = sources.corpusOverride.map((root) => path.resolve(root));
  return settings;
}

/** Workspace defaults first, the report's own settings on top; rules merge rule by rule. */
export function mergeSettings(...layers: DeclaredSettings[]): EffectiveSettings {
  const effective: EffectiveSettings = {
    corpus: [],
    rules: {},
    skipSections: defaultSkipSections,
    quoteMinWords: defaultQuoteMinWords,
    citationStyle: 'pandoc',
    problems: [],
  };
  for (const layer of layers) {
    const settings = layer.settings;
    if (settings.corpus) effective.corpus = settings.corpus;
    if (settings.timeframe) effective.timeframe = settings.timeframe;
    if (settings.rules) effective.rules = { ...effective.rules, ...settings.rules };
    if (settings.skipSections) effective.skipSections = settings.skipSections;
    if (settings.quoteMinWords !== undefined) effective.quoteMinWords = settings.quoteMinWords;
    if (settings.citationStyle) effective.citationStyle = settings.citationStyle;
    effective.problems.push(...layer.problems);
  }
  return effective;
}

/**
 * Keeps a corpus declared by a file in a workspace (a report's front matter, `citewise.yaml`, workspace
 * settings) inside that workspace, or inside a folder the user allowed: a pull request checked in CI, or a
 * repository opened in an editor, must not make Citewise read, and print passages of, the runner's or the
 * user's files. Paths are compared with links resolved, so a link inside the workspace cannot lead out.
 * A corpus outside is dropped from the layer, with a problem at its line.
 */
export async function confineCorpus(declared: DeclaredSettings, sources: Pick<SettingsSources, 'workspaceRoot' | 'allowedCorpusFolders'>): Promise<void> {
  const corpus = declared.settings.corpus;
  if (!corpus?.length) return;
  const workspace = sources.workspaceRoot ?? (await workspaceOf(declared.file));
  const allowed = await Promise.all([workspace, ...(sources.allowedCorpusFolders ?? [])].map(realPathOf));
  const kept: string[] = [];
  for (const root of corpus) {
    const real = await realPathOf(root);
    if (allowed.some((folder) => isInsideFolder(real, folder))) {
      kept.push(root);
      continue;
    }
    declared.problems.push({
      file: declared.file,
      line: declared.corpusLine ?? 1,
      message:
        `The corpus ${root} is outside the workspace ${workspace}, so it is not read: a file in a workspace may only name a corpus inside it. ` +
        'To read it, pass --corpus or --allow-corpus on the command line, or add its folder to the user setting citewise.allowCorpusIn.',
    });
  }
  declared.settings = { ...declared.settings, corpus: kept };
}

/**
 * The workspace a settings file belongs to: the repository that holds it (the nearest folder above it with
 * `.git`), else the nearest folder at or above it with a `citewise.yaml`, else the folder that holds it.
 */
async function workspaceOf(file: string): Promise<string> {
  const folder = path.dirname(path.resolve(file));
  let settingsFolder: string | undefined;
  for (let current = folder; ; current = path.dirname(current)) {
    if (await exists(path.join(current, '.git'))) return current;
    if (!settingsFolder && (await exists(path.join(current, workspaceSettingsFileName)))) settingsFolder = current;
    if (path.dirname(current) === current) return settingsFolder ?? folder;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}

/** The path with every link resolved; a path that does not exist (yet) holds nothing to read, so it stands as written. */
async function realPathOf(file: string): Promise<string> {
  try {
    return await fs.realpath(file);
  } catch {
    return path.resolve(file);
  }
}

/** One name for the corpus made of these folders, however they were written. */
export function corpusId(roots: readonly string[]): string {
  return roots.map((root) => path.resolve(root)).join('\u0000');
}
