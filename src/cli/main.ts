import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { exitCodes, UsageError } from './args';
import { bibHelp, runBib } from './bib-command';
import { checkHelp, runCheck } from './check-command';
import { lspHelp, runLsp } from './lsp-command';
import { referencesHelp, runReferences } from './references-command';
import { runSearch, searchHelp } from './search-command';
import { runSources, sourcesHelp } from './sources-command';
import { escapeControls } from './terminal';

const generalHelp = `Usage: citewise COMMAND [options]

Checks evidence-backed Markdown reports against a corpus of source documents.

Commands:
  check REPORT.md...   Check citations, quotes and time frames; text, json or sarif.
  references REPORT.md...
                       List every reference, the source it rests on and its date.
  sources              List the corpus's sources, their metadata and where it came from.
  search QUERY         Find passages in the corpus.
  bib [REPORT.md]      Write the bibliography as CSL-JSON for pandoc --citeproc.
  lsp --stdio          Run the language server, for Neovim, Emacs, Helix and other editors.

Options:
  -h, --help           Show help; \`citewise COMMAND --help\` for a command's options.
  --version            Show the version.
  --debug              Show stack traces for unexpected errors.

Exit codes: 0 success, 1 findings of severity error (check), 2 usage error,
3 Citewise itself failed.
`;

const commands: Record<string, { help: string; run: (argv: string[], version: string) => Promise<number> }> = {
  check: { help: checkHelp, run: runCheck },
  references: { help: referencesHelp, run: (argv) => runReferences(argv) },
  sources: { help: sourcesHelp, run: (argv) => runSources(argv) },
  search: { help: searchHelp, run: (argv) => runSearch(argv) },
  bib: { help: bibHelp, run: (argv) => runBib(argv) },
  lsp: { help: lspHelp, run: (argv) => runLsp(argv) },
};

/** Read at run time beside the bundle (out/cli.js → package.json), so the version cannot drift from the package. */
function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

async function main(argv: string[]): Promise<number> {
  const leading: string[] = [];
  let index = 0;
  while (index < argv.length && argv[index].startsWith('-')) leading.push(argv[index++]);
  const name = argv[index];
  const rest = argv.slice(index + 1);

  for (const option of leading) {
    if (option === '--help' || option === '-h') {
      process.stdout.write(name && commands[name] ? commands[name].help : generalHelp);
      return exitCodes.ok;
    }
    if (option === '--version' || option === '-V') {
      process.stdout.write(`${readVersion()}\n`);
      return exitCodes.ok;
    }
    if (option !== '--debug') throw new UsageError(`Unknown option "${option}" before the command.`);
  }
  if (name === undefined) throw new UsageError('No command given: use check, references, sources, search, bib or lsp.');
  if (name === 'help') {
    const topic = rest[0];
    if (topic !== undefined && !commands[topic]) throw new UsageError(`Unknown command "${topic}".`);
    process.stdout.write(topic ? commands[topic].help : generalHelp);
    return exitCodes.ok;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`Unknown command "${name}"; the commands are check, references, sources, search, bib and lsp.`);
  return command.run(rest, readVersion());
}

const argv = process.argv.slice(2);
const debug = argv.includes('--debug');

// `citewise search x | head` closes stdout early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? exitCodes.ok);
  throw error;
});

main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      const help = error.command ? `citewise ${error.command} --help` : 'citewise --help';
      process.stderr.write(`citewise: ${escapeControls(error.message)}\nRun \`${help}\` for usage.\n`);
      process.exitCode = exitCodes.usage;
      return;
    }
    const detail = debug && error instanceof Error && error.stack ? error.stack : error instanceof Error ? error.message : String(error);
    process.stderr.write(`citewise: unexpected error: ${escapeControls(detail)}\n${debug ? '' : 'Run again with --debug for the stack trace.\n'}`);
    process.exitCode = exitCodes.internal;
  },
);
