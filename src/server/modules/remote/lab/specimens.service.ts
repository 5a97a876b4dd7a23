/**
 * Specimens and their chain of custody (REMOTE-5: the community institution takes the specimen, the regional
 * laboratory tests it). One specimen per request: the request's tubes (one per container its panels need)
 * travel in one sealed bag under one printed barcode, and the whole set is received, tested or rejected
 * together; a rejection asks the requesting doctor for a re-draw — a new specimen (`redraw_of`) that starts
 * its chain again. Every step is an event with who, where and when, and audited (REC-2, DJ-12).
 *
 * Lock order: the request first (`requestRow(trx, id, true)`), then the specimen — as the results entry and
 * the report's signature take them.
 */

import type { Static } from 'typebox';
import type { CreateSpecimenBody, SpecimenEventBody, SpecimenView } from '../../../../shared/remote.js';
import { type Actor, recordAudit } from '../../../platform/audit/audit.js';
import type { AuthContext } from '../../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../../platform/command.js';
import type { AppContext } from '../../../platform/context.js';
import type { Executor } from '../../../platform/db/database.js';
import type { SpecimenStep } from '../../../platform/db/schema.js';
import { newId } from '../../../platform/ids.js';
import { institutionFacts } from '../../directory/directory.api.js';
import { accountNames, patientNames } from '../../identity/identity.api.js';
import { notices } from '../../notifications/notices.js';
import { notify } from '../../notifications/notify.js';
import { remoteErrors } from '../remote.errors.js';
import {
  assertAcceptsMaterial,
  isCentre,
  isRequester,
  materialArrived,
  type RemoteStaff,
  type RequestRow,
  remoteStaff,
  requestRow,
} from '../request-access.js';
import { labErrors } from './lab.errors.js';
import { panelOf } from './panels.js';
import { refuseStep, type Side, type StepRefusal, specimenBarcode } from './specimen.rules.js';

export interface SpecimenRow {
  id: string;
  barcode: string;
  request_id: string;
  patient_id: string;
  container: string;
  panels: string[];
  status: SpecimenStep;
  reject_reason: string | null;
  redraw_of: string | null;
  collected_at: Date;
}

const SPECIMEN_COLUMNS = [
  'id',
  'barcode',
  'request_id',
  'patient_id',
  'container',
  'panels',
  'status',
  'reject_reason',
  'redraw_of',
  'collected_at',
] as const;

