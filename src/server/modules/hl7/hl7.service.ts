/**
 * Receiving one HL7 v2 message from a hospital system (what the MLLP listener calls for each frame):
 * feed authentication, duplicate detection, application in one command, the ACK, and the dead letter
 * when it cannot be applied.
 *
 * Duplicates are decided by the database: the message row is inserted first, in the applying
 * transaction, with `ON CONFLICT (sending_facility, control_id) DO NOTHING`. A concurrent copy waits on
 * the unique index until the first commits, then finds the row and is answered with the stored ACK — one
 * application, however many copies race. A message that fails is rolled back whole and kept in a second
 * transaction as a dead letter (the same conflict rule answers a racing copy the same AE).
 */
import type { Actor } from '../../platform/audit/audit.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/unique.js';
import { newId } from '../../platform/ids.js';
import { institutionByCode } from '../directory/directory.api.js';
import { acceptedAck, problemAck, storedAck } from './ack.js';
import { type ApplyOutcome, applyMessage, type FeedRef } from './apply.js';
import { ACK_NOTES, Hl7Problem, hl7Problem } from './hl7.errors.js';
import { acceptedKind, type Envelope, type MessageKind, type Parsed, parseMessage } from './hl7.message.js';
import { feedOf, feedsOfAddress, normaliseAddress } from './hl7.runtime.js';

export interface Received {
  /** The ACK text to send back (MLLP framing is the listener's). */
  ack: string;
  ackCode: 'AA' | 'AE' | 'AR';
  /** The stored message, when it was kept. */
  messageId: string | null;
  /** The sender is not a configured feed: the listener closes the connection after answering. */
  refused: boolean;
}

type Row = {
  id: string;
  status: string;
  ack_code: 'AA' | 'AE' | 'AR';
  error_code: string | null;
  error_detail: string | null;
};

const feedActor = (peer: string): Actor => ({
  accountId: null,
  role: 'hl7_feed',
  ip: normaliseAddress(peer) || null,
});

/** Attempts of a message that lost a race with another message creating the same record (23505, 40001). */
const MAX_ATTEMPTS = 3;

export async function receiveMessage(ctx: AppContext, peer: string, text: string): Promise<Received> {
  let parsed: Parsed;
  try {
    parsed = parseMessage(text);
  } catch (err) {
    if (!(err instanceof Hl7Problem)) throw err;
    return receiveUnparseable(ctx, peer, text, err);
  }
  const feed = feedOf(ctx, parsed.envelope.sendingFacility, peer);
  const institution = feed ? await institutionByCode(ctx.db, feed.institution) : undefined;
  if (!feed || !institution) {
    if (feed)
      ctx.log.error(
        { feed: feed.sendingFacility },
        'hl7 feed names an institution code the directory does not have',
      );
    return refuse(ctx, peer, parsed.envelope);
  }
  return receiveFromFeed(
    ctx,
    { sendingFacility: feed.sendingFacility, institutionId: institution.id },
    peer,
    parsed,
    text,
  );
}

async function receiveFromFeed(
  ctx: AppContext,
  feed: FeedRef,
  peer: string,
  parsed: Parsed,
  text: string,
): Promise<Received> {
  const { envelope } = parsed;
  const stored = await storedRow(ctx.db, envelope.sendingFacility, envelope.controlId);
  if (stored) return answerStored(ctx, stored, envelope, eventOf(parsed));
  let kind: MessageKind;
  try {
    kind = acceptedKind(parsed);
  } catch (err) {
    if (!(err instanceof Hl7Problem)) throw err;
    // Not a message the platform takes (AR): kept as discarded, so the list shows what was refused.
    return keep(ctx, feed, peer, parsed, text, 'discarded', err);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await runCommand(ctx, feedActor(peer), async (cmd) => {
        const id = newId();
        const inserted = await cmd.trx
          .insertInto('hl7_message')
          .values({
            ...newRow(ctx, feed.institutionId, peer, envelope, text, cmd.now),
            id,
            status: 'applied',
            ack_code: 'AA',
          })
          .onConflict((oc) => oc.columns(['sending_facility', 'control_id']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) {
          // A copy committed while this one waited on the unique index.
          const row = await storedRow(cmd.trx, envelope.sendingFacility, envelope.controlId);
          return answerStored(ctx, row!, envelope, eventOf(parsed));
        }
        const outcome = await applyMessage(cmd, feed, parsed, kind, id);
        await recordOutcome(cmd, id, outcome);
        return {
          ack: acceptedAck(envelope, eventOf(parsed), outcome.notes, cmd.now),
          ackCode: 'AA',
          messageId: id,
          refused: false,
        };
      });
    } catch (err) {
      if (err instanceof Hl7Problem) return keep(ctx, feed, peer, parsed, text, 'dead', err);
      if (attempt < MAX_ATTEMPTS && retriable(err)) continue;
      ctx.log.error({ err, sendingFacility: feed.sendingFacility }, 'hl7 message could not be applied');
      return keep(ctx, feed, peer, parsed, text, 'dead', hl7Problem('internal'));
    }
  }
}

