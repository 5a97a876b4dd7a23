/**
 * 记录血压/血糖 (FD-7, FD-8): the resident (or a proxy) enters a home reading — blood pressure with the
 * pulse, or glucose fasting / after meals — measured now or at a time given; the server classifies it and
 * says what to do. Under it, the last three months as a chart and a list. In 长辈模式: big steppers, the
 * time defaults to now behind a 修改 button, one big 提交.
 */
import { Button, NoticeBar, Selector, SpinLoading } from 'antd-mobile';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import type { ReadingResult, ReadingView } from '../../../shared/family-doctor.js';
import type { Page } from '../../../shared/http.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { formatTime, shanghaiDate, shanghaiInstant } from '../../format.js';
import { useElderlyModeSetting } from '../elderlyMode.js';
import { Card, Frame, ProblemNote, ReadingRow, Waiting } from './FdParts.js';
import { fdPath, formatDate, readingValue, threeMonthsAgo, useFdPatient } from './fd.js';
import { type Field, invalid, type Kind, NumberStepper, Result, type Timing } from './ReadingsParts.js';

// ECharts comes with the chart only, after the entry form is on screen.
const ReadingsChart = lazy(() => import('./ReadingsChart.js'));

export function ReadingsPage() {
  const { t, i18n } = useTranslation();
  const [elderly] = useElderlyModeSetting();
  const patient = useFdPatient();
  const [params, setParams] = useSearchParams();
  const kind: Kind = params.get('kind') === 'glucose' ? 'glucose' : 'bp';
  const [values, setValues] = useState<Record<Field, string>>({
    systolic: '',
    diastolic: '',
    pulse: '',
    mmol: '',
  });
  const [timing, setTiming] = useState<Timing>('fasting');
  const [editTime, setEditTime] = useState(false);
  const [date, setDate] = useState(() => shanghaiDate());
  const [time, setTime] = useState(() => formatTime(new Date().toISOString()));
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [checked, setChecked] = useState<string | null>(null);
  const [result, setResult] = useState<ReadingResult | null>(null);
  const [showAll, setShowAll] = useState(false);
  const from = useMemo(() => threeMonthsAgo(), []);
  const list = useApiData<Page<ReadingView>>(
    patient.patientId
      ? `/patients/${patient.patientId}/readings?kind=${kind}&from=${encodeURIComponent(from)}&limit=400`
      : null,
  );
  const texts = useMemo(
    () => ({
      systolic: t('fdResident.readings.systolicShort'),
      diastolic: t('fdResident.readings.diastolicShort'),
      fasting: t('fdResident.readings.timing.fasting'),
      postprandial: t('fdResident.readings.afterMeals'),
      unit: kind === 'bp' ? t('fdResident.readings.mmHg') : t('fdResident.readings.mmol'),
    }),
    [t, kind],
  );

  const set = (field: Field) => (value: string) => setValues((v) => ({ ...v, [field]: value }));
  const switchKind = (next: Kind) => {
    const p = new URLSearchParams(params);
    p.set('kind', next);
    setParams(p, { replace: true });
    setResult(null);
    setFailure(undefined);
    setChecked(null);
  };

  async function submit() {
    const problem = invalid(kind, values, t);
    setChecked(problem);
    if (problem || !patient.patientId) return;
    const at = editTime ? shanghaiInstant(date, time) : new Date();
    if (Number.isNaN(at.getTime()) || at.getTime() > Date.now() + 60_000) {
      setChecked(t('fdResident.readings.futureTime'));
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      const body =
        kind === 'bp'
          ? {
              kind,
              values: {
                systolic: Math.round(Number(values.systolic)),
                diastolic: Math.round(Number(values.diastolic)),
                ...(values.pulse.trim() ? { pulse: Math.round(Number(values.pulse)) } : {}),
              },
              measuredAt: at.toISOString(),
            }
          : {
              kind,
              values: { mmol: Math.round(Number(values.mmol) * 10) / 10, timing },
              measuredAt: at.toISOString(),
            };
      const answer = await post<ReadingResult>(`/patients/${patient.patientId}/readings`, body);
      setResult(answer);
      // The result is shown above the form: bring it into view (the form is a screen tall in 长辈模式).
      window.requestAnimationFrame(() =>
        document.getElementById('fd-result-title')?.scrollIntoView({ block: 'center', behavior: 'smooth' }),
      );
      setValues({ systolic: '', diastolic: '', pulse: '', mmol: '' });
      setEditTime(false);
      list.reload();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  const readings = list.data?.items ?? [];
  const shown = showAll ? readings : readings.slice(0, elderly ? 5 : 10);
  const outCount = readings.filter((r) => r.classification !== 'controlled').length;
  const summary = t('fdResident.readings.chartSummary', {
    count: readings.length,
    out: outCount,
    latest: readings[0] ? `${readingValue(readings[0])} ${texts.unit}` : '—',
  });

  return (
    <Frame
      title={t('fdResident.titles.readings')}
      back={fdPath('', patient.chosen)}
      testId="fd-readings"
      patient={patient}
    >
      <section className="booking-card fd-kind" aria-label={t('fdResident.readings.kindLabel')}>
        <Selector
          className="fd-kind__selector"
          columns={2}
          value={[kind]}
          onChange={(v) => v[0] && switchKind(v[0])}
          options={[
            { value: 'bp' as Kind, label: t('fdResident.readings.bp') },
            { value: 'glucose' as Kind, label: t('fdResident.readings.glucose') },
          ]}
          data-testid="fd-reading-kind"
        />
      </section>

      {result && <Result result={result} />}

      {result?.reading.classification === 'urgent' && (
        <NoticeBar
          className="booking-notice"
          color="alert"
          wrap
          content={t('fdResident.readings.urgentNote')}
        />
      )}

      <form
        className="booking-card fd-entry"
        aria-labelledby="fd-entry-title"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        noValidate
      >
        <h2 className="booking-card__title" id="fd-entry-title">
          {kind === 'bp' ? t('fdResident.readings.enterBp') : t('fdResident.readings.enterGlucose')}
        </h2>
        {kind === 'bp' ? (
          <>
            <NumberStepper
              field="systolic"
              label={t('fdResident.readings.systolic')}
              unit={t('fdResident.readings.mmHg')}
              value={values.systolic}
              onChange={set('systolic')}
            />
            <NumberStepper
              field="diastolic"
              label={t('fdResident.readings.diastolic')}
              unit={t('fdResident.readings.mmHg')}
              value={values.diastolic}
              onChange={set('diastolic')}
            />
            {/* 长辈模式: only the two numbers of the cuff's screen (the pulse is optional). */}
            {!elderly && (
              <NumberStepper
                field="pulse"
                label={t('fdResident.readings.pulse')}
                unit={t('fdResident.readings.bpm')}
                value={values.pulse}
                onChange={set('pulse')}
                optional
              />
            )}
          </>
        ) : (
          <>
            <fieldset className="fd-fieldset">
              <legend className="fd-stepper__label">{t('fdResident.readings.timingLabel')}</legend>
              <Selector
                columns={3}
                value={[timing]}
                onChange={(v) => v[0] && setTiming(v[0])}
                options={(['fasting', 'postprandial', 'random'] as const).map((x) => ({
                  value: x,
                  label: t(`fdResident.readings.timing.${x}`),
                }))}
                data-testid="fd-glucose-timing"
              />
            </fieldset>
            <NumberStepper
              field="mmol"
              label={t('fdResident.readings.glucoseValue')}
              unit={t('fdResident.readings.mmol')}
              value={values.mmol}
              onChange={set('mmol')}
            />
          </>
        )}

        <div className="fd-when">
          {editTime ? (
            <div className="fd-when__fields">
              <label className="fd-label" htmlFor="fd-reading-date">
                {t('fdResident.readings.date')}
              </label>
              <input
                id="fd-reading-date"
                className="fd-native-input"
                type="date"
                value={date}
                max={shanghaiDate()}
                onChange={(e) => setDate(e.target.value)}
                data-testid="fd-reading-date"
              />
              <label className="fd-label" htmlFor="fd-reading-time">
                {t('fdResident.readings.time')}
              </label>
              <input
                id="fd-reading-time"
                className="fd-native-input"
                type="time"
                value={time}
                onChange={(e) => setTime(e.target.value)}
                data-testid="fd-reading-time"
              />
            </div>
          ) : (
            <p className="fd-when__now">
              {t('fdResident.readings.measuredNow')}
              <button
                type="button"
                className="link-button fd-link"
                onClick={() => {
                  setDate(shanghaiDate());
                  setTime(formatTime(new Date().toISOString()));
                  setEditTime(true);
                }}
                data-testid="fd-reading-edit-time"
              >
                {t('fdResident.readings.changeTime')}
              </button>
            </p>
          )}
        </div>

        {checked && (
          <p className="fd-field-error" role="alert" data-testid="fd-reading-invalid">
            {checked}
          </p>
        )}
        <ProblemNote error={failure} testId="fd-reading-problem" />
        <Button
          block
          type="submit"
          color="primary"
          size="large"
          className="fd-submit fd-submit--big"
          loading={busy}
          data-testid="fd-reading-submit"
        >
          {t('fdResident.readings.submit')}
        </Button>
      </form>

      <Card id="readings-chart" title={t('fdResident.readings.chartTitle')}>
        {!list.data ? (
          <Waiting error={list.error} />
        ) : readings.length === 0 ? (
          <p className="fd-muted" data-testid="fd-readings-empty">
            {t('fdResident.readings.empty')}
          </p>
        ) : (
          <>
            <Suspense
              fallback={
                <div className="patient-loading">
                  <SpinLoading color="primary" />
                </div>
              }
            >
              <ReadingsChart kind={kind} readings={readings} texts={texts} large={elderly} label={summary} />
            </Suspense>
            <p className="fd-muted">{summary}</p>
            <p className="fd-muted">
              {kind === 'bp' ? t('fdResident.readings.bpLegend') : t('fdResident.readings.glucoseLegend')}
            </p>
          </>
        )}
      </Card>

      {readings.length > 0 && (
        <Card id="readings-list" title={t('fdResident.readings.listTitle')}>
          <ul className="fd-list" data-testid="fd-readings-list">
            {shown.map((r) => (
              <ReadingRow key={r.id} reading={r} />
            ))}
          </ul>
          {shown.length < readings.length && (
            <Button block fill="outline" onClick={() => setShowAll(true)} data-testid="fd-readings-more">
              {t('fdResident.readings.showAll', { count: readings.length })}
            </Button>
          )}
          <p className="fd-muted">
            {t('fdResident.readings.since', { date: formatDate(shanghaiDate(from), i18n.language) })}
          </p>
        </Card>
      )}
    </Frame>
  );
}
