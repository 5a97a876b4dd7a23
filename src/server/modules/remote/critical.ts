/**
 * Critical values (危急值): the one place an alert to the requesting doctor is raised — by the reading
 * doctor's report (requests) or by a laboratory result at a critical limit (lab). One alert per request.
 */
import type { CommandScope } from '../../platform/command.js';
import { newId } from '../../platform/ids.js';
import { institutionFacts } from '../directory/directory.api.js';
import { patientNames } from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import type { RemoteStaff, RequestRow } from './request-access.js';

export const CRITICAL_RAISED_TOPIC = 'remote.critical_value_raised';

/**
 * Raise the request's critical-value alert at once (notification to the requesting doctor, outbox event
 * `remote.critical_value_raised`, audit), in the caller's command. Returns the new alert's id, or null when
 * the request already has one.
 */
export async function raiseCriticalAlert(
  cmd: CommandScope,
  row: RequestRow,
  raisedBy: RemoteStaff,
  reason: string,
): Promise<string | null> {
  const { trx, now } = cmd;
  const text = reason.trim().slice(0, 500) || '危急值';
  const inserted = await trx
    .insertInto('critical_alert')
    .values({
      id: newId(),
      request_id: row.id,
      patient_id: row.patient_id,
      requester_institution_id: row.requester_institution_id,
      to_practitioner_id: row.requester_practitioner_id,
      raised_by: raisedBy.practitionerId,
      reason: text,
      raised_at: now,
    })
    .onConflict((oc) => oc.column('request_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return null;
  const [names, centres] = await Promise.all([
    patientNames(trx, [row.patient_id]),
    institutionFacts(trx, [row.centre_institution_id]),
  ]);
  // The requesting doctor, in the app and by SMS (a critical value cannot wait for the next look at the list).
  await notify(
    cmd,
    notices.remoteCriticalValue(
      { accountId: row.requester_account_id, refId: row.id },
      {
        patientName: names.get(row.patient_id) ?? '',
        accessionNo: row.accession_no,
        centreName: centres.get(row.centre_institution_id)?.name ?? '',
        reason: text,
      },
    ),
  );
  await cmd.audit({
    action: 'remote.critical_raise',
    resourceType: 'critical_alert',
    resourceId: inserted.id,
    patientId: row.patient_id,
    details: { requestId: row.id, accessionNo: row.accession_no, kind: row.kind },
  });
  await cmd.emit(CRITICAL_RAISED_TOPIC, {
    alertId: inserted.id,
    requestId: row.id,
    accessionNo: row.accession_no,
    patientId: row.patient_id,
    requesterInstitutionId: row.requester_institution_id,
    toPractitionerId: row.requester_practitioner_id,
    raisedBy: raisedBy.practitionerId,
  });
  return inserted.id;
}
