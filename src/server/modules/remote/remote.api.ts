/**
 * What other modules may ask of remote diagnosis ([11/12]):
 * - records: `remoteConsultationSource`, the care relationship a remote consultation makes (SEC-1), one
 *   entry of records' CARE_SOURCES — named by records, never the other way round. This file imports no
 *   service of its own module (records imports it while remote's services import records: no cycle).
 *
 * Events it emits (outbox): remote.request_created, remote.request_claimed, remote.request_cancelled,
 * remote.critical_value_raised, remote.critical_value_acknowledged, remote.report_signed.
 */
import type { RecordCategory } from '../../../shared/records.js';
import type { CareSource, PatientDecision } from '../records/care-access.js';

/** What the reading doctor sees of the patient's archive: who they are, their diagnoses, results, exams. */
const READER_CATEGORIES: RecordCategory[] = ['basic', 'diagnoses', 'labs', 'exams'];
const OPEN = ['requested', 'ready', 'claimed', 'reported', 'redraw'] as const;

/**
 * remote_consultation (远程会诊): the requesting practitioner — every category — and the reading doctor who
 * claimed the request — basic, diagnoses, labs, exams — for the care window (`records.careWindowMs`) after the
 * request's last change (its creation, the material, the claim, the report, the signature). A request left
 * open does not relate anyone for ever: a month without a change ends it. A cancelled request relates no one.
 * Until: the end of that window.
 */
export const remoteConsultationSource: CareSource = {
  relationship: 'remote_consultation',
  async find(ctx, db, reader, now, patientId) {
    const window = ctx.config.records.careWindowMs;
    const since = new Date(now.getTime() - window);
    let q = db
      .selectFrom('diagnostic_request')
      .select(['patient_id', 'status', 'updated_at', 'requester_practitioner_id', 'claimed_by'])
      .where((eb) =>
        eb.or([
          eb('requester_practitioner_id', '=', reader.practitionerId),
          eb('claimed_by', '=', reader.practitionerId),
        ]),
      )
      .where('status', 'in', [...OPEN, 'signed'])
      .where('updated_at', '>', since);
    if (patientId) q = q.where('patient_id', '=', patientId);
    const rows = await q.execute();
    const out: PatientDecision[] = [];
    for (const r of rows) {
      const until = new Date(r.updated_at.getTime() + window);
      if (r.requester_practitioner_id === reader.practitionerId)
        out.push({ patientId: r.patient_id, relationship: 'remote_consultation', categories: null, until });
      if (r.claimed_by === reader.practitionerId)
        out.push({
          patientId: r.patient_id,
          relationship: 'remote_consultation',
          categories: [...READER_CATEGORIES],
          until,
        });
    }
    return out;
  },
};
