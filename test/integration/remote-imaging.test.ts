/**
 * [11/12] The requester's DICOM upload (REMOTE-5, DJ-21): one file or several, every file checked first and
 * nothing kept when one is refused, the Part 10 file stored unchanged, one study per request, the same
 * instance twice stored once, and the request entering the centre's queue.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { dicomFile, formData, makeRequest, storedDicomFiles } from '../support/imaging.js';

let t: TestApp;
let gp: string; // 龙晓梅, YC-C01 (requester)
let reader: string; // 常卫东, YC-I01 (imaging centre)
let otherGp: string; // 段志刚, YC-C02

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  gp = await t.login('13900000004');
  reader = await t.login('13900000006');
  otherGp = await t.login('13900000003');
});
afterAll(() => t.close());

const upload = (token: string, id: string, bytes: Buffer, name?: string) =>
  t.request('POST', `/api/v1/diagnostic-requests/${id}/images`, {
    token,
    body: bytes,
    headers: {
      'content-type': 'application/dicom',
      ...(name ? { 'content-disposition': `attachment; filename="${name}"` } : {}),
    },
  });
const uploadMany = (token: string, id: string, files: { name: string; bytes: Buffer }[]) => {
  const form = formData(files);
  return t.request('POST', `/api/v1/diagnostic-requests/${id}/images`, {
    token,
    body: form.body,
    headers: { 'content-type': form.contentType },
  });
};

describe('POST /diagnostic-requests/:id/images (REMOTE-5)', () => {
  it('stores one CT file unchanged, links the study to the request and its patient, and queues the request', async () => {
    const req = await makeRequest(t);
    const bytes = dicomFile('CT_small.dcm');
    const res = await upload(gp, req.id, bytes, 'CT_small.dcm');
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      studyUid: '1.3.6.1.4.1.5962.1.2.1.20040119072730.12322',
      instances: 1,
      added: 1,
    });
    expect(body.series).toEqual([
      { seriesUid: '1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322', modality: 'CT', instances: 1 },
    ]);
    const study = await t.ctx.db
      .selectFrom('imaging_study')
      .selectAll()
      .where('id', '=', body.studyId)
      .executeTakeFirstOrThrow();
    expect(study).toMatchObject({
      request_id: req.id,
      patient_id: req.patientId,
      accession_no: req.accessionNo,
      modalities: ['CT'],
    });
    const instance = await t.ctx.db
      .selectFrom('imaging_instance')
      .selectAll()
      .where('sop_instance_uid', '=', '1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322')
      .executeTakeFirstOrThrow();
    expect(instance).toMatchObject({
      rows: 128,
      columns: 128,
      transfer_syntax: '1.2.840.10008.1.2.1',
      size_bytes: bytes.length,
    });
    expect(instance.blob_key).toMatch(/^remote\/dicom\/[0-9a-f-]{36}\.dcm$/);
    const kept = readFileSync(path.join(t.ctx.config.visits.attachmentDir, instance.blob_key));
    expect(kept.equals(bytes)).toBe(true);
    // The DICOM JSON model, without the pixels.
    expect(instance.metadata['00280010']).toEqual({ vr: 'US', Value: [128] });
    expect(instance.metadata['7FE00010']).toMatchObject({
      vr: 'OW',
      BulkDataURI: expect.stringContaining('/frames/1'),
    });
    const row = await t.ctx.db
      .selectFrom('diagnostic_request')
      .selectAll()
      .where('id', '=', req.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('ready');
    expect(row.material_at?.toISOString()).toBe(t.clock.now().toISOString());
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'imaging.upload')
      .where('resource_id', '=', body.studyId)
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('takes several files as multipart/form-data; the same instance (explicit and implicit VR) is stored once', async () => {
    const req = await makeRequest(t);
    const res = await uploadMany(gp, req.id, [
      { name: 'MR_small.dcm', bytes: dicomFile('MR_small.dcm') },
      { name: 'MR_small_implicit.dcm', bytes: dicomFile('MR_small_implicit.dcm') },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ instances: 1, added: 1, series: [{ modality: 'MR', instances: 1 }] });
    const again = await upload(gp, req.id, dicomFile('MR_small.dcm'));
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json()).toMatchObject({ instances: 1, added: 0, studyId: res.json().studyId });
    const n = await t.ctx.db
      .selectFrom('imaging_instance as i')
      .innerJoin('imaging_series as s', 's.id', 'i.series_id')
      .where('s.study_id', '=', res.json().studyId)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
  });

  it('one study per request: a file of another study is 409 and is not stored', async () => {
    const req = await makeRequest(t);
    expect((await upload(gp, req.id, dicomFile('JPEG2000.dcm'))).statusCode).toBe(201);
    const before = storedDicomFiles(t);
    const res = await upload(gp, req.id, dicomFile('CT_small.dcm'));
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('IMAGING_STUDY_MISMATCH');
    expect(storedDicomFiles(t)).toBe(before);
  });

  it('refuses a truncated file in a batch with 422 naming it, and keeps none of the batch', async () => {
    const req = await makeRequest(t);
    const files = storedDicomFiles(t);
    const res = await uploadMany(gp, req.id, [
      { name: 'MR_small.dcm', bytes: dicomFile('MR_small.dcm') },
      { name: 'rtplan_truncated.dcm', bytes: dicomFile('rtplan_truncated.dcm') },
    ]);
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      code: 'DICOM_INVALID',
      file: 'rtplan_truncated.dcm',
      reason: 'truncated',
    });
    expect(res.json().detail).toContain('rtplan_truncated.dcm');
    expect(storedDicomFiles(t)).toBe(files);
    const studies = await t.ctx.db
      .selectFrom('imaging_study')
      .select('id')
      .where('request_id', '=', req.id)
      .execute();
    expect(studies).toHaveLength(0);
    const row = await t.ctx.db
      .selectFrom('diagnostic_request')
      .select('status')
      .where('id', '=', req.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('requested');
  });

  it('refuses a text file and an ECG waveform (pointing to the ECG upload) with 422', async () => {
    const req = await makeRequest(t);
    const text = await upload(gp, req.id, Buffer.from('患者主诉：咳嗽。\n'.repeat(30)), 'note.txt');
    expect(text.statusCode).toBe(422);
    expect(text.json()).toMatchObject({ code: 'DICOM_INVALID', reason: 'not_dicom' });
    expect(text.json().detail).toContain('note.txt');
    const ecg = await upload(gp, req.id, dicomFile('waveform_ecg.dcm'), 'waveform_ecg.dcm');
    expect(ecg.statusCode).toBe(422);
    expect(ecg.json()).toMatchObject({ code: 'DICOM_INVALID', reason: 'ecg' });
    expect(ecg.json().detail).toContain('心电图');
    const en = await t.request('POST', `/api/v1/diagnostic-requests/${req.id}/images`, {
      token: gp,
      body: dicomFile('waveform_ecg.dcm'),
      headers: { 'content-type': 'application/dicom', 'accept-language': 'en-US' },
    });
    expect(en.json().title).toBe('Not an acceptable DICOM image');
  });

  it('only the requesting institution uploads: the centre is 403, another community centre 404', async () => {
    const req = await makeRequest(t);
    const centre = await upload(reader, req.id, dicomFile('CT_small.dcm'));
    expect(centre.statusCode).toBe(403);
    expect(centre.json().code).toBe('NOT_REQUEST_PARTY');
    const stranger = await upload(otherGp, req.id, dicomFile('CT_small.dcm'));
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().code).toBe('DIAGNOSTIC_REQUEST_NOT_FOUND');
    // A stranger's bad file is not even judged: still 404, not 422.
    expect((await upload(otherGp, req.id, Buffer.from('x'.repeat(200)))).statusCode).toBe(404);
  });

  it('an ECG request or a claimed imaging request takes no images (409 MATERIAL_NOT_ACCEPTED)', async () => {
    const ecg = await makeRequest(t, { kind: 'ecg', centre: 'YC-E01' });
    expect((await upload(gp, ecg.id, dicomFile('CT_small.dcm'))).json().code).toBe('MATERIAL_NOT_ACCEPTED');
    const claimed = await makeRequest(t, { status: 'claimed' });
    const res = await upload(gp, claimed.id, dicomFile('CT_small.dcm'));
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('MATERIAL_NOT_ACCEPTED');
  });
});
