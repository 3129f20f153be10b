#!/usr/bin/env node
/**
 * Builds the app into out/: main-side bundles with esbuild (node_modules stay external: native
 * modules and wasm cannot be bundled), the preload as CommonJS (sandboxed preloads must be), and the
 * renderer with Vite. Usage: node scripts/build.mjs [main|renderer|all]
 */
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');

const MAIN_ENTRIES = {
  cli: 'main/cli/index.ts',
  worker: 'main/jobs/worker.ts',
  electron: 'main/electron/main.ts',
};

export async function buildMain() {
  const entryPoints = Object.fromEntries(
    Object.entries(MAIN_ENTRIES)
      .filter(([, file]) => existsSync(resolve(root, file)))
      .map(([name, file]) => [name, resolve(root, file)]),
  );
  await build({
    entryPoints,
    outdir: resolve(root, 'out/main'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'error',
    // One shared chunk per module keeps the worker and the CLI on the same code.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  });
  if (existsSync(resolve(root, 'renderer/export/main.ts'))) await buildExportPage();
  if (existsSync(resolve(root, 'preload/index.ts'))) {
    await build({
      entryPoints: [resolve(root, 'preload/index.ts')],
      outfile: resolve(root, 'out/preload/index.cjs'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['electron'],
      logLevel: 'error',
    });
  }
}

/**
 * The figure-export page (renderer/export: plotly + the bundled font), loaded by the exporter's
 * browser engine. Built with main, not by Vite, so the CLI (which builds main on first use) and the
 * unit tests always have it.
 */
async function buildExportPage() {
  const outdir = resolve(root, 'out/export');
  await build({
    entryPoints: [resolve(root, 'renderer/export/main.ts')],
    outfile: join(outdir, 'export.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    logLevel: 'error',
  });
  mkdirSync(join(outdir, 'fonts'), { recursive: true });
  for (const file of ['index.html', 'export.css']) copyFileSync(resolve(root, 'renderer/export', file), join(outdir, file));
  for (const file of readdirSync(resolve(root, 'assets/fonts'))) copyFileSync(resolve(root, 'assets/fonts', file), join(outdir, 'fonts', file));
}

export async function buildRenderer() {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: resolve(root, 'vite.config.ts'), logLevel: 'warn' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const what = process.argv[2] ?? 'all';
  const t0 = performance.now();
  if (what === 'main' || what === 'all') await buildMain();
  if (what === 'renderer' || what === 'all') await buildRenderer();
  console.log(`built ${what} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
