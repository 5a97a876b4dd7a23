/**
 * Applying a read message in the caller's command (one transaction with its audit): the patient, then
 * ADT → encounter, diagnoses (archive) and offline diagnoses (VISIT-1), or ORU → reports and results.
 * Throws `Hl7Problem` when the message cannot be applied; the caller rolls back and keeps a dead letter.
 */
import { shanghaiDate } from '../../../shared/identity.js';
import type { CommandScope } from '../../platform/command.js';
import { departmentAt, practitionerAt } from '../directory/directory.api.js';
import { updateFedPatient } from '../identity/identity.api.js';
import {
  hisEncounterByRef,
  upsertHisDiagnoses,
  upsertHisEncounter,
  upsertHisReport,
} from '../records/records.api.js';
import { icd10Known, recordHisOfflineDiagnosis } from '../visits/visits.api.js';
import { type AdtEvent, type AdtFacts, readAdt } from './adt.js';
import { type AckNoteKey, hl7Problem } from './hl7.errors.js';
import type { MessageKind, Parsed } from './hl7.message.js';
import { resolvePatient } from './match.service.js';
import { readOru } from './oru.js';

/** The feed a message came in on, resolved to our institution. */
export interface FeedRef {
  sendingFacility: string;
  institutionId: string;
}

export interface ApplyOutcome {
  status: 'applied' | 'held';
  patientId: string | null;
  notes: AckNoteKey[];
}

/**
 * Applies a message already stored as `messageId` (the match queue refers to it). `resolvedPatientId`
 * is the patient staff chose for a held message.
 */
