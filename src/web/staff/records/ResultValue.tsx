import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AbnormalFlag } from '../../../shared/records.js';
import { flagArrow, isAbnormal } from './results.js';

/**
 * A result as a Chinese lab report prints it: the value with ↑ or ↓ beside it, bold and red when abnormal.
 * The flag is also said in words (visible with `showWord`, else for screen readers), never by colour alone.
 */
export function ResultValue({
  value,
  unit,
  flag,
  showWord = false,
}: {
  value: string;
  unit: string | null;
  flag: AbnormalFlag | null;
  showWord?: boolean;
}) {
  const { t } = useTranslation();
  const abnormal = isAbnormal(flag);
  const arrow = flagArrow(flag);
  return (
    <span className="rec-value-cell" data-testid="result-value" data-flag={flag ?? ''}>
      <span className={abnormal ? 'rec-value rec-value--abnormal' : 'rec-value'}>
        {value}
        {arrow && (
          <span className="rec-value__arrow" aria-hidden="true">
            {arrow}
          </span>
        )}
      </span>
      {unit && <span className="rec-value__unit">{unit}</span>}
      {abnormal &&
        flag &&
        (showWord ? (
          <Tag color="error" variant="filled" className="rec-inline-tag">
            {t(`recordsStaff.flag.${flag}`)}
          </Tag>
        ) : (
          <span className="rec-sr-only">{t(`recordsStaff.flag.${flag}`)}</span>
        ))}
    </span>
  );
}
