#!/usr/bin/env node
/**
 * `npm start`: builds the app, then opens the Electron window when the Electron binary exists;
 * otherwise serves the studio to the browser, prints the URL and opens the default browser.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMain, buildRenderer } from './build.mjs';
import { electronBinary } from './runtime.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');
await buildMain();
await buildRenderer();

const electron = electronBinary();
const [command, args] = electron ? [electron, [root]] : [process.execPath, [resolve(root, 'bin/cajal.js'), 'serve', '--open', ...process.argv.slice(2)]];
if (!electron) console.log('Electron is not installed here: serving the studio to your browser instead.');
const child = spawn(command, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
