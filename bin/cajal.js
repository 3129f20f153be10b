#!/usr/bin/env node
/**
 * The `cajal` command. Runs the built CLI (building it first in a fresh checkout) on the runtime
 * the native modules were built for: plain Node, or Electron as Node when Electron is installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'out/main/cli.js');

const { nodeCommand } = await import(pathToFileURL(join(root, 'scripts/runtime.mjs')).href);
const target = nodeCommand();
if (target.runtime === 'electron' && !process.versions.electron) {
  const r = spawnSync(target.command, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, ...target.env },
  });
  process.exit(r.status ?? 1);
}
if (!existsSync(cli)) {
  const { buildMain } = await import(pathToFileURL(join(root, 'scripts/build.mjs')).href);
  await buildMain();
}
// `cajal … | head` closes our stdout early: stop quietly, as Unix tools do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import(pathToFileURL(cli).href);
process.exitCode = await main(process.argv.slice(2));
