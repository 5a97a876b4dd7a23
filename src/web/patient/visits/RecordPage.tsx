import { ErrorBlock, SpinLoading } from 'antd-mobile';
import { CheckShieldOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import type { MedicalRecordView, RecordContent, VisitView } from '../../../shared/visits.js';
import { useApiData } from '../../components/useApiData.js';
import { formatTime, shanghaiDate } from '../../format.js';
import { PageHeader } from '../PageHeader.js';
import './visits.css';

type TextSection = Exclude<keyof RecordContent, 'diagnoses'>;
const SECTIONS: readonly TextSection[] = [
  'chiefComplaint',
  'presentIllness',
  'pastHistory',
  'allergies',
  'onlineObservation',
];

/** Date and time with the year, as a record carries them: 2026-11-24 09:12. */
function fullTime(iso: string): string {
  return `${shanghaiDate(iso)} ${formatTime(iso)}`;
}

/** 电子病历: the signed record of a visit, its diagnoses, the signature and any addenda. */
export function RecordPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const visit = useApiData<VisitView>(`/visits/${id}`).data;
  const { data: record, error } = useApiData<MedicalRecordView>(`/visits/${id}/record`);
  const signed = record?.status === 'signed';

  return (
    <div className="patient-page" data-testid="record-page">
      <PageHeader title={t('visits.h5.recordTitle')} back={`/patient/visits/${id}`} />
      {!record ? (
        error !== undefined ? (
          <ErrorBlock className="patient-empty" status="empty" title={t('visits.h5.recordNotSigned')} />
        ) : (
          <div className="patient-loading">
            <SpinLoading color="primary" />
          </div>
        )
      ) : !signed ? (
        <ErrorBlock className="patient-empty" status="empty" title={t('visits.h5.recordNotSigned')} />
      ) : (
        <>
          <section className="record-head">
            <div className="record-head__org">{visit?.institutionName}</div>
            <div className="record-head__title">{t('visits.h5.recordTitle')}</div>
            {visit && (
              <div className="record-head__meta">
                <span>
                  {t('visits.h5.patientInfo', {
                    name: visit.patientName,
                    sex: t(`patient.sex.${visit.patientSex}`),
                    age: visit.patientAge,
                  })}
                </span>
                <span>
                  {visit.departmentName} · {t(`visits.type.${visit.type}`)}
                </span>
                <span>
                  {t('visits.h5.visitDate')}：{fullTime(visit.startedAt ?? visit.createdAt)}
                </span>
              </div>
            )}
          </section>

          <section className="booking-card record-body">
            {SECTIONS.map((key) => (
              <div className="record-section" key={key} data-testid={`record-${key}`}>
                <div className="record-section__label">{t(`visits.h5.${key}`)}</div>
                <div className="record-section__text">{record.content[key] || t('visits.h5.none')}</div>
              </div>
            ))}
            <div className="record-section" data-testid="record-diagnoses">
              <div className="record-section__label">{t('visits.h5.diagnoses')}</div>
              <ol className="record-diagnoses">
                {record.content.diagnoses.map((d) => (
                  <li key={d.icd10}>
                    {d.name} <span className="record-diagnoses__code">{d.icd10}</span>
                  </li>
                ))}
              </ol>
            </div>
            <div className="record-section" data-testid="record-advice">
              <div className="record-section__label">{t('visits.h5.advice')}</div>
              <div className="record-section__text">{record.content.advice || t('visits.h5.none')}</div>
            </div>
          </section>

          <section className="booking-card record-signature" data-testid="record-signature">
            <div className="record-signature__mark">
              <CheckShieldOutline /> {t('visits.h5.signedMark')}
            </div>
            <dl className="record-signature__facts">
              <dt>{t('visits.h5.signedBy')}</dt>
              <dd>{record.doctorName ?? visit?.doctorName}</dd>
              {record.signedAt && (
                <>
                  <dt>{t('visits.h5.signedAt')}</dt>
                  <dd>{fullTime(record.signedAt)}</dd>
                </>
              )}
              {record.certificateSerial && (
                <>
                  <dt>{t('visits.h5.certificate')}</dt>
                  <dd className="record-signature__mono" data-testid="record-certificate">
                    {record.certificateSerial}
                  </dd>
                </>
              )}
              {record.contentHash && (
                <>
                  <dt>{t('visits.h5.contentHash')}</dt>
                  <dd className="record-signature__mono" data-testid="record-hash">
                    {record.contentHash}
                  </dd>
                </>
              )}
            </dl>
          </section>

          {record.addenda.length > 0 && (
            <section className="booking-card" data-testid="record-addenda">
              <h2 className="booking-card__title">{t('visits.h5.addenda')}</h2>
              {record.addenda.map((addendum) => (
                <div className="record-addendum" key={addendum.id}>
                  <div className="record-addendum__time">{fullTime(addendum.signedAt)}</div>
                  <div className="record-section__text">{addendum.text}</div>
                </div>
              ))}
            </section>
          )}
        </>
      )}
    </div>
  );
}
