/**
 * The health archive ([6/12] §1, §3; REC-3, SEC-1, ID-6, DJ-9, DJ-12): 张伟 reads his archive, timeline,
 * results and reports from the demo seed; a proxy reads the dependent's; a signed online visit lands on the
 * timeline as an encounter with its diagnoses; a hospital system's corrected result replaces its values;
 * the export is a PDF a parser reads back (his name, 原发性高血压, an ↑ value) and a FHIR Bundle; a doctor
 * without a care relationship is refused on every route; bad input is a 4xx, never a 500.
 */
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  upsertHisDiagnoses,
  upsertHisEncounter,
  upsertHisReport,
} from '../../src/server/modules/records/records.api.js';
import type { Archive, ObservationView, ReportView, TimelineEntry } from '../../src/shared/records.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { completeVisit, followUpVisit, PHONES } from '../support/prescriptions.js';

let t: TestApp;
let zhang: string; // 张伟: I10 at YC-H01 cardiology, the seeded archive
let lina: string; // 李娜: guardian of 李小宝
let chen: string; // 陈建国 P001, YC-H01 cardiology
let su: string; // 苏晓雯 P029, YC-H03: no care relationship with 张伟
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  [zhang, lina, chen, su] = await Promise.all(
    [PHONES.zhang, '13800000002', PHONES.chen, '13900000002'].map((p) => t.login(p)),
  );
  const patient = async (name: string) =>
    (await t.ctx.db.selectFrom('patient').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  ids.zhang = await patient('张伟');
  ids.wang = await patient('王秀英');
  ids.child = await patient('李小宝');
  ids.H01 = (
    await t.ctx.db
      .selectFrom('institution')
      .select('id')
      .where('code', '=', 'YC-H01')
      .executeTakeFirstOrThrow()
  ).id;
}, 240_000);

afterAll(async () => {
  await t?.close();
});

const get = (url: string, token: string) => t.request('GET', url, { token });
const api = (patientId: string, path: string) => `/api/v1/patients/${patientId}/${path}`;

async function walkTimeline(patientId: string, token: string, limit: number, between?: () => Promise<void>) {
  const keys: string[] = [];
  let cursor: string | null = null;
  let page = 0;
  do {
    const res = await get(
      api(patientId, `timeline?limit=${limit}${cursor ? `&before=${encodeURIComponent(cursor)}` : ''}`),
      token,
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: TimelineEntry[]; nextCursor: string | null };
    keys.push(...body.items.map((e) => e.key));
    cursor = body.nextCursor;
    if (page++ === 0 && between) await between();
  } while (cursor && page < 50);
  return keys;
}

