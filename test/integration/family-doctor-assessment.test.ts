/**
 * [12/12] Health education (pushed by condition or group, read receipts), ratings (once per service) and
 * the performance assessment (seed 002 (十五)): per team and in total, equal to numbers worked out by hand
 * from fixtures; the same numbers in the CSV export; an institution's staff see their own institution only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/server/platform/ids.js';
import type { Assessment, TeamAssessment } from '../../src/shared/family-doctor.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { contractFixture, FD_PHONE, TEAM, teamIdOf } from '../support/family-doctor.js';
import { makePatients } from '../support/people.js';

let t: TestApp;
const tok = {
  gp: '',
  otherGp: '',
  wang: '',
  daughter: '',
  zhang: '',
  lina: '',
  hospitalAdmin: '',
  regulator: '',
};
const pid = { wang: '', zhang: '', lina: '' };
const team = { long: '', wan: '', duan: '' };
const inst = { c01: '', c02: '', h01: '' };
const ids = {
  wangContract: '',
  zhangFirst: '',
  zhangSecond: '',
  linaContract: '',
  wangDone: '',
  wangDue: '',
  homeService: '',
  lowSugar: '',
  bpHowTo: '',
};
let c01Admin = '';
let others: { patientId: string; token: string }[] = [];

const post = (token: string, url: string, body?: unknown) =>
  t.request('POST', url, { token, ...(body === undefined ? {} : { body }) });
const get = (token: string, url: string) => t.request('GET', url, { token });

async function practitionerId(code: string): Promise<string> {
  return (
    await t.ctx.db.selectFrom('practitioner').select('id').where('code', '=', code).executeTakeFirstOrThrow()
  ).id;
}
async function institutionId(code: string): Promise<string> {
  return (
    await t.ctx.db.selectFrom('institution').select('id').where('code', '=', code).executeTakeFirstOrThrow()
  ).id;
}
async function patientIdOf(name: string): Promise<string> {
  return (
    await t.ctx.db.selectFrom('patient').select('id').where('name', '=', name).executeTakeFirstOrThrow()
  ).id;
}
const setStatus = (id: string, status: 'expired') =>
  t.ctx.db.updateTable('family_contract').set({ status }).where('id', '=', id).execute();

async function followup(
  patientId: string,
  teamId: string,
  dueOn: string,
  doneAt: string | null,
): Promise<string> {
  const id = newId();
  await t.ctx.db
    .insertInto('followup')
    .values({
      id,
      plan_id: null,
      patient_id: patientId,
      team_id: teamId,
      reason: 'scheduled',
      referral_id: null,
      title: '高血压定期随访',
      due_on: dueOn,
      status: doneAt ? 'done' : 'due',
      method: doneAt ? 'clinic' : null,
      record: doneAt ? JSON.stringify({ method: 'clinic', systolic: 130, diastolic: 80 }) : null,
      classification: doneAt ? 'controlled' : null,
      action: doneAt ? 'routine' : null,
      done_at: doneAt ? new Date(doneAt) : null,
      done_by: doneAt ? await practitionerId('P048') : null,
      created_at: new Date('2025-12-01T00:00:00Z'),
    })
    .execute();
  return id;
}

async function plan(
  patientId: string,
  teamId: string,
  condition: 'hypertension' | 'diabetes',
  last: 'controlled' | 'uncontrolled' | null,
) {
  await t.ctx.db
    .insertInto('followup_plan')
    .values({
      id: newId(),
      patient_id: patientId,
      team_id: teamId,
      condition,
      started_on: '2026-02-01',
      status: 'active',
      last_classification: last,
      uncontrolled_streak: last === 'uncontrolled' ? 1 : 0,
      created_at: new Date('2026-02-01T01:00:00Z'),
      updated_at: new Date('2026-02-01T01:00:00Z'),
    })
    .execute();
}

async function referral(
  patientId: string,
  contractId: string,
  direction: 'up' | 'down',
  status: 'completed' | 'accepted' | 'cancelled',
  createdAt: string,
) {
  const up = direction === 'up';
  await t.ctx.db
    .insertInto('referral')
    .values({
      id: newId(),
      referral_no: `ZZT${newId().slice(-12)}`,
      patient_id: patientId,
      direction,
      from_institution_id: up ? inst.c01 : inst.h01,
      from_practitioner_id: await practitionerId(up ? 'P048' : 'P001'),
      to_institution_id: up ? inst.h01 : inst.c01,
      to_department_id: null,
      contract_id: contractId,
      summary: '测试转诊',
      care_plan: null,
      status,
      appointment_id: null,
      decline_reason: null,
      accepted_at: null,
      accepted_by: null,
      booked_at: null,
      completed_at: null,
      created_at: new Date(createdAt),
      updated_at: new Date(createdAt),
    })
    .execute();
}

async function homeService(patientId: string, status: 'completed' | 'cancelled', checkedOutAt: string) {
  const id = newId();
  const account = await t.ctx.db
    .selectFrom('patient')
    .select('account_id')
    .where('id', '=', patientId)
    .executeTakeFirstOrThrow();
  await t.ctx.db
    .insertInto('home_service')
    .values({
      id,
      service_no: `HST${id.slice(-12)}`,
      patient_id: patientId,
      requested_by: account.account_id!,
      institution_id: inst.c01,
      team_id: team.long,
      item_code: 'VENOUS_BLOOD',
      window_start: new Date(checkedOutAt),
      window_end: new Date(new Date(checkedOutAt).getTime() + 3_600_000),
      address_enc: t.ctx.cipher.encrypt('云川区青石路 1 号'),
      note: null,
      fee_fen: 6_000,
      order_id: null,
      status,
      provider_practitioner_id: status === 'completed' ? await practitionerId('P050') : null,
      client_code_hash: 'x',
      accepted_at: null,
      checked_in_at: null,
      checked_out_at: status === 'completed' ? new Date(checkedOutAt) : null,
      record: null,
      cancelled_at: null,
      cancel_reason: null,
      created_at: new Date(checkedOutAt),
      updated_at: new Date(checkedOutAt),
    })
    .execute();
  return id;
}

beforeAll(async () => {
  t = await createTestApp({ seed: true }); // 2026-11-22T02:00:00Z: today is 2026-11-22 in Shanghai
  tok.gp = await t.login(FD_PHONE.gp);
  tok.otherGp = await t.login(FD_PHONE.otherGp);
  tok.wang = await t.login(FD_PHONE.wang);
  tok.daughter = await t.login(FD_PHONE.daughter);
  tok.zhang = await t.login(FD_PHONE.zhang);
  tok.lina = await t.login(FD_PHONE.lina);
  tok.hospitalAdmin = await t.login(FD_PHONE.hospitalAdmin);
  tok.regulator = await t.login(FD_PHONE.regulator);
  pid.wang = await patientIdOf('王秀英');
  pid.zhang = await patientIdOf('张伟');
  pid.lina = await patientIdOf('李娜');
  team.long = await teamIdOf(t, TEAM.long);
  team.wan = await teamIdOf(t, TEAM.wan);
  team.duan = await teamIdOf(t, TEAM.duan);
  inst.c01 = await institutionId('YC-C01');
  inst.c02 = await institutionId('YC-C02');
  inst.h01 = await institutionId('YC-H01');

  c01Admin = await t.login('13600000003'); // 冯丽华, org_admin of 青石社区 (YC-C01)

  // Contracts of 龙晓梅's team (YC-C01), by hand:
  //   王秀英 2026-02-01…2028-01-31 active (BASIC ELDERLY HTN T2DM)
  //   张伟   2025-06-01…2026-05-31 expired, renewed with the team: 2026-06-01…2027-05-31 active (BASIC HTN)
  //   李娜   2025-03-01…2026-02-28 expired, not renewed (BASIC)
  //   P1     2026-10-15…2027-10-14 active (BASIC)
  //   P3     2025-04-01…2026-03-31 expired, switched to 段志刚's team (YC-C02) from 2026-04-01 (BASIC)
  // and of 段志刚's team (YC-C02): P2 2026-01-10 active (BASIC HTN), P3's second contract.
  ids.wangContract = await contractFixture(t, {
    patientId: pid.wang,
    team: TEAM.long,
    packages: ['BASIC', 'ELDERLY', 'HTN', 'T2DM'],
    years: 2,
    startsOn: '2026-02-01',
  });
  ids.zhangFirst = await contractFixture(t, {
    patientId: pid.zhang,
    team: TEAM.long,
    packages: ['BASIC', 'HTN'],
    startsOn: '2025-06-01',
  });
  await setStatus(ids.zhangFirst, 'expired');
  ids.zhangSecond = await contractFixture(t, {
    patientId: pid.zhang,
    team: TEAM.long,
    packages: ['BASIC', 'HTN'],
    startsOn: '2026-06-01',
  });
  await t.ctx.db
    .updateTable('family_contract')
    .set({ previous_contract_id: ids.zhangFirst })
    .where('id', '=', ids.zhangSecond)
    .execute();
  ids.linaContract = await contractFixture(t, {
    patientId: pid.lina,
    team: TEAM.long,
    packages: ['BASIC'],
    startsOn: '2025-03-01',
  });
  await setStatus(ids.linaContract, 'expired');
  others = await makePatients(t, 3);
  const [p1, p2, p3] = others as [(typeof others)[0], (typeof others)[0], (typeof others)[0]];
  await contractFixture(t, {
    patientId: p1.patientId,
    team: TEAM.long,
    packages: ['BASIC'],
    startsOn: '2026-10-15',
  });
  await contractFixture(t, {
    patientId: p2.patientId,
    team: TEAM.duan,
    packages: ['BASIC', 'HTN'],
    startsOn: '2026-01-10',
  });
  const p3First = await contractFixture(t, {
    patientId: p3.patientId,
    team: TEAM.long,
    packages: ['BASIC'],
    startsOn: '2025-04-01',
  });
  await setStatus(p3First, 'expired');
  const p3Second = await contractFixture(t, {
    patientId: p3.patientId,
    team: TEAM.duan,
    packages: ['BASIC'],
    startsOn: '2026-04-01',
  });
  await t.ctx.db
    .updateTable('family_contract')
    .set({ previous_contract_id: p3First })
    .where('id', '=', p3Second)
    .execute();

  // Plans: 王秀英 hypertension controlled, diabetes uncontrolled; 张伟 hypertension not yet classified;
  // P2 (段志刚) hypertension uncontrolled.
  await plan(pid.wang, team.long, 'hypertension', 'controlled');
  await plan(pid.wang, team.long, 'diabetes', 'uncontrolled');
  await plan(pid.zhang, team.long, 'hypertension', null);
  await plan(p2.patientId, team.duan, 'hypertension', 'uncontrolled');

  // Follow-ups of 龙晓梅's team: done on its due day late in the Shanghai evening (on time); done 00:30 the
  // next Shanghai day, 16:30 UTC on the due day (late); done before its due day (on time); done in 2025
  // (outside the period); and one still due.
  ids.wangDone = await followup(pid.wang, team.long, '2026-03-10', '2026-03-10T15:00:00Z');
  await followup(pid.wang, team.long, '2026-06-10', '2026-06-10T16:30:00Z');
  await followup(pid.zhang, team.long, '2026-09-01', '2026-08-28T02:00:00Z');
  await followup(pid.zhang, team.long, '2025-12-20', '2025-12-20T02:00:00Z');
  ids.wangDue = await followup(pid.wang, team.long, '2026-12-10', null);

  // Referrals: up (completed), down (accepted), up cancelled (not counted); one up before the period.
  await referral(pid.wang, ids.wangContract, 'up', 'completed', '2026-04-01T02:00:00Z');
  await referral(pid.zhang, ids.zhangSecond, 'down', 'accepted', '2026-07-01T02:00:00Z');
  await referral(pid.wang, ids.wangContract, 'up', 'cancelled', '2026-08-01T02:00:00Z');
  await referral(pid.zhang, ids.zhangFirst, 'up', 'completed', '2025-12-01T02:00:00Z');

  // Home services: one completed in the period, one cancelled.
  ids.homeService = await homeService(pid.wang, 'completed', '2026-05-05T01:00:00Z');
  await homeService(pid.wang, 'cancelled', '2026-05-06T01:00:00Z');

  const articles = await t.ctx.db.selectFrom('health_article').select(['id', 'title']).execute();
  ids.lowSugar = articles.find((a) => a.title === '低血糖的识别与处理')!.id;
  ids.bpHowTo = articles.find((a) => a.title === '在家怎样量血压才准')!.id;
}, 240_000);
afterAll(async () => t?.close());

describe('health education: push by condition or group, read receipts', () => {
  it('a team member pushes to the team’s residents whose packages or plans match; a second push adds no one', async () => {
    const res = await post(tok.gp, `/api/v1/family-doctor/articles/${ids.lowSugar}/push`, {
      audiences: ['diabetes'],
      teamId: team.long,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ pushed: 1 }); // 王秀英 (T2DM package, diabetes plan); 张伟 has hypertension only
    const again = await post(tok.gp, `/api/v1/family-doctor/articles/${ids.lowSugar}/push`, {
      audiences: ['diabetes', 'elderly'],
      teamId: team.long,
    });
    expect(again.json()).toEqual({ pushed: 0 });
    const bp = await post(tok.gp, `/api/v1/family-doctor/articles/${ids.bpHowTo}/push`, {
      audiences: ['hypertension'],
      teamId: team.long,
    });
    expect(bp.json()).toEqual({ pushed: 2 }); // 王秀英 and 张伟 (HTN packages); 李娜's contract has ended
    const rows = await t.ctx.db
      .selectFrom('article_push')
      .select(['patient_id', 'team_id', 'read_at'])
      .where('article_id', '=', ids.lowSugar)
      .execute();
    expect(rows).toEqual([{ patient_id: pid.wang, team_id: team.long, read_at: null }]);
  });

  it('tells the resident in the app, without an SMS', async () => {
    const wangAccount = (
      await t.ctx.db
        .selectFrom('patient')
        .select('account_id')
        .where('id', '=', pid.wang)
        .executeTakeFirstOrThrow()
    ).account_id!;
    const notes = await t.ctx.db
      .selectFrom('notification')
      .select(['kind', 'title', 'ref_id'])
      .where('account_id', '=', wangAccount)
      .where('kind', '=', 'family_doctor')
      .execute();
    expect(notes.map((n) => n.ref_id).sort()).toEqual([ids.lowSugar, ids.bpHowTo].sort());
    expect(t.sms.lastTo(FD_PHONE.wang)).toBeUndefined();
  });

  it('refuses a stranger to the team, an unknown audience and an unknown article', async () => {
    const stranger = await post(tok.otherGp, `/api/v1/family-doctor/articles/${ids.lowSugar}/push`, {
      audiences: ['diabetes'],
      teamId: team.long,
    });
    expect(stranger.statusCode).toBe(403);
    expect(stranger.json().code).toBe('NOT_TEAM_MEMBER');
    const bad = await post(tok.gp, `/api/v1/family-doctor/articles/${ids.lowSugar}/push`, {
      audiences: ['cancer'],
      teamId: team.long,
    });
    expect(bad.statusCode).toBe(400);
    const missing = await post(tok.gp, `/api/v1/family-doctor/articles/${newId()}/push`, {
      audiences: ['diabetes'],
      teamId: team.long,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('ARTICLE_NOT_FOUND');
  });

  it('the resident and her proxy see the pushed articles; another resident cannot ask for hers', async () => {
    const mine = await get(tok.wang, '/api/v1/family-doctor/articles');
    expect(mine.statusCode, mine.body).toBe(200);
    const items = mine.json().items as { id: string; pushedAt: string | null; readAt: string | null }[];
    expect(items.map((i) => i.id).sort()).toEqual([ids.lowSugar, ids.bpHowTo].sort());
    expect(items.every((i) => i.pushedAt !== null && i.readAt === null)).toBe(true);
    const proxy = await get(tok.daughter, `/api/v1/family-doctor/articles?patientId=${pid.wang}`);
    expect(proxy.json().items).toHaveLength(2);
    expect((await get(tok.daughter, '/api/v1/family-doctor/articles')).json().items).toEqual([]);
    const foreign = await get(tok.zhang, `/api/v1/family-doctor/articles?patientId=${pid.wang}`);
    expect(foreign.statusCode).toBe(403);
    const staff = await get(tok.gp, '/api/v1/family-doctor/articles?limit=2');
    expect(staff.json().items).toHaveLength(2);
    expect(staff.json().nextCursor).toBeTruthy();
  });

  it('reading sets the read receipt once; the team counts pushed and read', async () => {
    const before = await get(
      tok.gp,
      `/api/v1/family-doctor/articles/${ids.bpHowTo}/reads?teamId=${team.long}`,
    );
    expect(before.json()).toEqual({ pushed: 2, read: 0 });
    // A doctor reading it sets nothing.
    expect((await get(tok.gp, `/api/v1/family-doctor/articles/${ids.bpHowTo}`)).json().readAt).toBeNull();
    const read = await get(tok.wang, `/api/v1/family-doctor/articles/${ids.bpHowTo}`);
    expect(read.statusCode, read.body).toBe(200);
    const readAt = read.json().readAt as string;
    expect(readAt).toBe(t.clock.now().toISOString());
    t.clock.advance(60_000);
    expect((await get(tok.wang, `/api/v1/family-doctor/articles/${ids.bpHowTo}`)).json().readAt).toBe(readAt);
    const after = await get(tok.gp, `/api/v1/family-doctor/articles/${ids.bpHowTo}/reads`);
    expect(after.json()).toEqual({ pushed: 2, read: 1 });
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select('action')
      .where('action', '=', 'family_doctor.article_read')
      .execute();
    expect(audit).toHaveLength(1);
    const stranger = await get(
      tok.otherGp,
      `/api/v1/family-doctor/articles/${ids.bpHowTo}/reads?teamId=${team.long}`,
    );
    expect(stranger.statusCode).toBe(403);
  });
});

describe('ratings (seed 002 (十五) satisfaction)', () => {
  it('a resident rates her contract once: 201, then 409 SERVICE_ALREADY_RATED', async () => {
    const first = await post(tok.wang, '/api/v1/family-doctor/ratings', {
      subject: 'contract',
      subjectId: ids.wangContract,
      stars: 5,
      comment: '龙医生很耐心',
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      subject: 'contract',
      stars: 5,
      teamId: team.long,
      comment: '龙医生很耐心',
    });
    const second = await post(tok.wang, '/api/v1/family-doctor/ratings', {
      subject: 'contract',
      subjectId: ids.wangContract,
      stars: 1,
    });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('SERVICE_ALREADY_RATED');
    // Her daughter, as her proxy, may not rate it a second time either.
    const proxy = await post(tok.daughter, '/api/v1/family-doctor/ratings', {
      subject: 'contract',
      subjectId: ids.wangContract,
      stars: 2,
    });
    expect(proxy.statusCode).toBe(409);
  });

  it('422 RATING_NOT_ALLOWED: someone else’s service, a follow-up not done, an unknown id', async () => {
    for (const [token, body] of [
      [tok.zhang, { subject: 'contract', subjectId: ids.wangContract, stars: 3 }],
      [tok.wang, { subject: 'followup', subjectId: ids.wangDue, stars: 3 }],
      [tok.wang, { subject: 'home_service', subjectId: newId(), stars: 3 }],
    ] as const) {
      const res = await post(token, '/api/v1/family-doctor/ratings', body);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().code).toBe('RATING_NOT_ALLOWED');
    }
    const bad = await post(tok.wang, '/api/v1/family-doctor/ratings', {
      subject: 'contract',
      subjectId: ids.wangContract,
      stars: 6,
    });
    expect(bad.statusCode).toBe(400);
  });

  it('a done follow-up and (by the proxy) a completed home service are rated', async () => {
    const f = await post(tok.wang, '/api/v1/family-doctor/ratings', {
      subject: 'followup',
      subjectId: ids.wangDone,
      stars: 3,
    });
    expect(f.statusCode, f.body).toBe(201);
    const h = await post(tok.daughter, '/api/v1/family-doctor/ratings', {
      subject: 'home_service',
      subjectId: ids.homeService,
      stars: 4,
    });
    expect(h.statusCode, h.body).toBe(201);
    const rows = await t.ctx.db.selectFrom('service_rating').select(['patient_id', 'team_id']).execute();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.patient_id === pid.wang && r.team_id === team.long)).toBe(true);
  });
});

const PERIOD = 'from=2026-01-01&to=2026-11-22';

/** 龙晓梅's team, worked out by hand from the fixtures above. */
const LONG_EXPECTED: Omit<TeamAssessment, 'teamId' | 'teamName' | 'institutionId' | 'institutionName'> = {
  signed: 3, // 王秀英, 张伟 (second contract), P1
  byGroup: { basic: 3, elderly: 1, hypertension: 2, diabetes: 1 },
  renewalRate: 0.3333, // ended in the period: 张伟 (renewed), 李娜 (lapsed), P3 (switched away)
  followupsDone: 3, // 2025-12-20 is before the period; the due one is not done
  followupsOnTime: 2, // 06-10 done at 00:30 on 06-11 in Shanghai is late
  onTimeRate: 0.6667,
  hypertensionControlRate: 1, // 王秀英 controlled; 张伟's plan has no classification yet
  diabetesControlRate: 0,
  referralsUp: 1, // the cancelled one and the 2025 one are not counted
  referralsDown: 1,
  homeServices: 1,
  satisfaction: 4, // 5 + 3 + 4
  ratings: 3,
};
const EMPTY = {
  signed: 0,
  byGroup: {},
  renewalRate: null,
  followupsDone: 0,
  followupsOnTime: 0,
  onTimeRate: null,
  hypertensionControlRate: null,
  diabetesControlRate: null,
  referralsUp: 0,
  referralsDown: 0,
  homeServices: 0,
  satisfaction: null,
  ratings: 0,
};

