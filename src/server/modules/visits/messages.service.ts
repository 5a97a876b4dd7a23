/**
 * The visit chat: messages kept in order with platform-wide increasing ids, stored once per client id
 * (a resent message never duplicates), read receipts, paging after an id for resume, and audited.
 * REC-1: process records (chat, pictures, audio) are kept; nothing here deletes.
 */
import { sql } from 'kysely';
import type { VisitMessage } from '../../../shared/visits.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import type { TextLanguage } from '../../platform/texts.js';
import { accountNameExpr, accountNames, actsForPatientExpr } from '../identity/identity.api.js';
import { attachmentView } from './attachments.service.js';
import type { ParticipantRole } from './hub.js';
import { messageIn } from './system-lines.js';
import { requireParticipant } from './visit-access.js';
import { visitKeys } from './visit-store.js';
import { visitErrors } from './visits.errors.js';

export const MAX_TEXT = 2000;

export interface PostMessageInput {
  clientId: string;
  kind: 'text' | 'image' | 'voice';
  text?: string;
  attachmentId?: string;
}

type Row = {
  id: number;
  visit_id: string;
  sender_role: string;
  client_id: string | null;
  kind: string;
  body: string | null;
  body_key: string | null;
  body_params: Record<string, unknown> | null;
  created_at: Date;
  sender_account_id: string | null;
  att_id: string | null;
  att_mime: string | null;
  att_size: number | null;
  att_thumb: string | null;
  att_duration: number | null;
};

function toMessage(r: Row, senderName: string | null): VisitMessage {
  return {
    id: Number(r.id),
    visitId: r.visit_id,
    kind: r.kind as VisitMessage['kind'],
    senderRole: r.sender_role as VisitMessage['senderRole'],
    senderName: r.sender_role === 'system' ? '系统' : (senderName ?? ''),
    ...(r.client_id ? { clientId: r.client_id } : {}),
    ...(r.body !== null ? { text: r.body } : {}),
    ...(r.body_key ? { textKey: r.body_key, textParams: r.body_params ?? {} } : {}),
    ...(r.att_id
      ? {
          attachment: attachmentView({
            id: r.att_id,
            mime: r.att_mime ?? '',
            size_bytes: r.att_size ?? 0,
            thumb_key: r.att_thumb,
            duration_ms: r.att_duration,
          }),
        }
      : {}),
    createdAt: r.created_at.toISOString(),
  };
}

function messages(db: Executor) {
  return db
    .selectFrom('visit_message as m')
    .leftJoin('attachment as t', 't.id', 'm.attachment_id')
    .select([
      'm.id',
      'm.visit_id',
      'm.sender_role',
      'm.client_id',
      'm.kind',
      'm.body',
      'm.body_key',
      'm.body_params',
      'm.created_at',
      'm.sender_account_id',
      't.id as att_id',
      't.mime as att_mime',
      't.size_bytes as att_size',
      't.thumb_key as att_thumb',
      't.duration_ms as att_duration',
    ]);
}

/** Messages with their senders' names (read from identity, one query for all of them). */
async function toMessages(db: Executor, rows: Row[]): Promise<VisitMessage[]> {
  const names = await accountNames(
    db,
    rows.map((r) => r.sender_account_id),
  );
  return rows.map((r) => toMessage(r, r.sender_account_id ? (names.get(r.sender_account_id) ?? null) : null));
}

/** Messages after `after`, ascending, at most `limit`. */
export async function messagesAfter(db: Executor, visitId: string, after: number, limit: number) {
  const rows = await messages(db)
    .where('m.visit_id', '=', visitId)
    .where('m.id', '>', after)
    .orderBy('m.id')
    .limit(limit)
    .execute();
  return toMessages(db, rows as Row[]);
}

