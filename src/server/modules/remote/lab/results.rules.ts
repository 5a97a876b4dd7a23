/**
 * A laboratory result read from what was entered or sent, and flagged against the analyte's adult range and
 * critical limits (危急值). Pure. Flags: N; H/L outside the reference range; HH/LL at or past a critical
 * limit (then `critical`); A for an abnormal ordinal result (a dipstick that is not '-').
 */
import type { LabResult } from '../../../../shared/remote.js';
import type { AnalyteDef } from './panels.js';

export type Sex = 'male' | 'female' | null;

/** '6.8', '<0.01', '≥33.3': a comparator (for a value past the measuring range) and the number. */
const NUMERIC = /^(<=|>=|<|>|≤|≥)?\s*(\d{1,9}(?:\.\d{1,6})?)$/;

const ORDINAL_ALIASES: Record<string, string> = {
  阴性: '-',
  NEG: '-',
  '−': '-',
  弱阳性: '±',
  '+-': '±',
  '+': '1+',
  '++': '2+',
  '+++': '3+',
  '++++': '4+',
  阳性: '+',
  POS: '+',
};

export type ParsedValue = { ok: true; result: LabResult } | { ok: false; problem: string };

/** The range that applies to the patient: the women's where the analyte has one. */
export function rangeFor(a: AnalyteDef, sex: Sex): { low: number | null; high: number | null } {
  if (sex === 'female' && (a.refLowFemale !== undefined || a.refHighFemale !== undefined))
    return { low: a.refLowFemale ?? null, high: a.refHighFemale ?? null };
  return { low: a.refLow, high: a.refHigh };
}

export function flagOf(a: AnalyteDef, value: number, sex: Sex): LabResult['flag'] {
  if (a.criticalLow !== null && value <= a.criticalLow) return 'LL';
  if (a.criticalHigh !== null && value >= a.criticalHigh) return 'HH';
  const r = rangeFor(a, sex);
  if (r.low !== null && value < r.low) return 'L';
  if (r.high !== null && value > r.high) return 'H';
  return 'N';
}

const refTextOf = (low: number | null, high: number | null) =>
  low !== null && high !== null
    ? `${low}-${high}`
    : high !== null
      ? `≤${high}`
      : low !== null
        ? `≥${low}`
        : null;

/** Reads one value for an analyte; a value that is not one the analyte takes is a problem (nothing stored). */
export function readResult(panel: string, a: AnalyteDef, raw: string, sex: Sex): ParsedValue {
  const text = raw.trim();
  const base = { panel, code: a.code, name: a.name, unit: a.unit };
  if (a.valueType === 'ordinal') {
    const allowed = a.values ?? [];
    let value = allowed.includes(text)
      ? text
      : (ORDINAL_ALIASES[text.toUpperCase()] ?? ORDINAL_ALIASES[text] ?? text);
    // '+' is 1+ on a graded dipstick, and 1+ is '+' on a two-valued one (nitrite).
    if (!allowed.includes(value) && value === '+' && allowed.includes('1+')) value = '1+';
    if (!allowed.includes(value) && value === '1+' && allowed.includes('+')) value = '+';
    const canonical = allowed.includes(value) ? value : null;
    if (!canonical)
      return { ok: false, problem: `${a.name}（${a.code}）的结果须为 ${allowed.join('、')} 之一。` };
    const normal = a.refText ?? '-';
    return {
      ok: true,
      result: {
        ...base,
        value: canonical,
        valueNum: null,
        refLow: null,
        refHigh: null,
        refText: normal,
        flag: canonical === normal ? 'N' : 'A',
        critical: false,
      },
    };
  }
  const m = NUMERIC.exec(text);
  if (!m)
    return { ok: false, problem: `${a.name}（${a.code}）的结果须为数字（可带 < 或 >），收到“${text}”。` };
  const n = Number(m[2]);
  const censored = m[1] !== undefined;
  const flag = flagOf(a, n, sex);
  const r = rangeFor(a, sex);
  return {
    ok: true,
    result: {
      ...base,
      value: censored ? `${m[1]!.replace('<=', '≤').replace('>=', '≥')}${m[2]}` : m[2]!,
      valueNum: censored ? null : n,
      refLow: r.low,
      refHigh: r.high,
      refText: refTextOf(r.low, r.high),
      flag,
      critical: flag === 'HH' || flag === 'LL',
    },
  };
}

/** Why a result is critical, as told to the requesting doctor: '钾 6.8 mmol/L（危急值 ≥ 6.5）'. */
export function criticalReason(a: AnalyteDef, r: LabResult): string {
  const limit = r.flag === 'LL' ? `≤ ${a.criticalLow}` : `≥ ${a.criticalHigh}`;
  return `${a.name} ${r.value}${a.unit ? ` ${a.unit}` : ''}（危急值 ${limit}）`;
}
