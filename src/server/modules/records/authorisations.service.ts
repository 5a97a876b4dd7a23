/**
 * 授权调阅 (SEC-1): a patient — or the active proxy of a dependent (ID-6) — lets one doctor or one
 * institution read chosen categories of their records (null: all) for 1–365 days, sees their
 * authorisations, and revokes one with immediate effect (the access check reads access_grant on every
 * request; nothing is cached). Revoking is idempotent: revoking a revoked one answers 204 and changes
 * nothing. Nothing is deleted (REC-4). Every change is audited (DJ-12).
 */
import type { Selectable } from 'kysely';
import type { Static } from 'typebox';
import type {
  AuthorisationCreate,
  AuthorisationQuery,
  AuthorisationView,
  RecordCategory,
} from '../../../shared/records.js';
import { RECORD_CATEGORIES } from '../../../shared/records.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import type { AccessGrantTable } from '../../platform/db/schema.js';
import { newId } from '../../platform/ids.js';
import { cutPage, decodeCursor, olderThan, type Page } from '../../platform/paging.js';
import { institutionFacts, practitionerFacts, practitionerProfiles } from '../directory/directory.api.js';
import {
  identityErrors,
  ownPatientId,
  patientNames,
  requirePatientAccess,
} from '../identity/identity.api.js';
import { recordErrors } from './records.errors.js';

const DAY_MS = 86_400_000;

/**
 * The patient the caller acts for here: a dependent named by `patientId` (the caller must be their active
 * proxy, ID-6: 403 NOT_YOUR_PATIENT otherwise, the same for an unknown id), or the caller's own record
 * (403 REAL_NAME_REQUIRED before real-name verification).
 */
export async function actingPatient(db: Executor, auth: AuthContext, patientId?: string): Promise<string> {
  if (patientId) {
    await requirePatientAccess(db, auth, patientId);
    return patientId;
  }
  const own = await ownPatientId(db, auth.accountId);
  if (!own) throw identityErrors.realNameRequired();
  return own;
}

type GrantRow = Pick<
  Selectable<AccessGrantTable>,
  | 'id'
  | 'patient_id'
  | 'grantee_practitioner_id'
  | 'grantee_institution_id'
  | 'categories'
  | 'expires_at'
  | 'created_at'
  | 'revoked_at'
>;

const GRANT_COLUMNS = [
  'id',
  'patient_id',
  'grantee_practitioner_id',
  'grantee_institution_id',
  'categories',
  'expires_at',
  'created_at',
  'revoked_at',
] as const;

/** Views of grants: the patient's name, the grantee's (doctor + institution · department, or institution). */
async function views(db: Executor, rows: GrantRow[], now: Date): Promise<AuthorisationView[]> {
  const patients = await patientNames(
    db,
    rows.map((r) => r.patient_id),
  );
  const doctors = await practitionerProfiles(
    db,
    rows.flatMap((r) => (r.grantee_practitioner_id ? [r.grantee_practitioner_id] : [])),
  );
  const institutions = await institutionFacts(
    db,
    rows.flatMap((r) => (r.grantee_institution_id ? [r.grantee_institution_id] : [])),
  );
  return rows.map((r) => {
    const doctor = r.grantee_practitioner_id ? doctors.get(r.grantee_practitioner_id) : undefined;
    const grantee = r.grantee_practitioner_id
      ? {
          kind: 'practitioner' as const,
          id: r.grantee_practitioner_id,
          name: doctor?.name ?? '',
          detail: doctor ? `${doctor.institutionName} · ${doctor.departmentName}` : null,
        }
      : {
          kind: 'institution' as const,
          id: r.grantee_institution_id!,
          name: institutions.get(r.grantee_institution_id!)?.name ?? '',
          detail: null,
        };
    return {
      id: r.id,
      patientId: r.patient_id,
      patientName: patients.get(r.patient_id) ?? '',
      grantee,
      categories: r.categories ? (r.categories as RecordCategory[]) : null,
      expiresAt: r.expires_at.toISOString(),
      createdAt: r.created_at.toISOString(),
      revokedAt: r.revoked_at ? r.revoked_at.toISOString() : null,
      status: r.revoked_at ? 'revoked' : r.expires_at > now ? 'active' : 'expired',
    };
  });
}

