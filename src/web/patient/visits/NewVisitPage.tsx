import { Button, Checkbox, ErrorBlock, type ImageUploadItem, Selector, TextArea, Toast } from 'antd-mobile';
import { ExclamationCircleFill } from 'antd-mobile-icons';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { Practitioner } from '../../../shared/directory.js';
import type { Page } from '../../../shared/http.js';
import type { Dependent } from '../../../shared/identity.js';
import type { Appointment } from '../../../shared/scheduling.js';
import type {
  CreatedVisit,
  OfflineDiagnosisView,
  OnDemandStatus,
  VisitChannel,
  VisitPage,
  VisitType,
} from '../../../shared/visits.js';
import { ApiError, post } from '../../api.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { formatWindow, formatYuan } from '../../format.js';
import { DoctorSummary } from '../booking/DoctorSummary.js';
import { type PatientChoice, PatientSwitch } from '../booking/PatientSwitch.js';
import { goToCashier } from '../booking/payment.js';
import { usePreferences } from '../elderlyMode.js';
import { PageHeader } from '../PageHeader.js';
import { ConditionField, DiagnosisRecords, unique, useOfflineDiagnoses } from './ConditionField.js';
import { attachmentIds, PhotoUploader } from './PhotoUploader.js';
import { TYPE_ORDER, visitErrorText } from './visitApi.js';
import './visits.css';

const MAX_PHOTOS = 9;

/** The visit type an online appointment stands for. */
function typeOfAppointment(appointment: Appointment | undefined): VisitType | undefined {
  if (!appointment) return undefined;
  return appointment.mode === 'online_first_visit' ? 'first_visit' : 'follow_up';
}

/** 首诊 only where it can be: a doctor in the pilot, or a request that asks for it by name. */
function allowedTypes(
  doctor: Practitioner | undefined,
  asked: string | null,
  appointment: Appointment | undefined,
): VisitType[] {
  return TYPE_ORDER.filter((type) => {
    if (type === 'follow_up') return doctor?.offersOnlineFollowUp !== false;
    if (type === 'first_visit')
      return Boolean(
        doctor?.offersOnlineFirstVisit ||
          asked === 'first_visit' ||
          appointment?.mode === 'online_first_visit',
      );
    return true;
  });
}

/** A refused request, said in the page with the way forward it allows. */
function Refusal({ error, bookPath }: { error: unknown; bookPath?: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const code = error instanceof ApiError ? error.code : '';
  const offline = code === 'FOLLOW_UP_REQUIRES_OFFLINE_DIAGNOSIS' || code === 'FIRST_VISIT_NOT_ALLOWED';
  return (
    <section className="visit-refusal" data-testid="visit-error" role="alert">
      <div className="visit-refusal__text">
        <ExclamationCircleFill className="visit-refusal__icon" />
        <span>{visitErrorText(error, t)}</span>
      </div>
      {offline && bookPath && (
        <Button block color="danger" fill="outline" onClick={() => navigate(bookPath)}>
          {t('visits.h5.bookOffline')}
        </Button>
      )}
    </section>
  );
}

/** Without a doctor or department: online visits start from a doctor's page. */
function ChooseDoctor() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <div className="patient-page" data-testid="new-visit-page">
      <PageHeader title={t('visits.h5.requestTitle')} back="/patient" />
      <section className="booking-card">
        <h2 className="booking-card__title">{t('visits.h5.chooseDoctorTitle')}</h2>
        <ul className="visit-kinds">
          {TYPE_ORDER.map((type) => (
            <li key={type}>
              <div className="visit-kinds__name">{t(`visits.type.${type}`)}</div>
              <div className="visit-kinds__hint">{t(`visits.typeHint.${type}`)}</div>
            </li>
          ))}
        </ul>
        <p className="visit-hint">{t('visits.h5.chooseDoctorDesc')}</p>
      </section>
      <div className="patient-page__actions booking-actions">
        <Button block color="primary" size="large" onClick={() => navigate('/patient/book')}>
          {t('visits.h5.chooseDoctor')}
        </Button>
        <Button block size="large" onClick={() => navigate('/patient/visits')}>
          {t('visits.h5.myVisits')}
        </Button>
      </div>
    </div>
  );
}

/** 在线问诊: who, what kind, the condition and its evidence, the story and pictures, consent; then pay. */
export function NewVisitPage() {
  const [params] = useSearchParams();
  const doctorId = params.get('doctorId');
  const departmentId = params.get('departmentId');
  const appointmentId = params.get('appointmentId');
  if (!doctorId && !departmentId && !appointmentId) return <ChooseDoctor />;
  return (
    <VisitForm
      doctorId={doctorId}
      departmentId={departmentId}
      appointmentId={appointmentId}
      askedType={params.get('type')}
      diagnosisId={params.get('diagnosisId')}
      patientParam={params.get('patient')}
      askedChannel={params.get('channel') === 'video' ? 'video' : null}
    />
  );
}

