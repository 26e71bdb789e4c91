'use client';
import { useEffect, useState } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import {
  BrushComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  ToolboxComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// Only the parts the dashboard draws, to keep the client bundle small.
echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  BrushComponent,
  ToolboxComponent,
  CanvasRenderer,
]);

export { echarts };

/** Colours a canvas needs from the current theme (CSS variables do not reach canvases). */
export interface ChartTheme {
  text: string;
  faint: string;
  grid: string;
  tooltipBg: string;
}

function read(): ChartTheme {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string) => style.getPropertyValue(name).trim();
  return {
    text: v('--text-dim'),
    faint: v('--text-faint'),
    grid: v('--border'),
    tooltipBg: v('--bg-elev-2'),
  };
}

/** The chart theme, updated when the user toggles light/dark. */
export function useChartTheme(): ChartTheme | null {
  const [theme, setTheme] = useState<ChartTheme | null>(null);
  useEffect(() => {
    setTheme(read());
    const observer = new MutationObserver(() => setTheme(read()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return theme;
}
