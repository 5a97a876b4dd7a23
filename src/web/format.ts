/** Dates are always shown in the business calendar, Asia/Shanghai, whatever the browser's zone. */

const ZONE = 'Asia/Shanghai';

export function formatLongDate(value: Date | string, lang: string): string {
  return new Intl.DateTimeFormat(lang, {
    timeZone: ZONE,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    weekday: 'long',
  }).format(typeof value === 'string' ? new Date(value) : value);
}