describe('张伟 reads his own archive (REC-3)', () => {
  it('shows demographics with his full ID number, history, vaccinations, one I10 chronic condition and the latest results', async () => {
    const res = await get(api(ids.zhang!, 'archive'), zhang);
    expect(res.statusCode, res.body).toBe(200);
    const a = res.json() as Archive;
    expect(a.relationship).toBe('self');
    expect(a.hiddenCategories).toEqual([]);
    expect(a.patient).toMatchObject({
      name: '张伟',
      sex: 'male',
      birthDate: '1978-03-15',
      idNumberMasked: '11010119780315031X',
    });
    // Two visits diagnosed I10 (the cardiology visit and the community follow-up): one chronic condition.
    expect(a.chronicConditions!.filter((c) => c.icd10 === 'I10')).toHaveLength(1);
    expect(a.chronicConditions![0]).toMatchObject({
      name: '原发性高血压',
      chronic: true,
      practitionerName: '陈建国',
    });
    expect(a.diagnoses!.length).toBeGreaterThanOrEqual(2);
    expect(a.history!.familyHistory).toContain('父亲高血压');
    expect(a.history!.lifestyle.smoking).toBe('former');
    expect(a.vaccinations).toHaveLength(3);
    expect(a.allergies).toEqual([]);
    const latest = new Map(a.latestResults!.map((r) => [r.code, r]));
    expect(latest.get('8480-6')).toMatchObject({ valueText: '128', unit: 'mmHg', flag: 'N' });
    expect(latest.get('13457-7')).toMatchObject({ valueText: '3.12', flag: 'N' });
    expect(latest.get('2160-0')).toMatchObject({ valueText: '86', unit: 'µmol/L' });
  });

  it('pages the timeline newest first with a cursor: no duplicates and no gaps while a new result arrives', async () => {
    const before = await walkTimeline(ids.zhang!, zhang, 50);
    expect(before.length).toBeGreaterThanOrEqual(10);
    expect(new Set(before).size).toBe(before.length);
    let arrived = '';
    const walked = await walkTimeline(ids.zhang!, zhang, 3, async () => {
      const now = t.clock.now();
      const r = await t.ctx.db.transaction().execute((trx) =>
        upsertHisReport(
          trx,
          {
            report: {
              patientId: ids.zhang!,
              institutionId: ids.H01!,
              sourceRef: 'LAB-PAGING-1',
              kind: 'lab',
              codeSystem: 'http://loinc.org',
              code: '2345-7',
              name: '血糖',
              status: 'final',
              effectiveAt: now,
              issuedAt: now,
            },
            observations: [
              {
                category: 'laboratory',
                codeSystem: 'http://loinc.org',
                code: '2345-7',
                name: '血糖',
                valueNum: 5.2,
                unit: 'mmol/L',
                refLow: 3.9,
                refHigh: 6.1,
                status: 'final',
              },
            ],
          },
          now,
        ),
      );
      arrived = `lab_report:${r.reportId}`;
    });
    // The walk that started before it arrived saw exactly what was there, in the same order.
    expect(walked).toEqual(before);
    const after = await walkTimeline(ids.zhang!, zhang, 50);
    expect(after[0]).toBe(arrived);
    expect(after.slice(1)).toEqual(before);
  });

  it('lists the timeline with both the offline cardiology visit and the community centre visit', async () => {
    const res = await get(api(ids.zhang!, 'timeline?limit=50'), zhang);
    const items = (res.json() as { items: TimelineEntry[] }).items;
    const encounters = items.filter((e) => e.kind === 'encounter');
    expect(encounters.map((e) => e.institutionName)).toEqual(
      expect.arrayContaining(['云澜医科大学附属云川医院', '云川区青石街道社区卫生服务中心']),
    );
    expect(encounters.every((e) => e.channel === 'offline')).toBe(true);
    const ecg = items.find((e) => e.kind === 'exam_report' && e.title.includes('心电图'));
    expect(ecg?.category).toBe('exams');
    const firstLipids = items.filter((e) => e.kind === 'lab_report' && e.title === '血脂四项').at(-1);
    expect(firstLipids).toMatchObject({ abnormal: true, subtitle: '4 项异常' });
    for (let i = 1; i < items.length; i++) expect(items[i - 1]!.at >= items[i]!.at).toBe(true);
  });

  it('gives blood-pressure values by comma-separated codes, newest first, with ranges and H flags', async () => {
    const res = await get(api(ids.zhang!, 'observations?code=8480-6,8462-4'), zhang);
    expect(res.statusCode, res.body).toBe(200);
    const items = (res.json() as { items: ObservationView[] }).items;
    expect(items).toHaveLength(24);
    expect(new Set(items.map((o) => o.code))).toEqual(new Set(['8480-6', '8462-4']));
    for (let i = 1; i < items.length; i++)
      expect(items[i - 1]!.effectiveAt >= items[i]!.effectiveAt).toBe(true);
    const systolic = items.filter((o) => o.code === '8480-6');
    expect(systolic[0]).toMatchObject({
      valueNum: 128,
      refLow: 90,
      refHigh: 139,
      flag: 'N',
      category: 'vital-signs',
    });
    const oldest = systolic.at(-1)!;
    expect(oldest).toMatchObject({ valueNum: 152, flag: 'H', codeSystem: 'http://loinc.org' });
    expect(systolic.filter((o) => o.flag === 'H').length).toBeGreaterThanOrEqual(4);
    // Paged: two pages of 12 make the same 24.
    const p1 = await get(api(ids.zhang!, 'observations?code=8480-6,8462-4&limit=12'), zhang);
    const next = p1.json().nextCursor as string;
    const p2 = await get(api(ids.zhang!, `observations?code=8480-6,8462-4&limit=12&before=${next}`), zhang);
    expect([...p1.json().items, ...p2.json().items].map((o: ObservationView) => o.id)).toEqual(
      items.map((o) => o.id),
    );
    expect(p2.json().nextCursor).toBeNull();
  });

  it('lists lab reports with their results and abnormal counts, and exam reports with the signed ECG', async () => {
    const labs = (await get(api(ids.zhang!, 'reports?kind=lab&limit=50'), zhang)).json()
      .items as ReportView[];
    const lipids = labs.filter((r) => r.name === '血脂四项');
    expect(lipids).toHaveLength(3);
    const first = lipids.at(-1)!;
    expect(first.abnormalCount).toBe(4);
    expect(first.observations.map((o) => [o.code, o.valueText, o.flag])).toEqual([
      ['2093-3', '6.12', 'H'],
      ['2571-8', '2.10', 'H'],
      ['2085-9', '0.98', 'L'],
      ['13457-7', '4.05', 'H'],
    ]);
    expect(lipids[0]!.abnormalCount).toBe(0);
    expect(labs.find((r) => r.name === '肾功能')!.observations).toHaveLength(3);
    expect(labs.every((r) => r.category === 'labs')).toBe(true);

    const exams = (await get(api(ids.zhang!, 'reports?kind=exam'), zhang)).json().items as ReportView[];
    expect(exams.map((r) => r.kind).sort()).toEqual(['ecg', 'imaging']);
    const ecg = exams.find((r) => r.kind === 'ecg')!;
    expect(ecg.conclusion).toContain('左心室高电压');
    expect(ecg.signed).toMatchObject({ signedBy: '刘慧敏', certSerial: expect.any(String) });
    expect(exams.find((r) => r.kind === 'imaging')!.signed).toBeNull();
  });

  it('王秀英 sees her glucose and HbA1c series flagged H', async () => {
    const wang = await t.login('13800000003');
    const res = await get(api(ids.wang!, 'observations?code=1558-6,4548-4'), wang);
    const items = (res.json() as { items: ObservationView[] }).items;
    expect(items.filter((o) => o.code === '1558-6')).toHaveLength(6);
    expect(items.filter((o) => o.code === '4548-4')).toHaveLength(3);
    expect(items.every((o) => o.flag === 'H')).toBe(true);
    const archive = (await get(api(ids.wang!, 'archive'), wang)).json() as Archive;
    // [12/12] her hypertension, found by her community's family doctor (the hypertension package, FD-7).
    expect(archive.chronicConditions!.map((c) => c.icd10)).toEqual(['E11.9', 'I10']);
    expect(archive.allergies!.map((a) => a.substance)).toEqual(['青霉素类']);
  });
});

