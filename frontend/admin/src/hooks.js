// Loading API data into components.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api.js';

/**
 * Loads path (null: nothing) and reloads it when it changes; reload()
 * fetches it again. Returns {data, error, loading, reload}.
 */
export function useApi(path) {
  const [state, setState] = useState({ data: null, error: null, loading: path !== null });
  const seq = useRef(0);
  const load = useCallback(async () => {
    if (path === null) return;
    const n = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await api(path);
      if (n === seq.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (n === seq.current) setState({ data: null, error, loading: false });
    }
  }, [path]);
  useEffect(() => {
    load();
  }, [load]);
  return { ...state, reload: load };
}

/** Runs fn every ms while active is true. */
export function useInterval(fn, ms, active) {
  const saved = useRef(fn);
  saved.current = fn;
  useEffect(() => {
    if (!active) return undefined;
    const id = setInterval(() => saved.current(), ms);
    return () => clearInterval(id);
  }, [ms, active]);
}

/** value, once it has stopped changing for ms. */
export function useDebounced(value, ms) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}
