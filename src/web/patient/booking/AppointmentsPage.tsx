import { List } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { Page } from '../../../shared/http.js';
import type { Appointment } from '../../../shared/scheduling.js';
import { useApiData } from '../../components/useApiData.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { AppointmentCard } from './AppointmentParts.js';
import { WaitlistSection } from './WaitlistSection.js';

/** 我的预约: mine and my dependents', latest visit first; waiting 候补 entries above them. */
export function AppointmentsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { data, error } = useApiData<Page<Appointment>>('/appointments');

  return (
    <div className="patient-page" data-testid="appointments-page">
      <PageHeader
        title={t('booking.h5.myAppointments')}
        back="/patient/mine"
        right={
          <button type="button" className="link-button" onClick={() => navigate('/patient/book')}>
            {t('booking.h5.bookMore')}
          </button>
        }
      />
      <WaitlistSection />
      <Loadable
        items={data?.items}
        error={error}
        empty={t('booking.h5.noAppointments')}
        emptyDesc={t('booking.h5.noAppointmentsDesc')}
      >
        {(items) => (
          <List className="patient-list appointment-list" mode="card">
            {items.map((item) => (
              <AppointmentCard
                key={item.id}
                appointment={item}
                onOpen={() => navigate(`/patient/appointments/${item.id}`)}
              />
            ))}
          </List>
        )}
      </Loadable>
    </div>
  );
}
