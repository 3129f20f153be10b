#!/usr/bin/env node
/**
 * Runs a TypeScript entry (a benchmark, a dev script) under plain Node: bundles it with esbuild into
 * .tmp/run/ (dependencies stay external) and executes it with the remaining arguments.
 * Usage: node scripts/run-ts.mjs bench/engine.ts [--json]
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeCommand } from './runtime.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');

export async function bundleEntry(entry) {
  const outfile = resolve(root, '.tmp/run', basename(entry).replace(/\.tsx?$/, '.mjs'));
  await build({
    entryPoints: [resolve(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'error',
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) {
    console.error('usage: node scripts/run-ts.mjs <entry.ts> [args…]');
    process.exit(2);
  }
  const outfile = await bundleEntry(entry);
  const { command, env } = nodeCommand();
  const r = spawnSync(command, ['--enable-source-maps', outfile, ...args], { stdio: 'inherit', env: { ...process.env, ...env } });
  process.exit(r.status ?? 1);
}