/** A patient's authorisations, newest first (status `all` by default; `active`: neither revoked nor expired). */
export async function listAuthorisations(
  ctx: AppContext,
  auth: AuthContext,
  query: Static<typeof AuthorisationQuery>,
  actor: Actor,
): Promise<Page<AuthorisationView>> {
  const now = ctx.clock.now();
  const patientId = await actingPatient(ctx.db, auth, query.patientId);
  const limit = query.limit ?? 20;
  const after = decodeCursor(query.before, ['instant', 'uuid'] as const);
  let q = ctx.db.selectFrom('access_grant').select(GRANT_COLUMNS).where('patient_id', '=', patientId);
  if (query.status === 'active') q = q.where('revoked_at', 'is', null).where('expires_at', '>', now);
  q = q.where(olderThan('created_at', after));
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [r.created_at.toISOString(), r.id]);
  await recordAudit(
    ctx.db,
    actor,
    {
      action: 'authorisation.list',
      resourceType: 'access_grant',
      patientId,
      details: { count: page.rows.length },
    },
    now,
  );
  return { items: await views(ctx.db, page.rows, now), nextCursor: page.nextCursor };
}

/** The categories as stored: null for all (none chosen, or every one), else in the contract's order. */
function storedCategories(categories: RecordCategory[] | null | undefined): RecordCategory[] | null {
  if (!categories) return null;
  const chosen = RECORD_CATEGORIES.filter((c) => categories.includes(c));
  return chosen.length === RECORD_CATEGORIES.length ? null : chosen;
}

/**
 * Grants an authorisation (SEC-1): to exactly one doctor or nurse who practises (active) or one active
 * institution that is not a pharmacy (422 AUTHORISATION_GRANTEE_REQUIRED / _NOT_FOUND otherwise), for
 * `days` from now. For a dependent the caller must be their active proxy (ID-6).
 */
export async function grantAuthorisation(
  ctx: AppContext,
  auth: AuthContext,
  body: Static<typeof AuthorisationCreate>,
  actor: Actor,
): Promise<AuthorisationView> {
  const practitionerId = body.practitionerId ?? null;
  const institutionId = body.institutionId ?? null;
  if ((practitionerId === null) === (institutionId === null)) throw recordErrors.granteeRequired();
  return runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const patientId = await actingPatient(trx, auth, body.patientId);
    if (practitionerId) {
      const p = await practitionerFacts(trx, practitionerId);
      if (p?.status !== 'active' || (p.kind !== 'doctor' && p.kind !== 'nurse'))
        throw recordErrors.granteeNotFound();
    } else {
      const i = (await institutionFacts(trx, [institutionId!])).get(institutionId!);
      if (i?.status !== 'active' || i.type === 'pharmacy') throw recordErrors.granteeNotFound();
    }
    const categories = storedCategories(body.categories);
    const row: GrantRow = {
      id: newId(),
      patient_id: patientId,
      grantee_practitioner_id: practitionerId,
      grantee_institution_id: institutionId,
      categories,
      expires_at: new Date(now.getTime() + body.days * DAY_MS),
      created_at: now,
      revoked_at: null,
    };
    await trx
      .insertInto('access_grant')
      .values({ ...row, granted_by: auth.accountId, revoked_by: null, updated_at: now })
      .execute();
    await audit({
      action: 'authorisation.grant',
      resourceType: 'access_grant',
      resourceId: row.id,
      patientId,
      details: {
        granteeKind: practitionerId ? 'practitioner' : 'institution',
        granteeId: practitionerId ?? institutionId,
        categories,
        days: body.days,
        expiresAt: row.expires_at.toISOString(),
      },
    });
    const [view] = await views(trx, [row], now);
    return view!;
  });
}

/**
 * Revokes an authorisation with immediate effect: the next request of the grantee is refused. The patient
 * or an active proxy of theirs only; anyone else's (or an unknown id) is 404 AUTHORISATION_NOT_FOUND.
 * Revoking one already revoked changes nothing (idempotent; the route answers 204 either way).
 */
export async function revokeAuthorisation(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<void> {
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const row = await trx
      .selectFrom('access_grant')
      .select(['id', 'patient_id', 'revoked_at'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw recordErrors.authorisationNotFound();
    try {
      await requirePatientAccess(trx, auth, row.patient_id);
    } catch {
      // Someone else's authorisation does not exist for the caller (ids cannot be probed).
      throw recordErrors.authorisationNotFound();
    }
    if (row.revoked_at) return;
    await trx
      .updateTable('access_grant')
      .set({ revoked_at: now, revoked_by: auth.accountId, updated_at: now })
      .where('id', '=', id)
      .execute();
    await audit({
      action: 'authorisation.revoke',
      resourceType: 'access_grant',
      resourceId: id,
      patientId: row.patient_id,
    });
  });
}
