import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MeProvider } from '../../auth/MeProvider';
import { mockClient, renderWithProviders } from '../../test/render';
import { FundMatchesPage, parseComponents } from './FundMatchesPage';
import { me } from './fixtures.test-data';

const proposal = {
  id: 'UHJvamVjdEZ1bmRQcm9wb3NhbDox',
  fundKey: 'project:3',
  fundLabel: '本项目定向捐赠',
  score: 76,
  reason: '',
  status: 'proposed',
  amountFen: '200000',
  availableFen: '500000',
  gapFen: '430000',
  components: JSON.stringify([
    { code: 'project_earmark', points: 60, params: {} },
    { code: 'gap_coverage', points: 16, params: { amount_fen: 200000, gap_fen: 430000 } },
  ]),
  createdAt: '2026-11-25T10:00:00+08:00',
  decidedAt: null,
  reviewer: null,
  project: {
    id: 'Q2hhcml0eVByb2plY3Q6Mw==',
    name: '失能老人康复辅具租借站',
    status: 'approved',
    region: { id: 'r', name: '莘庄镇' },
    organisation: { id: 'o', name: '莘庄镇青少年成长服务社' },
  },
};

const list = (nodes: unknown[]) => ({
  projectFundProposals: { totalCount: nodes.length, pageInfo: { hasNextPage: false, endCursor: null }, edges: nodes.map((node) => ({ node })) },
});

describe('FundMatchesPage', () => {
  it('explains a proposal; accept shows a typed error on its card; reject needs a reason shown at the field', async () => {
    const client = mockClient((_vars, name) => {
      if (name === 'Me') return { data: me };
      if (name === 'ProjectFundProposals') return { data: list([proposal]) };
      if (name === 'ProjectFundProposalAccept')
        return { data: { projectFundProposalAccept: { proposal: null, errors: [{ field: null, code: 'FUNDS_TAKEN', message: '这笔资金已被其他项目使用。' }] } } };
      if (name === 'ProjectFundProposalReject')
        return { data: { projectFundProposalReject: { proposal: null, nextProposals: [], errors: [{ field: 'reason', code: 'TOO_LONG', message: '原因太长。' }] } } };
      return { data: {} };
    });
    renderWithProviders(
      <MeProvider>
        <FundMatchesPage />
      </MeProvider>,
      { client },
    );
    const card = await screen.findByTestId('fund-proposal');
    expect(within(card).getByRole('link', { name: '失能老人康复辅具租借站' })).toBeInTheDocument();
    expect(within(card).getByText('本项目定向捐赠 +60')).toBeInTheDocument();
    expect(within(card).getByText('缺口覆盖 +16')).toBeInTheDocument();
    expect(within(card).getByText('¥2,000.00')).toBeInTheDocument();

    await userEvent.click(within(card).getByRole('button', { name: /接\s*受/ }));
    expect(await within(card).findByRole('alert')).toHaveTextContent('这笔资金已被其他项目使用。 (FUNDS_TAKEN)');

    await userEvent.click(within(card).getByRole('button', { name: /驳\s*回/ }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('驳回原因'), { target: { value: 'x'.repeat(10) } });
    await userEvent.click(within(dialog).getByRole('button', { name: /驳\s*回/ }));
    expect(await within(dialog).findByText('原因太长。')).toBeInTheDocument();
    await waitFor(() => expect(client.calls).toContainEqual({ proposalId: proposal.id, reason: 'x'.repeat(10) }));
  }, 400_000);

  it('shows the empty state', async () => {
    const client = mockClient((_vars, name) => (name === 'Me' ? { data: me } : { data: list([]) }));
    renderWithProviders(
      <MeProvider>
        <FundMatchesPage />
      </MeProvider>,
      { client },
    );
    expect(await screen.findByText('暂无资金匹配建议')).toBeInTheDocument();
  });

  it('reads the score parts from a JSON list or a JSON string of one', () => {
    expect(parseComponents('[{"code":"general_fund","points":20}]')).toEqual([{ code: 'general_fund', points: 20 }]);
    expect(parseComponents(JSON.stringify(JSON.stringify([{ code: 'gap_coverage', points: 5 }])))).toEqual([{ code: 'gap_coverage', points: 5 }]);
    expect(parseComponents('not json')).toEqual([]);
  });
});
