/**
 * Electron entry: the same services as the browser host, served to one hardened window over IPC.
 * This folder is the only place that imports 'electron'.
 */
import { app, BrowserWindow, dialog } from 'electron';
import { ensureDemo } from '../demo/install.js';
import { defaultDataDir, paths } from '../paths.js';
import { Router, studioHandlers } from '../router.js';
import { Studio } from '../services/studio.js';
import { electronBackend } from './export-backend.js';
import { wireIpc } from './ipc.js';
import { registerAppScheme, serveRenderer } from './protocol.js';
import { createMainWindow, hardenApp } from './window.js';

registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();

let studio: Studio | null = null;

async function start(): Promise<void> {
  hardenApp();
  studio = await Studio.boot({ dataDir: defaultDataDir(), figureBackend: electronBackend() });
  await ensureDemo(studio);
  const s = studio;
  const router = new Router(studioHandlers(s), (channel, error) => s.log.warn(`${channel}: ${error.code}: ${error.message}`));
  serveRenderer(paths.renderer);
  wireIpc(router, s.events);
  createMainWindow();
}

app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
app.on('window-all-closed', () => app.quit());
app.on('activate', () => {
  if (studio && BrowserWindow.getAllWindows().length === 0) createMainWindow();
});

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !studio) return;
  event.preventDefault();
  quitting = true;
  void studio.shutdown().finally(() => app.quit());
});

app
  .whenReady()
  .then(start)
  .catch((error: unknown) => {
    dialog.showErrorBox('Cajal Studio could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
