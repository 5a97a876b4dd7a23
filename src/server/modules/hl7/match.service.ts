/**
 * Who a message is about. By resident ID first (the blind index); a valid number nobody holds creates the
 * patient record — a hospital registers patients under their real name, and the record waits, unverified,
 * for the person to claim it by real-name verification (identity.api). Without a resident ID the message
 * is held and a match row lists the candidates (same name, birth date, sex) for staff to decide: match one,
 * create a new record, or reject. A message staff matched uses their choice from then on (replays too).
 */
import type { CommandScope } from '../../platform/command.js';
import { maskIdNumber } from '../../platform/crypto/mask.js';
import { newId } from '../../platform/ids.js';
import { createFedPatient, patientByIdNumber, patientCandidates } from '../identity/identity.api.js';
import type { FeedRef } from './apply.js';
import { hl7Problem } from './hl7.errors.js';
import type { PatientFacts } from './pid.js';

export type PatientResolution = { held: true } | { held: false; id: string; created: boolean };

export async function resolvePatient(
  cmd: CommandScope,
  feed: FeedRef,
  messageId: string,
  who: PatientFacts,
): Promise<PatientResolution> {
  const { trx, ctx, now } = cmd;
  const chosen = await trx
    .selectFrom('hl7_match')
    .select('resolved_patient_id')
    .where('hl7_message_id', '=', messageId)
    .where('status', 'in', ['matched', 'created'])
    .where('resolved_patient_id', 'is not', null)
    .orderBy('resolved_at', 'desc')
    .executeTakeFirst();
  if (chosen?.resolved_patient_id) return { held: false, id: chosen.resolved_patient_id, created: false };

  if (who.idNumber) {
    const found = await patientByIdNumber(ctx.cipher, trx, who.idNumber);
    if (found) return { held: false, id: found.id, created: false };
    if (!who.name)
      throw hl7Problem('patientMissing', '新患者建档须有 PID-5 姓名。', { segment: 'PID', field: 5 });
    const id = await createFedPatient(
      ctx.cipher,
      trx,
      { name: who.name, idNumber: who.idNumber, birthDate: who.birthDate, sex: who.sex },
      now,
    );
    await cmd.audit({
      action: 'patient.create_from_his',
      resourceType: 'patient',
      resourceId: id,
      patientId: id,
      details: {
        sendingFacility: feed.sendingFacility,
        messageId,
        idNumber: maskIdNumber(who.idNumber),
      },
    });
    return { held: false, id, created: true };
  }

  // No resident ID: readPatient guarantees a name.
  const candidates = await patientCandidates(ctx.cipher, trx, {
    name: who.name!,
    birthDate: who.birthDate,
    sex: who.sex,
  });
  const matchId = newId();
  await trx
    .insertInto('hl7_match')
    .values({
      id: matchId,
      hl7_message_id: messageId,
      institution_id: feed.institutionId,
      name: who.name!,
      sex: who.sex,
      birth_date: who.birthDate,
      id_number_masked: null,
      candidate_patient_ids: candidates.map((c) => c.patientId),
      status: 'pending',
      resolved_patient_id: null,
      resolved_by: null,
      resolved_at: null,
      created_at: now,
    })
    .execute();
  await cmd.audit({
    action: 'hl7.match.queue',
    resourceType: 'hl7_match',
    resourceId: matchId,
    details: { messageId, sendingFacility: feed.sendingFacility, candidates: candidates.length },
  });
  return { held: true };
}
