import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { addDays, formatWeekday } from '../../format.js';
import { formatFullDate } from './format.js';

interface DaySelectProps {
  id?: string;
  value?: string;
  onChange?(value: string | undefined): void;
  /** The first day offered ('YYYY-MM-DD'). */
  from: string;
  /** How many days are offered from `from`. */
  days: number;
  /** Latest first, for looking back (filters); earliest first otherwise. */
  descending?: boolean;
  placeholder?: string;
  allowClear?: boolean;
  className?: string;
  'aria-label'?: string;
  'data-testid'?: string;
}

/**
 * A calendar day chosen from a list holding the API's own 'YYYY-MM-DD' strings, as the scheduling pages
 * do: searchable by typing either 2026-12-22 or 12月22日, the same in every browser locale, no date
 * library. Labels carry the year, since pilots and filters cross years.
 */
export function DaySelect({ from, days, descending, ...props }: DaySelectProps) {
  const { i18n } = useTranslation();
  const dates = Array.from({ length: Math.max(0, days) }, (_, i) => addDays(from, i));
  if (descending) dates.reverse();
  const options = dates.map((date) => ({
    value: date,
    label: `${formatFullDate(date, i18n.language)} ${formatWeekday(date, i18n.language)}`,
  }));
  return (
    <Select
      showSearch={{
        filterOption: (input, option) =>
          option !== undefined && (option.value.includes(input) || option.label.includes(input)),
      }}
      options={options}
      {...props}
    />
  );
}
