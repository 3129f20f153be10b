#!/usr/bin/env node
/**
 * Type-checks the node side, the web side and (when Electron is installed, since its types ship
 * inside the electron package) the Electron folder and the preload.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');

function check(project) {
  const r = spawnSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.log(`typecheck ${project}: ok`);
}

check('tsconfig.node.json');
check('tsconfig.web.json');
let electronTypes = null;
try {
  electronTypes = join(dirname(require.resolve('electron/package.json')), 'electron.d.ts');
} catch {
  // optional dependency absent
}
if (electronTypes && existsSync(electronTypes)) check('tsconfig.electron.json');
else console.log('typecheck tsconfig.electron.json: skipped (the electron package is not installed; its types ship with it)');
