// Bundles the CLI into one file so `npx citewise` starts without a TypeScript toolchain.
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';

const watch = process.argv.includes('--watch');

const options = {
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'out',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
};

if (watch) {
  const { context } = await import('esbuild');
  const ctx = await context(options);
  await ctx.watch();
} else {
  await build(options);
  // The bundle is the package's `bin`: make it runnable as ./out/cli.js too.
  chmodSync('out/cli.js', 0o755);
}
