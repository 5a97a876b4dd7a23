/**
 * Prescribing (issue [5/12] §3): the visit's doctor writes a draft (RX-1), checked by the rules on every
 * save; a save the rules refuse is a 422 naming the drug and the rule, and nothing is stored. Dry runs give
 * the same checks for live feedback without storing anything. A rejected prescription is revised as a new
 * version naming the one it replaces (RX-2, RX-10). Signing: prescription-signing.service.ts.
 */
import type { PrescriptionBody } from '../../../shared/prescriptions.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import { type PrescribingVisit, prescribingVisit, recordVisitEvent } from '../visits/visits.api.js';
import { drugsById } from './catalogue.service.js';
import type { RuleCheck } from './prescription.rules.js';
import {
  checkCounts,
  type Evaluation,
  evaluate,
  requirePassed,
  requirePrescriber,
} from './prescription-evaluation.js';
import {
  bodyOf,
  type PrescriptionRow,
  prescriptionItems,
  prescriptionKind,
  prescriptionRow,
  writeItems,
} from './prescription-store.js';
import { prescriptionErrors } from './prescriptions.errors.js';

export interface Saved {
  id: string;
  status: 'draft';
  checks: RuleCheck[];
}

const drugNames = (body: PrescriptionBody, e: Evaluation) =>
  body.items.map((i) => e.drugs.get(i.drugId)?.generic_name ?? i.drugId);

/** The timeline entry and audit event of every save (VISIT-5, RX-11). */
async function recordSave(
  cmd: CommandScope,
  row: Pick<PrescriptionRow, 'id' | 'visit_id' | 'patient_id' | 'version'>,
  body: PrescriptionBody,
  e: Evaluation,
  totalFen: number,
  action: 'create' | 'update',
) {
  await recordVisitEvent(cmd, row.visit_id, 'rx_saved', cmd.actor, {
    prescriptionId: row.id,
    prescriptionVersion: row.version,
    drugs: drugNames(body, e),
    totalFen,
    ...checkCounts(e.checks),
  });
  await cmd.audit({
    action: `prescription.${action}`,
    resourceType: 'prescription',
    resourceId: row.id,
    patientId: row.patient_id,
    details: { version: row.version, items: body.items.length, totalFen, ...checkCounts(e.checks) },
  });
}

/** POST /visits/{id}/prescriptions: a new draft, when every rule passes (RX-1, issue §3). */
export async function createPrescription(
  ctx: AppContext,
  auth: AuthContext,
  visitId: string,
  body: PrescriptionBody,
  actor: Actor,
): Promise<Saved> {
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const visit = await prescribingVisit(trx, visitId, now, true);
    requirePrescriber(auth, visit);
    const e = await evaluate(trx, visit, auth.practitionerId!, body, now);
    requirePassed(e);
    const id = newId();
    const row = {
      id,
      root_id: id,
      version: 1,
      replaces_id: null,
      visit_id: visit.id,
      patient_id: visit.patientId,
      practitioner_id: visit.practitionerId!,
      institution_id: visit.institutionId,
      department_id: visit.departmentId,
    };
    await trx
      .insertInto('prescription')
      .values({
        ...row,
        ...savedContent(visit, body, e),
        status: 'draft',
        created_at: now,
        updated_at: now,
      })
      .execute();
    const totalFen = await writeItems(trx, id, body.items, e.drugs);
    await recordSave(cmd, row, body, e, totalFen, 'create');
    return { id, status: 'draft' as const, checks: e.checks };
  });
}

/** What a save writes on the prescription row, on create and on edit alike (the lines are written apart). */
function savedContent(visit: PrescribingVisit, body: PrescriptionBody, e: Evaluation) {
  return {
    kind: prescriptionKind([...e.drugs.values()]),
    diagnoses: JSON.stringify(visit.diagnoses),
    patient_age_years: e.patient.ageYears,
    patient_weight_kg: body.patientWeightKg ?? null,
    valid_days: body.validDays ?? 1,
    validity_reason: body.validityReason?.trim() || null,
    long_term_reason: body.longTermReason?.trim() || null,
    checks: JSON.stringify(e.checks),
    total_fen: body.items.reduce((sum, i) => sum + e.drugs.get(i.drugId)!.price_fen * i.quantity, 0),
  };
}

/** The draft, locked, for its prescriber: 403 for anyone else, 409 once signed (RX-2: immutable). */
async function lockedDraft(cmd: CommandScope, auth: AuthContext, id: string) {
  const row = await prescriptionRow(cmd.trx, id, true);
  if (auth.practitionerId !== row.practitioner_id || !auth.roles.includes('doctor'))
    throw prescriptionErrors.notPrescriber();
  if (row.status !== 'draft') throw prescriptionErrors.notEditable();
  return row;
}

/** PUT /prescriptions/{id}: replaces a draft's content, when every rule passes; a signed one is 409. */
export async function updatePrescription(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  body: PrescriptionBody,
  actor: Actor,
): Promise<Saved> {
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const row = await lockedDraft(cmd, auth, id);
    const visit = await prescribingVisit(trx, row.visit_id, now, true);
    requirePrescriber(auth, visit);
    const e = await evaluate(trx, visit, auth.practitionerId!, body, now);
    requirePassed(e);
    // A draft's lines are rewritten; signed lines never are (RX-2; the database refuses it too).
    await trx.deleteFrom('prescription_item').where('prescription_id', '=', id).execute();
    const totalFen = await writeItems(trx, id, body.items, e.drugs);
    await trx
      .updateTable('prescription')
      .set({ ...savedContent(visit, body, e), updated_at: now })
      .where('id', '=', id)
      .execute();
    await recordSave(cmd, row, body, e, totalFen, 'update');
    return { id, status: 'draft' as const, checks: e.checks };
  });
}

