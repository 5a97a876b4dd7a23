/**
 * [8/12] The home page's server side: 我看过的医生 (GET /me/doctors), what 复诊续方 and 再次预约 start from,
 * and the account's preferences (GET/PUT /me/preferences: 长辈模式, the current 就诊人). ID-6: a patient is
 * oneself or one the account acts for; anyone else's patientId is refused with NOT_YOUR_PATIENT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorsSeenPage } from '../../src/shared/doctors-seen.js';
import type { Preferences } from '../../src/shared/identity.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
const token = { zhang: '', lina: '', wang: '', admin: '', doctor: '' };
const pid = { zhang: '', xiaobao: '', wang: '' };
const doctor = { chen: '', yang: '' };
const TODAY = '2026-11-22'; // the fixture's clock: Sunday 10:00 Asia/Shanghai

const seenBy = (tok: string, query = '') => t.request('GET', `/api/v1/me/doctors${query}`, { token: tok });
const prefs = (tok: string) => t.request('GET', '/api/v1/me/preferences', { token: tok });
const setPrefs = (tok: string, body: unknown) =>
  t.request('PUT', '/api/v1/me/preferences', { token: tok, body });

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  token.zhang = await t.login('13800000001');
  token.lina = await t.login('13800000002');
  token.wang = await t.login('13800000003');
  token.admin = await t.login('13600000001'); // 吕芳, org_admin of YC-H01
  token.doctor = await t.login('13900000001'); // 陈建国
  const patients = await t.ctx.db.selectFrom('patient').select(['id', 'name']).execute();
  pid.zhang = patients.find((p) => p.name === '张伟')!.id;
  pid.xiaobao = patients.find((p) => p.name === '李小宝')!.id;
  pid.wang = patients.find((p) => p.name === '王秀英')!.id;
  const doctors = await t.ctx.db.selectFrom('practitioner').select(['id', 'code']).execute();
  doctor.chen = doctors.find((d) => d.code === 'P001')!.id;
  doctor.yang = doctors.find((d) => d.code === 'P005')!.id;
}, 240_000); // the seeded snapshot is rebuilt when the server's code changed

afterAll(async () => t.close());

async function openSession(doctorId: string, date: string, startTime: string) {
  const res = await t.request('POST', '/api/v1/schedules', {
    token: token.admin,
    body: {
      doctorId,
      date,
      startTime,
      endTime: `${String(Number(startTime.slice(0, 2)) + 1).padStart(2, '0')}:00`,
      mode: 'offline',
      capacity: 4,
      feeFen: 0,
      quotas: { referral: 0, partner: 0 },
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}

describe('GET /me/doctors (我看过的医生)', () => {
  it('张伟 sees 陈建国, who diagnosed his hypertension: the diagnosis by name, online follow-up and its price', async () => {
    const res = await seenBy(token.zhang);
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as DoctorsSeenPage;
    expect(page.patientId).toBe(pid.zhang);
    const chen = page.items.find((d) => d.doctorId === doctor.chen);
    expect(chen).toMatchObject({
      name: '陈建国',
      departmentName: '心血管内科',
      lastSeenOn: '2026-03-12',
      seenVia: ['offline_diagnosis'],
      bookable: true,
      onlineFollowUp: { textFeeFen: 10_000, videoFeeFen: 10_000 },
    });
    expect(chen!.diagnoses.map((d) => [d.name, d.icd10])).toEqual([['原发性高血压', 'I10']]);
    // Nobody else's doctor: 王秀英's endocrinologist is not in 张伟's list.
    expect(page.items.some((d) => d.doctorId === doctor.yang)).toBe(false);
  });

  it('a checked-in appointment counts as seen (the date moves up) and the next bookable session is given', async () => {
    const today = await openSession(doctor.chen, TODAY, '14:00');
    const booked = await t.request('POST', '/api/v1/appointments', {
      token: token.zhang,
      body: { scheduleId: today.id },
    });
    expect(booked.statusCode, booked.body).toBe(201);
    // Booked but not yet seen: the list does not move.
    let chen = ((await seenBy(token.zhang)).json() as DoctorsSeenPage).items.find(
      (d) => d.doctorId === doctor.chen,
    );
    expect(chen!.lastSeenOn).toBe('2026-03-12');
    const checkIn = await t.request('POST', `/api/v1/appointments/${booked.json().id}/check-in`, {
      token: token.admin,
    });
    expect(checkIn.statusCode, checkIn.body).toBe(200);
    await openSession(doctor.chen, '2026-11-25', '09:00');
    chen = ((await seenBy(token.zhang)).json() as DoctorsSeenPage).items.find(
      (d) => d.doctorId === doctor.chen,
    );
    expect(chen!.lastSeenOn).toBe(TODAY);
    expect(chen!.seenVia.sort()).toEqual(['appointment', 'offline_diagnosis']);
    expect(chen!.nextAvailable).toMatchObject({ mode: 'offline' });
    expect(chen!.nextAvailable!.date >= TODAY).toBe(true);
  });

  it('王秀英 sees 龙晓梅, her family doctor who found her hypertension, and 杨淑芬, who diagnosed her diabetes', async () => {
    const page = (await seenBy(token.wang)).json() as DoctorsSeenPage;
    expect(page.items.map((d) => [d.name, d.diagnoses.map((x) => x.name)])).toEqual([
      ['龙晓梅', ['原发性高血压']],
      ['杨淑芬', ['2型糖尿病不伴有并发症']],
    ]);
  });

  it("ID-6: a guardian asks for her child; a stranger's patientId is refused with NOT_YOUR_PATIENT and the read is audited", async () => {
    const child = await seenBy(token.lina, `?patientId=${pid.xiaobao}`);
    expect(child.statusCode, child.body).toBe(200);
    expect(child.json()).toMatchObject({ patientId: pid.xiaobao, items: [] });

    const refused = await seenBy(token.lina, `?patientId=${pid.zhang}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ code: 'NOT_YOUR_PATIENT' });
    expect(refused.body).not.toContain('陈建国');

    const audited = await t.ctx.db
      .selectFrom('audit_event')
      .select(['action', 'patient_id'])
      .where('action', '=', 'doctors_seen.list')
      .where('patient_id', '=', pid.xiaobao)
      .execute();
    expect(audited).toHaveLength(1);
  });

  it('bad input is a 400 problem; staff may not call it', async () => {
    const bad = await seenBy(token.zhang, '?patientId=abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await seenBy(token.zhang, '?foo=1')).statusCode).toBe(400);
    expect((await seenBy(token.doctor)).statusCode).toBe(403);
  });
});

describe('GET/PUT /me/preferences (长辈模式, 当前就诊人)', () => {
  it('王秀英 (72): on by default and asked once; her answer is kept per account, across logins', async () => {
    const first = (await prefs(token.wang)).json() as Preferences;
    expect(first).toEqual({
      elderlyMode: true,
      elderlyModeAnswered: false,
      askElderlyMode: true,
      currentPatientId: null,
    });
    const answered = await setPrefs(token.wang, { elderlyMode: true });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toMatchObject({
      elderlyMode: true,
      elderlyModeAnswered: true,
      askElderlyMode: false,
    });
    // A new login (another phone) reads the same account's answer.
    const again = await t.login('13800000003');
    expect((await prefs(again)).json()).toMatchObject({ elderlyMode: true, askElderlyMode: false });
    // "No" is remembered too, and not asked again.
    await setPrefs(again, { elderlyMode: false });
    expect((await prefs(token.wang)).json()).toMatchObject({ elderlyMode: false, askElderlyMode: false });
    await setPrefs(again, { elderlyMode: true });
  });

  it('张伟 (48): off and not asked', async () => {
    expect((await prefs(token.zhang)).json()).toEqual({
      elderlyMode: false,
      elderlyModeAnswered: false,
      askElderlyMode: false,
      currentPatientId: null,
    });
  });

  it('ID-6: the current 就诊人 is oneself or a dependent; a stranger is refused with NOT_YOUR_PATIENT', async () => {
    const child = await setPrefs(token.lina, { currentPatientId: pid.xiaobao });
    expect(child.statusCode, child.body).toBe(200);
    expect(child.json()).toMatchObject({ currentPatientId: pid.xiaobao });
    expect((await prefs(token.lina)).json()).toMatchObject({ currentPatientId: pid.xiaobao });

    const stranger = await setPrefs(token.lina, { currentPatientId: pid.zhang });
    expect(stranger.statusCode).toBe(403);
    expect(stranger.json()).toMatchObject({ code: 'NOT_YOUR_PATIENT' });
    expect((await prefs(token.lina)).json()).toMatchObject({ currentPatientId: pid.xiaobao });

    // Oneself is kept as null.
    const self = await setPrefs(token.zhang, { currentPatientId: pid.zhang });
    expect(self.json()).toMatchObject({ currentPatientId: null });
    const back = await setPrefs(token.lina, { currentPatientId: null });
    expect(back.json()).toMatchObject({ currentPatientId: null });
  });

  it('bad input is a 400 problem; staff may not call it', async () => {
    for (const body of [{}, { elderlyMode: 'yes' }, { currentPatientId: 'abc' }, { theme: 'dark' }]) {
      const res = await setPrefs(token.zhang, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect((await prefs(token.doctor)).statusCode).toBe(403);
  });
});
