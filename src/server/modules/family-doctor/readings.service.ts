/**
 * Home readings (居家读数, [12/12] FD-7, FD-8): a resident, their proxy (ID-6) or a member of the team of
 * their contract submits a blood pressure or a blood glucose; the rules classify it; for a contracted
 * resident with a live plan for the condition the result moves the plan (followup-results.ts applyResult):
 * a follow-up within 2 weeks, a refer or urgent alert, the team told of an urgent one. Residents without a
 * contract get their readings stored and classified, with no plan effect. The list pages, newest first.
 */
import type { Condition, ReadingBody, ReadingResult, ReadingView } from '../../../shared/family-doctor.js';
import type { Page } from '../../../shared/http.js';
import { shanghaiDate } from '../../../shared/identity.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { cutPage, decodeCursor, olderThan } from '../../platform/paging.js';
import type { TextLanguage } from '../../platform/texts.js';
import { recordRead } from '../records/records.api.js';
import { familyDoctorErrors } from './family-doctor.errors.js';
import {
  classifyBp,
  classifyGlucose,
  countsForPlan,
  type GlucoseTiming,
  glucoseTenths,
  nextAction,
  readingProblem,
} from './followup.rules.js';
import { ADVICE, readingView } from './followup.views.js';
import { applyResult, lockedLivePlan, patientAccess, type ResultEffect } from './followup-results.js';
import { activeContract } from './team-access.js';

type Normalised =
  | { kind: 'bp'; systolic: number; diastolic: number; pulse: number | null }
  | { kind: 'glucose'; tenths: number; timing: GlucoseTiming };

/** The body's values for its kind, or 422 READING_INVALID (a glucose value under kind bp, …). */
function normalise(body: ReadingBody, now: Date): Normalised {
  const v = body.values as Record<string, unknown>;
  let out: Normalised;
  if (body.kind === 'bp') {
    if (typeof v.systolic !== 'number' || typeof v.diastolic !== 'number')
      throw familyDoctorErrors.readingInvalid('kind 为 bp 时 values 须为 {systolic, diastolic, pulse?}。');
    out = {
      kind: 'bp',
      systolic: v.systolic,
      diastolic: v.diastolic,
      pulse: typeof v.pulse === 'number' ? v.pulse : null,
    };
  } else {
    if (typeof v.mmol !== 'number' || typeof v.timing !== 'string')
      throw familyDoctorErrors.readingInvalid('kind 为 glucose 时 values 须为 {mmol, timing}。');
    out = { kind: 'glucose', tenths: glucoseTenths(v.mmol), timing: v.timing as GlucoseTiming };
  }
  const problem = readingProblem(
    out.kind === 'bp'
      ? { kind: 'bp', systolic: out.systolic, diastolic: out.diastolic, measuredAt: body.measuredAt }
      : { kind: 'glucose', measuredAt: body.measuredAt },
    now,
  );
  if (problem) throw familyDoctorErrors.readingInvalid(problem);
  return out;
}

const CONDITION_OF: Record<'bp' | 'glucose', Condition> = { bp: 'hypertension', glucose: 'diabetes' };

/**
 * POST /patients/{id}/readings → 201 ReadingResult. A reading counts for the plan (FD-7/FD-8) when it is
 * about the plan's condition (blood pressure → hypertension; a fasting or an urgent glucose → diabetes),
 * the resident has a contract in force and a live plan, and it was measured within the recheck days (an
 * older reading entered late is history: stored and classified, but it does not move today's plan).
 */
