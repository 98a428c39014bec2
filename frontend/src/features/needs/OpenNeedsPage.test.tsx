import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { Route, Routes, useLocation } from 'react-router-dom';
import { MeProvider } from '../../auth/MeProvider';
import { mockClient, renderWithProviders } from '../../test/render';
import { OpenNeedsPage } from './OpenNeedsPage';

const community = { id: 'UmVnaW9uOjU=', name: '红旗社区', level: 'community' };

function meWith(role: string) {
  return {
    me: {
      id: 'VXNlcjo5',
      email: 'someone@huzhu.demo',
      displayName: '某人',
      language: 'zh-hans',
      isSuperuser: false,
      roles: [{ role, region: community }],
    },
  };
}

const household = { id: 'h1', category: 'elderly_alone', tags: [], headAgeBand: null, memberCount: 1, communityName: '红旗社区' };
const needs = {
  openNeeds: {
    totalCount: 2,
    pageInfo: { hasNextPage: false, endCursor: null },
    edges: [
      {
        node: {
          id: 'TmVlZDox', kind: 'service', urgent: true, amountFen: null, goodsCategory: null, goodsItem: '',
          quantity: null, serviceType: 'home_visit', minutes: 30, openedAt: '2026-11-20T08:00:00Z', household,
        },
      },
      {
        node: {
          id: 'TmVlZDoy', kind: 'goods', urgent: false, amountFen: null, goodsCategory: 'food', goodsItem: '大米',
          quantity: 2, serviceType: null, minutes: null, openedAt: '2026-11-21T08:00:00Z', household,
        },
      },
    ],
  },
};

/** Where the page navigated to, and with which state. */
function Landing() {
  const location = useLocation();
  return <pre data-testid="landing">{JSON.stringify({ search: location.search, state: location.state })}</pre>;
}

function renderAs(role: string) {
  const client = mockClient((_vars, name) => {
    if (name === 'Me') return { data: meWith(role) };
    if (name === 'OpenNeeds') return { data: needs };
    return { data: {} };
  });
  renderWithProviders(
    <MeProvider>
      <Routes>
        <Route path="/needs" element={<OpenNeedsPage />} />
        <Route path="/tasks/new" element={<Landing />} />
      </Routes>
    </MeProvider>,
    { client, route: '/needs' },
  );
  return client;
}

describe('OpenNeedsPage', { timeout: 300_000 }, () => {
  it('lets a social worker publish a service need as a task: the form gets the need’s id and summary', async () => {
    renderAs('social_worker');
    const buttons = await screen.findAllByRole('button', { name: '发布为服务任务' });
    expect(buttons).toHaveLength(1); // the service need only, not the goods need
    fireEvent.click(buttons[0]!);
    const landing = JSON.parse((await screen.findByTestId('landing')).textContent ?? '{}');
    expect(landing.search).toBe('?needId=TmVlZDox');
    expect(landing.state.need).toMatchObject({ id: 'TmVlZDox', communityName: '红旗社区', urgent: true });
    expect(landing.state.need.summary).toContain('30 分钟');
  });

  it('offers no task button to a volunteer, and asks for the newest needs first when told to', async () => {
    const client = renderAs('volunteer');
    await screen.findAllByTestId('need-card');
    expect(screen.queryByRole('button', { name: '发布为服务任务' })).not.toBeInTheDocument();
    const orders = () => client.calls.filter((vars) => 'orderBy' in vars).map((vars) => vars.orderBy);
    expect(orders().at(-1)).toEqual(['URGENT_FIRST', 'OPENED_AT_ASC']);
    fireEvent.click(screen.getByText('最新登记'));
    await waitFor(() => expect(orders().at(-1)).toEqual(['URGENT_FIRST', 'OPENED_AT_DESC']));
  });
});
