/**
 * What other modules may ask of prescriptions (style.md: a module owns its tables; others call these
 * functions with their own executor or transaction): a prescription as a pharmacy fills it, whether its
 * signature holds, and the steps circulation takes on it (lock, dispensed, expired — rx-filling.ts).
 */
import type { Executor } from '../../platform/db/database.js';
import { drugSpec, drugsById } from './catalogue.service.js';
import { verifyStored } from './prescription-files.service.js';
import { prescriptionItems, prescriptionRow } from './prescription-store.js';
import { fillLines, lockPrescription, markDispensed, markExpired, requireFillable } from './rx-filling.js';

export { fillLines, lockPrescription, markDispensed, markExpired, requireFillable };

/** A prescription as a pharmacy fills it (RX-3, RX-6, RX-11). */
export interface PrescriptionForFilling {
  id: string;
  status: string;
  validUntil: Date | null;
  patientId: string;
  visitId: string;
  institutionId: string;
  practitionerId: string;
  contentHash: string | null;
  certificateSerial: string | null;
  totalFen: number;
  items: {
    line: number;
    drugId: string;
    genericName: string;
    spec: string;
    kind: string;
    quantity: number;
    packageUnit: string;
    unitPriceFen: number;
    insuranceCategory: string;
  }[];
}

export async function prescriptionForFilling(db: Executor, id: string): Promise<PrescriptionForFilling> {
  const row = await prescriptionRow(db, id);
  const items = await prescriptionItems(db, id);
  const drugs = await drugsById(
    db,
    items.map((i) => i.drug_id),
  );
  return {
    id: row.id,
    status: row.status,
    validUntil: row.valid_until,
    patientId: row.patient_id,
    visitId: row.visit_id,
    institutionId: row.institution_id,
    practitionerId: row.practitioner_id,
    contentHash: row.content_hash,
    certificateSerial: row.certificate_serial,
    totalFen: row.total_fen,
    items: items.map((i) => {
      const d = drugs.get(i.drug_id)!;
      return {
        line: i.line,
        drugId: i.drug_id,
        genericName: d.generic_name,
        spec: drugSpec(d),
        kind: d.kind,
        quantity: i.quantity,
        packageUnit: d.package_unit,
        unitPriceFen: i.unit_price_fen,
        insuranceCategory: d.insurance_category,
      };
    }),
  };
}

/**
 * Whether the stored prescription's signature holds (the pharmacy checks before dispensing, RX-2): the
 * doctor's certificate against the platform CA, the SM3 hash and the SM2 signature, the review's too.
 */
export async function prescriptionSignatureValid(
  db: Executor,
  id: string,
): Promise<{ valid: boolean; problems: string[] }> {
  const row = await prescriptionRow(db, id);
  if (!row.signed_document) return { valid: false, problems: ['not signed'] };
  const r = await verifyStored(db, row);
  return { valid: r.valid, problems: r.problems };
}

/** One medication event of a patient's health archive ([6/12], REC-3): a prescription issued, or its drugs dispensed. */
export interface MedicationEvent {
  kind: 'prescription' | 'dispense';
  /** The prescription's id, or the fulfilment's for a dispense. */
  id: string;
  prescriptionId: string;
  /** Signed (issued), or dispensed. */
  at: Date;
  status: string;
  /** The prescribing institution, or the dispensing pharmacy. */
  institutionId: string;
  practitionerId: string;
  diagnoses: { icd10: string; name: string }[];
  drugs: { genericName: string; spec: string; quantity: number; packageUnit: string }[];
  method: 'pickup' | 'delivery' | null;
}

/** Prescriptions a patient's archive shows: issued and not withdrawn (a rejected or superseded one was never given). */
const ISSUED = ['pending_review', 'approved', 'dispensed', 'expired'];

/**
 * A patient's prescriptions (by signing time) or dispensings (by dispensing time), newest first, after a
 * keyset bound (`(at, id) < (before.at, before.id)`), at most `limit` ([6/12] timeline and export). Served by
 * prescription_patient and fulfilment_patient (a patient has few).
 */
