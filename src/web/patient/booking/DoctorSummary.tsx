import { Tag } from 'antd-mobile';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Practitioner } from '../../../shared/directory.js';
import type { Mode } from '../../../shared/scheduling.js';
import { displayTitle } from '../../names.js';

export function ModeTag({ mode }: { mode: Mode }) {
  const { t } = useTranslation();
  return (
    <Tag color={mode === 'offline' ? 'primary' : 'success'} fill="outline">
      {t(`booking.mode.${mode}`)}
    </Tag>
  );
}

/** The doctor's initial in a round badge (no photos are stored). */
export function DoctorAvatar({ name }: { name: string }) {
  return (
    <span className="doctor-avatar" aria-hidden>
      {name.slice(0, 1)}
    </span>
  );
}

/** Name, title, department and institution of a doctor; `children` adds lines below. */
export function DoctorSummary({ doctor, children }: { doctor: Practitioner; children?: ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="doctor-summary">
      <DoctorAvatar name={doctor.name} />
      <div className="doctor-summary__body">
        <div className="doctor-summary__head">
          <span className="doctor-summary__name">{doctor.name}</span>
          <Tag color="primary" fill="outline">
            {displayTitle(doctor.professionalTitle, i18n.language)}
          </Tag>
          {!doctor.bookable && <Tag color="danger">{t('booking.h5.suspended')}</Tag>}
        </div>
        <div className="doctor-summary__org">
          {doctor.department.name} · {doctor.institution.name}
        </div>
        {children}
      </div>
    </div>
  );
}
