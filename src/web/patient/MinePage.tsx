import { Avatar, Button, Dialog, List, Selector, Switch } from 'antd-mobile';
import {
  BankcardOutline,
  CalendarOutline,
  EnvironmentOutline,
  ExclamationCircleOutline,
  FileOutline,
  HeartOutline,
  MessageOutline,
  PayCircleOutline,
  ReceiptOutline,
  ScanningOutline,
  TeamOutline,
  UserContactOutline,
  UserOutline,
} from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useAuth, useMe } from '../auth.js';
import { currentLanguage, type Language, setLanguage } from '../i18n/index.js';
import { useElderlyModeSetting } from './elderlyMode.js';

export function MinePage() {
  const { t } = useTranslation();
  const me = useMe();
  const { logout } = useAuth();
  const navigate = useNavigate();
  const [elderlyMode, setElderlyMode] = useElderlyModeSetting();

  async function confirmLogout() {
    const ok = await Dialog.confirm({
      content: t('common.logoutConfirm'),
      confirmText: t('common.logout'),
      cancelText: t('common.cancel'),
    });
    if (ok) await logout();
  }

  return (
    <div className="patient-page" data-testid="patient-mine">
      <header className="mine-profile">
        <Avatar
          src=""
          className="mine-profile__avatar"
          fallback={me.name ? <span>{me.name.slice(-2)}</span> : <UserOutline />}
        />
        <div>
          <div className="mine-profile__name" data-testid="user-name">
            {me.name || t('patient.mine.unnamed')}
          </div>
          <div className="mine-profile__phone" data-testid="masked-phone">
            {me.phone}
          </div>
        </div>
      </header>

      <List className="patient-list" mode="card">
        <List.Item
          prefix={<CalendarOutline />}
          onClick={() => navigate('/patient/appointments')}
          data-testid="mine-appointments"
        >
          {t('booking.h5.myAppointments')}
        </List.Item>
        <List.Item
          prefix={<MessageOutline />}
          onClick={() => navigate('/patient/visits')}
          data-testid="mine-visits"
        >
          {t('visits.h5.myVisits')}
        </List.Item>
        <List.Item
          prefix={<ReceiptOutline />}
          onClick={() => navigate('/patient/prescriptions')}
          data-testid="mine-prescriptions"
        >
          {t('rxPatient.mine.prescriptions')}
        </List.Item>
        <List.Item
          prefix={<FileOutline />}
          onClick={() => navigate('/patient/records')}
          data-testid="mine-records"
        >
          {t('recordsPatient.mine.records')}
        </List.Item>
        <List.Item
          prefix={<HeartOutline />}
          onClick={() => navigate('/patient/family-doctor')}
          data-testid="mine-family-doctor"
        >
          {t('fdResident.titles.overview')}
        </List.Item>
        <List.Item
          prefix={<ScanningOutline />}
          onClick={() => navigate('/patient/health-card')}
          data-testid="mine-health-card"
        >
          {t('healthCard.mine.healthCard')}
        </List.Item>
        <List.Item
          prefix={<PayCircleOutline aria-hidden />}
          onClick={() => navigate('/patient/orders')}
          data-testid="mine-orders"
        >
          {t('orders.mine.orders')}
        </List.Item>
        <List.Item
          prefix={<BankcardOutline />}
          onClick={() => navigate('/patient/insurance')}
          data-testid="mine-insurance"
        >
          {t('insurancePatient.mine.insurance')}
        </List.Item>
        <List.Item
          prefix={<EnvironmentOutline />}
          onClick={() => navigate('/patient/addresses')}
          data-testid="mine-addresses"
        >
          {t('rxPatient.mine.addresses')}
        </List.Item>
        <List.Item
          prefix={<ExclamationCircleOutline />}
          onClick={() => navigate('/patient/allergies')}
          data-testid="mine-allergies"
        >
          {t('rxPatient.mine.allergies')}
        </List.Item>
        <List.Item
          prefix={<UserContactOutline />}
          extra={me.realNameVerified ? t('patient.home.verified') : t('patient.home.unverified')}
          onClick={() => navigate('/patient/real-name')}
        >
          {t('patient.mine.realName')}
        </List.Item>
        <List.Item prefix={<TeamOutline />} onClick={() => navigate('/patient/dependents')}>
          {t('patient.mine.dependents')}
        </List.Item>
      </List>

      <List className="patient-list" mode="card" header={t('patient.mine.settings')}>
        <List.Item
          extra={
            <Selector<Language>
              className="lang-selector"
              data-testid="lang-switch"
              columns={2}
              showCheckMark={false}
              value={[currentLanguage()]}
              onChange={(value) => value[0] && setLanguage(value[0])}
              options={[
                { label: t('lang.zh'), value: 'zh-CN' },
                { label: t('lang.en'), value: 'en-US' },
              ]}
            />
          }
        >
          {t('patient.mine.language')}
        </List.Item>
        <List.Item
          description={t('patient.mine.elderlyModeDesc')}
          extra={<Switch checked={elderlyMode} onChange={setElderlyMode} data-testid="elderly-mode" />}
        >
          {t('patient.mine.elderlyMode')}
        </List.Item>
        <List.Item
          description={t('privacyPatient.mine.entryDesc')}
          onClick={() => navigate('/patient/account/deletion')}
          data-testid="mine-account-deletion"
        >
          {t('privacyPatient.mine.entry')}
        </List.Item>
      </List>

      <div className="patient-page__actions">
        <Button block size="large" color="danger" fill="outline" onClick={confirmLogout} data-testid="logout">
          {t('common.logout')}
        </Button>
      </div>
    </div>
  );
}