describe('a proxy reads the dependent’s archive (ID-6)', () => {
  it('李娜 reads 李小宝’s archive as proxy with his full ID number, and not 张伟’s', async () => {
    const res = await get(api(ids.child!, 'archive'), lina);
    expect(res.statusCode, res.body).toBe(200);
    const a = res.json() as Archive;
    expect(a.relationship).toBe('proxy');
    expect(a.patient).toMatchObject({ name: '李小宝', idNumberMasked: '110101201905200153' });
    expect((await get(api(ids.child!, 'timeline'), lina)).statusCode).toBe(200);
    const refused = await get(api(ids.zhang!, 'archive'), lina);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('NO_CARE_RELATIONSHIP');
  });
});

describe('a doctor without a care relationship (SEC-1, DJ-9)', () => {
  it.each([
    'archive',
    'timeline',
    'observations?code=8480-6',
    'reports',
    'export?format=pdf',
    'export?format=fhir',
  ])('苏晓雯 is refused %s of 张伟 with 403 NO_CARE_RELATIONSHIP, audited', async (path) => {
    const res = await get(api(ids.zhang!, path), su);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NO_CARE_RELATIONSHIP');
    expect(res.body).not.toContain('原发性高血压');
  });

  it('the refusal is in the audit log under 张伟 (DJ-12)', async () => {
    const su_ = await t.ctx.db
      .selectFrom('account')
      .select('id')
      .where(
        'practitioner_id',
        '=',
        (
          await t.ctx.db
            .selectFrom('practitioner')
            .select('id')
            .where('code', '=', 'P029')
            .executeTakeFirstOrThrow()
        ).id,
      )
      .executeTakeFirstOrThrow();
    const refused = await t.ctx.db
      .selectFrom('audit_event')
      .select(['outcome', 'details'])
      .where('action', '=', 'access.denied')
      .where('patient_id', '=', ids.zhang!)
      .where('actor_id', '=', su_.id)
      .execute();
    expect(refused.length).toBeGreaterThanOrEqual(6);
    expect(refused.every((r) => r.outcome === 'failure')).toBe(true);
  });

  it('refuses an unknown patient the same way (ids cannot be probed)', async () => {
    const res = await get(api('0190a000-0000-7000-8000-000000000000', 'archive'), su);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NO_CARE_RELATIONSHIP');
  });
});

