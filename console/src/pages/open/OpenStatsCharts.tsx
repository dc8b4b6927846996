/**
 * The charts of 开放统计, drawn with ECharts (only the parts used are registered). Loaded lazily
 * by the statistics page, so the rest of the console never waits for the chart library.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useMemo } from 'react';
import { EChart } from '../../components/EChart';

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

const BLUE = '#1f5fbf';
const TEAL = '#13a8a8';

/** Downloads and API calls per day over the last 30 days. */
export function DailyOpenChart({
  daily,
  downloadsLabel,
  apiCallsLabel,
}: {
  daily: { day: string; downloads: number; apiCalls: number }[];
  downloadsLabel: string;
  apiCallsLabel: string;
}) {
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, data: [downloadsLabel, apiCallsLabel] },
      tooltip: { trigger: 'axis' },
      xAxis: {
        type: 'category',
        data: daily.map((d) => d.day.slice(5)),
        boundaryGap: false,
        axisTick: { show: false },
      },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: downloadsLabel,
          type: 'line',
          showSymbol: daily.length <= 31,
          areaStyle: { opacity: 0.08 },
          itemStyle: { color: BLUE },
          data: daily.map((d) => d.downloads),
        },
        {
          name: apiCallsLabel,
          type: 'line',
          showSymbol: daily.length <= 31,
          itemStyle: { color: TEAL },
          data: daily.map((d) => d.apiCalls),
        },
      ],
    }),
    [daily, downloadsLabel, apiCallsLabel],
  );
  return <EChart testId="open-stats-daily-chart" height={300} option={option} />;
}

/** The most used datasets: downloads and API calls, stacked, the busiest on top. */
export function TopDatasetsChart({
  datasets,
  downloadsLabel,
  apiCallsLabel,
}: {
  datasets: { name: string; downloads: number; apiCalls: number }[];
  downloadsLabel: string;
  apiCallsLabel: string;
}) {
  const option = useMemo(() => {
    // ECharts draws the first category at the bottom: reverse to put the busiest on top.
    const rows = [...datasets].reverse();
    return {
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, data: [downloadsLabel, apiCallsLabel] },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: {
        type: 'category',
        data: rows.map((r) => r.name),
        axisTick: { show: false },
        axisLabel: { width: 150, overflow: 'truncate' },
      },
      series: [
        {
          name: downloadsLabel,
          type: 'bar',
          stack: 'use',
          barMaxWidth: 18,
          itemStyle: { color: BLUE },
          data: rows.map((r) => r.downloads),
        },
        {
          name: apiCallsLabel,
          type: 'bar',
          stack: 'use',
          barMaxWidth: 18,
          itemStyle: { color: TEAL },
          data: rows.map((r) => r.apiCalls),
        },
      ],
    };
  }, [datasets, downloadsLabel, apiCallsLabel]);
  return (
    <EChart
      testId="open-stats-top-chart"
      height={Math.max(200, datasets.length * 30 + 50)}
      option={option}
    />
  );
}
