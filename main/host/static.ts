/** Serving the built renderer: fixed MIME types, no path escapes, index.html for app routes. */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

export interface StaticFile {
  body: Buffer;
  type: string;
  /** Hashed asset names never change, so they may be cached; index.html may not. */
  immutable: boolean;
}

export async function resolveStatic(root: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rel = normalize(decoded).replace(/^([/\\])+/, '');
  const full = join(root, rel);
  if (full !== root && !full.startsWith(root + sep)) return null;
  const candidate = await fileOrNull(full);
  const file = candidate ?? (extname(rel) === '' ? join(root, 'index.html') : null);
  if (!file) return null;
  const body = await readFile(file).catch(() => null);
  if (!body) return null;
  return { body, type: MIME[extname(file)] ?? 'application/octet-stream', immutable: file.includes(`${sep}assets${sep}`) };
}

async function fileOrNull(path: string): Promise<string | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? path : null;
  } catch {
    return null;
  }
}
