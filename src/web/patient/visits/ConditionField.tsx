import { Selector } from 'antd-mobile';
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

/**
 * 复诊疾病 without a record: one tap on a common condition, by its name. Patients are not asked for an ICD-10
 * code ([8/12]); the code stays internal. `exclude`: categories the patient's own records already list.
 */
export function ConditionField({
  value,
  onChange,
  exclude = [],
}: {
  value: string;
  onChange(code: string): void;
  exclude?: readonly string[];
}) {
  const { t } = useTranslation();
  const category = value.trim().toUpperCase().slice(0, 3);

  return (
    <div className="condition-field">
      <Selector
        data-testid="condition-picker"
        columns={2}
        showCheckMark={false}
        value={isCommon(category) ? [category] : []}
        onChange={(keys) => onChange(keys[0] ?? '')}
        options={COMMON.filter((key) => !exclude.includes(key)).map((key) => ({
          value: key,
          label: t(`visits.conditions.${key}`),
        }))}
      />
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

/**
 * Each condition once ([8/12]: 原发性高血压 was listed twice): the newest record of each ICD-10 code, as the
 * server lists them newest first.
 */
export function unique(items: readonly OfflineDiagnosisView[]): OfflineDiagnosisView[] {
  const seen = new Set<string>();
  return items.filter((d) => !seen.has(d.icd10) && Boolean(seen.add(d.icd10)));
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
  if (unique(items).length === 0)
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
      {unique(items).map((d) => {
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
