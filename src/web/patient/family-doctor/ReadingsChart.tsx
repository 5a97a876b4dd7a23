/**
 * The chart of home readings (loaded on demand: ECharts stays out of the H5's first download): blood
 * pressure as two lines with the 140/90 mmHg reference lines, or glucose (fasting and after meals) with the
 * 7.0 mmol/L line. Out-of-control points are drawn as triangles (shape, not colour alone); the page puts the
 * same readings in a list under it.
 */
import type { LineSeriesOption } from 'echarts/charts';
import { LineChart } from 'echarts/charts';
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { type ComposeOption, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef } from 'react';
import type { ReadingView } from '../../../shared/family-doctor.js';
import { formatShortDate, shanghaiDate } from '../../format.js';
import { BP_LINES, GLUCOSE_LINE } from './fd.js';

use([LineChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

type Option = ComposeOption<
  | LineSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | MarkLineComponentOption
>;

const COLORS = {
  systolic: '#0c7a7c',
  diastolic: '#1d4ed8',
  fasting: '#0c7a7c',
  postprandial: '#8a4b00',
  out: '#c92a2a',
  limit: '#8a4b00',
} as const;

export interface ChartTexts {
  systolic: string;
  diastolic: string;
  fasting: string;
  postprandial: string;
  unit: string;
}

type Item = NonNullable<LineSeriesOption['data']>[number];

function point(reading: ReadingView, value: number, color: string): Item {
  const out = reading.classification !== 'controlled';
  return {
    value: [new Date(reading.measuredAt).getTime(), value],
    ...(out
      ? { symbol: 'triangle', symbolSize: 12, itemStyle: { color: COLORS.out } }
      : { itemStyle: { color } }),
  } as Item;
}

function limitLine(value: number, fontSize: number): MarkLineComponentOption {
  return {
    silent: true,
    symbol: 'none',
    lineStyle: { color: COLORS.limit, type: 'dotted', width: 1.5 },
    label: { formatter: '{c}', fontSize, color: COLORS.limit, position: 'end' },
    data: [{ yAxis: value }],
  };
}

/** Pure: the ECharts option of the readings (oldest first on the time axis). */
export function readingsOption(
  kind: 'bp' | 'glucose',
  readings: readonly ReadingView[],
  texts: ChartTexts,
  large: boolean,
): Option {
  const fontSize = large ? 15 : 12;
  const [low, high, pad] =
    kind === 'bp' ? [BP_LINES.diastolic, BP_LINES.systolic, 10] : [GLUCOSE_LINE, GLUCOSE_LINE, 1];
  const sorted = [...readings].sort((a, b) => a.measuredAt.localeCompare(b.measuredAt));
  const line = (
    name: string,
    color: string,
    data: Item[],
    dashed: boolean,
    mark: number,
  ): LineSeriesOption => ({
    type: 'line',
    name,
    symbol: 'circle',
    symbolSize: 8,
    lineStyle: { color, width: 2, type: dashed ? 'dashed' : 'solid' },
    itemStyle: { color },
    data,
    markLine: limitLine(mark, fontSize),
  });
  const series: LineSeriesOption[] =
    kind === 'bp'
      ? [
          line(
            texts.systolic,
            COLORS.systolic,
            sorted.filter((r) => r.systolic !== null).map((r) => point(r, r.systolic!, COLORS.systolic)),
            false,
            BP_LINES.systolic,
          ),
          line(
            texts.diastolic,
            COLORS.diastolic,
            sorted.filter((r) => r.diastolic !== null).map((r) => point(r, r.diastolic!, COLORS.diastolic)),
            true,
            BP_LINES.diastolic,
          ),
        ]
      : [
          line(
            texts.fasting,
            COLORS.fasting,
            sorted
              .filter((r) => r.glucoseMmol !== null && r.glucoseTiming === 'fasting')
              .map((r) => point(r, r.glucoseMmol!, COLORS.fasting)),
            false,
            GLUCOSE_LINE,
          ),
          {
            ...line(
              texts.postprandial,
              COLORS.postprandial,
              sorted
                .filter((r) => r.glucoseMmol !== null && r.glucoseTiming !== 'fasting')
                .map((r) => point(r, r.glucoseMmol!, COLORS.postprandial)),
              true,
              GLUCOSE_LINE,
            ),
            markLine: undefined,
          },
        ];
  return {
    animation: false,
    grid: { left: large ? 48 : 40, right: 36, top: 44, bottom: 32 },
    legend: { top: 4, textStyle: { fontSize }, data: series.map((s) => String(s.name)) },
    tooltip: { trigger: 'axis', confine: true, textStyle: { fontSize } },
    xAxis: {
      type: 'time',
      // The labels are days: ticks at least a day apart, or readings of one day repeat its date.
      minInterval: 86_400_000,
      axisLabel: {
        fontSize,
        hideOverlap: true,
        formatter: (value: number) => formatShortDate(shanghaiDate(new Date(value))),
      },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      name: texts.unit,
      nameTextStyle: { fontSize },
      scale: true,
      axisLabel: { fontSize },
      // The reference lines stay in view even when every reading lies far from them.
      min: (v: { min: number }) => Math.floor(Math.min(v.min, low) - pad),
      max: (v: { max: number }) => Math.ceil(Math.max(v.max, high) + pad),
    },
    series,
  };
}

/** The chart on a canvas, an image named by `label` (the list under it has the same readings). */
export default function ReadingsChart({
  kind,
  readings,
  texts,
  large,
  label,
}: {
  kind: 'bp' | 'glucose';
  readings: readonly ReadingView[];
  texts: ChartTexts;
  large: boolean;
  label: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const option = useMemo(() => readingsOption(kind, readings, texts, large), [kind, readings, texts, large]);
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
  return <div ref={ref} className="fd-chart" role="img" aria-label={label} data-testid="fd-readings-chart" />;
}
