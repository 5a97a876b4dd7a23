/**
 * Business days in requests ([7/12]). `DateText` (src/shared/http.ts) checks only the `YYYY-MM-DD`
 * pattern, so `2025-13-45` reached the database (500) and `2025-02-30` silently meant 2 March: every day a
 * request names is checked here as a real calendar day before anything uses it.
 */
import { errors } from '../../platform/errors.js';

/** Whether `value` (already `YYYY-MM-DD` by the schema) is a day of the calendar. */
export function isCalendarDay(value: string): boolean {
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/**
 * 400 VALIDATION_FAILED unless each given day is a calendar day; `fields` name them as the schema
 * validator does (`querystring.date`, `body.effectiveFrom`), so a client handles both refusals alike.
 */
export function requireDays(days: Record<string, string | null | undefined>): void {
  const bad = Object.entries(days).filter(([, v]) => typeof v === 'string' && !isCalendarDay(v));
  if (bad.length === 0) return;
  throw errors.validationFailed(bad.map(([field, v]) => `${field}：${v} 不是有效的日期`).join('；'), {
    fields: bad.map(([field]) => ({ field, message: '不是有效的日期' })),
  });
}
