/**
 * [12/12] Home readings, chronic follow-up plans, follow-ups, alerts and the team's worklist (FD-7, FD-8)
 * over the API: 王秀英 contracted with 龙晓梅家庭医生团队 (BASIC + ELDERLY + HTN, a fixture) and her
 * hypertension plan started; her readings of 165/100, 150/95 (posted by her daughter, ID-6) and 185/112
 * walk the plan through adjust, refer and urgent; 龙晓梅 records a follow-up of 130/80 and the streak is
 * reset; strangers are refused; bad readings store nothing. The race on completing one follow-up twice runs
 * on PostgreSQL only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addCarePlanTasks,
  startFollowupPlans,
} from '../../src/server/modules/family-doctor/followup-plans.js';
import type {
  FollowupResult,
  PatientFollowups,
  ReadingResult,
  ReadingView,
  Worklist,
} from '../../src/shared/family-doctor.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { itOnPostgres } from '../support/db.js';
import { contractFixture, FD_PHONE, TEAM, teamIdOf } from '../support/family-doctor.js';

let t: TestApp;
const tok = { wang: '', daughter: '', zhang: '', gp: '', cardiologist: '', nurse: '', otherGp: '' };
const pid = { wang: '', zhang: '' };
let teamId = '';
let contractId = '';
const TODAY = '2026-11-22'; // the test clock: 2026-11-22T02:00:00Z = 10:00 in Shanghai

const post = (token: string, url: string, body?: unknown, headers?: Record<string, string>) =>
  t.request('POST', url, { token, ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });
const get = (token: string, url: string) => t.request('GET', url, { token });
const minutesAgo = (m: number) => new Date(t.clock.now().getTime() - m * 60_000).toISOString();
const bp = (systolic: number, diastolic: number, measuredAt = minutesAgo(5)) => ({
  kind: 'bp',
  values: { systolic, diastolic },
  measuredAt,
});
const readings = (token: string, patientId: string, body: unknown, headers?: Record<string, string>) =>
  post(token, `/api/v1/patients/${patientId}/readings`, body, headers);
const worklist = async (token = tok.gp, query = '') => {
  const res = await get(token, `/api/v1/family-doctor/worklist${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Worklist;
};
const wangFollowups = async (token = tok.gp) => {
  const res = await get(token, `/api/v1/family-doctor/patients/${pid.wang}/followups`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as PatientFollowups;
};
const countRows = async (table: 'home_reading' | 'reading_alert' | 'followup', patientId: string) =>
  Number(
    (
      await t.ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('patient_id', '=', patientId)
        .executeTakeFirstOrThrow()
    ).n,
  );
const startPlans = () =>
  t.ctx.db.transaction().execute((trx) =>
    startFollowupPlans(trx, {
      patientId: pid.wang,
      teamId,
      conditions: ['hypertension'],
      startsOn: TODAY,
      now: t.clock.now(),
      settings: t.ctx.config.familyDoctor,
    }),
  );

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  for (const k of Object.keys(tok) as (keyof typeof tok)[]) tok[k] = await t.login(FD_PHONE[k]);
  const patients = await t.ctx.db.selectFrom('patient').select(['id', 'name']).execute();
  pid.wang = patients.find((p) => p.name === '王秀英')!.id;
  pid.zhang = patients.find((p) => p.name === '张伟')!.id;
  teamId = await teamIdOf(t, TEAM.long);
  contractId = await contractFixture(t, {
    patientId: pid.wang,
    team: TEAM.long,
    packages: ['BASIC', 'ELDERLY', 'HTN'],
  });
  await startPlans();
}, 240_000);
afterAll(async () => t?.close());

describe('plans (FD-7: ≥4 follow-ups a year)', () => {
  it('FD-7: the contract in force starts a hypertension plan with 4 evenly spaced follow-ups over 12 months', async () => {
    const { plans, followups } = await wangFollowups();
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({
      condition: 'hypertension',
      status: 'active',
      uncontrolledStreak: 0,
      lastClassification: null,
      nextDueOn: '2027-02-21',
    });
    expect(followups.map((f) => f.dueOn).sort()).toEqual([
      '2027-02-21',
      '2027-05-23',
      '2027-08-22',
      '2027-11-21',
    ]);
    expect(
      followups.every((f) => f.reason === 'scheduled' && f.status === 'due' && f.teamId === teamId),
    ).toBe(true);
    expect(followups[0]!.title).toBe('高血压定期随访');
  });

  it('startFollowupPlans is idempotent: again, still one plan and four follow-ups', async () => {
    await startPlans();
    const { plans, followups } = await wangFollowups();
    expect(plans).toHaveLength(1);
    expect(followups).toHaveLength(4);
  });

  it('nothing is due within 14 days yet: the worklist has no row of hers', async () => {
    const w = await worklist();
    expect([...w.due, ...w.overdue].filter((f) => f.patientId === pid.wang)).toEqual([]);
  });
});

describe('home readings walk the plan (FD-7)', () => {
  let firstDue = '';

  it('FD-7: 165/100 by 王秀英 → uncontrolled, adjust, a follow-up within 14 days on 龙晓梅’s worklist', async () => {
    const res = await readings(tok.wang, pid.wang, bp(165, 100));
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json() as ReadingResult;
    expect(r).toMatchObject({ action: 'adjust', followupDueOn: '2026-12-06', alert: false });
    expect(r.reading).toMatchObject({
      systolic: 165,
      diastolic: 100,
      classification: 'uncontrolled',
      source: 'patient',
    });
    expect(r.advice).toMatch(/控制不满意/);
    firstDue = r.followupDueOn!;
    const w = await worklist();
    const mine = w.due.filter((f) => f.patientId === pid.wang);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      reason: 'adjust',
      dueOn: firstDue,
      patientName: '王秀英',
      overdue: false,
    });
    expect(w.counts.due).toBeGreaterThanOrEqual(1);
    expect((await wangFollowups()).plans[0]).toMatchObject({
      uncontrolledStreak: 1,
      lastClassification: 'uncontrolled',
    });
  });

  it('FD-7: 150/95 posted by her daughter (proxy, ID-6) → twice uncontrolled: refer alert, the same follow-up raised to refer', async () => {
    const res = await readings(tok.daughter, pid.wang, bp(150, 95), { 'accept-language': 'en-US' });
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json() as ReadingResult;
    expect(r).toMatchObject({ action: 'refer', followupDueOn: firstDue, alert: true });
    expect(r.advice).toMatch(/uncontrolled twice/);
    const w = await worklist();
    const alerts = w.alerts.filter((a) => a.patientId === pid.wang);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ level: 'refer', reasonCode: 'reading_refer', patientName: '王秀英' });
    expect(alerts[0]!.reading).toMatchObject({ systolic: 150, diastolic: 95 });
    expect(w.due.filter((f) => f.patientId === pid.wang).map((f) => f.reason)).toEqual(['refer']);
  });

  it('FD-7: a third uncontrolled reading keeps the one open refer alert (no pile of duplicates)', async () => {
    const res = await readings(tok.wang, pid.wang, bp(145, 92));
    expect(res.json()).toMatchObject({ action: 'refer', alert: true });
    expect((await worklist()).alerts.filter((a) => a.patientId === pid.wang)).toHaveLength(1);
  });

  it('FD-7: 185/112 → urgent: an urgent alert (first on the list), a follow-up today, every team member told without name or value', async () => {
    const smsBefore = t.sms.sent.length;
    const res = await readings(tok.wang, pid.wang, bp(185, 112));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ action: 'urgent_referral', followupDueOn: TODAY, alert: true });
    expect((res.json() as ReadingResult).advice).toMatch(/危急/);
    const w = await worklist();
    expect(w.alerts[0]).toMatchObject({ level: 'urgent', patientId: pid.wang, reasonCode: 'reading_urgent' });
    expect(w.due.filter((f) => f.patientId === pid.wang).map((f) => [f.reason, f.dueOn])).toEqual([
      ['urgent', TODAY],
      ['refer', firstDue],
    ]);
    // Every member of the team with an account: an in-app notice, and an SMS that names neither her nor the value.
    const members = await t.ctx.db
      .selectFrom('family_team_member')
      .innerJoin('account', 'account.practitioner_id', 'family_team_member.practitioner_id')
      .select('account.id')
      .where('family_team_member.team_id', '=', teamId)
      .execute();
    expect(members.length).toBeGreaterThanOrEqual(3);
    const notes = await t.ctx.db
      .selectFrom('notification')
      .select(['account_id', 'title', 'body', 'kind'])
      .where('ref_type', '=', 'reading_alert')
      .where('ref_id', '=', w.alerts[0]!.id)
      .execute();
    expect(notes.map((n) => n.account_id).sort()).toEqual(members.map((m) => m.id).sort());
    expect(notes.every((n) => n.kind === 'family_doctor')).toBe(true);
    const sms = t.sms.sent.slice(smsBefore);
    expect(sms).toHaveLength(members.length);
    expect(sms.map((m) => m.phone)).toContain(FD_PHONE.gp);
    for (const m of sms) expect(JSON.stringify(m)).not.toMatch(/王秀英|185|112/);
    // The in-app notice renders in English for an English reader.
    const inbox = await t.request('GET', '/api/v1/notifications', {
      token: tok.gp,
      headers: { 'accept-language': 'en-US' },
    });
    expect(inbox.body).toMatch(/Urgent reading from a contracted resident/);
  });

  it('the team’s nurse and the specialist member see the same worklist; a team they are not in is 403', async () => {
    for (const token of [tok.nurse, tok.cardiologist]) {
      const w = await worklist(token, `?teamId=${teamId}`);
      expect(w.alerts.some((a) => a.patientId === pid.wang && a.level === 'urgent')).toBe(true);
    }
    const res = await get(tok.otherGp, `/api/v1/family-doctor/worklist?teamId=${teamId}`);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NOT_TEAM_MEMBER');
    expect((await worklist(tok.otherGp)).alerts.filter((a) => a.patientId === pid.wang)).toEqual([]);
  });
});

describe('follow-ups (FD-7)', () => {
  it('FD-7: 龙晓梅 records the urgent follow-up at 130/80 → controlled, streak reset, rechecks closed, the schedule goes on', async () => {
    const w = await worklist();
    const urgent = w.due.find((f) => f.patientId === pid.wang && f.reason === 'urgent')!;
    const res = await post(tok.gp, `/api/v1/family-doctor/followups/${urgent.id}/complete`, {
      method: 'home',
      systolic: 130,
      diastolic: 80,
      heartRate: 72,
      symptoms: ['头晕缓解'],
      adherence: 'regular',
      medication: '氨氯地平 5mg qd',
      advice: '低盐饮食，每日测量血压',
    });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as FollowupResult;
    expect(r).toMatchObject({ action: 'routine', nextDueOn: '2027-02-21', alert: false });
    expect(r.followup).toMatchObject({
      status: 'done',
      classification: 'controlled',
      action: 'routine',
      method: 'home',
      doneByName: '龙晓梅',
      condition: 'hypertension',
    });
    expect(r.followup.record).toMatchObject({ systolic: 130, diastolic: 80, adherence: 'regular' });
    const { plans, followups } = await wangFollowups();
    expect(plans[0]).toMatchObject({
      uncontrolledStreak: 0,
      lastClassification: 'controlled',
      followupsThisYear: 1,
    });
    // The refer recheck was satisfied by this follow-up.
    expect(followups.filter((f) => f.status === 'due').map((f) => f.reason)).toEqual([
      'scheduled',
      'scheduled',
      'scheduled',
      'scheduled',
    ]);
    // The measurement is kept as a reading entered by the team.
    const list = (await get(tok.wang, `/api/v1/patients/${pid.wang}/readings?limit=1`)).json()
      .items as ReadingView[];
    expect(list[0]).toMatchObject({
      systolic: 130,
      diastolic: 80,
      source: 'staff',
      classification: 'controlled',
    });
  });

  it('409 FOLLOWUP_ALREADY_DONE the second time; a stranger doctor gets 404', async () => {
    const done = (await wangFollowups()).followups.find((f) => f.status === 'done')!;
    const again = await post(tok.gp, `/api/v1/family-doctor/followups/${done.id}/complete`, {
      method: 'phone',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('FOLLOWUP_ALREADY_DONE');
    const next = (await wangFollowups()).followups.find((f) => f.status === 'due')!;
    const stranger = await post(tok.otherGp, `/api/v1/family-doctor/followups/${next.id}/complete`, {
      method: 'phone',
    });
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().code).toBe('FOLLOWUP_NOT_FOUND');
  });

  it('a record with systolic not above diastolic is 422 READING_INVALID and changes nothing', async () => {
    const next = (await wangFollowups()).followups.find((f) => f.status === 'due')!;
    const res = await post(tok.gp, `/api/v1/family-doctor/followups/${next.id}/complete`, {
      method: 'clinic',
      systolic: 80,
      diastolic: 90,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('READING_INVALID');
    const half = await post(tok.gp, `/api/v1/family-doctor/followups/${next.id}/complete`, {
      method: 'clinic',
      systolic: 150,
    });
    expect(half.statusCode).toBe(422);
    expect((await wangFollowups()).followups.find((f) => f.id === next.id)!.status).toBe('due');
  });

  it('alerts: the team handles them (note kept), once (409); a stranger gets 404', async () => {
    const w = await worklist();
    const mine = w.alerts.filter((a) => a.patientId === pid.wang);
    expect(mine.map((a) => a.level)).toEqual(['urgent', 'refer']);
    const stranger = await post(tok.otherGp, `/api/v1/family-doctor/alerts/${mine[0]!.id}/handle`, {});
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().code).toBe('READING_ALERT_NOT_FOUND');
    for (const a of mine) {
      const res = await post(tok.gp, `/api/v1/family-doctor/alerts/${a.id}/handle`, {
        note: '已电话联系，已上转',
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ handledByName: '龙晓梅', handledNote: '已电话联系，已上转' });
      expect(res.json().handledAt).toBeTruthy();
    }
    const again = await post(tok.gp, `/api/v1/family-doctor/alerts/${mine[0]!.id}/handle`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('READING_ALERT_ALREADY_HANDLED');
    expect((await worklist()).alerts.filter((a) => a.patientId === pid.wang)).toEqual([]);
  });

  it('FD-7: follow-ups uncontrolled twice in a row → adjust (within 14 days), then refer with an alert', async () => {
    const first = (await wangFollowups()).followups.filter((f) => f.status === 'due').at(-1)!;
    const a = await post(tok.gp, `/api/v1/family-doctor/followups/${first.id}/complete`, {
      method: 'clinic',
      systolic: 150,
      diastolic: 95,
    });
    expect(a.statusCode, a.body).toBe(200);
    expect(a.json()).toMatchObject({ action: 'adjust', nextDueOn: '2026-12-06', alert: false });
    const recheck = (await worklist()).due.find((f) => f.patientId === pid.wang && f.reason === 'adjust')!;
    expect(recheck.dueOn).toBe('2026-12-06');
    const b = await post(tok.gp, `/api/v1/family-doctor/followups/${recheck.id}/complete`, {
      method: 'clinic',
      systolic: 160,
      diastolic: 100,
    });
    expect(b.statusCode, b.body).toBe(200);
    expect(b.json()).toMatchObject({ action: 'refer', nextDueOn: '2026-12-06', alert: true });
    const w = await worklist();
    expect(w.alerts.filter((a) => a.patientId === pid.wang).map((x) => [x.level, x.reasonCode])).toEqual([
      ['refer', 'followup_refer'],
    ]);
    expect((await wangFollowups()).plans[0]).toMatchObject({ uncontrolledStreak: 2 });
  });

  it('overdue: a follow-up past its day moves from due to overdue', async () => {
    // Its day moved into the past (the clock cannot move 15 days: the sessions would expire).
    const refer = (await worklist()).due.find((f) => f.patientId === pid.wang && f.reason === 'refer')!;
    await t.ctx.db.updateTable('followup').set({ due_on: '2026-11-20' }).where('id', '=', refer.id).execute();
    try {
      const w = await worklist();
      expect(w.overdue.filter((f) => f.patientId === pid.wang).map((f) => [f.id, f.overdue])).toEqual([
        [refer.id, true],
      ]);
      expect(w.due.some((f) => f.id === refer.id)).toBe(false);
      expect(w.counts.overdue).toBeGreaterThanOrEqual(1);
    } finally {
      await t.ctx.db
        .updateTable('followup')
        .set({ due_on: refer.dueOn })
        .where('id', '=', refer.id)
        .execute();
    }
  });

  it('a downward referral’s care plan becomes care_plan follow-ups on the worklist, once', async () => {
    const referralId = '00000000-0000-4000-8000-0000000000aa';
    const add = () =>
      t.ctx.db.transaction().execute((trx) =>
        addCarePlanTasks(trx, {
          patientId: pid.wang,
          teamId,
          referralId,
          tasks: [
            { title: '出院后复测血压', dueInDays: 3 },
            { title: '评估服药情况', dueInDays: 10 },
          ],
          today: TODAY,
          now: t.clock.now(),
        }),
      );
    await add();
    await add();
    const care = (await worklist()).due.filter((f) => f.referralId === referralId);
    expect(care.map((f) => [f.title, f.dueOn, f.reason])).toEqual([
      ['出院后复测血压', '2026-11-25', 'care_plan'],
      ['评估服药情况', '2026-12-02', 'care_plan'],
    ]);
  });
});

describe('readings: access, validation, lists', () => {
  it('strangers: another patient 403 NOT_YOUR_PATIENT; a doctor of another team 403 NOT_TEAM_MEMBER', async () => {
    const before = await countRows('home_reading', pid.wang);
    const patient = await readings(tok.zhang, pid.wang, bp(120, 80));
    expect(patient.statusCode).toBe(403);
    expect(patient.json().code).toBe('NOT_YOUR_PATIENT');
    const doctor = await readings(tok.otherGp, pid.wang, bp(120, 80));
    expect(doctor.statusCode).toBe(403);
    expect(doctor.json().code).toBe('NOT_TEAM_MEMBER');
    for (const url of [
      `/api/v1/patients/${pid.wang}/readings`,
      `/api/v1/family-doctor/patients/${pid.wang}/followups`,
    ]) {
      expect((await get(tok.otherGp, url)).statusCode).toBe(403);
      expect((await get(tok.zhang, url)).statusCode).toBe(403);
    }
    expect(await countRows('home_reading', pid.wang)).toBe(before);
  });

  it('bad readings: 422 READING_INVALID or 400, and nothing is stored', async () => {
    const before = await countRows('home_reading', pid.wang);
    const cases: [unknown, number][] = [
      [bp(120, 130), 422],
      [bp(90, 90), 422],
      [bp(120, 80, new Date(t.clock.now().getTime() + 10 * 60_000).toISOString()), 422],
      [bp(120, 80, '2025-11-01T00:00:00Z'), 422],
      [bp(120, 80, 'last tuesday'), 422],
      [{ kind: 'bp', values: { mmol: 6.1, timing: 'fasting' }, measuredAt: minutesAgo(1) }, 422],
      [{ kind: 'glucose', values: { systolic: 120, diastolic: 80 }, measuredAt: minutesAgo(1) }, 422],
      [{ kind: 'bp', values: { systolic: 400, diastolic: 80 }, measuredAt: minutesAgo(1) }, 400],
      [{ kind: 'bp', values: { systolic: 120 }, measuredAt: minutesAgo(1) }, 400],
      [{ kind: 'bp', values: { systolic: 120, diastolic: 80 } }, 400],
      [{ kind: 'ecg', values: { systolic: 120, diastolic: 80 }, measuredAt: minutesAgo(1) }, 400],
      [{ ...bp(120, 80), extra: 1 }, 400],
      [{ kind: 'glucose', values: { mmol: 6.1, timing: 'bedtime' }, measuredAt: minutesAgo(1) }, 400],
    ];
    for (const [body, status] of cases) {
      const res = await readings(tok.wang, pid.wang, body);
      expect(res.statusCode, `${JSON.stringify(body)} → ${res.body}`).toBe(status);
      if (status === 422) expect(res.json().code).toBe('READING_INVALID');
    }
    expect(await countRows('home_reading', pid.wang)).toBe(before);
  });

  it('FD-8: glucose without a diabetes plan is classified (fasting 7.5 uncontrolled; 12.0 after a meal controlled), no plan effect', async () => {
    const fasting = await readings(tok.wang, pid.wang, {
      kind: 'glucose',
      values: { mmol: 7.5, timing: 'fasting' },
      measuredAt: minutesAgo(30),
    });
    expect(fasting.statusCode, fasting.body).toBe(201);
    expect(fasting.json()).toMatchObject({ action: 'adjust', followupDueOn: null, alert: false });
    expect(fasting.json().reading).toMatchObject({
      glucoseMmol: 7.5,
      glucoseTiming: 'fasting',
      classification: 'uncontrolled',
    });
    const meal = await readings(tok.wang, pid.wang, {
      kind: 'glucose',
      values: { mmol: 12.0, timing: 'postprandial' },
      measuredAt: minutesAgo(20),
    });
    expect(meal.json()).toMatchObject({ action: 'routine', reading: { classification: 'controlled' } });
  });

  it('an uncontracted resident’s reading is stored and classified, with no plan, follow-up or alert', async () => {
    const alerts = await countRows('reading_alert', pid.zhang);
    const followups = await countRows('followup', pid.zhang);
    const res = await readings(tok.zhang, pid.zhang, bp(200, 120));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      action: 'urgent_referral',
      followupDueOn: null,
      alert: false,
      reading: { classification: 'urgent' },
    });
    expect(await countRows('reading_alert', pid.zhang)).toBe(alerts);
    expect(await countRows('followup', pid.zhang)).toBe(followups);
    // No team reads an uncontracted resident's readings — and staff get the same 403 as for a resident
    // contracted with another team, so they cannot probe who is contracted (SEC-1).
    for (const url of [
      `/api/v1/patients/${pid.zhang}/readings`,
      `/api/v1/family-doctor/patients/${pid.zhang}/followups`,
    ]) {
      const gp = await get(tok.gp, url);
      expect(gp.statusCode, url).toBe(403);
      expect(gp.json().code).toBe('NOT_TEAM_MEMBER');
    }
    const posted = await readings(tok.gp, pid.zhang, bp(120, 80));
    expect(posted.statusCode).toBe(403);
    expect(posted.json().code).toBe('NOT_TEAM_MEMBER');
  });

  it('a reading older than the recheck window is history: stored, but the plan does not move', async () => {
    const before = (await wangFollowups()).plans[0]!;
    const res = await readings(tok.wang, pid.wang, bp(170, 105, minutesAgo(20 * 24 * 60)));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ followupDueOn: null, alert: false });
    expect((await wangFollowups()).plans[0]).toMatchObject({ uncontrolledStreak: before.uncontrolledStreak });
  });

  it('the team member enters a reading for her (source staff); the list pages newest first and filters', async () => {
    const staff = await readings(tok.nurse, pid.wang, bp(128, 78, minutesAgo(1)));
    expect(staff.statusCode, staff.body).toBe(201);
    expect(staff.json().reading.source).toBe('staff');
    const seen: ReadingView[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res = await get(
        tok.daughter,
        `/api/v1/patients/${pid.wang}/readings?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as { items: ReadingView[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(seen.length).toBe(await countRows('home_reading', pid.wang));
    expect(new Set(seen.map((r) => r.id)).size).toBe(seen.length);
    const times = seen.map((r) => r.measuredAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(seen).toContainEqual(expect.objectContaining({ systolic: 128, source: 'staff' }));
    const glucose = (await get(tok.gp, `/api/v1/patients/${pid.wang}/readings?kind=glucose`)).json().items;
    expect(glucose.map((r: ReadingView) => r.kind)).toEqual(['glucose', 'glucose']);
    const from = encodeURIComponent(minutesAgo(25));
    const to = encodeURIComponent(minutesAgo(15));
    const window = (await get(tok.gp, `/api/v1/patients/${pid.wang}/readings?from=${from}&to=${to}`)).json()
      .items;
    expect(window.map((r: ReadingView) => r.glucoseMmol)).toEqual([12]);
    expect((await get(tok.gp, `/api/v1/patients/${pid.wang}/readings?cursor=nonsense`)).statusCode).toBe(400);
    expect((await get(tok.gp, `/api/v1/patients/${pid.wang}/readings?from=yesterday`)).statusCode).toBe(400);
  });

  it('reads are audited as reads of her record (the team’s under family_doctor)', async () => {
    const reads = await t.ctx.db
      .selectFrom('audit_event')
      .select(['details', 'actor_role'])
      .where('action', '=', 'record.read')
      .where('patient_id', '=', pid.wang)
      .execute();
    const whats = reads.map((r) => r.details as { what: string; relationship: string });
    expect(whats).toContainEqual(
      expect.objectContaining({ what: 'family_doctor:readings', relationship: 'family_doctor' }),
    );
    expect(whats).toContainEqual(
      expect.objectContaining({ what: 'family_doctor:readings', relationship: 'proxy' }),
    );
    expect(whats).toContainEqual(
      expect.objectContaining({ what: 'family_doctor:followups', relationship: 'family_doctor' }),
    );
    const writes = await t.ctx.db
      .selectFrom('audit_event')
      .select('action')
      .where('patient_id', '=', pid.wang)
      .where('action', 'in', [
        'family_doctor.reading.create',
        'family_doctor.followup.complete',
        'family_doctor.alert.handle',
      ])
      .execute();
    expect(new Set(writes.map((w) => w.action)).size).toBe(3);
    // No phone number or value in the audit details.
    expect(JSON.stringify(reads)).not.toMatch(/1380000000/);
  });
});

describe('races (PostgreSQL)', () => {
  itOnPostgres(
    'one follow-up completed twice at once: one 200, one 409 FOLLOWUP_ALREADY_DONE, one record',
    async () => {
      for (let round = 0; round < 3; round++) {
        const open = (await wangFollowups()).followups.filter(
          (f) => f.status === 'due' && f.reason === 'scheduled',
        );
        const target = open.at(-1)!;
        const [a, b] = await Promise.all(
          [tok.gp, tok.nurse].map((token) =>
            post(token, `/api/v1/family-doctor/followups/${target.id}/complete`, { method: 'phone' }),
          ),
        );
        expect([a!.statusCode, b!.statusCode].sort(), `${a!.body} ${b!.body}`).toEqual([200, 409]);
        const row = await t.ctx.db
          .selectFrom('followup')
          .select(['status', 'done_by'])
          .where('id', '=', target.id)
          .executeTakeFirstOrThrow();
        expect(row.status).toBe('done');
      }
    },
  );

  itOnPostgres('two readings at once move the streak by two (the plan row is locked)', async () => {
    const before = (await wangFollowups()).plans[0]!.uncontrolledStreak;
    const [a, b] = await Promise.all([
      readings(tok.wang, pid.wang, bp(150, 95)),
      readings(tok.daughter, pid.wang, bp(152, 96)),
    ]);
    expect([a!.statusCode, b!.statusCode]).toEqual([201, 201]);
    expect((await wangFollowups()).plans[0]!.uncontrolledStreak).toBe(before + 2);
  });
});

describe('the contract ends: the former team lets go (SEC-1, FD-1)', () => {
  it('terminated: plans closed, follow-ups cancelled, alerts handled ("contract ended"); the team no longer sees or acts', async () => {
    // An urgent reading leaves an open alert and a follow-up due today on 龙晓梅's worklist.
    const urgent = await readings(tok.wang, pid.wang, bp(185, 112));
    expect(urgent.json()).toMatchObject({ alert: true });
    const before = await worklist();
    const alertIds = before.alerts.filter((a) => a.patientId === pid.wang).map((a) => a.id);
    const dueIds = (await wangFollowups()).followups.filter((f) => f.status === 'due').map((f) => f.id);
    expect(alertIds.length).toBeGreaterThan(0);
    expect(dueIds.length).toBeGreaterThan(0);

    const end = await post(tok.gp, `/api/v1/family-doctor/contracts/${contractId}/terminate`, {
      reason: '居民迁出本社区',
    });
    expect(end.statusCode, end.body).toBe(200);

    const plans = await t.ctx.db
      .selectFrom('followup_plan')
      .select('status')
      .where('patient_id', '=', pid.wang)
      .execute();
    expect(plans.map((p) => p.status)).toEqual(plans.map(() => 'closed'));
    const open = await t.ctx.db.selectFrom('followup').select('status').where('id', 'in', dueIds).execute();
    expect(open.every((f) => f.status === 'cancelled')).toBe(true);
    const alerts = await t.ctx.db
      .selectFrom('reading_alert')
      .select(['handled_at', 'handled_note'])
      .where('patient_id', '=', pid.wang)
      .where('team_id', '=', teamId)
      .execute();
    expect(alerts.every((a) => a.handled_at !== null)).toBe(true);
    expect(alerts.filter((a) => a.handled_note === 'contract ended').length).toBeGreaterThanOrEqual(
      alertIds.length,
    );

    // A reading after the end: stored and classified, no plan, follow-up or alert for the former team.
    const after = await readings(tok.wang, pid.wang, bp(186, 113));
    expect(after.statusCode, after.body).toBe(201);
    expect(after.json()).toMatchObject({ alert: false, followupDueOn: null, action: 'urgent_referral' });
    const w = await worklist();
    expect([...w.alerts, ...w.due, ...w.overdue].filter((r) => r.patientId === pid.wang)).toEqual([]);

    // Acting on the old work is refused, even on a follow-up left open (the contract, not the row, decides).
    await t.ctx.db.updateTable('followup').set({ status: 'due' }).where('id', '=', dueIds[0]!).execute();
    expect(
      (await worklist()).due.concat((await worklist()).overdue).filter((f) => f.patientId === pid.wang),
    ).toEqual([]);
    const complete = await post(tok.gp, `/api/v1/family-doctor/followups/${dueIds[0]}/complete`, {
      method: 'phone',
    });
    expect(complete.statusCode).toBe(404);
    expect(complete.json().code).toBe('FOLLOWUP_NOT_FOUND');
    await t.ctx.db
      .updateTable('reading_alert')
      .set({ handled_at: null, handled_note: null })
      .where('id', '=', alertIds[0]!)
      .execute();
    const handle = await post(tok.gp, `/api/v1/family-doctor/alerts/${alertIds[0]}/handle`, {
      note: '已电话',
    });
    expect(handle.statusCode).toBe(404);
    expect(handle.json().code).toBe('READING_ALERT_NOT_FOUND');
    for (const url of [
      `/api/v1/patients/${pid.wang}/readings`,
      `/api/v1/family-doctor/patients/${pid.wang}/followups`,
    ]) {
      const res = await get(tok.gp, url);
      expect(res.statusCode, url).toBe(403);
      expect(res.json().code).toBe('NOT_TEAM_MEMBER');
    }
  });
});
