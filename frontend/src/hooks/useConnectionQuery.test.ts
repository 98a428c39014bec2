import { describe, expect, it, vi } from 'vitest';
import { renderHook } from '@testing-library/react';
import { connectionNodes, useBurstReload } from './useConnectionQuery';

describe('connectionNodes', () => {
  it('keeps the nodes in order and drops missing edges and nodes', () => {
    const connection = {
      totalCount: 3,
      pageInfo: { hasNextPage: false, endCursor: null },
      edges: [{ node: { id: 'a' } }, null, { node: null }, { node: { id: 'b' } }],
    };
    expect(connectionNodes(connection)).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(connectionNodes(null)).toEqual([]);
  });
});

describe('useBurstReload', () => {
  it('reloads once per burst of events, again for a later burst, and never after unmount', () => {
    vi.useFakeTimers();
    try {
      const reload = vi.fn();
      const { result, unmount } = renderHook(() => useBurstReload(reload, 300));
      result.current();
      result.current();
      vi.advanceTimersByTime(299);
      result.current();
      expect(reload).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(reload).toHaveBeenCalledTimes(1);

      result.current();
      vi.advanceTimersByTime(300);
      expect(reload).toHaveBeenCalledTimes(2);

      result.current();
      unmount();
      vi.advanceTimersByTime(1000);
      expect(reload).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
