import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { REMOTE_KINDS, type RemoteStats } from '../../../shared/remote.js';
import { formatShortDate } from '../../format.js';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

/** ECG, imaging, lab: teal, indigo, orange (the legend names them, and the table below repeats the numbers). */
const COLOURS = ['#0c7a7c', '#4f46e5', '#c2410c'];

/**
 * 每日完成报告（按类别）: signed reports per day, stacked by kind (ECharts, loaded with the statistics only).
 * The chart is one image with a name saying what it draws; the same numbers follow as a table.
 */
export default function StatsChart({ stats }: { stats: RemoteStats }) {
  const { t } = useTranslation();
  const holder = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts>(undefined);
  const total = stats.daily.reduce((sum, d) => sum + d.ecg + d.imaging + d.lab, 0);

  const option = useMemo(
    () => ({
      animation: false,
      color: COLOURS,
      legend: { top: 0 },
      grid: { left: 12, right: 24, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: stats.daily.map((d) => formatShortDate(d.day)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: REMOTE_KINDS.map((kind) => ({
        type: 'bar',
        stack: 'signed',
        name: t(`remoteRequests.kind.${kind}`),
        barMaxWidth: 28,
        data: stats.daily.map((d) => d[kind]),
      })),
    }),
    [stats, t],
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

  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);

  return (
    <>
      <div
        ref={holder}
        className="rr-chart"
        role="img"
        aria-label={t('remoteRequests.stats.dailyChart', { from: stats.from, to: stats.to, total })}
        data-testid="remote-stats-chart"
      />
      <details className="rr-chart-table">
        <summary>{t('remoteRequests.stats.dailyTable')}</summary>
        <table className="rr-table">
          <caption className="rec-sr-only">{t('remoteRequests.stats.dailyTable')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('remoteRequests.stats.day')}</th>
              {REMOTE_KINDS.map((kind) => (
                <th scope="col" key={kind}>
                  {t(`remoteRequests.kind.${kind}`)}
                </th>
              ))}
              <th scope="col">{t('remoteRequests.stats.total')}</th>
            </tr>
          </thead>
          <tbody>
            {stats.daily.map((d) => (
              <tr key={d.day}>
                <th scope="row">{d.day}</th>
                <td>{d.ecg}</td>
                <td>{d.imaging}</td>
                <td>{d.lab}</td>
                <td>{d.ecg + d.imaging + d.lab}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}
