/**
 * [12/12] Teams, packages and contracts on the API (FD-1, FD-2, FD-3): 陈静 signs her mother 王秀英 to
 * 龙晓梅家庭医生团队 with the basic, elderly and hypertension packages for 2 years, confirms by SMS code and
 * pays through the simulated gateway; one team at a time; renewal and switching only in the window; the
 * renewal scheduled and then in force after the job; a family signing with one order; the institution's
 * packages and teams; refusals as 4xx problems that change nothing, and strangers get 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runContractJobs } from '../../src/server/modules/family-doctor/contract-jobs.js';
import { contractViews } from '../../src/server/modules/family-doctor/contract-store.js';
import { loadConfig } from '../../src/server/platform/config.js';
import { sm3Hex } from '../../src/server/platform/crypto/hash.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { payOrder } from '../support/circulation.js';
import { FD_PHONE, packageIdsOf, TEAM, teamIdOf } from '../support/family-doctor.js';

let t: TestApp;
const tok: Record<string, string> = {};
const id = { wang: '', lina: '', boy: '', long: '', wan: '', duan: '', c01: '', c02: '' };
let pk: Record<string, string> = {};

const PHONE = { ...FD_PHONE, c01Admin: '13600000003' } as const;
type Who = keyof typeof PHONE;
async function token(who: Who): Promise<string> {
  tok[who] ??= await t.login(PHONE[who]);
  return tok[who]!;
}
/** Moves the clock; sessions may lapse, so everyone logs in again. */
function advanceTo(iso: string) {
  t.clock.advance(new Date(iso).getTime() - t.clock.now().getTime());
  for (const k of Object.keys(tok)) delete tok[k];
}
const post = async (who: Who, url: string, body?: unknown) =>
  t.request('POST', `/api/v1${url}`, { token: await token(who), ...(body !== undefined ? { body } : {}) });
const put = async (who: Who, url: string, body: unknown) =>
  t.request('PUT', `/api/v1${url}`, { token: await token(who), body });
const get = async (who: Who, url: string) => t.request('GET', `/api/v1${url}`, { token: await token(who) });

