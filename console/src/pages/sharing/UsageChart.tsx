/**
 * Daily calls and refusals of one grant, drawn with ECharts (loaded lazily with this module: only
 * the grant drawer imports it, through React.lazy). Registers only what it draws.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef } from 'react';
import type { UsageDay } from './share';

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

const FONT =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";

export default function UsageChart({
  daily,
  callsLabel,
  deniedLabel,
}: {
  daily: UsageDay[];
  callsLabel: string;
  deniedLabel: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const instance = echarts.init(element);
    chart.current = instance;
    const observer = new ResizeObserver(() => {
      instance.resize();
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  const option = useMemo(
    () => ({
      textStyle: { fontFamily: FONT },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, data: [callsLabel, deniedLabel] },
      tooltip: { trigger: 'axis' },
      xAxis: {
        type: 'category',
        data: daily.map((d) => d.date.slice(5)),
        axisTick: { alignWithLabel: true },
      },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: callsLabel,
          type: 'line',
          symbolSize: 6,
          itemStyle: { color: '#1f5fbf' },
          areaStyle: { color: 'rgba(31, 95, 191, 0.08)' },
          data: daily.map((d) => d.calls),
        },
        {
          name: deniedLabel,
          type: 'bar',
          barMaxWidth: 12,
          itemStyle: { color: '#cf1322' },
          data: daily.map((d) => d.denied),
        },
      ],
    }),
    [daily, callsLabel, deniedLabel],
  );

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={ref} data-testid="grant-usage-chart" style={{ height: 260, width: '100%' }} />;
}
