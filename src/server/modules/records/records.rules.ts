/**
 * The health archive's pure rules ([6/12]): which diagnoses are chronic conditions (慢病), how an abnormal
 * result is flagged and marked the way Chinese lab reports mark it (↑ ↓), which category a report or a
 * result belongs to (SEC-1: what an authorisation covers), and the timeline's order and keyset cursor.
 * No database, no clock: tested in records.rules.test.ts.
 */
import type { AbnormalFlag, RecordCategory } from '../../../shared/records.js';
import { TIMELINE_KINDS } from '../../../shared/records.js';

// --- Chronic conditions

/**
 * The ICD-10 categories the archive lists as chronic conditions (慢性病, after 国家基本公共卫生服务规范 and the
 * 门诊慢特病 lists): hypertensive diseases I10–I15, diabetes E10–E14, lipid disorders E78, ischaemic heart
 * disease I20–I25, atrial fibrillation I48, heart failure I50, sequelae of stroke I69, COPD J44, asthma J45,
 * chronic kidney disease N18, hypothyroidism and hyperthyroidism E03/E05, gout M10, osteoporosis M80–M81,
 * rheumatoid arthritis M05–M06, depression F32–F33, schizophrenia F20, bipolar disorder F31, Parkinson's
 * disease G20, epilepsy G40, chronic viral hepatitis B18, benign prostatic hyperplasia N40. A superset of
 * the categories visits treats as chronic for long-term follow-up (visits.api `isChronicDiagnosis`).
 */
const CHRONIC_CATEGORIES: ReadonlySet<string> = new Set([
  ...['I10', 'I11', 'I12', 'I13', 'I15'],
  ...['E10', 'E11', 'E12', 'E13', 'E14', 'E78', 'E03', 'E05'],
  ...['I20', 'I21', 'I22', 'I23', 'I24', 'I25', 'I48', 'I50', 'I69'],
  ...['J44', 'J45', 'N18', 'N40', 'M10', 'M80', 'M81', 'M05', 'M06'],
  ...['F20', 'F31', 'F32', 'F33', 'G20', 'G40', 'B18'],
]);

/** The ICD-10 category of a code: its first three characters (`I10`, `E11.900` → `E11`), upper case. */
export function icd10Category(icd10: string): string {
  return icd10.trim().toUpperCase().slice(0, 3);
}

/** Whether a diagnosis is a chronic condition the archive's 慢病 section lists. */
export function isChronic(icd10: string): boolean {
  return CHRONIC_CATEGORIES.has(icd10Category(icd10));
}

// --- Abnormal flags (HL7 v2 table 0078 subset, as our observation.flag stores them)

/**
 * The flag of a result: the sender's when it gave one; otherwise computed when the value is a number and
 * a range is known — above the upper limit H, below the lower L, else N. Critical values (HH/LL) are only
 * what a laboratory says: a range does not tell where the critical limits are. Null when nothing can be
 * said (a text result without a flag, or no range).
 */
export function effectiveFlag(
  given: AbnormalFlag | null | undefined,
  value: number | null | undefined,
  low: number | null | undefined,
  high: number | null | undefined,
): AbnormalFlag | null {
  if (given) return given;
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const hasLow = low !== null && low !== undefined && Number.isFinite(low);
  const hasHigh = high !== null && high !== undefined && Number.isFinite(high);
  if (!hasLow && !hasHigh) return null;
  if (hasHigh && value > high) return 'H';
  if (hasLow && value < low) return 'L';
  return 'N';
}

/** Whether a flag marks the result as abnormal (anything but N or none). */
export function isAbnormal(flag: AbnormalFlag | null | undefined): boolean {
  return flag !== null && flag !== undefined && flag !== 'N';
}

/** Whether a flag is a critical value (危急值). */
export function isCritical(flag: AbnormalFlag | null | undefined): boolean {
  return flag === 'HH' || flag === 'LL';
}

/**
 * The mark a Chinese lab report prints beside a value: ↑ high, ↓ low, ↑↑ / ↓↓ critical, 异常 for an
 * abnormal non-numeric result; nothing for normal.
 */
export function flagMark(flag: AbnormalFlag | null | undefined): string {
  switch (flag) {
    case 'H':
      return '↑';
    case 'L':
      return '↓';
    case 'HH':
      return '↑↑';
    case 'LL':
      return '↓↓';
    case 'A':
      return '异常';
    default:
      return '';
  }
}

/** A reference range as a report prints it: `3.9–6.1`, `<3.4`, `>1.0`, or the sender's text. */
export function rangeText(low: number | null, high: number | null, text: string | null): string | null {
  if (text) return text;
  if (low !== null && high !== null) return `${low}–${high}`;
  if (high !== null) return `<${high}`;
  if (low !== null) return `>${low}`;
  return null;
}

/** A value as shown: the sender's text when it gave one ('5.60' keeps its zero), else the number. */
export function valueText(text: string | null, num: number | null): string {
  if (text !== null && text !== '') return text;
  return num === null ? '' : String(num);
}

// --- Categories (what an authorisation covers, SEC-1)

