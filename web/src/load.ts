// Reading what a page, a panel or a dialog shows from the server: at once (or once `enabled`),
// again when one of its keys changes and on `reload`. The last answer stays meanwhile (shown as
// stale while `loading`); a failure is kept as `error` until the next reading; the answer to a
// reading since superseded, or to one whose component is gone, is dropped.

import { useEffect, useState } from 'preact/hooks';

export interface LoadOptions<T> {
  /** Read only while true (default: at once). */
  enabled?: boolean;
  /** Also told each answer, once it is kept. */
  onLoaded?: (data: T) => void;
  /** A failure the caller deals with itself: true when it did, else it is kept as `error`. */
  onError?: (error: unknown) => boolean;
}

export interface Loaded<T> {
  data: T | null;
  /** Replaces the data shown (after a change made here), until the next reading. */
  setData: (data: T | null) => void;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

export function useLoad<T>(load: () => Promise<T>, keys: readonly unknown[], options: LoadOptions<T> = {}): Loaded<T> {
  const enabled = options.enabled ?? true;
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(enabled);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setError(null);
    setLoading(true);
    load()
      .then((answer) => {
        if (!live) return;
        setData(answer);
        options.onLoaded?.(answer);
      })
      .catch((e) => {
        if (live && !options.onError?.(e)) setError(e);
      })
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [enabled, attempt, ...keys]);

  return { data, setData, error, loading, reload: () => setAttempt((n) => n + 1) };
}
