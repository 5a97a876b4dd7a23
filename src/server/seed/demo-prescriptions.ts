/**
 * The demo region's prescribing data ([5/12]): the drug catalogue (drug-data.ts, with pinyin search keys),
 * each hospital's and community centre's online formulary, and recorded allergies of the demo patients.
 * Batched inserts: every integration test file seeds the region.
 */

import { sql } from 'kysely';
import type { DrugSeed } from '../modules/prescriptions/drug.types.js';
import { DRUGS } from '../modules/prescriptions/drug-data.js';
import { searchKeys } from '../modules/prescriptions/drug-search.js';
import type { Tx } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';

export interface SeedIds {
  /** Institution ids by code (YC-H01 …). */
  institutions: Map<string, string>;
  /** Practitioner ids by code (P001 …). */
  practitioners: Map<string, string>;
  /** Patient ids by name (张伟 …). */
  patients: Map<string, string>;
}

const BATCH = 200;

function chunks<T>(rows: T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** RX-4: never online — specially managed drugs and 特殊使用级 antimicrobials. */
const onlineAllowed = (d: DrugSeed) => d.specialFlags.length === 0 && d.antimicrobial !== 'special';

/**
 * A community centre's online formulary (基层用药): chronic-disease and common drugs — the long-term
 * drugs, the OTC ones and the 甲类 essentials — with antimicrobials only of the unrestricted grade
 * (抗菌药物临床应用管理办法: 基层 prescribes 非限制使用级 only).
 */
const suitsCommunity = (d: DrugSeed) =>
  onlineAllowed(d) && d.antimicrobial !== 'restricted' && (d.chronic || d.otc || d.insuranceCategory === 'A');

/** The allergies the demo shows: 王秀英's penicillin allergy (张伟 has none, so his amlodipine passes). */
const DEMO_ALLERGIES: { patient: string; substance: string; reaction: string }[] = [
  { patient: '王秀英', substance: '青霉素类', reaction: '皮疹、瘙痒（2019 年注射青霉素后）' },
];

export async function seedPrescribing(trx: Tx, ids: SeedIds, now: Date): Promise<void> {
  for (const batch of chunks(DRUGS)) {
    await trx
      .insertInto('drug')
      .values(
        batch.map((d) => {
          const keys = searchKeys(d);
          return {
            id: d.id,
            generic_name: d.genericName,
            brand_name: d.brandName,
            name_en: d.nameEn,
            kind: d.kind,
            atc: d.atc,
            dosage_form: d.dosageForm,
            strength: d.strength,
            strength_unit: d.strengthUnit,
            unit: d.unit,
            package_size: d.packageSize,
            package_unit: d.packageUnit,
            route: d.route,
            usual_daily_dose: d.usualDailyDose,
            max_daily_dose: d.maxDailyDose,
            max_daily_dose_per_kg: d.maxDailyDosePerKg,
            min_age_years: d.minAgeYears,
            price_fen: d.priceFen,
            insurance_category: d.insuranceCategory,
            otc: d.otc,
            antimicrobial: d.antimicrobial,
            special_flags: d.specialFlags,
            ingredients: d.ingredients,
            allergen_classes: d.allergenClasses,
            chronic: d.chronic,
            pinyin_initials: keys.pinyinInitials,
            pinyin_full: keys.pinyinFull,
          };
        }),
      )
      .execute();
  }

  // Formularies: the hospitals every drug allowed online; the community centres the chronic and common ones.
  // One statement per institution (the ids as one array), not thousands of bound rows.
  for (const [code, institutionId] of ids.institutions) {
    const fits = code.startsWith('YC-H') ? onlineAllowed : code.startsWith('YC-C') ? suitsCommunity : null;
    if (!fits) continue;
    const drugIds = DRUGS.filter(fits).map((d) => d.id);
    await sql`insert into formulary (institution_id, drug_id, added_by, added_at)
      select ${institutionId}, unnest(${drugIds}::text[]), null, ${now}`.execute(trx);
  }

  const allergies = DEMO_ALLERGIES.flatMap((a) => {
    const patientId = ids.patients.get(a.patient);
    return patientId
      ? [
          {
            id: newId(),
            patient_id: patientId,
            substance: a.substance,
            reaction: a.reaction,
            recorded_by: null,
            recorded_at: now,
            removed_at: null,
          },
        ]
      : [];
  });
  if (allergies.length > 0) await trx.insertInto('patient_allergy').values(allergies).execute();
}
