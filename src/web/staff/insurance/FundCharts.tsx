import { Col, Row, Statistic } from 'antd';
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { FundStats } from '../../../shared/insurance.js';
import { formatYuan } from '../../format.js';

echarts.use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

/** Fund, personal account, cash: the brand teal, blue and orange (the legend names them: not colour alone). */
const COLOURS = ['#0c7a7c', '#4f46e5', '#c2410c', '#65a30d', '#a16207'];

const yuan = (fen: number) => Math.round(fen) / 100;
const money = (value: unknown) => (typeof value === 'number' ? `¥${value.toFixed(2)}` : String(value));

/** One ECharts chart (SVG) that follows its box's size; its accessible name says what it draws. */
function EChart({
  option,
  label,
  testId,
  height = 300,
}: {
  option: echarts.EChartsCoreOption;
  label: string;
  testId: string;
  height?: number;
}) {
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

  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);

  return (
    <div
      ref={holder}
      className="ins-chart"
      style={{ height }}
      role="img"
      aria-label={label}
      data-testid={testId}
    />
  );
}

/**
 * The fund's spending for a period (ECharts, loaded with this page only): by institution (bar), by month
 * with fund / personal account / cash stacked, and by item category (pie). Amounts in yuan.
 */
export default function FundCharts({ stats }: { stats: FundStats }) {
  const { t } = useTranslation();
  const fund = t('insuranceStaff.stats.fund');
  const account = t('insuranceStaff.stats.account');
  const cash = t('insuranceStaff.stats.cash');
  const totalFund = stats.byInstitution.reduce((sum, i) => sum + i.fundFen, 0);
  const totalSettlements = stats.byInstitution.reduce((sum, i) => sum + i.settlements, 0);

  const byInstitution = useMemo(
    () => ({
      animation: false,
      color: COLOURS,
      grid: { left: 12, right: 24, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', valueFormatter: money },
      xAxis: { type: 'value', name: t('insuranceStaff.stats.yuanAxis') },
      yAxis: { type: 'category', inverse: true, data: stats.byInstitution.map((i) => i.name) },
      series: [
        { type: 'bar', name: fund, barMaxWidth: 36, data: stats.byInstitution.map((i) => yuan(i.fundFen)) },
      ],
    }),
    [stats, fund, t],
  );

  const byMonth = useMemo(
    () => ({
      animation: false,
      color: COLOURS,
      legend: { top: 0 },
      grid: { left: 12, right: 24, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', valueFormatter: money },
      xAxis: { type: 'category', data: stats.byMonth.map((m) => m.month) },
      yAxis: { type: 'value', name: t('insuranceStaff.stats.yuanAxis') },
      series: [
        { type: 'bar', stack: 'total', name: fund, data: stats.byMonth.map((m) => yuan(m.fundFen)) },
        { type: 'bar', stack: 'total', name: account, data: stats.byMonth.map((m) => yuan(m.accountFen)) },
        { type: 'bar', stack: 'total', name: cash, data: stats.byMonth.map((m) => yuan(m.cashFen)) },
      ],
    }),
    [stats, fund, account, cash, t],
  );

  const byCategory = useMemo(
    () => ({
      animation: false,
      color: COLOURS,
      legend: { bottom: 0 },
      tooltip: { trigger: 'item', valueFormatter: money },
      series: [
        {
          type: 'pie',
          name: fund,
          radius: ['35%', '65%'],
          label: { formatter: '{b}\n{d}%' },
          // A category the fund paid nothing for would only crowd the labels.
          data: stats.byCategory
            .filter((c) => c.fundFen > 0)
            .map((c) => ({
              name: t(`insuranceStaff.category.${c.category}`),
              value: yuan(c.fundFen),
            })),
        },
      ],
    }),
    [stats, fund, t],
  );

  return (
    <div className="ins-charts" data-testid="fund-charts">
      <Row gutter={[24, 16]} className="ins-charts__totals">
        <Col xs={12} md={6}>
          <Statistic
            title={t('insuranceStaff.stats.totalFund')}
            value={formatYuan(totalFund)}
            data-testid="fund-total"
          />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('insuranceStaff.stats.totalSettlements')} value={totalSettlements} />
        </Col>
      </Row>
      <Row gutter={[24, 24]}>
        <Col xs={24} xl={12}>
          <h3 className="ins-chart__title">{t('insuranceStaff.stats.byInstitution')}</h3>
          <EChart
            option={byInstitution}
            testId="fund-chart-institution"
            height={Math.max(200, 40 * stats.byInstitution.length + 60)}
            label={t('insuranceStaff.stats.institutionChart', { count: stats.byInstitution.length })}
          />
        </Col>
        <Col xs={24} xl={12}>
          <h3 className="ins-chart__title">{t('insuranceStaff.stats.byMonth')}</h3>
          <EChart
            option={byMonth}
            testId="fund-chart-month"
            label={t('insuranceStaff.stats.monthChart', { count: stats.byMonth.length })}
          />
        </Col>
        <Col xs={24} xl={12}>
          <h3 className="ins-chart__title">{t('insuranceStaff.stats.byCategory')}</h3>
          <EChart
            option={byCategory}
            testId="fund-chart-category"
            label={t('insuranceStaff.stats.categoryChart')}
          />
        </Col>
      </Row>
    </div>
  );
}
