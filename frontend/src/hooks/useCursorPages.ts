import { useCallback, useState } from 'react';

/**
 * Forward cursor pagination over a relay connection (`first`, `after`): remembers where each page began so
 * that "previous" works without `last/before`. Call `reset()` whenever the filters change.
 */
export function useCursorPages(initialPageSize = 20) {
  const [starts, setStarts] = useState<(string | null)[]>([null]);
  const [pageSize, setPageSizeState] = useState(initialPageSize);
  const page = starts.length; // 1-based
  const after = starts[starts.length - 1] ?? null;

  const next = useCallback((endCursor: string | null | undefined) => {
    if (endCursor) setStarts((s) => [...s, endCursor]);
  }, []);
  const prev = useCallback(() => setStarts((s) => (s.length > 1 ? s.slice(0, -1) : s)), []);
  const reset = useCallback(() => setStarts([null]), []);
  const setPageSize = useCallback((size: number) => {
    setPageSizeState(size);
    setStarts([null]);
  }, []);

  return { page, after, first: pageSize, pageSize, next, prev, reset, setPageSize };
}

export type CursorPages = ReturnType<typeof useCursorPages>;
