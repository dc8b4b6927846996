/**
 * The 30-day line chart of downloads and API calls, drawn with ECharts. Only the parts used here
 * are registered (`echarts/core`); the module is loaded on demand by the statistics page.
 */
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const FONT =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";

export interface DailyPoint {
  day: string;
  downloads: number;
  apiCalls: number;
}

export default function DailyChart({
  daily,
  downloadsLabel,
  apiCallsLabel,
}: {
  daily: DailyPoint[];
  downloadsLabel: string;
  apiCallsLabel: string;
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

  useEffect(() => {
    chart.current?.setOption(
      {
        textStyle: { fontFamily: FONT },
        tooltip: { trigger: 'axis' },
        legend: { data: [downloadsLabel, apiCallsLabel], top: 0 },
        grid: { left: 48, right: 24, top: 40, bottom: 32 },
        xAxis: { type: 'category', boundaryGap: false, data: daily.map((d) => d.day.slice(5)) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          {
            name: downloadsLabel,
            type: 'line',
            data: daily.map((d) => d.downloads),
            itemStyle: { color: '#1f5fbf' },
            areaStyle: { opacity: 0.08 },
          },
          {
            name: apiCallsLabel,
            type: 'line',
            data: daily.map((d) => d.apiCalls),
            itemStyle: { color: '#13a8a8' },
            areaStyle: { opacity: 0.08 },
          },
        ],
      },
      { notMerge: true },
    );
  }, [daily, downloadsLabel, apiCallsLabel]);

  return <div ref={ref} data-testid="stats-chart" style={{ height: 320, width: '100%' }} />;
}
