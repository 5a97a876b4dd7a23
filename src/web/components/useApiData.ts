import { useCallback, useEffect, useState } from 'react';
import { get } from '../api.js';

export interface ApiData<T> {
  /** undefined while the first answer is awaited. */
  data: T | undefined;
  error: unknown;
  reload(): void;
  setData(data: T): void;
}

/**
 * GETs a path and keeps the answer; a null path waits. A newer path (or reload) replaces the answer,
 * and an answer that arrives after its path changed is dropped.
 */
export function useApiData<T>(path: string | null): ApiData<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [version, setVersion] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload trigger.
  useEffect(() => {
    if (path === null) return;
    let current = true;
    get<T>(path).then(
      (answer) => {
        if (!current) return;
        setData(answer);
        setError(undefined);
      },
      (failure) => {
        if (current) setError(failure);
      },
    );
    return () => {
      current = false;
    };
  }, [path, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, reload, setData };
}