export async function listMessages(
  ctx: AppContext,
  auth: AuthContext,
  visitId: string,
  after: number,
  limit: number,
  actor: Actor,
  /** Recorded in the audit row when the read came over the visit socket's `resume`. */
  via?: 'ws',
  /** The reader's language: system lines are rendered in it ([8/12]). The socket localises per frame. */
  lang: TextLanguage = 'zh-CN',
): Promise<VisitMessage[]> {
  const v = await visitKeys(ctx.db, visitId);
  if (!v) throw errors.notFound('问诊');
  await requireParticipant(ctx.db, auth, v);
  const items = await messagesAfter(ctx.db, visitId, after, limit);
  await recordAudit(
    ctx.db,
    actor,
    {
      action: 'visit.messages.read',
      resourceType: 'visit',
      resourceId: visitId,
      patientId: v.patient_id,
      details: { after, count: items.length, ...(via ? { via } : {}) },
    },
    ctx.clock.now(),
  );
  return items.map((m) => messageIn(m, lang));
}

const closed = (detail: string) => visitErrors.visitClosed(detail);

/**
 * Stores a message and answers it with `created: true`; a resent client id answers the stored message with
 * `created: false`. Patients may write from the queue on; doctors once they started; nobody after the chat
 * closed (48 h after the last message of a completed visit) or the visit ended otherwise.
 *
 * One message is five round trips (docs/performance.md, "Chat over WebSocket"): `begin`; the visit locked
 * with the sender's standing (patient or proxy) and name in the same read; the insert — `on conflict do
 * nothing` on visit_message_client (0007) answers a resent client id instead of a look-up first — with the
 * visit's `last_message_at` in the same statement; the audit row; `commit`. The answer is built from what
 * those returned; only a resend, a refusal or an attachment reads more.
 */
