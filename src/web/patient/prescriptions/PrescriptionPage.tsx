import { Button, ErrorBlock, SpinLoading } from 'antd-mobile';
import { CheckShieldOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { PrescriptionView } from '../../../shared/prescriptions.js';
import { useApiData } from '../../components/useApiData.js';
import { useNow } from '../../components/useNow.js';
import { formatYuan } from '../../format.js';
import { PageHeader } from '../PageHeader.js';
import { PdfButton, RxItems } from './RxParts.js';
import { canChoosePharmacy, formatLeft, fullTime, rxNumber, shortHash, shownStatus } from './rx.js';
import './prescriptions.css';

/** RX-6: valid until when (Asia/Shanghai), and how long is left. */
function Validity({ rx, now }: { rx: PrescriptionView; now: Date }) {
  const { t } = useTranslation();
  if (!rx.validUntil) return null;
  const left = new Date(rx.validUntil).getTime() - now.getTime();
  const live = rx.status === 'approved' || rx.status === 'pending_review';
  return (
    <div className="rx-hero__validity" data-testid="rx-validity">
      {t('rxPatient.detail.validUntil', { time: fullTime(rx.validUntil) })}
      {live && (
        <strong className="rx-hero__left" data-testid="rx-left">
          {left > 0
            ? t('rxPatient.detail.left', { time: formatLeft(left, t) })
            : t('rxPatient.detail.expired')}
        </strong>
      )}
    </div>
  );
}

/** The 处方笺: institution, patient, diagnoses, Rp, doctor and pharmacist, as the paper form lays them out. */
function Sheet({ rx }: { rx: PrescriptionView }) {
  const { t } = useTranslation();
  const review = rx.review;
  return (
    <section className="rx-sheet" data-testid="rx-sheet">
      <header className="rx-sheet__head">
        <div className="rx-sheet__org">{rx.institutionName}</div>
        <div className="rx-sheet__title">{t('rxPatient.detail.sheet')}</div>
        <div className="rx-sheet__kind">{t(`rxPatient.kind.${rx.kind}`)}</div>
      </header>
      <dl className="rx-sheet__facts">
        <div>
          <dt>{t('rxPatient.detail.name')}</dt>
          <dd data-testid="rx-patient">{rx.patientName}</dd>
        </div>
        <div>
          <dt>{t('rxPatient.detail.sex')}</dt>
          <dd>{t(`patient.sex.${rx.patientSex}` as never, { defaultValue: rx.patientSex })}</dd>
        </div>
        <div>
          <dt>{t('rxPatient.detail.age')}</dt>
          <dd>{t('rxPatient.detail.ageValue', { age: Math.floor(rx.patientAgeYears) })}</dd>
        </div>
        <div>
          <dt>{t('rxPatient.detail.department')}</dt>
          <dd>{rx.departmentName}</dd>
        </div>
        <div className="rx-sheet__wide">
          <dt>{t('rxPatient.detail.issuedAt')}</dt>
          <dd>{fullTime(rx.signedAt ?? rx.createdAt)}</dd>
        </div>
        <div className="rx-sheet__wide">
          <dt>{t('rxPatient.detail.number')}</dt>
          <dd className="rx-mono">
            {rxNumber(rx.id)}
            {rx.version > 1 && ` · ${t('rxPatient.list.version', { version: rx.version })}`}
          </dd>
        </div>
        <div className="rx-sheet__wide">
          <dt>{t('rxPatient.detail.allergies')}</dt>
          <dd data-testid="rx-allergies">
            {rx.allergies.length > 0 ? rx.allergies.join('、') : t('rxPatient.detail.noAllergies')}
          </dd>
        </div>
        <div className="rx-sheet__wide">
          <dt>{t('rxPatient.detail.diagnoses')}</dt>
          <dd data-testid="rx-diagnoses">{rx.diagnoses.map((d) => d.name).join('；')}</dd>
        </div>
      </dl>
      <div className="rx-sheet__rp" aria-hidden>
        {t('rxPatient.detail.rp')}
      </div>
      <RxItems items={rx.items} />
      {rx.longTermReason && (
        <p className="rx-sheet__reason">{t('rxPatient.detail.longTerm', { reason: rx.longTermReason })}</p>
      )}
      {rx.validityReason && (
        <p className="rx-sheet__reason">
          {t('rxPatient.detail.validityReason', { reason: rx.validityReason })}
        </p>
      )}
      <dl className="rx-sheet__facts rx-sheet__foot">
        <div>
          <dt>{t('rxPatient.detail.doctor')}</dt>
          <dd data-testid="rx-doctor">{rx.doctorName}</dd>
        </div>
        <div>
          <dt>{t('rxPatient.detail.pharmacist')}</dt>
          <dd data-testid="rx-pharmacist">{review?.pharmacistName ?? '—'}</dd>
        </div>
        <div className="rx-sheet__wide">
          <dt>{t('rxPatient.detail.amount')}</dt>
          <dd>
            <strong className="rx-amount">{formatYuan(rx.totalFen)}</strong>
          </dd>
        </div>
      </dl>
    </section>
  );
}

/** RX-2: who signed, with which certificate, and the digest (shortened; the PDF carries it whole). */
function Signature({ rx }: { rx: PrescriptionView }) {
  const { t } = useTranslation();
  if (!rx.signature) return null;
  return (
    <section className="booking-card rx-signature" data-testid="rx-signature">
      <div className="rx-signature__mark">
        <CheckShieldOutline /> {t('rxPatient.detail.signed')}
      </div>
      <dl className="rx-signature__facts">
        {rx.certificateSerial && (
          <>
            <dt>{t('rxPatient.detail.certificate')}</dt>
            <dd className="rx-mono">{rx.certificateSerial}</dd>
          </>
        )}
        {rx.contentHash && (
          <>
            <dt>{t('rxPatient.detail.hash')}</dt>
            <dd className="rx-mono" title={rx.contentHash} data-testid="rx-hash">
              {shortHash(rx.contentHash)}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** One prescription: its state, the 处方笺, the pharmacist's review, and what the patient can do next. */
export function PrescriptionPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const { data: rx, error } = useApiData<PrescriptionView>(`/prescriptions/${id}`);
  const now = useNow(true, 30_000);

  if (!rx) {
    return (
      <div className="patient-page" data-testid="prescription-page">
        <PageHeader title={t('rxPatient.titles.detail')} back="/patient/prescriptions" />
        {error !== undefined ? (
          <ErrorBlock className="patient-empty" status="default" title={t('rxPatient.detail.notFound')} />
        ) : (
          <div className="patient-loading">
            <SpinLoading color="primary" />
          </div>
        )}
      </div>
    );
  }

  const status = shownStatus(rx, now);
  const review = rx.review;
  const choosable = canChoosePharmacy(rx, now);
  return (
    <div className="patient-page" data-testid="prescription-page" data-status={status}>
      <PageHeader title={t('rxPatient.titles.detail')} back="/patient/prescriptions" />
      <header className={`rx-hero rx-hero--${status}`}>
        <div className="rx-hero__status" data-testid="rx-hero-status" data-status={status}>
          {t(`rxPatient.status.${status}`)}
        </div>
        <div className="rx-hero__hint">
          {status === 'approved' && rx.fulfilmentId
            ? t('rxPatient.statusHint.approvedFilling')
            : t(`rxPatient.statusHint.${status}`)}
        </div>
        <Validity rx={rx} now={now} />
      </header>

      {review && (
        <section
          className={`booking-card rx-review rx-review--${review.decision}`}
          data-testid="rx-review"
          data-decision={review.decision}
        >
          <div className="rx-review__head">
            {review.decision === 'approve'
              ? t('rxPatient.detail.reviewApproved')
              : t('rxPatient.detail.reviewRejected')}
            <span className="rx-review__who">
              {review.pharmacistName} · {fullTime(review.reviewedAt)}
            </span>
          </div>
          {review.reason && (
            <div className="rx-review__reason">{t('rxPatient.detail.reason', { reason: review.reason })}</div>
          )}
        </section>
      )}

      {(choosable || rx.fulfilmentId || rx.replacedById) && (
        <div className="patient-page__actions booking-actions">
          {choosable && (
            <Button
              block
              color="primary"
              size="large"
              onClick={() => navigate(`/patient/prescriptions/${rx.id}/pharmacies`)}
              data-testid="rx-choose-pharmacy"
            >
              {t('rxPatient.detail.choose')}
            </Button>
          )}
          {rx.fulfilmentId && (
            <Button
              block
              color="primary"
              size="large"
              onClick={() => navigate(`/patient/fulfilments/${rx.fulfilmentId}`)}
              data-testid="rx-view-fulfilment"
            >
              {t('rxPatient.detail.viewFulfilment')}
            </Button>
          )}
          {rx.replacedById && (
            <Button
              block
              color="primary"
              fill="outline"
              size="large"
              onClick={() => navigate(`/patient/prescriptions/${rx.replacedById}`)}
              data-testid="rx-view-revision"
            >
              {t('rxPatient.detail.viewRevision')}
            </Button>
          )}
        </div>
      )}

      <Sheet rx={rx} />
      <Signature rx={rx} />
      {rx.signature && (
        <div className="patient-page__actions">
          <PdfButton prescriptionId={rx.id} />
        </div>
      )}
    </div>
  );
}
