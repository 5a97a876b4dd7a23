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

/** The Shanghai calendar date ('YYYY-MM-DD') of an instant; today by default. */
export function shanghaiDate(value: Date | string = new Date()): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(
    typeof value === 'string' ? new Date(value) : value,
  );
}

/** A calendar date ('YYYY-MM-DD') moved by whole days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The instant a Shanghai wall-clock date and time ('HH:MM') stand for. */
export function shanghaiInstant(date: string, time: string): Date {
  return new Date(`${date}T${time}:00+08:00`);
}

/** Integer fen shown as yuan with two decimals: 10000 → ¥100.00. */
export function formatYuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

/** 'HH:MM' of an instant in Shanghai. */
export function formatTime(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** A calendar date without its year: 11月24日 / Nov 24. */
export function formatMonthDay(date: string, lang: string): string {
  return new Intl.DateTimeFormat(lang, { timeZone: 'UTC', month: 'short', day: 'numeric' }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

/** 11/24: a date where room is short (the days strip). */
export function formatShortDate(date: string): string {
  const [, m, d] = date.split('-').map(Number);
  return `${m}/${d}`;
}

/** 周二 / Tue. */
export function formatWeekday(date: string, lang: string): string {
  return new Intl.DateTimeFormat(lang, { timeZone: 'UTC', weekday: 'short' }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

/** 11月24日 周二 / Nov 24 Tue. */
export function formatDay(date: string, lang: string): string {
  return `${formatMonthDay(date, lang)} ${formatWeekday(date, lang)}`;
}

/** 11月24日 08:00 / Nov 24 08:00, in Shanghai. */
export function formatDateTime(iso: string, lang: string): string {
  return `${formatMonthDay(shanghaiDate(iso), lang)} ${formatTime(iso)}`;
}

/** A token window: 11月24日 周二 09:00–10:00. */
export function formatWindow(start: string, end: string, lang: string): string {
  return `${formatDay(shanghaiDate(start), lang)} ${formatTime(start)}–${formatTime(end)}`;
}

/** mm:ss of a duration (never negative). */
export function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}
