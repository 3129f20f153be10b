/**
 * The request loop behind a zoomable view: a pan or zoom asks main for a view at once, answered
 * from the overview alone (`coarse`, no file read), then, once the gestures have settled, for the
 * exact view where the coarse one was not already exact. One request is in flight at a time; a
 * newer window replaces any waiting one, so a fast zoom never queues stale work.
 */
import { useCallback, useEffect, useRef } from 'react';

/** Quiet time after the last gesture before the exact view is asked for. */
const SETTLE_MS = 160;

export interface Fetched {
  /** Whether this answer is the exact one for its window (no finer view exists). */
  exact: boolean;
  /** Draws the answer; resolves when drawn. */
  draw: () => Promise<void>;
}

export interface DrawTiming {
  /** Milliseconds from the gesture (or request) to the finished redraw. */
  ms: number;
  coarse: boolean;
}

export function useWindowedViews(
  fetch: (window: [number, number], coarse: boolean) => Promise<Fetched>,
  onDrawn: (timing: DrawTiming) => void,
  onError: (error: unknown) => void,
) {
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;
  const drawnRef = useRef(onDrawn);
  drawnRef.current = onDrawn;
  const errorRef = useRef(onError);
  errorRef.current = onError;
  const state = useRef<{
    busy: boolean;
    next: { window: [number, number]; coarse: boolean; since: number } | null;
    settle: ReturnType<typeof setTimeout> | null;
    latest: [number, number] | null;
    exactDone: boolean;
  }>({ busy: false, next: null, settle: null, latest: null, exactDone: false });

  const pump = useCallback(async () => {
    const s = state.current;
    if (s.busy || !s.next) return;
    const job = s.next;
    s.next = null;
    s.busy = true;
    try {
      const fetched = await fetchRef.current(job.window, job.coarse);
      // A newer window is waiting: skip drawing this one. The exact view of this same window may
      // be waiting too: the coarse one is drawn first, and makes it needless when already exact.
      // (Read through the ref: the request above may have replaced `next` meanwhile.)
      const waiting = state.current.next as { window: [number, number] } | null;
      if (!waiting || waiting.window === job.window) {
        if (fetched.exact && waiting) s.next = null;
        await fetched.draw();
        drawnRef.current({ ms: performance.now() - job.since, coarse: job.coarse });
        if (fetched.exact && s.latest === job.window) s.exactDone = true;
      }
    } catch (error) {
      errorRef.current(error);
    } finally {
      s.busy = false;
      void pump();
    }
  }, []);

  /** A new window from a gesture: a coarse view now, the exact one when the gestures settle. */
  const request = useCallback(
    (window: [number, number], since = performance.now()) => {
      const s = state.current;
      s.latest = window;
      s.exactDone = false;
      s.next = { window, coarse: true, since };
      void pump();
      if (s.settle) clearTimeout(s.settle);
      s.settle = setTimeout(() => {
        s.settle = null;
        if (s.latest === window && !s.exactDone) {
          s.next = { window, coarse: false, since: performance.now() };
          void pump();
        }
      }, SETTLE_MS);
    },
    [pump],
  );

  /** Exact view right away (first draw, a new neuron range). */
  const refresh = useCallback(
    (window: [number, number]) => {
      const s = state.current;
      s.latest = window;
      s.exactDone = false;
      s.next = { window, coarse: false, since: performance.now() };
      void pump();
    },
    [pump],
  );

  useEffect(
    () => () => {
      if (state.current.settle) clearTimeout(state.current.settle);
    },
    [],
  );

  return { request, refresh };
}
