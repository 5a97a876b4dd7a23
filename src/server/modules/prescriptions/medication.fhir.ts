/**
 * What MedicationRequest and MedicationDispense share ([6/12]): the drug as a CodeableConcept (our
 * catalogue's code system, with ATC where the catalogue has it, and the Chinese generic name), the
 * dosage (text as a 处方笺 writes it, timing, dose), and the composite ids of prescription lines.
 */
import type { CodeableConcept, Dosage, Timing } from '@medplum/fhirtypes';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { ATC, coding, days, quantity, TERMINOLOGY } from '../../fhir/clinical.js';
import { LOCAL_CS, LOCAL_SID } from '../../fhir/datatypes.js';
import { isUuid, or, rowAfter, sortParam, textIn } from '../../fhir/sql.js';
import type { After, ProviderQuery } from '../../fhir/types.js';
import { FREQUENCIES, isFrequency } from './prescription.dose.js';

/** Our drug catalogue (modelled on 国家医保药品目录): `YY` + 4 digits. */
export const DRUG_CS = `${LOCAL_CS}/drug`;
/** A prescription (the group of its lines: MedicationRequest.groupIdentifier). */
export const PRESCRIPTION_SID = `${LOCAL_SID}/prescription`;
/** One line of a prescription: `<prescription id>-<line>` (MedicationRequest.identifier). */
export const PRESCRIPTION_LINE_SID = `${LOCAL_SID}/prescription-line`;

/** `<uuid>-<line>` → its parts; null for anything else (an id that cannot exist). */
export function lineId(id: string): { id: string; line: number } | null {
  const m = /^([0-9a-f-]{36})-(\d{1,4})$/i.exec(id);
  return m && isUuid(m[1]!) ? { id: m[1]!.toLowerCase(), line: Number(m[2]) } : null;
}

export interface DrugFacts {
  drug_id: string;
  generic_name: string;
  brand_name: string | null;
  atc: string | null;
  strength: number;
  strength_unit: string;
  package_unit: string;
}

export function medicationConcept(d: DrugFacts): CodeableConcept {
  return {
    coding: [coding(DRUG_CS, d.drug_id, d.generic_name), ...(d.atc ? [coding(ATC, d.atc)] : [])],
    text: `${d.generic_name}${d.brand_name ? `（${d.brand_name}）` : ''} ${d.strength}${d.strength_unit}`,
  };
}

/** Routes as a 处方笺 prints them (prescription-pdf.ts keeps the same words). */
const ROUTES_ZH: Record<string, string> = {
  oral: '口服',
  topical: '外用',
  inhalation: '吸入',
  injection: '注射',
  ophthalmic: '滴眼',
  rectal: '直肠给药',
  sublingual: '舌下含服',
  nasal: '鼻用',
};

const GTS = `${TERMINOLOGY}/v3-GTSAbbreviation`;

/** Each frequency as Timing.repeat, with the v3 GTSAbbreviation code where one exists. */
const TIMINGS: Record<string, { repeat: NonNullable<Timing['repeat']>; gts?: string }> = {
  qd: { repeat: { frequency: 1, period: 1, periodUnit: 'd' }, gts: 'QD' },
  bid: { repeat: { frequency: 2, period: 1, periodUnit: 'd' }, gts: 'BID' },
  tid: { repeat: { frequency: 3, period: 1, periodUnit: 'd' }, gts: 'TID' },
  qid: { repeat: { frequency: 4, period: 1, periodUnit: 'd' }, gts: 'QID' },
  // Every night: `when` HS (R4 tim-3: frequency and when not both).
  qn: { repeat: { period: 1, periodUnit: 'd', when: ['HS'] }, gts: 'BED' },
  q12h: { repeat: { frequency: 1, period: 12, periodUnit: 'h' } },
  q8h: { repeat: { frequency: 1, period: 8, periodUnit: 'h' }, gts: 'Q8H' },
  q6h: { repeat: { frequency: 1, period: 6, periodUnit: 'h' }, gts: 'Q6H' },
  qw: { repeat: { frequency: 1, period: 1, periodUnit: 'wk' }, gts: 'WK' },
  // As needed (asNeededBoolean): no schedule, only the days it covers.
  prn: { repeat: {} },
  // Once, now.
  st: { repeat: { count: 1 } },
};

