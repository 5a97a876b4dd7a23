/**
 * The insurer's fraud alerts (智能监管, INS-4): the list, newest first, and the decisions on one —
 * confirm (the subject's settlement is suspended), dismiss, and clear (a confirmed block lifted). The
 * subject is told of a block and of its lifting. Names come from identity and directory by ids.
 */
import { sql } from 'kysely';
import type { Static } from 'typebox';
import type { AlertDecisionBody, AlertQuery, InsuranceAlert } from '../../../shared/insurance.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { cutPage, DEFAULT_LIMIT, decodeCursor, olderThan, type Page } from '../../platform/paging.js';
import { practitionerProfiles } from '../directory/directory.api.js';
import { accountOfPractitioner, patientCard, patientNames } from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { alertSummary, type SummaryLang } from './fraud.summary.js';
import { insuranceErrors } from './insurance.errors.js';

const COLUMNS = [
  'id',
  'rule',
  'subject_kind',
  'subject_id',
  'settlement_id',
  'evidence',
  'source',
  'status',
  'decided_at',
  'decision_note',
  'cleared_at',
  'created_at',
] as const;

interface AlertRow {
  id: string;
  rule: string;
  subject_kind: 'patient' | 'practitioner';
  subject_id: string;
  settlement_id: string | null;
  evidence: Record<string, unknown>;
  source: 'settlement' | 'batch' | 'seed';
  status: 'open' | 'confirmed' | 'dismissed' | 'cleared';
  decided_at: Date | null;
  decision_note: string | null;
  cleared_at: Date | null;
  created_at: Date;
}

async function views(db: Executor, rows: AlertRow[], lang: SummaryLang): Promise<InsuranceAlert[]> {
  const ids = (kind: AlertRow['subject_kind']) =>
    rows.filter((r) => r.subject_kind === kind).map((r) => r.subject_id);
  const patients = await patientNames(db, ids('patient'));
  const doctors = await practitionerProfiles(db, ids('practitioner'));
  return rows.map((r) => ({
    id: r.id,
    rule: r.rule as InsuranceAlert['rule'],
    subjectKind: r.subject_kind,
    subjectId: r.subject_id,
    subjectName:
      (r.subject_kind === 'patient' ? patients.get(r.subject_id) : doctors.get(r.subject_id)?.name) ?? '',
    settlementId: r.settlement_id,
    evidence: r.evidence,
    summary: alertSummary(r.rule, r.evidence, lang),
    source: r.source,
    status: r.status,
    decidedAt: r.decided_at ? r.decided_at.toISOString() : null,
    decisionNote: r.decision_note,
    clearedAt: r.cleared_at ? r.cleared_at.toISOString() : null,
    createdAt: r.created_at.toISOString(),
  }));
}

/**
 * Alerts, newest first, keyset-paged by (created_at, id); by status when given (served by
 * insurance_alert_status). The insurer's reading is audited (the evidence names patients' claims).
 */
export async function listAlerts(
  ctx: AppContext,
  query: Static<typeof AlertQuery>,
  lang: SummaryLang,
  actor: Actor,
): Promise<Page<InsuranceAlert>> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const after = decodeCursor(query.cursor, ['instant', 'uuid'] as const);
  let q = ctx.db.selectFrom('insurance_alert').select(COLUMNS);
  if (query.status) q = q.where('status', '=', query.status);
  q = q.where(olderThan('created_at', after));
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows as AlertRow[], limit, (r) => [r.created_at.toISOString(), r.id]);
  await recordAudit(
    ctx.db,
    actor,
    {
      action: 'insurance.alerts_list',
      resourceType: 'insurance_alert',
      details: { status: query.status ?? null, count: page.rows.length },
    },
    ctx.clock.now(),
  );
  return { items: await views(ctx.db, page.rows, lang), nextCursor: page.nextCursor };
}

const NEXT: Record<
  Static<typeof AlertDecisionBody>['decision'],
  { from: AlertRow['status']; to: AlertRow['status'] }
> = {
  confirm: { from: 'open', to: 'confirmed' },
  dismiss: { from: 'open', to: 'dismissed' },
  clear: { from: 'confirmed', to: 'cleared' },
};

