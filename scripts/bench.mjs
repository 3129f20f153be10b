#!/usr/bin/env node
/** `npm run bench [-- --json]`: every benchmark under bench/, one after another. */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const benches = readdirSync(resolve(root, 'bench')).filter((f) => f.endsWith('.ts') && !f.startsWith('_')).sort(); // _name.ts: shared modules, not benchmarks
let failed = 0;
for (const file of benches) {
  console.log(`\n═══ bench/${file}`);
  const r = spawnSync(process.execPath, ['scripts/run-ts.mjs', `bench/${file}`, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
