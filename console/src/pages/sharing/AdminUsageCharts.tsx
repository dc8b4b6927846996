/**
 * The charts of 调用统计, drawn with ECharts (only the parts used are registered). Loaded lazily by
 * the usage tab, so the other supervision tabs do not wait for the chart library.
 */
import { LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

const BLUE = '#1f5fbf';
const RED = '#cf1322';
const PALETTE = ['#1f5fbf', '#13a8a8', '#faad14', '#722ed1', '#eb2f96', '#52c41a'];
const FONT =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";

/** An ECharts instance in a div: created once, given each new option, resized with its box. */
function Chart({ option, height, testId }: { option: object; height: number; testId: string }) {
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

  useEffect(() => {
    chart.current?.setOption({ textStyle: { fontFamily: FONT }, ...option }, { notMerge: true });
  }, [option]);

  return <div ref={ref} data-testid={testId} style={{ height, width: '100%' }} />;
}

/** Calls and refused calls per day. */
export function DailyCallsChart({
  daily,
  callsLabel,
  deniedLabel,
}: {
  daily: { date: string; calls: number; denied: number }[];
  callsLabel: string;
  deniedLabel: string;
}) {
  return (
    <Chart
      testId="usage-daily-chart"
      height={280}
      option={{
        grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
        legend: { top: 0, data: [callsLabel, deniedLabel] },
        tooltip: { trigger: 'axis' },
        xAxis: {
          type: 'category',
          data: daily.map((d) => d.date.slice(5)),
          boundaryGap: false,
          axisTick: { show: false },
        },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          {
            name: callsLabel,
            type: 'line',
            showSymbol: daily.length <= 31,
            areaStyle: { opacity: 0.08 },
            itemStyle: { color: BLUE },
            data: daily.map((d) => d.calls),
          },
          {
            name: deniedLabel,
            type: 'line',
            showSymbol: daily.length <= 31,
            itemStyle: { color: RED },
            data: daily.map((d) => d.denied),
          },
        ],
      }}
    />
  );
}

/** Share of calls per operation. */
export function OperationPieChart({ slices }: { slices: { label: string; calls: number }[] }) {
  return (
    <Chart
      testId="usage-operation-chart"
      height={280}
      option={{
        color: PALETTE,
        tooltip: { trigger: 'item', formatter: '{b}：{c}（{d}%）' },
        legend: { bottom: 0, left: 'center', itemGap: 12 },
        series: [
          {
            type: 'pie',
            radius: ['36%', '60%'],
            center: ['50%', '42%'],
            avoidLabelOverlap: true,
            // Thin slices are named in the legend and the tooltip, not by overlapping labels.
            minShowLabelAngle: 18,
            label: { formatter: '{b}\n{d}%' },
            data: slices.map((s) => ({ name: s.label, value: s.calls })),
          },
        ],
      }}
    />
  );
}