export interface LineFacts {
  dose: number;
  dose_unit: string;
  frequency: string;
  days: number;
  route: string;
  note: string | null;
}

/** The line's dosage: as the 处方笺 says it (每次 5mg，每日一次，口服，共 7 天), and structured. */
export function dosage(l: LineFacts): Dosage {
  const freq = isFrequency(l.frequency) ? FREQUENCIES[l.frequency] : undefined;
  const route = ROUTES_ZH[l.route] ?? l.route;
  const t = TIMINGS[l.frequency];
  const text = [`每次 ${l.dose}${l.dose_unit}`, freq?.zh ?? l.frequency, route, `共 ${l.days} 天`].join('，');
  const timing: Timing | undefined = t
    ? {
        repeat: {
          ...t.repeat,
          ...(l.frequency === 'st' ? {} : { boundsDuration: days(l.days) }),
        },
        ...(t.gts
          ? { code: { coding: [coding(GTS, t.gts)], text: freq?.zh } }
          : freq
            ? { code: { text: freq.zh } }
            : {}),
      }
    : undefined;
  return {
    sequence: 1,
    text: l.note ? `${text}。${l.note}` : text,
    ...(l.note ? { patientInstruction: l.note } : {}),
    ...(timing ? { timing } : {}),
    ...(l.frequency === 'prn' ? { asNeededBoolean: true } : {}),
    route: { text: route },
    doseAndRate: [{ doseQuantity: quantity(l.dose, l.dose_unit) }],
  };
}

/** A drug token (OR): our catalogue code, or an ATC code; no system: either. */
export function drugCodes(list: { system?: string; code: string }[]): { drugIds: string[]; atc: string[] } {
  return {
    drugIds: list.filter((t) => t.system === undefined || t.system === DRUG_CS).map((t) => t.code),
    atc: list.filter((t) => t.system === undefined || t.system === ATC).map((t) => t.code),
  };
}

// --- SQL the two providers share

export const dirOf = (q: ProviderQuery) => sql.raw(q.sort.desc ? 'desc' : 'asc');

/** `_id` values (OR) as (row id, line) pairs. */
export function lineIds(ids: string[], idCol: string, lineCol: string): RawBuilder<SqlBool> {
  return or(
    ids.flatMap((raw) => {
      const l = lineId(raw);
      return l ? [sql<SqlBool>`(${sql.ref(idCol)} = ${l.id} and ${sql.ref(lineCol)} = ${l.line})`] : [];
    }),
  );
}

/** After (sort value, `<uuid>-<line>`): the three-part keyset; false for a cursor that cannot exist. */
export function lineAfter(
  key: RawBuilder<unknown> | ReturnType<typeof sql.ref>,
  idCol: string,
  lineCol: string,
  after: After | undefined,
  desc: boolean,
): RawBuilder<SqlBool> {
  if (!after) return sql<SqlBool>`true`;
  const v = sortParam(after.value, 'instant');
  const l = lineId(after.id);
  if (v === undefined || !l) return sql<SqlBool>`false`;
  return rowAfter([key, sql.ref(idCol), sql.ref(lineCol)], [v, l.id, l.line], desc);
}

/** A drug token list (OR) against the line's drug. */
export function drugCondition(list: { system?: string; code: string }[]): RawBuilder<SqlBool> {
  const { drugIds, atc } = drugCodes(list);
  return or([textIn(sql.ref('d.id'), drugIds), textIn(sql.ref('d.atc'), atc)]);
}

/** Our statuses that map to any of the FHIR codes searched. */
export const ourStatuses = (fhir: string[], map: Record<string, string | undefined>) =>
  Object.entries(map)
    .filter(([, v]) => v !== undefined && fhir.includes(v))
    .map(([k]) => k);