describe('the performance assessment (seed 002 (十五))', () => {
  let c01: Assessment;

  it('the institution’s org_admin sees its teams with the hand-computed measures and total', async () => {
    const res = await get(c01Admin, `/api/v1/family-doctor/assessment?${PERIOD}`);
    expect(res.statusCode, res.body).toBe(200);
    c01 = res.json() as Assessment;
    expect(c01.from).toBe('2026-01-01');
    expect(c01.to).toBe('2026-11-22');
    expect(c01.teams.map((x) => x.teamName).sort()).toEqual([TEAM.wan, TEAM.long].sort());
    const long = c01.teams.find((x) => x.teamId === team.long)!;
    expect(long).toEqual({
      teamId: team.long,
      teamName: TEAM.long,
      institutionId: inst.c01,
      institutionName: long.institutionName,
      ...LONG_EXPECTED,
    });
    expect(long.institutionName).toBe('云川区青石街道社区卫生服务中心');
    expect(c01.teams.find((x) => x.teamId === team.wan)).toMatchObject(EMPTY);
    expect(c01.total).toMatchObject({ ...LONG_EXPECTED, institutionId: inst.c01, teamName: '合计' });
    // Active at each month's end (the last at the period's end), by hand.
    expect(c01.signedByMonth).toEqual([
      { month: '2026-01', signed: 3 }, // 张伟①, 李娜, P3①
      { month: '2026-02', signed: 4 }, // + 王秀英 (李娜's last day is 02-28)
      { month: '2026-03', signed: 3 }, // 王秀英, 张伟①, P3① (its last day 03-31)
      { month: '2026-04', signed: 2 },
      { month: '2026-05', signed: 2 }, // 张伟①'s last day 05-31
      { month: '2026-06', signed: 2 }, // 张伟②
      { month: '2026-07', signed: 2 },
      { month: '2026-08', signed: 2 },
      { month: '2026-09', signed: 2 },
      { month: '2026-10', signed: 3 }, // + P1
      { month: '2026-11', signed: 3 },
    ]);
  });

  it('the institution’s doctors see the same; the regulator sees one institution or the region', async () => {
    const doctor = await get(tok.gp, `/api/v1/family-doctor/assessment?${PERIOD}`);
    expect(doctor.json()).toEqual(c01);
    const one = await get(
      tok.regulator,
      `/api/v1/family-doctor/assessment?${PERIOD}&institutionId=${inst.c01}`,
    );
    expect(one.json()).toEqual(c01);
    const region = (
      await get(tok.regulator, `/api/v1/family-doctor/assessment?${PERIOD}`)
    ).json() as Assessment;
    const duan = region.teams.find((x) => x.teamId === team.duan)!;
    expect(duan).toMatchObject({
      ...EMPTY,
      signed: 2, // P2, P3 (switched in)
      byGroup: { basic: 2, hypertension: 1 },
      hypertensionControlRate: 0,
    });
    // The total takes its rates over the summed parts: hypertension 1 controlled of 2 classified.
    expect(region.total).toMatchObject({
      signed: 5,
      byGroup: { basic: 5, elderly: 1, hypertension: 3, diabetes: 1 },
      renewalRate: 0.3333,
      hypertensionControlRate: 0.5,
      diabetesControlRate: 0,
      satisfaction: 4,
      ratings: 3,
      institutionName: '全区',
    });
  });

  it('staff of another institution cannot read this institution’s: 403 NOT_YOUR_INSTITUTION', async () => {
    for (const token of [tok.hospitalAdmin, tok.otherGp]) {
      const res = await get(token, `/api/v1/family-doctor/assessment?${PERIOD}&institutionId=${inst.c01}`);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().code).toBe('NOT_YOUR_INSTITUTION');
      const csv = await get(token, `/api/v1/family-doctor/assessment.csv?institutionId=${inst.c01}`);
      expect(csv.statusCode).toBe(403);
    }
    // The hospital's own assessment has no team of 龙晓梅's.
    const own = (
      await get(tok.hospitalAdmin, `/api/v1/family-doctor/assessment?${PERIOD}`)
    ).json() as Assessment;
    expect(own.teams.some((x) => x.teamId === team.long)).toBe(false);
    expect((await get(tok.wang, `/api/v1/family-doctor/assessment?${PERIOD}`)).statusCode).toBe(403);
  });

  it('refuses a period that does not exist or runs backwards (400)', async () => {
    for (const q of ['from=2026-02-30', 'from=2026-11-23&to=2026-11-22', 'from=2022-01-01&to=2026-11-22']) {
      const res = await get(c01Admin, `/api/v1/family-doctor/assessment?${q}`);
      expect(res.statusCode, q).toBe(400);
    }
  });

  it('the CSV has a UTF-8 BOM, zh-CN headers and the same numbers', async () => {
    const res = await get(c01Admin, `/api/v1/family-doctor/assessment.csv?${PERIOD}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('attachment');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .map((l) => (l === '' ? [] : l.slice(1, -1).split('","')));
    const header = lines[1]!;
    expect(header.slice(0, 3)).toEqual(['机构', '团队', '在约居民']);
    const col = (row: string[], name: string) => row[header.indexOf(name)];
    const longRow = lines.find((l) => l[1] === TEAM.long)!;
    expect(col(longRow, '在约居民')).toBe('3');
    expect(col(longRow, '签约人群·高血压')).toBe('2');
    expect(col(longRow, '签约人群·2型糖尿病')).toBe('1');
    expect(col(longRow, '续约率')).toBe('33.3%');
    expect(col(longRow, '完成随访')).toBe('3');
    expect(col(longRow, '按时随访')).toBe('2');
    expect(col(longRow, '随访及时率')).toBe('66.7%');
    expect(col(longRow, '高血压控制率')).toBe('100.0%');
    expect(col(longRow, '糖尿病控制率')).toBe('0.0%');
    expect(col(longRow, '上转')).toBe('1');
    expect(col(longRow, '下转')).toBe('1');
    expect(col(longRow, '上门服务')).toBe('1');
    expect(col(longRow, '满意度（平均星级）')).toBe('4.00');
    expect(col(longRow, '评价数')).toBe('3');
    const wanRow = lines.find((l) => l[1] === TEAM.wan)!;
    expect(col(wanRow, '续约率')).toBe('');
    const totalRow = lines.find((l) => l[1] === '合计')!;
    expect(col(totalRow, '在约居民')).toBe('3');
    const months = lines.slice(lines.findIndex((l) => l[0] === '月份') + 1).filter((l) => l.length > 0);
    expect(months.map(([m, n]) => ({ month: m, signed: Number(n) }))).toEqual(c01.signedByMonth);
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select('action')
      .where('action', '=', 'family_doctor.assessment_exported')
      .execute();
    expect(audit).toHaveLength(1);
  });
});
