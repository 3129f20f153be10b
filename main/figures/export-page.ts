/** The built export page (out/export, made by scripts/build.mjs with main) and how it is served. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { contentSecurityPolicy, securityHeaders } from '../host/security.js';
import { resolveStatic, type StaticFile } from '../host/static.js';
import { appRoot } from '../paths.js';

export const exportPageDir = join(appRoot, 'out', 'export');

export function requireExportPage(dir = exportPageDir): void {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`the figure-export page is not built (${join(dir, 'index.html')} is missing): run \`node scripts/build.mjs main\``);
  }
}

/** A file of the export page with the studio's strict CSP, or null. */
export async function exportPageFile(dir: string, urlPath: string): Promise<(StaticFile & { headers: Record<string, string> }) | null> {
  const file = await resolveStatic(dir, urlPath);
  return file && { ...file, headers: { ...securityHeaders(contentSecurityPolicy()), 'Content-Type': file.type } };
}

/** CSP of printed notebooks: their own inline scripts and styles, nothing from anywhere. */
export const DOCUMENT_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; base-uri 'none'; form-action 'none'";
