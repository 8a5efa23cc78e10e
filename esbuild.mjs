// Bundles the CLI into one file so `npx citewise` starts without a TypeScript toolchain, bundles the VS Code
// extension (when src/extension.ts exists), and writes the JSON Schema of citewise.yaml for `yamlValidation`.
//   node esbuild.mjs                 development build, with source maps
//   node esbuild.mjs --production    minified, without source maps (what the .vsix ships)
//   node esbuild.mjs --watch         rebuilds on change
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build, context } from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const shared = {
  outdir: 'out',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

// pdf.js is an ES module that locates its helpers through import.meta.url, which a CommonJS bundle
// breaks; it stays in node_modules and is loaded with a dynamic import at run time.
shared.external = ['pdfjs-dist'];

const cliOptions = {
  ...shared,
  // The index worker serves both the CLI and the extension, the corpus worker the language server (`citewise lsp`) and
  // the extension: all load them from out/.
  entryPoints: { cli: 'src/cli/main.ts', 'index-worker': 'src/core/index/index-worker.ts', 'corpus-worker': 'src/core/corpus/corpus-worker.ts' },
  banner: { js: '#!/usr/bin/env node' },
};

// Another part of the tree may not have the extension yet; the CLI builds either way.
const extensionOptions = existsSync('src/extension.ts')
  ? {
      ...shared,
      // The extension starts the language server from its own bundle (smaller than the CLI's, so it starts sooner).
      entryPoints: { extension: 'src/extension.ts', 'lsp-server': 'src/lsp/main.ts' },
      external: ['vscode', ...shared.external],
    }
  : undefined;

const schemaFile = 'out/citewise.schema.json';

/** Bundles src/core/settings/settings-json-schema.ts, runs it, and writes the schema it returns. */
async function writeSettingsSchema() {
  const result = await build({
    entryPoints: ['src/core/settings/settings-json-schema.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    logLevel: 'warning',
  });
  const folder = mkdtempSync(path.join(tmpdir(), 'citewise-schema-'));
  try {
    const bundle = path.join(folder, 'settings-json-schema.cjs');
    writeFileSync(bundle, result.outputFiles[0].contents);
    const { settingsJsonSchema } = createRequire(import.meta.url)(bundle);
    mkdirSync(path.dirname(schemaFile), { recursive: true });
    writeFileSync(schemaFile, `${JSON.stringify(settingsJsonSchema(), null, 2)}\n`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (watch) {
  await writeSettingsSchema();
  for (const options of [cliOptions, extensionOptions]) {
    if (options) await (await context(options)).watch();
  }
} else {
  await Promise.all([build(cliOptions), extensionOptions && build(extensionOptions), writeSettingsSchema()]);
  // A production bundle has no source map; drop any left from a development build so none is stale.
  if (production) for (const name of ['cli', 'extension', 'lsp-server']) rmSync(`out/${name}.js.map`, { force: true });
  // The bundle is the package's `bin`: make it runnable as ./out/cli.js too.
  chmodSync('out/cli.js', 0o755);
}
