import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

/**
 * The language server on its own, as the VS Code extension starts it (out/lsp-server.js, with --stdio and
 * --clientProcessId, which the connection reads from the command line): a bundle without the CLI, so it
 * starts in a fraction of the time. `citewise lsp --stdio` starts the same server.
 */
const connection = createConnection(ProposedFeatures.all);
startServer(connection, { corpusOverride: [], allowedCorpusFolders: [], workerFolder: __dirname });
