import { Input, Selector } from 'antd-mobile';
import { CheckCircleFill } from 'antd-mobile-icons';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OfflineDiagnosisView } from '../../../shared/visits.js';
import { get } from '../../api.js';
import { shanghaiDate } from '../../format.js';
import type { Messages } from '../../i18n/zh-CN.js';

type ConditionKey = keyof Messages['visits']['conditions'];

/** Common chronic conditions offered for a follow-up, as ICD-10 categories (the server matches on those). */
const COMMON: readonly ConditionKey[] = [
  'I10',
  'E11',
  'E78',
  'I25',
  'J45',
  'J44',
  'K29',
  'E03',
  'M81',
  'N18',
];

function isCommon(code: string): code is ConditionKey {
  return (COMMON as readonly string[]).includes(code);
}

/** The diagnosis name of a code the picker knows, in the UI's language. */
export function useConditionName(): (code: string) => string | undefined {
  const { t } = useTranslation();
  return (code) => {
    const category = code.slice(0, 3);
    return isCommon(category) ? t(`visits.conditions.${category}`) : undefined;
  };
}

/** 复诊疾病: one tap on a common condition, or its ICD-10 code typed in. */
export function ConditionField({ value, onChange }: { value: string; onChange(code: string): void }) {
  const { t } = useTranslation();
  const code = value.trim().toUpperCase();
  const category = code.slice(0, 3);

  return (
    <div className="condition-field">
      <Selector
        data-testid="condition-picker"
        columns={2}
        showCheckMark={false}
        value={isCommon(category) ? [category] : []}
        onChange={(keys) => onChange(keys[0] ?? '')}
        options={COMMON.map((key) => ({
          value: key,
          label: (
            <span className="condition-option">
              <span>{t(`visits.conditions.${key}`)}</span>
              <span className="condition-option__code">{key}</span>
            </span>
          ),
        }))}
      />
      <div className="visit-field">
        <label className="visit-field__label" htmlFor="condition-code">
          {t('visits.h5.conditionCode')}
        </label>
        <Input
          id="condition-code"
          data-testid="condition-code"
          value={value}
          maxLength={8}
          placeholder={t('visits.h5.conditionCodePlaceholder')}
          onChange={(text) => onChange(text.toUpperCase())}
          clearable
        />
      </div>
    </div>
  );
}

export interface OfflineDiagnoses {
  /** undefined while the answer for this patient is awaited (or failed). */
  items: OfflineDiagnosisView[] | undefined;
  failed: boolean;
  reload(): void;
}

/**
 * The offline diagnoses of one patient; a null patient waits. An answer counts only for the patient it
 * was asked for, so switching patients never shows the previous one's records.
 */
export function useOfflineDiagnoses(patientId: string | undefined): OfflineDiagnoses {
  const path = patientId ? `/patients/${patientId}/offline-diagnoses` : null;
  const [answer, setAnswer] = useState<{ path: string; items?: OfflineDiagnosisView[] }>();
  const [version, setVersion] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload trigger.
  useEffect(() => {
    if (!path) return;
    let current = true;
    get<{ items: OfflineDiagnosisView[] }>(path).then(
      (a) => current && setAnswer({ path, items: a.items }),
      () => current && setAnswer({ path }),
    );
    return () => {
      current = false;
    };
  }, [path, version]);

  const reload = useCallback(() => {
    setAnswer(undefined);
    setVersion((v) => v + 1);
  }, []);
  const mine = path && answer?.path === path ? answer : undefined;
  return { items: mine?.items, failed: Boolean(mine && !mine.items), reload };
}

/** The calendar date of a diagnosis, whether the server sends a date or an instant. */
function dayOf(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : shanghaiDate(value);
}

/** 您的线下确诊记录: one card per diagnosis; a tap makes it the condition of the follow-up. */
export function DiagnosisRecords({
  diagnoses,
  value,
  onChange,
}: {
  diagnoses: OfflineDiagnoses;
  value: string | undefined;
  onChange(diagnosis: OfflineDiagnosisView): void;
}) {
  const { t } = useTranslation();
  const { items, failed, reload } = diagnoses;

  if (failed)
    return (
      <div className="condition-records__note" data-testid="condition-records-failed">
        {t('visits.h5.recordsFailed')}
        <button type="button" className="link-button" onClick={reload}>
          {t('common.retry')}
        </button>
      </div>
    );
  if (!items) return <div className="condition-records__note">{t('visits.h5.recordsLoading')}</div>;
  if (items.length === 0)
    return (
      <div className="condition-records__note" data-testid="condition-records-empty">
        {t('visits.h5.recordsEmpty')}
      </div>
    );

  return (
    <div
      className="condition-records"
      data-testid="condition-records"
      role="radiogroup"
      aria-label={t('visits.h5.records')}
    >
      {items.map((d) => {
        const chosen = d.id === value;
        const where = [d.institutionName, d.departmentName].filter(Boolean).join(' · ');
        return (
          <label
            key={d.id}
            className={`condition-record${chosen ? ' condition-record--chosen' : ''}`}
            data-testid="condition-record"
            data-icd10={d.icd10}
            data-chosen={chosen}
          >
            <input
              type="radio"
              name="offline-diagnosis"
              className="condition-record__input"
              checked={chosen}
              onChange={() => onChange(d)}
            />
            <span className="condition-record__mark" aria-hidden>
              {chosen && <CheckCircleFill />}
            </span>
            <span className="condition-record__body">
              <span className="condition-record__head">
                <span className="condition-record__name">{d.name}</span>
                <span className="condition-record__code">{d.icd10}</span>
              </span>
              <span className="condition-record__where">{where}</span>
              <span className="condition-record__when">
                {t('visits.h5.recordDiagnosedAt', { date: dayOf(d.diagnosedAt) })}
              </span>
            </span>
          </label>
        );
      })}
    </div>
  );
}
