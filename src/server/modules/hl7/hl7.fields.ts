/**
 * Reading HL7 v2 fields on top of @medplum/core's parser (`Hl7Message.parse` splits segments, fields,
 * repetitions and components; it does not decode escape sequences or check data types). Everything here
 * is pure and throws `Hl7Problem` with the field's position — never its value, which may be personal
 * data (DJ-10) — when a field is missing or malformed.
 */
import type { Hl7Context, Hl7Segment } from '@medplum/core';
import { type ErrorLocation, hl7Problem } from './hl7.errors.js';

/** A segment as the mapping reads it: the parsed segment and its 1-based sequence among its name. */
export interface Seg {
  seg: Hl7Segment;
  /** 1-based position among the message's segments of this name (ERR-2 ERL.2). */
  seq: number;
}

export const where = (s: Seg, field: number, component?: number): ErrorLocation => ({
  segment: s.seg.name,
  sequence: s.seq,
  field,
  ...(component ? { component } : {}),
});

/** `OBX[2]-14` (or `PID-7` for the first of its name): how a detail names a field. */
export function locationText(l: ErrorLocation): string {
  const seq = l.sequence && l.sequence > 1 ? `[${l.sequence}]` : '';
  return `${l.segment}${seq}${l.field ? `-${l.field}` : ''}${l.component ? `.${l.component}` : ''}`;
}

/** How many repetitions a field has (0 when the field is absent or empty). */
export function repetitions(s: Seg, field: number): number {
  const f = s.seg.getField(field);
  if (!f) return 0;
  if (f.components.length === 1 && f.components[0]!.every((c) => c === '')) return 0;
  return f.components.length;
}

/** One component, decoded (escape sequences), trimmed; '' when absent. Safe for any repetition index. */
export function comp(s: Seg, field: number, component = 1, repetition = 0): string {
  const f = s.seg.getField(field);
  const rep = f?.components[repetition];
  const raw = rep?.[component - 1] ?? '';
  return unescapeHl7(raw, s.seg.context).trim();
}

/** One subcomponent of a component (CNN inside NDL: `id&family&given`), decoded; 1-based. */
export function subcomp(s: Seg, field: number, component: number, sub: number, repetition = 0): string {
  const f = s.seg.getField(field);
  const raw = f?.components[repetition]?.[component - 1] ?? '';
  return unescapeHl7(raw.split(s.seg.context.subcomponentSeparator)[sub - 1] ?? '', s.seg.context).trim();
}

/** A required component: missing → HL7_REQUIRED_FIELD_MISSING at its position. */
export function required(s: Seg, field: number, component = 1, label = ''): string {
  const value = comp(s, field, component);
  if (!value)
    throw hl7Problem(
      'requiredMissing',
      `缺少必填字段 ${locationText(where(s, field, component > 1 ? component : undefined))}${label ? `（${label}）` : ''}。`,
      where(s, field),
    );
  return value;
}

/**
 * Decodes HL7 escape sequences in a text value (HL7 v2.5 §2.7): \F\ \S\ \T\ \R\ \E\ for the separators,
 * \.br\ for a line break (FT), \Xhh…\ for hexadecimal UTF-8 bytes; highlighting (\H\ \N\) and other
 * formatting commands are dropped.
 */
export function unescapeHl7(text: string, ctx: Hl7Context): string {
  const e = ctx.escapeCharacter;
  if (!e || !text.includes(e)) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch !== e) {
      out += ch;
      i++;
      continue;
    }
    const end = text.indexOf(e, i + 1);
    if (end < 0) {
      out += text.slice(i);
      break;
    }
    const seq = text.slice(i + 1, end);
    i = end + 1;
    if (seq === 'F') out += ctx.fieldSeparator;
    else if (seq === 'S') out += ctx.componentSeparator;
    else if (seq === 'T') out += ctx.subcomponentSeparator;
    else if (seq === 'R') out += ctx.repetitionSeparator;
    else if (seq === 'E') out += e;
    else if (seq === '.br') out += '\n';
    else if (/^X([0-9A-Fa-f]{2})+$/.test(seq)) out += Buffer.from(seq.slice(1), 'hex').toString('utf8');
    // \H\, \N\, \.sp\, \.in\ … : formatting only.
  }
  return out;
}

