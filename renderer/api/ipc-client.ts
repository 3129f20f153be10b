/** The contract over Electron IPC, through the preload's window.studio bridge. */
import type { Channel, Events, Input, Output, StudioClient, Topic } from '../../shared/ipc/contract';
import { unwrap, type WireResult } from './unwrap';

export interface PreloadBridge {
  channels: Record<string, (input: unknown) => Promise<WireResult>>;
  onEvent(listener: (topic: Topic, payload: unknown) => void): () => void;
}

export function electronClient(bridge: PreloadBridge): StudioClient {
  const listeners = new Map<Topic, Set<(payload: never) => void>>();
  bridge.onEvent((topic, payload) => {
    for (const l of listeners.get(topic) ?? []) l(payload as never);
  });
  return {
    transport: 'electron',
    async call<C extends Channel>(channel: C, input: Input<C>): Promise<Output<C>> {
      return unwrap<Output<C>>(await bridge.channels[channel](input));
    },
    on<T extends Topic>(topic: T, listener: (payload: Events[T]) => void) {
      const set = listeners.get(topic) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(topic, set);
      return () => set.delete(listener as (payload: never) => void);
    },
  };
}
