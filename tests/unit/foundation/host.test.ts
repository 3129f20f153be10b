import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../../shared/ipc/codec.js';
import { startHost, type Host } from '../../../main/host/server.js';
import { Router, studioHandlers } from '../../../main/router.js';
import type { Studio } from '../../../main/services/studio.js';
import { bootTestStudio, tempDir } from '../helpers.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP so the Host header can be forged (fetch forbids it). */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function rpc(
  ws: WebSocket,
  id: number,
  channel: string,
  input: unknown,
): Promise<{ id: number; ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const msg = decodeFrame(new Uint8Array(data)) as { id?: number };
      if (msg.id === id) {
        ws.off('message', onMessage);
        resolve(msg as never);
      }
    };
    ws.on('message', onMessage);
    ws.send(encodeFrame({ id, channel, input }));
  });
}

describe('browser host', () => {
  const dir = tempDir();
  let studio: Studio;
  let host: Host;
  let cookie: string;

  beforeAll(async () => {
    studio = await bootTestStudio(dir.path);
    const staticDir = join(dir.path, 'static');
    mkdirSync(join(staticDir, 'assets'), { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>studio</title>');
    writeFileSync(join(staticDir, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(dir.path, 'secret.txt'), 'outside the static root');
    const router = new Router(studioHandlers(studio), () => {});
    host = await startHost({ router, events: studio.events, log: studio.log, staticDir });
    cookie = `cajal_token=${host.token}`;
  });
  afterAll(async () => {
    await host.close();
    await studio.shutdown();
    dir.remove();
  });

  it('listens on 127.0.0.1 with a long random token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('rejects a request without the token, or with a wrong one, with 401 and a clear message', async () => {
    const none = await get(host.port, '/');
    expect(none.status).toBe(401);
    expect(none.body).toMatch(/missing access token.*cajal serve/);
    const wrong = await get(host.port, '/?token=guess');
    expect(wrong.status).toBe(401);
    const wrongCookie = await get(host.port, '/', { cookie: 'cajal_token=guess' });
    expect(wrongCookie.status).toBe(401);
  });

  it('trades the URL token for an HttpOnly SameSite=Strict cookie and a clean URL', async () => {
    const r = await get(host.port, `/?token=${host.token}`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/');
    expect(String(r.headers['set-cookie'])).toBe(`cajal_token=${host.token}; HttpOnly; SameSite=Strict; Path=/`);
  });

  it('serves the renderer with a strict CSP once authenticated, and never outside its root', async () => {
    const page = await get(host.port, '/', { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>studio</title>');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|https?:/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const asset = await get(host.port, '/assets/app-1234.js', { cookie });
    expect(asset.headers['content-type']).toMatch(/text\/javascript/);
    const escape = await get(host.port, '/..%2Fsecret.txt', { cookie });
    expect(escape.body).not.toContain('outside the static root');
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const r = await get(host.port, '/', { cookie, host: `evil.example:${host.port}` });
    expect(r.status).toBe(421);
  });

  it('refuses WebSocket upgrades without the token (401) or from a foreign Origin (403)', async () => {
    const ws = `ws://127.0.0.1:${host.port}/ws`;
    await expect(connect(ws)).rejects.toThrow('HTTP 401');
    await expect(connect(ws, { cookie: 'cajal_token=nope' })).rejects.toThrow('HTTP 401');
    await expect(connect(ws, { cookie, origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('carries the contract over the socket, answers invalid payloads with the validation message, and pushes events', async () => {
    const ws = await connect(`ws://127.0.0.1:${host.port}/ws`, { cookie, origin: `http://127.0.0.1:${host.port}` });
    const created = await rpc(ws, 1, 'projects.create', { name: 'Over the wire' });
    expect(created.ok).toBe(true);
    const bad = await rpc(ws, 2, 'projects.rename', { id: -4, name: 'x' });
    expect(bad).toMatchObject({ id: 2, ok: false, error: { code: 'invalid-input' } });
    expect(bad.error?.message).toMatch(/^projects\.rename: id: /);
    ws.send(Buffer.from('not a frame')); // malformed: dropped, connection stays
    const events: unknown[] = [];
    ws.on('message', (d: Buffer) => {
      const m = decodeFrame(new Uint8Array(d)) as { event?: string; payload?: unknown };
      if (m.event === 'log') events.push(m.payload);
    });
    const list = await rpc(ws, 3, 'projects.list', {});
    expect((list.value as Array<{ name: string }>).map((p) => p.name)).toContain('Over the wire');
    studio.log.info('hello from main');
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toContainEqual(expect.objectContaining({ level: 'info', message: 'hello from main' }));
    ws.close();
  });
});
