import { List, SearchBar, Tag } from 'antd-mobile';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { Institution, Practitioner } from '../../../shared/directory.js';
import type { Page } from '../../../shared/http.js';
import type { Schedule } from '../../../shared/scheduling.js';
import { type ClinicDepartmentList, SEARCH_MAX_LENGTH } from '../../../shared/search.js';
import { type SessionState, sessionState } from '../../booking.js';
import { useApiData } from '../../components/useApiData.js';
import { useNow } from '../../components/useNow.js';
import { addDays, formatDay, shanghaiDate } from '../../format.js';
import { displayName } from '../../names.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { DateStrip, type DayMark } from './DateStrip.js';
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

/**
 * The one search box of the booking home: hospitals, departments, doctors (name or pinyin) and conditions.
 * Searching opens the results page (/patient/search?q=).
 */
export function SearchBox({ initial = '', onSearch }: { initial?: string; onSearch(q: string): void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(initial);
  return (
    <div className="booking-search">
      <SearchBar
        value={value}
        onChange={setValue}
        placeholder={t('search.box.placeholder')}
        aria-label={t('search.box.label')}
        maxLength={SEARCH_MAX_LENGTH}
        // antd-mobile's clear control is a div with aria-label and no role (axe: aria-prohibited-attr).
        clearable={false}
        onSearch={(text) => {
          if (text.trim()) onSearch(text.trim());
        }}
        data-testid="search-box"
      />
    </div>
  );
}

/** 预约挂号, step 1: the hospitals of the region, under the search box. */
export function InstitutionsPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { data, error } = useApiData<Page<Institution>>('/institutions?type=hospital&limit=100');

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
      <SearchBox onSearch={(q) => navigate(`/patient/search?q=${encodeURIComponent(q)}`)} />
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
                <span className="directory-name">{displayName(item, i18n.language)}</span>
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
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { institutionId = '' } = useParams();
  const institution = useApiData<Institution>(`/institutions/${institutionId}`);
  // Clinical departments only: 检验科, 药剂科, 影像科 … are not booked (GET /institutions/{id}/clinics).
  const { data, error } = useApiData<ClinicDepartmentList>(`/institutions/${institutionId}/clinics`);

  return (
    <div className="patient-page" data-testid="book-departments">
      <PageHeader
        title={
          institution.data
            ? displayName(institution.data, i18n.language, true)
            : t('booking.h5.chooseDepartment')
        }
        back="/patient/book"
      />
      {institution.data && (
        <div className="directory-banner">
          <div className="directory-banner__name">{displayName(institution.data, i18n.language)}</div>
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
                description={
                  <DepartmentMeta doctorCount={item.doctorCount} doctorsToday={item.doctorsToday} />
                }
                onClick={() => navigate(`/patient/book/${institutionId}/${item.id}`)}
              >
                {displayName(item, i18n.language)}
              </List.Item>
            ))}
          </List>
        )}
      </Loadable>
    </div>
  );
}

