/**
 * [11/12] Remote-diagnosis requests (基层检查、上级诊断): the centres a community doctor may send to
 * (REMOTE-1), the consent (REMOTE-2), the reason and case summary (REMOTE-3), the patient identified by the
 * health card or a care relationship, both lists, the parties-only detail (SEC-1), cancellation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnosticCentre, DiagnosticRequestView } from '../../src/shared/remote.js';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  CONSENT,
  cardCode,
  ecgRequest,
  institutionIdOf,
  materialArrives,
  PHONE,
  patientIdOf,
} from '../support/remote-core.js';

let t: TestApp;
const tok = {
  gp: '',
  ecg: '',
  imaging: '',
  stranger: '',
  hospital: '',
  zhang: '',
  lina: '',
  wang: '',
  regulator: '',
};
const pid = { zhang: '', lina: '', wang: '' };
const centre = { ecg: '', imaging: '', lab: '' };

const post = (token: string, url: string, body?: unknown) =>
  t.request('POST', url, { token, ...(body === undefined ? {} : { body }) });
const get = (token: string, url: string) => t.request('GET', url, { token });

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  for (const k of Object.keys(tok) as (keyof typeof tok)[]) tok[k] = await t.login(PHONE[k]);
  pid.zhang = await patientIdOf(t, '张伟');
  pid.lina = await patientIdOf(t, '李娜');
  pid.wang = await patientIdOf(t, '王秀英');
  centre.ecg = await institutionIdOf(t, 'YC-E01');
  centre.imaging = await institutionIdOf(t, 'YC-I01');
  centre.lab = await institutionIdOf(t, 'YC-L01');
}, 240_000);
afterAll(async () => t?.close());

describe('centres and agreements (REMOTE-1)', () => {
  it('the community GP sees the three regional centres with the kinds their agreements cover', async () => {
    const res = await get(tok.gp, '/api/v1/diagnostic-centres');
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as DiagnosticCentre[];
    const byId = new Map(items.map((c) => [c.id, c]));
    expect(byId.get(centre.ecg)).toMatchObject({ type: 'ecg_centre', kinds: ['ecg'] });
    expect(byId.get(centre.imaging)).toMatchObject({ type: 'imaging_centre', kinds: ['imaging'] });
    expect(byId.get(centre.lab)).toMatchObject({ type: 'lab_centre', kinds: ['lab'] });
  });

  it('a hospital doctor whose institution has no agreement sees none, and cannot request (422 NO_SERVICE_AGREEMENT)', async () => {
    expect((await get(tok.hospital, '/api/v1/diagnostic-centres')).json().items).toEqual([]);
    const res = await post(tok.hospital, '/api/v1/diagnostic-requests', {
      patientId: pid.zhang,
      centreId: centre.ecg,
      kind: 'ecg',
      urgency: 'routine',
      question: '胸闷，请判读',
      consent: CONSENT,
      cardCode: await cardCode(t, tok.zhang),
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().code).toBe('NO_SERVICE_AGREEMENT');
  });

  it('an agreement covers its kinds only: imaging at the ECG centre is 422 NO_SERVICE_AGREEMENT', async () => {
    const res = await post(tok.gp, '/api/v1/diagnostic-requests', {
      patientId: pid.zhang,
      centreId: centre.ecg,
      kind: 'imaging',
      modality: 'CT',
      urgency: 'routine',
      question: '咳嗽，请阅片',
      consent: CONSENT,
      cardCode: await cardCode(t, tok.zhang),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('NO_SERVICE_AGREEMENT');
  });

  it('the regulator lists every agreement; the GP their institution’s, all in force', async () => {
    const all = (await get(tok.regulator, '/api/v1/service-agreements')).json().items as {
      inForce: boolean;
    }[];
    const mine = (await get(tok.gp, '/api/v1/service-agreements')).json().items as {
      requesterInstitutionId: string;
      inForce: boolean;
    }[];
    expect(mine).toHaveLength(3);
    expect(all.length).toBeGreaterThan(mine.length);
    expect(mine.every((a) => a.inForce)).toBe(true);
  });
});

describe('a request (REMOTE-2, REMOTE-3)', () => {
  let created: DiagnosticRequestView;

  it('REMOTE-2: without the consent confirmed, or by a guardian without a name, 422 REMOTE_CONSENT_REQUIRED and nothing stored', async () => {
    const code = await cardCode(t, tok.zhang);
    const base = {
      patientId: pid.zhang,
      centreId: centre.ecg,
      kind: 'ecg',
      urgency: 'routine',
      question: '胸闷，请判读',
      cardCode: code,
    };
    const a = await post(tok.gp, '/api/v1/diagnostic-requests', {
      ...base,
      consent: { ...CONSENT, confirmed: false },
    });
    expect(a.statusCode).toBe(422);
    expect(a.json().code).toBe('REMOTE_CONSENT_REQUIRED');
    const b = await post(tok.gp, '/api/v1/diagnostic-requests', {
      ...base,
      consent: { by: 'guardian', method: 'written', confirmed: true },
    });
    expect(b.statusCode).toBe(422);
    expect(b.json().code).toBe('REMOTE_CONSENT_REQUIRED');
    expect(await t.ctx.db.selectFrom('diagnostic_request').select('id').execute()).toHaveLength(0);
  });

  it('without a health card and without a care relationship the patient is not identified (422)', async () => {
    const res = await post(tok.gp, '/api/v1/diagnostic-requests', {
      patientId: pid.zhang,
      centreId: centre.ecg,
      kind: 'ecg',
      urgency: 'routine',
      question: '胸闷，请判读',
      consent: CONSENT,
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().code).toBe('PATIENT_NOT_IDENTIFIED');
  });

  it('a health card of another patient does not identify 张伟 (422 PATIENT_NOT_IDENTIFIED)', async () => {
    const res = await post(tok.gp, '/api/v1/diagnostic-requests', {
      patientId: pid.zhang,
      centreId: centre.ecg,
      kind: 'ecg',
      urgency: 'routine',
      question: '胸闷，请判读',
      consent: CONSENT,
      cardCode: await cardCode(t, tok.lina),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('PATIENT_NOT_IDENTIFIED');
  });

  it('with 张伟’s health card: 201, status requested, an accession number of the day, audited, an outbox event', async () => {
    created = await ecgRequest(t, tok.gp, tok.zhang, pid.zhang, centre.ecg, {
      history: '高血压 5 年',
      urgency: 'urgent',
    });
    expect(created).toMatchObject({
      kind: 'ecg',
      modality: 'ECG',
      status: 'requested',
      urgency: 'urgent',
      patient: { id: pid.zhang, name: '张伟' },
      requester: { practitionerName: '龙晓梅' },
      centre: { institutionId: centre.ecg },
      consent: { by: 'patient', method: 'written' },
      waitingMinutes: null,
      overdue: false,
    });
    // 2026-11-22T02:00Z is 22 November in Asia/Shanghai.
    expect(created.accessionNo).toBe('RD202611220001');
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'remote.request_create')
      .execute();
    expect(audit.map((a) => a.resource_id)).toEqual([created.id]);
    const events = await t.ctx.db
      .selectFrom('outbox')
      .select('payload')
      .where('topic', '=', 'remote.request_created')
      .execute();
    expect(events).toHaveLength(1);
  });

  it('SEC-1: an open request (a remote consultation) does not identify the patient for the next one: the card again', async () => {
    const body = {
      patientId: pid.zhang,
      centreId: centre.imaging,
      kind: 'imaging',
      modality: 'DX',
      urgency: 'routine',
      question: '咳嗽 2 周，请阅胸片',
      consent: CONSENT,
    };
    const refused = await post(tok.gp, '/api/v1/diagnostic-requests', body);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('PATIENT_NOT_IDENTIFIED');
    const res = await post(tok.gp, '/api/v1/diagnostic-requests', {
      ...body,
      cardCode: await cardCode(t, tok.zhang),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().accessionNo).toBe('RD202611220002');
  });

  it('imaging without a modality and lab with an unknown panel are 422 DIAGNOSTIC_REQUEST_INVALID', async () => {
    const base = { patientId: pid.zhang, urgency: 'routine', question: '请检查', consent: CONSENT };
    const a = await post(tok.gp, '/api/v1/diagnostic-requests', {
      ...base,
      centreId: centre.imaging,
      kind: 'imaging',
    });
    expect(a.statusCode).toBe(422);
    expect(a.json().code).toBe('DIAGNOSTIC_REQUEST_INVALID');
    const b = await post(tok.gp, '/api/v1/diagnostic-requests', {
      ...base,
      centreId: centre.lab,
      kind: 'lab',
      panels: ['NO-SUCH'],
    });
    expect(b.statusCode).toBe(422);
    expect(b.json().code).toBe('DIAGNOSTIC_REQUEST_INVALID');
  });

  it('the requester’s list shows both, newest first, and pages without gaps', async () => {
    const first = await get(tok.gp, '/api/v1/diagnostic-requests?role=requester&limit=1');
    expect(first.statusCode, first.body).toBe(200);
    const p1 = first.json();
    expect(p1.items.map((r: DiagnosticRequestView) => r.accessionNo)).toEqual(['RD202611220002']);
    const p2 = (
      await get(tok.gp, `/api/v1/diagnostic-requests?role=requester&limit=1&cursor=${p1.nextCursor}`)
    ).json();
    expect(p2.items.map((r: DiagnosticRequestView) => r.accessionNo)).toEqual(['RD202611220001']);
    const mineEcg = (
      await get(tok.gp, '/api/v1/diagnostic-requests?role=requester&mine=true&kind=ecg')
    ).json();
    expect(mineEcg.items.map((r: DiagnosticRequestView) => r.id)).toEqual([created.id]);
  });

  it('the centre’s queue: urgent first, then the longest waiting; waiting minutes and the target once the material is there', async () => {
    const routine = await ecgRequest(t, tok.gp, tok.wang, pid.wang, centre.ecg);
    await materialArrives(t, routine.id);
    t.clock.advance(10 * 60_000);
    await materialArrives(t, created.id);
    t.clock.advance(5 * 60_000);
    const res = await get(tok.ecg, '/api/v1/diagnostic-requests?role=centre&status=ready');
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as DiagnosticRequestView[];
    expect(items.map((r) => r.id)).toEqual([created.id, routine.id]);
    expect(items[0]).toMatchObject({ status: 'ready', waitingMinutes: 5, overdue: false });
    expect(items[1]).toMatchObject({ waitingMinutes: 15 });
    // The urgent ECG target is 15 minutes (config.remote.targetMinutes): 20 minutes on, it is overdue.
    t.clock.advance(15 * 60_000);
    const later = (await get(tok.ecg, '/api/v1/diagnostic-requests?role=centre&status=ready')).json()
      .items as DiagnosticRequestView[];
    expect(later[0]).toMatchObject({ id: created.id, waitingMinutes: 20, overdue: true });
    expect(Date.parse(later[0]!.targetAt!) - Date.parse(later[0]!.materialAt!)).toBe(15 * 60_000);
    // The GP's institution is no centre: its queue is empty.
    expect((await get(tok.gp, '/api/v1/diagnostic-requests?role=centre')).json().items).toEqual([]);
  });

  it('the parties read the detail (audited as a remote-consultation read); a stranger doctor gets 404 (SEC-1)', async () => {
    const mine = await get(tok.gp, `/api/v1/diagnostic-requests/${created.id}`);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({ id: created.id, ecg: [], studies: [], specimens: [], report: null });
    expect((await get(tok.ecg, `/api/v1/diagnostic-requests/${created.id}`)).statusCode).toBe(200);
    const stranger = await get(tok.stranger, `/api/v1/diagnostic-requests/${created.id}`);
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().code).toBe('DIAGNOSTIC_REQUEST_NOT_FOUND');
    const reads = await t.ctx.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'record.read')
      .where('resource_id', '=', created.id)
      .execute();
    expect(reads).toHaveLength(2);
    expect(
      reads.every((r) => (r.details as { relationship: string }).relationship === 'remote_consultation'),
    ).toBe(true);
    // Not on the stranger's list either.
    expect((await get(tok.stranger, '/api/v1/diagnostic-requests?role=requester')).json().items).toEqual([]);
  });

  it('SEC-1: the requesting doctor now holds a remote-consultation care relationship with 张伟 (the archive opens)', async () => {
    const res = await get(tok.gp, `/api/v1/patients/${pid.zhang}/archive`);
    expect(res.statusCode, res.body).toBe(200);
    expect((await get(tok.stranger, `/api/v1/patients/${pid.zhang}/archive`)).statusCode).toBe(403);
  });

  it('the requester cancels before the claim; the centre cannot cancel; a cancelled request cannot be cancelled again', async () => {
    const r = await ecgRequest(t, tok.gp, tok.lina, pid.lina, centre.ecg);
    const byCentre = await post(tok.ecg, `/api/v1/diagnostic-requests/${r.id}/cancel`, {
      reason: '重复申请',
    });
    expect(byCentre.statusCode).toBe(403);
    const ok = await post(tok.gp, `/api/v1/diagnostic-requests/${r.id}/cancel`, {
      reason: '患者改去医院检查',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'cancelled', cancelReason: '患者改去医院检查' });
    const again = await post(tok.gp, `/api/v1/diagnostic-requests/${r.id}/cancel`, { reason: '再次取消' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('DIAGNOSTIC_REQUEST_STATE');
  });
});
