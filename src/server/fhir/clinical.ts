/**
 * Terminology the clinical providers share ([6/12]): the HL7 code systems their bindings name, UCUM units
 * for the units Chinese lab reports print, and the parsing of type-specific reference and token parameters.
 * Pure; no table. Local code systems live under LOCAL_CS (datatypes.ts) and are listed in docs/fhir.md.
 */
import type { Coding, Quantity } from '@medplum/fhirtypes';
import { LOCAL_CS } from './datatypes.js';
import { parseToken, splitOr } from './search.js';
import type { TokenFilter } from './types.js';

export const LOINC = 'http://loinc.org';
export const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
export const UCUM = 'http://unitsofmeasure.org';
export const ATC = 'http://www.whocc.no/atc';
export const TERMINOLOGY = 'http://terminology.hl7.org/CodeSystem';
export const OBSERVATION_CATEGORY = `${TERMINOLOGY}/observation-category`;
export const INTERPRETATION = `${TERMINOLOGY}/v3-ObservationInterpretation`;
export const DIAGNOSTIC_SECTION = `${TERMINOLOGY}/v2-0074`;
export const ACT_CODE = `${TERMINOLOGY}/v3-ActCode`;
export const PARTICIPATION_TYPE = `${TERMINOLOGY}/v3-ParticipationType`;
export const CONDITION_CLINICAL = `${TERMINOLOGY}/condition-clinical`;
export const CONDITION_VER_STATUS = `${TERMINOLOGY}/condition-ver-status`;
export const CONDITION_CATEGORY = `${TERMINOLOGY}/condition-category`;
export const DATA_ABSENT_REASON = `${TERMINOLOGY}/data-absent-reason`;

/** Our code system of record categories (基本信息, 就诊记录, 诊断, 处方与取药, 检验结果, 检查报告). */
export const RECORD_CATEGORY_CS = `${LOCAL_CS}/record-category`;

/**
 * The systems a stored `code_system` may name for LOINC: the URL, or HL7 v2's coding-system names (OBX-3.3
 * `LN`) as a feed may have sent them. Other stored systems are URLs already (a sender's local system is
 * declared by URL when it is stored) and are compared as they are.
 */
const LOINC_ALIASES = ['http://loinc.org', 'LN', 'LOINC'];

/** The URL a stored code system stands for. */
export function systemUrl(stored: string): string {
  if (LOINC_ALIASES.includes(stored)) return LOINC;
  if (stored === 'I10' || stored === 'ICD10' || stored === 'ICD-10') return ICD10;
  if (/^(https?:|urn:)/.test(stored)) return stored;
  // A bare name from a feed (its local table): declared under our namespace, by that name.
  return `${LOCAL_CS}/${encodeURIComponent(stored.toLowerCase())}`;
}

/** The stored values a searched system matches (the inverse of systemUrl). */
export function storedSystems(url: string): string[] {
  if (url === LOINC) return LOINC_ALIASES;
  if (url === ICD10) return [ICD10, 'I10', 'ICD10', 'ICD-10'];
  const prefix = `${LOCAL_CS}/`;
  if (url.startsWith(prefix)) {
    const name = decodeURIComponent(url.slice(prefix.length));
    return [url, name, name.toUpperCase()];
  }
  return [url];
}

/**
 * UCUM codes of the units our lab reports and vital signs print (the sender's spelling on the left:
 * Chinese reports write µmol/L with a micro sign or a Greek mu, 10^9/L, ×10^12/L, 次/分 …). A unit not
 * listed keeps its printed text with no code (a Quantity may carry a unit without a system).
 */
