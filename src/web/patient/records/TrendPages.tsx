/**
 * 趋势图 (loaded on demand: ECharts stays out of the H5's first download): blood pressure, one lab value,
 * and the page choosing between them. Every chart has its figures in words and in a table under it.
 */
import { ErrorBlock, SpinLoading } from 'antd-mobile';
import { RightOutline } from 'antd-mobile-icons';
import { type ReactNode, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { Page } from '../../../shared/http.js';
import type { Archive, ObservationView } from '../../../shared/records.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { useElderlyModeSetting } from '../elderlyMode.js';
import { PageHeader } from '../PageHeader.js';
import { FlagMark, PatientNote } from './RecordsParts.js';
import {
  BP_LIMITS,
  bloodPressureFlag,
  bloodPressureSeries,
  formatNumber,
  fullTime,
  isBloodPressure,
  labSeries,
  pairReadings,
  referenceText,
  summarise,
  withPatient,
} from './records.js';
import { TrendChart } from './TrendChart.js';
import { bloodPressureOption, labOption } from './trend-options.js';
import { useRecordsPatient } from './useRecordsPatient.js';
import './records.css';

/** At most this many results are drawn (the newest). */
const POINTS = 500;
/** 收缩压 and 舒张压 (LOINC), as the archive stores blood pressure. */
const BP_CODES = '8480-6,8462-4';

function Frame({
  title,
  back,
  testId,
  children,
}: {
  title: string;
  back: string;
  testId: string;
  children: ReactNode;
}) {
  const patient = useRecordsPatient();
  return (
    <div className="patient-page records-page" data-testid={testId}>
      <PageHeader title={title} back={back} />
      <PatientNote patient={patient} />
      {children}
    </div>
  );
}

function Waiting({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error !== undefined) {
    return (
      <ErrorBlock
        className="patient-empty"
        status="default"
        title={t('recordsPatient.common.loadFailed')}
        description={errorText(error, t)}
      />
    );
  }
  return (
    <div className="patient-loading">
      <SpinLoading color="primary" />
    </div>
  );
}

function NoData({ text }: { text: string }) {
  return <ErrorBlock className="patient-empty" status="empty" title={text} data-testid="trend-empty" />;
}

/** 血压趋势: 收缩压 and 舒张压 over time, with the 140/90 mmHg lines. */
export function BloodPressureTrendPage() {
  const { t } = useTranslation();
  const [large] = useElderlyModeSetting();
  const patient = useRecordsPatient();
  const { data, error } = useApiData<Page<ObservationView>>(
    patient.patientId ? `/patients/${patient.patientId}/observations?code=${BP_CODES}&limit=${POINTS}` : null,
  );
  const series = useMemo(() => (data ? bloodPressureSeries(data.items) : null), [data]);
  const option = useMemo(
    () =>
      series &&
      bloodPressureOption(
        series,
        {
          systolic: t('recordsPatient.trend.systolic'),
          diastolic: t('recordsPatient.trend.diastolic'),
          unit: series.unit,
        },
        { large },
      ),
    [series, t, large],
  );
  const rows = useMemo(() => (series ? pairReadings(series.systolic, series.diastolic) : []), [series]);

  let body: ReactNode;
  if (!series || !option) body = <Waiting error={error} />;
  else if (rows.length === 0) body = <NoData text={t('recordsPatient.trend.emptyBp')} />;
  else {
    const latest = rows[0]!;
    const high = rows.filter(
      (r) =>
        (r.systolic && bloodPressureFlag('systolic', r.systolic) !== 'N') ||
        (r.diastolic && bloodPressureFlag('diastolic', r.diastolic) !== 'N'),
    ).length;
    const sys = summarise(series.systolic);
    const summary = t('recordsPatient.trend.bpSummary', {
      count: rows.length,
      time: fullTime(latest.at),
      value: `${latest.systolic ? formatNumber(latest.systolic.value) : '—'}/${latest.diastolic ? formatNumber(latest.diastolic.value) : '—'}`,
      unit: series.unit,
      max: sys.max ? formatNumber(sys.max.value) : '—',
      min: sys.min ? formatNumber(sys.min.value) : '—',
      high,
      limit: `${BP_LIMITS.systolic}/${BP_LIMITS.diastolic}`,
    });
    body = (
      <>
        <section className="booking-card" aria-labelledby="bp-chart-title">
          <h2 className="booking-card__title" id="bp-chart-title">
            {t('recordsPatient.trend.bpChart')}
          </h2>
          <TrendChart option={option} label={summary} testId="bp-chart" />
          <p className="records-summary" data-testid="trend-summary">
            {summary}
          </p>
          <p className="records-legend">{t('recordsPatient.trend.bpLegend')}</p>
        </section>
        <section className="booking-card" aria-labelledby="bp-table-title">
          <h2 className="booking-card__title" id="bp-table-title">
            {t('recordsPatient.trend.readings')}
          </h2>
          <div className="records-table-wrap">
            <table className="records-table" data-testid="trend-table">
              <caption className="records-sr-only">
                {t('recordsPatient.trend.bpTableCaption', { unit: series.unit })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('recordsPatient.trend.time')}</th>
                  <th scope="col">{t('recordsPatient.trend.systolic')}</th>
                  <th scope="col">{t('recordsPatient.trend.diastolic')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.at}>
                    <th scope="row">{fullTime(r.at)}</th>
                    <td className="records-value">
                      {r.systolic ? formatNumber(r.systolic.value) : '—'}
                      {r.systolic && <FlagMark flag={bloodPressureFlag('systolic', r.systolic)} />}
                    </td>
                    <td className="records-value">
                      {r.diastolic ? formatNumber(r.diastolic.value) : '—'}
                      {r.diastolic && <FlagMark flag={bloodPressureFlag('diastolic', r.diastolic)} />}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </>
    );
  }

  return (
    <Frame
      title={t('recordsPatient.titles.bpTrend')}
      back={withPatient('/patient/records/trends', patient.chosen)}
      testId="records-bp-trend"
    >
      {body}
    </Frame>
  );
}

/** One lab value over time (血糖, 糖化血红蛋白, 肌酐 …), its reference range as a band. */
export function LabTrendPage() {
  const { t } = useTranslation();
  const [large] = useElderlyModeSetting();
  const { code = '' } = useParams();
  const patient = useRecordsPatient();
  const { data, error } = useApiData<Page<ObservationView>>(
    patient.patientId && code
      ? `/patients/${patient.patientId}/observations?code=${encodeURIComponent(code)}&limit=${POINTS}`
      : null,
  );
  const series = useMemo(() => (data ? labSeries(data.items, code) : null), [data, code]);
  const option = useMemo(
    () => series && labOption(series, { reference: t('recordsPatient.trend.reference') }, { large }),
    [series, t, large],
  );

  let body: ReactNode;
  if (!series || !option) body = <Waiting error={error} />;
  else if (series.points.length === 0) body = <NoData text={t('recordsPatient.trend.emptyLab')} />;
  else {
    const s = summarise(series.points);
    const unit = series.unit ?? '';
    const range = referenceText({ refLow: series.refLow, refHigh: series.refHigh, refText: null });
    const summary = t('recordsPatient.trend.labSummary', {
      name: series.name,
      count: s.count,
      time: s.latest ? fullTime(s.latest.at) : '—',
      value: s.latest ? formatNumber(s.latest.value) : '—',
      unit,
      max: s.max ? formatNumber(s.max.value) : '—',
      min: s.min ? formatNumber(s.min.value) : '—',
      abnormal: s.abnormal,
      range,
    });
    const newestFirst = [...series.points].reverse();
    body = (
      <>
        <section className="booking-card" aria-labelledby="lab-chart-title">
          <h2 className="booking-card__title" id="lab-chart-title">
            {t('recordsPatient.trend.labChart', { name: series.name })}
          </h2>
          <TrendChart option={option} label={summary} testId="lab-chart" />
          <p className="records-summary" data-testid="trend-summary">
            {summary}
          </p>
          <p className="records-legend">{t('recordsPatient.trend.labLegend')}</p>
        </section>
        <section className="booking-card" aria-labelledby="lab-table-title">
          <h2 className="booking-card__title" id="lab-table-title">
            {t('recordsPatient.trend.results')}
          </h2>
          <div className="records-table-wrap">
            <table className="records-table" data-testid="trend-table">
              <caption className="records-sr-only">
                {t('recordsPatient.trend.labTableCaption', { name: series.name, unit, range })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('recordsPatient.trend.time')}</th>
                  <th scope="col">{t('recordsPatient.report.result')}</th>
                </tr>
              </thead>
              <tbody>
                {newestFirst.map((p) => (
                  <tr key={p.at}>
                    <th scope="row">{fullTime(p.at)}</th>
                    <td className="records-value">
                      {formatNumber(p.value)} {unit && <span className="records-unit">{unit}</span>}
                      <FlagMark flag={p.flag} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </>
    );
  }

  return (
    <Frame
      title={
        series?.name && series.points.length > 0
          ? t('recordsPatient.titles.labTrendOf', { name: series.name })
          : t('recordsPatient.titles.labTrend')
      }
      back={withPatient('/patient/records/trends', patient.chosen)}
      testId="records-lab-trend"
    >
      {body}
    </Frame>
  );
}

/** 趋势图: blood pressure, and each measure the archive tracks (its latest results). */
export function TrendsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const patient = useRecordsPatient();
  const { data, error } = useApiData<Archive>(
    patient.patientId ? `/patients/${patient.patientId}/archive` : null,
  );
  const labs = (data?.latestResults ?? []).filter((r) => !isBloodPressure(r));

  return (
    <Frame
      title={t('recordsPatient.titles.trends')}
      back={withPatient('/patient/records', patient.chosen)}
      testId="records-trends"
    >
      <ul className="booking-card records-rows" aria-label={t('recordsPatient.titles.trends')}>
        <li>
          <button
            type="button"
            className="records-row-button"
            data-testid="trend-bp"
            onClick={() => navigate(withPatient('/patient/records/trends/bp', patient.chosen))}
          >
            <span className="records-row__head">
              <strong>{t('recordsPatient.titles.bpTrend')}</strong>
            </span>
            <span className="records-muted">{t('recordsPatient.trend.bpHint')}</span>
            <RightOutline className="records-row__arrow" aria-hidden />
          </button>
        </li>
        {labs.map((r) => (
          <li key={r.code}>
            <button
              type="button"
              className="records-row-button"
              data-testid="trend-lab"
              data-code={r.code}
              onClick={() =>
                navigate(
                  withPatient(`/patient/records/trends/lab/${encodeURIComponent(r.code)}`, patient.chosen),
                )
              }
            >
              <span className="records-row__head">
                <strong>{t('recordsPatient.titles.labTrendOf', { name: r.name })}</strong>
              </span>
              <span className="records-muted">
                {t('recordsPatient.trend.latest', { value: `${r.valueText}${r.unit ? ` ${r.unit}` : ''}` })}
                <FlagMark flag={r.flag} />
              </span>
              <RightOutline className="records-row__arrow" aria-hidden />
            </button>
          </li>
        ))}
      </ul>
      {data === undefined && <Waiting error={error} />}
      <p className="patient-page__intro">{t('recordsPatient.trend.moreHint')}</p>
    </Frame>
  );
}