/** What a department offers: how many doctors, and whether any sees patients today. */
export function DepartmentMeta({ doctorCount, doctorsToday }: { doctorCount: number; doctorsToday: number }) {
  const { t } = useTranslation();
  return (
    <div className="directory-desc">
      {t('search.department.doctors', { count: doctorCount })}
      {' · '}
      <span className={doctorsToday > 0 ? 'directory-today' : undefined}>
        {doctorsToday > 0
          ? t('search.department.today', { count: doctorsToday })
          : t('search.department.noneToday')}
      </span>
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

/** Tokens are released 7 days ahead by default, so a week is what 按日期挂号 offers. */
const DAYS_SHOWN = 7;

const STATE_RANK: SessionState[] = ['bookable', 'not_released', 'full', 'stopped', 'past'];

/** The best a doctor's sessions of a day offer, and the free tokens of the bookable ones. */
function dayState(sessions: Schedule[], now: Date): { state: SessionState; available: number } | null {
  if (sessions.length === 0) return null;
  const states = sessions.map((s) => sessionState(s, now));
  const state = STATE_RANK.find((r) => states.includes(r)) ?? 'past';
  const available = sessions.filter((_, i) => states[i] === 'bookable').reduce((n, s) => n + s.available, 0);
  return { state, available };
}

const MARK_OF: Record<SessionState, DayMark> = {
  bookable: 'available',
  not_released: 'soon',
  full: 'full',
  stopped: 'none',
  past: 'none',
};

/** 有号 n / 约满 / 待放号 of a doctor on the chosen day. */
function DayAvailability({ day }: { day: { state: SessionState; available: number } }) {
  const { t } = useTranslation();
  const label =
    day.state === 'bookable'
      ? t('search.byDate.available', { count: day.available })
      : t(`search.byDate.${day.state === 'not_released' ? 'soon' : day.state}`);
  return (
    <Tag
      className="day-availability"
      color={day.state === 'bookable' ? 'success' : 'default'}
      fill="outline"
      data-testid="day-availability"
    >
      {label}
    </Tag>
  );
}

/** 按日期挂号: a date strip, and the department's doctors who see patients that day. */
function DoctorsByDate({ departmentId }: { departmentId: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const now = useNow(true, 30_000);
  const today = shanghaiDate(now);
  const days = Array.from({ length: DAYS_SHOWN }, (_, i) => addDays(today, i));
  const schedules = useApiData<Page<Schedule>>(
    `/schedules?departmentId=${departmentId}&from=${today}&to=${days[days.length - 1]}`,
  );
  const items = schedules.data?.items ?? [];
  const marks: Record<string, DayMark> = {};
  for (const day of days) {
    const best = dayState(
      items.filter((s) => s.date === day),
      now,
    );
    marks[day] = best ? MARK_OF[best.state] : 'none';
  }
  const selected =
    params.get('date') ??
    days.find((d) => marks[d] === 'available') ??
    days.find((d) => marks[d] !== 'none') ??
    today;
  const doctors = useApiData<Page<Practitioner>>(
    `/doctors?departmentId=${departmentId}&date=${selected}&limit=100`,
  );

  return (
    <section className="booking-card" data-testid="doctors-by-date">
      <DateStrip
        days={days}
        today={today}
        selected={selected}
        marks={marks}
        onSelect={(day) => setParams({ view: 'date', date: day }, { replace: true })}
      />
      <Loadable items={doctors.data?.items} error={doctors.error} empty={t('search.byDate.noDoctor')}>
        {(list) => (
          <List className="doctor-list">
            {list.map((doctor) => {
              const day = dayState(
                items.filter((s) => s.doctorId === doctor.id && s.date === selected),
                now,
              );
              return (
                <List.Item
                  key={doctor.id}
                  data-testid="date-doctor-item"
                  onClick={() => navigate(`/patient/doctors/${doctor.id}?date=${selected}`)}
                >
                  <DoctorSummary doctor={doctor}>
                    <div className="doctor-specialty">
                      {t('booking.h5.specialty', { specialty: doctor.specialty })}
                    </div>
                    {day && <DayAvailability day={day} />}
                  </DoctorSummary>
                </List.Item>
              );
            })}
          </List>
        )}
      </Loadable>
    </section>
  );
}

/**
 * Step 3: the doctors of the department — by doctor (with their next bookable day; searchable by name or
 * skill) or by date (按日期挂号).
 */
export function DoctorsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { institutionId = '', departmentId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const byDate = params.get('view') === 'date';
  const [q, setQ] = useState('');
  const departments = useApiData<ClinicDepartmentList>(`/institutions/${institutionId}/clinics`);
  const department = departments.data?.items.find((d) => d.id === departmentId);
  const { data, error } = useApiData<Page<Practitioner>>(
    byDate ? null : withQuery(`/doctors?departmentId=${departmentId}&limit=100`, q),
  );

  return (
    <div className="patient-page" data-testid="book-doctors">
      <PageHeader
        title={department?.name ?? t('booking.h5.chooseDoctor')}
        back={`/patient/book/${institutionId}`}
      />
      <fieldset className="view-switch" aria-label={t('search.byDate.viewLabel')}>
        {(['doctor', 'date'] as const).map((view) => (
          <button
            key={view}
            type="button"
            className={`view-switch__option${(view === 'date') === byDate ? ' view-switch__option--active' : ''}`}
            aria-pressed={(view === 'date') === byDate}
            onClick={() => setParams(view === 'date' ? { view: 'date' } : {}, { replace: true })}
            data-testid={`view-${view}`}
          >
            {t(view === 'date' ? 'search.byDate.byDate' : 'search.byDate.byDoctor')}
          </button>
        ))}
      </fieldset>
      {byDate ? (
        <DoctorsByDate departmentId={departmentId} />
      ) : (
        <>
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
        </>
      )}
    </div>
  );
}