export async function patientMedicationEvents(
  db: Executor,
  patientId: string,
  kind: 'prescription' | 'dispense',
  before: { at: Date; id: string } | undefined,
  limit: number,
): Promise<MedicationEvent[]> {
  const rows =
    kind === 'prescription'
      ? await db
          .selectFrom('prescription')
          .select([
            'id',
            'id as prescription_id',
            'signed_at as at',
            'status',
            'institution_id',
            'practitioner_id',
            'diagnoses',
          ])
          .select((eb) => eb.val<string | null>(null).as('method'))
          .where('patient_id', '=', patientId)
          .where('status', 'in', ISSUED)
          .where('signed_at', 'is not', null)
          .$if(before !== undefined, (q) =>
            q.where((eb) =>
              eb.or([
                eb('signed_at', '<', before!.at),
                eb.and([eb('signed_at', '=', before!.at), eb('id', '<', before!.id)]),
              ]),
            ),
          )
          .orderBy('signed_at', 'desc')
          .orderBy('id', 'desc')
          .limit(limit)
          .execute()
      : await db
          .selectFrom('fulfilment as f')
          .innerJoin('prescription as p', 'p.id', 'f.prescription_id')
          .select([
            'f.id',
            'f.prescription_id',
            'f.dispensed_at as at',
            'f.status',
            'f.pharmacy_id as institution_id',
            'p.practitioner_id',
            'p.diagnoses',
            'f.method',
          ])
          .where('f.patient_id', '=', patientId)
          .where('f.dispensed_at', 'is not', null)
          .where('f.status', '<>', 'cancelled')
          .$if(before !== undefined, (q) =>
            q.where((eb) =>
              eb.or([
                eb('f.dispensed_at', '<', before!.at),
                eb.and([eb('f.dispensed_at', '=', before!.at), eb('f.id', '<', before!.id)]),
              ]),
            ),
          )
          .orderBy('f.dispensed_at', 'desc')
          .orderBy('f.id', 'desc')
          .limit(limit)
          .execute();
  if (rows.length === 0) return [];
  const items = await db
    .selectFrom('prescription_item')
    .select(['prescription_id', 'line', 'drug_id', 'quantity'])
    .where(
      'prescription_id',
      'in',
      rows.map((r) => r.prescription_id),
    )
    .orderBy('prescription_id')
    .orderBy('line')
    .execute();
  const drugs = await drugsById(
    db,
    items.map((i) => i.drug_id),
  );
  return rows.map((r) => ({
    kind,
    id: r.id,
    prescriptionId: r.prescription_id,
    at: r.at!,
    status: r.status,
    institutionId: r.institution_id,
    practitionerId: r.practitioner_id,
    diagnoses: r.diagnoses,
    drugs: items
      .filter((i) => i.prescription_id === r.prescription_id)
      .map((i) => {
        const d = drugs.get(i.drug_id)!;
        return {
          genericName: d.generic_name,
          spec: drugSpec(d),
          quantity: i.quantity,
          packageUnit: d.package_unit,
        };
      }),
    method: (r.method as MedicationEvent['method']) ?? null,
  }));
}

/** A fulfilment's prescription as insurance settlement sees it ([7/12], INS-2, INS-4). */
export interface FulfilmentForInsurance {
  fulfilmentId: string;
  prescriptionId: string;
  visitId: string;
  patientId: string;
  practitionerId: string;
  institutionId: string;
  /** Days each drug lasts as prescribed (prescription_item.days), by drug id: the fraud screen's supply. */
  daysByDrug: Map<string, number>;
}

/** The prescription a fulfilment (a prescription order's `refId`) fills; undefined when there is none. */
export async function fulfilmentForInsurance(
  db: Executor,
  fulfilmentId: string,
): Promise<FulfilmentForInsurance | undefined> {
  const f = await db
    .selectFrom('fulfilment as f')
    .innerJoin('prescription as p', 'p.id', 'f.prescription_id')
    .select([
      'f.id',
      'p.id as prescription_id',
      'p.visit_id',
      'p.patient_id',
      'p.practitioner_id',
      'p.institution_id',
    ])
    .where('f.id', '=', fulfilmentId)
    .executeTakeFirst();
  if (!f) return undefined;
  const items = await db
    .selectFrom('prescription_item')
    .select(['drug_id', 'days'])
    .where('prescription_id', '=', f.prescription_id)
    .execute();
  const daysByDrug = new Map<string, number>();
  for (const i of items) daysByDrug.set(i.drug_id, Math.max(daysByDrug.get(i.drug_id) ?? 0, i.days));
  return {
    fulfilmentId: f.id,
    prescriptionId: f.prescription_id,
    visitId: f.visit_id,
    patientId: f.patient_id,
    practitionerId: f.practitioner_id,
    institutionId: f.institution_id,
    daysByDrug,
  };
}

/**
 * [7/12] 智能监管 (INS-4): the prescription each fulfilment fills (a prescription order's `ref_id` is its
 * fulfilment): the prescription, its visit, patient and prescriber, by fulfilment id.
 */
export async function prescriptionsOfFulfilments(
  db: Executor,
  fulfilmentIds: readonly string[],
): Promise<
  Map<string, { prescriptionId: string; visitId: string; patientId: string; practitionerId: string }>
> {
  if (fulfilmentIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('fulfilment as f')
    .innerJoin('prescription as p', 'p.id', 'f.prescription_id')
    .select(['f.id', 'p.id as prescription_id', 'p.visit_id', 'p.patient_id', 'p.practitioner_id'])
    .where('f.id', 'in', [...new Set(fulfilmentIds)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        prescriptionId: r.prescription_id,
        visitId: r.visit_id,
        patientId: r.patient_id,
        practitionerId: r.practitioner_id,
      },
    ]),
  );
}
