import { CheckCircleFilled, CloseCircleFilled, ExclamationCircleFilled } from '@ant-design/icons';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Drug, FulfilmentStatus, PrescriptionStatus, RuleCheck } from '../../../shared/prescriptions.js';

const STATUS_COLOR: Record<PrescriptionStatus, string> = {
  draft: 'default',
  pending_review: 'processing',
  approved: 'success',
  rejected: 'error',
  superseded: 'default',
  dispensed: 'cyan',
  expired: 'default',
  cancelled: 'default',
};

export function PrescriptionStatusTag({ status }: { status: PrescriptionStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="prescription-status">
      {t(`rxStaff.status.${status}`)}
    </Tag>
  );
}

const FULFILMENT_COLOR: Record<FulfilmentStatus, string> = {
  awaiting_payment: 'default',
  paid: 'processing',
  dispensed: 'cyan',
  shipping: 'blue',
  delivered: 'geekblue',
  received: 'success',
  picked_up: 'success',
  returned: 'warning',
  cancelled: 'default',
};

export function FulfilmentStatusTag({ status }: { status: FulfilmentStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={FULFILMENT_COLOR[status]} data-testid="fulfilment-status">
      {t(`rxStaff.fulfilmentStatus.${status}`)}
    </Tag>
  );
}

export function MethodTag({ method }: { method: 'pickup' | 'delivery' }) {
  const { t } = useTranslation();
  return (
    <Tag color={method === 'delivery' ? 'purple' : 'green'} variant="filled">
      {t(`rxStaff.method.${method}`)}
    </Tag>
  );
}

const INSURANCE_COLOR = { A: 'green', B: 'blue', C: 'default' } as const;

/** OTC/处方药, 医保甲/乙/丙, the antimicrobial grade and any special-management flag of a drug. */
export function DrugTags({
  drug,
}: {
  drug: Pick<Drug, 'otc' | 'insuranceCategory' | 'antimicrobial' | 'specialFlags'>;
}) {
  const { t } = useTranslation();
  return (
    <span className="drug-tags">
      <Tag color={drug.otc ? 'green' : 'red'} variant="outlined">
        {drug.otc ? t('rxStaff.otc') : t('rxStaff.rx')}
      </Tag>
      <Tag color={INSURANCE_COLOR[drug.insuranceCategory]} variant="filled">
        {t('rxStaff.insuranceLabel')}
        {t(`rxStaff.insurance.${drug.insuranceCategory}`)}
      </Tag>
      {drug.antimicrobial !== 'none' && (
        <Tag color={drug.antimicrobial === 'unrestricted' ? 'gold' : 'orange'} variant="filled">
          {t(`rxStaff.antimicrobial.${drug.antimicrobial}`)}
        </Tag>
      )}
      {drug.specialFlags.map((flag) => (
        <Tag key={flag} color="magenta" variant="filled">
          {t(`rxStaff.special.${flag}`)}
        </Tag>
      ))}
    </span>
  );
}

/** The insurance category of a prescription line ('A' | 'B' | 'C'). */
export function InsuranceTag({ category }: { category: string }) {
  const { t } = useTranslation();
  if (category !== 'A' && category !== 'B' && category !== 'C') return null;
  return (
    <Tag color={INSURANCE_COLOR[category]} variant="filled">
      {t('rxStaff.insuranceLabel')}
      {t(`rxStaff.insurance.${category}`)}
    </Tag>
  );
}

/** ✓ pass, ✗ fail (red), ! overridden (orange). */
export function OutcomeIcon({ outcome }: { outcome: RuleCheck['outcome'] }) {
  const { t } = useTranslation();
  const label = t(`rxStaff.outcome.${outcome}`);
  if (outcome === 'pass')
    return <CheckCircleFilled className="rx-outcome rx-outcome--pass" aria-label={label} />;
  if (outcome === 'fail')
    return <CloseCircleFilled className="rx-outcome rx-outcome--fail" aria-label={label} />;
  return <ExclamationCircleFilled className="rx-outcome rx-outcome--overridden" aria-label={label} />;
}

/** The rule id of a check (RX-8), coloured by its outcome. */
export function RuleTag({ check }: { check: Pick<RuleCheck, 'rule' | 'outcome'> }) {
  const color = check.outcome === 'fail' ? 'red' : check.outcome === 'overridden' ? 'orange' : 'default';
  return (
    <Tag color={color} className="rule-tag" data-testid="rule-tag">
      {check.rule}
    </Tag>
  );
}
