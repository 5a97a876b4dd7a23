/**
 * Reading prescriptions (DJ-9, DJ-12): who may read one — the patient side once it is signed, its
 * prescriber, pharmacists of the issuing institution, the pharmacy filling it, the institution's
 * org_admin and the regulator (VISIT-5) — the full view with what the pharmacist reviews against
 * (diagnoses, allergies, age/weight, the pre-check, RX-10), and the paged lists: the review queue, a
 * doctor's, a patient's. Every read is audited.
 */
import type { Static } from 'typebox';
import type {
  PrescriptionListQuery,
  PrescriptionSummary,
  PrescriptionView,
} from '../../../shared/prescriptions.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { maskName } from '../../platform/crypto/mask.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { cutPage, decodeCursor, olderThan, type Page } from '../../platform/paging.js';
import { departmentFacts, institutionFacts, practitionerProfiles } from '../directory/directory.api.js';
import {
  actsForPatient,
  patientAllergies,
  patientProfiles,
  patientsOfAccount,
} from '../identity/identity.api.js';
import { visitTypeOf } from '../visits/visits.api.js';
import { drugSpec, drugsById } from './catalogue.service.js';
import {
  itemsOf,
  type PrescriptionRow,
  prescriptionItems,
  prescriptionRow,
  storedChecks,
} from './prescription-store.js';

export type Reader = 'patient' | 'prescriber' | 'pharmacist' | 'pharmacy' | 'supervision';

const UNSIGNED = ['draft', 'cancelled'];

/** The live fulfilment of a prescription (not cancelled), if the patient has chosen a pharmacy. */
export async function liveFulfilment(db: Executor, prescriptionId: string) {
  return db
    .selectFrom('fulfilment')
    .select(['id', 'status', 'pharmacy_id'])
    .where('prescription_id', '=', prescriptionId)
    .where('status', '<>', 'cancelled')
    .executeTakeFirst();
}

/**
 * Who the caller is to this prescription; 403 when nobody (audited by the refusal hook). The patient side
 * does not see a draft: it does not exist for them until it is signed (404, not 403, so ids do not leak).
 */
export async function requireReader(db: Executor, auth: AuthContext, row: PrescriptionRow): Promise<Reader> {
  if (auth.practitionerId && auth.practitionerId === row.practitioner_id) return 'prescriber';
  const signed = !UNSIGNED.includes(row.status);
  if (auth.roles.includes('pharmacist') && auth.institutionId === row.institution_id && signed)
    return 'pharmacist';
  if (auth.roles.includes('org_admin') && auth.institutionId === row.institution_id) return 'supervision';
  if (auth.roles.includes('regulator')) return 'supervision';
  if (
    (auth.roles.includes('pharmacy_staff') || auth.roles.includes('pharmacist')) &&
    auth.institutionId &&
    signed
  ) {
    const f = await liveFulfilment(db, row.id);
    if (f?.pharmacy_id === auth.institutionId) return 'pharmacy';
  }
  if (auth.roles.includes('patient') && (await actsForPatient(db, auth.accountId, row.patient_id))) {
    if (!signed) throw errors.notFound('处方');
    return 'patient';
  }
  throw errors.forbidden('无权查看该处方。');
}

type View = Static<typeof PrescriptionView>;