/**
 * The price before submitting ([8/12]), per channel (图文 / 视频), from the doctor's data (`onlineFees` of
 * GET /doctors/{id}, for the type the doctor page starts with; 复诊 and 首诊 are priced alike). Undefined
 * when the page cannot know it (the server's order is then what the cashier shows).
 */
function feesOf(doctor: Practitioner | undefined, type: VisitType | undefined) {
  const fees = doctor?.onlineFees;
  if (!fees || !type) return undefined;
  const alike = (x: string) => (x === 'follow_up' || x === 'first_visit' ? 'doctor' : x);
  if (alike(fees.type) !== alike(type)) return undefined;
  return { text: fees.textFeeFen, video: fees.videoFeeFen };
}

function VisitForm({
  doctorId: doctorParam,
  departmentId,
  appointmentId,
  askedType,
  diagnosisId,
  patientParam,
  askedChannel,
}: {
  doctorId: string | null;
  departmentId: string | null;
  appointmentId: string | null;
  askedType: string | null;
  /** 复诊续方 from the home page: the diagnosis the follow-up is about, chosen already. */
  diagnosisId: string | null;
  /** `?patient=`: the family member the visit is for (else the current 就诊人 of the account). */
  patientParam: string | null;
  /** `?channel=video`: the doctor page's 视频问诊 button (图文 otherwise). */
  askedChannel: VisitChannel | null;
}) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const appointments = useApiData<Page<Appointment>>(appointmentId ? '/appointments' : null);
  const appointment = appointments.data?.items.find((a) => a.id === appointmentId);
  const doctorId = doctorParam ?? appointment?.doctorId;
  const doctor = useApiData<Practitioner>(doctorId ? `/doctors/${doctorId}` : null).data;
  const onDemand = useApiData<OnDemandStatus>(
    !doctorId && departmentId && !appointmentId ? `/departments/${departmentId}/on-demand` : null,
  ).data;
  const visits = useApiData<VisitPage>(appointmentId ? '/visits' : null).data;

  const types = allowedTypes(doctor, askedType, appointment);
  const [patient, setPatient] = useState<PatientChoice>();
  const [chosenType, setType] = useState<VisitType>();
  const preferred = chosenType ?? typeOfAppointment(appointment) ?? (askedType as VisitType | null);
  const type = preferred && types.includes(preferred) ? preferred : types[0];
  const me = useMe();
  // Whose offline diagnoses a follow-up may rest on: the appointment's patient, else the one chosen.
  const subjectId = appointment?.patientId ?? (patient ? (patient.patientId ?? me.patientId) : undefined);
  const diagnoses = useOfflineDiagnoses(type === 'follow_up' ? subjectId : undefined);
  // The condition: one of the patient's own records, or (without one) a code with a document.
  const [recordId, setRecordId] = useState<string>();
  const [otherCode, setOtherCode] = useState('');
  const record = diagnoses.items?.find((d) => d.id === recordId);
  const conditionCode = record ? record.icd10 : otherCode.trim().toUpperCase();
  const pickRecord = (d: OfflineDiagnosisView) => {
    setRecordId(d.id);
    setOtherCode('');
  };
  const pickOther = (code: string) => {
    setOtherCode(code);
    setRecordId(undefined);
  };
  const [evidence, setEvidence] = useState<ImageUploadItem[]>([]);
  const [description, setDescription] = useState('');
  const [photos, setPhotos] = useState<ImageUploadItem[]>([]);
  const [chosenChannel, setChannel] = useState<VisitChannel>();
  const channel = chosenChannel ?? askedChannel ?? (appointment?.mode === 'video' ? 'video' : 'text');
  const [consent, setConsent] = useState(false);
  const [uploading, setUploading] = useState({ evidence: false, photos: false });
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const onPatient = useCallback((choice: PatientChoice) => setPatient(choice), []);

  // The 就诊人 the page was opened for (?patient=, else the account's current one), once dependents load.
  const { prefs } = usePreferences();
  const wanted = patientParam ?? prefs?.currentPatientId ?? null;
  const dependents = useApiData<Page<Dependent>>(wanted && !appointmentId ? '/me/dependents' : null).data;
  const patientApplied = useRef(false);
  useEffect(() => {
    if (patientApplied.current || !wanted || !dependents) return;
    patientApplied.current = true;
    const d = dependents.items.find((x) => x.patientId === wanted && x.status === 'active');
    if (d) setPatient({ key: d.patientId, patientId: d.patientId, name: d.name });
  }, [wanted, dependents]);

  // The diagnosis 复诊续方 came with, chosen once the patient's records are in.
  const diagnosisApplied = useRef(false);
  useEffect(() => {
    if (diagnosisApplied.current || !diagnosisId || !diagnoses.items) return;
    const d = diagnoses.items.find((x) => x.id === diagnosisId);
    if (!d) return;
    diagnosisApplied.current = true;
    setRecordId(d.id);
  }, [diagnosisId, diagnoses.items]);
  const fees = appointment ? undefined : feesOf(doctor, type);
  const recordCategories = unique(diagnoses.items ?? []).map((d) => d.icd10.slice(0, 3));

  // An appointment's visit exists once: open it rather than asking again.
  const existing = visits?.items.find((v) => v.appointmentId === appointmentId);
  useEffect(() => {
    if (existing) navigate(`/patient/visits/${existing.id}`, { replace: true });
  }, [existing, navigate]);

  const bookPath = doctor ? `/patient/book/${doctor.institution.id}/${doctor.department.id}` : undefined;
  const back = doctorParam
    ? `/patient/doctors/${doctorParam}`
    : appointmentId
      ? `/patient/appointments/${appointmentId}`
      : '/patient/visits';

  function missing(): string | undefined {
    if (type === 'follow_up' && !conditionCode) return t('visits.h5.conditionRequired');
    if (!description.trim()) return t('visits.h5.descriptionRequired');
    if (!consent) return t('visits.h5.consentRequired');
    return undefined;
  }

  async function submit() {
    const problem = missing();
    if (problem) {
      Toast.show({ content: problem });
      return;
    }
    setBusy(true);
    setFailure(undefined);
    const evidenceId = attachmentIds(evidence)[0];
    const body = {
      type,
      ...(appointmentId ? { appointmentId } : doctorId ? { doctorId } : departmentId ? { departmentId } : {}),
      ...(!appointmentId && patient?.patientId ? { patientId: patient.patientId } : {}),
      ...(type === 'follow_up' ? { conditionCode } : {}),
      ...(type === 'follow_up' && !record && evidenceId ? { evidenceAttachmentId: evidenceId } : {}),
      description: description.trim(),
      channel,
      attachmentIds: attachmentIds(photos),
      consent: true,
    };
    let created: CreatedVisit;
    try {
      created = await post<CreatedVisit>('/visits', body);
    } catch (error) {
      setFailure(error);
      setBusy(false);
      return;
    }
    const page = `/patient/visits/${created.id}`;
    if (created.orderId && created.status === 'requested') {
      try {
        await goToCashier(created.orderId, () => navigate(page, { replace: true }));
        return;
      } catch (error) {
        Toast.show({ content: visitErrorText(error, t) });
      }
    }
    navigate(page, { replace: true });
  }

  const loading = (doctorId && !doctor) || (appointmentId && (!appointments.data || !visits));
  const gone = appointmentId && appointments.data && !appointment;

  return (
    <div className="patient-page" data-testid="new-visit-page">
      <PageHeader title={t('visits.h5.requestTitle')} back={back} />
      {gone ? (
        <ErrorBlock className="patient-empty" status="empty" title={t('booking.h5.notFound')} />
      ) : loading ? null : (
        <>
          <section className="booking-card">
            {doctor ? (
              <DoctorSummary doctor={doctor}>
                {appointment && (
                  <div className="visit-from">
                    {t('visits.h5.fromAppointment', {
                      when: formatWindow(appointment.windowStart, appointment.windowEnd, i18n.language),
                    })}
                  </div>
                )}
              </DoctorSummary>
            ) : (
              <div className="visit-ondemand">
                <div className="visit-ondemand__title">{t('visits.h5.onDemand')}</div>
                {onDemand && (
                  <div className="visit-ondemand__meta">
                    {onDemand.open
                      ? t('visits.h5.onDemandOpen', {
                          doctors: onDemand.onlineDoctors,
                          waiting: onDemand.waiting,
                        })
                      : t('visits.h5.onDemandClosed')}
                    {' · '}
                    <strong className="booking-fee">{formatYuan(onDemand.feeFen)}</strong>
                  </div>
                )}
              </div>
            )}
          </section>

          <section className="booking-card">
            <h2 className="booking-card__title">{t('visits.h5.patient')}</h2>
            {appointment ? (
              <div className="visit-patient-fixed">{appointment.patientName}</div>
            ) : (
              <PatientSwitch value={patient} onChange={onPatient} />
            )}
          </section>

          <section className="booking-card">
            <h2 className="booking-card__title">{t('visits.h5.type')}</h2>
            <Selector
              data-testid="visit-type"
              columns={types.length}
              showCheckMark={false}
              value={type ? [type] : []}
              onChange={(keys) => keys[0] && setType(keys[0])}
              options={types.map((value) => ({ value, label: t(`visits.type.${value}`) }))}
            />
            {type && <p className="visit-hint">{t(`visits.typeHint.${type}`)}</p>}
          </section>

          {type === 'follow_up' && (
            <section className="booking-card" data-testid="visit-condition">
              <h2 className="booking-card__title">{t('visits.h5.condition')}</h2>
              <div className="visit-subtitle visit-subtitle--first">{t('visits.h5.records')}</div>
              <p className="visit-hint visit-hint--top">{t('visits.h5.recordsHint')}</p>
              <DiagnosisRecords diagnoses={diagnoses} value={record?.id} onChange={pickRecord} />
              <div className="visit-subtitle visit-subtitle--other">{t('visits.h5.conditionOther')}</div>
              <p className="visit-hint visit-hint--top">{t('visits.h5.conditionHint')}</p>
              <ConditionField value={otherCode} onChange={pickOther} exclude={recordCategories} />
              <div className="visit-subtitle">{t('visits.h5.evidence')}</div>
              <p className="visit-hint visit-hint--top">{t('visits.h5.evidenceHint')}</p>
              <PhotoUploader
                testId="evidence-upload"
                value={evidence}
                onChange={setEvidence}
                maxCount={1}
                onBusy={(b) => setUploading((u) => ({ ...u, evidence: b }))}
              />
            </section>
          )}

          <section className="booking-card">
            <h2 className="booking-card__title">{t('visits.h5.description')}</h2>
            <TextArea
              data-testid="visit-description"
              className="visit-textarea"
              value={description}
              onChange={setDescription}
              placeholder={t('visits.h5.descriptionPlaceholder')}
              autoSize={{ minRows: 4, maxRows: 8 }}
              maxLength={1000}
              showCount
            />
            <div className="visit-subtitle">{t('visits.h5.photos')}</div>
            <p className="visit-hint visit-hint--top">{t('visits.h5.photosHint')}</p>
            <PhotoUploader
              testId="visit-photos"
              value={photos}
              onChange={setPhotos}
              maxCount={MAX_PHOTOS}
              onBusy={(b) => setUploading((u) => ({ ...u, photos: b }))}
            />
          </section>

          <section className="booking-card">
            <h2 className="booking-card__title">{t('visits.h5.channel')}</h2>
            <Selector
              data-testid="visit-channel"
              columns={2}
              showCheckMark={false}
              value={[channel]}
              onChange={(keys) => keys[0] && setChannel(keys[0])}
              options={(['text', 'video'] as const).map((value) => ({
                value,
                label: fees ? (
                  <span className="visit-channel-option">
                    <span>{t(`visits.channel.${value}`)}</span>
                    <strong className="booking-fee" data-testid={`fee-${value}`}>
                      {formatYuan(fees[value])}
                    </strong>
                  </span>
                ) : (
                  t(`visits.channel.${value}`)
                ),
              }))}
            />
          </section>

          <section className="booking-card visit-consent" data-testid="visit-consent">
            <h2 className="booking-card__title">{t('visits.h5.consentTitle')}</h2>
            <div className="visit-consent__text">{t('visits.h5.consentText')}</div>
            <Checkbox
              className="visit-consent__check"
              data-testid="visit-consent-check"
              checked={consent}
              onChange={setConsent}
            >
              {t('visits.h5.consent')}
            </Checkbox>
          </section>

          {(fees || appointment) && (
            <section className="booking-card visit-price" data-testid="visit-price">
              <span>{t('patientHome.visitPrice.chosen')}</span>
              {appointment ? (
                <span>{t('patientHome.visitPrice.fromAppointment')}</span>
              ) : (
                fees && (
                  <strong className="booking-fee visit-price__amount">{formatYuan(fees[channel])}</strong>
                )
              )}
            </section>
          )}

          {failure !== undefined && <Refusal error={failure} bookPath={bookPath} />}

          <div className="patient-page__actions">
            <Button
              block
              color="primary"
              size="large"
              loading={busy}
              disabled={uploading.evidence || uploading.photos}
              onClick={submit}
              data-testid="visit-submit"
            >
              {appointment ? t('visits.h5.submit') : t('visits.h5.submitPay')}
            </Button>
          </div>
        </>
      )}
    </div>
  );
}
