import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { api } from './api';
import type { ListResponse, Org, Region } from './types';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` on mount and whenever `key` changes; `reload()` runs it again. Results of stale runs
 * (superseded by a newer one or after unmount) are dropped.
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, key: string): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  useLayoutEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    loadRef
      .current(controller.signal)
      .then((result) => {
        if (controller.signal.aborted) return;
        setData(result);
        setError(undefined);
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e);
        setLoading(false);
      });
    return () => {
      controller.abort();
    };
  }, [key, tick]);

  const reload = useCallback(() => {
    setTick((n) => n + 1);
  }, []);
  return { data, error, loading, reload };
}

/** Regions visible to the user; an empty list when the API refuses or fails. */
export function useRegions(): AsyncState<Region[]> {
  return useAsync(async (signal) => {
    try {
      return (await api.get<ListResponse<Region>>('/regions', { signal })).items;
    } catch (e) {
      if (signal.aborted) throw e;
      return [];
    }
  }, 'regions');
}

/** Organisations visible to the user; an empty list when the API refuses or fails. */
export function useOrgs(): AsyncState<Org[]> {
  return useAsync(async (signal) => {
    try {
      return (await api.get<ListResponse<Org>>('/orgs', { signal })).items;
    } catch (e) {
      if (signal.aborted) throw e;
      return [];
    }
  }, 'orgs');
}

/**
 * `value`, or while it is null the last non-null value it had: keeps a closing Modal's content
 * on screen during its close animation.
 */
export function useRetained<T>(value: T | null): T | null {
  const [last, setLast] = useState<T | null>(value);
  useEffect(() => {
    if (value !== null) setLast(value);
  }, [value]);
  return value ?? last;
}