/** Unique violation (another message created the same patient first) or a serialisation failure. */
function retriable(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return isUniqueViolation(err) || code === '40001' || code === '40P01';
}

/** The message row's status after a successful application (and the notes an AA carries). */
export async function recordOutcome(
  cmd: CommandScope,
  id: string,
  outcome: ApplyOutcome,
  extra: { status?: 'replayed'; updatedBy?: string | null; raw?: string; attempts?: boolean } = {},
): Promise<void> {
  await cmd.trx
    .updateTable('hl7_message')
    .set((eb) => ({
      status: outcome.status === 'held' ? 'held' : (extra.status ?? 'applied'),
      ack_code: 'AA',
      patient_id: outcome.patientId,
      applied_at: outcome.status === 'applied' ? cmd.now : null,
      error_code: outcome.notes.length ? outcome.notes.map((n) => ACK_NOTES[n].code).join(',') : null,
      error_detail: outcome.notes.length ? outcome.notes.map((n) => ACK_NOTES[n].zh).join('\n') : null,
      updated_at: cmd.now,
      ...(extra.updatedBy !== undefined ? { updated_by: extra.updatedBy } : {}),
      ...(extra.raw !== undefined ? { raw_enc: cmd.ctx.cipher.encrypt(extra.raw) } : {}),
      ...(extra.attempts ? { attempts: eb('attempts', '+', 1) } : {}),
    }))
    .where('id', '=', id)
    .execute();
}

function newRow(
  ctx: AppContext,
  institutionId: string | null,
  peer: string,
  envelope: Pick<Envelope, 'sendingFacility' | 'controlId' | 'messageType'>,
  text: string,
  now: Date,
) {
  return {
    sending_facility: envelope.sendingFacility,
    control_id: envelope.controlId,
    message_type: envelope.messageType,
    institution_id: institutionId,
    peer: normaliseAddress(peer) || null,
    // DJ-23: the text carries ID numbers and phones.
    raw_enc: ctx.cipher.encrypt(text),
    error_code: null,
    error_detail: null,
    patient_id: null,
    received_at: now,
    applied_at: null,
    updated_at: now,
    updated_by: null,
  };
}

