import { Button, Toast } from 'antd-mobile';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AbnormalFlag, RecordCategory } from '../../../shared/records.js';
import { errorText } from '../../errors.js';
import { flagArrow, flagTone, isCritical } from './records.js';
import type { RecordsPatient } from './useRecordsPatient.js';

/**
 * ↑ ↓ (↑↑ ↓↓ 危急值) as Chinese lab reports print them, red for high and blue for low — and always the
 * arrow and its words for a screen reader, so no meaning rests on colour alone.
 */
export function FlagMark({ flag }: { flag: AbnormalFlag | null | undefined }) {
  const { t } = useTranslation();
  const arrow = flagArrow(flag);
  if (!flag || !arrow) return null;
  const words = t(`recordsPatient.flag.${flag}`);
  return (
    <span className={`records-flag records-flag--${flagTone(flag)}`} title={words} data-flag={flag}>
      <span aria-hidden>{arrow}</span>
      {isCritical(flag) && (
        <span className="records-flag__critical" aria-hidden>
          {t('recordsPatient.flag.critical')}
        </span>
      )}
      <span className="records-sr-only">{words}</span>
    </span>
  );
}

/** 健康档案 of a family member: whose records these are, said on every page (ID-6). */
export function PatientNote({ patient }: { patient: RecordsPatient }) {
  const { t } = useTranslation();
  if (patient.isSelf) return null;
  return (
    <p className="records-patient-note" data-testid="records-patient-note">
      {t('recordsPatient.common.forPatient', { name: patient.name || '…' })}
    </p>
  );
}

/** 基本信息、检验结果 …: the categories an authorisation covers, or 全部 when null. */
export function categoriesText(categories: readonly RecordCategory[] | null, t: TFunction): string {
  if (categories === null) return t('recordsPatient.category.all');
  return categories
    .map((c) => t(`recordsPatient.category.${c}`))
    .join(t('recordsPatient.common.listSeparator'));
}

/** The 加载更多 button under a paged list, or 没有更多了 once the cursor is spent. */
export function LoadMore({
  hasMore,
  loadMore,
  testId,
}: {
  hasMore: boolean;
  loadMore(): Promise<void>;
  testId: string;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  if (!hasMore) {
    return <p className="records-end">{t('recordsPatient.common.noMore')}</p>;
  }
  return (
    <div className="records-more">
      <Button
        block
        fill="outline"
        loading={busy}
        data-testid={testId}
        onClick={async () => {
          setBusy(true);
          try {
            await loadMore();
          } catch (failure) {
            Toast.show({ content: errorText(failure, t) });
          } finally {
            setBusy(false);
          }
        }}
      >
        {t('recordsPatient.common.loadMore')}
      </Button>
    </div>
  );
}