export async function specimensOf(db: Executor, requestId: string): Promise<SpecimenRow[]> {
  return db
    .selectFrom('specimen')
    .select(SPECIMEN_COLUMNS)
    .where('request_id', '=', requestId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

async function specimenByBarcode(db: Executor, barcode: string, forUpdate = false): Promise<SpecimenRow> {
  let q = db.selectFrom('specimen').select(SPECIMEN_COLUMNS).where('barcode', '=', barcode);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw labErrors.specimenNotFound();
  return row;
}

/** A request row's panel codes (the row type carries Kysely's column type). */
export const requestPanels = (row: RequestRow): string[] => row.panels as unknown as string[];

/** The sides the caller is on for this request (none: a stranger). */
export function sidesOf(staff: RemoteStaff, row: RequestRow): Side[] {
  const sides: Side[] = [];
  if (isRequester(staff, row)) sides.push('requester');
  if (isCentre(staff, row)) sides.push('centre');
  return sides;
}

/** The containers a request's panels need, one line: '紫头管（EDTA-K2 抗凝全血）×1；黄头管…×1'. */
export function containersOf(panels: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const code of panels) {
    const c = panelOf(code)?.container;
    if (c && !counts.has(c)) counts.set(c, 1);
  }
  return [...counts.keys()].map((c) => `${c}×1`).join('；');
}

/** The specimens of a request as the API shows them (the request's detail page uses this too). */
export async function specimenViews(db: Executor, requestId: string): Promise<SpecimenView[]> {
  return viewsOf(db, await specimensOf(db, requestId));
}

async function viewsOf(db: Executor, rows: SpecimenRow[]): Promise<SpecimenView[]> {
  if (rows.length === 0) return [];
  const events = await db
    .selectFrom('specimen_event')
    .select(['specimen_id', 'step', 'reason', 'at', 'actor_account_id', 'actor_institution_id'])
    .where(
      'specimen_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('at')
    .orderBy('id')
    .execute();
  const names = await accountNames(
    db,
    events.map((e) => e.actor_account_id),
  );
  const places = await institutionFacts(db, [...new Set(events.map((e) => e.actor_institution_id))]);
  return rows.map((r) => ({
    id: r.id,
    barcode: r.barcode,
    requestId: r.request_id,
    container: r.container,
    panels: r.panels,
    status: r.status,
    rejectReason: r.reject_reason,
    redrawOf: r.redraw_of,
    events: events
      .filter((e) => e.specimen_id === r.id)
      .map((e) => ({
        step: e.step,
        at: e.at.toISOString(),
        by: names.get(e.actor_account_id) ?? '',
        institutionName: places.get(e.actor_institution_id)?.name ?? '',
        reason: e.reason,
      })),
  }));
}

/** One step of a specimen's chain: its event (unique per step) and its new status. */
export async function recordStep(
  trx: Executor,
  specimen: SpecimenRow,
  step: SpecimenStep,
  by: { accountId: string; institutionId: string },
  now: Date,
  extra: { reason?: string | null; note?: string | null } = {},
): Promise<void> {
  await trx
    .insertInto('specimen_event')
    .values({
      id: newId(),
      specimen_id: specimen.id,
      step,
      reason: extra.reason ?? null,
      note: extra.note ?? null,
      actor_account_id: by.accountId,
      actor_institution_id: by.institutionId,
      at: now,
    })
    .execute();
  await trx
    .updateTable('specimen')
    .set({
      status: step,
      reject_reason: step === 'rejected' ? (extra.reason ?? null) : null,
      updated_at: now,
    })
    .where('id', '=', specimen.id)
    .execute();
}

export function throwRefusal(refusal: StepRefusal): never {
  switch (refusal) {
    case 'reported_by_signing':
      throw labErrors.reportedBySigning();
    case 'wrong_institution':
      throw labErrors.wrongInstitution();
    case 'rejected':
      throw labErrors.rejected();
    case 'repeated':
      throw labErrors.stepRepeated();
    case 'out_of_order':
      throw labErrors.stepOutOfOrder();
    case 'reason_required':
      throw labErrors.rejectReasonRequired();
  }
}

async function doneSteps(db: Executor, specimenId: string): Promise<SpecimenStep[]> {
  const rows = await db
    .selectFrom('specimen_event')
    .select('step')
    .where('specimen_id', '=', specimenId)
    .execute();
  return rows.map((r) => r.step);
}

/**
 * POST /diagnostic-requests/:id/specimens: the requesting institution's nurse or doctor collects the
 * request's specimen and prints its barcode. A request has one specimen in transit at a time; after a
 * rejection the next one is its re-draw (`redrawOf`, or the last rejected one when not named).
 */
export async function collectSpecimen(
  ctx: AppContext,
  auth: AuthContext,
  requestId: string,
  body: Static<typeof CreateSpecimenBody>,
  actor: Actor,
): Promise<SpecimenView> {
  const staff = await remoteStaff(ctx.db, auth);
  const id = await runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const row = await requestRow(trx, requestId, true);
    const sides = sidesOf(staff, row);
    if (sides.length === 0) throw remoteErrors.requestNotFound();
    if (row.kind !== 'lab') throw labErrors.notLabRequest();
    if (!sides.includes('requester')) throw labErrors.wrongInstitution('标本由申请机构的医生或护士采集。');
    assertAcceptsMaterial(row, 'lab');
    const existing = await specimensOf(trx, row.id);
    if (existing.some((s) => s.status !== 'rejected')) throw labErrors.specimenExists();
    let redrawOf: string | null = null;
    if (body.redrawOf) {
      const target = existing.find((s) => s.id === body.redrawOf);
      if (target?.status !== 'rejected') throw labErrors.redrawInvalid();
      redrawOf = target.id;
    } else if (existing.length > 0) {
      redrawOf = existing.at(-1)!.id;
    }
    if (redrawOf && existing.some((s) => s.redraw_of === redrawOf))
      throw labErrors.redrawInvalid('这份被拒收的标本已经重新采集过。');
    const specimen: SpecimenRow = {
      id: newId(),
      barcode: specimenBarcode(row.accession_no, existing.length + 1),
      request_id: row.id,
      patient_id: row.patient_id,
      container: containersOf(requestPanels(row)),
      panels: requestPanels(row),
      status: 'collected',
      reject_reason: null,
      redraw_of: redrawOf,
      collected_at: now,
    };
    await trx
      .insertInto('specimen')
      .values({ ...specimen, created_at: now, updated_at: now })
      .execute();
    await recordStep(
      trx,
      specimen,
      'collected',
      { accountId: staff.accountId, institutionId: row.requester_institution_id },
      now,
    );
    await cmd.audit({
      action: 'remote.specimen.collect',
      resourceType: 'specimen',
      resourceId: specimen.id,
      patientId: row.patient_id,
      details: { requestId: row.id, barcode: specimen.barcode, panels: requestPanels(row), redrawOf },
    });
    return specimen.id;
  });
  const [view] = await viewsOf(
    ctx.db,
    await ctx.db.selectFrom('specimen').select(SPECIMEN_COLUMNS).where('id', '=', id).execute(),
  );
  return view!;
}

