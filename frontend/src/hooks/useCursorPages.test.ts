import { describe, expect, it } from 'vitest';
import { act, renderHook } from '@testing-library/react';
import { useCursorPages } from './useCursorPages';

describe('useCursorPages', () => {
  it('walks forward by end cursors, back by the remembered starts, and resets to page 1', () => {
    const { result } = renderHook(() => useCursorPages(20));
    expect(result.current).toMatchObject({ page: 1, after: null, first: 20 });

    act(() => result.current.next('c20'));
    act(() => result.current.next('c40'));
    expect(result.current).toMatchObject({ page: 3, after: 'c40' });

    act(() => result.current.prev());
    expect(result.current).toMatchObject({ page: 2, after: 'c20' });

    act(() => result.current.next(null)); // no end cursor: stay
    expect(result.current.page).toBe(2);

    act(() => result.current.reset());
    expect(result.current).toMatchObject({ page: 1, after: null });
  });

  it('goes back to the first page when the page size changes', () => {
    const { result } = renderHook(() => useCursorPages(20));
    act(() => result.current.next('c20'));
    act(() => result.current.setPageSize(50));
    expect(result.current).toMatchObject({ page: 1, after: null, first: 50 });
  });
});
