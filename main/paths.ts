/** Where things live: the app's own files (built bundles, assets) and the user's data directory. */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findAppRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'cajal-studio') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the cajal-studio package root');
    dir = parent;
  }
}

/** The package root (source checkout, or the unpacked app.asar when packaged). */
export const appRoot = findAppRoot();

export const appVersion: string = JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')).version;

/** Worker threads cannot start from inside app.asar; electron-builder unpacks out/main next to it. */
const unpackedRoot = appRoot.replace(/app\.asar$/, 'app.asar.unpacked');

export const paths = {
  worker: join(unpackedRoot, 'out/main/worker.js'),
  renderer: join(appRoot, 'out/renderer'),
  preload: join(appRoot, 'out/preload/index.cjs'),
  assets: join(appRoot, 'assets'),
};

/** Platform app-data folder, overridden by CAJAL_DATA_DIR (tests, CI and batch runs stay isolated). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.CAJAL_DATA_DIR) return resolve(env.CAJAL_DATA_DIR);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Cajal Studio');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Cajal Studio');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'cajal-studio');
}
