import { Button, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RuleCheck } from '../../../shared/prescriptions.js';
import { countChecks, sortChecks } from './checks.js';
import { OutcomeIcon, RuleTag } from './tags.js';

/**
 * A check's message in the UI language (the server words both). The server's text ends with the rule id
 * for API clients — "（RX-8）" — which the row already shows as a tag, so it is dropped here.
 */
export function useCheckMessage(): (check: RuleCheck) => string {
  const { i18n } = useTranslation();
  return (check) => withoutRuleId(i18n.language === 'en-US' ? check.messageEn : check.message, check.rule);
}

export function withoutRuleId(message: string, rule: string): string {
  for (const suffix of [`（${rule}）`, ` (${rule})`])
    if (message.endsWith(suffix)) return message.slice(0, -suffix.length);
  return message;
}

/** One check: ✓/✗/!, the rule id, what it found. */
export function CheckRow({ check }: { check: RuleCheck }) {
  const message = useCheckMessage();
  return (
    <li className={`rx-check rx-check--${check.outcome}`} data-testid={`check-${check.outcome}`}>
      <OutcomeIcon outcome={check.outcome} />
      <RuleTag check={check} />
      <span className="rx-check__text">{message(check)}</span>
    </li>
  );
}

/**
 * The rule checks (live while the doctor types, or the pre-check the pharmacist reviews): failures
 * first in red, overrides in orange, then the passes — folded away when `foldPassed`.
 */
export function CheckList({
  checks,
  foldPassed = false,
  label,
}: {
  checks: readonly RuleCheck[];
  foldPassed?: boolean;
  label: string;
}) {
  const { t } = useTranslation();
  const [showPassed, setShowPassed] = useState(!foldPassed);
  const sorted = sortChecks(checks);
  const counts = countChecks(checks);
  const visible = showPassed ? sorted : sorted.filter((c) => c.outcome !== 'pass');

  if (checks.length === 0)
    return <Typography.Text type="secondary">{t('rxStaff.checks.none')}</Typography.Text>;
  return (
    <div className="rx-checks">
      <div className="rx-checks__summary" data-testid="checks-summary">
        {counts.fail === 0 && counts.overridden === 0 ? (
          <Typography.Text type="success">
            {t('rxStaff.checks.allPassed', { count: counts.pass })}
          </Typography.Text>
        ) : (
          <Typography.Text type={counts.fail > 0 ? 'danger' : 'warning'}>
            {[
              counts.fail > 0 ? t('rxStaff.checks.summaryFail', { count: counts.fail }) : '',
              counts.overridden > 0
                ? t('rxStaff.checks.summaryOverridden', { count: counts.overridden })
                : '',
              t('rxStaff.checks.summaryPass', { count: counts.pass }),
            ]
              .filter(Boolean)
              .join(' · ')}
          </Typography.Text>
        )}
        {foldPassed && counts.pass > 0 && (
          <Button type="link" size="small" onClick={() => setShowPassed((v) => !v)}>
            {showPassed
              ? t('rxStaff.checks.hidePassed')
              : t('rxStaff.checks.showPassed', { count: counts.pass })}
          </Button>
        )}
      </div>
      {visible.length > 0 && (
        <ul className="rx-checks__list" aria-label={label}>
          {visible.map((check) => (
            <CheckRow
              key={`${check.rule}-${check.code}-${check.drugId ?? ''}-${check.message}`}
              check={check}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
