/** How a visit's timeline reads on the supervision pages (VISIT-5): kinds, actors and details in words. */
import type { TFunction } from 'i18next';
import type { TimelineEntry } from '../../../shared/visits.js';
import { formatYuan } from '../../format.js';
import { zhCN } from '../../i18n/zh-CN.js';
import { formatInstant } from './format.js';

const WORDS = zhCN.supervision;
const has = <T extends object>(table: T, key: string): key is Extract<keyof T, string> => key in table;

/** A run of chat messages is one line on the timeline, with its counts; every other entry stands alone. */
export interface TimelineItem {
  at: string;
  kind: string;
  /** Empty for a run of messages: its counts say who wrote. */
  actor: string;
  details: [string, string][];
}

export function timelineItems(entries: TimelineEntry[], t: TFunction): TimelineItem[] {
  const items: TimelineItem[] = [];
  let run: TimelineEntry[] = [];
  const flush = () => {
    if (run.length > 0) items.push(messageRun(run, t));
    run = [];
  };
  for (const entry of entries) {
    if (entry.kind === 'message') {
      run.push(entry);
      continue;
    }
    flush();
    items.push({
      at: entry.at,
      kind: entry.kind,
      actor: actorLabel(entry, t),
      details: detailPairs(entry.details, t),
    });
  }
  flush();
  return items;
}

function messageRun(run: TimelineEntry[], t: TFunction): TimelineItem {
  const count = (pick: (e: TimelineEntry) => unknown, value: string) =>
    run.filter((e) => pick(e) === value).length;
  const pairs: [string, string][] = [[t('supervision.timeline.detail.count'), String(run.length)]];
  for (const role of ['patient', 'doctor', 'system'] as const) {
    const n = count((e) => e.actorRole, role);
    if (n > 0) pairs.push([t(`supervision.timeline.role.${role}`), String(n)]);
  }
  for (const kind of ['image', 'voice'] as const) {
    const n = count((e) => e.details.messageKind, kind);
    if (n > 0) pairs.push([t(`supervision.timeline.detail.${kind}`), String(n)]);
  }
  const last = run[run.length - 1]!;
  if (last !== run[0]) pairs.push([t('supervision.timeline.detail.until'), formatInstant(last.at)]);
  return { at: run[0]!.at, kind: 'messages', actor: '', details: pairs };
}

export function kindLabel(kind: string, t: TFunction): string {
  return has(WORDS.timeline.kind, kind) ? t(`supervision.timeline.kind.${kind}`) : kind;
}

function roleLabel(role: string, t: TFunction): string {
  return has(WORDS.timeline.role, role) ? t(`supervision.timeline.role.${role}`) : role;
}

function actorLabel(entry: TimelineEntry, t: TFunction): string {
  const role = roleLabel(entry.actorRole, t);
  return entry.actorName ? t('supervision.timeline.by', { role, name: entry.actorName }) : role;
}

/** Something went wrong or was undone (red), money went back (orange), the visit got done (green). */
export function kindColor(kind: string): string {
  if (
    kind === 'cancelled' ||
    kind === 'expired' ||
    kind === 'rx_expired' ||
    kind === 'rx_delivery_failed' ||
    kind === 'rx_fulfilment_cancelled'
  )
    return 'red';
  if (kind === 'referred_offline' || kind === 'refunded' || kind === 'rx_refunded') return 'orange';
  if (kind === 'completed' || kind === 'record_signed' || kind === 'paid') return 'green';
  if (kind === 'rx_signed' || kind === 'rx_dispensed' || kind === 'rx_received') return 'green';
  if (kind === 'messages' || kind === 'record_saved' || kind === 'chat_closed' || kind === 'rx_saved')
    return 'gray';
  return 'blue';
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** Words for the coded values the server writes in details. */
function codeText(key: string, value: string, t: TFunction): string | undefined {
  if (key === 'type' && has(WORDS.visitType, value)) return t(`supervision.visitType.${value}`);
  if (key === 'channel' && has(WORDS.channel, value)) return t(`supervision.channel.${value}`);
  if ((key === 'role' || key === 'by') && has(WORDS.timeline.role, value)) return roleLabel(value, t);
  if (has(WORDS.timeline.code, value)) return t(`supervision.timeline.code.${value}`);
  return undefined;
}

function valueText(key: string, value: unknown, t: TFunction): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value ? t('supervision.timeline.yes') : t('supervision.timeline.no');
  if (typeof value === 'number') {
    if (key.endsWith('Fen')) return formatYuan(value);
    if (key === 'durationMs') return t('supervision.timeline.seconds', { count: Math.round(value / 1000) });
    if (key === 'durationSeconds') return t('supervision.timeline.seconds', { count: value });
    if (key === 'percent') return `${value}%`;
    return String(value);
  }
  if (typeof value === 'string') {
    if (ISO_INSTANT.test(value)) return formatInstant(value);
    // A hash is for matching against the exported record, not for reading whole.
    if (key.endsWith('Hash') && value.length > 24) return `${value.slice(0, 12)}…${value.slice(-8)}`;
    return codeText(key, value, t) ?? value;
  }
  if (Array.isArray(value)) {
    const parts = value.map((item) => {
      if (item && typeof item === 'object' && 'icd10' in item) {
        const d = item as { icd10: unknown; name?: unknown };
        return `${String(d.icd10)} ${String(d.name ?? '')}`.trim();
      }
      if (item && typeof item === 'object' && 'role' in item) {
        // A call participant: who, and whether they agreed to recording.
        const p = item as { role: string; recordingConsent?: boolean };
        const consent =
          p.recordingConsent === undefined
            ? ''
            : `（${t('supervision.timeline.detail.recordingConsent')}：${valueText('', p.recordingConsent, t)}）`;
        return `${roleLabel(p.role, t)}${consent}`;
      }
      return valueText(key, item, t);
    });
    return parts.filter(Boolean).join('、') || undefined;
  }
  if (typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([k]) => !isInternalKey(k))
      .map(([k, v]) => valueText(k, v, t));
    return parts.filter(Boolean).join(' · ') || undefined;
  }
  return String(value);
}

/** Row ids mean nothing to a reader; the names beside them do. A message's own kind is in its counts. */
function isInternalKey(key: string): boolean {
  return key === 'id' || key.endsWith('Id') || key.endsWith('Ids') || key === 'messageKind';
}

/** The entry's details as label–value pairs, labels translated where known. */
export function detailPairs(
  details: Record<string, unknown> | null | undefined,
  t: TFunction,
): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(details ?? {})) {
    if (isInternalKey(key)) continue;
    const text = valueText(key, value, t);
    if (text === undefined) continue;
    pairs.push([has(WORDS.timeline.detail, key) ? t(`supervision.timeline.detail.${key}`) : key, text]);
  }
  return pairs;
}
