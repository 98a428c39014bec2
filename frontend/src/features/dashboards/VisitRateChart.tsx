import ReactEChartsCore from 'echarts-for-react/esm/core'; // the ES module: lib/ is CommonJS, whose default export a production build gets as an object
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export interface RateBar {
  name: string;
  visited: number;
  overdue: number;
  ratePercent: number;
}

/** Stacked bars per community: visited and not yet visited key households, the rate at the end of each bar. */
export function visitRateOption(rows: readonly RateBar[], labels: { visited: string; overdue: string }): EChartsOption {
  // ECharts draws a category axis bottom-up: reverse so the first community is on top
  const shown = [...rows].reverse();
  return {
    aria: { enabled: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { data: [labels.visited, labels.overdue], top: 0 },
    grid: { left: 8, right: 56, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: shown.map((r) => r.name) },
    series: [
      {
        name: labels.visited,
        type: 'bar',
        stack: 'households',
        itemStyle: { color: '#52c41a' },
        data: shown.map((r) => r.visited),
      },
      {
        name: labels.overdue,
        type: 'bar',
        stack: 'households',
        itemStyle: { color: '#ff7a45' },
        label: {
          show: true,
          position: 'right',
          formatter: (p: { dataIndex: number }) => `${shown[p.dataIndex]?.ratePercent ?? 0}%`,
        },
        data: shown.map((r) => r.overdue),
      },
    ],
  };
}

export function VisitRateChart({ rows, labels, title }: { rows: readonly RateBar[]; labels: { visited: string; overdue: string }; title: string }) {
  const height = Math.max(220, rows.length * 34 + 72);
  return (
    <div role="img" aria-label={title} data-testid="visit-rate-chart">
      <ReactEChartsCore echarts={echarts} option={visitRateOption(rows, labels)} style={{ height, width: '100%' }} opts={{ renderer: 'svg' }} notMerge />
    </div>
  );
}
