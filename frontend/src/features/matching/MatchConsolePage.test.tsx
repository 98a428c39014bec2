import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MeProvider } from '../../auth/MeProvider';
import { mockClient, renderWithProviders } from '../../test/render';
import { MatchConsolePage } from './MatchConsolePage';

const me = {
  me: {
    __typename: 'User',
    id: 'VXNlcjox',
    email: 'staff@huzhu.demo',
    displayName: '王平明',
    language: 'zh-hans',
    isSuperuser: false,
    roles: [{ __typename: 'RoleGrant', role: 'workstation_staff', region: { __typename: 'Region', id: 'UmVnaW9uOjI=', name: '江川路街道', level: 'street' } }],
  },
};

const proposal = {
  __typename: 'MatchProposal',
  id: 'TWF0Y2hQcm9wb3NhbDox',
  score: 65,
  status: 'proposed',
  source: 'ONLINE',
  supplyKind: 'goods',
  supplyLabel: '棉被 × 1 · 江川路街道慈善工作站',
  quantity: 1,
  minutes: null,
  amountFen: null,
  explanation: '救急难 +40，类别:低保 +20，同街道 +5',
  reason: '',
  regionName: '红旗社区',
  reviewerName: null,
  createdAt: '2026-11-25T10:00:00+08:00',
  decidedAt: null,
  components: [
    { __typename: 'ScoreComponent', code: 'urgent', points: 40, params: '{}' },
    { __typename: 'ScoreComponent', code: 'same_street', points: 5, params: '{}' },
  ],
  need: { __typename: 'Need', id: 'TmVlZDox', kind: 'goods', urgent: true },
};

const list = {
  matchProposals: {
    __typename: 'MatchProposalConnection',
    totalCount: 1,
    pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
    edges: [{ __typename: 'MatchProposalEdge', node: proposal }],
  },
};

describe('MatchConsolePage', () => {
  it('shows a proposal with its labelled score components, and a typed error of accept on its card', async () => {
    const client = mockClient((_vars, name) => {
      if (name === 'Me') return { data: me };
      if (name === 'MatchProposals') return { data: list };
      if (name === 'MatchProposalAccept')
        return {
          data: {
            matchProposalAccept: {
              __typename: 'MatchProposalAccept',
              proposal: null,
              errors: [{ __typename: 'MatchingError', field: null, code: 'SUPPLY_TAKEN', message: '这批物资已被其他需求占用。' }],
            },
          },
        };
      return { data: {} };
    });
    renderWithProviders(
      <MeProvider>
        <MatchConsolePage />
      </MeProvider>,
      { client },
    );
    expect(await screen.findByText('棉被 × 1 · 江川路街道慈善工作站')).toBeInTheDocument(); // the quantity once
    expect(screen.getByText('同街道 +5')).toBeInTheDocument();
    expect(screen.getByText('红旗社区')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /接\s*受/ }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('这批物资已被其他需求占用。 (SUPPLY_TAKEN)');
    await waitFor(() => expect(client.calls.some((v) => v.proposalId === proposal.id)).toBe(true));
  });
});