describe('an authorisation of chosen categories (授权调阅, SEC-1)', () => {
  it('苏晓雯 authorised for labs sees results only: other sections null and named hidden, ID masked', async () => {
    const p029 = await t.ctx.db
      .selectFrom('practitioner')
      .select('id')
      .where('code', '=', 'P029')
      .executeTakeFirstOrThrow();
    const grant = await t.request('POST', '/api/v1/me/authorisations', {
      token: zhang,
      body: { practitionerId: p029.id, categories: ['labs'], days: 7 },
    });
    expect(grant.statusCode, grant.body).toBe(201);
    try {
      const res = await get(api(ids.zhang!, 'archive'), su);
      expect(res.statusCode, res.body).toBe(200);
      const a = res.json() as Archive;
      expect(a.relationship).toBe('authorisation');
      expect(a.hiddenCategories).toEqual(['basic', 'encounters', 'diagnoses', 'medications', 'exams']);
      expect(a).toMatchObject({
        chronicConditions: null,
        diagnoses: null,
        allergies: null,
        history: null,
        vaccinations: null,
      });
      expect(a.latestResults!.length).toBeGreaterThan(0);
      expect(a.patient.idNumberMasked).toBe('1101**********031X');
      const timeline = (await get(api(ids.zhang!, 'timeline?limit=50'), su)).json() as {
        items: TimelineEntry[];
      };
      expect(timeline.items.length).toBeGreaterThan(0);
      expect(new Set(timeline.items.map((e) => e.kind))).toEqual(new Set(['lab_report']));
      expect((await get(api(ids.zhang!, 'reports?kind=lab'), su)).statusCode).toBe(200);
      const exams = await get(api(ids.zhang!, 'reports?kind=exam'), su);
      expect(exams.statusCode).toBe(403);
      expect(exams.json().code).toBe('NO_CARE_RELATIONSHIP');
      const all = (await get(api(ids.zhang!, 'reports?limit=50'), su)).json() as { items: ReportView[] };
      expect(all.items.every((r) => r.kind === 'lab')).toBe(true);
      const exp = await get(api(ids.zhang!, 'export?format=pdf'), su);
      expect(exp.json().code).toBe('RECORD_EXPORT_PATIENT_ONLY');
    } finally {
      await t.request('DELETE', `/api/v1/me/authorisations/${grant.json().id}`, { token: zhang });
    }
    expect((await get(api(ids.zhang!, 'archive'), su)).statusCode).toBe(403);
  });
});

describe('an online visit signed on the platform joins the archive', () => {
  it('the completed follow-up is an online encounter with its I10 diagnosis; the doctor may then read, not export', async () => {
    const id = await followUpVisit(t, { patientToken: zhang, doctorToken: chen });
    await completeVisit(t, id, chen);
    const items = (
      (await get(api(ids.zhang!, 'timeline?limit=10'), zhang)).json() as { items: TimelineEntry[] }
    ).items;
    const encounter = items.find((e) => e.kind === 'encounter' && e.channel === 'online');
    expect(encounter).toBeDefined();
    expect(encounter!.title).toContain('互联网诊疗');
    expect(encounter!.subtitle).toContain('原发性高血压');
    const row = await t.ctx.db
      .selectFrom('encounter')
      .selectAll()
      .where('source', '=', 'online')
      .where('source_ref', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ class: 'VR', status: 'finished', patient_id: ids.zhang });
    const diagnosis = items.find((e) => e.kind === 'diagnosis' && e.refId === row.id);
    expect(diagnosis?.title).toBe('原发性高血压（I10）');

    // The visit is a care relationship (SEC-1): 陈建国 reads the archive now, audited as 'visit' …
    const read = await get(api(ids.zhang!, 'archive'), chen);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().relationship).toBe('visit');
    expect(read.json().patient.idNumberMasked).toBe('1101**********031X');
    const audits = await t.ctx.db
      .selectFrom('audit_event')
      .select(['details', 'resource_type'])
      .where('action', '=', 'record.read')
      .where('patient_id', '=', ids.zhang!)
      .orderBy('id', 'desc')
      .limit(3)
      .execute();
    expect(audits.map((a) => (a.details as { relationship: string; what: string }).what)).toContain(
      'archive',
    );
    expect(audits.every((a) => (a.details as { relationship: string }).relationship === 'visit')).toBe(true);
    // … but the export is the patient's own (个人信息可携带).
    const exp = await get(api(ids.zhang!, 'export?format=pdf'), chen);
    expect(exp.statusCode).toBe(403);
    expect(exp.json().code).toBe('RECORD_EXPORT_PATIENT_ONLY');
  });
});

