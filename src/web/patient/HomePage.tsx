import { ActionSheet, Button, Dialog, Grid, NoticeBar, Tag } from 'antd-mobile';
import {
  CalendarOutline,
  ExclamationCircleOutline,
  FileOutline,
  HeartOutline,
  ReceiptOutline,
  RightOutline,
  SearchOutline,
  TeamOutline,
  UnorderedListOutline,
  UserContactOutline,
  VideoOutline,
} from 'antd-mobile-icons';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { DoctorSeen, DoctorsSeenPage } from '../../shared/doctors-seen.js';
import type { Page } from '../../shared/http.js';
import type { Dependent } from '../../shared/identity.js';
import type { Appointment } from '../../shared/scheduling.js';
import type { VisitPage, VisitView } from '../../shared/visits.js';
import { useMe } from '../auth.js';
import { useApiData } from '../components/useApiData.js';
import { formatDay, formatWindow, formatYuan, shanghaiDate } from '../format.js';
import type { Messages } from '../i18n/zh-CN.js';
import { displayTitle, institutionDisplayName } from '../names.js';
import { savePreferences, useElderlyModeSetting, usePreferences } from './elderlyMode.js';
import './home.css';

type ServiceKey = keyof Messages['patient']['home'] &
  ('book' | 'followUp' | 'prescriptions' | 'records' | 'reports' | 'familyDoctor' | 'dependents');

/**
 * The service tiles. `forPatient`: the page takes `?patient=` and opens for the current 就诊人. A tile
 * without a path is a feature still to come: it says so on the tile (即将上线) before it is tapped.
 */
const SERVICES: { key: ServiceKey; icon: ReactNode; color: string; path?: string; forPatient?: boolean }[] = [
  { key: 'book', icon: <CalendarOutline />, color: '#0c7a7c', path: '/patient/book' },
  {
    key: 'followUp',
    icon: <VideoOutline />,
    color: '#2f6fdb',
    path: '/patient/visits/new',
    forPatient: true,
  },
  { key: 'prescriptions', icon: <ReceiptOutline />, color: '#b35c00', path: '/patient/prescriptions' },
  { key: 'records', icon: <FileOutline />, color: '#6941c6', path: '/patient/records', forPatient: true },
  {
    key: 'reports',
    icon: <UnorderedListOutline />,
    color: '#0e7090',
    path: '/patient/records/reports',
    forPatient: true,
  },
  {
    key: 'familyDoctor',
    icon: <UserContactOutline />,
    color: '#c4320a',
    path: '/patient/family-doctor',
    forPatient: true,
  },
  { key: 'dependents', icon: <TeamOutline />, color: '#087443', path: '/patient/dependents' },
];

export function isServiceKey(key: string | undefined): key is ServiceKey {
  return SERVICES.some((service) => service.key === key);
}

const OPEN_VISITS: readonly string[] = ['requested', 'paid', 'waiting', 'in_progress'];
const UPCOMING_APPOINTMENTS: readonly string[] = ['pending_payment', 'confirmed', 'checked_in'];

/** The current 就诊人: oneself (no `?patient=`) or a family member the account acts for (ID-6). */
function useCurrentPatient() {
  const me = useMe();
  const { prefs, setCurrentPatient } = usePreferences();
  const dependents = useApiData<Page<Dependent>>('/me/dependents').data?.items.filter(
    (d) => d.status === 'active',
  );
  const chosen = prefs?.currentPatientId
    ? dependents?.find((d) => d.patientId === prefs.currentPatientId)
    : undefined;
  const patientId = chosen?.patientId ?? me.patientId;
  return {
    patientId,
    name: chosen?.name ?? me.name,
    dependent: chosen,
    dependents: dependents ?? [],
    /** `?patient=` for pages that act for the current 就诊人, empty for oneself. */
    query: chosen ? `patient=${chosen.patientId}` : '',
    setCurrentPatient,
  };
}

type Current = ReturnType<typeof useCurrentPatient>;

