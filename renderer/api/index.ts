/**
 * The renderer's one client. Inside Electron the preload provides window.studio; in a browser the
 * host's WebSocket carries the same contract. Nothing else in the renderer knows which.
 */
import type { StudioClient } from '../../shared/ipc/contract';
import { electronClient, type PreloadBridge } from './ipc-client';
import { websocketClient, type ConnectionState } from './ws-client';

declare global {
  interface Window {
    studio?: PreloadBridge;
  }
}

const ws = window.studio ? null : websocketClient();
export const client: StudioClient = window.studio ? electronClient(window.studio) : ws!;

/** Connection changes (browser host only; Electron IPC is always connected). */
export function onConnection(listener: (state: ConnectionState) => void): () => void {
  return ws ? ws.onConnection(listener) : () => {};
}
