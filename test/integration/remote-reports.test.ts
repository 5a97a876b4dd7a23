/**
 * [11/12] The centre reads and signs (REMOTE-4, REMOTE-5): claim by a qualified reader only, the claimant's
 * draft, the critical value that reaches the requesting doctor at once and is acknowledged once, the SM2
 * signature checked by someone else's code (sm-crypto, signer id 1234567812345678), the report in 张伟's
 * archive (REC-3) with its PDF (centre, signer, conclusion, a QR code naming the signature), the parties-only
 * reads (SEC-1), and the statistics adding up.
 */
import jsqr from 'jsqr';
import { PDFParse } from 'pdf-parse';
import sharp from 'sharp';
import { sm2 as reference, sm3 as referenceSm3 } from 'sm-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportView } from '../../src/shared/records.js';
import type { CriticalAlertView, DiagnosticRequestView, RemoteStats } from '../../src/shared/remote.js';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  ecgRequest,
  institutionIdOf,
  materialArrives,
  PHONE,
  patientIdOf,
  staffAccount,
} from '../support/remote-core.js';

const jsQR = jsqr.default;
const DEFAULT_ID = '1234567812345678';
const utf8 = (s: string) => [...Buffer.from(s, 'utf8')];
const b64ToHex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');
const pointOf = (pem: string) => {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return der.subarray(der.length - 65).toString('hex');
};
const standardVerifies = (text: string, signatureB64: string, publicKeyHex: string) =>
  reference.doVerifySignature(utf8(text), b64ToHex(signatureB64), publicKeyHex, {
    der: true,
    hash: true,
    userId: DEFAULT_ID,
  });

let t: TestApp;
const tok = {
  gp: '',
  ecg: '',
  stranger: '',
  zhang: '',
  lina: '',
  regulator: '',
  junior: '',
  centreAdmin: '',
};
let zhang = '';
let ecgCentre = '';
let req: DiagnosticRequestView;
let archiveId = '';

const post = (token: string, url: string, body?: unknown) =>
  t.request('POST', url, { token, ...(body === undefined ? {} : { body }) });
const get = (token: string, url: string) => t.request('GET', url, { token });
const REPORT = {
  findings: '窦性心律。II、III、aVF 导联 ST 段抬高 0.2 mV。',
  conclusion: '急性下壁心肌梗死',
  recommendations: '立即转诊胸痛中心',
  critical: true,
  criticalNote: '急性 ST 段抬高型心肌梗死',
};

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  tok.gp = await t.login(PHONE.gp);
  tok.ecg = await t.login(PHONE.ecg);
  tok.stranger = await t.login(PHONE.stranger);
  tok.zhang = await t.login(PHONE.zhang);
  tok.lina = await t.login(PHONE.lina);
  tok.regulator = await t.login(PHONE.regulator);
  zhang = await patientIdOf(t, '张伟');
  ecgCentre = await institutionIdOf(t, 'YC-E01');
  // A doctor of the ECG centre in independent practice since last year (REMOTE-4: under 3 years).
  tok.junior = (
    await staffAccount(t, {
      kind: 'doctor',
      likePractitionerOfPhone: PHONE.ecg,
      name: '贺小军',
      practiceSince: 2025,
    })
  ).token;
  tok.centreAdmin = (
    await staffAccount(t, { kind: 'org_admin', institutionId: ecgCentre, name: '心电中心管理员' })
  ).token;
  req = await ecgRequest(t, tok.gp, tok.zhang, zhang, ecgCentre);
}, 240_000);
afterAll(async () => t?.close());

describe('claim (REMOTE-4)', () => {
  it('before the material arrives the request is not in the queue: 409 DIAGNOSTIC_REQUEST_STATE', async () => {
    const res = await post(tok.ecg, `/api/v1/diagnostic-requests/${req.id}/claim`);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('DIAGNOSTIC_REQUEST_STATE');
  });

  it('a doctor with under 3 years of independent practice is refused (403 READER_NOT_QUALIFIED), nothing changes', async () => {
    await materialArrives(t, req.id);
    const res = await post(tok.junior, `/api/v1/diagnostic-requests/${req.id}/claim`);
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().code).toBe('READER_NOT_QUALIFIED');
    const row = await t.ctx.db
      .selectFrom('diagnostic_request')
      .selectAll()
      .where('id', '=', req.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'ready', claimed_by: null });
  });

  it('the requesting GP cannot claim (403); a stranger doctor gets 404', async () => {
    expect((await post(tok.gp, `/api/v1/diagnostic-requests/${req.id}/claim`)).statusCode).toBe(403);
    expect((await post(tok.stranger, `/api/v1/diagnostic-requests/${req.id}/claim`)).statusCode).toBe(404);
  });

  it('武建平 (practising since 2012) claims it', async () => {
    const res = await post(tok.ecg, `/api/v1/diagnostic-requests/${req.id}/claim`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'claimed', claimedBy: { name: '武建平' } });
  });
});