function withQuery(path: string, query: string): string {
  if (!query) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

/** 当前就诊人: a chip in the hero; a tap lists oneself and the family members to act for. */
function PatientChip({ current }: { current: Current }) {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const relation = current.dependent
    ? t(`patient.relationship.${current.dependent.relationship}`)
    : t('patientHome.self');
  return (
    <>
      <button
        type="button"
        className="home-patient"
        onClick={() => setOpen(true)}
        data-testid="current-patient"
      >
        <span className="home-patient__label">{t('patientHome.currentPatient')}</span>
        <span className="home-patient__name">
          {current.name}（{relation}）
        </span>
        <RightOutline aria-hidden />
      </button>
      <ActionSheet
        visible={open}
        onClose={() => setOpen(false)}
        extra={t('patientHome.switchTitle')}
        cancelText={t('common.cancel')}
        actions={[
          ...(me.patientId ? [{ key: '', text: `${me.name}（${t('patientHome.self')}）` }] : []),
          ...current.dependents.map((d) => ({
            key: d.patientId,
            text: `${d.name}（${t(`patient.relationship.${d.relationship}`)}）`,
          })),
          { key: 'manage', text: t('patientHome.manageDependents') },
        ]}
        onAction={(action) => {
          setOpen(false);
          if (action.key === 'manage') navigate('/patient/dependents');
          else void current.setCurrentPatient(action.key ? String(action.key) : null);
        }}
      />
    </>
  );
}

/** 待就诊: the current 就诊人's open online visit, else their next appointment; a tap opens it. */
function UpcomingCard({ current }: { current: Current }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const appointments = useApiData<Page<Appointment>>('/appointments').data;
  const visits = useApiData<VisitPage>('/visits').data;
  const today = shanghaiDate();
  const visit: VisitView | undefined = visits?.items.find(
    (v) => v.patientId === current.patientId && OPEN_VISITS.includes(v.status),
  );
  const appointment = appointments?.items
    .filter(
      (a) => a.patientId === current.patientId && UPCOMING_APPOINTMENTS.includes(a.status) && a.date >= today,
    )
    .sort((a, b) => a.windowStart.localeCompare(b.windowStart))[0];
  if (!appointments || !visits) return null;

  return (
    <section className="patient-card home-upcoming" aria-labelledby="home-upcoming-title">
      <h2 className="patient-card__title" id="home-upcoming-title">
        {t('patientHome.upcoming')}
      </h2>
      {visit ? (
        <button
          type="button"
          className="home-upcoming__item"
          onClick={() => navigate(`/patient/visits/${visit.id}`)}
          data-testid="upcoming"
        >
          <span className="home-upcoming__main">
            <span className="home-upcoming__title">
              {t('patientHome.upcomingVisit', { doctor: visit.doctorName ?? visit.departmentName })}
            </span>
            <span className="home-upcoming__meta">{institutionDisplayName(visit, i18n.language)}</span>
          </span>
          <Tag color="primary" fill="outline">
            {t(`patientHome.visitStatus.${visit.status as 'paid'}`)}
          </Tag>
        </button>
      ) : appointment ? (
        <button
          type="button"
          className="home-upcoming__item"
          onClick={() => navigate(`/patient/appointments/${appointment.id}`)}
          data-testid="upcoming"
        >
          <span className="home-upcoming__main">
            <span className="home-upcoming__title">
              {t('patientHome.upcomingAppointment', {
                doctor: appointment.doctorName,
                department: appointment.departmentName,
              })}
            </span>
            <span className="home-upcoming__meta">
              {formatWindow(appointment.windowStart, appointment.windowEnd, i18n.language)}
            </span>
            <span className="home-upcoming__meta">{institutionDisplayName(appointment, i18n.language)}</span>
          </span>
          <Tag color="primary" fill="outline">
            {t(`patientHome.appointmentStatus.${appointment.status as 'confirmed'}`)}
          </Tag>
        </button>
      ) : (
        <p className="home-muted" data-testid="upcoming-none">
          {t('patientHome.upcomingNone')}
        </p>
      )}
    </section>
  );
}

/** The visit form a 复诊续方 opens: this doctor, a follow-up, the newest diagnosis chosen, the 就诊人 set. */
export function followUpPath(doctor: DoctorSeen, query: string): string {
  const diagnosis = doctor.diagnoses[0];
  return withQuery(
    `/patient/visits/new?doctorId=${doctor.doctorId}&type=follow_up${diagnosis ? `&diagnosisId=${diagnosis.id}` : ''}`,
    query,
  );
}

/** 我看过的医生: each with its diagnosis, 复诊续方 (with the price) and 再次预约 (on the next bookable day). */
function DoctorsSeenCard({ current }: { current: Current }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const path = current.patientId ? `/me/doctors?patientId=${current.patientId}` : null;
  const { data } = useApiData<DoctorsSeenPage>(path);
  if (!path || !data) return null;

  return (
    <section className="patient-card home-seen" aria-labelledby="home-seen-title" data-testid="doctors-seen">
      <h2 className="patient-card__title" id="home-seen-title">
        {t('patientHome.seenTitle')}
      </h2>
      {data.items.length === 0 && <p className="home-muted">{t('patientHome.seenEmpty')}</p>}
      <ul className="home-seen__list">
        {data.items.map((d) => {
          const followUp = d.onlineFollowUp && d.diagnoses.length > 0 ? d.onlineFollowUp : null;
          return (
            <li key={d.doctorId} className="home-seen__doctor" data-testid="seen-doctor" data-name={d.name}>
              <div className="home-seen__head">
                <span className="home-seen__name">{d.name}</span>
                <span className="home-seen__title">{displayTitle(d.professionalTitle, i18n.language)}</span>
              </div>
              <div className="home-seen__meta">
                {d.institutionName} · {d.departmentName}
              </div>
              {d.diagnoses.length > 0 && (
                <div className="home-seen__diagnoses">
                  {d.diagnoses.map((x) => (
                    <Tag key={x.id} className="home-seen__diagnosis" fill="outline">
                      {x.name}
                    </Tag>
                  ))}
                </div>
              )}
              <div className="home-seen__meta">
                {t('patientHome.seenOn', { date: formatDay(d.lastSeenOn, i18n.language) })}
                {' · '}
                {d.nextAvailable
                  ? t('patientHome.nextAvailable', { date: formatDay(d.nextAvailable.date, i18n.language) })
                  : t('patientHome.noneAvailable')}
              </div>
              <div className="home-seen__actions">
                {followUp && (
                  <Button
                    color="primary"
                    onClick={() => navigate(followUpPath(d, current.query))}
                    data-testid="seen-follow-up"
                  >
                    {t('patientHome.followUpPrice', { price: formatYuan(followUp.textFeeFen) })}
                  </Button>
                )}
                {d.bookable && (
                  <Button
                    color="primary"
                    fill={followUp ? 'outline' : 'solid'}
                    onClick={() =>
                      navigate(
                        `/patient/doctors/${d.doctorId}${d.nextAvailable ? `?date=${d.nextAvailable.date}` : ''}`,
                      )
                    }
                    data-testid="seen-book"
                  >
                    {t('patientHome.bookAgain')}
                  </Button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** 搜索 and 智能导诊: the two ways in when one does not know the doctor. */
function FindEntries() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <div className="home-find">
      <button
        type="button"
        className="home-find__search"
        onClick={() => navigate('/patient/search')}
        data-testid="home-search"
      >
        <SearchOutline aria-hidden />
        <span>{t('patientHome.searchPlaceholder')}</span>
      </button>
      <button
        type="button"
        className="home-find__triage"
        onClick={() => navigate('/patient/triage')}
        data-testid="home-triage"
      >
        <HeartOutline aria-hidden className="home-find__triage-icon" />
        <span className="home-find__triage-text">
          <span className="home-find__triage-title">{t('patientHome.triage')}</span>
          <span className="home-find__triage-desc">{t('patientHome.triageDesc')}</span>
        </span>
        <RightOutline aria-hidden />
      </button>
    </div>
  );
}

/** 长辈模式's home: three big buttons, nothing else to choose from first. */
function ElderlyButtons({ current }: { current: Current }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const buttons = [
    { key: 'book', icon: <CalendarOutline />, path: '/patient/book' },
    { key: 'visit', icon: <VideoOutline />, path: withQuery('/patient/visits/new', current.query) },
    { key: 'family', icon: <TeamOutline />, path: '/patient/dependents' },
  ] as const;
  return (
    <nav className="elderly-home" aria-label={t('patient.home.services')} data-testid="elderly-home">
      {buttons.map((b) => (
        <button
          key={b.key}
          type="button"
          className={`elderly-home__button elderly-home__button--${b.key}`}
          onClick={() => navigate(b.path)}
          data-testid={`elderly-${b.key}`}
        >
          <span className="elderly-home__icon" aria-hidden>
            {b.icon}
          </span>
          <span className="elderly-home__text">
            <span className="elderly-home__label">{t(`patientHome.elderly.${b.key}`)}</span>
            <span className="elderly-home__desc">{t(`patientHome.elderly.${b.key}Desc`)}</span>
          </span>
        </button>
      ))}
    </nav>
  );
}

/** Asks once, on the first home visit of an account from 65: "是否开启长辈模式？"; the answer is kept. */
function useAskElderlyMode() {
  const { t } = useTranslation();
  const { prefs } = usePreferences();
  const asked = useRef(false);
  useEffect(() => {
    if (!prefs?.askElderlyMode || asked.current) return;
    asked.current = true;
    Dialog.show({
      title: t('patientHome.elderly.askTitle'),
      content: t('patientHome.elderly.askContent'),
      closeOnAction: true,
      actions: [
        [
          { key: 'no', text: t('patientHome.elderly.askNo') },
          { key: 'yes', text: t('patientHome.elderly.askYes'), bold: true },
        ],
      ],
      onAction: (action) => savePreferences({ elderlyMode: action.key === 'yes' }),
    });
  }, [prefs?.askElderlyMode, t]);
}

export function HomePage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const [elderly] = useElderlyModeSetting();
  const current = useCurrentPatient();
  useAskElderlyMode();

  return (
    <div data-testid="patient-home" className={`patient-home${elderly ? ' patient-home--elderly' : ''}`}>
      <header className="patient-hero">
        <h1 className="patient-hero__greeting" data-testid="user-name">
          {me.name ? t('patient.home.greeting', { name: me.name }) : t('patient.home.greetingAnonymous')}
        </h1>
        <Tag
          className="patient-hero__status"
          color={me.realNameVerified ? 'success' : 'warning'}
          fill="solid"
          round
          onClick={() => navigate('/patient/real-name')}
          data-testid="real-name-status"
        >
          {me.realNameVerified ? t('patient.home.verified') : t('patient.home.unverified')}
        </Tag>
        {current.patientId && <PatientChip current={current} />}
        {!elderly && (
          <div className="patient-hero__banner">
            <div className="patient-hero__banner-title">{t('patient.home.bannerTitle')}</div>
            <div className="patient-hero__banner-desc">{t('patient.home.bannerDesc')}</div>
          </div>
        )}
      </header>

      {!me.realNameVerified && (
        <NoticeBar
          className="patient-home__notice"
          color="alert"
          content={t('patient.home.verifyTip')}
          extra={
            <button type="button" className="link-button" onClick={() => navigate('/patient/real-name')}>
              {t('patient.home.goVerify')}
            </button>
          }
          wrap
        />
      )}

      {elderly ? <ElderlyButtons current={current} /> : <FindEntries />}

      <UpcomingCard current={current} />
      <DoctorsSeenCard current={current} />

      {!elderly && (
        <section className="patient-card" aria-labelledby="home-services-title">
          <h2 className="patient-card__title" id="home-services-title">
            {t('patient.home.services')}
          </h2>
          <Grid columns={3} gap={8}>
            {SERVICES.map((service) => (
              <Grid.Item key={service.key}>
                <button
                  type="button"
                  className="service-entry"
                  data-testid={`service-${service.key}`}
                  onClick={() =>
                    navigate(
                      service.path
                        ? service.forPatient
                          ? withQuery(service.path, current.query)
                          : service.path
                        : `/patient/coming-soon/${service.key}`,
                    )
                  }
                >
                  <span className="service-entry__icon" style={{ color: service.color }} aria-hidden>
                    {service.icon}
                  </span>
                  <span className="service-entry__label">{t(`patient.home.${service.key}`)}</span>
                  {!service.path && (
                    <span className="service-entry__soon" data-testid={`soon-${service.key}`}>
                      {t('patientHome.comingSoon')}
                    </span>
                  )}
                </button>
              </Grid.Item>
            ))}
          </Grid>
        </section>
      )}

      {elderly && <FindEntries />}

      <aside className="patient-tip">
        <ExclamationCircleOutline className="patient-tip__icon" aria-hidden />
        <div>
          <div className="patient-tip__title">{t('patient.home.tipTitle')}</div>
          <div>{t('patient.home.tipEmergency')}</div>
        </div>
      </aside>
    </div>
  );
}
