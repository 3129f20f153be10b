#!/usr/bin/env node
/**
 * `npm test`: the whole suite, in the order that fails fastest: type-check (node, web, electron),
 * lint (layering included), build, unit tests (vitest), end-to-end tests (Playwright on Debian's
 * Chromium against the browser host). Unit and e2e tests run on the runtime the native modules
 * were built for (scripts/runtime.mjs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeCommand } from './runtime.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const runtime = nodeCommand();
const steps = [
  ['typecheck', process.execPath, ['scripts/typecheck.mjs']],
  ['lint', process.execPath, ['node_modules/eslint/bin/eslint.js', '.']],
  ['build', process.execPath, ['scripts/build.mjs']],
  ['unit tests', runtime.command, ['node_modules/vitest/vitest.mjs', 'run']],
  ['e2e tests', runtime.command, ['node_modules/@playwright/test/cli.js', 'test']],
];

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`e2e tests need Chromium at ${chromium} (Debian: apt-get install -y chromium; or set CHROMIUM_PATH).`);
  process.exit(1);
}

const timings = [];
for (const [name, command, args] of steps) {
  console.log(`\n── ${name} ${'─'.repeat(Math.max(0, 60 - name.length))}`);
  const t0 = performance.now();
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...runtime.env } });
  timings.push(`${name} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (r.status !== 0) {
    console.error(`\n✗ ${name} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}
console.log(`\n✓ all passed on ${runtime.runtime}: ${timings.join(', ')}`);
