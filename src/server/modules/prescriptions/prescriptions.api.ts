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
