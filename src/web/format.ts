/** Dates are always shown in the business calendar, Asia/Shanghai, whatever the browser's zone. */

const ZONE = 'Asia/Shanghai';

/** Today's date in Asia/Shanghai as YYYY-MM-DD. */
export function todayInShanghai(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(now);
}

export function formatLongDate(value: Date | string, lang: string): string {
  return new Intl.DateTimeFormat(lang, {
    timeZone: ZONE,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    weekday: 'long',
  }).format(typeof value === 'string' ? new Date(value) : value);
}

export function formatDateTime(value: Date | string, lang: string): string {
  return new Intl.DateTimeFormat(lang, {
    timeZone: ZONE,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(typeof value === 'string' ? new Date(value) : value);
}
