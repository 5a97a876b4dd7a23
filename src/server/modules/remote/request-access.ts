/**
 * Who may act on a remote-diagnosis request, and the one place the material's arrival moves a request into
 * the centre's queue. Every part of the module (requests, ECG, imaging, laboratory) uses these, so the
 * checks and the turnaround clock are written once (REMOTE-1…REMOTE-5).
 */
import type { RemoteKind, Urgency } from '../../../shared/remote.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { RemoteSettings } from '../../platform/config.js';
import type { Executor } from '../../platform/db/database.js';
import type { DiagnosticRequestTable } from '../../platform/db/schema.js';
import { practitionerSites } from '../directory/directory.api.js';
import { remoteErrors } from './remote.errors.js';

/** A doctor or nurse as remote diagnosis sees them: where they practise (their institution and second sites). */
export interface RemoteStaff {
  accountId: string;
  practitionerId: string;
  institutionIds: string[];
  kind: string;
}

/** The caller as an active doctor or nurse, or 403 NOT_REQUEST_PARTY (pharmacists, suspended staff, …). */
export async function remoteStaff(db: Executor, auth: AuthContext): Promise<RemoteStaff> {
  if (!auth.practitionerId) throw remoteErrors.forbidden();
  const sites = await practitionerSites(db, auth.practitionerId);
  if (sites?.status !== 'active' || !['doctor', 'nurse'].includes(sites.kind)) throw remoteErrors.forbidden();
  return {
    accountId: auth.accountId,
    practitionerId: auth.practitionerId,
    institutionIds: sites.institutionIds,
    kind: sites.kind,
  };
}

export type RequestRow = Omit<DiagnosticRequestTable, 'consent'> & { consent: unknown };

/** The request, or 404 (`forUpdate`: locked for the rest of the transaction). */
export async function requestRow(db: Executor, id: string, forUpdate = false): Promise<RequestRow> {
  let q = db.selectFrom('diagnostic_request').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw remoteErrors.requestNotFound();
  return row as unknown as RequestRow;
}

export const isRequester = (staff: RemoteStaff, row: Pick<RequestRow, 'requester_institution_id'>) =>
  staff.institutionIds.includes(row.requester_institution_id);
export const isCentre = (staff: RemoteStaff, row: Pick<RequestRow, 'centre_institution_id'>) =>
  staff.institutionIds.includes(row.centre_institution_id);

/** The requesting institution's staff or the centre's, else 404 (a stranger cannot tell a request exists). */
export function assertParty(staff: RemoteStaff, row: RequestRow): 'requester' | 'centre' {
  if (isRequester(staff, row)) return 'requester';
  if (isCentre(staff, row)) return 'centre';
  throw remoteErrors.requestNotFound();
}

export function assertRequester(staff: RemoteStaff, row: RequestRow): void {
  if (isRequester(staff, row)) return;
  if (isCentre(staff, row)) throw remoteErrors.forbidden();
  throw remoteErrors.requestNotFound();
}

export function assertCentre(staff: RemoteStaff, row: RequestRow): void {
  if (isCentre(staff, row)) return;
  if (isRequester(staff, row)) throw remoteErrors.forbidden();
  throw remoteErrors.requestNotFound();
}

/** The turnaround target in minutes for a kind and urgency (config.remote.targetMinutes). */
export const targetMinutes = (settings: RemoteSettings, kind: RemoteKind, urgency: Urgency) =>
  settings.targetMinutes[kind][urgency];

/**
 * The material (an ECG, a study, a received specimen) reached the centre: a request waiting for it
 * (`requested`, or `redraw` after a rejected specimen) enters the queue (`ready`) and its turnaround clock
 * starts. More material for a request already in the queue changes nothing; a claimed, signed or cancelled
 * request, or material of another kind, is 409 MATERIAL_NOT_ACCEPTED. Call with the request locked
 * (`requestRow(trx, id, true)`), in the command that stores the material.
 */
export async function materialArrived(
  trx: Executor,
  row: RequestRow,
  kind: RemoteKind,
  settings: RemoteSettings,
  now: Date,
): Promise<void> {
  if (row.kind !== kind) throw remoteErrors.materialNotAccepted();
  if (row.status === 'ready') return;
  if (row.status !== 'requested' && row.status !== 'redraw') throw remoteErrors.materialNotAccepted();
  const target = new Date(now.getTime() + targetMinutes(settings, row.kind, row.urgency) * 60_000);
  await trx
    .updateTable('diagnostic_request')
    .set({ status: 'ready', material_at: now, target_at: target, updated_at: now })
    .where('id', '=', row.id)
    .execute();
}

/**
 * Material may still be added by the requester (an upload before the centre claims it): `requested`,
 * `ready` or `redraw`; anything else is 409 MATERIAL_NOT_ACCEPTED.
 */
export function assertAcceptsMaterial(row: RequestRow, kind: RemoteKind): void {
  if (row.kind !== kind || !['requested', 'ready', 'redraw'].includes(row.status))
    throw remoteErrors.materialNotAccepted();
}
