/**
 * ORU^R01 (results) read into reports and observations. Pure. Each OBR starts a report; the OBX after it,
 * up to the next OBR, are its results (NTE and ORC between them are skipped).
 *
 * OBR: OBR-3 filler order number (the report's key at the sender: a resend with the same number replaces
 * the report, e.g. a corrected result), OBR-4 the service (CWE; `LN` → LOINC, else the sender's local code
 * system), OBR-7 when observed (else the first OBX-14), OBR-22 when reported (else MSH-7), OBR-24 the
 * diagnostic service section (HL7 table 0074, below) → lab report (检验) or examination report (检查:
 * imaging, ECG, ultrasound), OBR-25 result status, OBR-32 the principal result interpreter (who signed the
 * conclusion), OBR-34 the technician.
 *
 * OBX: OBX-2 value type (NM number, ST short text, TX/FT text, CE/CWE coded: its text), OBX-3 the code
 * (CWE; `LN` → http://loinc.org, else the local system), OBX-4 sub-id, OBX-5 the value, OBX-6 the unit,
 * OBX-7 the reference range ('3.5-5.3', '<5.2', '>1.0', or text such as 阴性), OBX-8 the abnormal flag
 * (N, H, L, HH, LL, A; AA → A), OBX-11 status, OBX-14 when observed (else OBR-7).
 *
 * Imaging findings and conclusion: a TX/FT OBX whose OBX-3.1 ends in `&GDT` (general description:
 * findings, 检查所见) or `&IMP` (impression: conclusion, 诊断意见) — the HL7 v2 convention for reports from
 * DICOM systems — or whose OBX-4 sub-id is `GDT` / `IMP`. Several such OBX join with line breaks. In an
 * examination report, an unmarked TX/FT OBX is findings too; everywhere else an OBX is an observation.
 */
import { hl7Problem } from './hl7.errors.js';
import {
  comp,
  locationText,
  readTime,
  repetitions,
  required,
  type Seg,
  staffName,
  where,
} from './hl7.fields.js';
import { firstSegment, type Parsed } from './hl7.message.js';
import { type PatientFacts, readPatient } from './pid.js';

export type ReportKind = 'lab' | 'imaging' | 'ecg' | 'ultrasound' | 'pathology' | 'other';
export type ResultStatus = 'registered' | 'preliminary' | 'final' | 'amended' | 'corrected' | 'cancelled';
export type Flag = 'N' | 'H' | 'L' | 'HH' | 'LL' | 'A';

export const LOINC = 'http://loinc.org';
/** The code system of a sender's local codes: one per sending facility (declared in docs/hl7.md). */
export function localCodeSystem(sendingFacility: string): string {
  const name = sendingFacility.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return `https://yunyi.example.cn/fhir/CodeSystem/his-${name}`;
}

export interface ObservationFacts {
  codeSystem: string;
  code: string;
  name: string;
  valueNum: number | null;
  valueText: string | null;
  unit: string | null;
  refLow: number | null;
  refHigh: number | null;
  refText: string | null;
  flag: Flag | null;
  status: ResultStatus;
  effectiveAt: Date;
  category: 'laboratory' | 'imaging' | 'exam';
}

export interface ReportFacts {
  /** OBR-3 (EI.1). */
  fillerOrder: string;
  kind: ReportKind;
  codeSystem: string;
  code: string;
  name: string;
  status: ResultStatus;
  effectiveAt: Date;
  issuedAt: Date;
  performerName: string | null;
  verifierName: string | null;
  findings: string | null;
  conclusion: string | null;
  observations: ObservationFacts[];
}

export interface OruFacts {
  patient: PatientFacts;
  /** PV1-19, linking the reports to an encounter fed earlier; null when absent. */
  visitNumber: string | null;
  reports: ReportFacts[];
}

/** HL7 table 0074 (diagnostic service section) → the report's kind; empty → lab, unlisted → other. */
const SECTIONS: Record<string, ReportKind> = {
  ...Object.fromEntries(
    ['LAB', 'BG', 'BLB', 'CH', 'HM', 'IMM', 'MB', 'MCB', 'MYC', 'SR', 'TX', 'VR', 'OSL'].map((c) => [
      c,
      'lab',
    ]),
  ),
  ...Object.fromEntries(['RAD', 'CT', 'NMR', 'NMS', 'RX', 'XRC'].map((c) => [c, 'imaging'])),
  EC: 'ecg',
  ...Object.fromEntries(['US', 'CUS', 'OUS', 'RUS', 'VUS'].map((c) => [c, 'ultrasound'])),
  SP: 'pathology',
  CP: 'pathology',
};