/** The full view of one prescription. */
export async function prescriptionView(db: Executor, row: PrescriptionRow, mask = false): Promise<View> {
  const items = await prescriptionItems(db, row.id);
  const drugs = await drugsById(
    db,
    items.map((i) => i.drug_id),
  );
  const patient = (await patientProfiles(db, [row.patient_id])).get(row.patient_id);
  const doctor = (await practitionerProfiles(db, [row.practitioner_id])).get(row.practitioner_id);
  const inst = (await institutionFacts(db, [row.institution_id])).get(row.institution_id);
  const dept = (await departmentFacts(db, [row.department_id])).get(row.department_id);
  const allergies = await patientAllergies(db, row.patient_id);
  const review = await db
    .selectFrom('prescription_review')
    .selectAll()
    .where('prescription_id', '=', row.id)
    .executeTakeFirst();
  const pharmacist = review
    ? (await practitionerProfiles(db, [review.pharmacist_id])).get(review.pharmacist_id)
    : undefined;
  const replacedBy = await db
    .selectFrom('prescription')
    .select('id')
    .where('replaces_id', '=', row.id)
    .executeTakeFirst();
  const fulfilment = await liveFulfilment(db, row.id);
  const name = patient?.name ?? '';
  return {
    id: row.id,
    rootId: row.root_id,
    version: row.version,
    replacesId: row.replaces_id,
    replacedById: replacedBy?.id ?? null,
    visitId: row.visit_id,
    visitType: (await visitTypeOf(db, row.visit_id)) ?? '',
    patientId: row.patient_id,
    patientName: mask ? maskName(name) : name,
    patientSex: patient?.sex ?? '',
    patientAgeYears: row.patient_age_years,
    patientWeightKg: row.patient_weight_kg,
    allergies: allergies.map((a) => a.substance),
    doctorName: doctor?.name ?? '',
    practitionerId: row.practitioner_id,
    institutionId: row.institution_id,
    institutionName: inst?.name ?? '',
    departmentName: dept?.name ?? '',
    kind: row.kind as View['kind'],
    status: row.status as View['status'],
    diagnoses: row.diagnoses,
    items: items.map((i) => {
      const d = drugs.get(i.drug_id)!;
      return {
        line: i.line,
        drugId: i.drug_id,
        genericName: d.generic_name,
        brandName: d.brand_name,
        spec: drugSpec(d),
        dose: i.dose,
        doseUnit: i.dose_unit,
        frequency: i.frequency as View['items'][number]['frequency'],
        days: i.days,
        quantity: i.quantity,
        packageUnit: d.package_unit,
        route: i.route,
        note: i.note,
        interactionOverrideReason: i.interaction_override_reason,
        unitPriceFen: i.unit_price_fen,
        insuranceCategory: d.insurance_category,
      };
    }),
    totalFen: row.total_fen,
    validDays: row.valid_days,
    validityReason: row.validity_reason,
    longTermReason: row.long_term_reason,
    checks: storedChecks(row),
    createdAt: row.created_at.toISOString(),
    signedAt: row.signed_at?.toISOString() ?? null,
    validUntil: row.valid_until?.toISOString() ?? null,
    contentHash: row.content_hash,
    signature: row.signature,
    certificateSerial: row.certificate_serial,
    review: review
      ? {
          decision: review.decision as 'approve' | 'reject',
          reason: review.reason,
          pharmacistName: pharmacist?.name ?? '',
          reviewedAt: review.reviewed_at.toISOString(),
          signature: review.signature,
        }
      : null,
    fulfilmentId: fulfilment?.id ?? null,
  };
}

