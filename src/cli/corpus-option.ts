import { promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import { findWorkspaceSettingsFile, readSettingsFile, workspaceSettingsFileName } from '../core/settings';
import { UsageError } from './args';
import { displayPath } from './terminal';

/** The --corpus folders made absolute; a folder that is not there is a typo on the command line, not a corpus problem. */
export function corpusFolders(command: string, folders: readonly string[] | undefined): string[] {
  return (folders ?? []).map((folder) => {
    const absolute = path.resolve(folder);
    let isFolder = false;
    try {
      isFolder = statSync(absolute).isDirectory();
    } catch {
      throw new UsageError(`--corpus ${folder}: no such folder.`, command);
    }
    if (!isFolder) throw new UsageError(`--corpus ${folder}: not a folder.`, command);
    return absolute;
  });
}

/** The corpus named by --corpus, else the one the nearest citewise.yaml declares. */
export async function resolveCorpus(command: string, folders: readonly string[] | undefined, cwd = process.cwd()): Promise<string[]> {
  const given = corpusFolders(command, folders);
  if (given.length) return given;
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
  if (!declared.settings.corpus?.length) {
    const problem = declared.problems[0];
    const why = problem ? ` (${displayPath(problem.file)}:${problem.line}: ${problem.message})` : '';
    throw new UsageError(`${displayPath(settingsFile)} declares no corpus${why}; add \`corpus: <folder>\` to it or pass --corpus DIR.`, command);
  }
  return declared.settings.corpus;
}
