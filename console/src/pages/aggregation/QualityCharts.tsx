/**
 * The charts of the quality report, drawn with ECharts. Only the chart types and components used
 * here are registered (`echarts/core`), which keeps the library's share of the bundle small. The
 * React binding is these few lines rather than `echarts-for-react`, whose ES build imports `tslib`
 * without declaring it (version 3.0.6), so it does not resolve in this install.
 */
import { BarChart, GaugeChart, LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { scoreColor } from './quality';

echarts.use([BarChart, GaugeChart, LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

const BLUE = '#1f5fbf';
const LIGHT_BLUE = '#7ea6e0';
const FONT =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";

interface TooltipParam {
  name: string;
  value: unknown;
  data?: unknown;
}

function first(params: unknown): TooltipParam | undefined {
  return (Array.isArray(params) ? params[0] : params) as TooltipParam | undefined;
}

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

/** The 0-100 score as a gauge, coloured by band. */
export function ScoreGauge({ score, label }: { score: number | null; label: string }) {
  const color = scoreColor(score);
  return (
    <Chart
      testId="quality-gauge"
      height={220}
      option={{
        series: [
          {
            type: 'gauge',
            min: 0,
            max: 100,
            radius: '95%',
            center: ['50%', '58%'],
            startAngle: 210,
            endAngle: -30,
            progress: { show: true, width: 14, itemStyle: { color } },
            axisLine: { lineStyle: { width: 14, color: [[1, '#f0f0f0']] } },
            pointer: { show: false },
            axisTick: { show: false },
            splitLine: { show: false },
            axisLabel: { show: false },
            anchor: { show: false },
            title: { offsetCenter: [0, '38%'], fontSize: 14, color: 'rgba(0,0,0,0.45)' },
            detail: {
              offsetCenter: [0, '0%'],
              fontSize: 40,
              fontWeight: 600,
              color,
              formatter: () => (score === null ? '—' : String(score)),
            },
            data: [{ value: score ?? 0, name: label }],
          },
        ],
      }}
    />
  );
}

/** Non-null share per column, required columns in the darker colour. */
export function CompletenessChart({
  columns,
  requiredLabel,
  optionalLabel,
}: {
  columns: { label: string; share: number | null; required: boolean }[];
  requiredLabel: string;
  optionalLabel: string;
}) {
  // ECharts draws the first category at the bottom: reverse to keep the catalog order top-down.
  const rows = [...columns].reverse();
  return (
    <Chart
      testId="quality-completeness-chart"
      height={Math.max(160, rows.length * 28 + 40)}
      option={{
        grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
        tooltip: {
          trigger: 'axis',
          axisPointer: { type: 'shadow' },
          formatter: (params: unknown) => {
            const point = first(params);
            const row = rows.find((r) => r.label === point?.name);
            if (!row) return '';
            const share = row.share === null ? '—' : `${(row.share * 100).toFixed(1)}%`;
            return `${row.label}（${row.required ? requiredLabel : optionalLabel}）<br/>${share}`;
          },
        },
        xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
        yAxis: {
          type: 'category',
          data: rows.map((r) => r.label),
          axisTick: { show: false },
          axisLabel: { width: 140, overflow: 'truncate' },
        },
        series: [
          {
            type: 'bar',
            barMaxWidth: 18,
            data: rows.map((r) => ({
              value: r.share === null ? 0 : Math.round(r.share * 1000) / 10,
              itemStyle: { color: r.required ? BLUE : LIGHT_BLUE },
            })),
            label: { show: true, position: 'right', formatter: '{c}%' },
          },
        ],
      }}
    />
  );
}

/** Pass rate per validator over the latest succeeded batches. */
export function ValidityChart({
  validators,
}: {
  validators: { label: string; validRate: number | null; checked: number; invalid: number }[];
}) {
  return (
    <Chart
      testId="quality-validity-chart"
      height={240}
      option={{
        grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
        tooltip: {
          trigger: 'axis',
          axisPointer: { type: 'shadow' },
          formatter: (params: unknown) => {
            const point = first(params);
            const row = validators.find((v) => v.label === point?.name);
            if (!row) return '';
            const rate = row.validRate === null ? '—' : `${(row.validRate * 100).toFixed(2)}%`;
            return `${row.label}<br/>${rate}（${String(row.checked - row.invalid)} / ${String(row.checked)}）`;
          },
        },
        xAxis: {
          type: 'category',
          data: validators.map((v) => v.label),
          axisTick: { show: false },
          axisLabel: { interval: 0, width: 96, overflow: 'truncate' },
        },
        yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
        series: [
          {
            type: 'bar',
            barMaxWidth: 36,
            data: validators.map((v) => ({
              value: v.validRate === null ? 0 : Math.round(v.validRate * 1000) / 10,
              itemStyle: {
                color: scoreColor(v.validRate === null ? null : v.validRate * 100),
              },
            })),
            label: { show: true, position: 'top', formatter: '{c}%' },
          },
        ],
      }}
    />
  );
}

/** Live rows after each succeeded batch, over time. */
export function RowHistoryChart({
  points,
  rowsLabel,
  formatTime,
}: {
  points: { finishedAt: string; rowsTotal: number }[];
  rowsLabel: string;
  formatTime: (iso: string) => string;
}) {
  return (
    <Chart
      testId="quality-history-chart"
      height={240}
      option={{
        grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
        tooltip: {
          trigger: 'axis',
          formatter: (params: unknown) => {
            const point = first(params);
            const value = (point?.value as [string, number] | undefined) ?? ['', 0];
            return `${formatTime(value[0])}<br/>${rowsLabel}：${value[1].toLocaleString()}`;
          },
        },
        xAxis: { type: 'time', axisLabel: { formatter: '{MM}-{dd}' } },
        yAxis: { type: 'value', name: rowsLabel, minInterval: 1, scale: true },
        series: [
          {
            type: 'line',
            showSymbol: points.length <= 20,
            areaStyle: { opacity: 0.08 },
            itemStyle: { color: BLUE },
            data: points.map((p) => [p.finishedAt, p.rowsTotal]),
          },
        ],
      }}
    />
  );
}
