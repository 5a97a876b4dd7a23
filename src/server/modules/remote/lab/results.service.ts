/**
 * Laboratory results ([11/12], REMOTE-4, REMOTE-5): entered by the claiming doctor (PUT) or sent by the
 * centre's analyser middleware as an HL7 v2 ORU^R01 (POST …/results/hl7, read by the platform's HL7 parser).
 * Each value is checked against its analyte (numbers where numeric, a listed grade where ordinal), flagged
 * against the adult range (H/L) and the critical limits (HH/LL, 危急值); a critical one raises the request's
 * critical-value alert in the same command. Nothing is stored when one value is wrong.
 *
 * The results live in the request's draft report (`remote_report.results`), upserted on their own: the
 * reading doctor's findings and conclusion are written by the report's own save, and neither overwrites
 * the other. A new entry replaces the results of the same analytes and keeps the others (an HL7 CBC and a
 * hand-entered urinalysis make one report).
 */
import { sql } from 'kysely';
import type { Static } from 'typebox';
import type { LabResult, LabResultsView, ResultEntryBody } from '../../../../shared/remote.js';
import type { Actor } from '../../../platform/audit/audit.js';
import type { AuthContext } from '../../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../../platform/command.js';
import type { AppContext } from '../../../platform/context.js';
import type { Executor } from '../../../platform/db/database.js';
import { newId } from '../../../platform/ids.js';
import { Hl7Problem } from '../../hl7/hl7.errors.js';
import { acceptedKind, parseMessage } from '../../hl7/hl7.message.js';
import { readOru } from '../../hl7/oru.js';
import { patientProfiles } from '../../identity/identity.api.js';
import { raiseCriticalAlert } from '../critical.js';
import { remoteErrors } from '../remote.errors.js';
import {
  isCentre,
  isRequester,
  type RemoteStaff,
  type RequestRow,
  remoteStaff,
  requestRow,
} from '../request-access.js';
import { labErrors } from './lab.errors.js';
import { type AnalyteDef, analytesOf } from './panels.js';
import { criticalReason, readResult, type Sex } from './results.rules.js';
import { acceptsResults } from './specimen.rules.js';
import { recordStep, requestPanels, type SpecimenRow, specimensOf } from './specimens.service.js';

type Entry = Static<typeof ResultEntryBody>['results'][number];

/** PUT /diagnostic-requests/:id/results. */
export async function enterResults(
  ctx: AppContext,
  auth: AuthContext,
  requestId: string,
  body: Static<typeof ResultEntryBody>,
  actor: Actor,
): Promise<LabResultsView> {
  const staff = await remoteStaff(ctx.db, auth);
  return runCommand(ctx, actor, (cmd) => storeResults(cmd, staff, requestId, body.results, 'manual'));
}

/** POST /diagnostic-requests/:id/results/hl7: an ORU^R01 from the analyser middleware. */
export async function importOru(
  ctx: AppContext,
  auth: AuthContext,
  requestId: string,
  text: string,
  actor: Actor,
): Promise<LabResultsView> {
  const staff = await remoteStaff(ctx.db, auth);
  return runCommand(ctx, actor, async (cmd) => {
    const row = await requestRow(cmd.trx, requestId, true);
    // Who and when first (a stranger learns nothing from how the message is read).
    await assertMayEnter(cmd.trx, staff, row);
    let oru: ReturnType<typeof readOru>;
    try {
      const parsed = parseMessage(text);
      if (acceptedKind(parsed) !== 'ORU^R01') throw labErrors.hl7Invalid('只接收 ORU^R01 结果消息。');
      oru = readOru(parsed, cmd.now);
    } catch (e) {
      if (e instanceof Hl7Problem) throw labErrors.hl7Invalid(`${e.spec.code}：${e.detail}`);
      throw e;
    }
    const specimens = await specimensOf(cmd.trx, row.id);
    const keys = new Set([row.accession_no, ...specimens.map((s) => s.barcode)].map((k) => k.toUpperCase()));
    for (const report of oru.reports)
      if (!keys.has(report.fillerOrder.toUpperCase()))
        throw labErrors.hl7Mismatch(`OBR-3（${report.fillerOrder}）不是该申请的标本条码或申请号。`);
    const profile = (await patientProfiles(cmd.trx, [row.patient_id])).get(row.patient_id);
    if (oru.patient.name && profile && oru.patient.name !== profile.name)
      throw labErrors.hl7Mismatch('PID-5 的姓名与申请的患者不一致。');
    const wanted = analytesOf(requestPanels(row));
    const entries: Entry[] = [];
    for (const report of oru.reports)
      for (const o of report.observations) {
        if (o.status === 'cancelled') continue;
        const code = o.code.toUpperCase();
        const hit = wanted.find(
          (w) =>
            w.analyte.code.toUpperCase() === code || (w.analyte.loinc !== null && w.analyte.loinc === o.code),
        );
        if (!hit)
          throw labErrors.analyteNotRequested(`OBX-3 ${o.code}（${o.name}）不是该申请检验项目中的指标。`);
        entries.push({ panel: hit.panel, code: hit.analyte.code, value: o.valueText ?? '' });
      }
    if (entries.length === 0) throw labErrors.hl7Invalid('消息中没有检验结果（OBX）。');
    return storeResults(cmd, staff, requestId, entries, 'hl7', row);
  });
}

