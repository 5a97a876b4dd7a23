/**
 * The ECG part of remote diagnosis (REMOTE-5, 基层检查、上级诊断): the community GP uploads a recording to an
 * ECG request, the ECG centre's reading doctor reads the signal and the automatic measurements — a reading
 * aid (AI 辅助, seed 002/004): suggestions the doctor confirms or corrects, never signed automatically.
 * Every shared test file is read correctly (sample rate, leads, gain, known samples); refused uploads
 * (wrong party, wrong kind, bad files) change nothing; strangers cannot tell a recording exists; every read
 * of the signal is audited as a clinical read (DJ-12).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/server/modules/identity/auth.service.js';
import { detectBeats, matchBeats } from '../../src/server/modules/remote/ecg/detect.js';
import { parseEcgFiles } from '../../src/server/modules/remote/ecg/ecg.service.js';
import { beatSamples, parseMitAnnotations } from '../../src/server/modules/remote/ecg/wfdb-annotations.js';
import { newId } from '../../src/server/platform/ids.js';
import { createTestApp, type TestApp } from '../support/app.js';

const DATA = path.resolve('../shared/testdata');
const file = (rel: string) => ({ name: path.basename(rel), bytes: readFileSync(path.join(DATA, rel)) });
const REC100 = () => [file('ecg/100.hea'), file('ecg/100.dat')];
const PTB = () => [file('ecg/s0010_re.hea'), file('ecg/s0010_re.dat'), file('ecg/s0010_re.xyz')];
const DICOM = () => [file('dicom/waveform_ecg.dcm')];

/** The initial values a WFDB header states, read from its text here (not by the parser under test). */
function initialValues(hea: string): number[] {
  return hea
    .split('\n')
    .filter((l) => /^\S+\.(dat|xyz) /.test(l))
    .map((l) => Number(l.trim().split(/\s+/)[5]));
}

describe('every ECG test file reads correctly (REMOTE-5)', () => {
  it('MIT-BIH 100: 212, 2 leads at 360 Hz, gain 200; its first samples are the header initial values', () => {
    const s = parseEcgFiles(REC100());
    expect(s).toMatchObject({
      sourceFormat: 'wfdb-212',
      sampleRate: 360,
      samples: 650_000,
      recordName: '100',
    });
    expect(s.leads).toEqual([
      { name: 'MLII', gain: 200, baseline: 1024, units: 'mV' },
      { name: 'V5', gain: 200, baseline: 1024, units: 'mV' },
    ]);
    expect([s.data[0]![0], s.data[1]![0]]).toEqual([995, 1011]);
    expect(s.comments).toContain('unnecessary comment');
  });

  it('PTB s0010_re: 16, 15 signals at 1000 Hz from .dat and .xyz, gain 2000, the MI in its comments', () => {
    const files = PTB();
    const s = parseEcgFiles(files);
    expect(s).toMatchObject({ sourceFormat: 'wfdb-16', sampleRate: 1000, samples: 38_400 });
    expect(s.leads.map((l) => l.name)).toEqual([
      ...['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'],
      ...['vx', 'vy', 'vz'],
    ]);
    expect(new Set(s.leads.map((l) => l.gain))).toEqual(new Set([2000]));
    expect(s.data.map((d) => d[0])).toEqual(initialValues(files[0]!.bytes.toString('latin1')));
    expect(s.comments.join('\n')).toMatch(/Acute infarction \(localization\): infero-latera/);
  });

  it('DICOM 12-lead waveform: the rhythm group, 12 named leads at 1000 Hz, 1.25 µV per unit', () => {
    const s = parseEcgFiles(DICOM());
    expect(s).toMatchObject({ sourceFormat: 'dicom', sampleRate: 1000, samples: 10_000 });
    expect(s.leads.map((l) => l.name)).toEqual([
      'I',
      'II',
      'III',
      'aVR',
      'aVL',
      'aVF',
      'V1',
      'V2',
      'V3',
      'V4',
      'V5',
      'V6',
    ]);
    expect(s.leads[0]).toMatchObject({ gain: 800, baseline: 0 });
    // The first frame of the interleaved WaveformData: lead I = 80, II = 90 (× 1.25 µV = 0.1 mV, 0.1125 mV).
    expect([s.data[0]![0], s.data[1]![0], s.data[11]![0]]).toEqual([80, 90, -40]);
  });

  it('100.atr: the reference beats; detection on MLII reaches 99 % sensitivity and +P on the whole record', () => {
    const ann = parseMitAnnotations(readFileSync(path.join(DATA, 'ecg/100.atr')));
    expect(ann[0]).toMatchObject({ sample: 18, symbol: '+', aux: '(N' });
    expect(ann[1]).toMatchObject({ sample: 77, symbol: 'N' });
    const ref = beatSamples(ann);
    expect(ref.length).toBe(2273);
    const s = parseEcgFiles(REC100());
    const found = detectBeats(s.data[0]!, 360, { unitsPerMv: 200 });
    const m = matchBeats(ref, found, 54);
    expect(m.sensitivity).toBeGreaterThanOrEqual(0.99);
    expect(m.ppv).toBeGreaterThanOrEqual(0.99);
  });
});

