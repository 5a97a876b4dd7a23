import { Button, ErrorBlock, List, Tag } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { ClinicDepartment, SearchDoctor, SearchResult } from '../../../shared/search.js';
import { useApiData } from '../../components/useApiData.js';
import { formatDay } from '../../format.js';
import { displayName, displayTitle } from '../../names.js';
import { DepartmentMeta, SearchBox } from '../booking/DirectoryPages.js';
import { DoctorAvatar } from '../booking/DoctorSummary.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import './search.css';

const departmentPath = (d: ClinicDepartment) => `/patient/book/${d.institution.id}/${d.id}`;

function DoctorItem({ doctor }: { doctor: SearchDoctor }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const next = doctor.nextAvailable;
  return (
    <List.Item data-testid="search-doctor" onClick={() => navigate(`/patient/doctors/${doctor.id}`)}>
      <div className="doctor-summary">
        <DoctorAvatar name={doctor.name} />
        <div className="doctor-summary__body">
          <div className="doctor-summary__head">
            <span className="doctor-summary__name">{doctor.name}</span>
            <Tag color="primary" fill="outline">
              {displayTitle(doctor.professionalTitle, i18n.language)}
            </Tag>
          </div>
          <div className="doctor-summary__org">
            {doctor.department.name} · {doctor.institution.shortName ?? doctor.institution.name}
          </div>
          <div className="doctor-specialty">{t('booking.h5.specialty', { specialty: doctor.specialty })}</div>
          {next ? (
            <div className="search-doctor__next">
              {t('booking.h5.nextAvailable', {
                day: formatDay(next.date, i18n.language),
                mode: t(`booking.mode.${next.mode}`),
                count: next.available,
              })}
            </div>
          ) : (
            <div className="doctor-next doctor-next--none">{t('booking.h5.noneAvailable')}</div>
          )}
        </div>
      </div>
    </List.Item>
  );
}

function DepartmentItem({ department }: { department: ClinicDepartment }) {
  const { i18n } = useTranslation();
  const navigate = useNavigate();
  return (
    <List.Item
      data-testid="search-department"
      description={
        <DepartmentMeta doctorCount={department.doctorCount} doctorsToday={department.doctorsToday} />
      }
      onClick={() => navigate(departmentPath(department))}
    >
      {displayName(department, i18n.language)}
      <span className="directory-desc">
        {' '}
        · {department.institution.shortName ?? department.institution.name}
      </span>
    </List.Item>
  );
}

function Results({ result, q }: { result: SearchResult; q: string }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const nothing =
    result.institutions.length +
      result.departments.length +
      result.doctors.length +
      result.conditions.length ===
    0;
  if (nothing) {
    return (
      <div data-testid="search-empty">
        <ErrorBlock
          className="patient-empty"
          status="empty"
          title={t('search.results.empty', { q })}
          description={t('search.results.emptyHint')}
        />
        <div className="search-empty__actions">
          <Button color="primary" onClick={() => navigate('/patient/triage')} data-testid="search-to-triage">
            {t('search.results.triage')}
          </Button>
        </div>
      </div>
    );
  }
  const header = (key: 'conditions' | 'doctors' | 'departments' | 'institutions') => (
    <h2 className="search-section-title">{t(`search.results.${key}`)}</h2>
  );
  return (
    <>
      {result.conditions.map((c) => (
        <section key={c.name} className="booking-card search-condition" data-testid="search-condition">
          <div className="search-condition__head">
            <h2 className="search-condition__name">{c.name}</h2>
            <Tag color="warning" fill="outline">
              {t(`search.results.${c.kind}`)}
            </Tag>
          </div>
          {c.departments.length > 0 && (
            <>
              <h3 className="search-condition__label">{t('search.results.conditionDepartments')}</h3>
              <List>
                {c.departments.map((d) => (
                  <DepartmentItem key={d.id} department={d} />
                ))}
              </List>
            </>
          )}
          {c.doctors.length > 0 && (
            <>
              <h3 className="search-condition__label">{t('search.results.conditionDoctors')}</h3>
              <List className="doctor-list">
                {c.doctors.map((d) => (
                  <DoctorItem key={d.id} doctor={d} />
                ))}
              </List>
            </>
          )}
        </section>
      ))}
      {result.doctors.length > 0 && (
        <List
          className="patient-list doctor-list"
          mode="card"
          header={header('doctors')}
          data-testid="search-doctors"
        >
          {result.doctors.map((d) => (
            <DoctorItem key={d.id} doctor={d} />
          ))}
        </List>
      )}
      {result.departments.length > 0 && (
        <List
          className="patient-list"
          mode="card"
          header={header('departments')}
          data-testid="search-departments"
        >
          {result.departments.map((d) => (
            <DepartmentItem key={d.id} department={d} />
          ))}
        </List>
      )}
      {result.institutions.length > 0 && (
        <List
          className="patient-list"
          mode="card"
          header={header('institutions')}
          data-testid="search-institutions"
        >
          {result.institutions.map((i) => (
            <List.Item
              key={i.id}
              data-testid="search-institution"
              description={i.address}
              onClick={() => navigate(`/patient/book/${i.id}`)}
            >
              <span className="directory-name">{displayName(i, i18n.language)}</span>
              {i.level && (
                <Tag color="primary" fill="outline" className="directory-tag">
                  {t(`booking.level.${i.level}`)}
                </Tag>
              )}
            </List.Item>
          ))}
        </List>
      )}
    </>
  );
}

/** /patient/search?q=: hospitals, departments, doctors and conditions, grouped by kind, each tappable. */
export function SearchPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const q = (params.get('q') ?? '').trim();
  const { data, error } = useApiData<SearchResult>(q ? `/search?q=${encodeURIComponent(q)}` : null);

  return (
    <div className="patient-page" data-testid="search-page">
      <PageHeader title={t('search.results.title')} back="/patient/book" />
      <SearchBox key={q} initial={q} onSearch={(text) => setParams({ q: text }, { replace: true })} />
      {q ? (
        <Loadable items={data ? [data] : undefined} error={error} empty="">
          {([result]) => <Results result={result!} q={q} />}
        </Loadable>
      ) : (
        <p className="booking-card directory-desc" data-testid="search-hint">
          {t('search.box.hint')}
        </p>
      )}
    </div>
  );
}
