import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MeProvider } from '../../../auth/MeProvider';
import { mockClient, renderWithProviders } from '../../../test/render';
import { MyProjectsPage } from './MyProjectsPage';
import { member } from './fixtures.test-data';

const row = {
  id: 'Q2hhcml0eVByb2plY3Q6OQ==',
  name: '社区助老食堂',
  status: 'draft',
  category: 'elderly',
  createdAt: '2026-11-25T10:00:00+08:00',
  submittedAt: null,
  requestedFen: '300000',
  budgetTotalFen: '800000',
  region: { id: 'r', name: '红旗村' },
  organisation: { id: 'o', name: '江川街道阳光社工服务中心' },
  foundation: { id: 'f', name: '闵行区社区基金会' },
  funding: { grantFen: '0', releasedFen: '0', spentFen: '0' },
};

const page = (nodes: unknown[], hasNextPage = false) => ({
  projects: {
    totalCount: nodes.length,
    pageInfo: { hasNextPage, endCursor: hasNextPage ? 'YXJyYXljb25uZWN0aW9uOjE5' : null },
    edges: nodes.map((node) => ({ node })),
  },
});

function renderPage(client: ReturnType<typeof mockClient>) {
  return renderWithProviders(
    <MeProvider>
      <MyProjectsPage />
    </MeProvider>,
    { client },
  );
}

describe('MyProjectsPage', { timeout: 300_000 }, () => {
  it("lists the organisation's projects (drafts too) with status and money, filters by status, pages on", async () => {
    const client = mockClient((vars, name) => {
      if (name === 'Me') return { data: member };
      return { data: page(vars.status === 'rejected' ? [] : [row], true) };
    });
    renderPage(client);
    expect(await screen.findByRole('link', { name: '社区助老食堂' })).toHaveAttribute('href', `/org/projects/${row.id}`);
    expect(screen.getByText('草稿')).toBeInTheDocument();
    expect(screen.getByText('¥3,000.00')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /新建申报/ })).toBeEnabled();

    await userEvent.click(screen.getByRole('button', { name: '下一页' }));
    await waitFor(() => expect(client.calls.at(-1)).toMatchObject({ after: 'YXJyYXljb25uZWN0aW9uOjE5' }));

    await userEvent.click(screen.getByRole('combobox', { name: '项目状态' }));
    await userEvent.click(await screen.findByTitle('未通过'));
    expect(await screen.findByText('没有符合条件的项目')).toBeInTheDocument();
    expect(client.calls.at(-1)).toMatchObject({ status: 'rejected', first: 20, after: null });
  });

  it('says there is nothing yet and offers the first application', async () => {
    const client = mockClient((_vars, name) => (name === 'Me' ? { data: member } : { data: page([]) }));
    renderPage(client);
    expect(await screen.findByText('还没有申报项目')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: '新建第一个申报' })).toHaveAttribute('href', '/org/projects/new');
  });

  it('tells someone outside any organisation how to join, and cannot start an application', async () => {
    const outsider = { me: { ...member.me, memberOrganisationIds: [] } };
    const client = mockClient((_vars, name) => (name === 'Me' ? { data: outsider } : { data: page([]) }));
    renderPage(client);
    expect(await screen.findByText(/您还不是任何申报机构的成员/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /新建申报/ })).toBeDisabled();
  });

  it('shows the error with a retry button', async () => {
    const client = mockClient((_vars, name) => (name === 'Me' ? { data: member } : { error: new Error('connection refused') }));
    renderPage(client);
    expect(await screen.findByRole('alert')).toHaveTextContent('无法连接服务器');
    expect(screen.getByRole('button', { name: /重\s*试/ })).toBeInTheDocument();
  });
});