/**
 * May the caller enter results now, and on which specimen? A stranger: 404; not a lab request: 409; a
 * signed or cancelled request: 409; its only specimens rejected: 409 SPECIMEN_REJECTED (the reader learns a
 * re-draw is awaited before anything else); not the claiming doctor of a claimed (or reported) request: 403;
 * the specimen not yet received: 409. Returns the request's live specimen (received or tested).
 */
async function assertMayEnter(trx: Executor, staff: RemoteStaff, row: RequestRow): Promise<SpecimenRow> {
  if (!isCentre(staff, row) && !isRequester(staff, row)) throw remoteErrors.requestNotFound();
  if (row.kind !== 'lab') throw labErrors.notLabRequest();
  if (row.status === 'signed' || row.status === 'cancelled') throw remoteErrors.wrongState();
  const specimens = await specimensOf(trx, row.id);
  const live = specimens.filter((s) => s.status !== 'rejected');
  if (live.length === 0 && specimens.length > 0) throw labErrors.rejected();
  if (!['claimed', 'reported'].includes(row.status) || row.claimed_by !== staff.practitionerId)
    throw remoteErrors.notClaimant();
  const specimen = live.at(-1);
  if (!specimen || !acceptsResults(specimen.status)) throw labErrors.notReceived();
  return specimen;
}

async function storeResults(
  cmd: CommandScope,
  staff: RemoteStaff,
  requestId: string,
  entries: Entry[],
  channel: 'manual' | 'hl7',
  locked?: RequestRow,
): Promise<LabResultsView> {
  const { trx, now } = cmd;
  const row = locked ?? (await requestRow(trx, requestId, true));
  // The specimen the results are of: the request's one not rejected, received by the centre.
  const specimen = await assertMayEnter(trx, staff, row);

  // Read every value first: one wrong value and nothing is stored.
  const sex = ((await patientProfiles(trx, [row.patient_id])).get(row.patient_id)?.sex ?? null) as Sex;
  const wanted = analytesOf(requestPanels(row));
  const entered: { result: LabResult; analyte: AnalyteDef }[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    const hit = wanted.find((w) => w.panel === e.panel && w.analyte.code === e.code);
    if (!hit) throw labErrors.analyteNotRequested(`${e.panel} / ${e.code} 不是该申请检验项目中的指标。`);
    const key = `${e.panel}/${e.code}`;
    if (seen.has(key)) {
      problems.push(`${hit.analyte.name}（${e.code}）录入了不止一次。`);
      continue;
    }
    seen.add(key);
    const read = readResult(e.panel, hit.analyte, e.value, sex);
    if (read.ok) entered.push({ result: read.result, analyte: hit.analyte });
    else problems.push(read.problem);
  }
  if (problems.length > 0) throw labErrors.resultInvalid(problems.join(' '), { problems });

  // Merge with what the draft holds, in catalogue order.
  const current = await trx
    .selectFrom('remote_report')
    .select(['results', 'status'])
    .where('request_id', '=', row.id)
    .executeTakeFirst();
  if (current?.status === 'signed') throw remoteErrors.wrongState();
  const byKey = new Map<string, LabResult>();
  for (const r of (current?.results ?? []) as unknown as LabResult[]) byKey.set(`${r.panel}/${r.code}`, r);
  for (const { result } of entered) byKey.set(`${result.panel}/${result.code}`, result);
  const results = wanted
    .map((w) => byKey.get(`${w.panel}/${w.analyte.code}`))
    .filter((r): r is LabResult => r !== undefined);

  // Only `results` (and updated_at) on conflict: the findings and conclusion are the report's own save.
  const json = JSON.stringify(results);
  await trx
    .insertInto('remote_report')
    .values({
      id: newId(),
      request_id: row.id,
      patient_id: row.patient_id,
      author_practitioner_id: staff.practitionerId,
      results: json,
      status: 'draft',
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .column('request_id')
        .doUpdateSet({ results: sql`excluded.results`, updated_at: sql`excluded.updated_at` }),
    )
    .execute();

  if (specimen.status === 'received')
    await recordStep(
      trx,
      specimen,
      'tested',
      { accountId: staff.accountId, institutionId: row.centre_institution_id },
      now,
    );

  const critical = entered.filter((e) => e.result.critical);
  let criticalAlertId: string | null = null;
  if (critical.length > 0)
    criticalAlertId = await raiseCriticalAlert(
      cmd,
      row,
      staff,
      critical.map((c) => criticalReason(c.analyte, c.result)).join('；'),
    );

  await cmd.audit({
    action: 'remote.lab_results.enter',
    resourceType: 'diagnostic_request',
    resourceId: row.id,
    patientId: row.patient_id,
    details: {
      channel,
      specimenId: specimen.id,
      analytes: entered.map((e) => `${e.result.panel}/${e.result.code}`),
      abnormal: entered.filter((e) => e.result.flag !== 'N').length,
      critical: critical.map((c) => c.result.code),
      criticalAlertId,
    },
  });
  return { requestId: row.id, results, criticalAlertId };
}