const contractCount = async () =>
  Number(
    (
      await t.ctx.db
        .selectFrom('family_contract')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const statusOf = async (contractId: string) =>
  (
    await t.ctx.db
      .selectFrom('family_contract')
      .select('status')
      .where('id', '=', contractId)
      .executeTakeFirstOrThrow()
  ).status;

beforeAll(async () => {
  const base = loadConfig({ YUNYI_DEMO: '1' });
  t = await createTestApp({
    seed: true,
    config: { familyDoctor: { ...base.familyDoctor, demoContracts: false } },
  });
  const patient = async (name: string) =>
    (await t.ctx.db.selectFrom('patient').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  id.wang = await patient('王秀英');
  id.lina = await patient('李娜');
  id.boy = await patient('李小宝');
  id.long = await teamIdOf(t, TEAM.long);
  id.wan = await teamIdOf(t, TEAM.wan);
  id.duan = await teamIdOf(t, TEAM.duan);
  const inst = async (code: string) =>
    (await t.ctx.db.selectFrom('institution').select('id').where('code', '=', code).executeTakeFirstOrThrow())
      .id;
  id.c01 = await inst('YC-C01');
  id.c02 = await inst('YC-C02');
  const codes = ['BASIC', 'ELDERLY', 'HTN', 'T2DM', 'CHILD', 'MATERNAL', 'REHAB-HOME'];
  const ids = await packageIdsOf(t, codes);
  pk = Object.fromEntries(codes.map((c, i) => [c, ids[i]!]));
}, 240_000);
afterAll(async () => t?.close());

describe('teams and packages (FD-2)', () => {
  it('lists the centre’s teams with lead, members, residents in force and whether full', async () => {
    const res = await get('daughter', `/family-doctor/teams?institutionId=${id.c01}`);
    expect(res.statusCode, res.body).toBe(200);
    const long = res.json().items.find((x: { id: string }) => x.id === id.long);
    expect(long.lead.name).toBe('龙晓梅');
    expect(long.members.map((m: { name: string; role: string }) => `${m.name}:${m.role}`)).toEqual(
      expect.arrayContaining(['陈建国:specialist', '白秀珍:nurse', '田雨:nurse']),
    );
    expect(long).toMatchObject({ signedCount: 0, full: false, capacity: 2000 });
    const staff = await get('gp', '/family-doctor/teams?mine=true');
    expect(staff.json().items.map((x: { name: string }) => x.name)).toEqual(
      expect.arrayContaining([TEAM.long, TEAM.wan]),
    );
  });

  it('marks each package eligible or not for 王秀英 (72, I10 and E11.9) on today’s date', async () => {
    const res = await get('daughter', `/family-doctor/packages?institutionId=${id.c01}&patientId=${id.wang}`);
    expect(res.statusCode, res.body).toBe(200);
    const by = Object.fromEntries(res.json().items.map((p: { code: string }) => [p.code, p]));
    expect(by.BASIC).toMatchObject({ eligible: true, group: 'basic', feeFen: 12_000 });
    expect(by.ELDERLY.eligible).toBe(true);
    expect(by.HTN.eligible).toBe(true);
    expect(by.T2DM.eligible).toBe(true);
    expect(by.CHILD).toMatchObject({ eligible: false, ineligibleReason: expect.stringContaining('6 周岁') });
    expect(by.MATERNAL.eligible).toBe(false);
    expect(by['REHAB-HOME'].institutionId).toBe(id.c01);
    // A stranger may not ask about 王秀英.
    expect((await get('zhang', `/family-doctor/packages?patientId=${id.wang}`)).json().code).toBe(
      'NOT_YOUR_PATIENT',
    );
  });
});

// Staff passwords expire (DJ-2): the administrators act before the clock moves two years on.
describe('the institution’s packages and teams (org_admin, FD-2, FD-3)', () => {
  const pkgBody = {
    code: 'TCM-CARE',
    name: '中医调理个性化包',
    group: 'personalised',
    description: '每季度一次中医体质调理。',
    services: ['中医体质辨识', '季度调理方案'],
    insuranceFen: 0,
    publicHealthFen: 0,
    residentFen: 20_000,
  };
  it('creates, refuses a taken code and a basic package under 100 yuan, changes and retires its own', async () => {
    const res = await post('c01Admin', '/family-doctor/packages', pkgBody);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ institutionId: id.c01, feeFen: 20_000, status: 'active' });
    const pid = res.json().id;
    expect((await post('c01Admin', '/family-doctor/packages', pkgBody)).json().code).toBe(
      'PACKAGE_CODE_TAKEN',
    );
    const cheap = await post('c01Admin', '/family-doctor/packages', {
      ...pkgBody,
      code: 'BASIC-LITE',
      group: 'basic',
      insuranceFen: 3_000,
      publicHealthFen: 3_000,
      residentFen: 3_000,
    });
    expect(cheap.statusCode).toBe(422);
    expect(cheap.json().code).toBe('CONTRACT_FEE_TOO_LOW');
    const ages = await post('c01Admin', '/family-doctor/packages', {
      ...pkgBody,
      code: 'X1',
      minAge: 60,
      maxAge: 50,
    });
    expect(ages.json().code).toBe('PACKAGE_INVALID');
    // An explicit null is "no limit", not 0 (the validator coerces types; a null once became maxAge 0).
    const open = await post('c01Admin', '/family-doctor/packages', {
      ...pkgBody,
      code: 'X2',
      minAge: 60,
      maxAge: null,
    });
    expect(open.statusCode, open.body).toBe(201);
    expect(open.json()).toMatchObject({ minAge: 60, maxAge: null });
    const changed = await put('c01Admin', `/family-doctor/packages/${pid}`, {
      ...pkgBody,
      residentFen: 24_000,
    });
    expect(changed.json()).toMatchObject({ feeFen: 24_000 });
    expect((await put('hospitalAdmin', `/family-doctor/packages/${pid}`, pkgBody)).json().code).toBe(
      'PACKAGE_NOT_FOUND',
    );
    expect((await put('c01Admin', `/family-doctor/packages/${pk.BASIC}`, pkgBody)).json().code).toBe(
      'PACKAGE_NOT_FOUND',
    );
    const retired = await post('c01Admin', `/family-doctor/packages/${pid}/retire`);
    expect(retired.json().status).toBe('retired');
    const listed = await get('daughter', `/family-doctor/packages?institutionId=${id.c01}`);
    expect(listed.json().items.map((p: { id: string }) => p.id)).not.toContain(pid);
  });

  it('makes a team: a GP lead of the centre, its nurse, a specialist of the alliance hospital', async () => {
    const prac = async (name: string) =>
      (
        await t.ctx.db
          .selectFrom('practitioner')
          .select('id')
          .where('name', '=', name)
          .executeTakeFirstOrThrow()
      ).id;
    const [long, nurse, cardio, duan] = await Promise.all(['龙晓梅', '白秀珍', '陈建国', '段志刚'].map(prac));
    const candidates = await get('c01Admin', '/family-doctor/teams/candidates');
    expect(candidates.json().items.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['龙晓梅', '白秀珍', '陈建国']),
    );
    const body = {
      name: '青石社区慢病管理团队',
      intro: '高血压、糖尿病管理',
      capacity: 500,
      leadPractitionerId: long,
      members: [
        { practitionerId: nurse, role: 'nurse' },
        { practitionerId: cardio, role: 'specialist' },
      ],
    };
    const bad: [unknown, number, string][] = [
      [{ ...body, leadPractitionerId: nurse, members: [] }, 422, 'TEAM_MEMBER_INVALID'],
      [{ ...body, members: [{ practitionerId: duan, role: 'doctor' }] }, 422, 'TEAM_MEMBER_INVALID'],
      [{ ...body, members: [{ practitionerId: cardio, role: 'doctor' }] }, 422, 'TEAM_MEMBER_INVALID'],
      [{ ...body, members: [{ practitionerId: nurse, role: 'doctor' }] }, 422, 'TEAM_MEMBER_INVALID'],
      [{ ...body, name: TEAM.long }, 409, 'TEAM_NAME_TAKEN'],
    ];
    for (const [b, status, code] of bad) {
      const r = await post('c01Admin', '/family-doctor/teams', b);
      expect(r.statusCode, r.body).toBe(status);
      expect(r.json().code).toBe(code);
    }
    const res = await post('c01Admin', '/family-doctor/teams', body);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ institutionId: id.c01, lead: { name: '龙晓梅' }, capacity: 500 });
    const edited = await put('c01Admin', `/family-doctor/teams/${res.json().id}`, {
      ...body,
      capacity: 600,
      members: [],
    });
    expect(edited.json()).toMatchObject({ capacity: 600, members: [] });
    expect((await put('hospitalAdmin', `/family-doctor/teams/${res.json().id}`, body)).json().code).toBe(
      'TEAM_NOT_FOUND',
    );
  });
});