describe('a diagnosis a hospital doctor enters (VISIT-1)', () => {
  it('陈建国 records 张伟’s offline 混合性高脂血症: it is on the archive as a chronic condition, dated that day', async () => {
    // After the online visit above 张伟 has been seen at YC-H01, so its doctor may enter the diagnosis.
    const res = await t.request('POST', api(ids.zhang!, 'offline-diagnoses'), {
      token: chen,
      body: { icd10: 'E78.2', diagnosedAt: '2026-10-08' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const a = (await get(api(ids.zhang!, 'archive'), zhang)).json() as Archive;
    const lipid = a.chronicConditions!.find((c) => c.icd10 === 'E78.2');
    expect(lipid).toMatchObject({
      name: '混合性高脂血症',
      source: 'staff',
      onsetDate: '2026-10-08',
      practitionerName: '陈建国',
    });
    const timeline = (await get(api(ids.zhang!, 'timeline?limit=50'), zhang)).json() as {
      items: TimelineEntry[];
    };
    const entry = timeline.items.find((e) => e.kind === 'diagnosis' && e.title.includes('E78.2'));
    expect(entry?.at).toBe('2026-10-07T16:00:00.000Z');
  });
});

describe('results from a hospital system (records.api, for HL7)', () => {
  it('an encounter and its diagnoses sent twice are stored once; a late update does not reopen a finished visit', async () => {
    const now = t.clock.now();
    const startedAt = new Date(now.getTime() - 90 * 86_400_000);
    const send = (status: 'in-progress' | 'finished', name: string) =>
      t.ctx.db.transaction().execute(async (trx) => {
        const e = await upsertHisEncounter(
          trx,
          {
            institutionId: ids.H01!,
            sourceRef: 'V-REPLAY-1',
            patientId: ids.wang!,
            class: 'AMB',
            status,
            startedAt,
            ...(status === 'finished' ? { endedAt: new Date(startedAt.getTime() + 1800_000) } : {}),
          },
          now,
        );
        await upsertHisDiagnoses(
          trx,
          {
            patientId: ids.wang!,
            encounterId: e.id,
            institutionId: ids.H01!,
            sourceRef: 'V-REPLAY-1',
            recordedAt: startedAt,
            diagnoses: [{ icd10: 'e11.9', name }],
          },
          now,
        );
        return e;
      });
    const first = await send('finished', '2型糖尿病');
    const again = await send('in-progress', '2型糖尿病不伴有并发症');
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    const row = await t.ctx.db
      .selectFrom('encounter')
      .selectAll()
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('finished');
    expect(row.ended_at).not.toBeNull();
    const dx = await t.ctx.db
      .selectFrom('diagnosis')
      .selectAll()
      .where('encounter_id', '=', first.id)
      .execute();
    expect(dx.map((d) => [d.icd10, d.name, d.chronic, d.source])).toEqual([
      ['E11.9', '2型糖尿病不伴有并发症', true, 'his'],
    ]);
  });

  it('a corrected report replaces its values in place; a dropped result is cancelled; the flag is computed', async () => {
    const base = {
      patientId: ids.zhang!,
      institutionId: ids.H01!,
      sourceRef: 'LAB-CORR-1',
      kind: 'lab' as const,
      codeSystem: 'http://loinc.org',
      code: '24323-8',
      name: '肝功能',
      effectiveAt: new Date(t.clock.now().getTime() - 3600_000),
      issuedAt: t.clock.now(),
    };
    const obs = (code: string, name: string, value: number) => ({
      category: 'laboratory' as const,
      codeSystem: 'http://loinc.org',
      code,
      name,
      valueNum: value,
      valueText: String(value),
      unit: 'U/L',
      refLow: 9,
      refHigh: 50,
      status: 'final' as const,
    });
    const now = t.clock.now();
    const first = await t.ctx.db.transaction().execute((trx) =>
      upsertHisReport(
        trx,
        {
          report: { ...base, status: 'final' },
          observations: [obs('1742-6', '丙氨酸氨基转移酶', 88), obs('1920-8', '天门冬氨酸氨基转移酶', 40)],
        },
        now,
      ),
    );
    expect(first.created).toBe(true);
    const second = await t.ctx.db
      .transaction()
      .execute((trx) =>
        upsertHisReport(
          trx,
          { report: { ...base, status: 'corrected' }, observations: [obs('1742-6', '丙氨酸氨基转移酶', 45)] },
          now,
        ),
      );
    expect(second).toMatchObject({ reportId: first.reportId, created: false });
    expect(second.observationIds[0]).toBe(first.observationIds[0]);
    const reports = (await get(api(ids.zhang!, 'reports?kind=lab'), zhang)).json().items as ReportView[];
    const liver = reports.find((r) => r.id === first.reportId)!;
    expect(liver.status).toBe('corrected');
    expect(liver.observations.map((o) => [o.code, o.valueNum, o.flag])).toEqual([['1742-6', 45, 'N']]);
    const dropped = await t.ctx.db
      .selectFrom('observation')
      .select('status')
      .where('id', '=', first.observationIds[1]!)
      .executeTakeFirstOrThrow();
    expect(dropped.status).toBe('cancelled');
  });
});

describe('export (个人信息可携带)', () => {
  it('the PDF summary has his name, 原发性高血压 and a value marked ↑, as an attachment', async () => {
    const res = await get(api(ids.zhang!, 'export?format=pdf'), zhang);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toContain('application/pdf');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="yunyi-health-record-[\d-]+\.pdf"/,
    );
    const parser = new PDFParse({ data: new Uint8Array(res.rawPayload) });
    try {
      const text = (await parser.getText()).text;
      expect(text).toContain('张伟');
      expect(text).toContain('原发性高血压');
      expect(text).toMatch(/\d ↑/);
      expect(text).toContain('父亲高血压');
      // The ID number is masked on paper.
      expect(text).not.toContain('11010119780315031X');
    } finally {
      await parser.destroy();
    }
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select('details')
      .where('action', '=', 'record.read')
      .where('patient_id', '=', ids.zhang!)
      .orderBy('id', 'desc')
      .limit(6)
      .execute();
    expect(audit.map((a) => (a.details as { what: string; channel: string }).channel)).toEqual(
      Array(6).fill('export'),
    );
  });

  it('the FHIR export is a Bundle of his resources (application/fhir+json)', async () => {
    const res = await get(api(ids.zhang!, 'export?format=fhir'), zhang);
    expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
    expect(res.headers['content-type']).toContain('application/fhir+json');
    expect(res.headers['content-disposition']).toContain('attachment');
    const bundle = res.json();
    expect(bundle.resourceType).toBe('Bundle');
    const patient = bundle.entry.find(
      (e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Patient',
    );
    expect(patient.resource.id).toBe(ids.zhang);
  });

  it('a proxy exports the dependent’s records', async () => {
    const res = await get(api(ids.child!, 'export?format=pdf'), lina);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/pdf');
  });
});

describe('bad input is a 4xx, never a 500 (DJ-18)', () => {
  it.each([
    ['timeline?before=garbage', 400],
    ['timeline?before=WyIyMDI2LTAxLTAxIiwxXQ', 400],
    ['timeline?limit=0', 400],
    ['timeline?limit=1e309', 400],
    ['observations?before=WzEsMiwzXQ', 400],
    ['observations?code=8480-6,', 400],
    ["observations?code=1'%20or%201=1", 400],
    ['observations?category=blood', 400],
    ['reports?kind=xray', 400],
    ['reports?before=%00', 400],
    ['export?format=docx', 400],
    ['export', 400],
  ])('GET %s → %i', async (path, status) => {
    const res = await get(api(ids.zhang!, path), zhang);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });

  it('a patient id that is no UUID is a 400', async () => {
    const res = await get('/api/v1/patients/not-a-uuid/archive', zhang);
    expect(res.statusCode).toBe(400);
  });
});
