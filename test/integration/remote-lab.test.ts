/**
 * [11/12] Remote laboratory diagnosis (REMOTE-5, 基层采样、上级检验): the community GP 龙晓梅 (青石社区, YC-C01)
 * collects and packs a specimen; the regional laboratory's courier picks it up and 乔慧 (YC-L01) receives,
 * tests and reports it — every scan a record with who, where and when, in order and by the right institution
 * (REC-2, DJ-12). A rejected specimen (haemolysed) sends the request to re-draw and tells the GP; results
 * are flagged against the adult ranges, a potassium of 6.8 mmol/L is a critical value (危急值) raised at once;
 * an HL7 v2 ORU^R01 from the analyser middleware — built and framed by the independent @medplum/hl7 and
 * @medplum/core — lands as the same results; the report cannot be signed before the results are complete.
 */
import type { AddressInfo } from 'node:net';
import { Hl7Message, Hl7Segment } from '@medplum/core';
import { Hl7Client, type Hl7Connection, Hl7Server } from '@medplum/hl7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertLabReportable } from '../../src/server/modules/remote/lab/lab-report.js';
import { newId } from '../../src/server/platform/ids.js';
import type { LabPanel, LabResult, LabResultsView, SpecimenView } from '../../src/shared/remote.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { itOnPostgres } from '../support/db.js';

let t: TestApp;
const tok = { gp: '', lab: '', ecg: '', gp2: '', patient: '' };
const pid = { wang: '', zhang: '', lina: '' };
let gpPractitioner = '';
let labPractitioner = '';

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  tok.gp = await t.login('13900000004'); // 龙晓梅, 青石社区卫生服务中心 (YC-C01)
  tok.lab = await t.login('13900000007'); // 乔慧, 区域医学检验中心 (YC-L01)
  tok.ecg = await t.login('13900000005'); // 武建平, the ECG centre: a stranger to lab requests
  tok.gp2 = await t.login('13900000003'); // 段志刚, another community centre (YC-C02)
  tok.patient = await t.login('13800000001');
  const patients = await t.ctx.db.selectFrom('patient').select(['id', 'name']).execute();
  pid.wang = patients.find((p) => p.name === '王秀英')!.id;
  pid.zhang = patients.find((p) => p.name === '张伟')!.id;
  pid.lina = patients.find((p) => p.name === '李娜')!.id;
  const people = await t.ctx.db.selectFrom('practitioner').select(['id', 'name']).execute();
  gpPractitioner = people.find((p) => p.name === '龙晓梅')!.id;
  labPractitioner = people.find((p) => p.name === '乔慧')!.id;
}, 240_000);
afterAll(async () => t?.close());

/** Time passes (the courier's round, a day until the re-draw); staff sign in again after the idle timeout. */
async function advance(ms: number): Promise<void> {
  t.clock.advance(ms);
  [tok.gp, tok.lab, tok.ecg, tok.gp2] = await Promise.all(
    ['13900000004', '13900000007', '13900000005', '13900000003'].map((p) => t.login(p)),
  );
}

const PATIENT_PHONE: Record<string, string> = {
  wang: '13800000003',
  zhang: '13800000001',
  lina: '13800000002',
};

