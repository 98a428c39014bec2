import { describe, expect, it } from 'vitest';
import { fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MeProvider } from '../../auth/MeProvider';
import { mockClient, renderWithProviders } from '../../test/render';
import { HouseholdsPage } from './HouseholdsPage';

const me = {
  me: {
    id: 'VXNlcjoy',
    email: 'staff@huzhu.demo',
    displayName: '工作站 王',
    language: 'zh-hans',
    isSuperuser: false,
    roles: [{ role: 'workstation_staff', region: { id: 'UmVnaW9uOjI=', name: '江川路街道', level: 'street' } }],
  },
};
const regions = { regions: [{ id: 'UmVnaW9uOjI=', name: '江川路街道', level: 'street', parentId: null }] };

function page(nodes: object[], totalCount = nodes.length, hasNextPage = false) {
  return {
    households: {
      totalCount,
      pageInfo: { hasNextPage, endCursor: hasNextPage ? 'c20' : null },
      edges: nodes.map((node) => ({ node })),
    },
  };
}

const household = {
  id: 'SG91c2Vob2xkOjE=',
  category: 'extreme_poverty',
  tags: ['elderly_alone'],
  memberCount: 1,
  headAgeBand: 'age_80_plus',
  economicCheckStatus: 'passed',
  possibleDuplicate: true,
  lastVisitedAt: null,
  createdAt: '2026-10-01T10:00:00+08:00',
  community: { id: 'UmVnaW9uOjU=', name: '红旗社区' },
  needs: [{ id: 'TmVlZDox', urgent: true }],
};

function answer(households: object | Error) {
  return mockClient((_vars, name) => {
    if (name === 'Me') return { data: me };
    if (name === 'RegionTree') return { data: regions };
    return households instanceof Error ? { error: households } : { data: households };
  });
}

function renderPage(client: ReturnType<typeof mockClient>) {
  return renderWithProviders(
    <MeProvider>
      <HouseholdsPage />
    </MeProvider>,
    { client },
  );
}

describe('HouseholdsPage', () => {
  it('shows each household anonymously with its flags, and the total', async () => {
    renderPage(answer(page([household], 41, true)));
    expect(await screen.findByText('红旗社区')).toBeInTheDocument();
    expect(screen.getByText('特困')).toBeInTheDocument();
    expect(screen.getByText('独居老人')).toBeInTheDocument();
    expect(screen.getByText('救急难')).toBeInTheDocument();
    expect(screen.getByText('疑似重复救助')).toBeInTheDocument();
    expect(screen.getByText('从未探访')).toBeInTheDocument();
    expect(screen.getByText(/共 41 条 · 1 \/ 3/)).toBeInTheDocument();
  });

  it('asks for the next page from the end cursor, and a filter starts again from page one', async () => {
    const client = answer(page([household], 41, true));
    renderPage(client);
    await screen.findByText('红旗社区');
    await userEvent.click(screen.getByRole('button', { name: '下一页' }));
    expect(client.calls.at(-1)).toMatchObject({ first: 20, after: 'c20' });
    await userEvent.click(screen.getByLabelText('有急难需求'));
    expect(client.calls.at(-1)).toMatchObject({ after: null, urgentNeeds: true });
  });

  it('reset clears every filter, the ID number search included', async () => {
    const client = answer(page([household]));
    renderPage(client);
    await screen.findByText('红旗社区');
    fireEvent.change(screen.getByPlaceholderText('按身份证号精确查找'), { target: { value: '110101190001011234' } });
    fireEvent.keyDown(screen.getByPlaceholderText('按身份证号精确查找'), { key: 'Enter', code: 'Enter', keyCode: 13 });
    expect(client.calls.at(-1)).toMatchObject({ idNumber: '110101190001011234' });
    await userEvent.click(screen.getByRole('button', { name: /重\s*置/ }));
    expect(client.calls.at(-1)).toMatchObject({ idNumber: null, category: null, orderBy: ['URGENT_FIRST'] });
    expect(screen.getByPlaceholderText('按身份证号精确查找')).toHaveValue('');
  });

  it('says so when no household matches', async () => {
    renderPage(answer(page([])));
    expect(await screen.findByText('没有符合条件的家庭')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '下一页' })).toBeDisabled();
  });

  it('shows the error with a retry button', async () => {
    renderPage(answer(new TypeError('Failed to fetch')));
    expect(await screen.findByRole('alert')).toHaveTextContent('无法连接服务器');
  });
});
