/**
 * Satisfaction ratings (seed 002 (十五): 居民满意度 is one of the assessment's measures): a resident — or the
 * family proxy acting for them (ID-6) — rates a contract of theirs in force or ended, a follow-up done, or a
 * home service completed, 1–5 stars, once (unique (subject, subject_id) in the database).
 */
import type { RatingBody, RatingView } from '../../../shared/family-doctor.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { actsForPatient } from '../identity/identity.api.js';
import { familyDoctorErrors } from './family-doctor.errors.js';
import { activeContract } from './team-access.js';

/** The rated service's resident and team, when it may be rated now; undefined otherwise. */
async function ratable(
  db: Executor,
  subject: RatingBody['subject'],
  subjectId: string,
): Promise<{ patientId: string; teamId: string } | undefined> {
  if (subject === 'contract') {
    const c = await db
      .selectFrom('family_contract')
      .select(['patient_id', 'team_id', 'status'])
      .where('id', '=', subjectId)
      .executeTakeFirst();
    return c && (c.status === 'active' || c.status === 'expired')
      ? { patientId: c.patient_id, teamId: c.team_id }
      : undefined;
  }
  if (subject === 'followup') {
    const f = await db
      .selectFrom('followup')
      .select(['patient_id', 'team_id', 'status'])
      .where('id', '=', subjectId)
      .executeTakeFirst();
    return f?.status === 'done' ? { patientId: f.patient_id, teamId: f.team_id } : undefined;
  }
  const s = await db
    .selectFrom('home_service')
    .select(['patient_id', 'team_id', 'status'])
    .where('id', '=', subjectId)
    .executeTakeFirst();
  if (s?.status !== 'completed') return undefined;
  // A home service ordered without a team (a resident not contracted then) counts for the team in force now.
  const teamId = s.team_id ?? (await activeContract(db, s.patient_id))?.team_id;
  return teamId ? { patientId: s.patient_id, teamId } : undefined;
}

/**
 * POST /family-doctor/ratings. A subject that is not the caller's (or their family member's), does not
 * exist, or is not finished yet: 422 RATING_NOT_ALLOWED, the same answer for each (ids cannot be probed);
 * a second rating of the same service: 409 SERVICE_ALREADY_RATED.
 */
export async function rateService(
  ctx: AppContext,
  auth: AuthContext,
  body: RatingBody,
  actor: Actor,
): Promise<RatingView> {
  const target = await ratable(ctx.db, body.subject, body.subjectId);
  if (!target || !(await actsForPatient(ctx.db, auth.accountId, target.patientId)))
    throw familyDoctorErrors.ratingNotAllowed();
  return runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const id = newId();
    const comment = body.comment?.trim() || null;
    const inserted = await trx
      .insertInto('service_rating')
      .values({
        id,
        patient_id: target.patientId,
        team_id: target.teamId,
        subject: body.subject,
        subject_id: body.subjectId,
        stars: body.stars,
        comment,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['subject', 'subject_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw familyDoctorErrors.alreadyRated();
    await audit({
      action: 'family_doctor.rated',
      resourceType: body.subject,
      resourceId: body.subjectId,
      patientId: target.patientId,
      details: { stars: body.stars, teamId: target.teamId },
    });
    return {
      id,
      subject: body.subject,
      subjectId: body.subjectId,
      teamId: target.teamId,
      stars: body.stars,
      comment,
      createdAt: now.toISOString(),
    };
  });
}