/** Keeps a message that was not applied (dead letter, or discarded when refused as AR) and answers it. */
async function keep(
  ctx: AppContext,
  feed: FeedRef,
  peer: string,
  parsed: Parsed,
  text: string,
  status: 'dead' | 'discarded',
  problem: Hl7Problem,
): Promise<Received> {
  const { envelope } = parsed;
  try {
    return await runCommand(ctx, feedActor(peer), async (cmd) => {
      const id = newId();
      const inserted = await cmd.trx
        .insertInto('hl7_message')
        .values({
          ...newRow(ctx, feed.institutionId, peer, envelope, text, cmd.now),
          id,
          status,
          ack_code: problem.spec.ack,
          error_code: problem.spec.code,
          error_detail: problem.detail,
        })
        .onConflict((oc) => oc.columns(['sending_facility', 'control_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) {
        const row = await storedRow(cmd.trx, envelope.sendingFacility, envelope.controlId);
        return answerStored(ctx, row!, envelope, eventOf(parsed));
      }
      await cmd.audit({
        action: status === 'dead' ? 'hl7.message.dead' : 'hl7.message.refuse',
        outcome: 'failure',
        resourceType: 'hl7_message',
        resourceId: id,
        details: {
          sendingFacility: feed.sendingFacility,
          messageType: envelope.messageType,
          code: problem.spec.code,
        },
      });
      return {
        ack: problemAck(envelope, eventOf(parsed), problem, ctx.clock.now()),
        ackCode: problem.spec.ack,
        messageId: id,
        refused: false,
      };
    });
  } catch (err) {
    // Not even the dead letter could be written (the database is away): the sender keeps the message
    // and sees AE; nothing was applied.
    ctx.log.error({ err, sendingFacility: feed.sendingFacility }, 'hl7 message could not be stored');
    const internal = hl7Problem('internal', '平台暂时无法保存该消息，请稍后重发。');
    return {
      ack: problemAck(envelope, eventOf(parsed), internal, ctx.clock.now()),
      ackCode: 'AE',
      messageId: null,
      refused: false,
    };
  }
}

/**
 * A frame without a readable MSH. From an address no feed lists it is refused like any stranger; from a
 * feed's address it is kept as a dead letter (a synthetic control id, the feed's facility when the address
 * belongs to one feed) for staff to fix and replay, and answered AR (documented in docs/hl7.md).
 */
async function receiveUnparseable(
  ctx: AppContext,
  peer: string,
  text: string,
  problem: Hl7Problem,
): Promise<Received> {
  const feeds = feedsOfAddress(ctx, peer);
  if (feeds.length === 0) return refuse(ctx, peer, {});
  const institutions = new Set(feeds.map((f) => f.institution));
  const institution =
    institutions.size === 1 ? await institutionByCode(ctx.db, feeds[0]!.institution) : undefined;
  const id = newId();
  const sendingFacility = feeds.length === 1 ? feeds[0]!.sendingFacility : '';
  const answer = problemAck({}, undefined, problem, ctx.clock.now());
  try {
    await runCommand(ctx, feedActor(peer), async (cmd) => {
      await cmd.trx
        .insertInto('hl7_message')
        .values({
          ...newRow(
            ctx,
            institution?.id ?? null,
            peer,
            { sendingFacility, controlId: `unparsed-${id}`, messageType: '' },
            text,
            cmd.now,
          ),
          id,
          status: 'dead',
          ack_code: problem.spec.ack,
          error_code: problem.spec.code,
          error_detail: problem.detail,
        })
        .execute();
      await cmd.audit({
        action: 'hl7.message.dead',
        outcome: 'failure',
        resourceType: 'hl7_message',
        resourceId: id,
        details: { sendingFacility, code: problem.spec.code },
      });
    });
    return { ack: answer, ackCode: problem.spec.ack, messageId: id, refused: false };
  } catch (err) {
    // Not even the dead letter could be written: AE (not AR) so the sender keeps the message and resends
    // it — a message is never dropped.
    ctx.log.error({ err }, 'hl7 unparseable message could not be stored');
    const internal = hl7Problem('internal', '平台暂时无法保存该消息，请稍后重发。');
    return {
      ack: problemAck({}, undefined, internal, ctx.clock.now()),
      ackCode: 'AE',
      messageId: null,
      refused: false,
    };
  }
}

/**
 * A sender that is not a configured feed (address and MSH-4 must both match): AR, nothing stored, a
 * security event in the audit log with the address and the facility it claimed — no message content.
 */
async function refuse(ctx: AppContext, peer: string, envelope: Partial<Envelope>): Promise<Received> {
  const problem = hl7Problem('feedNotAllowed');
  ctx.log.warn(
    { peer: normaliseAddress(peer), sendingFacility: envelope.sendingFacility ?? null },
    'hl7 sender refused',
  );
  try {
    await recordAudit(
      ctx.db,
      feedActor(peer),
      {
        action: 'hl7.feed.refused',
        outcome: 'failure',
        resourceType: 'hl7_feed',
        resourceId: envelope.sendingFacility || null,
        details: { code: problem.spec.code, sendingFacility: envelope.sendingFacility ?? null },
      },
      ctx.clock.now(),
    );
  } catch (err) {
    ctx.log.error({ err }, 'audit of a refused hl7 sender failed');
  }
  return {
    ack: problemAck(envelope, undefined, problem, ctx.clock.now()),
    ackCode: 'AR',
    messageId: null,
    refused: true,
  };
}

export async function storedRow(
  db: Executor,
  sendingFacility: string,
  controlId: string,
): Promise<Row | undefined> {
  return db
    .selectFrom('hl7_message')
    .select(['id', 'status', 'ack_code', 'error_code', 'error_detail'])
    .where('sending_facility', '=', sendingFacility)
    .where('control_id', '=', controlId)
    .executeTakeFirst();
}

/** A resent message: the ACK it was given, rebuilt from the stored code and reasons; nothing applied. */
function answerStored(ctx: AppContext, row: Row, envelope: Envelope, event: string | undefined): Received {
  return {
    ack: storedAck(row.ack_code, row.error_code, row.error_detail, envelope, event, ctx.clock.now()),
    ackCode: row.ack_code,
    messageId: row.id,
    refused: false,
  };
}

/** MSH-9.2 as received, for ACK^<event>^ACK. */
function eventOf(parsed: Parsed): string | undefined {
  return parsed.envelope.messageType.split('^')[1] || undefined;
}
