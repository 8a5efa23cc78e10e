import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { decodeText } from '../core/corpus/corpus-files';
import { UsageError } from './args';
import { escapeControls } from './terminal';

interface ReportFile {
  /** As given on the command line, for messages. */
  given: string;
  path: string;
  text: string;
}

const markdownExtensions = new Set(['.md', '.markdown', '.mdown', '.mkd', '.mkdn', '.qmd', '.rmd']);

/** Reads a report, refusing anything that is not a readable Markdown text before any checking starts. */
export async function readReport(command: string, given: string): Promise<ReportFile> {
  const absolute = path.resolve(given);
  if (!markdownExtensions.has(path.extname(absolute).toLowerCase())) {
    throw new UsageError(`${given}: not a Markdown report (expected a .md or .markdown file).`, command);
  }
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : String(error);
    throw new UsageError(`${given}: cannot read the report: ${why}.`, command);
  }
  const decoded = decodeText(bytes);
  if (!decoded.ok) throw new UsageError(`${given}: not a Markdown report: ${decoded.message}`, command);
  if (decoded.warning) process.stderr.write(`citewise: ${escapeControls(`${given}: ${decoded.warning}`)}\n`);
  return { given, path: absolute, text: decoded.text };
}
