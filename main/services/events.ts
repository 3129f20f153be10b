/** Typed fan-out of the contract's event topics to every connected client (IPC windows, sockets). */
import type { Events, Topic } from '../../shared/ipc/contract.js';

type AnyListener = <T extends Topic>(topic: T, payload: Events[T]) => void;

export class EventBus {
  private readonly listeners = new Set<AnyListener>();

  emit<T extends Topic>(topic: T, payload: Events[T]): void {
    for (const l of this.listeners) {
      try {
        l(topic, payload);
      } catch {
        // One broken client must not stop events reaching the others.
      }
    }
  }

  subscribe(listener: AnyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
