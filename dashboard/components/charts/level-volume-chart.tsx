'use client';
import { useMemo } from 'react';
import ReactEChartsCore from 'echarts-for-react/lib/core';
import { LEVEL_COLORS, minuteLabel } from '@/lib/format';
import { echarts, useChartTheme } from './echarts-core';

/** Props: bucket starts (ms) and per-level counts aligned with them. */
export interface LevelVolumeProps {
  buckets: number[];
  byLevel: Record<string, number[]>;
  bucketMs: number;
  height?: number;
  /** When set, dragging across the chart selects a time range and reports it. */
  onBrush?: (fromMs: number, toMs: number) => void;
}

/** Stacked bars of log volume by level. */
export function LevelVolumeChart({ buckets, byLevel, bucketMs, height = 240, onBrush }: LevelVolumeProps) {
  const theme = useChartTheme();
  const option = useMemo(() => {
    if (!theme) return null;
    const labels = buckets.map((b) =>
      bucketMs >= 86_400_000
        ? new Date(b).toISOString().slice(5, 10)
        : bucketMs >= 3_600_000
          ? new Date(b).toISOString().slice(5, 16).replace('T', ' ')
          : minuteLabel(b),
    );
    return {
      animationDuration: 300,
      grid: { left: 44, right: 12, top: 28, bottom: 28 },
      legend: {
        top: 0,
        right: 0,
        itemWidth: 10,
        itemHeight: 10,
        textStyle: { color: theme.text, fontSize: 11 },
      },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        backgroundColor: theme.tooltipBg,
        borderColor: theme.grid,
        textStyle: { color: theme.text },
      },
      xAxis: {
        type: 'category',
        data: labels,
        axisLine: { lineStyle: { color: theme.grid } },
        axisLabel: { color: theme.faint, fontSize: 11, hideOverlap: true },
        axisTick: { show: false },
      },
      yAxis: {
        type: 'value',
        minInterval: 1,
        splitLine: { lineStyle: { color: theme.grid, type: 'dashed' } },
        axisLabel: { color: theme.faint, fontSize: 11 },
      },
      ...(onBrush
        ? {
            brush: {
              xAxisIndex: 0,
              brushType: 'lineX',
              brushMode: 'single',
              transformable: false,
              throttleType: 'debounce',
              brushStyle: { color: 'rgba(124,156,255,0.18)', borderColor: '#7c9cff' },
            },
            toolbox: { show: false },
          }
        : {}),
      series: Object.entries(byLevel)
        .filter(([, counts]) => counts.some((c) => c > 0))
        .map(([level, counts]) => ({
          name: level,
          type: 'bar',
          stack: 'volume',
          barCategoryGap: '18%',
          itemStyle: { color: LEVEL_COLORS[level] },
          emphasis: { focus: 'series' },
          data: counts,
        })),
    };
  }, [theme, buckets, byLevel, bucketMs, onBrush]);
  if (!option) return <div className="skeleton" style={{ height }} />;
  return (
    <ReactEChartsCore
      echarts={echarts}
      option={option}
      notMerge
      style={{ height, width: '100%' }}
      onChartReady={(chart) => {
        if (onBrush)
          chart.dispatchAction({
            type: 'takeGlobalCursor',
            key: 'brush',
            brushOption: { brushType: 'lineX', brushMode: 'single' },
          });
      }}
      onEvents={
        onBrush
          ? {
              brushEnd: (event: { areas?: { coordRange?: [number, number] }[] }) => {
                const range = event.areas?.[0]?.coordRange;
                if (!range) return;
                const first = buckets[Math.max(0, range[0])];
                const last = buckets[Math.min(buckets.length - 1, range[1])];
                if (first !== undefined && last !== undefined) onBrush(first, last + bucketMs);
              },
            }
          : undefined
      }
    />
  );
}
