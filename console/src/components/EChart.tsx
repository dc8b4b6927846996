/**
 * An ECharts instance in a div: created once, given each new option, resized with its box. Only
 * the core is imported here; a chart module registers the chart types and components it draws
 * (`echarts.use`) and is itself loaded lazily, so pages without charts never fetch the library.
 */
import * as echarts from 'echarts/core';
import { useEffect, useRef } from 'react';

const FONT =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";

export function EChart({
  option,
  height,
  testId,
}: {
  option: object;
  height: number;
  testId: string;
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
    chart.current?.setOption({ textStyle: { fontFamily: FONT }, ...option }, { notMerge: true });
  }, [option]);

  return <div ref={ref} data-testid={testId} style={{ height, width: '100%' }} />;
}