/** GET /specimens/:barcode: the requesting institution's staff or the centre's (a stranger: 404). */
export async function readSpecimen(
  ctx: AppContext,
  auth: AuthContext,
  barcode: string,
  actor: Actor,
): Promise<SpecimenView> {
  const staff = await remoteStaff(ctx.db, auth);
  const specimen = await specimenByBarcode(ctx.db, barcode);
  const row = await requestRow(ctx.db, specimen.request_id);
  if (sidesOf(staff, row).length === 0) throw labErrors.specimenNotFound();
  const [view] = await viewsOf(ctx.db, [specimen]);
  await recordAudit(
    ctx.db,
    actor,
    {
      action: 'remote.specimen.read',
      resourceType: 'specimen',
      resourceId: specimen.id,
      patientId: specimen.patient_id,
      details: { requestId: row.id, barcode },
    },
    ctx.clock.now(),
  );
  return view!;
}

/**
 * POST /specimens/:barcode/events: a scan. `received` moves the request into the centre's queue (its
 * turnaround clock starts); `rejected` sends the request to `redraw` and tells the requesting doctor.
 */
export async function scanSpecimen(
  ctx: AppContext,
  auth: AuthContext,
  barcode: string,
  body: Static<typeof SpecimenEventBody>,
  actor: Actor,
): Promise<SpecimenView> {
  const staff = await remoteStaff(ctx.db, auth);
  await runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const found = await specimenByBarcode(trx, barcode);
    const row = await requestRow(trx, found.request_id, true);
    const sides = sidesOf(staff, row);
    if (sides.length === 0) throw labErrors.specimenNotFound();
    const specimen = await specimenByBarcode(trx, barcode, true);
    const refusal = refuseStep({
      step: body.step,
      status: specimen.status,
      done: await doneSteps(trx, specimen.id),
      sides,
      via: 'scan',
      reason: body.reason,
    });
    if (refusal) throwRefusal(refusal);
    if (row.status === 'cancelled' || row.status === 'signed') throw remoteErrors.wrongState();
    const side: Side = body.step === 'packed' ? 'requester' : 'centre';
    const institutionId = side === 'requester' ? row.requester_institution_id : row.centre_institution_id;
    await recordStep(trx, specimen, body.step, { accountId: staff.accountId, institutionId }, now, {
      reason: body.step === 'rejected' ? body.reason : null,
      note: body.note ?? null,
    });
    if (body.step === 'received') await materialArrived(trx, row, 'lab', ctx.config.remote, now);
    if (body.step === 'rejected') await rejectedForRedraw(cmd, row, specimen, body.reason!);
    await cmd.audit({
      action: `remote.specimen.${body.step}`,
      resourceType: 'specimen',
      resourceId: specimen.id,
      patientId: specimen.patient_id,
      details: { requestId: row.id, barcode, from: specimen.status, reason: body.reason ?? null },
    });
  });
  return readAfter(ctx, barcode);
}

async function readAfter(ctx: AppContext, barcode: string): Promise<SpecimenView> {
  const [view] = await viewsOf(ctx.db, [await specimenByBarcode(ctx.db, barcode)]);
  return view!;
}

/**
 * A rejected specimen: the request waits for a re-draw (`redraw`, back out of the queue: unclaimed, its
 * draft results — from the rejected specimen — cleared), and the requesting doctor is told at once.
 */
async function rejectedForRedraw(
  cmd: CommandScope,
  row: RequestRow,
  specimen: SpecimenRow,
  reason: string,
): Promise<void> {
  const { trx, now } = cmd;
  await trx
    .updateTable('diagnostic_request')
    .set({ status: 'redraw', claimed_by: null, claimed_at: null, updated_at: now })
    .where('id', '=', row.id)
    .execute();
  const cleared = await trx
    .updateTable('remote_report')
    .set({ results: null, updated_at: now })
    .where('request_id', '=', row.id)
    .where('status', '=', 'draft')
    .where('results', 'is not', null)
    .executeTakeFirst();
  const [patientName, centre] = await Promise.all([
    patientNames(trx, [row.patient_id]),
    institutionFacts(trx, [row.centre_institution_id]),
  ]);
  await notify(
    cmd,
    notices.remoteSpecimenRejected(
      { accountId: row.requester_account_id, patientId: row.patient_id, refId: row.id },
      {
        patientName: patientName.get(row.patient_id) ?? '',
        accessionNo: row.accession_no,
        barcode: specimen.barcode,
        centreName: centre.get(row.centre_institution_id)?.name ?? '',
        reason,
      },
    ),
  );
  await cmd.audit({
    action: 'remote.request.redraw',
    resourceType: 'diagnostic_request',
    resourceId: row.id,
    patientId: row.patient_id,
    details: {
      specimenId: specimen.id,
      reason,
      fromStatus: row.status,
      draftResultsCleared: Number(cleared.numUpdatedRows) > 0,
    },
  });
}
