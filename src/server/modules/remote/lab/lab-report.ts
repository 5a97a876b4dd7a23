/**
 * What signing a laboratory report asks of the specimens (called by the report's sign command, in its
 * transaction, with the request locked). REMOTE-4: the reading doctor signs a report on a tested specimen
 * with every requested result; REMOTE-5: the signature is the last step of the specimen's chain of custody.
 */
import { recordAudit } from '../../../platform/audit/audit.js';
import type { Executor } from '../../../platform/db/database.js';
import { remoteErrors } from '../remote.errors.js';
import type { RemoteStaff } from '../request-access.js';
import { labErrors } from './lab.errors.js';
import { analytesOf } from './panels.js';
import { recordStep, specimensOf } from './specimens.service.js';

/**
 * 422 REPORT_INCOMPLETE unless the request has a tested, not rejected specimen and a result for every
 * analyte of its panels; 409 SPECIMEN_REJECTED when its only specimens were rejected (a re-draw is awaited).
 */
export async function assertLabReportable(trx: Executor, requestId: string): Promise<void> {
  const request = await trx
    .selectFrom('diagnostic_request')
    .select(['panels'])
    .where('id', '=', requestId)
    .executeTakeFirst();
  if (!request) throw remoteErrors.requestNotFound();
  const specimens = await specimensOf(trx, requestId);
  const live = specimens.filter((s) => s.status !== 'rejected');
  if (live.length === 0 && specimens.length > 0) throw labErrors.rejected();
  if (!live.some((s) => s.status === 'tested'))
    throw remoteErrors.reportIncomplete('检验标本尚未检测：签收标本并录入结果后才能签发。');
  const report = await trx
    .selectFrom('remote_report')
    .select('results')
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  const have = new Set(
    ((report?.results ?? []) as { panel?: string; code?: string }[]).map((r) => `${r.panel}/${r.code}`),
  );
  const missing = analytesOf(request.panels).filter((w) => !have.has(`${w.panel}/${w.analyte.code}`));
  if (missing.length > 0)
    throw remoteErrors.reportIncomplete(
      `检验结果不全，尚缺 ${missing.length} 项：${missing
        .slice(0, 10)
        .map((m) => m.analyte.name)
        .join('、')}${missing.length > 10 ? ' 等' : ''}。`,
      { missing: missing.map((m) => `${m.panel}/${m.analyte.code}`) },
    );
}

/** The signature is the `reported` step of every tested specimen of the request (by the signer, at the centre). */
export async function specimensReported(
  trx: Executor,
  requestId: string,
  signer: RemoteStaff,
  now: Date,
): Promise<void> {
  const request = await trx
    .selectFrom('diagnostic_request')
    .select(['centre_institution_id', 'patient_id'])
    .where('id', '=', requestId)
    .executeTakeFirst();
  if (!request) throw remoteErrors.requestNotFound();
  for (const specimen of await specimensOf(trx, requestId)) {
    if (specimen.status !== 'tested') continue;
    await recordStep(
      trx,
      specimen,
      'reported',
      { accountId: signer.accountId, institutionId: request.centre_institution_id },
      now,
    );
    await recordAudit(
      trx,
      { accountId: signer.accountId, role: signer.kind, ip: null },
      {
        action: 'remote.specimen.reported',
        resourceType: 'specimen',
        resourceId: specimen.id,
        patientId: request.patient_id,
        details: { requestId, barcode: specimen.barcode, from: 'tested' },
      },
      now,
    );
  }
}
