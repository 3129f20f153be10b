/**
 * The browser host: serves the built renderer and the contract over a WebSocket, on 127.0.0.1
 * only, guarded by a per-launch random token. The page gets the token once in its URL, trades it
 * for an HttpOnly SameSite=Strict cookie and a clean URL; every later request and the socket
 * upgrade must carry it. Host and Origin headers are checked against our own address, which stops
 * DNS-rebinding and other sites' pages from reaching the studio.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeFrame, encodeFrame } from '../../shared/ipc/codec.js';
import type { Logger } from '../log.js';
import type { Router } from '../router.js';
import type { EventBus } from '../services/events.js';
import { contentSecurityPolicy, securityHeaders } from './security.js';
import { resolveStatic } from './static.js';

const COOKIE = 'cajal_token';
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

export interface HostOptions {
  router: Router;
  events: EventBus;
  log: Logger;
  staticDir: string;
  port?: number;
  token?: string;
}

export interface Host {
  url: string;
  /** URL carrying the token: the one to open. */
  openUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function sameSecret(a: string | undefined | null, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return null;
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(text + '\n');
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}

export async function startHost(options: HostOptions): Promise<Host> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const { router, events, log, staticDir } = options;
  let port = 0;
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = () => allowedHosts().map((h) => `http://${h}`);
  const headers = () => securityHeaders(contentSecurityPolicy(allowedHosts().map((h) => `ws://${h}`)));

  const server = createServer(async (req, res) => {
    try {
      if (!allowedHosts().includes(req.headers.host ?? '')) {
        plain(res, 421, `Cajal Studio only answers requests addressed to 127.0.0.1:${port}.`);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        plain(res, 405, 'Only GET is served here.', { Allow: 'GET, HEAD' });
        return;
      }
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      const given = url.searchParams.get('token');
      if (given !== null) {
        if (!sameSecret(given, token)) {
          plain(res, 401, 'Cajal Studio: wrong access token. Open the URL printed by `cajal serve` or `npm start`.');
          return;
        }
        url.searchParams.delete('token');
        res.writeHead(303, {
          Location: url.pathname + url.search,
          'Set-Cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
          'Cache-Control': 'no-store',
        });
        res.end();
        return;
      }
      if (!sameSecret(cookieToken(req), token)) {
        plain(res, 401, 'Cajal Studio: missing access token. Open the URL printed by `cajal serve` or `npm start` (it carries the token).');
        return;
      }
      const file = await resolveStatic(staticDir, url.pathname);
      if (!file) {
        plain(res, 404, `Not found: ${url.pathname}`);
        return;
      }
      res.writeHead(200, {
        ...headers(),
        'Content-Type': file.type,
        'Content-Length': String(file.body.length),
        'Cache-Control': file.immutable ? 'private, max-age=31536000, immutable' : 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : file.body);
    } catch (error) {
      log.error(`host: ${req.method} ${req.url}: ${String(error)}`);
      if (!res.headersSent) plain(res, 500, 'Internal error; see the studio log.');
      else res.end();
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== '/ws') return rejectUpgrade(socket, 404, 'Not Found');
    if (!allowedHosts().includes(req.headers.host ?? '')) return rejectUpgrade(socket, 421, 'Misdirected Request');
    const origin = req.headers.origin;
    // Browsers always send Origin on WebSocket upgrades; scripts without one must still hold the token.
    if (origin !== undefined && !allowedOrigins().includes(origin)) return rejectUpgrade(socket, 403, 'Forbidden Origin');
    if (!sameSecret(cookieToken(req) ?? url.searchParams.get('token'), token)) return rejectUpgrade(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  });

  function serveSocket(ws: WebSocket): void {
    const unsubscribe = events.subscribe((topic, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeFrame({ event: topic, payload }));
    });
    ws.on('close', unsubscribe);
    ws.on('error', () => unsubscribe());
    ws.on('message', async (data, isBinary) => {
      let request: { id?: unknown; channel?: unknown; input?: unknown };
      try {
        if (!isBinary) throw new Error('text frames are not part of the protocol');
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        request = decodeFrame(bytes) as typeof request;
        if (!request || typeof request !== 'object' || typeof request.id !== 'number') throw new Error('a request needs a numeric id');
      } catch (error) {
        log.warn(`host: dropped a malformed message: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      const result = await router.call(request.channel, request.input);
      if (ws.readyState === ws.OPEN) ws.send(encodeFrame({ id: request.id, ...result }));
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    openUrl: `${url}?token=${token}`,
    port,
    token,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
