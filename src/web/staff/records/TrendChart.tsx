import { LineChart, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef } from 'react';
import { formatShortDate, shanghaiDate } from '../../format.js';
import { dateTime, flagArrow, isAbnormal, type TrendSeries } from './results.js';

echarts.use([
  LineChart,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
  SVGRenderer,
]);

/** What ECharts hands an axis tooltip's formatter for each series at the pointer. */
interface TooltipItem {
  seriesIndex: number;
  dataIndex: number;
  seriesName: string;
  marker: string;
  value: [number, number];
}

const encodeHTML = (text: string) => echarts.format.encodeHTML(text);

/** Series colours: the brand teal, then a contrasting orange (the legend names them: not colour alone). */
const COLOURS = ['#0c7a7c', '#c2410c', '#4f46e5'];
const ABNORMAL = '#cf1322';

export interface TrendChartProps {
  series: TrendSeries[];
  /** The accessible name of the chart: what it draws and how many results. */
  label: string;
  /** Legend text of the reference band. */
  bandLabel: string;
  /** The flag's words for the tooltip (偏高 …). */
  flagText(flag: NonNullable<TrendSeries['flags'][number]>): string;
  height?: number;
}

function band(s: TrendSeries, name: string, colour: string): Partial<LineSeriesOption> {
  if (!s.band) return {};
  const { low, high } = s.band;
  if (low !== null && high !== null) {
    return {
      markArea: {
        silent: true,
        itemStyle: { color: colour, opacity: 0.08 },
        label: { show: false },
        data: [[{ name, yAxis: low }, { yAxis: high }]],
      },
    };
  }
  const bound = low ?? high;
  return {
    markLine: {
      silent: true,
      symbol: 'none',
      lineStyle: { color: colour, type: 'dashed', opacity: 0.6 },
      label: { formatter: `${low !== null ? '≥' : '≤'}${bound}` },
      data: [{ yAxis: bound ?? 0 }],
    },
  };
}

/**
 * A results trend (ECharts, SVG): one line per code, the reference band shaded behind it, abnormal points
 * drawn as triangles with their ↑ ↓ mark. Dates on the axis are Shanghai calendar dates. The same values
 * are in the results table beside it, for whoever cannot see the chart.
 */
export default function TrendChart({ series, label, bandLabel, flagText, height = 280 }: TrendChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts>(undefined);

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const instance = echarts.init(element, undefined, { renderer: 'svg' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = undefined;
    };
  }, []);

  const option = useMemo(() => {
    const bounds = (pick: (b: NonNullable<TrendSeries['band']>) => number | null) =>
      series.map((s) => (s.band ? pick(s.band) : null)).filter((v): v is number => v !== null);
    const lows = bounds((b) => b.low);
    const highs = bounds((b) => b.high);
    const low = lows.length > 0 ? Math.min(...lows) : null;
    const high = highs.length > 0 ? Math.max(...highs) : null;
    return {
      animation: false,
      color: COLOURS,
      grid: { left: 48, right: 28, top: 48, bottom: 32 },
      legend: { top: 0, data: series.map((s) => s.name) },
      tooltip: {
        trigger: 'axis',
        // Date and time in Shanghai, each value with its unit and, when abnormal, its arrow and words.
        formatter: (items: TooltipItem[]) => {
          const first = items[0];
          if (!first) return '';
          const lines = items.map((item) => {
            const s = series[item.seriesIndex];
            const flag = s?.flags[item.dataIndex] ?? null;
            const mark = isAbnormal(flag) && flag ? ` ${flagArrow(flag)}${flagText(flag)}` : '';
            return `${item.marker}${encodeHTML(item.seriesName)} ${item.value[1]}${s?.unit ? ` ${encodeHTML(s.unit)}` : ''}${encodeHTML(mark)}`;
          });
          return [dateTime(new Date(first.value[0]).toISOString()), ...lines].join('<br/>');
        },
      },
      xAxis: {
        type: 'time',
        axisLabel: {
          hideOverlap: true,
          formatter: (value: number) => formatShortDate(shanghaiDate(new Date(value))),
        },
      },
      // The axis reaches the reference band even when every value lies outside it.
      yAxis: {
        type: 'value',
        scale: true,
        min: (extent: { min: number }) => (low === null ? extent.min : Math.min(extent.min, low)),
        max: (extent: { max: number }) => (high === null ? extent.max : Math.max(extent.max, high)),
      },
      series: series.map((s, index) => {
        const colour = COLOURS[index % COLOURS.length] ?? COLOURS[0];
        return {
          type: 'line',
          name: s.name,
          data: s.points.map(([at, value], i) => {
            const flag = s.flags[i] ?? null;
            const abnormal = isAbnormal(flag);
            return {
              value: [at, value],
              symbol: abnormal ? 'triangle' : 'circle',
              symbolSize: abnormal ? 10 : 6,
              itemStyle: abnormal ? { color: ABNORMAL } : undefined,
              label: abnormal
                ? {
                    show: true,
                    position: 'top',
                    color: ABNORMAL,
                    formatter: `${value}${flagArrow(flag) || `(${flag ? flagText(flag) : ''})`}`,
                  }
                : undefined,
            };
          }),
          ...band(s, bandLabel, colour),
        } satisfies LineSeriesOption;
      }),
    };
  }, [series, bandLabel, flagText]);

  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);

  return (
    <div
      ref={holder}
      className="rec-trend__chart"
      style={{ height }}
      role="img"
      aria-label={label}
      data-testid="trend-chart"
      data-points={series.reduce((sum, s) => sum + s.points.length, 0)}
    />
  );
}
