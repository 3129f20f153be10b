#!/usr/bin/env node
/**
 * After `npm install`: when the Electron binary was downloaded (a normal machine with internet and
 * Node ≥ 22.12), rebuild native modules for Electron's ABI so the desktop app, the tests and the CLI
 * all run on Electron (see scripts/runtime.mjs). Otherwise the modules stay built for Node and the
 * studio runs as a browser host.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { electronBinary } from './runtime.mjs';

const electron = electronBinary();
if (!electron) {
  console.log('cajal-studio: Electron binary not installed; `npm start` will serve the studio to your browser.');
  process.exit(0);
}
const require = createRequire(import.meta.url);
let cli;
try {
  cli = join(dirname(require.resolve('electron-builder/package.json')), 'cli.js');
} catch {
  console.log('cajal-studio: electron-builder is not installed (production install); skipping the native rebuild.');
  process.exit(0);
}
console.log('cajal-studio: rebuilding native modules for Electron…');
const r = spawnSync(process.execPath, [cli, 'install-app-deps'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
