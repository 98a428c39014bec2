import { describe, expect, it } from 'vitest';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderWithProviders } from '../../test/render';
import { liveClient } from '../tasks/liveClient.testutil';
import { TimeBankPage } from './TimeBankPage';

const bank = {
  myTimeBank: {
    __typename: 'TimeBankSummary',
    balanceMinutes: 90,
    availableMinutes: 90,
    earnedMinutes: 90,
    stars: 0,
    nextStarAt: 600,
    member: { __typename: 'TimeBankMember', id: 'TWVtYmVyOjE=', displayName: '志愿者 王芳', street: { __typename: 'Region', id: 'UmVnaW9uOjI=', name: '江川路街道' } },
  },
};

function history(entries: { minutes: number; kind: string }[]) {
  return {
    myTimeBankHistory: {
      __typename: 'TimeBankEntryConnection',
      totalCount: entries.length,
      pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
      edges: entries.map((e, i) => ({
        __typename: 'TimeBankEntryEdge',
        cursor: `c${i}`,
        node: {
          __typename: 'TimeBankEntry',
          minutes: e.minutes,
          heldMinutes: 0,
          kind: e.kind,
          phase: 'posted',
          createdAt: '2026-11-25T10:35:00+08:00',
          organisationName: '闵行区慈善工作站',
          serviceDate: '2026-11-25',
        },
      })),
    },
  };
}

const balance = () => screen.getByText('余额').closest('.ant-statistic') as HTMLElement;

describe('TimeBankPage', () => {
  it('replaces the balance with each live ledgerBalance event and fetches the statement again', async () => {
    let entries = [{ minutes: 90, kind: 'tb_earn' }];
    const live = liveClient((name) => {
      if (name === 'MyTimeBank') return { data: bank };
      if (name === 'MyTimeBankHistory') return { data: history(entries) };
      return { data: {} };
    });
    renderWithProviders(<TimeBankPage />, { client: live.client });
    await waitFor(() => expect(balance()).toHaveTextContent('1 小时30 分钟'));
    expect(screen.queryByText('余额实时更新')).not.toBeInTheDocument();
    expect(await screen.findAllByText('服务入账')).toHaveLength(1);

    // hours confirmed elsewhere: the server pushes the new figures
    entries = [{ minutes: 31, kind: 'tb_earn' }, ...entries];
    act(() =>
      live.push('LedgerBalance', {
        ledgerBalance: { __typename: 'LedgerBalanceEvent', balanceMinutes: 121, availableMinutes: 121, earnedMinutes: 121, stars: 0 },
      }),
    );
    // MyTimeBank still answers 1 h 30 min: the new figure is the event's
    await waitFor(() => expect(balance()).toHaveTextContent('2 小时1 分钟'));
    expect(screen.getByText('余额实时更新')).toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByText('服务入账')).toHaveLength(2));
  });

  it('shows a retryable error when the time bank cannot be loaded', async () => {
    let fail = true;
    const live = liveClient((name) => {
      if (name === 'MyTimeBank') return fail ? { error: new Error('network down') } : { data: bank };
      if (name === 'MyTimeBankHistory') return { data: history([]) };
      return { data: {} };
    });
    renderWithProviders(<TimeBankPage />, { client: live.client });
    const retry = await screen.findByRole('button', { name: /重\s*试/ });
    fail = false;
    await userEvent.click(retry);
    await waitFor(() => expect(balance()).toHaveTextContent('1 小时30 分钟'));
  });
});