describe('ECG upload and reading over HTTP (REMOTE-5)', () => {
  let t: TestApp;
  let gp: string; // 龙晓梅, 青石社区 YC-C01 (the requester)
  let reader: string; // 武建平, 区域心电诊断中心 YC-E01 (the centre)
  let imagingReader: string; // 常卫东, YC-I01: staff, but no party to an ECG request
  let otherGp: string; // 段志刚, YC-C02
  let patient: string; // 张伟
  const facts: Record<string, string> = {};

  async function institution(code: string) {
    return (
      await t.ctx.db.selectFrom('institution').select('id').where('code', '=', code).executeTakeFirstOrThrow()
    ).id;
  }

  /** A request as the requests part would have made it (consent recorded, REMOTE-2), waiting for material. */
  async function newRequest(kind: 'ecg' | 'imaging' = 'ecg', status = 'requested'): Promise<string> {
    const centre = kind === 'ecg' ? facts.E01! : facts.I01!;
    const agreement = await t.ctx.db
      .selectFrom('service_agreement')
      .select('id')
      .where('requester_institution_id', '=', facts.C01!)
      .where('centre_institution_id', '=', centre)
      .executeTakeFirstOrThrow();
    const id = newId();
    const now = t.clock.now();
    await t.ctx.db
      .insertInto('diagnostic_request')
      .values({
        id,
        accession_no: `T${id.slice(-12)}`,
        patient_id: facts.patient!,
        requester_institution_id: facts.C01!,
        requester_practitioner_id: facts.gpPractitioner!,
        requester_account_id: facts.gpAccount!,
        centre_institution_id: centre,
        agreement_id: agreement.id,
        kind,
        modality: kind === 'ecg' ? 'ECG' : 'DX',
        urgency: 'routine',
        question: '胸闷两天，请判读心电图',
        consent: JSON.stringify({
          by: 'patient',
          method: 'written',
          recordedAt: now,
          recordedBy: facts.gpAccount,
        }),
        status: status as 'requested',
        created_at: now,
        updated_at: now,
      })
      .execute();
    return id;
  }

  async function upload(token: string, requestId: string, files: { name: string; bytes: Buffer }[]) {
    const form = new FormData();
    for (const f of files) form.append('file', new Blob([new Uint8Array(f.bytes)]), f.name);
    const encoded = new Response(form);
    return t.app.inject({
      method: 'POST',
      url: `/api/v1/diagnostic-requests/${requestId}/ecg`,
      headers: { authorization: `Bearer ${token}`, 'content-type': encoded.headers.get('content-type')! },
      payload: Buffer.from(await encoded.arrayBuffer()),
    });
  }

  const requestState = (id: string) =>
    t.ctx.db
      .selectFrom('diagnostic_request')
      .select(['status', 'material_at', 'target_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const recordsOf = async (requestId: string) =>
    (await t.ctx.db.selectFrom('ecg_record').selectAll().where('request_id', '=', requestId).execute())
      .length;

  /**
   * The demo region's remote-diagnosis staff log in with Demo@2026; made here like the seed makes staff
   * accounts when this seed does not have them yet (nothing happens when it does).
   */
  async function ensureStaffAccount(phone: string, practitionerCode: string) {
    const bidx = t.ctx.cipher.blindIndex('phone', phone);
    const has = await t.ctx.db
      .selectFrom('account')
      .select('id')
      .where('phone_bidx', '=', bidx)
      .executeTakeFirst();
    if (has) return;
    const p = await t.ctx.db
      .selectFrom('practitioner')
      .select(['id', 'name', 'kind', 'institution_id'])
      .where('code', '=', practitionerCode)
      .executeTakeFirstOrThrow();
    await t.ctx.db
      .insertInto('account')
      .values({
        id: newId(),
        phone_enc: t.ctx.cipher.encrypt(phone),
        phone_bidx: bidx,
        password_hash: await hashPassword('Demo@2026'),
        name: p.name,
        roles: [p.kind],
        institution_id: p.institution_id,
        practitioner_id: p.id,
        password_changed_at: t.clock.now(),
        created_at: t.clock.now(),
      })
      .execute();
  }

  beforeAll(async () => {
    t = await createTestApp({ seed: true });
    await ensureStaffAccount('13900000004', 'P048'); // 龙晓梅
    await ensureStaffAccount('13900000005', 'P063'); // 武建平
    await ensureStaffAccount('13900000006', 'P061'); // 常卫东
    [gp, reader, imagingReader, otherGp, patient] = await Promise.all(
      ['13900000004', '13900000005', '13900000006', '13900000003', '13800000001'].map((p) => t.login(p)),
    );
    facts.C01 = await institution('YC-C01');
    facts.E01 = await institution('YC-E01');
    facts.I01 = await institution('YC-I01');
    const p = await t.ctx.db
      .selectFrom('practitioner')
      .select('id')
      .where('name', '=', '龙晓梅')
      .executeTakeFirstOrThrow();
    facts.gpPractitioner = p.id;
    facts.gpAccount = (
      await t.ctx.db
        .selectFrom('account')
        .select('id')
        .where('practitioner_id', '=', p.id)
        .executeTakeFirstOrThrow()
    ).id;
    facts.patient = (
      await t.ctx.db.selectFrom('patient').select('id').where('name', '=', '张伟').executeTakeFirstOrThrow()
    ).id;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('REMOTE-5: the GP uploads record 100; the request enters the centre queue; the reader reads mV and measurements', async () => {
    const id = await newRequest();
    const res = await upload(gp, id, REC100());
    expect(res.statusCode).toBe(201);
    const up = res.json();
    expect(up).toMatchObject({ leads: ['MLII', 'V5'], sampleRate: 360, durationMs: 1_805_556 });

    // The turnaround clock starts now: routine ECG target 120 min (config.remote.targetMinutes).
    const state = await requestState(id);
    expect(state.status).toBe('ready');
    expect(new Date(state.material_at!).getTime()).toBe(t.clock.now().getTime());
    expect(new Date(state.target_at!).getTime() - new Date(state.material_at!).getTime()).toBe(120 * 60_000);
    const row = await t.ctx.db
      .selectFrom('ecg_record')
      .selectAll()
      .where('id', '=', up.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ source_format: 'wfdb-212', samples: 650_000, patient_id: facts.patient });
    expect(row.blob_keys).toHaveLength(2);
    expect(row.signal_key).toBe(`remote/ecg/${up.id}.sig`);
    const uploadAudit = await t.ctx.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'remote.ecg.upload')
      .where('resource_id', '=', up.id)
      .executeTakeFirst();
    expect(uploadAudit?.patient_id).toBe(facts.patient);

    // The first 10 s by default, for the requester and the centre alike; the first MLII sample is the
    // header's initial value 995: (995 − 1024) / 200 mV.
    for (const who of [reader, gp]) {
      const leads = await t.request('GET', `/api/v1/ecg/${up.id}/leads`, { token: who });
      expect(leads.statusCode).toBe(200);
      const body = leads.json();
      expect(body).toMatchObject({ id: up.id, sampleRate: 360, fromMs: 0, toMs: 10_000 });
      expect(body.leads.map((l: { name: string }) => l.name)).toEqual(['MLII', 'V5']);
      expect(body.leads[0].mv).toHaveLength(3600);
      expect(body.leads[0].mv[0]).toBe(-0.145);
      expect(body.leads[1].mv[0]).toBe((1011 - 1024) / 200);
    }
    // A window in the middle: the samples are the file's, in mV to 4 decimals.
    const decoded = parseEcgFiles(REC100());
    const mid = (
      await t.request('GET', `/api/v1/ecg/${up.id}/leads?from=600000&to=660000`, { token: reader })
    ).json();
    expect(mid.leads[1].mv).toHaveLength(21_600);
    expect(mid.leads[1].mv[100]).toBe(Math.round(((decoded.data[1]![216_100]! - 1024) / 200) * 1e4) / 1e4);
    // The end of the record is clipped to its length.
    const tail = (
      await t.request('GET', `/api/v1/ecg/${up.id}/leads?from=1800000&to=1810000`, { token: reader })
    ).json();
    expect(tail.toMs).toBe(1_805_556);
    expect(tail.leads[0].mv).toHaveLength(650_000 - 648_000);

    const m = await t.request('GET', `/api/v1/ecg/${up.id}/measurements`, { token: reader });
    expect(m.statusCode).toBe(200);
    const mm = m.json();
    expect(mm.leadUsed).toBe('MLII');
    expect(mm.heartRate).toBeGreaterThanOrEqual(70);
    expect(mm.heartRate).toBeLessThanOrEqual(80);
    expect(mm.rhythmHint).toBe('窦性心律（节律规整）');
    expect(mm.rhythmHintEn).toBe('Sinus rhythm (regular)');
    expect(Math.abs(mm.beats.length - 2273)).toBeLessThanOrEqual(10);
    expect(mm.rrMs).toHaveLength(mm.beats.length - 1);
    // The first beat (annotated at sample 77) and its time in ms.
    expect(Math.abs(mm.beats[0].sample - 77)).toBeLessThanOrEqual(10);
    expect(mm.beats[0].timeMs).toBeCloseTo((mm.beats[0].sample / 360) * 1000, 1);

    // DJ-12, SEC-1: each read is a clinical read in the audit log and the patient's access log.
    const reads = await t.ctx.db
      .selectFrom('audit_event')
      .select(['details', 'actor_id'])
      .where('action', '=', 'record.read')
      .where('resource_id', '=', up.id)
      .execute();
    expect(reads.length).toBe(5);
    expect(reads.map((r) => r.details)).toContainEqual({
      category: 'exams',
      what: 'ecg:measurements',
      relationship: 'remote_consultation',
      channel: 'app',
    });
  });

  it('a second recording for a request in the queue is kept; the clock does not restart', async () => {
    const id = await newRequest();
    expect((await upload(gp, id, DICOM())).statusCode).toBe(201);
    const first = await requestState(id);
    t.clock.advance(60_000);
    const again = await upload(gp, id, PTB());
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ sampleRate: 1000, durationMs: 38_400 });
    expect(again.json().leads).toHaveLength(15);
    expect(await requestState(id)).toEqual(first);
    expect(await recordsOf(id)).toBe(2);
    const m = (
      await t.request('GET', `/api/v1/ecg/${again.json().id}/measurements`, { token: reader })
    ).json();
    expect(m.leadUsed).toBe('II');
    expect(m.heartRate).toBeGreaterThan(40);
  });

  it('the DICOM waveform: 12 leads for 10 s, lead I starts at 80 × 1.25 µV = 0.1 mV', async () => {
    const id = await newRequest();
    const res = await upload(gp, id, DICOM());
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ sampleRate: 1000, durationMs: 10_000 });
    const leads = (await t.request('GET', `/api/v1/ecg/${res.json().id}/leads`, { token: reader })).json();
    expect(leads.leads).toHaveLength(12);
    expect(leads.leads[0]).toMatchObject({ name: 'I' });
    expect(leads.leads.map((l: { mv: number[] }) => l.mv[0])).toEqual(
      [80, 90, 10, -85, 35, 50, 40, 15, -10, -20, -55, -40].map((v) => Math.round((v / 800) * 1e4) / 1e4),
    );
    expect(leads.leads[0].mv[0]).toBe(0.1);
  });

  it('leads: more than 60 s, an empty range or a start past the end is 422 ECG_RANGE_INVALID', async () => {
    const id = await newRequest();
    const ecg = (await upload(gp, id, DICOM())).json().id;
    for (const q of ['from=0&to=60001', 'from=5000&to=5000', 'from=10000&to=12000', 'to=0']) {
      const r = await t.request('GET', `/api/v1/ecg/${ecg}/leads?${q}`, { token: reader });
      expect(r.statusCode, q).toBe(422);
      expect(r.json().code).toBe('ECG_RANGE_INVALID');
    }
    const neg = await t.request('GET', `/api/v1/ecg/${ecg}/leads?from=-1`, { token: reader });
    expect(neg.statusCode).toBe(400);
  });

  it('strangers cannot tell a recording exists (404); a patient is not staff (403)', async () => {
    const id = await newRequest();
    const ecg = (await upload(gp, id, DICOM())).json().id;
    for (const who of [otherGp, imagingReader]) {
      for (const what of ['leads', 'measurements']) {
        const r = await t.request('GET', `/api/v1/ecg/${ecg}/${what}`, { token: who });
        expect(r.statusCode).toBe(404);
        expect(r.json().code).toBe('ECG_RECORD_NOT_FOUND');
      }
    }
    expect((await t.request('GET', `/api/v1/ecg/${newId()}/leads`, { token: reader })).json().code).toBe(
      'ECG_RECORD_NOT_FOUND',
    );
    expect((await t.request('GET', `/api/v1/ecg/${ecg}/measurements`, { token: patient })).statusCode).toBe(
      403,
    );
  });

  it('refused uploads change nothing: the centre, a stranger, a patient, a request of another kind or state', async () => {
    const id = await newRequest();
    const centre = await upload(reader, id, DICOM());
    expect(centre.statusCode).toBe(403);
    expect(centre.json().code).toBe('NOT_REQUEST_PARTY');
    const stranger = await upload(otherGp, id, DICOM());
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().code).toBe('DIAGNOSTIC_REQUEST_NOT_FOUND');
    expect((await upload(patient, id, DICOM())).statusCode).toBe(403);
    expect((await upload(gp, newId(), DICOM())).statusCode).toBe(404);
    expect(await requestState(id)).toMatchObject({ status: 'requested', material_at: null });
    expect(await recordsOf(id)).toBe(0);

    const imaging = await newRequest('imaging');
    const wrongKind = await upload(gp, imaging, DICOM());
    expect(wrongKind.statusCode).toBe(409);
    expect(wrongKind.json().code).toBe('MATERIAL_NOT_ACCEPTED');
    expect(await recordsOf(imaging)).toBe(0);

    const cancelled = await newRequest('ecg', 'cancelled');
    expect((await upload(gp, cancelled, DICOM())).json().code).toBe('MATERIAL_NOT_ACCEPTED');
  });

  it('bad files are 422 with a clear zh-CN reason and change nothing', async () => {
    const id = await newRequest();
    const [hea, dat] = REC100();
    const corrupt = Buffer.from(dat!.bytes);
    corrupt[300_000] = corrupt[300_000]! ^ 0x5a;
    const cases: [string, { name: string; bytes: Buffer }[], string, RegExp][] = [
      [
        'a corrupted .dat (checksum)',
        [hea!, { name: '100.dat', bytes: corrupt }],
        'ECG_FILE_INVALID',
        /校验和/,
      ],
      [
        'a truncated .dat',
        [hea!, { name: '100.dat', bytes: dat!.bytes.subarray(0, 1_000_000) }],
        'ECG_FILE_INVALID',
        /不完整/,
      ],
      [
        'another record’s .dat',
        [hea!, { name: '100.dat', bytes: PTB()[1]!.bytes }],
        'ECG_FILE_INVALID',
        /.+/,
      ],
      ['the PTB header without its .xyz', PTB().slice(0, 2), 'ECG_FILES_MISSING', /s0010_re\.xyz/],
      ['a .dat alone', [dat!], 'ECG_FILES_MISSING', /\.hea/],
      ['a DICOM image that is no waveform', [file('dicom/CT_small.dcm')], 'ECG_FILE_INVALID', /不含心电波形/],
      ['a truncated DICOM', [file('dicom/rtplan_truncated.dcm')], 'ECG_FILE_INVALID', /.+/],
      ['no file at all', [], 'ECG_FILES_MISSING', /.+/],
      // Header values that size everything after them are bounded (a 0.001 Hz record would last 115 days).
      [
        'a sample rate no ECG has',
        [
          {
            name: '100.hea',
            bytes: Buffer.from(
              hea!.bytes.toString('latin1').replace('100 2 360 650000', '100 2 0.001 650000'),
              'latin1',
            ),
          },
          dat!,
        ],
        'ECG_FILE_INVALID',
        /采样频率/,
      ],
    ];
    for (const [what, files, code, says] of cases) {
      const r = await upload(gp, id, files);
      expect(r.statusCode, what).toBe(422);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().code, what).toBe(code);
      expect(r.json().detail, what).toMatch(says);
    }
    expect(await requestState(id)).toMatchObject({ status: 'requested', material_at: null });
    expect(await recordsOf(id)).toBe(0);
  });
});
