/**
 * Which runtime runs our Node-side code. Native modules (better-sqlite3) are built for exactly one
 * ABI per install: Electron's when the Electron binary is installed (postinstall rebuilds them with
 * electron-builder install-app-deps), Node's otherwise. Tests, the CLI and benchmarks then run on
 * that same runtime: plain `node`, or the Electron binary with ELECTRON_RUN_AS_NODE=1.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Path of the Electron executable when the package and its downloaded binary are both present. */
export function electronBinary() {
  if (process.env.CAJAL_NO_ELECTRON === '1') return null;
  let pkgDir;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null; // optional dependency not installed (Node < 22.12, or the download failed)
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return null; // installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1
  const exe = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(exe) ? exe : null;
}

/** The command (and extra env) that runs a Node script on the runtime the native modules match. */
export function nodeCommand() {
  const electron = electronBinary();
  if (electron) return { command: electron, env: { ELECTRON_RUN_AS_NODE: '1' }, runtime: 'electron' };
  return { command: process.execPath, env: {}, runtime: 'node' };
}