describe('signing 王秀英 (FD-1, FD-3)', () => {
  let contractId = '';
  let orderId = '';
  let demoCode = '';

  it('refuses every bad request with a 4xx code and makes nothing', async () => {
    const body = {
      teamId: id.long,
      packageIds: [pk.BASIC, pk.ELDERLY, pk.HTN],
      years: 2,
      patientIds: [id.wang],
    };
    const cases: [Who, unknown, number, string][] = [
      ['daughter', { ...body, packageIds: [pk.ELDERLY, pk.HTN] }, 422, 'PACKAGE_INVALID'],
      ['daughter', { ...body, packageIds: [pk.BASIC, pk.BASIC] }, 422, 'PACKAGE_INVALID'],
      ['daughter', { ...body, packageIds: [pk.BASIC, pk.CHILD] }, 422, 'PACKAGE_NOT_ELIGIBLE'],
      [
        'daughter',
        { ...body, teamId: id.duan, packageIds: [pk.BASIC, pk['REHAB-HOME']] },
        422,
        'PACKAGE_INVALID',
      ],
      ['daughter', { ...body, years: 4 }, 400, 'VALIDATION_FAILED'],
      ['daughter', { ...body, years: 0 }, 400, 'VALIDATION_FAILED'],
      ['daughter', { ...body, teamId: '00000000-0000-4000-8000-000000000000' }, 404, 'TEAM_NOT_FOUND'],
      ['daughter', { ...body, extra: 1 }, 400, 'VALIDATION_FAILED'],
      ['zhang', body, 403, 'NOT_YOUR_PATIENT'],
      ['gp', body, 403, 'FORBIDDEN'],
    ];
    for (const [who, b, status, code] of cases) {
      const res = await post(who, '/family-doctor/contracts', b);
      expect(res.statusCode, `${code}: ${res.body}`).toBe(status);
      expect(res.json().code).toBe(code);
    }
    expect(await contractCount()).toBe(0);
  });

  it('陈静 signs her mother with BASIC + ELDERLY + HTN for 2 years: 201 pending_signature with the order', async () => {
    const sent = t.sms.sent.length;
    const res = await post('daughter', '/family-doctor/contracts', {
      teamId: id.long,
      packageIds: [pk.BASIC, pk.ELDERLY, pk.HTN],
      years: 2,
      patientIds: [id.wang],
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ status: 'pending_signature', orderId: expect.any(String) });
    expect(body.demoCode).toMatch(/^\d{6}$/);
    const [c] = body.contracts;
    expect(c).toMatchObject({
      patientId: id.wang,
      patientName: '王秀英',
      team: { id: id.long, name: TEAM.long },
      leadName: '龙晓梅',
      years: 2,
      startsOn: '2026-11-22',
      endsOn: '2028-11-21',
      // FD-3: (120 + 60 + 80) yuan a year × 2, the split adding up.
      feeFen: 52_000,
      insuranceFen: 22_000,
      publicHealthFen: 20_000,
      residentFen: 10_000,
      orderId: body.orderId,
      renewable: false,
    });
    expect(c.insuranceFen + c.publicHealthFen + c.residentFen).toBe(c.feeFen);
    expect(c.packages.map((p: { code: string }) => p.code)).toEqual(['BASIC', 'ELDERLY', 'HTN']);
    expect(body.agreementText).toContain('王秀英');
    expect(body.agreementText).toContain('1101**********0463');
    expect(body.agreementText).toContain(TEAM.long);
    expect(body.agreementText).toContain('陈静');
    expect(body.agreementText).not.toContain('110101195408160463');
    // The code went to the signer's phone.
    expect(t.sms.sent.length).toBe(sent + 1);
    expect(t.sms.sent.at(-1)).toMatchObject({ phone: FD_PHONE.daughter, template: 'otp_contract_sign' });
    const order = await t.ctx.db
      .selectFrom('payment_order')
      .selectAll()
      .where('id', '=', body.orderId)
      .executeTakeFirstOrThrow();
    expect(order).toMatchObject({
      purpose: 'contract',
      amount_fen: 10_000,
      ref_id: c.groupId,
      institution_id: id.c01,
    });
    contractId = body.id;
    orderId = body.orderId;
    demoCode = body.demoCode;
  });

  it('keeps the agreement with its SM3 hash for the resident and the team; strangers get 404', async () => {
    const res = await get('daughter', `/family-doctor/contracts/${contractId}/agreement`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().sm3).toBe(sm3Hex(res.json().text));
    expect((await get('gp', `/family-doctor/contracts/${contractId}`)).statusCode).toBe(200);
    for (const who of ['zhang', 'otherGp'] as Who[]) {
      for (const path of [
        `/family-doctor/contracts/${contractId}`,
        `/family-doctor/contracts/${contractId}/agreement`,
      ]) {
        const r = await get(who, path);
        expect(r.statusCode, `${who} ${path}`).toBe(404);
        expect(r.json().code).toBe('CONTRACT_NOT_FOUND');
      }
    }
    const reads = await t.ctx.db
      .selectFrom('audit_event')
      .select('id')
      .where('action', '=', 'family_doctor.contract_read')
      .where('resource_id', '=', contractId)
      .execute();
    expect(reads.length).toBeGreaterThanOrEqual(2);
  });

  it('FD-1: a second contract while one is being signed is 409 CONTRACT_ALREADY_ACTIVE', async () => {
    const res = await post('wang', '/family-doctor/contracts', {
      teamId: id.wan,
      packageIds: [pk.BASIC],
      years: 1,
    });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().code).toBe('CONTRACT_ALREADY_ACTIVE');
    expect(await contractCount()).toBe(1);
  });

  it('refuses a wrong code, then the right one signs: pending_payment', async () => {
    const wrong = demoCode === '000000' ? '111111' : '000000';
    const bad = await post('daughter', `/family-doctor/contracts/${contractId}/sign`, { code: wrong });
    expect(bad.statusCode, bad.body).toBe(422);
    expect(bad.json().code).toBe('INVALID_OTP');
    expect(await statusOf(contractId)).toBe('pending_signature');
    expect(
      (await post('zhang', `/family-doctor/contracts/${contractId}/sign`, { code: demoCode })).statusCode,
    ).toBe(404);
    const res = await post('daughter', `/family-doctor/contracts/${contractId}/sign`, { code: demoCode });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'pending_payment', signedAt: expect.any(String) });
    const again = await post('daughter', `/family-doctor/contracts/${contractId}/sign`, { code: demoCode });
    expect(again.json().code).toBe('CONTRACT_STATE_CONFLICT');
  });

  it('pays through the simulated gateway: active, the resident told', async () => {
    await payOrder(t, await token('daughter'), orderId);
    const res = await get('wang', `/family-doctor/contracts/${contractId}`);
    expect(res.json()).toMatchObject({ status: 'active', paidAt: expect.any(String) });
    const notes = await t.ctx.db
      .selectFrom('notification')
      .select(['message_key', 'account_id'])
      .where('ref_id', '=', contractId)
      .execute();
    expect(notes.map((n) => n.message_key)).toContain('fdContractActive');
    const teams = await get('daughter', `/family-doctor/teams?institutionId=${id.c01}`);
    expect(teams.json().items.find((x: { id: string }) => x.id === id.long).signedCount).toBe(1);
    const me = await get('daughter', `/family-doctor/me?patientId=${id.wang}`);
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({
      patientId: id.wang,
      contract: { id: contractId },
      next: null,
      team: { id: id.long },
    });
    // The team's list shows her, by pinyin initials too.
    const list = await get('gp', '/family-doctor/contracts?q=wxy&status=active&group=hypertension');
    expect(list.json().items.map((x: { id: string }) => x.id)).toEqual([contractId]);
    expect(list.json().items[0]).toMatchObject({ patientAge: 72, patientSex: 'female' });
    expect((await get('gp', '/family-doctor/contracts?q=zhang')).json().items).toEqual([]);
  });

  it('FD-1: one team at a time; renewal not open yet; no switching before the window; only the lead of the team ends it', async () => {
    const again = await post('daughter', '/family-doctor/contracts', {
      teamId: id.duan,
      packageIds: [pk.BASIC],
      years: 1,
      patientIds: [id.wang],
    });
    expect(again.json().code).toBe('CONTRACT_ALREADY_ACTIVE');
    const renew = await post('daughter', `/family-doctor/contracts/${contractId}/renew`, { years: 1 });
    expect(renew.statusCode, renew.body).toBe(409);
    expect(renew.json().code).toBe('RENEWAL_NOT_OPEN');
    const sw = await post('daughter', `/family-doctor/contracts/${contractId}/renew`, {
      years: 1,
      teamId: id.wan,
    });
    expect(sw.statusCode, sw.body).toBe(409);
    expect(sw.json().code).toBe('CONTRACT_SWITCH_NOT_ALLOWED');
    expect(
      (await post('zhang', `/family-doctor/contracts/${contractId}/renew`, { years: 1 })).statusCode,
    ).toBe(404);
    // A member of the team who is not its lead (the alliance hospital's specialist) may not end it.
    const member = await post('cardiologist', `/family-doctor/contracts/${contractId}/terminate`, {
      reason: '测试',
    });
    expect(member.statusCode, member.body).toBe(403);
    expect(member.json().code).toBe('NOT_TEAM_MEMBER');
    expect(await statusOf(contractId)).toBe('active');
    expect(await contractCount()).toBe(1);
  });

  it('in the renewal window: a switch to 万家豪’s team is made, signed, paid and scheduled; in force after the job', async () => {
    const plansOf = () =>
      t.ctx.db
        .selectFrom('followup_plan')
        .select(['team_id', 'status', 'condition'])
        .where('patient_id', '=', id.wang)
        .orderBy('created_at')
        .execute();
    expect(await plansOf()).toEqual([{ team_id: id.long, status: 'active', condition: 'hypertension' }]);
    expect((await get('gp', `/family-doctor/contracts/${contractId}`)).json().plans).toHaveLength(1);
    advanceTo('2028-10-01T02:00:00Z');
    const res = await post('daughter', `/family-doctor/contracts/${contractId}/renew`, {
      years: 1,
      teamId: id.wan,
    });
    expect(res.statusCode, res.body).toBe(201);
    const next = res.json();
    expect(next.contracts[0]).toMatchObject({
      status: 'pending_signature',
      previousContractId: contractId,
      team: { id: id.wan },
      startsOn: '2028-11-22',
      endsOn: '2029-11-21',
    });
    const twice = await post('daughter', `/family-doctor/contracts/${contractId}/renew`, { years: 1 });
    expect(twice.json().code).toBe('CONTRACT_ALREADY_ACTIVE');
    const signed = await post('daughter', `/family-doctor/contracts/${next.id}/sign`, {
      code: next.demoCode,
    });
    expect(signed.statusCode, signed.body).toBe(200);
    await payOrder(t, await token('daughter'), next.orderId);
    expect(await statusOf(next.id)).toBe('scheduled');
    expect(await statusOf(contractId)).toBe('active');
    const me = (await get('wang', '/family-doctor/me')).json();
    expect(me.contract.id).toBe(contractId);
    expect(me.next.id).toBe(next.id);
    // The last day of the term: nothing moves yet.
    advanceTo('2028-11-21T15:00:00Z'); // 23:00 Shanghai
    await runContractJobs(t.ctx);
    expect(await statusOf(contractId)).toBe('active');
    advanceTo('2028-11-21T16:30:00Z'); // 00:30 on 22 November, Shanghai
    await runContractJobs(t.ctx);
    expect(await statusOf(contractId)).toBe('expired');
    expect(await statusOf(next.id)).toBe('active');
    const after = (await get('wang', '/family-doctor/me')).json();
    expect(after.contract).toMatchObject({ id: next.id, team: { id: id.wan } });
    expect(after.next).toBeNull();
    // SEC-1: the former team's plan closed with the term (its follow-ups cancelled); the new team's started.
    expect(await plansOf()).toEqual([
      { team_id: id.long, status: 'closed', condition: 'hypertension' },
      { team_id: id.wan, status: 'active', condition: 'hypertension' },
    ]);
    const leftOpen = await t.ctx.db
      .selectFrom('followup')
      .select('id')
      .where('patient_id', '=', id.wang)
      .where('team_id', '=', id.long)
      .where('status', '=', 'due')
      .execute();
    expect(leftOpen).toEqual([]);
    // The former team's view of its old contract no longer shows her current control (its password has
    // run out on the moved clock: the view is asked for directly).
    const oldRow = await t.ctx.db
      .selectFrom('family_contract')
      .selectAll()
      .where('id', '=', contractId)
      .executeTakeFirstOrThrow();
    const [oldView] = await contractViews(t.ctx.db, [oldRow], t.clock.now(), {
      staff: true,
      renewalWindowDays: t.ctx.config.familyDoctor.renewalWindowDays,
    });
    expect(oldView).toMatchObject({ status: 'expired', plans: [] });
    const openAlerts = await t.ctx.db
      .selectFrom('reading_alert')
      .select('id')
      .where('patient_id', '=', id.wang)
      .where('team_id', '=', id.long)
      .where('handled_at', 'is', null)
      .execute();
    expect(openAlerts).toEqual([]);
  });

  it('terminates: a stranger 404, the resident herself — her paid renewal cancelled and refunded, the team’s care ended; then nothing more to end', async () => {
    const current = (await get('wang', '/family-doctor/me')).json().contract.id as string;
    // A renewal with the same team, signed and paid: scheduled for the day after the term.
    advanceTo('2029-10-01T02:00:00Z');
    const renewal = await post('daughter', `/family-doctor/contracts/${current}/renew`, { years: 1 });
    expect(renewal.statusCode, renewal.body).toBe(201);
    const next = renewal.json();
    expect(
      (await post('daughter', `/family-doctor/contracts/${next.id}/sign`, { code: next.demoCode }))
        .statusCode,
    ).toBe(200);
    await payOrder(t, await token('daughter'), next.orderId);
    expect(await statusOf(next.id)).toBe('scheduled');
    const paidFen = next.contracts[0].residentFen as number;
    expect(paidFen).toBeGreaterThan(0);

    expect(
      (await post('zhang', `/family-doctor/contracts/${current}/terminate`, { reason: '搬家' })).statusCode,
    ).toBe(404);
    const res = await post('wang', `/family-doctor/contracts/${current}/terminate`, { reason: '搬家到外区' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'terminated', terminateReason: '搬家到外区' });
    // The renewal goes with it, in the same command: cancelled, its resident part refunded in full.
    expect(await statusOf(next.id)).toBe('cancelled');
    const refunds = await t.ctx.db
      .selectFrom('refund')
      .select('amount_fen')
      .where('order_id', '=', next.orderId)
      .execute();
    expect(refunds.map((r) => r.amount_fen)).toEqual([paidFen]);
    expect((await get('wang', '/family-doctor/me')).json()).toMatchObject({ contract: null, next: null });
    // SEC-1: the team's plans closed, nothing of hers left open for it.
    const live = await t.ctx.db
      .selectFrom('followup_plan')
      .select('id')
      .where('patient_id', '=', id.wang)
      .where('status', '=', 'active')
      .execute();
    expect(live).toEqual([]);
    const open = await t.ctx.db
      .selectFrom('followup')
      .select('id')
      .where('patient_id', '=', id.wang)
      .where('status', '=', 'due')
      .execute();
    expect(open).toEqual([]);
    const again = await post('wang', `/family-doctor/contracts/${current}/terminate`, {
      reason: '搬家到外区',
    });
    expect(again.json().code).toBe('CONTRACT_STATE_CONFLICT');
  });
});

