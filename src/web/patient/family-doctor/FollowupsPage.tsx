/**
 * 我的随访 (FD-7, FD-8): the chronic-disease plans, the follow-ups due (overdue marked) and those done with
 * what the team recorded; a done follow-up can be rated once.
 */
import { Button, Tag } from 'antd-mobile';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FollowupView, PlanView } from '../../../shared/family-doctor.js';
import { useApiData } from '../../components/useApiData.js';
import { useElderlyModeSetting } from '../elderlyMode.js';
import { Card, ClassificationTag, Frame, RateButton, Waiting } from './FdParts.js';
import { fdPath, formatDate, formatInstant, useFdPatient } from './fd.js';

interface PatientFollowups {
  plans: PlanView[];
  followups: FollowupView[];
}

function Plan({ plan }: { plan: PlanView }) {
  const { t, i18n } = useTranslation();
  return (
    <li className="fd-plan" data-testid="fd-plan" data-condition={plan.condition}>
      <span className="fd-plan__main">
        <strong>{t(`fdResident.condition.${plan.condition}`)}</strong>
        <span className="fd-muted">
          {t('fdResident.plans.since', { date: formatDate(plan.startedOn, i18n.language) })}
          {' · '}
          {t('fdResident.plans.thisYear', { count: plan.followupsThisYear })}
        </span>
        <span className="fd-muted">
          {plan.nextDueOn
            ? t('fdResident.plans.nextDue', { date: formatDate(plan.nextDueOn, i18n.language) })
            : t('fdResident.plans.noneDue')}
        </span>
        {plan.uncontrolledStreak > 0 && (
          <span className="fd-overdue">
            {t('fdResident.plans.streak', { count: plan.uncontrolledStreak })}
          </span>
        )}
      </span>
      {plan.lastClassification && <ClassificationTag value={plan.lastClassification} />}
    </li>
  );
}

/** What the team recorded at a follow-up: blood pressure, glucose, advice … */
function RecordFacts({ f }: { f: FollowupView }) {
  const { t } = useTranslation();
  const r = f.record;
  if (!r) return null;
  const rows: [string, string][] = [];
  if (r.systolic && r.diastolic)
    rows.push([t('fdResident.readings.bp'), `${r.systolic}/${r.diastolic} ${t('fdResident.readings.mmHg')}`]);
  if (r.fastingGlucoseMmol !== undefined)
    rows.push([
      t('fdResident.readings.timing.fasting'),
      `${r.fastingGlucoseMmol} ${t('fdResident.readings.mmol')}`,
    ]);
  if (r.heartRate)
    rows.push([t('fdResident.readings.pulse'), `${r.heartRate} ${t('fdResident.readings.bpm')}`]);
  if (r.weightKg) rows.push([t('fdResident.followups.weight'), `${r.weightKg} kg`]);
  if (r.medication) rows.push([t('fdResident.followups.medication'), r.medication]);
  if (r.lifestyle) rows.push([t('fdResident.followups.lifestyle'), r.lifestyle]);
  if (r.advice) rows.push([t('fdResident.followups.advice'), r.advice]);
  return (
    <dl className="fd-facts fd-facts--compact">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Followup({ f }: { f: FollowupView }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <li className="fd-followup" data-testid="fd-followup" data-status={f.status} data-overdue={f.overdue}>
      <div className="fd-followup__head">
        <strong className="fd-followup__title">{f.title}</strong>
        {f.status === 'done' ? (
          f.classification ? (
            <ClassificationTag value={f.classification} />
          ) : (
            <Tag color="success" fill="outline">
              {t('fdResident.followups.done')}
            </Tag>
          )
        ) : f.overdue ? (
          <Tag color="danger" fill="outline">
            {t('fdResident.followups.overdue')}
          </Tag>
        ) : (
          <Tag color="primary" fill="outline">
            {t('fdResident.followups.due')}
          </Tag>
        )}
      </div>
      {f.status === 'done' ? (
        <>
          <span className="fd-muted">
            {[
              f.doneAt ? formatInstant(f.doneAt, lang) : null,
              f.method ? t(`fdResident.followups.method.${f.method}`) : null,
              f.doneByName,
            ]
              .filter(Boolean)
              .join(' · ')}
          </span>
          <RecordFacts f={f} />
          <div className="fd-followup__rate">
            <RateButton subject="followup" subjectId={f.id} testId="fd-rate-followup" />
          </div>
        </>
      ) : (
        <span className={f.overdue ? 'fd-overdue' : 'fd-muted'}>
          {f.overdue
            ? t('fdResident.followups.overdueOn', { date: formatDate(f.dueOn, lang) })
            : t('fdResident.followups.dueOn', { date: formatDate(f.dueOn, lang) })}
          {f.condition ? ` · ${t(`fdResident.condition.${f.condition}`)}` : ''}
        </span>
      )}
    </li>
  );
}

export function FollowupsPage() {
  const { t } = useTranslation();
  const [elderly] = useElderlyModeSetting();
  const patient = useFdPatient();
  const [all, setAll] = useState(false);
  const { data, error } = useApiData<PatientFollowups>(
    patient.patientId ? `/family-doctor/patients/${patient.patientId}/followups` : null,
  );
  const due = (data?.followups ?? [])
    .filter((f) => f.status === 'due')
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn));
  const done = (data?.followups ?? [])
    .filter((f) => f.status === 'done')
    .sort((a, b) => (b.doneAt ?? b.dueOn).localeCompare(a.doneAt ?? a.dueOn));
  const limit = elderly ? 3 : 10;
  const doneShown = all ? done : done.slice(0, limit);

  return (
    <Frame
      title={t('fdResident.titles.followups')}
      back={fdPath('', patient.chosen)}
      testId="fd-followups"
      patient={patient}
    >
      {!data ? (
        <Waiting error={error} />
      ) : (
        <>
          <Card id="plans" title={t('fdResident.overview.plans')}>
            {data.plans.length === 0 ? (
              <p className="fd-muted">{t('fdResident.plans.none')}</p>
            ) : (
              <ul className="fd-list">
                {data.plans.map((p) => (
                  <Plan key={p.id} plan={p} />
                ))}
              </ul>
            )}
          </Card>
          <Card id="followups-due" title={t('fdResident.followups.dueTitle')}>
            {due.length === 0 ? (
              <p className="fd-muted">{t('fdResident.followups.noneDue')}</p>
            ) : (
              <ul className="fd-list">
                {due.map((f) => (
                  <Followup key={f.id} f={f} />
                ))}
              </ul>
            )}
          </Card>
          <Card id="followups-done" title={t('fdResident.followups.doneTitle')}>
            {done.length === 0 ? (
              <p className="fd-muted">{t('fdResident.followups.noneDone')}</p>
            ) : (
              <>
                <ul className="fd-list">
                  {doneShown.map((f) => (
                    <Followup key={f.id} f={f} />
                  ))}
                </ul>
                {doneShown.length < done.length && (
                  <Button block fill="outline" onClick={() => setAll(true)}>
                    {t('fdResident.followups.showAll', { count: done.length })}
                  </Button>
                )}
              </>
            )}
          </Card>
        </>
      )}
    </Frame>
  );
}
