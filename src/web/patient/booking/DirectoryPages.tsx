import { List, SearchBar, Tag } from 'antd-mobile';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { Department, Institution, Practitioner } from '../../../shared/directory.js';
import type { Page } from '../../../shared/http.js';
import { useApiData } from '../../components/useApiData.js';
import { formatDay } from '../../format.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { DoctorSummary } from './DoctorSummary.js';

/** The search box on top of a directory list; searching sends the keyword to the server. */
function DirectorySearch({ placeholder, onSearch }: { placeholder: string; onSearch(q: string): void }) {
  return (
    <div className="booking-search">
      <SearchBar
        placeholder={placeholder}
        onSearch={(value) => onSearch(value.trim())}
        onClear={() => onSearch('')}
        data-testid="directory-search"
      />
    </div>
  );
}

const withQuery = (path: string, q: string) => (q ? `${path}&q=${encodeURIComponent(q)}` : path);

/** 预约挂号, step 1: the hospitals of the region. */
export function InstitutionsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const { data, error } = useApiData<Page<Institution>>(
    withQuery('/institutions?type=hospital&limit=100', q),
  );

  return (
    <div className="patient-page" data-testid="book-institutions">
      <PageHeader
        title={t('booking.h5.title')}
        back="/patient"
        right={
          <button type="button" className="link-button" onClick={() => navigate('/patient/appointments')}>
            {t('booking.h5.myAppointments')}
          </button>
        }
      />
      <DirectorySearch placeholder={t('booking.h5.searchHospital')} onSearch={setQ} />
      <Loadable items={data?.items} error={error} empty={t('booking.h5.noHospital')}>
        {(items) => (
          <List className="patient-list" mode="card" header={t('booking.h5.chooseHospital')}>
            {items.map((item) => (
              <List.Item
                key={item.id}
                data-testid="institution-item"
                description={item.address}
                onClick={() => navigate(`/patient/book/${item.id}`)}
              >
                <span className="directory-name">{item.name}</span>
                {item.level && (
                  <Tag color="primary" fill="outline" className="directory-tag">
                    {t(`booking.level.${item.level}`)}
                  </Tag>
                )}
              </List.Item>
            ))}
          </List>
        )}
      </Loadable>
    </div>
  );
}

/** Step 2: the departments of the chosen hospital. */
export function DepartmentsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { institutionId = '' } = useParams();
  const institution = useApiData<Institution>(`/institutions/${institutionId}`);
  const { data, error } = useApiData<Page<Department>>(
    `/departments?institutionId=${institutionId}&limit=100`,
  );

  return (
    <div className="patient-page" data-testid="book-departments">
      <PageHeader
        title={institution.data?.shortName ?? t('booking.h5.chooseDepartment')}
        back="/patient/book"
      />
      {institution.data && (
        <div className="directory-banner">
          <div className="directory-banner__name">{institution.data.name}</div>
          <div className="directory-banner__meta">{institution.data.address}</div>
        </div>
      )}
      <Loadable items={data?.items} error={error} empty={t('booking.h5.noDepartment')}>
        {(items) => (
          <List className="patient-list" mode="card" header={t('booking.h5.chooseDepartment')}>
            {items.map((item) => (
              <List.Item
                key={item.id}
                data-testid="department-item"
                description={<div className="directory-desc">{item.specialty}</div>}
                onClick={() => navigate(`/patient/book/${institutionId}/${item.id}`)}
              >
                {item.name}
              </List.Item>
            ))}
          </List>
        )}
      </Loadable>
    </div>
  );
}

function NextAvailable({ doctor }: { doctor: Practitioner }) {
  const { t, i18n } = useTranslation();
  const next = doctor.nextAvailable;
  if (!next) return <div className="doctor-next doctor-next--none">{t('booking.h5.noneAvailable')}</div>;
  return (
    <div className="doctor-next">
      {t('booking.h5.nextAvailable', {
        day: formatDay(next.date, i18n.language),
        mode: t(`booking.mode.${next.mode}`),
        count: next.available,
      })}
    </div>
  );
}

/** Step 3: the doctors of the department, with their next bookable day; searchable by name or skill. */
export function DoctorsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { institutionId = '', departmentId = '' } = useParams();
  const [q, setQ] = useState('');
  const departments = useApiData<Page<Department>>(`/departments?institutionId=${institutionId}&limit=100`);
  const department = departments.data?.items.find((d) => d.id === departmentId);
  const { data, error } = useApiData<Page<Practitioner>>(
    withQuery(`/doctors?departmentId=${departmentId}&limit=100`, q),
  );

  return (
    <div className="patient-page" data-testid="book-doctors">
      <PageHeader
        title={department?.name ?? t('booking.h5.chooseDoctor')}
        back={`/patient/book/${institutionId}`}
      />
      <DirectorySearch placeholder={t('booking.h5.searchDoctor')} onSearch={setQ} />
      <Loadable items={data?.items} error={error} empty={t('booking.h5.noDoctor')}>
        {(items) => (
          <List className="patient-list doctor-list" mode="card">
            {items.map((doctor) => (
              <List.Item
                key={doctor.id}
                data-testid="doctor-item"
                onClick={() => navigate(`/patient/doctors/${doctor.id}`)}
              >
                <DoctorSummary doctor={doctor}>
                  <div className="doctor-specialty">
                    {t('booking.h5.specialty', { specialty: doctor.specialty })}
                  </div>
                  <NextAvailable doctor={doctor} />
                </DoctorSummary>
              </List.Item>
            ))}
          </List>
        )}
      </Loadable>
    </div>
  );
}
