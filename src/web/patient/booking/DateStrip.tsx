import { useTranslation } from 'react-i18next';
import { formatShortDate, formatWeekday } from '../../format.js';

/** What a day of the strip says below its date. */
export type DayMark = 'available' | 'soon' | 'full' | 'none';

interface DateStripProps {
  days: string[];
  today: string;
  selected: string;
  marks: Record<string, DayMark>;
  onSelect(day: string): void;
}

/** The next days as a row of buttons, each with whether tokens are left that day. */
export function DateStrip({ days, today, selected, marks, onSelect }: DateStripProps) {
  const { t, i18n } = useTranslation();
  return (
    <div className="date-strip" role="tablist">
      {days.map((day) => {
        const mark = marks[day] ?? 'none';
        return (
          <button
            key={day}
            type="button"
            role="tab"
            aria-selected={day === selected}
            className={`date-strip__day${day === selected ? ' date-strip__day--active' : ''}`}
            onClick={() => onSelect(day)}
            data-testid={`date-${day}`}
          >
            <span className="date-strip__weekday">
              {day === today ? t('booking.h5.today') : formatWeekday(day, i18n.language)}
            </span>
            <span className="date-strip__date">{formatShortDate(day)}</span>
            <span className={`date-strip__mark date-strip__mark--${mark}`}>
              {mark === 'none' ? '' : t(`booking.h5.dayMark.${mark}`)}
            </span>
          </button>
        );
      })}
    </div>
  );
}
