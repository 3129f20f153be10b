#!/usr/bin/env node
/** Runs a Node script (vitest, playwright) on the runtime our native modules were built for. */
import { spawnSync } from 'node:child_process';
import { nodeCommand } from './runtime.mjs';

const { command, env } = nodeCommand();
const r = spawnSync(command, process.argv.slice(2), { stdio: 'inherit', env: { ...process.env, ...env } });
process.exit(r.status ?? 1);
