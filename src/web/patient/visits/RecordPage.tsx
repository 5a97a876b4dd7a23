import { Button, ErrorBlock, Popup, SpinLoading } from 'antd-mobile';
import { CheckShieldOutline, RightOutline } from 'antd-mobile-icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import type { MedicalRecordView, RecordContent, VisitView } from '../../../shared/visits.js';
import { useApiData } from '../../components/useApiData.js';
import { formatTime, shanghaiDate } from '../../format.js';
import { PageHeader } from '../PageHeader.js';
import '../wording.css';
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

/**
 * The signature as a patient reads it: a "已签名 · 可验证" badge; the signer, time, certificate and SM3
 * digest (for whoever verifies it) behind a tap, in a popup.
 */
function SignatureBadge({ record, doctorName }: { record: MedicalRecordView; doctorName?: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <section className="booking-card record-signature" data-testid="record-signature">
      <button
        type="button"
        className="signature-badge"
        onClick={() => setOpen(true)}
        aria-haspopup="dialog"
        data-testid="record-signature-badge"
      >
        <CheckShieldOutline aria-hidden /> {t('wording.signature.badge')}
        <span className="signature-badge__hint">
          {t('wording.signature.badgeHint')} <RightOutline aria-hidden />
        </span>
      </button>
      <Popup
        visible={open}
        onMaskClick={() => setOpen(false)}
        onClose={() => setOpen(false)}
        showCloseButton
        bodyClassName="signature-details"
      >
        <div role="dialog" aria-labelledby="signature-details-title" data-testid="signature-details">
          <h2 className="signature-details__title" id="signature-details-title">
            {t('wording.signature.title')}
          </h2>
          <p className="signature-details__intro">{t('wording.signature.intro')}</p>
          <dl className="record-signature__facts">
            <dt>{t('wording.signature.signer')}</dt>
            <dd data-testid="record-signer">{doctorName}</dd>
            {record.signedAt && (
              <>
                <dt>{t('wording.signature.time')}</dt>
                <dd>{fullTime(record.signedAt)}</dd>
              </>
            )}
            {record.certificateSerial && (
              <>
                <dt>{t('wording.signature.certificate')}</dt>
                <dd className="record-signature__mono" data-testid="record-certificate">
                  {record.certificateSerial}
                </dd>
              </>
            )}
            {record.contentHash && (
              <>
                <dt>{t('wording.signature.hash')}</dt>
                <dd className="record-signature__mono" data-testid="record-hash">
                  {record.contentHash}
                </dd>
              </>
            )}
          </dl>
          <Button block size="large" onClick={() => setOpen(false)} data-testid="signature-close">
            {t('wording.signature.close')}
          </Button>
        </div>
      </Popup>
    </section>
  );
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

          <SignatureBadge record={record} doctorName={record.doctorName ?? visit?.doctorName} />

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
