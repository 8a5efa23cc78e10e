// Lint (`npm run lint`, run by `npm test` before the suites): what the compiler does not check.
// Kept under test/ so the repository's top level stays as small as the developers' guide asks.
import tseslint from 'typescript-eslint';

/** What only a front end may import: the editor's API, the language server and client, the CLI. */
const frontEndOnly = [
  { group: ['vscode'], message: 'src/core is editor-independent: it never imports vscode.' },
  { group: ['vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageclient', 'vscode-languageclient/*'], message: 'src/core returns LSP-shaped results but never imports the server or client libraries.' },
  { group: ['**/cli/*', '**/cli'], message: 'src/core never imports the CLI.' },
  { group: ['**/lsp/*', '**/lsp'], message: 'src/core never imports the language server.' },
  { group: ['**/vscode/*'], message: 'src/core never imports the VS Code extension.' },
];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', '.vscode-e2e/**', '.bench/**', 'test/fixtures/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      'no-debugger': 'error',
      'no-duplicate-imports': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: frontEndOnly }] },
  },
  {
    // The language server serves every editor: nothing of VS Code's may reach it.
    files: ['src/lsp/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['vscode', 'vscode-languageclient', 'vscode-languageclient/*'], message: 'src/lsp serves every editor: it never imports the VS Code API or its client library.' },
            { group: ['**/vscode/*'], message: 'src/lsp never imports the VS Code extension.' },
          ],
        },
      ],
    },
  },
);
