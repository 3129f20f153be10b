import { useCallback, useEffect, useRef, useState } from 'react';
import type { Channel, Events, Input, Output, Topic } from '../../shared/ipc/contract';
import { client } from './index';

export interface Query<T> {
  data: T | undefined;
  error: Error | null;
  loading: boolean;
  reload: () => void;
}

/** Calls a channel when its input changes; `null` input means "not now". */
export function useQuery<C extends Channel>(channel: C, input: Input<C> | null): Query<Output<C>> {
  const [data, setData] = useState<Output<C>>();
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(input !== null);
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(input);
  useEffect(() => {
    if (input === null) return;
    let live = true;
    setLoading(true);
    client.call(channel, input).then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(e instanceof Error ? e : new Error(String(e)));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
    // The serialised input is the dependency: callers pass fresh object literals each render.
  }, [channel, key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

export function useEvent<T extends Topic>(topic: T, listener: (payload: Events[T]) => void): void {
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => client.on(topic, (p) => ref.current(p)), [topic]);
}
