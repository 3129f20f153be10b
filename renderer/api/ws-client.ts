/**
 * The contract over the browser host's WebSocket (binary frames from shared/ipc/codec). The access
 * cookie set by the host authenticates the socket. Calls in flight when the socket drops fail with
 * a clear error; the client reconnects with backoff and says so through `onConnection`.
 */
import { decodeFrame, encodeFrame } from '../../shared/ipc/codec';
import { StudioError, type Channel, type Events, type Input, type Output, type StudioClient, type Topic } from '../../shared/ipc/contract';
import { unwrap, type WireResult } from './unwrap';

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };
export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface WebSocketClient extends StudioClient {
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

export function websocketClient(url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`): WebSocketClient {
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;
  let nextId = 1;
  let retryMs = 250;
  const pending = new Map<number, Pending>();
  const listeners = new Map<Topic, Set<(payload: never) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  const setState = (s: ConnectionState) => connectionListeners.forEach((l) => l(s));

  function connect(): Promise<WebSocket> {
    if (opened) return opened;
    setState('connecting');
    opened = new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => {
        socket = ws;
        retryMs = 250;
        setState('open');
        resolve(ws);
      };
      ws.onmessage = (event) => {
        const msg = decodeFrame(new Uint8Array(event.data as ArrayBuffer)) as {
          id?: number;
          event?: Topic;
          payload?: unknown;
        } & WireResult;
        if (typeof msg.id === 'number') {
          const p = pending.get(msg.id);
          pending.delete(msg.id);
          if (!p) return;
          try {
            p.resolve(unwrap(msg));
          } catch (error) {
            p.reject(error);
          }
        } else if (msg.event) {
          for (const l of listeners.get(msg.event) ?? []) l(msg.payload as never);
        }
      };
      ws.onclose = () => {
        const wasOpen = socket === ws;
        socket = null;
        opened = null;
        for (const p of pending.values()) p.reject(new StudioError('internal', 'lost the connection to the studio; retrying'));
        pending.clear();
        setState('closed');
        if (!wasOpen) reject(new StudioError('internal', 'cannot reach the studio (is `cajal serve` still running?)'));
        setTimeout(() => void connect().catch(() => {}), retryMs);
        retryMs = Math.min(retryMs * 2, 5000);
      };
    });
    return opened;
  }

  void connect().catch(() => {});

  return {
    transport: 'websocket',
    async call<C extends Channel>(channel: C, input: Input<C>): Promise<Output<C>> {
      const ws = await connect();
      const id = nextId++;
      return new Promise<Output<C>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(encodeFrame({ id, channel, input }));
      });
    },
    on<T extends Topic>(topic: T, listener: (payload: Events[T]) => void) {
      const set = listeners.get(topic) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(topic, set);
      return () => set.delete(listener as (payload: never) => void);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}