/** OBR-25 / OBX-11 (HL7 tables 0123 and 0085) → FHIR-like status. */
const STATUSES: Record<string, ResultStatus> = {
  F: 'final',
  C: 'corrected',
  A: 'amended',
  P: 'preliminary',
  R: 'preliminary',
  I: 'registered',
  S: 'registered',
  O: 'registered',
  X: 'cancelled',
  D: 'cancelled',
  W: 'cancelled',
};
const FLAGS: Record<string, Flag> = { N: 'N', H: 'H', L: 'L', HH: 'HH', LL: 'LL', A: 'A', AA: 'A' };
const VALUE_TYPES = new Set(['NM', 'ST', 'TX', 'FT', 'CE', 'CWE']);

export function readOru(parsed: Parsed, now: Date): OruFacts {
  const { message, envelope } = parsed;
  const msh: Seg = { seg: message.header, seq: 1 };
  const sentAt = readTime(msh, 7, now) ?? now;
  const patient = readPatient(firstSegment(message, 'PID'), now);
  const pv1 = firstSegment(message, 'PV1');
  const local = localCodeSystem(envelope.sendingFacility);
  const reports: ReportFacts[] = [];
  const counts: Record<string, number> = {};
  let current: { obr: Seg; obx: Seg[] } | null = null;
  const groups: { obr: Seg; obx: Seg[] }[] = [];
  for (const seg of message.segments) {
    counts[seg.name] = (counts[seg.name] ?? 0) + 1;
    const s: Seg = { seg, seq: counts[seg.name]! };
    if (seg.name === 'OBR') {
      current = { obr: s, obx: [] };
      groups.push(current);
    } else if (seg.name === 'OBX') {
      if (!current)
        throw hl7Problem('requiredMissing', `${locationText(where(s, 0))} 之前缺少 OBR 段。`, {
          segment: 'OBX',
          sequence: s.seq,
        });
      current.obx.push(s);
    }
  }
  if (groups.length === 0)
    throw hl7Problem('requiredMissing', 'ORU^R01 至少须有一个 OBR 段。', { segment: 'OBR' });
  for (const g of groups) reports.push(readReport(g.obr, g.obx, local, sentAt, now));
  return { patient, visitNumber: pv1 ? comp(pv1, 19) || null : null, reports };
}

function codeOf(s: Seg, field: number, local: string): { system: string; code: string; name: string } {
  const code = required(s, field, 1, '编码');
  const system = comp(s, field, 3).toUpperCase() === 'LN' ? LOINC : local;
  return { system, code, name: comp(s, field, 2) || code };
}

function statusOf(s: Seg, field: number, fallback: ResultStatus): ResultStatus {
  const code = comp(s, field).toUpperCase();
  if (!code) return fallback;
  const status = STATUSES[code];
  if (!status)
    throw hl7Problem(
      'unknownCode',
      `${locationText(where(s, field))} 结果状态须为 F、C、A、P、R、I、S、X、D 或 W。`,
      where(s, field),
    );
  return status;
}

function readReport(obr: Seg, obxs: Seg[], local: string, sentAt: Date, now: Date): ReportFacts {
  const fillerOrder = required(obr, 3, 1, '报告单号');
  const service = codeOf(obr, 4, local);
  const section = comp(obr, 24).toUpperCase();
  const kind: ReportKind = section ? (SECTIONS[section] ?? 'other') : 'lab';
  const status = statusOf(obr, 25, 'final');
  const firstObxTime = obxs.length ? readTime(obxs[0]!, 14, now) : undefined;
  const effectiveAt = readTime(obr, 7, now) ?? firstObxTime;
  if (!effectiveAt)
    throw hl7Problem(
      'requiredMissing',
      `缺少必填字段 ${locationText(where(obr, 7))}（检查/采样时间）。`,
      where(obr, 7),
    );
  const category = kind === 'lab' ? 'laboratory' : kind === 'imaging' ? 'imaging' : 'exam';
  const findings: string[] = [];
  const conclusion: string[] = [];
  const observations: ObservationFacts[] = [];
  for (const obx of obxs) {
    const type = comp(obx, 2).toUpperCase() || 'ST';
    if (!VALUE_TYPES.has(type))
      throw hl7Problem(
        'unknownCode',
        `${locationText(where(obx, 2))} 值类型须为 NM、ST、TX、FT、CE 或 CWE。`,
        where(obx, 2),
      );
    const code = codeOf(obx, 3, local);
    const subId = comp(obx, 4).toUpperCase();
    const text = type === 'TX' || type === 'FT';
    const marker =
      code.code.toUpperCase().endsWith('&IMP') || subId === 'IMP'
        ? 'conclusion'
        : code.code.toUpperCase().endsWith('&GDT') || subId === 'GDT'
          ? 'findings'
          : null;
    if (text && (marker || kind !== 'lab')) {
      const value = textValue(obx);
      if (value) (marker === 'conclusion' ? conclusion : findings).push(value);
      continue;
    }
    observations.push(readObservation(obx, type, code, status, effectiveAt, category, now));
  }
  return {
    fillerOrder,
    kind,
    codeSystem: service.system,
    code: service.code,
    name: service.name,
    status,
    effectiveAt,
    issuedAt: readTime(obr, 22, now) ?? sentAt,
    performerName: staffName(obr, 34),
    verifierName: staffName(obr, 32),
    findings: findings.length ? findings.join('\n') : null,
    conclusion: conclusion.length ? conclusion.join('\n') : null,
    observations,
  };
}

