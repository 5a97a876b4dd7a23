/** The sign page's package picker (FD-2) and fee split table (FD-3). */
import { Checkbox, Tag } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import type { PackageWithEligibility } from '../../../shared/family-doctor.js';
import { formatYuan } from '../../format.js';
import { feeOf } from './fd.js';

/** The packages as checkable rows: the basic one required, the ineligible ones disabled with the reason. */
export function PackagePicker({
  packages,
  selected,
  locked,
  onToggle,
}: {
  packages: PackageWithEligibility[];
  selected: string[];
  locked: boolean;
  onToggle(id: string): void;
}) {
  const { t } = useTranslation();
  const basics = packages.filter((p) => p.group === 'basic');
  const others = packages.filter((p) => p.group !== 'basic');
  const row = (p: PackageWithEligibility) => {
    const checked = selected.includes(p.id);
    const ineligible = p.eligible === false;
    const required = p.group === 'basic' && basics.length === 1;
    return (
      <li
        key={p.id}
        className={`fd-package${checked ? ' fd-package--on' : ''}${ineligible ? ' fd-package--off' : ''}`}
        data-testid="fd-package"
        data-group={p.group}
        data-code={p.code}
        data-checked={checked}
      >
        <Checkbox
          className="fd-package__check"
          checked={checked}
          disabled={locked || ineligible || required}
          onChange={() => onToggle(p.id)}
          aria-describedby={`fd-package-${p.id}`}
        >
          <span className="fd-package__name">
            {p.name}
            {p.group === 'basic' && (
              <Tag color="primary" fill="solid" className="fd-package__tag">
                {t('fdResident.sign.required')}
              </Tag>
            )}
          </span>
        </Checkbox>
        <div className="fd-package__body" id={`fd-package-${p.id}`}>
          <span className="fd-package__fee">
            {t('fdResident.sign.perYear', { amount: formatYuan(p.feeFen) })}
          </span>
          <span className="fd-muted">{p.description}</span>
          {p.services.length > 0 && (
            <span className="fd-muted">{p.services.join(t('fdResident.common.separator'))}</span>
          )}
          {ineligible && (
            <span className="fd-ineligible" data-testid="fd-ineligible">
              {t('fdResident.sign.ineligible', {
                reason: p.ineligibleReason ?? t('fdResident.sign.notEligible'),
              })}
            </span>
          )}
        </div>
      </li>
    );
  };
  return (
    <ul className="fd-packages">
      {basics.map(row)}
      {others.map(row)}
    </ul>
  );
}

/** 医保基金 / 公卫经费 / 个人支付, per year and for the whole term. */
export function FeeTable({
  packages,
  selected,
  years,
}: {
  packages: PackageWithEligibility[];
  selected: string[];
  years: number;
}) {
  const { t } = useTranslation();
  const { perYear, total } = feeOf(packages, selected, years);
  const rows = [
    ['insurance', perYear.insuranceFen, total.insuranceFen],
    ['publicHealth', perYear.publicHealthFen, total.publicHealthFen],
    ['resident', perYear.residentFen, total.residentFen],
    ['fee', perYear.feeFen, total.feeFen],
  ] as const;
  return (
    <>
      <table className="fd-fee-table" data-testid="fd-fee">
        <caption className="fd-sr-only">{t('fdResident.sign.feeCaption', { years })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('fdResident.sign.feeItem')}</th>
            <th scope="col">{t('fdResident.sign.feePerYear')}</th>
            <th scope="col">{t('fdResident.sign.feeTotal', { years })}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([key, year, all]) => (
            <tr
              key={key}
              className={`fd-fee-table__row fd-fee-table__row--${key}`}
              data-testid={`fd-fee-${key}`}
            >
              <th scope="row">{t(`fdResident.sign.split.${key}`)}</th>
              <td>{formatYuan(year)}</td>
              <td data-fen={all}>{formatYuan(all)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="fd-pay-line">
        {t('fdResident.sign.youPay')}
        <strong className="booking-fee" data-testid="fd-resident-total">
          {formatYuan(total.residentFen)}
        </strong>
      </p>
    </>
  );
}