export async function submitReading(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  body: ReadingBody,
  actor: Actor,
  lang: TextLanguage,
): Promise<ReadingResult> {
  const access = await patientAccess(ctx.db, auth, patientId);
  const now = ctx.clock.now();
  const r = normalise(body, now);
  const t = ctx.config.familyDoctor.thresholds;
  const classification =
    r.kind === 'bp' ? classifyBp(r.systolic, r.diastolic, t) : classifyGlucose(r.tenths, r.timing, t);
  const measuredAt = new Date(body.measuredAt);
  const recent = measuredAt.getTime() >= now.getTime() - ctx.config.familyDoctor.recheckDays * 86_400_000;

  return runCommand(ctx, actor, async (cmd) => {
    const { trx, audit } = cmd;
    const today = shanghaiDate(cmd.now);
    const id = newId();
    const row = await trx
      .insertInto('home_reading')
      .values({
        id,
        patient_id: patientId,
        kind: r.kind,
        systolic: r.kind === 'bp' ? r.systolic : null,
        diastolic: r.kind === 'bp' ? r.diastolic : null,
        pulse: r.kind === 'bp' ? r.pulse : null,
        glucose_tenths: r.kind === 'glucose' ? r.tenths : null,
        glucose_timing: r.kind === 'glucose' ? r.timing : null,
        classification,
        measured_at: measuredAt,
        source: access.relation === 'family_doctor' ? 'staff' : 'patient',
        entered_by: auth.accountId,
        created_at: cmd.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();

    let effect: ResultEffect | null = null;
    if (recent && countsForPlan(r.kind, r.kind === 'glucose' ? r.timing : null, classification)) {
      const contract = await activeContract(trx, patientId);
      const plan = contract ? await lockedLivePlan(trx, patientId, CONDITION_OF[r.kind]) : undefined;
      if (contract && plan) {
        effect = await applyResult(cmd, {
          plan,
          patientId,
          // SEC-1: the team holding the contract in force, never a team the plan once had.
          teamId: contract.team_id,
          classification,
          source: 'reading',
          readingId: id,
          today,
        });
      }
    }
    const action = effect?.action ?? nextAction(0, classification).action;
    await audit({
      action: 'family_doctor.reading.create',
      resourceType: 'home_reading',
      resourceId: id,
      patientId,
      details: { kind: r.kind, classification, action, planned: effect !== null, relation: access.relation },
    });
    const followupDueOn = effect?.followupDueOn ?? null;
    return {
      reading: readingView(row),
      action,
      followupDueOn,
      alert: effect?.alert ?? false,
      advice: ADVICE[lang]({ action, kind: r.kind, planned: effect !== null, dueOn: followupDueOn }),
    };
  });
}

/** A query-string instant (from, to), or 400 VALIDATION_FAILED. */
function instantParam(field: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (!Number.isFinite(at.getTime()))
    throw errors.validationFailed(`query.${field}：须为 ISO 8601 时间`, {
      fields: [{ field: `query.${field}`, message: '须为 ISO 8601 时间', keyword: 'format' }],
    });
  return at;
}

/**
 * GET /patients/{id}/readings?kind=&from=&to=: newest first, paged by (measured_at, id); for the resident,
 * their proxy and the team of their contract; audited as a read of the resident's data.
 */
export async function listReadings(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  query: { kind?: 'bp' | 'glucose'; from?: string; to?: string; cursor?: string; limit?: number },
  actor: Actor,
): Promise<Page<ReadingView>> {
  const access = await patientAccess(ctx.db, auth, patientId);
  const from = instantParam('from', query.from);
  const to = instantParam('to', query.to);
  const key = decodeCursor(query.cursor, ['instant', 'uuid'] as const);
  const limit = query.limit ?? 100;
  const rows = await ctx.db
    .selectFrom('home_reading')
    .selectAll()
    .where('patient_id', '=', patientId)
    .$if(query.kind !== undefined, (q) => q.where('kind', '=', query.kind!))
    .$if(from !== undefined, (q) => q.where('measured_at', '>=', from!))
    .$if(to !== undefined, (q) => q.where('measured_at', '<', to!))
    .where(olderThan('measured_at', key))
    .orderBy('measured_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [r.measured_at.toISOString(), r.id]);
  await recordRead(
    ctx.db,
    actor,
    {
      patientId,
      category: 'exams',
      what: 'family_doctor:readings',
      relationship: access.relation,
      channel: 'app',
    },
    ctx.clock.now(),
  );
  return { items: page.rows.map(readingView), nextCursor: page.nextCursor };
}
