/**
 * What the HL7 admin pages read: the listener and feed status, the messages (dead letters first of all),
 * one message with its text (audited: it carries personal data), the match queue. An institution's
 * administrators see their own feeds' messages only; the regulator sees the status of every feed.
 */
import type { Static } from 'typebox';
import type {
  Hl7FeedStatus,
  Hl7MatchQuery,
  Hl7MatchView,
  Hl7MessageQuery,
  Hl7MessageView,
} from '../../../shared/records.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { cutPage, decodeCursor, type Page } from '../../platform/paging.js';
import { institutionByCode } from '../directory/directory.api.js';
import { patientCandidateCards } from '../identity/identity.api.js';
import { listenerState } from './hl7.runtime.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The institution whose feeds an org_admin manages (a regulator has none: status only). */
function ownInstitution(auth: AuthContext): string {
  if (!auth.roles.includes('org_admin') || !auth.institutionId)
    throw errors.forbidden('只有机构管理员可以管理本机构的 HL7 接口。');
  return auth.institutionId;
}

export async function feedStatus(ctx: AppContext, auth: AuthContext): Promise<Hl7FeedStatus> {
  const state = listenerState(ctx);
  const regulator = auth.roles.includes('regulator');
  const now = ctx.clock.now();
  const feeds: Hl7FeedStatus['feeds'] = [];
  for (const feed of ctx.config.hl7.feeds) {
    const institution = await institutionByCode(ctx.db, feed.institution);
    if (!regulator && (!institution || institution.id !== auth.institutionId)) continue;
    const counts = await ctx.db
      .selectFrom('hl7_message')
      .select((eb) => [
        eb.fn.max('received_at').as('last'),
        eb.fn
          .count<number>('id')
          .filterWhere((w) =>
            w.and([
              w('status', 'in', ['applied', 'replayed']),
              w('applied_at', '>=', new Date(now.getTime() - DAY_MS)),
            ]),
          )
          .as('applied'),
        eb.fn.count<number>('id').filterWhere('status', '=', 'dead').as('dead'),
        eb.fn.count<number>('id').filterWhere('status', '=', 'held').as('held'),
      ])
      .where('sending_facility', '=', feed.sendingFacility)
      .executeTakeFirstOrThrow();
    feeds.push({
      sendingFacility: feed.sendingFacility,
      institutionName: institution?.name ?? feed.institution,
      lastReceivedAt: counts.last ? new Date(counts.last as unknown as string).toISOString() : null,
      applied24h: Number(counts.applied),
      dead: Number(counts.dead),
      held: Number(counts.held),
    });
  }
  return { listening: state.listening, port: state.port, feeds };
}

type MessageRow = {
  id: string;
  sending_facility: string;
  control_id: string;
  message_type: string;
  status: Hl7MessageView['status'];
  ack_code: Hl7MessageView['ackCode'];
  error_code: string | null;
  error_detail: string | null;
  received_at: Date;
  applied_at: Date | null;
  attempts: number;
};

const MESSAGE_COLUMNS = [
  'id',
  'sending_facility',
  'control_id',
  'message_type',
  'status',
  'ack_code',
  'error_code',
  'error_detail',
  'received_at',
  'applied_at',
  'attempts',
] as const;

export function messageView(r: MessageRow): Hl7MessageView {
  return {
    id: r.id,
    sendingFacility: r.sending_facility,
    controlId: r.control_id,
    messageType: r.message_type,
    status: r.status,
    ackCode: r.ack_code,
    errorCode: r.error_code,
    errorDetail: r.error_detail,
    receivedAt: new Date(r.received_at).toISOString(),
    appliedAt: r.applied_at ? new Date(r.applied_at).toISOString() : null,
    attempts: Number(r.attempts),
  };
}

/** The institution's messages, newest first, optionally of one status (`dead`: the dead letters). */
export async function listMessages(
  ctx: AppContext,
  auth: AuthContext,
  query: Static<typeof Hl7MessageQuery>,
): Promise<Page<Hl7MessageView>> {
  const institutionId = ownInstitution(auth);
  const limit = query.limit ?? 30;
  const after = decodeCursor(query.before, ['instant', 'uuid'] as const);
  let q = ctx.db
    .selectFrom('hl7_message')
    .select(MESSAGE_COLUMNS)
    .where('institution_id', '=', institutionId);
  if (query.status) q = q.where('status', '=', query.status);
  if (after) {
    const at = new Date(after[0]);
    q = q.where((eb) =>
      eb.or([eb('received_at', '<', at), eb.and([eb('received_at', '=', at), eb('id', '<', after[1])])]),
    );
  }
  const rows = await q
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [new Date(r.received_at).toISOString(), r.id]);
  return { items: page.rows.map((r) => messageView(r as MessageRow)), nextCursor: page.nextCursor };
}

