import { ErrorBlock, NoticeBar, SpinLoading, Tag } from 'antd-mobile';
import {
  ClockCircleOutline,
  ContentOutline,
  DownlandOutline,
  ExclamationCircleOutline,
  EyeOutline,
  HistogramOutline,
  LockOutline,
} from 'antd-mobile-icons';
import { type ReactNode, useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { Archive } from '../../../shared/records.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { shanghaiDate } from '../../format.js';
import { type PatientChoice, PatientSwitch } from '../booking/PatientSwitch.js';
import { PageHeader } from '../PageHeader.js';
import { categoriesText, FlagMark } from './RecordsParts.js';
import { isBloodPressure, maskIdNumber, withPatient } from './records.js';
import { useRecordsPatient } from './useRecordsPatient.js';
import './records.css';

/** A titled card of the archive: a region named by its heading. */
function Section({
  id,
  title,
  children,
  className,
}: {
  id: string;
  title: string;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section
      className={`booking-card records-section ${className ?? ''}`}
      aria-labelledby={`records-${id}`}
      data-testid={`archive-${id}`}
    >
      <h2 className="booking-card__title" id={`records-${id}`}>
        {title}
      </h2>
      {children}
    </section>
  );
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="records-facts">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The ID number, masked until the 显示 button is pressed (someone may be looking at the screen). */
function IdNumber({ value }: { value: string }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState(false);
  const masked = maskIdNumber(value);
  return (
    <span className="records-id">
      <span className="records-id__value" data-testid="archive-id-number">
        {shown ? value : masked}
      </span>
      {masked !== value && (
        <button
          type="button"
          className="link-button records-id__toggle"
          aria-pressed={shown}
          onClick={() => setShown((s) => !s)}
        >
          {shown ? t('recordsPatient.archive.hideId') : t('recordsPatient.archive.showId')}
        </button>
      )}
    </span>
  );
}

const ENTRIES = [
  { key: 'timeline', path: '/patient/records/timeline', icon: <ClockCircleOutline /> },
  { key: 'reports', path: '/patient/records/reports', icon: <ContentOutline /> },
  { key: 'trends', path: '/patient/records/trends', icon: <HistogramOutline /> },
  { key: 'authorisations', path: '/patient/records/authorisations', icon: <LockOutline /> },
  { key: 'accessLog', path: '/patient/records/access-log', icon: <EyeOutline /> },
  { key: 'export', path: '/patient/records/export', icon: <DownlandOutline /> },
] as const;

/** The archive's summary: basic information, conditions, allergies, history, lifestyle, vaccinations. */
function ArchiveBody({ archive, patientId }: { archive: Archive; patientId: string | undefined }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const p = archive.patient;
  const dash = t('recordsPatient.common.none');
  const history = archive.history;
  const lifestyle = history?.lifestyle;

  return (
    <>
      <Section id="basic" title={t('recordsPatient.archive.basic')}>
        <Facts
          rows={[
            [
              t('recordsPatient.archive.name'),
              <span key="name" data-testid="archive-name">
                {p.name}
              </span>,
            ],
            [t('recordsPatient.archive.sex'), p.sex ? t(`patient.sex.${p.sex}`) : dash],
            [
              t('recordsPatient.archive.age'),
              p.age !== null ? t('recordsPatient.archive.ageValue', { count: p.age }) : dash,
            ],
            [t('recordsPatient.archive.birthDate'), p.birthDate ?? dash],
            [
              t('recordsPatient.archive.idNumber'),
              p.idNumberMasked ? <IdNumber key="id" value={p.idNumberMasked} /> : dash,
            ],
            ...(history
              ? [[t('recordsPatient.archive.bloodType'), history.bloodType ?? dash] as [string, ReactNode]]
              : []),
          ]}
        />
      </Section>

      {archive.hiddenCategories.length > 0 && (
        <NoticeBar
          className="booking-notice"
          color="info"
          wrap
          data-testid="archive-hidden"
          content={t('recordsPatient.archive.hidden', {
            categories: categoriesText(archive.hiddenCategories, t),
          })}
        />
      )}

      <nav className="booking-card records-entries" aria-label={t('recordsPatient.archive.entries')}>
        {ENTRIES.map((entry) => (
          <button
            key={entry.key}
            type="button"
            className="records-entry"
            data-testid={`records-entry-${entry.key}`}
            onClick={() => navigate(withPatient(entry.path, patientId))}
          >
            <span className="records-entry__icon" aria-hidden>
              {entry.icon}
            </span>
            <span className="records-entry__label">{t(`recordsPatient.titles.${entry.key}`)}</span>
          </button>
        ))}
      </nav>

      {archive.allergies !== null && (
        <Section
          id="allergies"
          title={t('recordsPatient.archive.allergies')}
          className={archive.allergies.length > 0 ? 'records-allergies' : ''}
        >
          {archive.allergies.length === 0 ? (
            <p className="records-muted">{t('recordsPatient.archive.noAllergies')}</p>
          ) : (
            <ul className="records-allergy-list">
              {archive.allergies.map((a) => (
                <li key={`${a.substance}-${a.recordedAt}`} data-testid="archive-allergy">
                  <ExclamationCircleOutline aria-hidden className="records-allergy__icon" />
                  <strong>{t('recordsPatient.archive.allergyTo', { substance: a.substance })}</strong>
                  {a.reaction && <span className="records-muted"> · {a.reaction}</span>}
                </li>
              ))}
            </ul>
          )}
        </Section>
      )}

      {archive.chronicConditions !== null && (
        <Section id="chronic" title={t('recordsPatient.archive.chronic')}>
          {archive.chronicConditions.length === 0 ? (
            <p className="records-muted">{t('recordsPatient.archive.noChronic')}</p>
          ) : (
            <ul className="records-list">
              {archive.chronicConditions.map((d) => (
                <li key={d.id} data-testid="archive-condition">
                  <div className="records-list__head">
                    <strong>{d.name}</strong>
                    <span className="records-mono records-muted">{d.icd10}</span>
                    {d.clinicalStatus !== 'active' && (
                      <Tag fill="outline">{t(`recordsPatient.clinicalStatus.${d.clinicalStatus}`)}</Tag>
                    )}
                  </div>
                  <div className="records-muted">
                    {[
                      d.onsetDate ? t('recordsPatient.archive.since', { date: d.onsetDate }) : null,
                      d.institutionName,
                      d.practitionerName,
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Section>
      )}

      {archive.latestResults !== null && (
        <Section id="latest" title={t('recordsPatient.archive.latest')}>
          {archive.latestResults.length === 0 ? (
            <p className="records-muted">{t('recordsPatient.archive.noResults')}</p>
          ) : (
            <ul className="records-list">
              {archive.latestResults.map((r) => (
                <li key={r.code}>
                  <button
                    type="button"
                    className="records-row-button"
                    data-testid="archive-latest"
                    data-code={r.code}
                    onClick={() =>
                      navigate(
                        withPatient(
                          isBloodPressure(r)
                            ? '/patient/records/trends/bp'
                            : `/patient/records/trends/lab/${encodeURIComponent(r.code)}`,
                          patientId,
                        ),
                      )
                    }
                  >
                    <span className="records-latest__name">{r.name}</span>
                    <span className="records-latest__value">
                      {r.valueText}
                      {r.unit && <span className="records-unit"> {r.unit}</span>}
                      <FlagMark flag={r.flag} />
                    </span>
                    <span className="records-muted records-latest__date">
                      {t('recordsPatient.archive.measuredOn', { date: shanghaiDate(r.effectiveAt) })}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Section>
      )}

      {history && (
        <Section id="history" title={t('recordsPatient.archive.history')}>
          <Facts
            rows={[
              [t('recordsPatient.archive.pastHistory'), history.pastHistory || dash],
              [t('recordsPatient.archive.surgicalHistory'), history.surgicalHistory || dash],
              [t('recordsPatient.archive.familyHistory'), history.familyHistory || dash],
            ]}
          />
        </Section>
      )}

      {lifestyle && (
        <Section id="lifestyle" title={t('recordsPatient.archive.lifestyle')}>
          <Facts
            rows={[
              [
                t('recordsPatient.archive.smoking'),
                lifestyle.smoking ? t(`recordsPatient.smoking.${lifestyle.smoking}`) : dash,
              ],
              [
                t('recordsPatient.archive.drinking'),
                lifestyle.drinking ? t(`recordsPatient.drinking.${lifestyle.drinking}`) : dash,
              ],
              [t('recordsPatient.archive.exercise'), lifestyle.exercise || dash],
              [t('recordsPatient.archive.diet'), lifestyle.diet || dash],
            ]}
          />
        </Section>
      )}

      {archive.vaccinations !== null && (
        <Section id="vaccinations" title={t('recordsPatient.archive.vaccinations')}>
          {archive.vaccinations.length === 0 ? (
            <p className="records-muted">{t('recordsPatient.archive.noVaccinations')}</p>
          ) : (
            <ul className="records-list">
              {archive.vaccinations.map((v) => (
                <li key={v.id}>
                  <div className="records-list__head">
                    <strong>{v.vaccine}</strong>
                    {v.dose && <span className="records-muted">{v.dose}</span>}
                  </div>
                  <div className="records-muted">
                    {[v.givenOn, v.institutionName].filter(Boolean).join(' · ')}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Section>
      )}
    </>
  );
}

/** 健康档案: one's own or a family member's archive (ID-6), and the way to everything else in it. */
export function ArchivePage() {
  const { t } = useTranslation();
  const me = useMe();
  const patient = useRecordsPatient();
  const [, setParams] = useSearchParams();
  const { data, error } = useApiData<Archive>(
    patient.patientId ? `/patients/${patient.patientId}/archive` : null,
  );

  const choice: PatientChoice | undefined = patient.chosen
    ? { key: patient.chosen, patientId: patient.chosen, name: patient.name }
    : me.realNameVerified
      ? { key: 'self', name: me.name }
      : undefined;
  const choose = useCallback(
    (next: PatientChoice) => setParams(next.patientId ? { patient: next.patientId } : {}, { replace: true }),
    [setParams],
  );

  return (
    <div className="patient-page records-page" data-testid="records-archive">
      <PageHeader title={t('recordsPatient.titles.archive')} back="/patient" />
      <section className="booking-card" aria-label={t('recordsPatient.archive.whose')}>
        <PatientSwitch value={choice} onChange={choose} />
      </section>
      {!patient.patientId ? null : data ? (
        <ArchiveBody archive={data} patientId={patient.chosen} />
      ) : error !== undefined ? (
        <ErrorBlock
          className="patient-empty"
          status="default"
          title={t('recordsPatient.common.loadFailed')}
          description={errorText(error, t)}
        />
      ) : (
        <div className="patient-loading">
          <SpinLoading color="primary" />
        </div>
      )}
    </div>
  );
}
