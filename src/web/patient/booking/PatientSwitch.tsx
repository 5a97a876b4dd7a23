import { Selector } from 'antd-mobile';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { Page } from '../../../shared/http.js';
import type { Dependent } from '../../../shared/identity.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { useGoVerify } from '../RealNamePage.js';

/** Who a booking is for: the account holder (no patientId sent) or one of their active dependents. */
export interface PatientChoice {
  key: string;
  patientId?: string;
  name: string;
}

const SELF = 'self';

/** 就诊人: one tap switches between oneself and the family members one acts for. */
export function PatientSwitch({
  value,
  onChange,
}: {
  value: PatientChoice | undefined;
  onChange(choice: PatientChoice): void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const goVerify = useGoVerify();
  const { data } = useApiData<Page<Dependent>>('/me/dependents');

  const choices: PatientChoice[] = [
    ...(me.realNameVerified ? [{ key: SELF, name: me.name }] : []),
    ...(data?.items ?? [])
      .filter((d) => d.status === 'active')
      .map((d) => ({ key: d.patientId, patientId: d.patientId, name: d.name })),
  ];
  const first = choices[0];

  // Oneself first when verified, else the first dependent.
  useEffect(() => {
    if (!value && first && data) onChange(first);
  }, [value, first, data, onChange]);

  const relation = (key: string) => {
    if (key === SELF) return t('booking.h5.self');
    const dependent = data?.items.find((d) => d.patientId === key);
    return dependent ? t(`patient.relationship.${dependent.relationship}`) : '';
  };

  return (
    <div className="patient-switch">
      <Selector
        data-testid="patient-switch"
        columns={3}
        value={value ? [value.key] : []}
        onChange={(keys) => {
          const choice = choices.find((c) => c.key === keys[0]);
          if (choice) onChange(choice);
        }}
        options={choices.map((c) => ({
          value: c.key,
          label: (
            <span className="patient-switch__option">
              <span className="patient-switch__name">{c.name}</span>
              <span className="patient-switch__relation">{relation(c.key)}</span>
            </span>
          ),
        }))}
      />
      {!me.realNameVerified && (
        <div className="patient-switch__hint">
          {t('booking.h5.selfUnverified')}
          <button type="button" className="link-button" onClick={goVerify} data-testid="go-verify">
            {t('patient.home.goVerify')}
          </button>
        </div>
      )}
      <div className="patient-switch__hint">
        <button type="button" className="link-button" onClick={() => navigate('/patient/dependents')}>
          {t('booking.h5.manageDependents')}
        </button>
      </div>
    </div>
  );
}
