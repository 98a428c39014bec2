import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockClient, renderWithProviders } from '../../test/render';
import { MyVisitsPage } from './MyVisitsPage';

const visit = {
  id: 'VmlzaXQ6MQ==',
  visitedAt: '2026-11-18T09:30:00+08:00',
  notes: '老人独居，血压偏高，已提醒按时服药',
  householdId: 'SG91c2Vob2xkOjc=',
  householdCategory: 'extreme_poverty',
  communityName: '红旗社区',
};

function page(nodes: object[], totalCount = nodes.length, hasNextPage = false) {
  return {
    myVisits: {
      totalCount,
      pageInfo: { hasNextPage, endCursor: hasNextPage ? 'YXJyYXljb25uZWN0aW9uOjE5' : null },
      edges: nodes.map((node) => ({ node })),
    },
  };
}

describe('MyVisitsPage', { timeout: 300_000 }, () => {
  it('lists my visits with the household’s community, category and a link to it', async () => {
    renderWithProviders(<MyVisitsPage />, { client: mockClient({ data: page([visit], 41, true) }) });
    expect(await screen.findByText('老人独居，血压偏高，已提醒按时服药')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: '我的走访记录' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: '红旗社区' })).toHaveAttribute('href', '/workstation/households/SG91c2Vob2xkOjc%3D');
    expect(screen.getByText('特困')).toBeInTheDocument();
    expect(screen.getByText(/共 41 条 · 1 \/ 3/)).toBeInTheDocument();
  });

  it('asks for the next page from the end cursor', async () => {
    const client = mockClient({ data: page([visit], 41, true) });
    renderWithProviders(<MyVisitsPage />, { client });
    await screen.findByText('红旗社区');
    expect(client.calls[0]).toMatchObject({ first: 20, after: null, visitedFrom: null, visitedTo: null });
    await userEvent.click(screen.getByRole('button', { name: '下一页' }));
    expect(client.calls.at(-1)).toMatchObject({ first: 20, after: 'YXJyYXljb25uZWN0aW9uOjE5' });
  });

  it('filters by a date range, from page one', async () => {
    const client = mockClient({ data: page([visit], 41, true) });
    renderWithProviders(<MyVisitsPage />, { client });
    await screen.findByText('红旗社区');
    await userEvent.click(screen.getByRole('button', { name: '下一页' }));
    const from = screen.getByPlaceholderText('开始日期');
    const to = screen.getByPlaceholderText('结束日期');
    await userEvent.click(from);
    await userEvent.type(from, '2026-11-01{Enter}');
    await userEvent.type(to, '2026-11-30{Enter}');
    await waitFor(() =>
      expect(client.calls.at(-1)).toMatchObject({ after: null, visitedFrom: '2026-11-01', visitedTo: '2026-11-30' }),
    );
  });

  it('says so when I have recorded no visits', async () => {
    renderWithProviders(<MyVisitsPage />, { client: mockClient({ data: page([]) }) });
    expect(await screen.findByText('您还没有记录过探访')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '下一页' })).toBeDisabled();
  });

  it('shows the error with a retry button', async () => {
    renderWithProviders(<MyVisitsPage />, { client: mockClient({ error: new TypeError('Failed to fetch') }) });
    expect(await screen.findByRole('alert')).toHaveTextContent('无法连接服务器');
    expect(screen.getByRole('button', { name: /重\s*试/ })).toBeInTheDocument();
  });
});
