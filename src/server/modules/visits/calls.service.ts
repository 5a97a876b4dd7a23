/**
 * Video calls of a visit (WebRTC; the server only signals over /ws): start, join with each side's answer to
 * recording consent, end. Start, end and participants go on the visit's timeline (VISIT-5). Recording is
 * not done by the platform (docs/visits.md); the consent answers are kept for when it is.
 */
import type { TimelineEntry } from '../../../shared/visits.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { maskName } from '../../platform/crypto/mask.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { accountNames } from '../identity/identity.api.js';
import { requireParticipant, viewerRole } from './visit-access.js';
import { visitEvent, visitKeys } from './visit-store.js';
import { visitErrors } from './visits.errors.js';

/** The visit and its call, locked, for one of the visit's participants. */
async function participantCall(trx: Executor, auth: AuthContext, visitId: string, callId: string) {
  const v = await visitKeys(trx, visitId);
  if (!v) throw errors.notFound('问诊');
  const role = await requireParticipant(trx, auth, v);
  const call = await trx
    .selectFrom('visit_call')
    .selectAll()
    .where('id', '=', callId)
    .where('visit_id', '=', visitId)
    .forUpdate()
    .executeTakeFirst();
  if (!call) throw errors.notFound('通话');
  return { v, role, call };
}

/** The timeline entry of a call that ended, with its length (VISIT-5). */
async function callEnded(
  trx: Executor,
  visitId: string,
  call: { id: string; started_at: Date },
  actor: Actor,
  now: Date,
  details: Record<string, unknown>,
) {
  await visitEvent(trx, visitId, 'call_ended', actor, now, {
    callId: call.id,
    durationSeconds: Math.round((now.getTime() - call.started_at.getTime()) / 1000),
    ...details,
  });
}

export async function startCall(ctx: AppContext, auth: AuthContext, visitId: string, actor: Actor) {
  const id = await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const v = await visitKeys(trx, visitId, true);
    if (!v) throw errors.notFound('问诊');
    await requireParticipant(trx, auth, v);
    if (v.status !== 'in_progress') throw visitErrors.visitNotInProgress('医生接诊后才能发起视频通话。');
    // One live call per visit: a second "start" joins the one that is going.
    const live = await trx
      .selectFrom('visit_call')
      .select('id')
      .where('visit_id', '=', visitId)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    if (live) return live.id;
    const id = newId();
    await trx
      .insertInto('visit_call')
      .values({
        id,
        visit_id: visitId,
        started_by: auth.accountId,
        started_at: now,
        participants: JSON.stringify([]),
      })
      .execute();
    await visitEvent(trx, visitId, 'call_started', actor, now, { callId: id });
    await audit({
      action: 'visit.call.start',
      resourceType: 'visit',
      resourceId: visitId,
      patientId: v.patient_id,
    });
    return id;
  });
  return { id, iceServers: ctx.config.visits.iceServers };
}

export async function joinCall(
  ctx: AppContext,
  auth: AuthContext,
  visitId: string,
  callId: string,
  recordingConsent: boolean,
  actor: Actor,
) {
  await runCommand(ctx, actor, async ({ trx, now }) => {
    const { v, role, call } = await participantCall(trx, auth, visitId, callId);
    if (v.status !== 'in_progress') throw visitErrors.visitNotInProgress('问诊已结束，不能再加入视频通话。');
    if (call.ended_at) throw visitErrors.callEnded();
    const participants = call.participants.filter((p) => p.accountId !== auth.accountId);
    participants.push({ accountId: auth.accountId, role, joinedAt: now.toISOString(), recordingConsent });
    await trx
      .updateTable('visit_call')
      .set({ participants: JSON.stringify(participants) })
      .where('id', '=', callId)
      .execute();
    await visitEvent(trx, visitId, 'call_joined', actor, now, { callId, role, recordingConsent });
  });
  return { id: callId, iceServers: ctx.config.visits.iceServers };
}