export async function applyMessage(
  cmd: CommandScope,
  feed: FeedRef,
  parsed: Parsed,
  kind: MessageKind,
  messageId: string,
): Promise<ApplyOutcome> {
  const now = cmd.now;
  if (kind === 'ORU^R01') {
    const facts = readOru(parsed, now);
    const patient = await resolvePatient(cmd, feed, messageId, facts.patient);
    if (patient.held) return { status: 'held', patientId: null, notes: ['pendingMatch'] };
    const encounter = facts.visitNumber
      ? await hisEncounterByRef(cmd.trx, feed.institutionId, facts.visitNumber)
      : undefined;
    const reportIds: string[] = [];
    for (const r of facts.reports) {
      const { reportId } = await upsertHisReport(
        cmd.trx,
        {
          report: {
            patientId: patient.id,
            institutionId: feed.institutionId,
            sourceRef: r.fillerOrder,
            encounterId: encounter && encounter.patientId === patient.id ? encounter.id : null,
            kind: r.kind,
            codeSystem: r.codeSystem,
            code: r.code,
            name: r.name,
            status: r.status,
            effectiveAt: r.effectiveAt,
            issuedAt: r.issuedAt,
            performerName: r.performerName,
            verifierName: r.verifierName,
            findings: r.findings,
            conclusion: r.conclusion,
            source: 'his',
          },
          observations: r.observations,
        },
        now,
      );
      reportIds.push(reportId);
    }
    await audit(cmd, messageId, kind, feed, patient.id, { reportIds, created: patient.created });
    return { status: 'applied', patientId: patient.id, notes: [] };
  }

  const event = kind.slice(4) as AdtEvent;
  const facts = readAdt(parsed, event, now);
  // Every code is checked before the patient is matched: a held message is one staff can apply as it is.
  const diagnoses = facts.diagnoses.map((d, i) => {
    const known = icd10Known(d.icd10);
    if (!known)
      throw hl7Problem(
        'unknownCode',
        `DG1${i > 0 ? `[${i + 1}]` : ''}-3 的 ICD-10 编码不在国家临床版目录中。`,
        {
          segment: 'DG1',
          sequence: i + 1,
          field: 3,
        },
      );
    return { ...d, name: d.name ?? known.name };
  });
  const notes: AckNoteKey[] = [];
  const refs = await visitRefs(cmd, feed, facts, notes);
  const patient = await resolvePatient(cmd, feed, messageId, facts.patient);
  if (patient.held) return { status: 'held', patientId: null, notes: ['pendingMatch'] };
  if (event === 'A08' && !patient.created) {
    const updated = await updateFedPatient(cmd.trx, patient.id, facts.patient);
    if (updated === 'protected') notes.push('identityProtected');
  }
  let encounterId: string | null = null;
  let recordedAt = facts.eventAt;
  const visit = facts.visit;
  if (visit) {
    const existing = await hisEncounterByRef(cmd.trx, feed.institutionId, visit.number);
    const ended = event === 'A03' ? (visit.dischargeAt ?? facts.eventAt) : visit.dischargeAt;
    const startedAt = visit.admitAt ?? existing?.startedAt ?? (event === 'A03' ? ended! : facts.eventAt);
    const status =
      event === 'A03'
        ? 'finished'
        : event === 'A08'
          ? ((existing?.status ?? 'in-progress') as 'in-progress')
          : 'in-progress';
    const { id } = await upsertHisEncounter(
      cmd.trx,
      {
        institutionId: feed.institutionId,
        sourceRef: visit.number,
        patientId: patient.id,
        class: visit.class,
        status,
        departmentId: refs.departmentId,
        practitionerId: refs.practitionerId,
        startedAt,
        endedAt: ended,
      },
      now,
    );
    encounterId = id;
    recordedAt = event === 'A03' && ended ? ended : startedAt;
  }
  if (diagnoses.length > 0) {
    await upsertHisDiagnoses(
      cmd.trx,
      {
        patientId: patient.id,
        encounterId,
        institutionId: feed.institutionId,
        practitionerId: refs.practitionerId,
        sourceRef: visit?.number ?? `${kind}:${parsed.envelope.controlId}`,
        recordedAt,
        diagnoses: diagnoses.map((d) => ({ icd10: d.icd10, name: d.name })),
      },
      now,
    );
    // VISIT-1: a diagnosis made at this (physical) institution unlocks online follow-ups of it.
    for (const d of diagnoses) {
      await recordHisOfflineDiagnosis(
        cmd.trx,
        {
          patientId: patient.id,
          institutionId: feed.institutionId,
          departmentId: refs.departmentId,
          practitionerId: refs.practitionerId,
          icd10: d.icd10,
          name: d.name,
          diagnosedAt: shanghaiDate(d.at ?? recordedAt),
        },
        now,
      );
    }
  }
  await audit(cmd, messageId, kind, feed, patient.id, {
    encounterId,
    diagnoses: diagnoses.map((d) => d.icd10),
    created: patient.created,
  });
  return { status: 'applied', patientId: patient.id, notes };
}

/** PV1-3 and PV1-7 resolved at the feed's institution; an unknown one is a note, not a failure. */
async function visitRefs(cmd: CommandScope, feed: FeedRef, facts: AdtFacts, notes: AckNoteKey[]) {
  let departmentId: string | null = null;
  let practitionerId: string | null = null;
  const visit = facts.visit;
  if (visit?.doctorRef) {
    const doctor = await practitionerAt(cmd.trx, feed.institutionId, visit.doctorRef);
    if (doctor) {
      practitionerId = doctor.id;
      departmentId = doctor.departmentId;
    } else notes.push('unknownDoctor');
  }
  if (visit?.departmentRef) {
    const department = await departmentAt(cmd.trx, feed.institutionId, visit.departmentRef);
    if (department) departmentId = department;
    else notes.push('unknownDepartment');
  }
  return { departmentId, practitionerId };
}

async function audit(
  cmd: CommandScope,
  messageId: string,
  kind: MessageKind,
  feed: FeedRef,
  patientId: string,
  details: Record<string, unknown>,
): Promise<void> {
  await cmd.audit({
    action: 'hl7.message.apply',
    resourceType: 'hl7_message',
    resourceId: messageId,
    patientId,
    details: { messageType: kind, sendingFacility: feed.sendingFacility, ...details },
  });
}
