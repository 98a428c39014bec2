import { describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import { mockClient, renderWithProviders } from '../../test/render';
import { funding } from './fixtures.test-data';

// ECharts needs a real canvas/SVG layout; the page's options are what we check here (the browser story draws them)
vi.mock('echarts-for-react/esm/core', () => ({
  default: ({ option }: { option: { series: { type: string; data: unknown[] }[] } }) => (
    <div data-testid="echart" data-series={JSON.stringify(option.series.map((s) => ({ type: s.type, data: s.data })))} />
  ),
}));

const { MonitoringPage } = await import('./MonitoringPage');

const dashboard = {
  projectDashboard: {
    project: { id: 'P1', name: '独居老人爱心午餐', status: 'approved', startsOn: '2026-09-01', endsOn: '2027-07-28' },
    funding: { ...funding, releasedFen: '3000000', committedFen: '2000000', spentFen: '1980000', gapFen: '1600000' },
    lines: [
      { budgetLine: { id: 'L1', name: '食材采购', category: 'materials' }, budgetFen: '4800000', spentFen: '1440000', remainingFen: '3360000' },
      { budgetLine: { id: 'L2', name: '项目管理', category: 'administration' }, budgetFen: '600000', spentFen: '180000', remainingFen: '420000' },
    ],
    tranches: [],
    reports: [
      { id: 'R1', status: 'approved', milestoneTitle: '启动与需求调研', householdsServed: 41, serviceMinutes: 4200, goodsItems: 120, submittedAt: '2026-10-01T10:00:00+08:00' },
    ],
    householdsServed: 41,
    serviceMinutes: 4200,
    goodsItems: 120,
    ratingCount: 1,
    ratingAverageTenths: 40,
  },
};

describe('MonitoringPage', () => {
  it('draws the budget, funding and results charts of the chosen project, with its figures', async () => {
    const client = mockClient((_vars, name) => {
      if (name === 'MonitoredProjects')
        return { data: { projects: { edges: [{ node: { id: 'P0', name: '暖冬被褥发放', status: 'submitted' } }, { node: { id: 'P1', name: '独居老人爱心午餐', status: 'approved' } }] } } };
      if (name === 'ProjectDashboard') return { data: dashboard };
      return { data: {} };
    });
    renderWithProviders(<MonitoringPage />, { client });
    expect(await screen.findByText('41')).toBeInTheDocument();
    expect(screen.getByText('70 小时')).toBeInTheDocument();
    expect(screen.getByText('/ 5 (1)')).toBeInTheDocument();
    // only approved / completed / closed projects are offered, and the first is chosen
    expect(client.calls).toContainEqual({ projectId: 'P1' });
    const budget = screen.getByRole('img', { name: '预算执行（按科目）图表' });
    expect(JSON.parse(budget.querySelector('[data-testid="echart"]')!.getAttribute('data-series')!)).toEqual([
      { type: 'bar', data: [48000, 6000] },
      { type: 'bar', data: [14400, 1800] },
    ]);
    expect(screen.getByRole('img', { name: '资金构成图表' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: '里程碑成效图表' })).toBeInTheDocument();
  }, 300_000);
});
