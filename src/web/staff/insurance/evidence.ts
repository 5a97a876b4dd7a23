/**
 * Reading rule-specific JSON (an alert's evidence, a reconciliation mismatch's two records) as words: amounts
 * in `…Fen` fields as yuan, instants in Shanghai time, lists joined, nested records as `label：value`.
 * Plain functions, so the insurer console shows whatever fields a rule records, tested on their own.
 */
import { formatYuan } from '../../format.js';
import { formatInstant } from '../supervision/format.js';

export type Labels = Readonly<Record<string, string>>;

export interface Words {
  /** Field labels by key; a key not listed is shown as it is. */
  labels: Labels;
  yes: string;
  no: string;
  none: string;
  /** 、 in Chinese, ", " in English. */
  separator: string;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export const labelOf = (key: string, labels: Labels) => labels[key] ?? key;

/** One value as text. `key` decides the unit: `amountFen: 12345` → ¥123.45. */
export function evidenceText(key: string, value: unknown, words: Words): string {
  if (value === null || value === undefined || value === '') return words.none;
  if (typeof value === 'number') return /Fen$/.test(key) ? formatYuan(value) : String(value);
  if (typeof value === 'boolean') return value ? words.yes : words.no;
  if (typeof value === 'string') return INSTANT.test(value) ? formatInstant(value) : value;
  if (Array.isArray(value)) {
    if (value.length === 0) return words.none;
    // A list of records: one record per item, each as `label：value` pairs.
    const sep = isRecord(value[0]) ? '；' : words.separator;
    return value.map((item) => evidenceText(key, item, words)).join(sep);
  }
  if (isRecord(value)) {
    return shownKeys(value)
      .map((k) => `${labelOf(k, words.labels)}：${evidenceText(k, value[k], words)}`)
      .join('，');
  }
  return String(value);
}

export interface EvidenceRow {
  key: string;
  label: string;
  /** Set when the value is a list of records: shown as a table of its own. */
  records?: Record<string, unknown>[];
  text: string;
}

/** An id beside its name (`institutionId` and `institutionName`) says nothing more to a reader: the name stands. */
export function shownKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  return keys.filter((k) => !(k.endsWith('Id') && keys.includes(`${k.slice(0, -2)}Name`)));
}

/** The rows of an evidence table: one per field, in the rule's order. */
export function evidenceRows(evidence: Record<string, unknown> | null, words: Words): EvidenceRow[] {
  if (!evidence) return [];
  return shownKeys(evidence).map((key) => {
    const value = evidence[key];
    const records =
      Array.isArray(value) && value.length > 0 && value.every(isRecord)
        ? (value as Record<string, unknown>[])
        : undefined;
    return { key, label: labelOf(key, words.labels), records, text: evidenceText(key, value, words) };
  });
}

/** The columns of a table of records: every key any record has, in first-seen order. */
export function recordColumns(records: readonly Record<string, unknown>[]): string[] {
  const keys: string[] = [];
  for (const r of records) for (const k of shownKeys(r)) if (!keys.includes(k)) keys.push(k);
  return keys;
}

/** The fields two records (ours and theirs of a mismatch) hold with different values; none when one is missing. */
export function differingKeys(
  a: Record<string, unknown> | null,
  b: Record<string, unknown> | null,
): ReadonlySet<string> {
  if (!a || !b) return new Set();
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return new Set([...keys].filter((k) => k in a && k in b && JSON.stringify(a[k]) !== JSON.stringify(b[k])));
}
