import { Dialog, Tag } from 'antd-mobile';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { InsuranceCategory, SplitLine } from '../../../shared/insurance.js';
import { ApiError } from '../../api.js';
import { describeError } from '../../errors.js';
import { formatYuan } from '../../format.js';

/**
 * ID-3: the e-voucher step. The person agrees to show their 医保电子凭证 for linking or for this settlement;
 * the caller then asks the (simulated, in demo mode) e-voucher app for a fresh one.
 */
export async function confirmVoucher(t: TFunction, purpose: 'link' | 'pay', name: string): Promise<boolean> {
  return Dialog.confirm({
    title: t('insurancePatient.voucher.title'),
    content: (
      <div className="ins-voucher" data-testid="voucher-dialog">
        <p>
          {purpose === 'link'
            ? t('insurancePatient.voucher.linkContent', { name })
            : t('insurancePatient.voucher.payContent', { name })}
        </p>
        <p className="ins-muted">{t('insurancePatient.voucher.demoNote')}</p>
      </div>
    ),
    confirmText: <span data-testid="voucher-confirm">{t('insurancePatient.voucher.confirm')}</span>,
    cancelText: t('insurancePatient.voucher.cancel'),
  });
}

const CATEGORY_COLOR = { A: 'success', B: 'warning', C: 'default' } as const;

/** 甲类 / 乙类 / 丙类, with its meaning for a screen reader. */
export function CategoryTag({ category }: { category: InsuranceCategory | null }) {
  const { t } = useTranslation();
  if (!category) return null;
  return (
    <Tag
      color={CATEGORY_COLOR[category]}
      fill="outline"
      className="ins-category"
      aria-label={t(`insurancePatient.categoryDesc.${category}`)}
      data-category={category}
    >
      {t(`insurancePatient.category.${category}`)}
    </Tag>
  );
}

interface Parts {
  fundFen: number;
  accountFen: number;
  cashFen: number;
}

/** 医保统筹 / 个人账户 / 自付现金 of one line or of the total (side by side; stacked in 长辈模式). */
function PartList({ parts, testId }: { parts: Parts; testId: string }) {
  const { t } = useTranslation();
  return (
    <dl className="ins-parts">
      <div>
        <dt>{t('insurancePatient.checkout.fund')}</dt>
        <dd data-testid={`${testId}-fund`}>{formatYuan(parts.fundFen)}</dd>
      </div>
      <div>
        <dt>{t('insurancePatient.checkout.account')}</dt>
        <dd data-testid={`${testId}-account`}>{formatYuan(parts.accountFen)}</dd>
      </div>
      <div className="ins-parts__cash">
        <dt>{t('insurancePatient.checkout.cash')}</dt>
        <dd data-testid={`${testId}-cash`}>{formatYuan(parts.cashFen)}</dd>
      </div>
    </dl>
  );
}

/** The split of an order: each line with its category and parts, then the totals. */
export function SplitView({ lines, totals }: { lines: SplitLine[]; totals: Parts & { totalFen: number } }) {
  const { t } = useTranslation();
  return (
    <ul className="ins-split" data-testid="split">
      {lines.map((line, index) => (
        <li
          // Lines have no id; their order is the order's.
          // biome-ignore lint/suspicious/noArrayIndexKey: the split's lines never move.
          key={index}
          className="ins-split__line"
          data-testid="split-line"
          data-category={line.category ?? ''}
        >
          <div className="ins-split__head">
            <span className="ins-split__item">{line.item}</span>
            <CategoryTag category={line.category} />
            <span className="ins-split__total" data-testid="split-line-total">
              {formatYuan(line.totalFen)}
            </span>
          </div>
          <PartList parts={line} testId="split-line" />
        </li>
      ))}
      <li className="ins-split__line ins-split__line--totals" data-testid="split-totals">
        <div className="ins-split__head">
          <span className="ins-split__item">{t('insurancePatient.checkout.totals')}</span>
          <span className="ins-split__total" data-testid="split-total">
            {formatYuan(totals.totalFen)}
          </span>
        </div>
        <PartList parts={totals} testId="split" />
      </li>
    </ul>
  );
}

/** Codes for which the checkout adds its own words (what to do) under the server's title. */
const HINTS: Record<string, 'notLinked' | 'notDesignated' | 'notInsurable' | 'blocked' | 'unavailable'> = {
  INSURANCE_NOT_LINKED: 'notLinked',
  INSURANCE_NOT_DESIGNATED: 'notDesignated',
  INSURANCE_NOT_INSURABLE: 'notInsurable',
  INSURANCE_BLOCKED_PATIENT: 'blocked',
  INSURANCE_BLOCKED_PRACTITIONER: 'blocked',
  INSURANCE_PLATFORM_UNAVAILABLE: 'unavailable',
};

export const problemCode = (error: unknown) => (error instanceof ApiError ? error.code : undefined);

/** Refusals after which insurance cannot pay this order now: only 自费支付 is left. */
export const REFUSES_INSURANCE = [
  'INSURANCE_NOT_LINKED',
  'INSURANCE_NOT_DESIGNATED',
  'INSURANCE_NOT_INSURABLE',
  'INSURANCE_BLOCKED_PATIENT',
  'INSURANCE_BLOCKED_PRACTITIONER',
];

/** An API refusal shown in the page (problem+json title and detail), with what the patient can do. */
export function ProblemNote({
  error,
  name,
  onLink,
}: {
  error: unknown;
  /** The patient's name, for 尚未绑定医保. */
  name: string;
  onLink(): void;
}) {
  const { t } = useTranslation();
  const { title, detail } = describeError(error, t);
  const code = problemCode(error);
  const hint = code ? HINTS[code] : undefined;
  return (
    <div className="ins-problem" role="alert" data-testid="checkout-problem" data-code={code ?? ''}>
      <strong className="ins-problem__title">{title}</strong>
      {detail && <p className="ins-problem__detail">{detail}</p>}
      {hint && <p className="ins-problem__hint">{t(`insurancePatient.checkout.${hint}`, { name })}</p>}
      {hint === 'notLinked' && (
        <button type="button" className="link-button" onClick={onLink} data-testid="checkout-go-link">
          {t('insurancePatient.checkout.goLink')}
        </button>
      )}
    </div>
  );
}
