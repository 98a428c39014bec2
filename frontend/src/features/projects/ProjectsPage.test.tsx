import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockClient, renderWithProviders } from '../../test/render';
import { ProjectsPage } from './ProjectsPage';
import { funding } from './fixtures.test-data';

const row = {
  id: 'Q2hhcml0eVByb2plY3Q6Mg==',
  name: '困境儿童课后成长营',
  status: 'approved',
  category: 'children',
  submittedAt: '2026-11-25T10:00:00+08:00',
  decidedAt: null,
  requestedFen: '3300000',
  approvedFen: '3300000',
  reviewRound: 1,
  region: { id: 'r', name: '古美一村' },
  organisation: { id: 'o', name: '古美街道为老服务社' },
  foundation: { id: 'f', name: '闵行区社区基金会' },
  funding: { grantFen: funding.grantFen, releasedFen: '1800000', spentFen: '0', gapFen: '0' },
};

const page = (nodes: unknown[], hasNextPage = false) => ({
  projects: {
    totalCount: nodes.length,
    pageInfo: { hasNextPage, endCursor: hasNextPage ? 'YXJyYXljb25uZWN0aW9uOjE5' : null },
    edges: nodes.map((node) => ({ node })),
  },
});

describe('ProjectsPage', () => {
  it('lists the projects with status, applicant and money, and filters by status', async () => {
    const client = mockClient((vars) => ({ data: page(vars.status === 'rejected' ? [] : [row]) }));
    renderWithProviders(<ProjectsPage />, { client });
    expect(await screen.findByRole('link', { name: '困境儿童课后成长营' })).toHaveAttribute('href', `/foundation/projects/${row.id}`);
    expect(screen.getByText('执行中')).toBeInTheDocument();
    expect(screen.getByText('古美街道为老服务社')).toBeInTheDocument();
    expect(screen.getByText('¥18,000.00')).toBeInTheDocument();
    expect(screen.getByText(/共 1 条/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole('combobox', { name: '项目状态' }));
    await userEvent.click(await screen.findByTitle('未通过'));
    expect(await screen.findByText('没有符合条件的项目')).toBeInTheDocument();
    expect(client.calls.at(-1)).toMatchObject({ status: 'rejected', first: 20, after: null });
  });

  it('pages forward with the end cursor', async () => {
    const client = mockClient(() => ({ data: page([row], true) }));
    renderWithProviders(<ProjectsPage />, { client });
    await screen.findByRole('link', { name: '困境儿童课后成长营' });
    await userEvent.click(screen.getByRole('button', { name: '下一页' }));
    await waitFor(() => expect(client.calls.at(-1)).toMatchObject({ after: 'YXJyYXljb25uZWN0aW9uOjE5' }));
  });

  it('shows the error with a retry button', async () => {
    const client = mockClient({ error: new Error('connection refused') });
    renderWithProviders(<ProjectsPage />, { client });
    expect(await screen.findByRole('alert')).toHaveTextContent('无法连接服务器');
    expect(screen.getByRole('button', { name: /重\s*试/ })).toBeInTheDocument();
  });
});
