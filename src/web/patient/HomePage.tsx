import { Grid, NoticeBar, Tag } from 'antd-mobile';
import {
  CalendarOutline,
  ExclamationCircleOutline,
  FileOutline,
  ReceiptOutline,
  TeamOutline,
  UserContactOutline,
  VideoOutline,
} from 'antd-mobile-icons';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useMe } from '../auth.js';
import type { Messages } from '../i18n/zh-CN.js';
import './home.css';

type ServiceKey = keyof Messages['patient']['home'] &
  ('book' | 'followUp' | 'prescriptions' | 'records' | 'reports' | 'familyDoctor' | 'dependents');

/** Entries whose feature exists have a path; the others open the 即将上线 page. */
const SERVICES: { key: ServiceKey; icon: ReactNode; color: string; path?: string }[] = [
  { key: 'book', icon: <CalendarOutline />, color: '#0c7a7c', path: '/patient/book' },
  { key: 'followUp', icon: <VideoOutline />, color: '#3478f6', path: '/patient/visits/new' },
  { key: 'prescriptions', icon: <ReceiptOutline />, color: '#f08c2e', path: '/patient/prescriptions' },
  { key: 'records', icon: <FileOutline />, color: '#7a5af8', path: '/patient/records' },
  { key: 'familyDoctor', icon: <UserContactOutline />, color: '#e5484d' },
  { key: 'dependents', icon: <TeamOutline />, color: '#14a06b', path: '/patient/dependents' },
];

export function isServiceKey(key: string | undefined): key is ServiceKey {
  return SERVICES.some((service) => service.key === key);
}

export function HomePage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();

  return (
    <div data-testid="patient-home" className="patient-home">
      <header className="patient-hero">
        <div className="patient-hero__greeting" data-testid="user-name">
          {me.name ? t('patient.home.greeting', { name: me.name }) : t('patient.home.greetingAnonymous')}
        </div>
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
        <div className="patient-hero__banner">
          <div className="patient-hero__banner-title">{t('patient.home.bannerTitle')}</div>
          <div className="patient-hero__banner-desc">{t('patient.home.bannerDesc')}</div>
        </div>
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

      <section className="patient-card">
        <h2 className="patient-card__title">{t('patient.home.services')}</h2>
        <Grid columns={3} gap={8}>
          {SERVICES.map((service) => (
            <Grid.Item
              key={service.key}
              className="service-entry"
              data-testid={`service-${service.key}`}
              onClick={() => navigate(service.path ?? `/patient/coming-soon/${service.key}`)}
            >
              <span className="service-entry__icon" style={{ color: service.color }}>
                {service.icon}
              </span>
              <span className="service-entry__label">{t(`patient.home.${service.key}`)}</span>
            </Grid.Item>
          ))}
        </Grid>
      </section>

      <aside className="patient-tip">
        <ExclamationCircleOutline className="patient-tip__icon" />
        <div>
          <div className="patient-tip__title">{t('patient.home.tipTitle')}</div>
          <div>{t('patient.home.tipEmergency')}</div>
        </div>
      </aside>
    </div>
  );
}
