/**
 * Reading and writing prescriptions inside the module: a row and its items, the catalogue facts the rules
 * take (a `drug` row as a DrugSeed), and the items a save writes. Signed rows are never rewritten here:
 * only drafts get their items replaced (RX-2).
 */
import type { Selectable } from 'kysely';
import type { PrescriptionBody } from '../../../shared/prescriptions.js';
import type { Executor } from '../../platform/db/database.js';
import type { PrescriptionItemTable, PrescriptionTable } from '../../platform/db/schema.js';
import { errors } from '../../platform/errors.js';
import { type DrugRow, drugsById } from './catalogue.service.js';
import type { AntimicrobialGrade, DrugKind, DrugSeed, InsuranceCategory, SpecialFlag } from './drug.types.js';
import type { RuleCheck } from './prescription.rules.js';

export type PrescriptionRow = Selectable<PrescriptionTable>;
export type PrescriptionItemRow = Selectable<PrescriptionItemTable>;

/** A catalogue row as the pure rules read it. */
export function drugSeedOf(d: DrugRow): DrugSeed {
  return {
    id: d.id,
    genericName: d.generic_name,
    brandName: d.brand_name,
    nameEn: d.name_en,
    kind: d.kind as DrugKind,
    atc: d.atc,
    dosageForm: d.dosage_form,
    strength: d.strength,
    strengthUnit: d.strength_unit,
    unit: d.unit,
    packageSize: d.package_size,
    packageUnit: d.package_unit,
    route: d.route,
    usualDailyDose: d.usual_daily_dose,
    maxDailyDose: d.max_daily_dose,
    maxDailyDosePerKg: d.max_daily_dose_per_kg,
    minAgeYears: d.min_age_years,
    priceFen: d.price_fen,
    insuranceCategory: d.insurance_category as InsuranceCategory,
    otc: d.otc,
    antimicrobial: d.antimicrobial as AntimicrobialGrade,
    specialFlags: d.special_flags as SpecialFlag[],
    ingredients: d.ingredients,
    allergenClasses: d.allergen_classes,
    chronic: d.chronic,
  };
}

/** The active catalogue rows of these drugs (an inactive drug is as good as unknown: RX_UNKNOWN_DRUG). */
export async function activeDrugs(db: Executor, ids: readonly string[]): Promise<Map<string, DrugRow>> {
  const rows = await drugsById(db, ids);
  for (const [id, row] of rows) if (!row.active) rows.delete(id);
  return rows;
}

/** The prescription, optionally locked for the caller's transaction; 404 when there is none. */
export async function prescriptionRow(db: Executor, id: string, lock = false): Promise<PrescriptionRow> {
  let q = db.selectFrom('prescription').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw errors.notFound('处方');
  return row;
}

export async function prescriptionItems(db: Executor, id: string): Promise<PrescriptionItemRow[]> {
  return db
    .selectFrom('prescription_item')
    .selectAll()
    .where('prescription_id', '=', id)
    .orderBy('line')
    .execute();
}

/** Items of many prescriptions at once (a page of a list). */
export async function itemsOf(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, PrescriptionItemRow[]>> {
  const out = new Map<string, PrescriptionItemRow[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('prescription_item')
    .selectAll()
    .where('prescription_id', 'in', [...new Set(ids)])
    .orderBy('prescription_id')
    .orderBy('line')
    .execute();
  for (const r of rows) out.set(r.prescription_id, [...(out.get(r.prescription_id) ?? []), r]);
  return out;
}

/** A stored line back as the request body had it (a revision copies them; signing re-checks them). */
export function itemInput(r: PrescriptionItemRow): PrescriptionBody['items'][number] {
  return {
    drugId: r.drug_id,
    dose: r.dose,
    doseUnit: r.dose_unit,
    frequency: r.frequency as PrescriptionBody['items'][number]['frequency'],
    days: r.days,
    quantity: r.quantity,
    route: r.route,
    ...(r.note ? { note: r.note } : {}),
    ...(r.interaction_override_reason ? { interactionOverrideReason: r.interaction_override_reason } : {}),
  };
}

/** The draft's body as stored: what a dry run or signing checks again. */
export function bodyOf(row: PrescriptionRow, items: PrescriptionItemRow[]): PrescriptionBody {
  return {
    items: items.map(itemInput),
    validDays: row.valid_days,
    ...(row.validity_reason ? { validityReason: row.validity_reason } : {}),
    ...(row.long_term_reason ? { longTermReason: row.long_term_reason } : {}),
    ...(row.patient_weight_kg !== null ? { patientWeightKg: row.patient_weight_kg } : {}),
  };
}

/** Writes a draft's lines with each drug's catalogue price per package (integer fen); returns the total. */
export async function writeItems(
  trx: Executor,
  prescriptionId: string,
  items: PrescriptionBody['items'],
  drugs: ReadonlyMap<string, DrugRow>,
): Promise<number> {
  let total = 0;
  const values = items.map((item, i) => {
    const price = drugs.get(item.drugId)!.price_fen;
    total += price * item.quantity;
    return {
      prescription_id: prescriptionId,
      line: i + 1,
      drug_id: item.drugId,
      dose: item.dose,
      dose_unit: item.doseUnit.trim(),
      frequency: item.frequency,
      days: item.days,
      quantity: item.quantity,
      route: item.route.trim(),
      note: item.note?.trim() || null,
      interaction_override_reason: item.interactionOverrideReason?.trim() || null,
      unit_price_fen: price,
    };
  });
  await trx.insertInto('prescription_item').values(values).execute();
  return total;
}

export const storedChecks = (row: Pick<PrescriptionRow, 'checks'>) => row.checks as unknown as RuleCheck[];

/** 'herbal' when every line is herbal pieces (中药饮片), else 'western' (Western and Chinese patent, RX-8). */
export function prescriptionKind(drugs: readonly DrugRow[]): 'western' | 'herbal' {
  return drugs.length > 0 && drugs.every((d) => d.kind === 'herbal') ? 'herbal' : 'western';
}