const UCUM_UNITS: Record<string, string> = {
  'mmol/l': 'mmol/L',
  'µmol/l': 'umol/L',
  'μmol/l': 'umol/L',
  'umol/l': 'umol/L',
  'nmol/l': 'nmol/L',
  'pmol/l': 'pmol/L',
  'mol/l': 'mol/L',
  'mmol/mol': 'mmol/mol',
  'mg/dl': 'mg/dL',
  'mg/l': 'mg/L',
  'g/l': 'g/L',
  'g/dl': 'g/dL',
  'µg/l': 'ug/L',
  'μg/l': 'ug/L',
  'ng/ml': 'ng/mL',
  'pg/ml': 'pg/mL',
  'u/l': 'U/L',
  'iu/l': '[IU]/L',
  'miu/l': 'm[IU]/L',
  'µiu/ml': 'u[IU]/mL',
  'μiu/ml': 'u[IU]/mL',
  'uiu/ml': 'u[IU]/mL',
  '%': '%',
  mmhg: 'mm[Hg]',
  kpa: 'kPa',
  '10^9/l': '10*9/L',
  '×10^9/l': '10*9/L',
  '10*9/l': '10*9/L',
  '10^12/l': '10*12/L',
  '×10^12/l': '10*12/L',
  '10*12/l': '10*12/L',
  fl: 'fL',
  pg: 'pg',
  kg: 'kg',
  g: 'g',
  mg: 'mg',
  µg: 'ug',
  μg: 'ug',
  ug: 'ug',
  ml: 'mL',
  l: 'L',
  cm: 'cm',
  m: 'm',
  'kg/m2': 'kg/m2',
  'kg/m²': 'kg/m2',
  '/min': '/min',
  bpm: '/min',
  '次/分': '/min',
  '次/min': '/min',
  '℃': 'Cel',
  '°c': 'Cel',
  'ml/min/1.73m2': 'mL/min/{1.73_m2}',
  'ml/min/1.73m²': 'mL/min/{1.73_m2}',
  'mm/h': 'mm/h',
  s: 's',
  d: 'd',
  iu: '[IU]',
};

/** The UCUM code of a printed unit, or null when it has none we know. */
export function ucumCode(unit: string): string | null {
  return UCUM_UNITS[unit.normalize('NFC').trim().toLowerCase()] ?? null;
}

/** A Quantity of `value` in a printed unit: UCUM system and code where the unit maps, the text always. */
export function quantity(value: number, unit: string | null | undefined): Quantity {
  if (!unit) return { value };
  const code = ucumCode(unit);
  return code ? { value, unit, system: UCUM, code } : { value, unit };
}

/** A duration in days (UCUM `d`; a Duration must carry a UCUM code). */
export const days = (n: number): Quantity => ({ value: n, unit: '天', system: UCUM, code: 'd' });

/** One coding (display when given). */
export const coding = (system: string, code: string, display?: string | null): Coding => ({
  system,
  code,
  ...(display ? { display } : {}),
});

/**
 * Ids of a declared reference parameter's values (AND of ORs → one list per occurrence): `Type/id`, an
 * absolute URL ending in `Type/id`, or a bare id; a reference to another type contributes none.
 */
export function referenceLists(values: readonly string[] | undefined, type: string): string[][] {
  return (values ?? []).map((raw) =>
    splitOr(raw).flatMap((v) => {
      const parts = v.trim().split('/');
      if (parts.length === 1) return parts[0] ? [parts[0]] : [];
      const [t, id] = parts.slice(-2);
      return t === type && id ? [id] : [];
    }),
  );
}

/** A declared token parameter's values: AND of ORs. */
export function tokenLists(name: string, values: readonly string[] | undefined): TokenFilter[][] {
  return (values ?? []).map((raw) => splitOr(raw).map((v) => parseToken(name, v)));
}

/** The codes a token list (OR) allows in one fixed system; see sql.ts codesFor for the rule. */
export function codesIn(filters: readonly TokenFilter[], system: string): string[] {
  return filters.filter((t) => t.system === undefined || t.system === system).map((t) => t.code);
}

/** The id of a reference to `type` (`Patient/1` → '1'), as a list (empty when absent or another type). */
export function refIds(reference: { reference?: string } | undefined, type: string): string[] {
  const m = reference?.reference?.match(/^([A-Za-z]+)\/([^/]+)$/);
  return m && m[1] === type ? [m[2]!] : [];
}
