'use client';
import { useMemo } from 'react';
import ReactEChartsCore from 'echarts-for-react/lib/core';
import { echarts, useChartTheme } from './echarts-core';

/** One line: name, colour and a value per timestamp. */
export interface Line {
  name: string;
  color: string;
  values: number[];
}

/** Lines over time (timestamps in ms), for samples collected in the browser. */
export function TimeSeriesChart({
  times,
  lines,
  height = 220,
  unit = '',
}: {
  times: number[];
  lines: Line[];
  height?: number;
  unit?: string;
}) {
  const theme = useChartTheme();
  const option = useMemo(() => {
    if (!theme) return null;
    return {
      animation: false,
      grid: { left: 44, right: 12, top: 28, bottom: 26 },
      legend: {
        top: 0,
        right: 0,
        itemWidth: 10,
        itemHeight: 10,
        textStyle: { color: theme.text, fontSize: 11 },
      },
      tooltip: {
        trigger: 'axis',
        backgroundColor: theme.tooltipBg,
        borderColor: theme.grid,
        textStyle: { color: theme.text },
        valueFormatter: (v: number) => `${v}${unit}`,
      },
      xAxis: {
        type: 'time',
        axisLine: { lineStyle: { color: theme.grid } },
        axisLabel: { color: theme.faint, fontSize: 11, hideOverlap: true },
        splitLine: { show: false },
      },
      yAxis: {
        type: 'value',
        minInterval: 1,
        splitLine: { lineStyle: { color: theme.grid, type: 'dashed' } },
        axisLabel: { color: theme.faint, fontSize: 11 },
      },
      series: lines.map((line) => ({
        name: line.name,
        type: 'line',
        showSymbol: false,
        smooth: 0.2,
        lineStyle: { width: 2, color: line.color },
        itemStyle: { color: line.color },
        areaStyle: { color: line.color, opacity: 0.06 },
        data: line.values.map((v, i) => [times[i], v]),
      })),
    };
  }, [theme, times, lines, unit]);
  if (!option) return <div className="skeleton" style={{ height }} />;
  return <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height, width: '100%' }} />;
}