/** Tells the subject their settlement is suspended (with the refusal's own wording) or restored. */
async function tellSubject(cmd: CommandScope, row: AlertRow, blocked: boolean): Promise<void> {
  const { trx } = cmd;
  let accountId: string | undefined;
  let patientId: string | null = null;
  if (row.subject_kind === 'practitioner') accountId = await accountOfPractitioner(trx, row.subject_id);
  else {
    accountId = (await patientCard(trx, { patientId: row.subject_id }))?.accountId ?? undefined;
    patientId = row.subject_id;
  }
  if (!accountId) return;
  // The suspension's notice says the refusal's own wording (insuranceErrors.blocked*), in zh-CN and en-US.
  const subject = {
    subject: row.subject_kind === 'patient' ? ('patient' as const) : ('practitioner' as const),
  };
  const to = { accountId, patientId, refId: row.id };
  await notify(cmd, blocked ? notices.insuranceBlocked(to, subject) : notices.insuranceRestored(to, subject));
}

/** Whether another confirmed alert still blocks the alert's subject (read after this one changed). */
async function stillBlocked(db: Executor, alert: AlertRow): Promise<boolean> {
  const other = await db
    .selectFrom('insurance_alert')
    .select('id')
    .where('subject_kind', '=', alert.subject_kind)
    .where('subject_id', '=', alert.subject_id)
    .where('status', '=', 'confirmed')
    .where('id', '<>', alert.id)
    .limit(1)
    .executeTakeFirst();
  return other !== undefined;
}

/**
 * The insurer decides on an alert (INS-4): open → confirmed (blocks the subject's settlements) or
 * dismissed; confirmed → cleared (lifts the block). Anything else is 409
 * INSURANCE_ALERT_DECISION_NOT_ALLOWED. Audited; the subject is notified of a block and of its lifting —
 * the lifting only when no other confirmed alert still blocks them.
 */
export async function decideAlert(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  body: Static<typeof AlertDecisionBody>,
  lang: SummaryLang,
  actor: Actor,
): Promise<InsuranceAlert> {
  const note = body.note?.trim() || null;
  const row = await runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const alert = (await trx
      .selectFrom('insurance_alert')
      .select(COLUMNS)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst()) as AlertRow | undefined;
    if (!alert) throw errors.notFound('告警');
    const step = NEXT[body.decision];
    if (alert.status !== step.from) throw insuranceErrors.alertDecisionNotAllowed();
    // Decisions that start or end a block of one subject queue on that subject, so two clears at once
    // see each other and exactly one of them finds no confirmed alert left (INS-4).
    if (body.decision !== 'dismiss')
      await sql`select pg_advisory_xact_lock(hashtextextended(${`insurance_alert_subject:${alert.subject_kind}:${alert.subject_id}`}, 0))`.execute(
        trx,
      );
    const set =
      body.decision === 'clear'
        ? {
            status: step.to,
            cleared_by: auth.accountId,
            cleared_at: now,
            ...(note ? { decision_note: note } : {}),
          }
        : { status: step.to, decided_by: auth.accountId, decided_at: now, decision_note: note };
    await trx.updateTable('insurance_alert').set(set).where('id', '=', id).execute();
    await cmd.audit({
      action: 'insurance.alert_decided',
      resourceType: 'insurance_alert',
      resourceId: id,
      patientId: alert.subject_kind === 'patient' ? alert.subject_id : null,
      details: {
        decision: body.decision,
        from: alert.status,
        to: step.to,
        rule: alert.rule,
        subjectKind: alert.subject_kind,
        subjectId: alert.subject_id,
        note,
      },
    });
    // INS-4: the block ends only when no confirmed alert of the subject remains; clearing one of two
    // lifts nothing, so it tells the subject nothing either.
    if (body.decision === 'confirm') await tellSubject(cmd, alert, true);
    if (body.decision === 'clear' && !(await stillBlocked(trx, alert))) await tellSubject(cmd, alert, false);
    return (await trx
      .selectFrom('insurance_alert')
      .select(COLUMNS)
      .where('id', '=', id)
      .executeTakeFirstOrThrow()) as AlertRow;
  });
  return (await views(ctx.db, [row], lang))[0]!;
}
