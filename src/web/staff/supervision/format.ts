/** Dates of the supervision pages, always in the business calendar (Asia/Shanghai), years included. */

const ZONE = 'Asia/Shanghai';

/** A calendar date ('YYYY-MM-DD') with its year: 2026年11月24日 / Nov 24, 2026. */
export function formatFullDate(date: string, lang: string): string {
  return new Intl.DateTimeFormat(lang, {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  }).format(new Date(`${date}T00:00:00Z`));
}

/** An instant to the second in Shanghai, as a log shows it: 2026-11-24 09:03:12. */
export function formatInstant(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}