/** One of the institution's messages, or 404 (another institution's message is not named, DJ-9). */
export async function messageRow(db: Executor, auth: AuthContext, id: string, forUpdate = false) {
  const institutionId = ownInstitution(auth);
  let q = db
    .selectFrom('hl7_message')
    .select([...MESSAGE_COLUMNS, 'raw_enc', 'patient_id', 'institution_id'])
    .where('id', '=', id)
    .where('institution_id', '=', institutionId);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw errors.notFound('HL7 消息');
  return row;
}

/** A message with its text: personal data (ID number, phone), so the read is audited (DJ-12). */
export async function getMessage(ctx: AppContext, auth: AuthContext, id: string, actor: Actor) {
  return runCommand(ctx, actor, async (cmd) => {
    const row = await messageRow(cmd.trx, auth, id);
    await cmd.audit({
      action: 'hl7.message.read',
      resourceType: 'hl7_message',
      resourceId: row.id,
      patientId: row.patient_id,
      details: { sendingFacility: row.sending_facility, status: row.status },
    });
    return { ...messageView(row as MessageRow), raw: ctx.cipher.decrypt(row.raw_enc) };
  });
}

/**
 * The match queue of the institution: pending matches oldest first (the longest waiting), or all of them
 * newest first. Candidates carry names and masked ID numbers, so the page read is audited.
 */
export async function listMatches(
  ctx: AppContext,
  auth: AuthContext,
  query: Static<typeof Hl7MatchQuery>,
  actor: Actor,
): Promise<Page<Hl7MatchView>> {
  const institutionId = ownInstitution(auth);
  const limit = query.limit ?? 30;
  const pending = (query.status ?? 'pending') === 'pending';
  const after = decodeCursor(query.before, ['instant', 'uuid'] as const);
  let q = ctx.db
    .selectFrom('hl7_match as m')
    .innerJoin('hl7_message as h', 'h.id', 'm.hl7_message_id')
    .select([
      'm.id',
      'm.hl7_message_id',
      'h.message_type',
      'm.name',
      'm.sex',
      'm.birth_date',
      'm.id_number_masked',
      'm.candidate_patient_ids',
      'm.status',
      'm.resolved_patient_id',
      'h.status as message_status',
      'm.created_at',
    ])
    .where('m.institution_id', '=', institutionId);
  if (pending) q = q.where('m.status', '=', 'pending');
  if (after) {
    const at = new Date(after[0]);
    q = pending
      ? q.where((eb) =>
          eb.or([
            eb('m.created_at', '>', at),
            eb.and([eb('m.created_at', '=', at), eb('m.id', '>', after[1])]),
          ]),
        )
      : q.where((eb) =>
          eb.or([
            eb('m.created_at', '<', at),
            eb.and([eb('m.created_at', '=', at), eb('m.id', '<', after[1])]),
          ]),
        );
  }
  const dir = pending ? 'asc' : 'desc';
  const rows = await q
    .orderBy('m.created_at', dir)
    .orderBy('m.id', dir)
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [new Date(r.created_at).toISOString(), r.id]);
  const cards = await patientCandidateCards(
    ctx.cipher,
    ctx.db,
    page.rows.flatMap((r) => r.candidate_patient_ids),
  );
  const items = page.rows.map(
    (r): Hl7MatchView => ({
      id: r.id,
      messageId: r.hl7_message_id,
      messageType: r.message_type,
      name: r.name,
      sex: (r.sex as Hl7MatchView['sex']) ?? null,
      birthDate: r.birth_date ? String(r.birth_date) : null,
      idNumberMasked: r.id_number_masked,
      candidates: r.candidate_patient_ids.flatMap((pid) => {
        const c = cards.get(pid);
        return c ? [c] : [];
      }),
      status: r.status,
      createdAt: new Date(r.created_at).toISOString(),
      resolvedPatientId: r.resolved_patient_id,
      messageStatus: r.message_status,
    }),
  );
  if (items.length > 0) {
    await runCommand(ctx, actor, (cmd) =>
      cmd.audit({
        action: 'hl7.match.list',
        resourceType: 'hl7_match',
        details: {
          matches: items.map((m) => m.id),
          candidates: items.reduce((n, m) => n + m.candidates.length, 0),
        },
      }),
    );
  }
  return { items, nextCursor: page.nextCursor };
}