describe('the report and the critical value', () => {
  it('only the claimant writes the report (403 NOT_CLAIMANT for another centre doctor)', async () => {
    const res = await post(tok.junior, `/api/v1/diagnostic-requests/${req.id}/report`, {
      ...REPORT,
      critical: false,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NOT_CLAIMANT');
  });

  it('a draft without a heart rate seen cannot be signed (422 REPORT_INCOMPLETE): the suggestion is never signed unseen', async () => {
    const save = await post(tok.ecg, `/api/v1/diagnostic-requests/${req.id}/report`, {
      ...REPORT,
      critical: false,
      measurements: { heartRate: 88 },
    });
    expect(save.statusCode, save.body).toBe(200);
    expect(save.json().status).toBe('reported');
    const sign = await post(tok.ecg, `/api/v1/diagnostic-requests/${req.id}/sign`);
    expect(sign.statusCode).toBe(422);
    expect(sign.json().code).toBe('REPORT_INCOMPLETE');
    expect((await t.ctx.db.selectFrom('critical_alert').select('id').execute()).length).toBe(0);
  });

  it('marking a critical value alerts the requesting doctor at once (in the app and by SMS), once per request', async () => {
    const body = { ...REPORT, measurements: { heartRate: 88, heartRateConfirmed: true, rhythm: '窦性心律' } };
    expect((await post(tok.ecg, `/api/v1/diagnostic-requests/${req.id}/report`, body)).statusCode).toBe(200);
    expect((await post(tok.ecg, `/api/v1/diagnostic-requests/${req.id}/report`, body)).statusCode).toBe(200);
    const alerts = await t.ctx.db.selectFrom('critical_alert').selectAll().execute();
    expect(alerts).toHaveLength(1);
    const inbox = (await get(tok.gp, '/api/v1/notifications')).json().items as {
      title: string;
      body: string;
    }[];
    const notice = inbox.filter((n) => n.title === '危急值通知');
    expect(notice).toHaveLength(1);
    // DJ-10: the notice is also the SMS: the accession number, not the patient's name or the finding.
    expect(notice[0]!.body).toContain('出现危急值');
    expect(notice[0]!.body).not.toContain('急性 ST 段抬高型心肌梗死');
    expect(notice[0]!.body).not.toContain('张伟');
    expect(notice[0]!.body).toContain(req.accessionNo);
    expect(
      await t.ctx.db
        .selectFrom('outbox')
        .select('id')
        .where('topic', '=', 'remote.critical_value_raised')
        .execute(),
    ).toHaveLength(1);
    expect(t.sms.sent.some((s) => JSON.stringify(s).includes('危急值'))).toBe(true);
  });

  it('the requesting institution sees it open and acknowledges it once; the stranger cannot; the centre sees what it raised', async () => {
    const open = (await get(tok.gp, '/api/v1/critical-alerts?status=open')).json()
      .items as CriticalAlertView[];
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      requestId: req.id,
      accessionNo: req.accessionNo,
      raisedByName: '武建平',
      toPractitionerName: '龙晓梅',
      patient: { name: '张伟' },
      acknowledgedAt: null,
    });
    expect((await get(tok.stranger, '/api/v1/critical-alerts?status=all')).json().items).toEqual([]);
    const strangerAck = await post(tok.stranger, `/api/v1/critical-alerts/${open[0]!.id}/acknowledge`, {});
    expect(strangerAck.statusCode).toBe(404);
    const ack = await post(tok.gp, `/api/v1/critical-alerts/${open[0]!.id}/acknowledge`, {
      note: '已电话通知',
    });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({ acknowledgedByName: '龙晓梅' });
    const again = await post(tok.gp, `/api/v1/critical-alerts/${open[0]!.id}/acknowledge`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('CRITICAL_ALERT_ACKNOWLEDGED');
    expect((await get(tok.gp, '/api/v1/critical-alerts')).json().items).toEqual([]);
    const raised = (await get(tok.ecg, '/api/v1/critical-alerts?status=acknowledged')).json().items;
    expect(raised.map((a: CriticalAlertView) => a.id)).toEqual([open[0]!.id]);
  });
});

describe('sign (REMOTE-4, REC-3, SEC-4)', () => {
  it('the claimant signs: status signed, the report in the archive, the GP and 张伟 told', async () => {
    const res = await post(tok.ecg, `/api/v1/diagnostic-requests/${req.id}/sign`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'signed' });
    const detail = (await get(tok.gp, `/api/v1/diagnostic-requests/${req.id}`)).json();
    expect(detail.report).toMatchObject({
      status: 'signed',
      authorName: '武建平',
      conclusion: REPORT.conclusion,
    });
    archiveId = detail.report.archiveReportId;
    expect(archiveId).toBeTruthy();
    const gpInbox = (await get(tok.gp, '/api/v1/notifications')).json().items as { title: string }[];
    expect(gpInbox.some((n) => n.title === '远程诊断报告已签发')).toBe(true);
    const zhangInbox = (await get(tok.zhang, '/api/v1/notifications')).json().items as { title: string }[];
    expect(zhangInbox.some((n) => n.title === '您的检查报告已出')).toBe(true);
    // Frozen: no more drafts, no second signature.
    expect((await post(tok.ecg, `/api/v1/diagnostic-requests/${req.id}/report`, REPORT)).statusCode).toBe(
      409,
    );
    expect((await post(tok.ecg, `/api/v1/diagnostic-requests/${req.id}/sign`)).statusCode).toBe(409);
  });

  it('the signature verifies with sm-crypto under the default signer id, and not after one changed character', async () => {
    const row = await t.ctx.db
      .selectFrom('remote_report')
      .selectAll()
      .where('request_id', '=', req.id)
      .executeTakeFirstOrThrow();
    const key = await t.ctx.db
      .selectFrom('signing_key')
      .select('certificate')
      .where('serial', '=', row.certificate_serial!)
      .executeTakeFirstOrThrow();
    const pem = (key.certificate as unknown as { publicKeyPem: string }).publicKeyPem;
    const doc = row.signed_document!;
    expect(referenceSm3(doc)).toBe(row.content_hash);
    expect(standardVerifies(doc, row.signature!, pointOf(pem))).toBe(true);
    expect(JSON.parse(doc)).toMatchObject({
      format: 'yunyi-diagnostic-report/1',
      sm2Id: DEFAULT_ID,
      accessionNo: req.accessionNo,
      conclusion: REPORT.conclusion,
      reader: { name: '武建平' },
      centre: { id: ecgCentre },
      certificateSerial: row.certificate_serial,
    });
    const changed = doc.replace('急性下壁心肌梗死', '急性前壁心肌梗死');
    expect(changed).not.toBe(doc);
    expect(standardVerifies(changed, row.signature!, pointOf(pem))).toBe(false);
  });

  it('REC-3: 张伟 sees the signed report in his archive, marked remote, with the signer', async () => {
    const res = await get(tok.zhang, `/api/v1/patients/${zhang}/reports?kind=exam`);
    expect(res.statusCode, res.body).toBe(200);
    const report = (res.json().items as ReportView[]).find((r) => r.id === archiveId);
    expect(report).toMatchObject({
      kind: 'ecg',
      source: 'remote',
      status: 'final',
      conclusion: REPORT.conclusion,
      institutionName: '云川区区域心电诊断中心',
      signed: { signedBy: '武建平' },
    });
  });

  it('GET /diagnostic-reports/{id}: 张伟 and the parties read it; another patient and a stranger doctor get 404', async () => {
    const mine = await get(tok.zhang, `/api/v1/diagnostic-reports/${archiveId}`);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({
      requestId: req.id,
      signer: { name: '武建平' },
      conclusion: REPORT.conclusion,
      format: 'yunyi-diagnostic-report/1',
    });
    expect((await get(tok.gp, `/api/v1/diagnostic-reports/${archiveId}`)).statusCode).toBe(200);
    expect((await get(tok.ecg, `/api/v1/diagnostic-reports/${archiveId}`)).statusCode).toBe(200);
    expect((await get(tok.lina, `/api/v1/diagnostic-reports/${archiveId}`)).statusCode).toBe(404);
    const stranger = await get(tok.stranger, `/api/v1/diagnostic-reports/${archiveId}`);
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().code).toBe('DIAGNOSTIC_REPORT_NOT_FOUND');
  });

  it('GET /verify: valid, with the signer and the certificate', async () => {
    const res = await get(tok.zhang, `/api/v1/diagnostic-reports/${archiveId}/verify`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ valid: true, signer: { name: '武建平' }, problems: [] });
  });

  it('the PDF carries the centre, the patient, the signer, the conclusion and a QR code naming the signature', async () => {
    const res = await get(tok.zhang, `/api/v1/diagnostic-reports/${archiveId}/pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/pdf');
    const parser = new PDFParse({ data: new Uint8Array(res.rawPayload) });
    try {
      const text = (await parser.getText()).text;
      for (const s of ['云川区区域心电诊断中心', '张伟', '武建平', REPORT.conclusion, req.accessionNo])
        expect(text).toContain(s);
      const row = await t.ctx.db
        .selectFrom('remote_report')
        .selectAll()
        .where('request_id', '=', req.id)
        .executeTakeFirstOrThrow();
      expect(text).toContain(row.certificate_serial!);
      const images = await parser.getImage({ imageThreshold: 0 });
      const png = images.pages[0]!.images[0]!.data;
      const raw = await sharp(Buffer.from(png)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const qr = jsQR(new Uint8ClampedArray(raw.data), raw.info.width, raw.info.height);
      expect(qr, 'a QR code in the PDF').not.toBeNull();
      expect(JSON.parse(qr!.data)).toEqual({
        f: 'yunyi-dr/1',
        id: archiveId,
        h: row.content_hash,
        s: row.signature,
        c: row.certificate_serial,
        t: row.signed_at!.toISOString(),
      });
    } finally {
      await parser.destroy();
    }
    const reads = await t.ctx.db
      .selectFrom('audit_event')
      .select('details')
      .where('action', '=', 'record.read')
      .where('resource_id', '=', archiveId)
      .execute();
    expect(reads.map((r) => (r.details as { what: string }).what)).toContain('diagnostic_report:pdf');
  });
});

describe('statistics', () => {
  it('the numbers add up: centres, requesters and the daily chart count the same requests', async () => {
    // One more request, still waiting for its material.
    await ecgRequest(t, tok.gp, tok.lina, await patientIdOf(t, '李娜'), ecgCentre);
    const res = await get(tok.regulator, '/api/v1/remote-diagnosis/stats');
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json() as RemoteStats;
    const total = await t.ctx.db.selectFrom('diagnostic_request').select('id').execute();
    const sum = (xs: { requests: number }[]) => xs.reduce((n, x) => n + x.requests, 0);
    expect(sum(s.centres)).toBe(total.length);
    expect(sum(s.requesters)).toBe(total.length);
    const ecg = s.centres.find((c) => c.id === ecgCentre)!;
    expect(ecg).toMatchObject({
      kind: 'ecg',
      requests: 2,
      signed: 1,
      critical: 1,
      institutionsServed: 1,
      onTargetRate: 1,
    });
    expect(ecg.medianTurnaroundMinutes).not.toBeNull();
    expect(s.daily.reduce((n, d) => n + d.ecg + d.imaging + d.lab, 0)).toBe(
      s.centres.reduce((n, c) => n + c.signed, 0),
    );
    expect(s.daily).toHaveLength(30);
    // The centre's administrator sees their own centre only.
    const own = (await get(tok.centreAdmin, '/api/v1/remote-diagnosis/stats')).json() as RemoteStats;
    expect(own.centres.map((c) => c.id)).toEqual([ecgCentre]);
    // A doctor is not a statistics reader.
    expect((await get(tok.gp, '/api/v1/remote-diagnosis/stats')).statusCode).toBe(403);
    // A day that does not exist is a 400 naming it, not a 500.
    const bad = await get(tok.regulator, '/api/v1/remote-diagnosis/stats?from=2026-02-30&to=2026-03-10');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
    expect(bad.json().detail).toContain('2026-02-30');
  });
});
