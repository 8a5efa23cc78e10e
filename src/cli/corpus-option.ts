import { promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import { confineCorpus, findWorkspaceSettingsFile, readSettingsFile, workspaceSettingsFileName, type SettingsSources } from '../core/settings/settings';
import { UsageError } from './args';
import { displayPath } from './terminal';

/** The --corpus (or --allow-corpus) folders made absolute; a folder that is not there is a typo on the command line, not a corpus problem. */
function folderOption(command: string, option: string, folders: readonly string[] | undefined): string[] {
  return (folders ?? []).map((folder) => {
    const absolute = path.resolve(folder);
    let isFolder = false;
    try {
      isFolder = statSync(absolute).isDirectory();
    } catch {
      throw new UsageError(`${option} ${folder}: no such folder.`, command);
    }
    if (!isFolder) throw new UsageError(`${option} ${folder}: not a folder.`, command);
    return absolute;
  });
}

interface CorpusOptionValues {
  corpus?: string[];
  'allow-corpus'?: string[];
}

/**
 * The corpus the command line names (--corpus replaces what settings declare), and the folders it allows
 * a declared corpus in (--allow-corpus): both are the user's own choice, so neither is confined.
 */
export function corpusOptions(command: string, values: CorpusOptionValues): Pick<SettingsSources, 'corpusOverride' | 'allowedCorpusFolders'> {
  return { corpusOverride: folderOption(command, '--corpus', values.corpus), allowedCorpusFolders: folderOption(command, '--allow-corpus', values['allow-corpus']) };
}

/** The corpus named by --corpus, else the one the nearest citewise.yaml declares, if it lies inside its workspace or an allowed folder. */
export async function resolveCorpus(command: string, values: CorpusOptionValues, cwd = process.cwd()): Promise<string[]> {
  const { corpusOverride, allowedCorpusFolders } = corpusOptions(command, values);
  if (corpusOverride?.length) return corpusOverride;
  const settingsFile = await findWorkspaceSettingsFile(cwd);
  if (!settingsFile) {
    throw new UsageError(`No corpus given: pass --corpus DIR, or run this in a folder where a ${workspaceSettingsFileName} (here or above) declares \`corpus:\`.`, command);
  }
  let text: string;
  try {
    text = await fs.readFile(settingsFile, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${displayPath(settingsFile)}: ${error instanceof Error ? error.message : String(error)}`, command);
  }
  const declared = readSettingsFile(settingsFile, text);
  const earlierProblems = declared.problems.length;
  await confineCorpus(declared, { allowedCorpusFolders });
  const refused = declared.problems[earlierProblems];
  if (refused) throw new UsageError(`${displayPath(refused.file)}:${refused.line}: ${refused.message}`, command);
  if (!declared.settings.corpus?.length) {
    const problem = declared.problems[0];
    const why = problem ? ` (${displayPath(problem.file)}:${problem.line}: ${problem.message})` : '';
    throw new UsageError(`${displayPath(settingsFile)} declares no corpus${why}; add \`corpus: <folder>\` to it or pass --corpus DIR.`, command);
  }
  return declared.settings.corpus;
}