/** GET /prescriptions/{id}: the view, for whoever may read it; audited (DJ-12). */
export async function getPrescription(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<View> {
  const row = await prescriptionRow(ctx.db, id);
  const reader = await requireReader(ctx.db, auth, row);
  const view = await prescriptionView(
    ctx.db,
    row,
    reader === 'supervision' && !auth.roles.includes('org_admin'),
  );
  await recordAudit(
    ctx.db,
    actor,
    {
      action: 'prescription.read',
      resourceType: 'prescription',
      resourceId: id,
      patientId: row.patient_id,
      details: { reader },
    },
    ctx.clock.now(),
  );
  return view;
}

type Summary = Static<typeof PrescriptionSummary>;
type ListQuery = Static<typeof PrescriptionListQuery>;

/**
 * GET /prescriptions: `queue=review` is the pharmacist's queue at their institution, oldest signature
 * first (RX-10); otherwise the caller's own — a doctor's prescriptions, a patient's (and their proxies')
 * signed ones, an institution's for its pharmacists and org_admin, the region's for the regulator.
 */
export async function listPrescriptions(
  ctx: AppContext,
  auth: AuthContext,
  query: ListQuery,
  actor: Actor,
): Promise<Page<Summary>> {
  const limit = query.limit ?? 20;
  const queue = query.queue ?? 'mine';
  let q = ctx.db.selectFrom('prescription').selectAll();
  let mask = false;
  let order: 'signed' | 'created' = 'created';
  if (queue === 'review') {
    if (!auth.roles.includes('pharmacist') || !auth.institutionId)
      throw errors.forbidden('审方队列仅对本机构药师开放（RX-10）。');
    q = q.where('institution_id', '=', auth.institutionId).where('status', '=', 'pending_review');
    order = 'signed';
  } else if (auth.roles.includes('doctor') && auth.practitionerId) {
    q = q.where('practitioner_id', '=', auth.practitionerId);
  } else if (auth.roles.includes('patient')) {
    const mine = await patientsOfAccount(ctx.db, auth.accountId);
    if (query.patientId && !mine.includes(query.patientId)) throw errors.notYourPatient();
    if (mine.length === 0) return { items: [], nextCursor: null };
    q = q.where('patient_id', 'in', mine).where('status', 'not in', UNSIGNED);
  } else if ((auth.roles.includes('pharmacist') || auth.roles.includes('org_admin')) && auth.institutionId) {
    q = q.where('institution_id', '=', auth.institutionId).where('status', 'not in', UNSIGNED);
  } else if (auth.roles.includes('regulator')) {
    q = q.where('status', 'not in', UNSIGNED);
    mask = true;
  } else {
    throw errors.forbidden();
  }
  if (query.patientId) q = q.where('patient_id', '=', query.patientId);
  if (query.visitId) q = q.where('visit_id', '=', query.visitId);
  if (query.status) q = q.where('status', '=', query.status);

  const after = decodeCursor(query.cursor, ['instant', 'uuid'] as const);
  if (order === 'signed') {
    if (after) {
      const at = new Date(after[0]);
      q = q.where((eb) =>
        eb.or([eb('signed_at', '>', at), eb.and([eb('signed_at', '=', at), eb('id', '>', after[1])])]),
      );
    }
    q = q.orderBy('signed_at', 'asc').orderBy('id', 'asc');
  } else {
    q = q.where(olderThan('created_at', after));
    q = q.orderBy('created_at', 'desc').orderBy('id', 'desc');
  }
  const rows = await q.limit(limit + 1).execute();
  const page = cutPage(rows, limit, (r) => [
    (order === 'signed' ? r.signed_at! : r.created_at).toISOString(),
    r.id,
  ]);
  const items = await summaries(ctx.db, page.rows, mask);
  await recordAudit(
    ctx.db,
    actor,
    { action: 'prescription.list', resourceType: 'prescription', details: { queue, count: items.length } },
    ctx.clock.now(),
  );
  return { items, nextCursor: page.nextCursor };
}

async function summaries(db: Executor, rows: PrescriptionRow[], mask: boolean): Promise<Summary[]> {
  const ids = rows.map((r) => r.id);
  const items = await itemsOf(db, ids);
  const drugs = await drugsById(
    db,
    [...items.values()].flat().map((i) => i.drug_id),
  );
  const patients = await patientProfiles(
    db,
    rows.map((r) => r.patient_id),
  );
  const doctors = await practitionerProfiles(
    db,
    rows.map((r) => r.practitioner_id),
  );
  const institutions = await institutionFacts(
    db,
    rows.map((r) => r.institution_id),
  );
  const fulfilments =
    ids.length === 0
      ? []
      : await db
          .selectFrom('fulfilment')
          .select(['id', 'prescription_id', 'status'])
          .where('prescription_id', 'in', ids)
          .where('status', '<>', 'cancelled')
          .execute();
  const fulfilmentOf = new Map(fulfilments.map((f) => [f.prescription_id, f]));
  return rows.map((r) => {
    const name = patients.get(r.patient_id)?.name ?? '';
    const doctor = doctors.get(r.practitioner_id);
    const f = fulfilmentOf.get(r.id);
    return {
      id: r.id,
      version: r.version,
      visitId: r.visit_id,
      patientName: mask ? maskName(name) : name,
      doctorName: doctor?.name ?? '',
      institutionName: institutions.get(r.institution_id)?.name ?? '',
      status: r.status as Summary['status'],
      drugs: (items.get(r.id) ?? []).map((i) => drugs.get(i.drug_id)?.generic_name ?? i.drug_id),
      totalFen: r.total_fen,
      createdAt: r.created_at.toISOString(),
      signedAt: r.signed_at?.toISOString() ?? null,
      validUntil: r.valid_until?.toISOString() ?? null,
      flags: storedChecks(r).filter((c) => c.outcome !== 'pass').length,
      fulfilmentId: f?.id ?? null,
      fulfilmentStatus: f?.status ?? null,
    };
  });
}