export type ReportKind = 'lab' | 'imaging' | 'ecg' | 'ultrasound' | 'pathology' | 'other';
export type ObservationCategory = 'laboratory' | 'vital-signs' | 'imaging' | 'exam';

/** 检验 (lab reports) are `labs`; 检查 (imaging, ECG, ultrasound, pathology, other examinations) `exams`. */
export function reportCategory(kind: ReportKind): 'labs' | 'exams' {
  return kind === 'lab' ? 'labs' : 'exams';
}

/** Lab values and vital signs are `labs`; measurements of an examination are `exams`. */
export function observationCategory(category: ObservationCategory): 'labs' | 'exams' {
  return category === 'laboratory' || category === 'vital-signs' ? 'labs' : 'exams';
}

/** The observation categories a reader sees given the record categories they may read. */
export function observationCategoriesFor(readable: ReadonlySet<RecordCategory>): ObservationCategory[] {
  const out: ObservationCategory[] = [];
  if (readable.has('labs')) out.push('laboratory', 'vital-signs');
  if (readable.has('exams')) out.push('imaging', 'exam');
  return out;
}

/** The report kinds a reader sees given what they may read and the `kind` asked for (lab | exam). */
export function reportKindsFor(readable: ReadonlySet<RecordCategory>, asked?: 'lab' | 'exam'): ReportKind[] {
  const out: ReportKind[] = [];
  if (readable.has('labs') && asked !== 'exam') out.push('lab');
  if (readable.has('exams') && asked !== 'lab')
    out.push('imaging', 'ecg', 'ultrasound', 'pathology', 'other');
  return out;
}

/** An encounter's class as the archive names it: 门诊, 住院, 急诊, 互联网诊疗 (online, FHIR class VR). */
export const ENCOUNTER_CLASS_ZH: Readonly<Record<string, string>> = {
  AMB: '门诊',
  IMP: '住院',
  EMER: '急诊',
  VR: '互联网诊疗',
};

// --- Tracked measures (the archive's summary card and the trend charts)

/** The measures whose latest value the archive shows, in this order (LOINC). */
export const TRACKED_MEASURES: readonly { code: string; name: string }[] = [
  { code: '8480-6', name: '收缩压' },
  { code: '8462-4', name: '舒张压' },
  { code: '1558-6', name: '空腹血糖' },
  { code: '4548-4', name: '糖化血红蛋白' },
  { code: '2093-3', name: '总胆固醇' },
  { code: '2571-8', name: '甘油三酯' },
  { code: '2085-9', name: '高密度脂蛋白胆固醇' },
  { code: '13457-7', name: '低密度脂蛋白胆固醇' },
  { code: '2160-0', name: '肌酐' },
  { code: '2823-3', name: '钾' },
];

/**
 * The codes of `?code=` (comma-separated, trimmed, de-duplicated); undefined when absent, null when it is
 * present but names nothing or something a code cannot be (the route answers 400).
 */
export function parseCodes(raw: string | undefined): string[] | undefined | null {
  if (raw === undefined) return undefined;
  const codes = [...new Set(raw.split(',').map((c) => c.trim()))];
  if (codes.length === 0 || codes.some((c) => !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,39}$/.test(c))) return null;
  return codes;
}

// --- The timeline's order and cursor

export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** A kind's place among entries of the same instant (the second sort key). */
export function kindRank(kind: TimelineKind): number {
  return TIMELINE_KINDS.indexOf(kind);
}

/** The sort key of a timeline entry: newest first, then by kind, then by id (all descending). */
export interface TimelineKey {
  at: Date;
  rank: number;
  id: string;
}

/** Negative when `a` comes before `b` on the timeline (newest first). */
export function compareTimeline(a: TimelineKey, b: TimelineKey): number {
  const t = b.at.getTime() - a.at.getTime();
  if (t !== 0) return t;
  if (a.rank !== b.rank) return b.rank - a.rank;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export const MIN_UUID = '00000000-0000-0000-0000-000000000000';
export const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/**
 * What one source (one kind, ordered by its time then id, descending) must return after a cursor: the rows
 * with (time, id) < (bound.at, bound.id). Entries of a kind ranked below the cursor's at the same instant
 * come after it (all of that instant: id < MAX); those ranked above came before it (none of that instant:
 * id < MIN); the cursor's own kind continues after its id. So every source is one keyset range and the
 * merged pages have no duplicates and no gaps, whatever arrives meanwhile.
 */
export function sourceBound(cursor: TimelineKey, rank: number): { at: Date; id: string } {
  if (rank < cursor.rank) return { at: cursor.at, id: MAX_UUID };
  if (rank > cursor.rank) return { at: cursor.at, id: MIN_UUID };
  return { at: cursor.at, id: cursor.id };
}

/** Merges sources (each already newest first) and keeps the first `limit` entries. */
export function mergeTimeline<T extends TimelineKey>(
  sources: T[][],
  limit: number,
): { page: T[]; more: boolean } {
  const all = sources.flat().sort(compareTimeline);
  return { page: all.slice(0, limit), more: all.length > limit };
}
