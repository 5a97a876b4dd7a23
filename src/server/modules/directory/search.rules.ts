/**
 * Pure rules of the patient search: which departments are clinical (bookable), and how a query is read.
 */

/**
 * Departments a patient cannot book: 医技 and pharmacy departments. The classification follows the
 * 《医疗机构诊疗科目名录》 (卫医发〔1994〕27号): 医学检验科 (30), 病理科 (31) and 医学影像科 (32), with
 * their sub-subjects, are examination services ordered by a clinician, not outpatient clinics; 药剂科 and
 * a pharmacy's dispensary are not 诊疗科目 at all. A department is classified by its `specialty` (the
 * 诊疗科目 it is licensed for), which the licence scope check (ORG-3) already relies on.
 */
export const NON_CLINICAL_SPECIALTIES: readonly string[] = [
  // 30 医学检验科
  '医学检验科',
  '临床体液、血液专业',
  '临床微生物学专业',
  '临床化学检验专业',
  '临床免疫、血清学专业',
  '临床细胞分子遗传学专业',
  // 31 病理科
  '病理科',
  // 32 医学影像科
  '医学影像科',
  'X线诊断专业',
  'CT诊断专业',
  '磁共振成像诊断专业',
  '核医学专业',
  '超声诊断专业',
  '心电诊断专业',
  '脑电及脑血流图诊断专业',
  '神经肌肉电图专业',
  '介入放射学专业',
  '放射治疗专业',
  // Not 诊疗科目: pharmacy services.
  '药事管理',
  '药品零售与处方调剂',
];

const NON_CLINICAL = new Set(NON_CLINICAL_SPECIALTIES);

/** Whether patients can book the department (see NON_CLINICAL_SPECIALTIES). */
export function isClinicalSpecialty(specialty: string): boolean {
  return !NON_CLINICAL.has(specialty);
}

/** Institution types patients book at; pharmacies and the regional imaging/lab/ECG centres are not. */
export const BOOKABLE_INSTITUTION_TYPES = ['hospital', 'community_centre', 'community_station'] as const;

/** A query as the search reads it: Latin letters are pinyin (full or initials), anything else text. */
export type ReadQuery = { kind: 'pinyin'; text: string } | { kind: 'text'; text: string };

/**
 * Trims and collapses the query; pinyin is lowercased with spaces and apostrophes dropped ("Chen Jianguo",
 * "xi'an"). Returns null when nothing is left to search for.
 */
export function readQuery(raw: string): ReadQuery | null {
  const text = raw.trim().replace(/\s+/g, ' ');
  if (!text) return null;
  const latin = text.toLowerCase().replace(/[\s']/g, '');
  if (/^[a-z]+$/.test(latin)) return { kind: 'pinyin', text: latin };
  return { kind: 'text', text };
}