export async function postMessage(
  ctx: AppContext,
  auth: AuthContext,
  visitId: string,
  input: PostMessageInput,
  actor: Actor,
): Promise<{ message: VisitMessage; created: boolean; role: ParticipantRole }> {
  if (input.kind === 'text') {
    const text = input.text?.trim() ?? '';
    if (!text) throw visitErrors.emptyMessage();
    if (text.length > MAX_TEXT) throw visitErrors.messageTooLong(`每条消息不超过 ${MAX_TEXT} 个字。`);
  } else if (!input.attachmentId) {
    throw visitErrors.attachmentRequired();
  }
  return runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const v = await trx
      .selectFrom('visit as v')
      .select([
        'v.id',
        'v.patient_id',
        'v.practitioner_id',
        'v.department_id',
        'v.institution_id',
        'v.status',
        'v.type',
        'v.chat_closed_at',
        actsForPatientExpr(auth.accountId, sql.ref<string>('v.patient_id')).as('patient_side'),
        accountNameExpr(auth.accountId).as('sender_name'),
      ])
      .where('v.id', '=', visitId)
      .forUpdate('v')
      .executeTakeFirst();
    if (!v) throw errors.notFound('问诊');
    const role = await requireParticipant(trx, auth, v, Boolean(v.patient_side));
    // A resent client id is answered with the stored message even when the chat has closed since.
    const storedOr = async (refusal: Error) => {
      const row = await messages(trx)
        .where('m.visit_id', '=', visitId)
        .where('m.sender_account_id', '=', auth.accountId)
        .where('m.client_id', '=', input.clientId)
        .executeTakeFirst();
      if (!row) throw refusal;
      return { message: toMessage(row as Row, v.sender_name), created: false, role };
    };
    if (['cancelled', 'expired', 'referred_offline'].includes(v.status) || v.chat_closed_at)
      return storedOr(closed('该问诊已结束，不能再发送消息。'));
    if (role === 'doctor' && v.status !== 'in_progress' && v.status !== 'completed')
      return storedOr(visitErrors.visitNotStarted('请先接诊再发送消息。'));
    if (role === 'patient' && (v.status === 'requested' || v.status === 'paid'))
      return storedOr(visitErrors.visitNotStarted('支付完成并进入候诊后才能发送消息。'));
    if (role === 'doctor' && v.practitioner_id !== auth.practitionerId)
      return storedOr(visitErrors.notYourVisit('只有接诊医生可以发送消息。'));
    const att = input.attachmentId
      ? await trx
          .selectFrom('attachment')
          .select(['id', 'mime', 'size_bytes', 'thumb_key', 'duration_ms', 'visit_id', 'uploaded_by'])
          .where('id', '=', input.attachmentId)
          .executeTakeFirst()
      : undefined;
    if (input.attachmentId) {
      const fits = input.kind === 'image' ? att?.mime.startsWith('image/') : att?.mime.startsWith('audio/');
      if (
        !att ||
        att.uploaded_by !== auth.accountId ||
        (att.visit_id !== null && att.visit_id !== visitId) ||
        !fits
      )
        return storedOr(visitErrors.attachmentNotFound());
    }
    const body = input.kind === 'text' ? (input.text ?? '').trim() : null;
    // The insert and the visit's update in one statement; the update happens only when the insert did.
    const inserted = await trx
      .with('m', (db) =>
        db
          .insertInto('visit_message')
          .values({
            visit_id: visitId,
            sender_account_id: auth.accountId,
            sender_role: role,
            client_id: input.clientId,
            kind: input.kind,
            body,
            attachment_id: input.attachmentId ?? null,
            created_at: now,
          })
          .onConflict((oc) =>
            oc
              .columns(['visit_id', 'sender_account_id', 'client_id'])
              .where('client_id', 'is not', null)
              .doNothing(),
          )
          .returning(['id', 'created_at']),
      )
      .with('u', (db) =>
        db
          .updateTable('visit')
          .set({
            last_message_at: now,
            ...(v.status === 'completed'
              ? { chat_closes_at: new Date(now.getTime() + ctx.config.visits.chatCloseMs) }
              : {}),
          })
          .where('id', '=', visitId)
          .where((eb) => eb.exists(eb.selectFrom('m').select('m.id')))
          .returning('id'),
      )
      .selectFrom('m')
      .select(['m.id', 'm.created_at'])
      .executeTakeFirst();
    // Resent (the same sender and client id, stored before): the stored message, whatever this one says.
    if (!inserted) return storedOr(errors.notFound('消息'));
    if (att && att.visit_id === null)
      await trx.updateTable('attachment').set({ visit_id: visitId }).where('id', '=', att.id).execute();
    await audit({
      action: 'visit.message',
      resourceType: 'visit',
      resourceId: visitId,
      patientId: v.patient_id,
      details: { messageId: Number(inserted.id), kind: input.kind },
    });
    const row: Row = {
      id: Number(inserted.id),
      visit_id: visitId,
      sender_role: role,
      client_id: input.clientId,
      kind: input.kind,
      body,
      body_key: null,
      body_params: null,
      created_at: new Date(inserted.created_at),
      sender_account_id: auth.accountId,
      att_id: att?.id ?? null,
      att_mime: att?.mime ?? null,
      att_size: att?.size_bytes ?? null,
      att_thumb: att?.thumb_key ?? null,
      att_duration: att?.duration_ms ?? null,
    };
    return { message: toMessage(row, v.sender_name), created: true, role };
  });
}

/** Read receipt: the highest message id the side has read (never goes back). */
export async function markRead(
  ctx: AppContext,
  visitId: string,
  role: ParticipantRole,
  lastReadId: number,
): Promise<number> {
  const now = ctx.clock.now();
  const row = await ctx.db
    .insertInto('visit_read')
    .values({ visit_id: visitId, role, last_read_id: lastReadId, read_at: now })
    .onConflict((oc) =>
      oc.columns(['visit_id', 'role']).doUpdateSet((eb) => ({
        last_read_id: eb.fn('greatest', [eb.ref('visit_read.last_read_id'), eb.ref('excluded.last_read_id')]),
        read_at: now,
      })),
    )
    .returning('last_read_id')
    .executeTakeFirstOrThrow();
  return Number(row.last_read_id);
}

export async function readState(db: Executor, visitId: string) {
  const rows = await db
    .selectFrom('visit_read')
    .select(['role', 'last_read_id'])
    .where('visit_id', '=', visitId)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.role, Number(r.last_read_id)])) as Partial<
    Record<ParticipantRole, number>
  >;
}
