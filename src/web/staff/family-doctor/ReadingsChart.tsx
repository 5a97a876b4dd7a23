import { LineChart, type LineSeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReadingView } from '../../../shared/family-doctor.js';
import { formatShortDate, shanghaiDate } from '../../format.js';

echarts.use([LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

const COLOURS = { systolic: '#0c7a7c', diastolic: '#1d4ed8', glucose: '#0c7a7c', limit: '#8a4b00' };
const HIGH = '#c92a2a';

type Item = NonNullable<LineSeriesOption['data']>[number];

/** A point: ▲ in red when the rules did not call it controlled (shape and colour, not colour alone). */
function point(r: ReadingView, value: number, colour: string): Item {
  const flagged = r.classification !== 'controlled';
  return {
    value: [new Date(r.measuredAt).getTime(), value],
    symbol: flagged ? 'triangle' : 'circle',
    symbolSize: flagged ? 10 : 6,
    itemStyle: { color: flagged ? HIGH : colour },
  };
}

function limitLine(value: number, label: string) {
  return {
    silent: true,
    symbol: 'none',
    lineStyle: { color: COLOURS.limit, type: 'dashed' as const },
    label: { formatter: label, color: COLOURS.limit },
    data: [{ yAxis: value }],
  };
}

/**
 * The resident's home readings (ECharts, SVG, loaded with the drawer only): blood pressure with the 140/90
 * lines of the national hypertension guideline, or fasting glucose with the 7.0 line. Readings the FD-7/FD-8
 * rules flagged are ▲. The same readings are listed under the chart for whoever cannot see it.
 */
export default function ReadingsChart({
  readings,
  kind,
}: {
  readings: ReadingView[];
  kind: 'bp' | 'glucose';
}) {
  const { t } = useTranslation();
  const holder = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts>(undefined);
  const shown = useMemo(
    () => readings.filter((r) => r.kind === kind).sort((a, b) => a.measuredAt.localeCompare(b.measuredAt)),
    [readings, kind],
  );

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
    const series: LineSeriesOption[] =
      kind === 'bp'
        ? [
            {
              type: 'line',
              name: t('fdStaff.chart.systolic'),
              data: shown.map((r) => point(r, r.systolic ?? 0, COLOURS.systolic)),
              lineStyle: { color: COLOURS.systolic },
              markLine: limitLine(140, '140'),
            },
            {
              type: 'line',
              name: t('fdStaff.chart.diastolic'),
              data: shown.map((r) => point(r, r.diastolic ?? 0, COLOURS.diastolic)),
              lineStyle: { color: COLOURS.diastolic },
              markLine: limitLine(90, '90'),
            },
          ]
        : [
            {
              type: 'line',
              name: t('fdStaff.chart.glucose'),
              data: shown.map((r) => point(r, r.glucoseMmol ?? 0, COLOURS.glucose)),
              lineStyle: { color: COLOURS.glucose },
              markLine: limitLine(7, '7.0'),
            },
          ];
    return {
      animation: false,
      color: kind === 'bp' ? [COLOURS.systolic, COLOURS.diastolic] : [COLOURS.glucose],
      grid: { left: 44, right: 32, top: 40, bottom: 28 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: {
        type: 'time',
        // The labels are days: ticks at least a day apart, or readings of one day repeat its date.
        minInterval: 86_400_000,
        // Readings within one day still span a day, so a date label shows under them.
        min: (e: { min: number; max: number }) => (e.max - e.min < 86_400_000 ? e.min - 43_200_000 : e.min),
        max: (e: { min: number; max: number }) => (e.max - e.min < 86_400_000 ? e.max + 43_200_000 : e.max),
        axisLabel: {
          hideOverlap: true,
          formatter: (value: number) => formatShortDate(shanghaiDate(new Date(value))),
        },
      },
      yAxis: {
        type: 'value',
        scale: true,
        name: kind === 'bp' ? 'mmHg' : 'mmol/L',
        min: (extent: { min: number }) => Math.min(extent.min, kind === 'bp' ? 60 : 3),
        max: (extent: { max: number }) => Math.max(extent.max, kind === 'bp' ? 150 : 8),
      },
      series,
    };
  }, [shown, kind, t]);

  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);

  return (
    <div
      ref={holder}
      className="fd-chart"
      role="img"
      aria-label={t(kind === 'bp' ? 'fdStaff.chart.bpLabel' : 'fdStaff.chart.glucoseLabel', {
        count: shown.length,
      })}
      data-testid={`fd-readings-chart-${kind}`}
      data-points={shown.length}
    />
  );
}
