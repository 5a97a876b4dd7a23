/**
 * What an institution's administrator does with messages the platform could not apply as sent:
 * fix-and-replay a dead letter, discard it, and resolve the match queue (match a candidate, create a new
 * patient record, or reject), after which the held message is applied. Every step is a command with its
 * audit entry; the message text itself never goes into the audit log, only its SM3 digest.
 */
import type { Static } from 'typebox';
import type { Hl7MatchResolve, Hl7MatchView } from '../../../shared/records.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { sm3Hex } from '../../platform/crypto/hash.js';
import { errors } from '../../platform/errors.js';
import { createFedPatient, patientCandidateCards } from '../identity/identity.api.js';
import { applyMessage, type FeedRef } from './apply.js';
import { Hl7Problem, hl7Errors } from './hl7.errors.js';
import { acceptedKind, type MessageKind, type Parsed, parseMessage } from './hl7.message.js';
import { getMessage, messageRow } from './hl7.queries.js';
import { feedNamed } from './hl7.runtime.js';
import { recordOutcome } from './hl7.service.js';

/**
 * Fix-and-replay: the corrected text is parsed and applied in place of the dead letter. On success the
 * message is `replayed` (or `held` when it now waits for a patient match) and its stored text is the fixed
 * one; on failure it stays `dead` with the new error, the fixed text kept for the next attempt. Either way
 * the attempt is counted and audited (with digests of the old and new text). A text that does not parse
 * or names another sender is bad input (422) and changes nothing.
 */
export async function replayMessage(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  raw: string,
  actor: Actor,
) {
  const parsed = parseFixed(raw);
  try {
    await runCommand(ctx, actor, async (cmd) => {
      const row = await deadRow(cmd, auth, id);
      const feed = feedFor(row, parsed);
      const kind = acceptedKind(parsed);
      const outcome = await applyMessage(cmd, feed, parsed, kind, id);
      await recordOutcome(cmd, id, outcome, {
        status: 'replayed',
        updatedBy: actor.accountId,
        raw,
        attempts: true,
      });
      await cmd.audit({
        action: 'hl7.message.replay',
        resourceType: 'hl7_message',
        resourceId: id,
        patientId: outcome.patientId,
        details: {
          status: outcome.status,
          before: sm3Hex(cmd.ctx.cipher.decrypt(row.raw_enc)),
          after: sm3Hex(raw),
        },
      });
    });
  } catch (err) {
    if (!(err instanceof Hl7Problem)) throw err;
    await runCommand(ctx, actor, async (cmd) => {
      const row = await deadRow(cmd, auth, id);
      await cmd.trx
        .updateTable('hl7_message')
        .set((eb) => ({
          error_code: err.spec.code,
          error_detail: err.detail,
          ack_code: err.spec.ack,
          raw_enc: cmd.ctx.cipher.encrypt(raw),
          attempts: eb('attempts', '+', 1),
          updated_at: cmd.now,
          updated_by: actor.accountId,
        }))
        .where('id', '=', id)
        .execute();
      await cmd.audit({
        action: 'hl7.message.replay',
        outcome: 'failure',
        resourceType: 'hl7_message',
        resourceId: id,
        details: {
          code: err.spec.code,
          before: sm3Hex(cmd.ctx.cipher.decrypt(row.raw_enc)),
          after: sm3Hex(raw),
        },
      });
    });
  }
  return getMessage(ctx, auth, id, actor);
}

function parseFixed(raw: string): Parsed {
  try {
    return parseMessage(raw);
  } catch (err) {
    if (err instanceof Hl7Problem) throw hl7Errors.replayFeedMismatch(`修正后的消息无法解析：${err.detail}`);
    throw err;
  }
}

async function deadRow(cmd: CommandScope, auth: AuthContext, id: string) {
  const row = await messageRow(cmd.trx, auth, id, true);
  if (row.status !== 'dead') throw hl7Errors.messageNotDead();
  return row;
}

/**
 * The feed a replayed text is applied for: the message's own sender (MSH-4 must not change); a message
 * kept unparsed (no sender read) may be given any feed of the administrator's institution.
 */
function feedFor(
  row: { sending_facility: string; message_type: string; institution_id: string | null },
  parsed: Parsed,
): FeedRef {
  const facility = parsed.envelope.sendingFacility;
  const unparsed = row.message_type === '';
  if (!row.institution_id || (!unparsed && facility !== row.sending_facility))
    throw hl7Errors.replayFeedMismatch();
  return { sendingFacility: facility, institutionId: row.institution_id };
}

/** A dead letter or a held message nobody will apply: discarded (kept, REC-4), its pending match rejected. */
export async function discardMessage(ctx: AppContext, auth: AuthContext, id: string, actor: Actor) {
  await runCommand(ctx, actor, async (cmd) => {
    const row = await messageRow(cmd.trx, auth, id, true);
    if (row.status !== 'dead' && row.status !== 'held') throw hl7Errors.messageNotDead();
    await cmd.trx
      .updateTable('hl7_message')
      .set({ status: 'discarded', updated_at: cmd.now, updated_by: actor.accountId })
      .where('id', '=', id)
      .execute();
    await cmd.trx
      .updateTable('hl7_match')
      .set({ status: 'rejected', resolved_by: actor.accountId, resolved_at: cmd.now })
      .where('hl7_message_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    await cmd.audit({
      action: 'hl7.message.discard',
      resourceType: 'hl7_message',
      resourceId: id,
      patientId: row.patient_id,
      details: { previous: row.status },
    });
  });
  return getMessage(ctx, auth, id, actor);
}

