/**
 * The ECharts options of the trend charts, built by pure functions (tested without a canvas): blood
 * pressure (收缩压 and 舒张压 on one chart, the 140/90 lines of 《中国高血压防治指南》 as markLine) and one
 * lab value (its reference range as a markArea band). Dates on the x axis are Shanghai dates whatever the
 * browser's zone. Abnormal points differ in shape (▲ high, ▼ low), not only in colour.
 */
import type { LineSeriesOption } from 'echarts/charts';
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkAreaComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { formatShortDate, shanghaiDate } from '../../format.js';
import {
  BP_LIMITS,
  bloodPressureFlag,
  flagArrow,
  flagTone,
  formatNumber,
  fullTime,
  type Point,
} from './records.js';

export type TrendOption = ComposeOption<
  | LineSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | MarkLineComponentOption
  | MarkAreaComponentOption
>;

export const COLORS = {
  // The lines are brand teal and blue; red is kept for the ▲ marks of high readings, so they stand out.
  systolic: '#0c7a7c',
  diastolic: '#1d4ed8',
  value: '#0c7a7c',
  high: '#c92a2a',
  low: '#1d4ed8',
  band: 'rgba(20, 160, 107, 0.12)',
  limit: '#8a4b00',
} as const;

/** 1/15: the x axis label of an instant, on its Shanghai day. */
export function axisDate(value: number | string | Date): string {
  return formatShortDate(shanghaiDate(new Date(value)));
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

type DataItem = NonNullable<LineSeriesOption['data']>[number];

/** A point on the line: ▲ for a high value, ▼ for a low one (shape AND colour), a dot otherwise. */
function dataItem(point: Point, flag: Point['flag'], color: string): DataItem {
  const tone = flagTone(flag);
  const base = { value: [new Date(point.at).getTime(), point.value] as [number, number] };
  if (tone === 'high')
    return { ...base, symbol: 'triangle', symbolSize: 12, itemStyle: { color: COLORS.high } };
  if (tone === 'low')
    return {
      ...base,
      symbol: 'triangle',
      symbolRotate: 180,
      symbolSize: 12,
      itemStyle: { color: COLORS.low },
    };
  return { ...base, itemStyle: { color } };
}

interface Common {
  /** 长辈模式: larger axis and legend text. */
  large: boolean;
}

function base({ large }: Common, unit: string | null): TrendOption {
  const fontSize = large ? 15 : 12;
  return {
    animation: false,
    grid: { left: large ? 52 : 44, right: 40, top: 48, bottom: 36 },
    tooltip: { trigger: 'axis', confine: true, textStyle: { fontSize } },
    xAxis: {
      type: 'time',
      axisLabel: { fontSize, hideOverlap: true, formatter: (value: number) => axisDate(value) },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      name: unit ?? '',
      nameTextStyle: { fontSize },
      scale: true,
      axisLabel: { fontSize },
    },
  };
}

/** Tooltip text of an axis hover: the Shanghai time and each series' value with its mark. */
function tooltipFormatter(unit: string | null) {
  return (params: unknown): string => {
    const list = (Array.isArray(params) ? params : [params]) as {
      seriesName?: string;
      value?: unknown;
      marker?: unknown;
      data?: { flag?: Point['flag'] };
    }[];
    const first = list[0]?.value;
    const at = Array.isArray(first) ? new Date(first[0] as number).toISOString() : null;
    const lines = list.map((p) => {
      const value = Array.isArray(p.value) ? (p.value[1] as number) : Number(p.value);
      const mark = flagArrow(p.data?.flag ?? null);
      return `${typeof p.marker === 'string' ? p.marker : ''}${escapeHtml(p.seriesName ?? '')} ${formatNumber(value)}${unit ? ` ${escapeHtml(unit)}` : ''}${mark ? ` ${mark}` : ''}`;
    });
    return [at ? fullTime(at) : '', ...lines].filter(Boolean).join('<br/>');
  };
}

export interface BloodPressureTexts {
  systolic: string;
  diastolic: string;
  unit: string;
}

/** 收缩压 and 舒张压 on one chart, with the 140 and 90 mmHg reference lines. */
export function bloodPressureOption(
  series: { systolic: readonly Point[]; diastolic: readonly Point[] },
  texts: BloodPressureTexts,
  common: Common,
): TrendOption {
  const fontSize = common.large ? 15 : 12;
  const line = (
    part: 'systolic' | 'diastolic',
    name: string,
    points: readonly Point[],
  ): LineSeriesOption => ({
    type: 'line',
    name,
    symbol: part === 'systolic' ? 'circle' : 'rect',
    symbolSize: 8,
    lineStyle: { color: COLORS[part], width: 2, type: part === 'systolic' ? 'solid' : 'dashed' },
    itemStyle: { color: COLORS[part] },
    data: points.map((p) => {
      const flag = bloodPressureFlag(part, p);
      return { ...(dataItem(p, flag, COLORS[part]) as object), flag } as DataItem;
    }),
    markLine: {
      silent: true,
      symbol: 'none',
      lineStyle: { color: COLORS.limit, type: 'dotted', width: 1.5 },
      label: { formatter: '{c}', fontSize, color: COLORS.limit, position: 'end' },
      data: [{ yAxis: BP_LIMITS[part], name: `${name} ${BP_LIMITS[part]}` }],
    },
  });
  const option = base(common, texts.unit);
  return {
    ...option,
    legend: { top: 4, textStyle: { fontSize }, data: [texts.systolic, texts.diastolic] },
    tooltip: { ...(option.tooltip as TooltipComponentOption), formatter: tooltipFormatter(texts.unit) },
    series: [
      line('systolic', texts.systolic, series.systolic),
      line('diastolic', texts.diastolic, series.diastolic),
    ],
  };
}

/** One lab value over time; its reference range as a shaded band (or a line when only one end is given). */
export function labOption(
  series: {
    name: string;
    unit: string | null;
    points: readonly Point[];
    refLow: number | null;
    refHigh: number | null;
  },
  texts: { reference: string },
  common: Common,
): TrendOption {
  const fontSize = common.large ? 15 : 12;
  const { refLow, refHigh } = series;
  const band: MarkAreaComponentOption | undefined =
    refLow !== null && refHigh !== null
      ? {
          silent: true,
          itemStyle: { color: COLORS.band },
          label: { show: true, position: 'insideTopRight', fontSize, color: '#0b6b4a' },
          data: [[{ yAxis: refLow, name: texts.reference }, { yAxis: refHigh }]],
        }
      : undefined;
  const limits: MarkLineComponentOption | undefined =
    band === undefined && (refLow !== null || refHigh !== null)
      ? {
          silent: true,
          symbol: 'none',
          lineStyle: { color: COLORS.limit, type: 'dotted' },
          label: { formatter: '{c}', fontSize, color: COLORS.limit },
          data: [refLow, refHigh].filter((v): v is number => v !== null).map((v) => ({ yAxis: v })),
        }
      : undefined;
  const option = base(common, series.unit);
  const values = series.points.map((p) => p.value);
  // The band stays in view even when every value lies far from it.
  const range = paddedRange([
    ...values,
    ...(refLow !== null ? [refLow] : []),
    ...(refHigh !== null ? [refHigh] : []),
  ]);
  return {
    ...option,
    legend: { top: 4, textStyle: { fontSize }, data: [series.name] },
    tooltip: { ...(option.tooltip as TooltipComponentOption), formatter: tooltipFormatter(series.unit) },
    yAxis: {
      ...(option.yAxis as object),
      ...(range ?? {}),
    },
    series: [
      {
        type: 'line',
        name: series.name,
        symbol: 'circle',
        symbolSize: 8,
        lineStyle: { color: COLORS.value, width: 2 },
        itemStyle: { color: COLORS.value },
        data: series.points.map(
          (p) => ({ ...(dataItem(p, p.flag, COLORS.value) as object), flag: p.flag }) as DataItem,
        ),
        ...(band ? { markArea: band } : {}),
        ...(limits ? { markLine: limits } : {}),
      },
    ],
  };
}

/**
 * The y range of a lab chart: every value and both ends of the reference range in view, with a little room
 * above and below, on numbers a person reads easily (a tenth of the span, rounded to 1, 2 or 5 × 10ⁿ).
 */
export function paddedRange(values: readonly number[]): { min: number; max: number } | null {
  if (values.length === 0) return null;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / 10;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const unit = [1, 2, 5, 10].map((m) => m * magnitude).find((u) => u >= raw) ?? 10 * magnitude;
  const min = Math.floor((lo - raw) / unit) * unit;
  const max = Math.ceil((hi + raw) / unit) * unit;
  // Never below zero for a quantity that cannot be negative (every value and range end ≥ 0).
  return { min: lo >= 0 && min < 0 ? 0 : Number(min.toFixed(6)), max: Number(max.toFixed(6)) };
}
