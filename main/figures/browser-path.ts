/**
 * Where a Chromium-based browser lives on this machine: exports from the CLI and the browser host
 * are drawn by it (through playwright-core), the same engine family as the studio's own window.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export class NoBrowserError extends Error {
  override readonly name = 'NoBrowserError';
}

/** Candidate executables in the order they are tried. */
export function browserCandidates(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
  const fromEnv = [env.CHROMIUM_PATH, env.CHROME_PATH].filter((p): p is string => !!p);
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((p): p is string => !!p);
    return [
      ...fromEnv,
      ...roots.flatMap((root) => [
        join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'),
        join(root, 'Chromium', 'Application', 'chrome.exe'),
        join(root, 'Microsoft', 'Edge', 'Application', 'msedge.exe'),
      ]),
    ];
  }
  if (platform === 'darwin') {
    return [
      ...fromEnv,
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    ];
  }
  return [
    ...fromEnv,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
    '/usr/bin/microsoft-edge',
    '/usr/bin/microsoft-edge-stable',
  ];
}

export function findBrowser(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const candidates = browserCandidates(env, platform);
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  throw new NoBrowserError(
    'figure export needs Chromium, Google Chrome or Microsoft Edge, and none was found. Looked for: ' +
      candidates.join(', ') +
      '. Install one (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH to its executable.',
  );
}