describe('a whole family at once, team capacity (FD-1, ID-6)', () => {
  it('李娜 signs herself and 李小宝 (7) in one group with one order; the children package is refused for a 7-year-old', async () => {
    const child = await post('lina', '/family-doctor/contracts', {
      teamId: id.duan,
      packageIds: [pk.BASIC, pk.CHILD],
      years: 1,
      patientIds: [id.lina, id.boy],
    });
    expect(child.statusCode, child.body).toBe(422);
    expect(child.json().code).toBe('PACKAGE_NOT_ELIGIBLE');
    await t.ctx.db.updateTable('family_team').set({ capacity: 1 }).where('id', '=', id.duan).execute();
    const full = await post('lina', '/family-doctor/contracts', {
      teamId: id.duan,
      packageIds: [pk.BASIC],
      years: 3,
      patientIds: [id.lina, id.boy],
    });
    expect(full.statusCode, full.body).toBe(409);
    expect(full.json().code).toBe('TEAM_FULL');
    await t.ctx.db.updateTable('family_team').set({ capacity: 2000 }).where('id', '=', id.duan).execute();
    const res = await post('lina', '/family-doctor/contracts', {
      teamId: id.duan,
      packageIds: [pk.BASIC],
      years: 3,
      patientIds: [id.lina, id.boy],
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.contracts).toHaveLength(2);
    expect(new Set(body.contracts.map((c: { groupId: string }) => c.groupId)).size).toBe(1);
    const order = await t.ctx.db
      .selectFrom('payment_order')
      .select('amount_fen')
      .where('id', '=', body.orderId)
      .executeTakeFirstOrThrow();
    expect(order.amount_fen).toBe(2 * 2_000 * 3);
    // Withdrawn before signing: the whole group cancelled, the order closed.
    const cancel = await post('lina', `/family-doctor/contracts/${body.id}/terminate`, {
      reason: '再考虑一下',
    });
    expect(cancel.statusCode, cancel.body).toBe(200);
    for (const c of body.contracts) expect(await statusOf(c.id)).toBe('cancelled');
    const closed = await t.ctx.db
      .selectFrom('payment_order')
      .select('status')
      .where('id', '=', body.orderId)
      .executeTakeFirstOrThrow();
    expect(closed.status).toBe('closed');
  });
});