/** Escapes text for a field we write (ACK texts): separators, the escape character, line breaks. */
export function escapeHl7(text: string): string {
  return text
    .replace(/\\/g, '\\E\\')
    .replace(/\|/g, '\\F\\')
    .replace(/\^/g, '\\S\\')
    .replace(/&/g, '\\T\\')
    .replace(/~/g, '\\R\\')
    .replace(/\r\n|\r|\n/g, '\\.br\\');
}

// --- Dates and times (DTM / DT).

const DTM = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?([+-]\d{4})?$/;

/** The offset a time without one is read in: the business calendar's, Asia/Shanghai (UTC+8, no DST). */
const DEFAULT_OFFSET_MIN = 8 * 60;
/** How far ahead of the platform clock a sender's time may be (clock skew) before it is refused. */
export const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

/**
 * An HL7 DTM (`YYYYMMDD[HH[MM[SS[.S…]]]][+/-ZZZZ]`) as an instant. Strict where the parser is lenient:
 * the day is required, every part must be a real calendar value, and the time must not lie in the
 * future (beyond clock skew). Without an offset the time is Beijing time. Empty → undefined.
 */
export function readTime(s: Seg, field: number, now: Date, component = 1): Date | undefined {
  const text = comp(s, field, component);
  if (!text) return undefined;
  const m = DTM.exec(text);
  const bad = () =>
    hl7Problem(
      'badDate',
      `${locationText(where(s, field))} 不是有效的日期时间：应为 YYYYMMDD[HHMM[SS]][+/-ZZZZ] 的真实时间，且不晚于当前时间。`,
      where(s, field),
    );
  if (!m) throw bad();
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone] = m;
  const parts = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(sec)] as const;
  if (!realDate(parts[0], parts[1], parts[2]) || parts[3] > 23 || parts[4] > 59 || parts[5] > 59) throw bad();
  let offsetMin = DEFAULT_OFFSET_MIN;
  if (zone) {
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(3, 5));
    if (zh > 14 || zm > 59) throw bad();
    offsetMin = (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm);
  }
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  const at = new Date(
    Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5], ms) - offsetMin * 60_000,
  );
  if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) throw bad();
  return at;
}

/** An HL7 DT/DTM read as a calendar day `YYYY-MM-DD` (a birth date): the time part, if any, is ignored. */
export function readDay(s: Seg, field: number, today: string): string | undefined {
  const text = comp(s, field);
  if (!text) return undefined;
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(text);
  const rest = text.slice(8);
  const day = m ? `${m[1]}-${m[2]}-${m[3]}` : '';
  if (
    !m ||
    !/^(\d{2,6}(\.\d{1,4})?)?([+-]\d{4})?$/.test(rest) ||
    !realDate(Number(m[1]), Number(m[2]), Number(m[3])) ||
    day > today ||
    Number(m[1]) < 1900
  )
    throw hl7Problem(
      'badDate',
      `${locationText(where(s, field))} 不是有效的日期：应为 YYYYMMDD 的真实日期，且不晚于今天。`,
      where(s, field),
    );
  return day;
}

function realDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

// --- People's names (XPN, XCN, CNN).

const HAN = /\p{Script=Han}/u;

/** A name from family and given parts: Chinese names join without a space (张 + 三 → 张三). */
export function joinName(family: string, given: string): string {
  if (!family || !given) return family || given;
  return HAN.test(family) || HAN.test(given) ? `${family}${given}` : `${family} ${given}`;
}

/**
 * A staff member's name in an XCN (PV1-7: `id^family^given`) or an NDL (OBR-32/34: `id&family&given` in
 * its first component, or the XCN-like component form some systems send).
 */
export function staffName(s: Seg, field: number): string | null {
  const first = s.seg.getField(field)?.components[0]?.[0] ?? '';
  if (first.includes(s.seg.context.subcomponentSeparator)) {
    const name = joinName(subcomp(s, field, 1, 2), subcomp(s, field, 1, 3));
    return name || subcomp(s, field, 1, 1) || null;
  }
  const name = joinName(comp(s, field, 2), comp(s, field, 3));
  return name || comp(s, field, 1) || null;
}
