import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '../../../shared/http.js';
import { get } from '../../api.js';
import { appendPage } from './records.js';

export interface Paged<T> {
  /** undefined while the first page is awaited. */
  items: T[] | undefined;
  error: unknown;
  hasMore: boolean;
  loadingMore: boolean;
  /** The next page, after the cursor the last one answered (`before=`). */
  loadMore(): Promise<void>;
  reload(): void;
}

/**
 * A list the API pages with a cursor (`nextCursor` → `?before=`): the first page when `path` is set or
 * changes, then one more page per `loadMore` (the 加载更多 button). An answer for an older path is dropped.
 */
export function usePaged<T>(path: string | null, key: (item: T) => string): Paged<T> {
  const [items, setItems] = useState<T[]>();
  const [error, setError] = useState<unknown>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [version, setVersion] = useState(0);
  const current = useRef(path);
  const keyRef = useRef(key);
  keyRef.current = key;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload trigger.
  useEffect(() => {
    current.current = path;
    setItems(undefined);
    setError(undefined);
    setCursor(null);
    if (path === null) return;
    let live = true;
    get<Page<T>>(path).then(
      (page) => {
        if (!live) return;
        setItems(page.items);
        setCursor(page.nextCursor);
      },
      (failure) => {
        if (live) setError(failure);
      },
    );
    return () => {
      live = false;
    };
  }, [path, version]);

  const loadMore = useCallback(async () => {
    if (path === null || cursor === null) return;
    setLoadingMore(true);
    try {
      const page = await get<Page<T>>(
        `${path}${path.includes('?') ? '&' : '?'}before=${encodeURIComponent(cursor)}`,
      );
      if (current.current !== path) return;
      setItems((shown) => appendPage(shown ?? [], page.items, keyRef.current));
      setCursor(page.nextCursor);
    } finally {
      setLoadingMore(false);
    }
  }, [path, cursor]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { items, error, hasMore: cursor !== null, loadingMore, loadMore, reload };
}