export async function endCall(
  ctx: AppContext,
  auth: AuthContext,
  visitId: string,
  callId: string,
  actor: Actor,
) {
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const { v, call } = await participantCall(trx, auth, visitId, callId);
    if (call.ended_at) return;
    await trx
      .updateTable('visit_call')
      .set({ ended_at: now, ended_by: auth.accountId })
      .where('id', '=', callId)
      .execute();
    await callEnded(trx, visitId, call, actor, now, {
      participants: call.participants.map((p) => ({ role: p.role, recordingConsent: p.recordingConsent })),
    });
    await audit({
      action: 'visit.call.end',
      resourceType: 'visit',
      resourceId: visitId,
      patientId: v.patient_id,
    });
  });
}

/** VISIT-5: the visit's whole process in time order: state changes, calls, record events and messages. */
export async function timeline(
  ctx: AppContext,
  auth: AuthContext,
  visitId: string,
  actor: Actor,
): Promise<TimelineEntry[]> {
  const v = await visitKeys(ctx.db, visitId);
  if (!v) throw errors.notFound('问诊');
  const viewer = await viewerRole(ctx.db, auth, v);
  // The regulator sees the process, not who the patient is (names masked as in its lists).
  const maskPatient = viewer === 'supervision' && !auth.roles.includes('org_admin');
  const nameOf = (role: string, name: string | null) =>
    !name ? {} : { actorName: maskPatient && role === 'patient' ? maskName(name) : name };
  const events = await ctx.db
    .selectFrom('visit_event')
    .select(['id', 'at', 'kind', 'actor_role', 'details', 'actor_account_id'])
    .where('visit_id', '=', visitId)
    .orderBy('id')
    .execute();
  const messages = await ctx.db
    .selectFrom('visit_message')
    .select(['id', 'created_at', 'kind', 'sender_role', 'sender_account_id', 'body'])
    .where('visit_id', '=', visitId)
    .orderBy('id')
    .execute();
  const names = await accountNames(ctx.db, [
    ...events.map((e) => e.actor_account_id),
    ...messages.map((m) => m.sender_account_id),
  ]);
  const nameOfAccount = (id: string | null) => (id ? (names.get(id) ?? null) : null);
  await recordAudit(
    ctx.db,
    actor,
    {
      action: 'visit.timeline.read',
      resourceType: 'visit',
      resourceId: visitId,
      patientId: v.patient_id,
      details: { viewer },
    },
    ctx.clock.now(),
  );
  const entries: (TimelineEntry & { order: number })[] = [
    ...events.map((e) => ({
      order: e.at.getTime(),
      at: e.at.toISOString(),
      kind: e.kind,
      actorRole: e.actor_role,
      ...nameOf(e.actor_role, nameOfAccount(e.actor_account_id)),
      details: e.details,
    })),
    ...messages.map((m) => ({
      order: m.created_at.getTime(),
      at: m.created_at.toISOString(),
      kind: 'message',
      actorRole: m.sender_role,
      ...nameOf(m.sender_role, nameOfAccount(m.sender_account_id)),
      // Supervision sees that a message was sent and its kind, not its words.
      details: {
        messageId: Number(m.id),
        messageKind: m.kind,
        ...(viewer !== 'supervision' && m.body ? { length: m.body.length } : {}),
        ...(m.kind === 'system' && m.body ? { text: m.body } : {}),
      },
    })),
  ];
  return entries.sort((a, b) => a.order - b.order).map(({ order: _o, ...e }) => e);
}

/** Ends the visit's open calls when the visit itself ends (completed, referred offline). */
export async function endOpenCalls(trx: Executor, visitId: string, actor: Actor, now: Date): Promise<void> {
  const open = await trx
    .updateTable('visit_call')
    .set({ ended_at: now, ended_by: actor.accountId })
    .where('visit_id', '=', visitId)
    .where('ended_at', 'is', null)
    .returning(['id', 'started_at'])
    .execute();
  for (const c of open) await callEnded(trx, visitId, c, actor, now, { reason: 'visit_ended' });
}
