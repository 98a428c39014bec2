import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { mockClient, renderWithProviders } from '../../test/render';
import { NotificationsPage } from './NotificationsPage';

const emptyPage = {
  unreadNotificationCount: 0,
  myNotifications: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] },
};

describe('NotificationsPage', () => {
  it('says there is nothing yet when the list is empty, with paging disabled', () => {
    renderWithProviders(<NotificationsPage />, { client: mockClient({ data: emptyPage }) });
    expect(screen.getByText('暂无通知')).toBeInTheDocument();
    expect(screen.getByText(/共 0 条/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '下一页' })).toBeDisabled();
    expect(screen.getByRole('button', { name: '上一页' })).toBeDisabled();
  });

  it('lists notifications and enables the next page when there is one', () => {
    const data = {
      unreadNotificationCount: 1,
      myNotifications: {
        totalCount: 25,
        pageInfo: { hasNextPage: true, endCursor: 'YXJyYXljb25uZWN0aW9uOjE5' },
        edges: [
          {
            node: {
              __typename: 'Notification',
              id: 'Tm90aWZpY2F0aW9uOjE=',
              kind: 'match_proposed',
              title: '新的对接建议',
              body: '红旗社区一户家庭的物资需求有了候选捐赠',
              link: '',
              createdAt: '2026-11-01T09:30:00+08:00',
              read: false,
            },
          },
        ],
      },
    };
    renderWithProviders(<NotificationsPage />, { client: mockClient({ data }) });
    expect(screen.getByText('新的对接建议')).toBeInTheDocument();
    expect(screen.getByText(/共 25 条 · 1 \/ 2/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '下一页' })).toBeEnabled();
  });

  it('shows the error and a retry button when the query fails', async () => {
    renderWithProviders(<NotificationsPage />, { client: mockClient({ error: new TypeError('Failed to fetch') }) });
    expect(await screen.findByRole('alert')).toHaveTextContent('无法连接服务器');
    expect(screen.getByRole('button', { name: /重\s*试/ })).toBeInTheDocument();
  });
});
