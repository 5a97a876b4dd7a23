import { Col, Row, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { type Assessment, PACKAGE_GROUPS, type PackageGroup } from '../../../../shared/family-doctor.js';
import { EChart } from './EChart.js';
import { percent } from './forms.js';

/** Teal, indigo, orange, green, amber…: the legend names every series (not colour alone). */
const COLOURS = ['#0c7a7c', '#4f46e5', '#c2410c', '#65a30d', '#a16207', '#be185d', '#0369a1', '#57534e'];

const RATES = ['renewalRate', 'onTimeRate', 'hypertensionControlRate', 'diabetesControlRate'] as const;
const RATE_LABEL = {
  renewalRate: 'renewal',
  onTimeRate: 'onTime',
  hypertensionControlRate: 'htn',
  diabetesControlRate: 'dm',
} as const;

/** A rate 0–1 as a percentage for a chart (one decimal); null as a gap. */
const chartRate = (rate: number | null) => (rate === null ? '-' : Math.round(rate * 1000) / 10);
const percentFormatter = (value: unknown) => (typeof value === 'number' ? `${value.toFixed(1)}%` : '—');

/**
 * 家庭医生绩效考核's charts (ECharts, loaded with this page only): residents signed by month (line), by group
 * (pie) and the teams' rates side by side (bars). Each chart is an image named for what it draws; the
 * numbers follow in the tables under them.
 */
export default function AssessmentCharts({ assessment }: { assessment: Assessment }) {
  const { t } = useTranslation();
  // Groups with residents, named in the UI's language (an unknown group by its code).
  const groups = useMemo(
    () =>
      Object.entries(assessment.total.byGroup)
        .filter(([, n]) => n > 0)
        .map(([g, n]) => ({
          group: g,
          name: (PACKAGE_GROUPS as readonly string[]).includes(g)
            ? t(`fdAdmin.group.${g as PackageGroup}`)
            : g,
          value: Number(n),
        })),
    [assessment, t],
  );
  const signedSeries = t('fdAdmin.assessment.charts.signedSeries');

  const byMonth = useMemo(
    () => ({
      animation: false,
      color: COLOURS,
      grid: { left: 12, right: 24, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: assessment.signedByMonth.map((m) => m.month) },
      yAxis: { type: 'value', minInterval: 1, name: t('fdAdmin.assessment.charts.peopleAxis') },
      series: [
        {
          type: 'line',
          name: signedSeries,
          data: assessment.signedByMonth.map((m) => m.signed),
          symbolSize: 6,
          label: { show: assessment.signedByMonth.length <= 12, position: 'top' },
        },
      ],
    }),
    [assessment, signedSeries, t],
  );

  const byGroup = useMemo(
    () => ({
      animation: false,
      color: COLOURS,
      legend: { bottom: 0, type: 'scroll' },
      tooltip: { trigger: 'item' },
      series: [
        {
          type: 'pie',
          name: signedSeries,
          radius: ['35%', '62%'],
          percentPrecision: 1,
          center: ['50%', '44%'],
          label: { formatter: '{b}\n{c} ({d}%)' },
          data: groups.map(({ name, value }) => ({ name, value })),
        },
      ],
    }),
    [groups, signedSeries],
  );

  const teams = useMemo(
    () => ({
      animation: false,
      color: COLOURS,
      legend: { top: 0 },
      grid: { left: 12, right: 24, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', valueFormatter: percentFormatter },
      xAxis: {
        type: 'category',
        data: assessment.teams.map((team) => team.teamName),
        axisLabel: { interval: 0, width: 110, overflow: 'truncate' },
      },
      yAxis: { type: 'value', max: 100, name: t('fdAdmin.assessment.charts.percentAxis') },
      series: RATES.map((rate) => ({
        type: 'bar',
        name: t(`fdAdmin.assessment.kpi.${RATE_LABEL[rate]}`),
        barMaxWidth: 22,
        data: assessment.teams.map((team) => chartRate(team[rate])),
      })),
    }),
    [assessment, t],
  );

  return (
    <div className="fda-charts" data-testid="fd-assessment-charts">
      <Row gutter={[24, 24]}>
        <Col xs={24} xl={14}>
          <Typography.Title level={3} className="fda-chart-title">
            {t('fdAdmin.assessment.charts.byMonth')}
          </Typography.Title>
          <EChart
            option={byMonth}
            testId="fd-chart-month"
            label={t('fdAdmin.assessment.charts.byMonthLabel', {
              from: assessment.from,
              to: assessment.to,
              count: assessment.signedByMonth.length,
            })}
          />
          <details className="fda-chart-data">
            <summary>{t('fdAdmin.assessment.charts.table')}</summary>
            <table className="fda-data-table">
              <caption className="rec-sr-only">{t('fdAdmin.assessment.charts.byMonth')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('fdAdmin.assessment.charts.month')}</th>
                  <th scope="col">{signedSeries}</th>
                </tr>
              </thead>
              <tbody>
                {assessment.signedByMonth.map((m) => (
                  <tr key={m.month}>
                    <th scope="row">{m.month}</th>
                    <td>{m.signed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </Col>
        <Col xs={24} xl={10}>
          <Typography.Title level={3} className="fda-chart-title">
            {t('fdAdmin.assessment.charts.byGroup')}
          </Typography.Title>
          {groups.length === 0 ? (
            <Typography.Paragraph type="secondary">
              {t('fdAdmin.assessment.charts.byGroupEmpty')}
            </Typography.Paragraph>
          ) : (
            <>
              <EChart
                option={byGroup}
                testId="fd-chart-group"
                label={t('fdAdmin.assessment.charts.byGroupLabel', { count: groups.length })}
              />
              <details className="fda-chart-data">
                <summary>{t('fdAdmin.assessment.charts.table')}</summary>
                <table className="fda-data-table">
                  <caption className="rec-sr-only">{t('fdAdmin.assessment.charts.byGroup')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('fdAdmin.packages.group')}</th>
                      <th scope="col">{signedSeries}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {groups.map((g) => (
                      <tr key={g.group}>
                        <th scope="row">{g.name}</th>
                        <td>{g.value}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </>
          )}
        </Col>
        {assessment.teams.length > 0 && (
          <Col span={24}>
            <Typography.Title level={3} className="fda-chart-title">
              {t('fdAdmin.assessment.charts.teams')}
            </Typography.Title>
            <EChart
              option={teams}
              testId="fd-chart-teams"
              height={320}
              label={t('fdAdmin.assessment.charts.teamsLabel', { count: assessment.teams.length })}
            />
            <Typography.Paragraph type="secondary" className="fda-sub">
              {RATES.map(
                (rate) =>
                  `${t(`fdAdmin.assessment.kpi.${RATE_LABEL[rate]}`)} ${percent(assessment.total[rate])}`,
              ).join(' · ')}
            </Typography.Paragraph>
          </Col>
        )}
      </Row>
    </div>
  );
}