/** The dry run's answer: every check, and whether a save would be accepted. Never a 422. */
export interface DryRun {
  ok: boolean;
  checks: RuleCheck[];
}

/**
 * A dry run: the checks a save of `body` in the visit would get, stored nowhere. It reads the patient's
 * allergies and age (the checks name them), so it is audited like any read of patient data (DJ-12) —
 * counts only in the details, never the findings.
 */
async function dryRun(
  ctx: AppContext,
  auth: AuthContext,
  visitId: string,
  body: PrescriptionBody,
  actor: Actor,
  resource: { type: 'visit' | 'prescription'; id: string },
): Promise<DryRun> {
  const now = ctx.clock.now();
  const visit = await prescribingVisit(ctx.db, visitId, now);
  requirePrescriber(auth, visit);
  const e = await evaluate(ctx.db, visit, auth.practitionerId!, body, now);
  await recordAudit(
    ctx.db,
    actor,
    {
      action: 'prescription.check',
      resourceType: resource.type,
      resourceId: resource.id,
      patientId: visit.patientId,
      details: { visitId, items: body.items.length, ...checkCounts(e.checks) },
    },
    now,
  );
  return { ok: e.failed.length === 0, checks: e.checks };
}

/** POST /visits/{id}/prescriptions/check: the checks a save of this body would get, stored nowhere. */
export async function checkForVisit(
  ctx: AppContext,
  auth: AuthContext,
  visitId: string,
  body: PrescriptionBody,
  actor: Actor,
): Promise<DryRun> {
  return dryRun(ctx, auth, visitId, body, actor, { type: 'visit', id: visitId });
}

/** POST /prescriptions/{id}/check: the checks an edit of this prescription to `body` would get. */
export async function checkForPrescription(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  body: PrescriptionBody,
  actor: Actor,
): Promise<DryRun> {
  const row = await prescriptionRow(ctx.db, id);
  if (auth.practitionerId !== row.practitioner_id) throw prescriptionErrors.notPrescriber();
  return dryRun(ctx, auth, row.visit_id, body, actor, { type: 'prescription', id });
}

/**
 * POST /prescriptions/{id}/revise: a rejected prescription comes back to its doctor (RX-10), who revises
 * it as a new draft version naming the one it replaces; the replaced version is superseded once the
 * revision is signed. Only one revision of a version (a unique index backs it).
 */
export async function revisePrescription(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<{ id: string; status: 'draft'; checks: RuleCheck[] }> {
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const old = await prescriptionRow(trx, id, true);
    if (auth.practitionerId !== old.practitioner_id || !auth.roles.includes('doctor'))
      throw prescriptionErrors.notPrescriber();
    if (old.status !== 'rejected') throw prescriptionErrors.notRevisable();
    const already = await trx
      .selectFrom('prescription')
      .select('id')
      .where('replaces_id', '=', id)
      .executeTakeFirst();
    if (already) throw prescriptionErrors.notRevisable(`该处方已有新版本（${already.id}），请编辑新版本。`);
    const items = await prescriptionItems(trx, id);
    const body = bodyOf(old, items);
    const visit = await prescribingVisit(trx, old.visit_id, now, true);
    requirePrescriber(auth, visit);
    // The copy is checked now and the checks stored (the visit may have closed since); signing re-checks.
    const e = await evaluate(trx, visit, auth.practitionerId!, body, now);
    const newIdValue = newId();
    const row = {
      id: newIdValue,
      root_id: old.root_id,
      version: old.version + 1,
      replaces_id: old.id,
      visit_id: old.visit_id,
      patient_id: old.patient_id,
      practitioner_id: old.practitioner_id,
      institution_id: old.institution_id,
      department_id: old.department_id,
    };
    await trx
      .insertInto('prescription')
      .values({
        ...row,
        kind: old.kind,
        status: 'draft',
        diagnoses: JSON.stringify(visit.diagnoses),
        patient_age_years: e.patient.ageYears,
        patient_weight_kg: old.patient_weight_kg,
        valid_days: old.valid_days,
        validity_reason: old.validity_reason,
        long_term_reason: old.long_term_reason,
        checks: JSON.stringify(e.checks),
        created_at: now,
        updated_at: now,
      })
      .execute();
    // Prices from the catalogue rows, active or not (a drug withdrawn since fails the checks above).
    const prices = await drugsById(
      trx,
      body.items.map((i) => i.drugId),
    );
    const totalFen = await writeItems(trx, newIdValue, body.items, prices);
    await trx.updateTable('prescription').set({ total_fen: totalFen }).where('id', '=', newIdValue).execute();
    await recordVisitEvent(cmd, old.visit_id, 'rx_revised', cmd.actor, {
      prescriptionId: newIdValue,
      prescriptionVersion: row.version,
      replacesVersion: old.version,
      drugs: drugNames(body, e),
      ...checkCounts(e.checks),
    });
    await cmd.audit({
      action: 'prescription.revise',
      resourceType: 'prescription',
      resourceId: newIdValue,
      patientId: old.patient_id,
      details: { replaces: old.id, version: row.version },
    });
    return { id: newIdValue, status: 'draft' as const, checks: e.checks };
  });
}
