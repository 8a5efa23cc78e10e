import { createConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { startServer } from '../lsp/server';
import { commonOptions, corpusOption, exitCodes, parseCommandArgs, UsageError } from './args';
import { corpusOptions } from './corpus-option';

export const lspHelp = `Usage: citewise lsp --stdio [options]

Runs Citewise's language server, speaking the Language Server Protocol on standard input and output,
for editors other than VS Code (Neovim, Emacs, Helix, ...). See the README for each editor's set-up.

Options:
  --stdio          Talk over standard input and output (the only transport).
  --corpus DIR     Check every report against this corpus folder, instead of the
                   one its front matter, citewise.yaml or the editor's settings
                   declare (as citewise check --corpus does). Repeat it for a
                   corpus of several folders.
  --allow-corpus DIR
                   Also read a corpus that a report, citewise.yaml or the
                   workspace's settings declare inside DIR. Without it, a
                   declared corpus must lie inside the workspace.
  --clientProcessId PID
                   Stop when the editor's process PID ends.
  -h, --help       Show this help.
`;

/** Serves until the client says exit; the connection ends the process then. */
export async function runLsp(argv: string[]): Promise<number> {
  // --clientProcessId is what vscode-languageclient passes: vscode-languageserver reads it from the command line
  // itself and stops the server when that process ends.
  const { values } = parseCommandArgs('lsp', argv, {
    ...commonOptions,
    ...corpusOption,
    stdio: { type: 'boolean' },
    clientProcessId: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(lspHelp);
    return exitCodes.ok;
  }
  if (!values.stdio) throw new UsageError('Pass --stdio: the language server talks over standard input and output.', 'lsp');
  const { corpusOverride, allowedCorpusFolders } = corpusOptions('lsp', values);
  const connection = createConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  // Standard output carries the protocol: anything else written there would break it, so logs go to the client.
  console.log = (...parts: unknown[]) => connection.console.log(parts.map(String).join(' '));
  console.warn = (...parts: unknown[]) => connection.console.warn(parts.map(String).join(' '));
  console.error = (...parts: unknown[]) => connection.console.error(parts.map(String).join(' '));
  startServer(connection, { corpusOverride: corpusOverride ?? [], allowedCorpusFolders: allowedCorpusFolders ?? [], workerFolder: __dirname });
  return new Promise<number>(() => {
    // The connection's exit notification ends the process.
  });
}
