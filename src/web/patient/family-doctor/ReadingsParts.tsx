/** The reading form's big steppers, its check before sending, and the result the rules gave (FD-7, FD-8). */
import { AddOutline, MinusOutline } from 'antd-mobile-icons';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ReadingResult } from '../../../shared/family-doctor.js';
import { ClassificationTag } from './FdParts.js';
import { formatDate, readingValue, stepValue } from './fd.js';

export type Kind = 'bp' | 'glucose';
export type Timing = 'fasting' | 'postprandial' | 'random';

export const BOUNDS = {
  systolic: { min: 40, max: 300, start: 120, decimals: 0, step: 1 },
  diastolic: { min: 20, max: 200, start: 80, decimals: 0, step: 1 },
  pulse: { min: 20, max: 250, start: 72, decimals: 0, step: 1 },
  mmol: { min: 0.5, max: 60, start: 6.0, decimals: 1, step: 0.1 },
} as const;
export type Field = keyof typeof BOUNDS;

/** A number with big − and + buttons either side (the keyboard works too). */
export function NumberStepper({
  field,
  label,
  unit,
  value,
  onChange,
  optional,
}: {
  field: Field;
  label: string;
  unit: string;
  value: string;
  onChange(value: string): void;
  optional?: boolean;
}) {
  const { t } = useTranslation();
  const b = BOUNDS[field];
  const id = `fd-reading-${field}`;
  return (
    <div className="fd-stepper" data-testid={`fd-stepper-${field}`}>
      <label className="fd-stepper__label" htmlFor={id}>
        {label}
        {optional && <span className="fd-stepper__optional">{t('fdResident.readings.optional')}</span>}
      </label>
      <div className="fd-stepper__row">
        <button
          type="button"
          className="fd-stepper__button"
          aria-label={t('fdResident.readings.decrease', { label })}
          onClick={() => onChange(stepValue(value, -b.step, b))}
        >
          <MinusOutline aria-hidden />
        </button>
        <input
          id={id}
          className="fd-stepper__input"
          inputMode={b.decimals ? 'decimal' : 'numeric'}
          value={value}
          onChange={(e) => onChange(e.target.value.replace(/[^\d.]/g, '').slice(0, 5))}
          aria-describedby={`${id}-unit`}
          data-testid={`fd-input-${field}`}
        />
        <button
          type="button"
          className="fd-stepper__button"
          aria-label={t('fdResident.readings.increase', { label })}
          onClick={() => onChange(stepValue(value, b.step, b))}
        >
          <AddOutline aria-hidden />
        </button>
      </div>
      <span className="fd-stepper__unit" id={`${id}-unit`}>
        {unit}
      </span>
    </div>
  );
}

/** What is wrong with the numbers typed (before the server is asked), or null. */
export function invalid(kind: Kind, v: Record<Field, string>, t: TFunction): string | null {
  const within = (field: Field, required: boolean) => {
    const text = v[field].trim();
    if (!text) return required ? t('fdResident.readings.required') : null;
    const n = Number(text);
    const b = BOUNDS[field];
    if (!Number.isFinite(n) || n < b.min || n > b.max)
      return t('fdResident.readings.range', { min: b.min, max: b.max });
    return null;
  };
  if (kind === 'glucose') return within('mmol', true);
  const problem = within('systolic', true) ?? within('diastolic', true) ?? within('pulse', false);
  if (problem) return problem;
  if (Number(v.diastolic) >= Number(v.systolic)) return t('fdResident.readings.diastolicLower');
  return null;
}

/** What the rules made of the reading: the classification in colour and words, the advice, what comes next. */
export function Result({ result }: { result: ReadingResult }) {
  const { t, i18n } = useTranslation();
  const r = result.reading;
  const unit = r.kind === 'bp' ? t('fdResident.readings.mmHg') : t('fdResident.readings.mmol');
  return (
    <section
      className={`booking-card fd-result fd-result--${r.classification}`}
      aria-labelledby="fd-result-title"
      aria-live="polite"
      data-testid="fd-reading-result"
      data-classification={r.classification}
      data-action={result.action}
    >
      <h2 className="fd-result__title" id="fd-result-title">
        {t('fdResident.readings.resultTitle')}
      </h2>
      <div className="fd-result__value">
        <span data-testid="fd-result-value">
          {readingValue(r)} <small>{unit}</small>
        </span>
        <ClassificationTag value={r.classification} />
      </div>
      <p className="fd-result__advice" data-testid="fd-result-advice">
        {result.advice}
      </p>
      {result.followupDueOn && (
        <p className="fd-text" data-testid="fd-result-followup">
          {t('fdResident.readings.followupBy', { date: formatDate(result.followupDueOn, i18n.language) })}
        </p>
      )}
      {result.alert && (
        <p className="fd-text fd-result__alert" data-testid="fd-result-alert">
          {t('fdResident.readings.alerted')}
        </p>
      )}
    </section>
  );
}
