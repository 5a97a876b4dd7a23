import { Select } from 'antd';
import type { Rule } from 'antd/es/form/index.js';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Mode } from '../../../shared/scheduling.js';
import { MODES } from '../../../shared/scheduling.js';
import { addDays, formatDay, shanghaiDate } from '../../format.js';

interface FieldProps {
  id?: string;
  value?: string;
  onChange?(value: string): void;
  'aria-label'?: string;
}

/** Every quarter hour of the day, 24-hour clock: sessions start and end on these. */
const TIMES = Array.from({ length: 96 }, (_, i) => {
  const text = `${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`;
  return { value: text, label: text };
});

/**
 * Times and dates are chosen from lists holding the API's own 'HH:MM' / 'YYYY-MM-DD' strings: searchable
 * by typing, the same in every browser locale, and no date library needed.
 */
export function TimeSelect(props: FieldProps) {
  return <Select showSearch={{ optionFilterProp: 'label' }} options={TIMES} {...props} />;
}

/** How far ahead sessions are planned. */
const DATE_DAYS = 90;

export function DateSelect(props: FieldProps) {
  const { i18n } = useTranslation();
  const today = shanghaiDate();
  const year = today.slice(0, 4);
  const options = Array.from({ length: DATE_DAYS }, (_, i) => {
    const date = addDays(today, i);
    const label = formatDay(date, i18n.language);
    return { value: date, label: date.startsWith(year) ? label : `${date.slice(0, 4)} ${label}` };
  });
  return <Select showSearch={{ optionFilterProp: 'label' }} options={options} {...props} />;
}

export function ModeSelect(props: {
  id?: string;
  value?: Mode;
  onChange?(value: Mode): void;
  'aria-label'?: string;
}) {
  const { t } = useTranslation();
  return (
    <Select<Mode>
      {...props}
      options={MODES.map((mode) => ({ value: mode, label: t(`booking.mode.${mode}`) }))}
    />
  );
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** 1 = Monday … 7 = Sunday, as the API counts. */
export function weekdayOptions(t: TFunction) {
  return WEEKDAYS.map((key, i) => ({ value: i + 1, label: t(`booking.staff.weekdays.${key}`) }));
}

export const required = (message: string): Rule => ({ required: true, message });

/** The end of a session must come after its start (same-row field `startTime`). */
export function endAfterStart(t: TFunction, startPath: (string | number)[]): Rule {
  return ({ getFieldValue }) => ({
    validator(_, end: string | undefined) {
      const start: string | undefined = getFieldValue(startPath);
      return !end || !start || end > start
        ? Promise.resolve()
        : Promise.reject(new Error(t('booking.staff.endAfterStart')));
    },
  });
}

/** A fee typed in yuan (two decimals) as the API's integer fen; empty means the default by title. */
export const yuanToFen = (yuan: number | null | undefined) =>
  yuan === null || yuan === undefined ? {} : { feeFen: Math.round(yuan * 100) };