/** A lab request by 龙晓梅 at 青石社区 to the regional laboratory, through POST /diagnostic-requests. */
async function labRequest(
  who: keyof typeof pid,
  panels: string[],
): Promise<{ id: string; accessionNo: string }> {
  const centres = await t.request('GET', '/api/v1/diagnostic-centres', { token: tok.gp });
  expect(centres.statusCode).toBe(200);
  const centreId = (centres.json().items as { id: string; type: string }[]).find(
    (c) => c.type === 'lab_centre',
  )!.id;
  const patient = await t.login(PATIENT_PHONE[who]!);
  const card = (await t.request('GET', '/api/v1/health-cards/self', { token: patient })).json();
  const res = await t.request('POST', '/api/v1/diagnostic-requests', {
    token: tok.gp,
    body: {
      patientId: pid[who],
      centreId,
      cardCode: card.qr,
      kind: 'lab',
      panels,
      urgency: 'routine',
      question: '高血压、糖尿病随访，复查电解质与肾功能。',
      consent: { by: 'patient', method: 'written', confirmed: true },
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** 乔慧 claims the request from the queue (POST /claim). */
async function claim(id: string): Promise<void> {
  const res = await t.request('POST', `/api/v1/diagnostic-requests/${id}/claim`, { token: tok.lab });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json().claimedBy.practitionerId).toBe(labPractitioner);
}

const collect = (token: string, id: string, body: object = {}) =>
  t.request('POST', `/api/v1/diagnostic-requests/${id}/specimens`, { token, body });
const scan = (token: string, barcode: string, step: string, extra: object = {}) =>
  t.request('POST', `/api/v1/specimens/${barcode}/events`, { token, body: { step, ...extra } });
const putResults = (token: string, id: string, results: { panel: string; code: string; value: string }[]) =>
  t.request('PUT', `/api/v1/diagnostic-requests/${id}/results`, { token, body: { results } });
const requestStatus = async (id: string) =>
  t.ctx.db
    .selectFrom('diagnostic_request')
    .select(['status', 'material_at', 'target_at', 'claimed_by'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
const reportOf = (id: string) =>
  t.ctx.db.selectFrom('remote_report').selectAll().where('request_id', '=', id).executeTakeFirst();
const audits = (action: string, resourceId: string) =>
  t.ctx.db
    .selectFrom('audit_event')
    .selectAll()
    .where('action', '=', action)
    .where('resource_id', '=', resourceId)
    .execute();

/** The GP collects and packs, the centre picks up and receives. */
async function toReceived(id: string): Promise<SpecimenView> {
  const s = (await collect(tok.gp, id)).json() as SpecimenView;
  for (const [token, step] of [
    [tok.gp, 'packed'],
    [tok.lab, 'picked_up'],
    [tok.lab, 'received'],
  ] as const)
    expect((await scan(token, s.barcode, step)).statusCode).toBe(200);
  return s;
}

const ELEC_RENAL = (k: string) => [
  { panel: 'ELEC', code: 'K', value: k },
  { panel: 'ELEC', code: 'NA', value: '139' },
  { panel: 'ELEC', code: 'CL', value: '101' },
  { panel: 'ELEC', code: 'CA', value: '2.31' },
  { panel: 'RENAL', code: 'UREA', value: '8.1' },
  { panel: 'RENAL', code: 'CREA', value: '118' },
  { panel: 'RENAL', code: 'UA', value: '402' },
];

describe('the panel catalogue', () => {
  it('any signed-in staff reads the panels with units, ranges and critical limits; a patient cannot', async () => {
    const res = await t.request('GET', '/api/v1/lab-panels', { token: tok.gp });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as LabPanel[];
    expect(items).toHaveLength(12);
    const elec = items.find((p) => p.code === 'ELEC')!;
    expect(elec).toMatchObject({ name: '电解质', container: expect.stringContaining('黄头管') });
    expect(elec.analytes.find((a) => a.code === 'K')).toMatchObject({
      loinc: '2823-3',
      unit: 'mmol/L',
      refLow: 3.5,
      refHigh: 5.3,
      criticalLow: 2.5,
      criticalHigh: 6.5,
    });
    expect(items.find((p) => p.code === 'CBC')!.container).toContain('EDTA');
    expect(items.find((p) => p.code === 'COAG')!.container).toContain('枸橼酸钠');
    expect((await t.request('GET', '/api/v1/lab-panels', { token: tok.patient })).statusCode).toBe(403);
  });
});

describe('REMOTE-5 chain of custody: in order, by the right institution, every step recorded (REC-2)', () => {
  let req: { id: string; accessionNo: string };
  let barcode = '';

  it('only the requesting institution collects; the barcode is printable; one specimen in transit', async () => {
    req = await labRequest('wang', ['ELEC', 'RENAL']);
    const byLab = await collect(tok.lab, req.id);
    expect(byLab.statusCode).toBe(403);
    expect(byLab.json().code).toBe('SPECIMEN_WRONG_INSTITUTION');
    expect((await collect(tok.gp2, req.id)).statusCode).toBe(404);

    const res = await collect(tok.gp, req.id);
    expect(res.statusCode).toBe(201);
    const s = res.json() as SpecimenView;
    barcode = s.barcode;
    expect(barcode).toMatch(/^[A-Z0-9-]{6,32}$/);
    expect(barcode).toBe(`S${req.accessionNo.replace(/[^A-Z0-9]/g, '')}-1`);
    expect(s).toMatchObject({
      requestId: req.id,
      status: 'collected',
      panels: ['ELEC', 'RENAL'],
      redrawOf: null,
    });
    expect(s.container).toContain('黄头管');
    expect(s.events).toEqual([
      {
        step: 'collected',
        at: t.clock.now().toISOString(),
        by: '龙晓梅',
        institutionName: expect.stringContaining('青石'),
        reason: null,
      },
    ]);
    expect(await audits('remote.specimen.collect', s.id)).toHaveLength(1);

    const again = await collect(tok.gp, req.id);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('SPECIMEN_EXISTS');
  });

  it('steps only in order and by their side: packed by the community, picked up and received by the centre', async () => {
    const early = await scan(tok.lab, barcode, 'picked_up');
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('SPECIMEN_STEP_OUT_OF_ORDER');
    const wrong = await scan(tok.lab, barcode, 'packed');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().code).toBe('SPECIMEN_WRONG_INSTITUTION');
    expect((await scan(tok.ecg, barcode, 'packed')).statusCode).toBe(404);

    await advance(10 * 60_000);
    expect((await scan(tok.gp, barcode, 'packed')).statusCode).toBe(200);
    const twice = await scan(tok.gp, barcode, 'packed');
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('SPECIMEN_STEP_REPEATED');
    expect((await scan(tok.gp, barcode, 'picked_up')).json().code).toBe('SPECIMEN_WRONG_INSTITUTION');
    expect((await scan(tok.lab, barcode, 'received')).json().code).toBe('SPECIMEN_STEP_OUT_OF_ORDER');

    await advance(50 * 60_000);
    expect((await scan(tok.lab, barcode, 'picked_up')).statusCode).toBe(200);
    expect(await requestStatus(req.id)).toMatchObject({ status: 'requested', material_at: null });
  });

  it('“reported” is never a scan; receiving puts the request in the queue and starts the turnaround clock', async () => {
    const reported = await scan(tok.lab, barcode, 'reported');
    expect(reported.statusCode).toBe(422);
    expect(reported.json().code).toBe('SPECIMEN_REPORTED_BY_SIGNING');
    const tested = await scan(tok.lab, barcode, 'tested');
    expect(tested.json().code).toBe('SPECIMEN_STEP_OUT_OF_ORDER');

    await advance(30 * 60_000);
    const received = await scan(tok.lab, barcode, 'received', { note: '冷链箱温度 6℃' });
    expect(received.statusCode).toBe(200);
    const s = received.json() as SpecimenView;
    expect(s.status).toBe('received');
    expect(s.events.map((e) => [e.step, e.by])).toEqual([
      ['collected', '龙晓梅'],
      ['packed', '龙晓梅'],
      ['picked_up', '乔慧'],
      ['received', '乔慧'],
    ]);
    expect(s.events[3]!.institutionName).toContain('检验');
    const r = await requestStatus(req.id);
    expect(r.status).toBe('ready');
    expect(r.material_at).toEqual(t.clock.now());
    expect(r.target_at!.getTime() - t.clock.now().getTime()).toBe(
      t.ctx.config.remote.targetMinutes.lab.routine * 60_000,
    );
    expect(await audits('remote.specimen.received', s.id)).toHaveLength(1);
  });

  it('either party reads the specimen by its barcode (audited); a stranger gets 404', async () => {
    const res = await t.request('GET', `/api/v1/specimens/${barcode}`, { token: tok.gp });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('received');
    expect((await t.request('GET', `/api/v1/specimens/${barcode}`, { token: tok.gp2 })).statusCode).toBe(404);
    expect((await t.request('GET', '/api/v1/specimens/S0000000-9', { token: tok.lab })).statusCode).toBe(404);
    expect((await t.request('GET', '/api/v1/specimens/bad%20code', { token: tok.lab })).statusCode).toBe(400);
    expect(await audits('remote.specimen.read', res.json().id)).toHaveLength(1);
  });

  it('results: only the claiming doctor; bad values and unrequested analytes store nothing', async () => {
    const early = await putResults(tok.lab, req.id, ELEC_RENAL('4.1'));
    expect(early.statusCode).toBe(403);
    expect(early.json().code).toBe('NOT_CLAIMANT');
    await claim(req.id);
    expect((await putResults(tok.gp, req.id, ELEC_RENAL('4.1'))).json().code).toBe('NOT_CLAIMANT');

    const bad = await putResults(tok.lab, req.id, [
      ...ELEC_RENAL('4.1').slice(1),
      { panel: 'ELEC', code: 'K', value: '6,8' },
    ]);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('LAB_RESULT_INVALID');
    expect(bad.json().detail).toContain('钾');
    const other = await putResults(tok.lab, req.id, [{ panel: 'CBC', code: 'HGB', value: '120' }]);
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('LAB_ANALYTE_NOT_REQUESTED');
    const twice = await putResults(tok.lab, req.id, [
      { panel: 'ELEC', code: 'K', value: '4.1' },
      { panel: 'ELEC', code: 'K', value: '4.2' },
    ]);
    expect(twice.json().code).toBe('LAB_RESULT_INVALID');
    expect(await reportOf(req.id)).toBeUndefined();
    const s = (
      await t.request('GET', `/api/v1/specimens/${barcode}`, { token: tok.lab })
    ).json() as SpecimenView;
    expect(s.status).toBe('received');
  });

  it('the report cannot be signed while results are missing (REPORT_INCOMPLETE)', async () => {
    const partial = await putResults(tok.lab, req.id, ELEC_RENAL('4.1').slice(0, 4));
    expect(partial.statusCode).toBe(200);
    await expect(
      t.ctx.db.transaction().execute((trx) => assertLabReportable(trx, req.id)),
    ).rejects.toMatchObject({
      code: 'REPORT_INCOMPLETE',
      status: 422,
      extra: { missing: ['RENAL/UREA', 'RENAL/CREA', 'RENAL/UA'] },
    });
  });

  it('potassium 6.8 is flagged HH and critical; the critical-value alert goes to the requesting doctor at once', async () => {
    // The reading doctor's own draft (findings, conclusion) is the report part's: results never overwrite it.
    await t.ctx.db
      .updateTable('remote_report')
      .set({ findings: '血钾显著升高。', conclusion: '高钾血症（危急值）。' })
      .where('request_id', '=', req.id)
      .execute();
    const res = await putResults(tok.lab, req.id, ELEC_RENAL('6.8'));
    expect(res.statusCode).toBe(200);
    const view = res.json() as LabResultsView;
    const by = (code: string) => view.results.find((r) => r.code === code) as LabResult;
    expect(view.results.map((r) => r.code)).toEqual(['K', 'NA', 'CL', 'CA', 'UREA', 'CREA', 'UA']);
    expect(by('K')).toMatchObject({
      value: '6.8',
      valueNum: 6.8,
      unit: 'mmol/L',
      flag: 'HH',
      critical: true,
      refLow: 3.5,
      refHigh: 5.3,
    });
    expect(by('NA')).toMatchObject({ flag: 'N', critical: false });
    // 王秀英 is a woman: creatinine 118 against the women's 41–73 μmol/L (WS/T 404), urea against 2.6–7.5.
    expect(by('CREA')).toMatchObject({ flag: 'H', refLow: 41, refHigh: 73, critical: false });
    expect(by('UREA')).toMatchObject({ flag: 'H', refHigh: 7.5 });

    const report = (await reportOf(req.id))!;
    expect(report.findings).toBe('血钾显著升高。');
    expect(report.conclusion).toBe('高钾血症（危急值）。');
    expect(report.status).toBe('draft');
    expect((report.results as unknown as LabResult[]).find((r) => r.code === 'K')!.critical).toBe(true);

    const alert = await t.ctx.db
      .selectFrom('critical_alert')
      .selectAll()
      .where('request_id', '=', req.id)
      .executeTakeFirstOrThrow();
    expect(view.criticalAlertId).toBe(alert.id);
    expect(alert.reason).toBe('钾 6.8 mmol/L（危急值 ≥ 6.5）');
    expect(alert.to_practitioner_id).toBe(gpPractitioner);
    const gpAccount = await t.ctx.db
      .selectFrom('account')
      .select('id')
      .where('practitioner_id', '=', gpPractitioner)
      .executeTakeFirstOrThrow();
    const notes = await t.ctx.db
      .selectFrom('notification')
      .selectAll()
      .where('account_id', '=', gpAccount.id)
      .where('ref_id', '=', req.id)
      .execute();
    // DJ-10: the notice (also the SMS) names the accession number, never the patient or the result.
    expect(notes.map((n) => n.body).join()).toContain('出现危急值');
    expect(notes.map((n) => n.body).join()).not.toContain('6.8');

    // Entering the results recorded the test (by the reader, at the centre), once.
    const s = (
      await t.request('GET', `/api/v1/specimens/${barcode}`, { token: tok.gp })
    ).json() as SpecimenView;
    expect(s.status).toBe('tested');
    expect(s.events.filter((e) => e.step === 'tested').map((e) => e.by)).toEqual(['乔慧']);
    expect((await scan(tok.lab, barcode, 'tested')).json().code).toBe('SPECIMEN_STEP_REPEATED');
    expect(await audits('remote.lab_results.enter', req.id)).toHaveLength(2);

    await expect(
      t.ctx.db.transaction().execute((trx) => assertLabReportable(trx, req.id)),
    ).resolves.toBeUndefined();
  });

  it('signing the report is the “reported” step of the tested specimen, by the signer at the centre', async () => {
    const saved = await t.request('POST', `/api/v1/diagnostic-requests/${req.id}/report`, {
      token: tok.lab,
      body: { findings: '血钾 6.8 mmol/L。', conclusion: '高钾血症（危急值），已电话通知。', critical: true },
    });
    expect(saved.statusCode, saved.body).toBeLessThan(300);
    // The report's own save keeps the results this part wrote.
    expect((await reportOf(req.id))!.results as unknown as LabResult[]).toHaveLength(7);
    await advance(5 * 60_000);
    const signed = await t.request('POST', `/api/v1/diagnostic-requests/${req.id}/sign`, { token: tok.lab });
    expect(signed.statusCode, signed.body).toBe(200);
    const s = (
      await t.request('GET', `/api/v1/specimens/${barcode}`, { token: tok.gp })
    ).json() as SpecimenView;
    expect(s.status).toBe('reported');
    expect(s.events.at(-1)).toMatchObject({ step: 'reported', by: '乔慧', at: t.clock.now().toISOString() });
    expect(s.events.map((e) => e.step)).toEqual([
      'collected',
      'packed',
      'picked_up',
      'received',
      'tested',
      'reported',
    ]);
    // Nothing moves after the signature: no rejection, no new results.
    expect((await scan(tok.lab, barcode, 'rejected', { reason: 'haemolysed' })).json().code).toBe(
      'SPECIMEN_STEP_OUT_OF_ORDER',
    );
    expect((await putResults(tok.lab, req.id, ELEC_RENAL('4.0'))).json().code).toBe(
      'DIAGNOSTIC_REQUEST_STATE',
    );
  });
});

describe('a rejected specimen: re-draw (REMOTE-5)', () => {
  let req: { id: string; accessionNo: string };
  let first: SpecimenView;

  it('the centre rejects a received specimen with a reason; the request goes to re-draw and the GP is told', async () => {
    req = await labRequest('zhang', ['CBC']);
    first = await toReceived(req.id);
    await claim(req.id);
    const noReason = await scan(tok.lab, first.barcode, 'rejected');
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json().code).toBe('SPECIMEN_REJECT_REASON_REQUIRED');
    expect((await scan(tok.gp, first.barcode, 'rejected', { reason: 'haemolysed' })).json().code).toBe(
      'SPECIMEN_WRONG_INSTITUTION',
    );

    const res = await scan(tok.lab, first.barcode, 'rejected', {
      reason: 'haemolysed',
      note: '肉眼可见溶血',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'rejected', rejectReason: 'haemolysed' });
    expect(await requestStatus(req.id)).toMatchObject({ status: 'redraw', claimed_by: null });
    const note = await t.ctx.db
      .selectFrom('notification')
      .selectAll()
      .where('ref_id', '=', req.id)
      .where('message_key', '=', 'remoteSpecimenRejected')
      .executeTakeFirstOrThrow();
    expect(note.title).toBe('标本被拒收，请重新采集');
    expect(note.body).toContain('溶血');
    expect(note.body).toContain(first.barcode);
    expect(await audits('remote.request.redraw', req.id)).toHaveLength(1);
  });

  it('a rejected specimen cannot be tested, reported, rejected again or have results; signing is refused', async () => {
    expect((await scan(tok.lab, first.barcode, 'tested')).json().code).toBe('SPECIMEN_REJECTED');
    expect((await scan(tok.lab, first.barcode, 'reported')).json().code).toBe('SPECIMEN_REPORTED_BY_SIGNING');
    expect((await scan(tok.lab, first.barcode, 'rejected', { reason: 'clotted' })).json().code).toBe(
      'SPECIMEN_REJECTED',
    );
    const results = await putResults(tok.lab, req.id, [{ panel: 'CBC', code: 'HGB', value: '120' }]);
    expect(results.statusCode).toBe(409);
    expect(results.json().code).toBe('SPECIMEN_REJECTED');
    await expect(
      t.ctx.db.transaction().execute((trx) => assertLabReportable(trx, req.id)),
    ).rejects.toMatchObject({
      code: 'SPECIMEN_REJECTED',
      status: 409,
    });
  });

  it('the re-draw is a new specimen that restarts the chain; receiving it puts the request back in the queue', async () => {
    const bad = await collect(tok.gp, req.id, { redrawOf: newId() });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('SPECIMEN_REDRAW_INVALID');
    await advance(24 * 3600_000);
    const res = await collect(tok.gp, req.id, { redrawOf: first.id });
    expect(res.statusCode).toBe(201);
    const redraw = res.json() as SpecimenView;
    expect(redraw).toMatchObject({
      redrawOf: first.id,
      status: 'collected',
      barcode: first.barcode.replace(/-1$/, '-2'),
    });
    expect(redraw.events.map((e) => e.step)).toEqual(['collected']);
    expect((await collect(tok.gp, req.id, { redrawOf: first.id })).json().code).toBe('SPECIMEN_EXISTS');
    expect((await scan(tok.lab, redraw.barcode, 'received')).json().code).toBe('SPECIMEN_STEP_OUT_OF_ORDER');
    expect((await scan(tok.gp, redraw.barcode, 'packed')).statusCode).toBe(200);
    expect((await scan(tok.lab, redraw.barcode, 'picked_up')).statusCode).toBe(200);
    expect((await scan(tok.lab, redraw.barcode, 'received')).statusCode).toBe(200);
    const r = await requestStatus(req.id);
    expect(r.status).toBe('ready');
    expect(r.material_at).toEqual(t.clock.now());

    await claim(req.id);
    const cbc = await putResults(tok.lab, req.id, [
      { panel: 'CBC', code: 'HGB', value: '45' },
      { panel: 'CBC', code: 'PLT', value: '180' },
    ]);
    expect(cbc.statusCode).toBe(200);
    expect((cbc.json() as LabResultsView).results.find((x) => x.code === 'HGB')).toMatchObject({
      flag: 'LL',
      critical: true,
    });
    const specimens = await t.ctx.db
      .selectFrom('specimen')
      .select(['barcode', 'status'])
      .where('request_id', '=', req.id)
      .orderBy('created_at')
      .execute();
    expect(specimens).toEqual([
      { barcode: first.barcode, status: 'rejected' },
      { barcode: redraw.barcode, status: 'tested' },
    ]);
  });
});

describe('HL7 v2 ORU^R01 from the analyser middleware', () => {
  let req: { id: string; accessionNo: string };
  let specimen: SpecimenView;
  let middleware: Hl7Server;
  let client: Hl7Client;

  /** ORU^R01 built segment by segment with @medplum/core's HL7 model (not our text). */
  function oru(
    control: string,
    order: string,
    obx: [string, string, string, string][],
    name = '李^娜',
  ): Hl7Message {
    return new Hl7Message([
      new Hl7Segment([
        'MSH',
        '^~\\&',
        'LIS',
        'YCL01MW',
        'YUNYI',
        'YUNYI',
        '20261122103000',
        '',
        'ORU^R01^ORU_R01',
        control,
        'P',
        '2.5.1',
      ]),
      new Hl7Segment(['PID', '1', '', '', '', name]),
      new Hl7Segment([
        'OBR',
        '1',
        '',
        `${order}^LIS`,
        'CBC^血常规^L',
        '',
        '',
        '20261122100000',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '20261122102000',
        '',
        'HM',
        'F',
      ]),
      ...obx.map(
        ([type, code, value, unit], i) =>
          new Hl7Segment(['OBX', String(i + 1), type, code, '', value, unit, '', '', '', '', 'F']),
      ),
    ]);
  }

  beforeAll(async () => {
    req = await labRequest('lina', ['CBC']);
    specimen = await toReceived(req.id);
    await claim(req.id);
    // The middleware: takes the analyser's ORU over MLLP (@medplum/hl7), posts it to the platform, ACKs.
    middleware = new Hl7Server((connection: Hl7Connection) => {
      connection.addEventListener('message', async ({ message }) => {
        const res = await t.request('POST', `/api/v1/diagnostic-requests/${req.id}/results/hl7`, {
          token: tok.lab,
          body: message.toString(),
          headers: { 'content-type': 'application/hl7-v2' },
        });
        connection.send(message.buildAck({ ackCode: res.statusCode === 200 ? 'AA' : 'AE' }));
        lastAnswer = res;
      });
    });
    middleware.start(0);
    const listening = middleware.server!;
    if (!listening.listening) await new Promise((r) => listening.once('listening', r));
    const port = (middleware.server!.address() as AddressInfo).port;
    client = new Hl7Client({ host: '127.0.0.1', port });
  });
  afterAll(async () => {
    await client?.close();
    await middleware?.stop();
  });
  let lastAnswer: Awaited<ReturnType<TestApp['request']>> | undefined;

  it('an ORU by LOINC and by our codes lands as flagged results of the request’s specimen', async () => {
    const message = oru('MW-0001', specimen.barcode, [
      ['NM', '6690-2^WBC^LN', '31.5', '10*9/L'],
      ['NM', 'HGB^血红蛋白', '128', 'g/L'],
      ['NM', '777-3^PLT^LN', '15', '10*9/L'],
      ['NM', 'NEUT%^中性粒细胞百分比', '82.1', '%'],
    ]);
    const ack = await client.sendAndWait(message, { timeoutMs: 15_000 });
    expect(ack.getSegment('MSA')!.getField(1).toString()).toBe('AA');
    expect(lastAnswer!.statusCode, lastAnswer!.body).toBe(200);
    const view = lastAnswer!.json() as LabResultsView;
    expect(view.results.map((r) => [r.code, r.flag, r.critical])).toEqual([
      ['WBC', 'HH', true],
      ['HGB', 'N', false], // 李娜: the women's range 115–150 g/L
      ['PLT', 'LL', true],
      ['NEUT%', 'H', false],
    ]);
    const alert = await t.ctx.db
      .selectFrom('critical_alert')
      .select('reason')
      .where('request_id', '=', req.id)
      .executeTakeFirstOrThrow();
    expect(alert.reason).toBe('白细胞计数 31.5 ×10^9/L（危急值 ≥ 30）；血小板计数 15 ×10^9/L（危急值 ≤ 20）');
    const s = (await t.request('GET', `/api/v1/specimens/${specimen.barcode}`, { token: tok.lab })).json();
    expect(s.status).toBe('tested');
  });

  it('an ORU for another specimen, another patient or an unrequested analyte is refused and stores nothing', async () => {
    const before = (await reportOf(req.id))!.results;
    const send = async (m: Hl7Message) => {
      const ack = await client.sendAndWait(m, { timeoutMs: 15_000 });
      expect(ack.getSegment('MSA')!.getField(1).toString()).toBe('AE');
      return lastAnswer!.json().code as string;
    };
    expect(await send(oru('MW-0002', 'S000000-1', [['NM', 'HGB', '90', 'g/L']]))).toBe('LAB_HL7_MISMATCH');
    expect(await send(oru('MW-0003', specimen.barcode, [['NM', 'HGB', '90', 'g/L']], '王^秀英'))).toBe(
      'LAB_HL7_MISMATCH',
    );
    expect(await send(oru('MW-0004', specimen.barcode, [['NM', '2823-3^K^LN', '6.9', 'mmol/L']]))).toBe(
      'LAB_ANALYTE_NOT_REQUESTED',
    );
    expect(await send(oru('MW-0005', specimen.barcode, [['NM', 'HGB', 'abc', 'g/L']]))).toBe(
      'LAB_HL7_INVALID',
    );
    expect((await reportOf(req.id))!.results).toEqual(before);
  });

  it('plain text from our own lines works too; a message that is not HL7 is a 422, not a 500', async () => {
    const text = [
      `MSH|^~\\&|LIS|YCL01MW|YUNYI|YUNYI|20261122110000||ORU^R01|MW-0006|P|2.5`,
      'PID|1||||李^娜',
      `OBR|1||${req.accessionNo}|CBC^血常规|||20261122103000`,
      'OBX|1|NM|RBC||4.1|10*12/L||||||F',
      'OBX|2|NM|789-8^RBC^LN||4.2|10*12/L||||||F',
    ].join('\r');
    const post = (body: string) =>
      t.request('POST', `/api/v1/diagnostic-requests/${req.id}/results/hl7`, {
        token: tok.lab,
        body,
        headers: { 'content-type': 'text/plain' },
      });
    const dup = await post(text);
    expect(dup.statusCode).toBe(422);
    expect(dup.json().code).toBe('LAB_RESULT_INVALID'); // RBC twice, by code and by LOINC
    const ok = await post(text.split('\r').slice(0, 4).join('\r'));
    expect(ok.statusCode, ok.body).toBe(200);
    expect((ok.json() as LabResultsView).results.find((r) => r.code === 'RBC')).toMatchObject({
      value: '4.1',
      flag: 'N',
    });
    const junk = await post('hello, this is not HL7');
    expect(junk.statusCode).toBe(422);
    expect(junk.json().code).toBe('LAB_HL7_INVALID');
    expect(
      (
        await t.request('POST', `/api/v1/diagnostic-requests/${req.id}/results/hl7`, {
          token: tok.gp2,
          body: text,
          headers: { 'content-type': 'text/plain' },
        })
      ).statusCode,
    ).toBe(404);
  });
});

describe('races (PostgreSQL)', () => {
  itOnPostgres('two scans of “received” at once: one records it, the other is told it is done', async () => {
    const req = await labRequest('wang', ['FBG']);
    const s = (await collect(tok.gp, req.id)).json() as SpecimenView;
    await scan(tok.gp, s.barcode, 'packed');
    await scan(tok.lab, s.barcode, 'picked_up');
    const answers = await Promise.all([
      scan(tok.lab, s.barcode, 'received'),
      scan(tok.lab, s.barcode, 'received'),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.statusCode === 409)!.json().code).toBe('SPECIMEN_STEP_REPEATED');
  });
});