/**
 * Resolves a pending match: `match` (one of the listed candidates), `create` (a new patient record from the
 * message's name, sex and birth date, without an ID number or account), or `reject` (the message is
 * discarded). A matched or created patient is written to the match first, then the held message is applied
 * for them; if that fails now, the resolution stands and the message becomes a dead letter to fix and
 * replay (a replay applies it for the chosen patient).
 */
export async function resolveMatch(
  ctx: AppContext,
  auth: AuthContext,
  matchId: string,
  body: Static<typeof Hl7MatchResolve>,
  actor: Actor,
) {
  const resolve = async (cmd: CommandScope) => {
    const match = await cmd.trx
      .selectFrom('hl7_match')
      .selectAll()
      .where('id', '=', matchId)
      .where('institution_id', '=', auth.institutionId)
      .forUpdate()
      .executeTakeFirst();
    if (!match) throw errors.notFound('待匹配记录');
    if (match.status !== 'pending') throw hl7Errors.matchResolved();
    const message = await messageRow(cmd.trx, auth, match.hl7_message_id, true);
    let patientId: string | null = null;
    if (body.action === 'match') {
      if (!body.patientId || !match.candidate_patient_ids.includes(body.patientId))
        throw hl7Errors.matchPatientInvalid();
      patientId = body.patientId;
    } else if (body.action === 'create') {
      patientId = await createFedPatient(
        cmd.ctx.cipher,
        cmd.trx,
        {
          name: match.name,
          idNumber: null,
          birthDate: match.birth_date ? String(match.birth_date) : null,
          sex: (match.sex as 'male' | 'female' | null) ?? null,
        },
        cmd.now,
      );
    }
    const status = body.action === 'match' ? 'matched' : body.action === 'create' ? 'created' : 'rejected';
    await cmd.trx
      .updateTable('hl7_match')
      .set({ status, resolved_patient_id: patientId, resolved_by: actor.accountId, resolved_at: cmd.now })
      .where('id', '=', matchId)
      .execute();
    await cmd.audit({
      action: `hl7.match.${body.action}`,
      resourceType: 'hl7_match',
      resourceId: matchId,
      patientId,
      details: { messageId: message.id },
    });
    return { message, patientId };
  };

  try {
    await runCommand(ctx, actor, async (cmd) => {
      const { message, patientId } = await resolve(cmd);
      if (!patientId) {
        await cmd.trx
          .updateTable('hl7_message')
          .set({ status: 'discarded', updated_at: cmd.now, updated_by: actor.accountId })
          .where('id', '=', message.id)
          .execute();
        return;
      }
      const raw = cmd.ctx.cipher.decrypt(message.raw_enc);
      const parsed = parseMessage(raw);
      const kind: MessageKind = acceptedKind(parsed);
      const feed: FeedRef = {
        sendingFacility:
          feedNamed(cmd.ctx, message.sending_facility)?.sendingFacility ?? message.sending_facility,
        institutionId: message.institution_id!,
      };
      const outcome = await applyMessage(cmd, feed, parsed, kind, message.id);
      await recordOutcome(cmd, message.id, outcome, { updatedBy: actor.accountId });
    });
  } catch (err) {
    if (!(err instanceof Hl7Problem)) throw err;
    // The held text no longer applies (a doctor's or a code's data changed meanwhile): keep the choice,
    // turn the message into a dead letter.
    await runCommand(ctx, actor, async (cmd) => {
      const { message } = await resolve(cmd);
      await cmd.trx
        .updateTable('hl7_message')
        .set({
          status: 'dead',
          ack_code: err.spec.ack,
          error_code: err.spec.code,
          error_detail: err.detail,
          updated_at: cmd.now,
          updated_by: actor.accountId,
        })
        .where('id', '=', message.id)
        .execute();
    });
  }
  return matchView(ctx, auth, matchId);
}

async function matchView(ctx: AppContext, auth: AuthContext, matchId: string): Promise<Hl7MatchView> {
  const m = await ctx.db
    .selectFrom('hl7_match as m')
    .innerJoin('hl7_message as h', 'h.id', 'm.hl7_message_id')
    .select([
      'm.id',
      'm.hl7_message_id',
      'h.message_type',
      'h.status as message_status',
      'm.name',
      'm.sex',
      'm.birth_date',
      'm.id_number_masked',
      'm.candidate_patient_ids',
      'm.status',
      'm.resolved_patient_id',
      'm.created_at',
    ])
    .where('m.id', '=', matchId)
    .where('m.institution_id', '=', auth.institutionId)
    .executeTakeFirstOrThrow();
  const cards = await patientCandidateCards(ctx.cipher, ctx.db, m.candidate_patient_ids);
  return {
    id: m.id,
    messageId: m.hl7_message_id,
    messageType: m.message_type,
    name: m.name,
    sex: (m.sex as Hl7MatchView['sex']) ?? null,
    birthDate: m.birth_date ? String(m.birth_date) : null,
    idNumberMasked: m.id_number_masked,
    candidates: m.candidate_patient_ids.flatMap((id) => {
      const c = cards.get(id);
      return c ? [c] : [];
    }),
    status: m.status,
    createdAt: new Date(m.created_at).toISOString(),
    resolvedPatientId: m.resolved_patient_id,
    messageStatus: m.message_status,
  };
}