/** A text value: its repetitions, one per line (FT line breaks are already decoded). */
function textValue(obx: Seg): string {
  const lines: string[] = [];
  for (let r = 0; r < Math.max(1, repetitions(obx, 5)); r++) lines.push(comp(obx, 5, 1, r));
  return lines.join('\n').trim();
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

function readObservation(
  obx: Seg,
  type: string,
  code: { system: string; code: string; name: string },
  reportStatus: ResultStatus,
  reportAt: Date,
  category: ObservationFacts['category'],
  now: Date,
): ObservationFacts {
  let valueText: string | null;
  let valueNum: number | null = null;
  if (type === 'CE' || type === 'CWE') valueText = comp(obx, 5, 2) || comp(obx, 5, 1) || null;
  else if (type === 'TX' || type === 'FT') valueText = textValue(obx) || null;
  else valueText = comp(obx, 5) || null;
  if (type === 'NM' && valueText !== null) {
    // A number too long for a double (Infinity) is no value the archive, a chart or FHIR can carry.
    if (!NUMBER.test(valueText) || !Number.isFinite(Number(valueText)))
      throw hl7Problem('badValue', `${locationText(where(obx, 5))} 值类型为 NM，值须为数字。`, where(obx, 5));
    valueNum = Number(valueText);
  }
  const flagCode = comp(obx, 8).toUpperCase();
  if (flagCode && !FLAGS[flagCode])
    throw hl7Problem(
      'unknownCode',
      `${locationText(where(obx, 8))} 异常标志须为 N、H、L、HH、LL、A 或 AA。`,
      where(obx, 8),
    );
  const range = readRange(comp(obx, 7));
  return {
    codeSystem: code.system,
    code: code.code,
    name: code.name,
    valueNum,
    valueText,
    unit: comp(obx, 6, 1) || comp(obx, 6, 2) || null,
    ...range,
    flag: flagCode ? FLAGS[flagCode]! : null,
    status: statusOf(obx, 11, reportStatus),
    effectiveAt: readTime(obx, 14, now) ?? reportAt,
    category,
  };
}

const NUM = '([+-]?\\d+(?:\\.\\d+)?)';
const BETWEEN = new RegExp(`^${NUM}\\s*(?:-|~|～|—|–|to)\\s*${NUM}$`);
const BELOW = new RegExp(`^(?:<|<=|≤|＜)\\s*${NUM}$`);
const ABOVE = new RegExp(`^(?:>|>=|≥|＞)\\s*${NUM}$`);

/** OBX-7: '3.5-5.3' → low 3.5 high 5.3; '<5.2' → high 5.2; '>1.0' → low 1.0; the text is kept as sent. */
export function readRange(text: string): {
  refLow: number | null;
  refHigh: number | null;
  refText: string | null;
} {
  const t = text.trim();
  if (!t) return { refLow: null, refHigh: null, refText: null };
  // A bound too long for a double (Infinity) is kept as text only.
  const num = (v: string | undefined) => (v !== undefined && Number.isFinite(Number(v)) ? Number(v) : null);
  let m = BETWEEN.exec(t);
  if (m && num(m[1]) !== null && num(m[2]) !== null)
    return { refLow: num(m[1]), refHigh: num(m[2]), refText: t };
  m = BELOW.exec(t);
  if (m) return { refLow: null, refHigh: num(m[1]), refText: t };
  m = ABOVE.exec(t);
  if (m) return { refLow: num(m[1]), refHigh: null, refText: t };
  return { refLow: null, refHigh: null, refText: t };
}
