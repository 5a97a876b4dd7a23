import { Input, Selector } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
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
