/**
 * The renderer loads from app://studio/ rather than file:// (Electron security checklist #18):
 * a privileged standard scheme whose handler serves only the built renderer, with our CSP.
 */
import { protocol } from 'electron';
import { contentSecurityPolicy, securityHeaders } from '../host/security.js';
import { resolveStatic } from '../host/static.js';

export const APP_ORIGIN = 'app://studio';

export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function serveRenderer(root: string): void {
  const headers = securityHeaders(contentSecurityPolicy());
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'studio') return new Response('not found', { status: 404 });
    const file = await resolveStatic(root, url.pathname);
    if (!file) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(file.body), { status: 200, headers: { ...headers, 'Content-Type': file.type } });
  });
}

/** Only our own page may call the contract (checklist #17): compare parsed origins, not prefixes. */
export function isTrustedUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'app:' && u.host === 'studio';
  } catch {
    return false;
  }
}
