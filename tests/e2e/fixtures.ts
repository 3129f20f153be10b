/** Starts `cajal serve` in a throw-away data directory for each test (tests never see each other's runs). */
import { test as base } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface Served {
  /** URL with the access token (what the user opens). */
  openUrl: string;
  /** Base URL without the token. */
  base: string;
  dataDir: string;
  stop(): Promise<void>;
}

export async function serve(extraEnv: Record<string, string> = {}): Promise<Served> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cajal-e2e-'));
  const bin = resolve(import.meta.dirname, '../../bin/cajal.js');
  const child: ChildProcess = spawn(process.execPath, [bin, 'serve', '--port', '0'], {
    env: { ...process.env, CAJAL_DATA_DIR: dataDir, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const openUrl = await new Promise<string>((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`cajal serve did not start: ${stderr}`)), 30_000);
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /serving at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    child.once('exit', (code) => rej(new Error(`cajal serve exited (${code}): ${stderr}`)));
  });
  return {
    openUrl,
    base: openUrl.replace(/\?token=.*$/, ''),
    dataDir,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const test = base.extend<{ studio: Served }>({
  studio: async ({}, use) => {
    const served = await serve();
    await use(served);
    await served.stop();
  },
});

export { expect } from '@playwright/test';
