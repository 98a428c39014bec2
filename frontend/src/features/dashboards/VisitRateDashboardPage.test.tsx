import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { MeProvider } from '../../auth/MeProvider';
import { mockClient, renderWithProviders } from '../../test/render';
import { VisitRateDashboardPage, dashboardRegions } from './VisitRateDashboardPage';
import { visitRateOption } from './VisitRateChart';

const STREET = 'UmVnaW9uOjI=';
const me = {
  me: {
    id: 'VXNlcjox',
    email: 'sw1@huzhu.demo',
    displayName: '社工 一',
    language: 'zh-hans',
    isSuperuser: false,
    roles: [
      { role: 'social_worker', region: { id: STREET, name: '江川路街道', level: 'street' } },
      { role: 'volunteer', region: { id: 'UmVnaW9uOjk=', name: '红旗社区', level: 'community' } },
    ],
  },
};
const row = (id: string, name: string, keyHouseholds: number, visited: number) => ({
  region: { id, name },
  keyHouseholds,
  visited,
  ratePercent: keyHouseholds ? Math.floor((visited * 100) / keyHouseholds) : 100,
});
const board = {
  volunteeringDashboard: {
    month: '2026-11-01',
    region: { id: STREET, name: '江川路街道' },
    total: { keyHouseholds: 30, visited: 21, ratePercent: 70 },
    communities: [row('UmVnaW9uOjU=', '红旗社区', 20, 18), row('UmVnaW9uOjY=', '东风社区', 10, 3)],
    streets: [row(STREET, '江川路街道', 30, 21)],
    overdueCount: 9,
  },
};

function renderPage(client: ReturnType<typeof mockClient>) {
  return renderWithProviders(
    <MeProvider>
      <VisitRateDashboardPage />
    </MeProvider>,
    { client },
  );
}

describe('visit-rate dashboard', () => {
  it('takes the regions of staff, social-worker and admin grants only', () => {
    expect(dashboardRegions(me.me.roles)).toEqual([{ id: STREET, name: '江川路街道' }]);
  });

  it('charts visited and not-visited households per community, first community on top', () => {
    const option = visitRateOption(
      [
        { name: '红旗社区', visited: 18, overdue: 2, ratePercent: 90 },
        { name: '东风社区', visited: 3, overdue: 7, ratePercent: 30 },
      ],
      { visited: '已探访', overdue: '未探访' },
    );
    expect(option.yAxis).toMatchObject({ data: ['东风社区', '红旗社区'] });
    const series = option.series as { name: string; data: number[] }[];
    expect(series.map((s) => [s.name, s.data])).toEqual([
      ['已探访', [3, 18]],
      ['未探访', [7, 2]],
    ]);
  });

  it("shows the region's rate, overdue count, chart and a row per community", async () => {
    const client = mockClient((_vars, name) => (name === 'Me' ? { data: me } : { data: board }));
    renderPage(client);
    expect(await screen.findByText('东风社区', {}, { timeout: 20_000 })).toBeInTheDocument();
    expect(screen.getByText('红旗社区')).toBeInTheDocument();
    expect(screen.getByTestId('visit-rate-chart')).toHaveAttribute('aria-label', '江川路街道 各社区探访情况');
    expect(screen.getByText('逾期未探访')).toBeInTheDocument();
    expect(screen.getByText('9')).toBeInTheDocument();
    expect(screen.getByText('70')).toBeInTheDocument();
    expect(client.calls.find((v) => 'regionId' in v)).toMatchObject({ regionId: STREET });
  });

  it('shows the error state with a retry', async () => {
    const client = mockClient((_vars, name) => (name === 'Me' ? { data: me } : { error: new Error('boom') }));
    renderPage(client);
    expect(await screen.findByRole('alert', {}, { timeout: 20_000 })).toHaveTextContent('出错了');
  });
});
