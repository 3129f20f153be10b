/** Electron transport: one ipcMain handler per channel (sender frame checked) and the event fan-out. */
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { CHANNEL_NAMES } from '../../shared/ipc/contract.js';
import type { CallResult, Router } from '../router.js';
import type { EventBus } from '../services/events.js';
import { isTrustedUrl } from './protocol.js';

export const IPC_PREFIX = 'studio:';
export const EVENT_CHANNEL = 'studio:event';

export function wireIpc(router: Router, events: EventBus): () => void {
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(IPC_PREFIX + channel, async (event: IpcMainInvokeEvent, payload: unknown): Promise<CallResult> => {
      if (!isTrustedUrl(event.senderFrame?.url)) {
        return { ok: false, error: { code: 'invalid-input', message: `${channel}: refused a call from an untrusted frame` } };
      }
      return router.call(channel, payload);
    });
  }
  const unsubscribe = events.subscribe((topic, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, topic, payload);
    }
  });
  return () => {
    unsubscribe();
    for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(IPC_PREFIX + channel);
  };
}
