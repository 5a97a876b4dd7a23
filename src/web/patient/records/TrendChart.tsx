import { LineChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { TrendOption } from './trend-options.js';

// Only the parts the trend charts draw with: a line, its axes, legend, tooltip, reference lines and bands.
use([
  LineChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  MarkLineComponent,
  MarkAreaComponent,
  CanvasRenderer,
]);

/**
 * One ECharts line chart on a canvas. A canvas says nothing to a screen reader: the chart is an image named
 * by `label` (a one-line summary), and the page puts the same figures in a table under it.
 */
export function TrendChart({
  option,
  label,
  testId,
}: {
  option: TrendOption;
  label: string;
  testId: string;
}) {
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const chart = init(element, undefined, { renderer: 'canvas' });
    chart.setOption(option);
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [option]);

  return <div ref={ref} className="records-chart" role="img" aria-label={label} data-testid={testId} />;
}
