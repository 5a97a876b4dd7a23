import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSession } from '../../src/server/modules/identity/session.service.js';
import { recordInsuredFigures } from '../../src/server/modules/insurance/insured-person.js';
import { InsurancePlatformRefusal } from '../../src/server/modules/insurance/platform.js';
import { activeWalletPayer } from '../../src/server/modules/insurance/wallet.service.js';
import { newId } from '../../src/server/platform/ids.js';
import { idCheckChar } from '../../src/shared/identity.js';
import type { InsuranceMe, InsuredPerson, WalletLink } from '../../src/shared/insurance.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { makePatients } from '../support/people.js';

// [7/12] Linking insurance with the e-voucher (ID-3), "我的医保", and 家庭共济 (INS-2). The simulated
// platform issues the vouchers; the clock is 2026-11-22 10:00 in Shanghai.
let t: TestApp;
const token: Record<'zhang' | 'lina' | 'wang', string> = { zhang: '', lina: '', wang: '' };
const pid: Record<'zhang' | 'lina' | 'xiaobao' | 'wang', string> = {
  zhang: '',
  lina: '',
  xiaobao: '',
  wang: '',
};
const ID = {
  zhang: '11010119780315031X',
  lina: '11010119900608024X',
  xiaobao: '110101201905200153',
  wang: '110101195408160463',
};
const NAME = { zhang: '张伟', lina: '李娜', xiaobao: '李小宝', wang: '王秀英' };

const voucher = async (who: keyof typeof ID) =>
  (await t.insurance.sim!.issueVoucher({ idNumber: ID[who], name: NAME[who] })).voucher;

const link = (tok: string, body: Record<string, unknown>) =>
  t.request('POST', '/api/v1/insurance/link', { token: tok, body });

const me = async (tok: string): Promise<InsuranceMe> => {
  const res = await t.request('GET', '/api/v1/insurance/me', { token: tok });
  expect(res.statusCode).toBe(200);
  return res.json();
};

const insuredRow = (patientId: string) =>
  t.ctx.db.selectFrom('insured_person').selectAll().where('patient_id', '=', patientId).executeTakeFirst();

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  token.zhang = await t.login('13800000001');
  token.lina = await t.login('13800000002');
  token.wang = await t.login('13800000003');
  const rows = await t.ctx.db.selectFrom('patient').select(['id', 'name']).execute();
  for (const k of Object.keys(pid) as (keyof typeof pid)[]) {
    pid[k] = rows.find((r) => r.name === NAME[k])!.id;
  }
});
afterAll(async () => t.close());

describe('linking with the e-voucher (ID-3)', () => {
  it('ID-3: 王秀英 links with her own voucher: employee scheme of 云川区, her balance, the person number masked', async () => {
    const res = await link(token.wang, { voucher: await voucher('wang') });
    expect(res.statusCode).toBe(200);
    const person = res.json() as InsuredPerson;
    expect(person).toMatchObject({
      patientId: pid.wang,
      name: '王秀英',
      scheme: 'employee',
      insuringRegion: '530102',
      insuringRegionName: '云川区',
      balanceFen: 3_000,
      ytdTotalFen: 186_000,
      ytdFundFen: 97_300,
      ytdDeductibleFen: 30_000,
    });
    expect(person.asOf).toBe(person.linkedAt);
    const row = await insuredRow(pid.wang);
    expect(row).toMatchObject({ scheme: 'employee', unlinked_at: null });
    expect(person.psnNoMasked).toBe(
      `${row!.psn_no.slice(0, 4)}${'*'.repeat(row!.psn_no.length - 6)}${row!.psn_no.slice(-2)}`,
    );
    expect(person.psnNoMasked).not.toContain(row!.psn_no.slice(4, -2));
    expect((await me(token.wang)).persons).toEqual([person]);
  });

  it('ID-3: the link is audited without the ID number, which appears in no log line either', async () => {
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['actor_role', 'patient_id', 'details'])
      .where('action', '=', 'insurance.linked')
      .where('patient_id', '=', pid.wang)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_role: 'patient',
      details: { scheme: 'employee', relinked: false },
    });
    expect(JSON.stringify(audit)).not.toContain(ID.wang);
    expect(t.logLines.join('\n')).not.toContain(ID.wang);
    expect(t.responses.join('\n')).not.toContain(ID.wang);
  });

  it('ID-3: a voucher of another person is refused, as is a made-up one, and nothing is linked', async () => {
    const theirs = await link(token.zhang, { voucher: await voucher('wang') });
    expect(theirs.statusCode).toBe(422);
    expect(theirs.json().code).toBe('INSURANCE_VOUCHER_INVALID');
    const madeUp = await link(token.zhang, { voucher: 'ecv_not-a-real-voucher' });
    expect(madeUp.statusCode).toBe(422);
    expect(madeUp.json().code).toBe('INSURANCE_VOUCHER_INVALID');
    expect(await insuredRow(pid.zhang)).toBeUndefined();
  });

  it('ID-3: an expired voucher is refused (each showing lasts minutes)', async () => {
    const v = await voucher('zhang');
    t.clock.advance(t.ctx.config.insurance.voucherTtlMs + 1_000);
    try {
      const res = await link(token.zhang, { voucher: v });
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('INSURANCE_VOUCHER_INVALID');
    } finally {
      t.clock.set('2026-11-22T02:00:00Z');
    }
    expect(await insuredRow(pid.zhang)).toBeUndefined();
  });

  it('answers 503 when the platform does not answer, and links nothing', async () => {
    const v = await voucher('zhang');
    t.insurance.sim!.failNext('1101', 'timeout');
    const res = await link(token.zhang, { voucher: v });
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('INSURANCE_PLATFORM_UNAVAILABLE');
    expect(await insuredRow(pid.zhang)).toBeUndefined();
  });

  it('ID-3: a platform refusal of another kind (rejected, not_settled) is a 422 INSURANCE_LINK_REFUSED, a fault of the adapter a 503; nothing is linked', async () => {
    const sim = t.insurance.sim!;
    const spy = vi.spyOn(sim, 'personInfo');
    try {
      for (const reason of ['rejected', 'not_settled'] as const) {
        spy.mockRejectedValueOnce(new InsurancePlatformRefusal(reason, `refused: ${reason}`));
        const res = await link(token.zhang, { voucher: await voucher('zhang') });
        expect(res.statusCode, reason).toBe(422);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().code).toBe('INSURANCE_LINK_REFUSED');
      }
      spy.mockRejectedValueOnce(new TypeError('adapter blew up'));
      const broken = await link(token.zhang, { voucher: await voucher('zhang') });
      expect(broken.statusCode).toBe(503);
      expect(broken.json().code).toBe('INSURANCE_PLATFORM_UNAVAILABLE');
    } finally {
      spy.mockRestore();
    }
    expect(await insuredRow(pid.zhang)).toBeUndefined();
  });

  it('ID-3: without a platform adapter (no simulated gateway, outside demo mode) linking is a 503 problem+json, not a 500', async () => {
    // A second app on the same data with the production wiring: no simulator, no adapter configured.
    const prod = await createTestApp({ database: t.database, demo: false });
    try {
      expect(prod.insurance.sim).toBeNull();
      const tok = await prod.login('13800000001');
      const res = await prod.request('POST', '/api/v1/insurance/link', {
        token: tok,
        body: { voucher: 'ecv_whatever' },
      });
      expect(res.statusCode, res.body).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('INSURANCE_PLATFORM_UNAVAILABLE');
    } finally {
      await prod.close();
    }
    expect(await insuredRow(pid.zhang)).toBeUndefined();
  });

  it('ID-6: 李娜 links her son 李小宝 as his proxy; a stranger may not link him; 我的医保 lists her own first', async () => {
    const stranger = await link(token.zhang, { patientId: pid.xiaobao, voucher: await voucher('xiaobao') });
    expect(stranger.statusCode).toBe(403);
    expect(stranger.json().code).toBe('NOT_YOUR_PATIENT');

    const son = await link(token.lina, { patientId: pid.xiaobao, voucher: await voucher('xiaobao') });
    expect(son.statusCode).toBe(200);
    expect(son.json()).toMatchObject({
      patientId: pid.xiaobao,
      name: '李小宝',
      scheme: 'resident',
      balanceFen: 0,
    });
    expect((await me(token.lina)).persons.map((p) => p.name)).toEqual(['李小宝']);

    // Her own voucher does not link her son.
    const mixed = await link(token.lina, { patientId: pid.xiaobao, voucher: await voucher('lina') });
    expect(mixed.json().code).toBe('INSURANCE_VOUCHER_INVALID');

    expect((await link(token.lina, { voucher: await voucher('lina') })).statusCode).toBe(200);
    const mine = await me(token.lina);
    expect(mine.persons.map((p) => [p.name, p.scheme])).toEqual([
      ['李娜', 'resident'],
      ['李小宝', 'resident'],
    ]);
    // 张伟 sees none of them.
    expect((await me(token.zhang)).persons).toEqual([]);
  });

  it('refuses an account not yet real-name verified (REAL_NAME_REQUIRED)', async () => {
    const accountId = newId();
    await t.ctx.db
      .insertInto('account')
      .values({
        id: accountId,
        phone_enc: t.ctx.cipher.encrypt('13799990001'),
        phone_bidx: t.ctx.cipher.blindIndex('phone', '13799990001'),
        password_hash: null,
        name: '未实名',
        roles: ['patient'],
        institution_id: null,
        practitioner_id: null,
        created_at: t.clock.now(),
      })
      .execute();
    const { token: tok } = await createSession(t.ctx, t.ctx.db, { id: accountId, roles: ['patient'] });
    const res = await link(tok, { voucher: await voucher('zhang') });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('REAL_NAME_REQUIRED');
  });

  it('unlinks (audited, idempotent) and links again: the same row, unlink cleared', async () => {
    const del = (tok: string, id: string) =>
      t.request('DELETE', `/api/v1/insurance/link/${id}`, { token: tok });
    expect((await del(token.zhang, pid.wang)).statusCode).toBe(403);
    expect((await del(token.wang, pid.wang)).statusCode).toBe(204);
    expect((await insuredRow(pid.wang))?.unlinked_at).toBeInstanceOf(Date);
    expect((await me(token.wang)).persons).toEqual([]);
    expect((await del(token.wang, pid.wang)).statusCode).toBe(204);
    const unlinks = await t.ctx.db
      .selectFrom('audit_event')
      .select('id')
      .where('action', '=', 'insurance.unlinked')
      .where('patient_id', '=', pid.wang)
      .execute();
    expect(unlinks).toHaveLength(1);

    const [never] = await makePatients(t, 1);
    const notLinked = await del(never!.token, never!.patientId);
    expect(notLinked.statusCode).toBe(409);
    expect(notLinked.json().code).toBe('INSURANCE_NOT_LINKED');

    const again = await link(token.wang, { voucher: await voucher('wang') });
    expect(again.statusCode).toBe(200);
    expect((await insuredRow(pid.wang))?.unlinked_at).toBeNull();
    expect((await me(token.wang)).persons.map((p) => p.name)).toEqual(['王秀英']);
    const relinked = await t.ctx.db
      .selectFrom('audit_event')
      .select('details')
      .where('action', '=', 'insurance.linked')
      .where('patient_id', '=', pid.wang)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(relinked.details).toMatchObject({ relinked: true, psnNoChanged: false });
  });

  it('我的医保 shows the figures as of the last report (a settlement), never an older one, and a past year as zero', async () => {
    const later = new Date('2026-11-22T03:00:00Z');
    const figures = {
      ytdYear: 2026,
      balanceFen: 75_000,
      ytdTotalFen: 190_000,
      ytdDeductibleFen: 30_000,
      ytdFundFen: 100_000,
    };
    await recordInsuredFigures(t.ctx.db, pid.wang, figures, later);
    await recordInsuredFigures(
      t.ctx.db,
      pid.wang,
      { ...figures, balanceFen: 1 },
      new Date('2026-11-22T02:30:00Z'),
    );
    const [wang] = (await me(token.wang)).persons;
    expect(wang).toMatchObject({ balanceFen: 75_000, ytdFundFen: 100_000, asOf: later.toISOString() });

    await recordInsuredFigures(
      t.ctx.db,
      pid.wang,
      { ...figures, ytdYear: 2025 },
      new Date('2026-11-22T03:30:00Z'),
    );
    const [stale] = (await me(token.wang)).persons;
    expect(stale).toMatchObject({ balanceFen: 75_000, ytdTotalFen: 0, ytdFundFen: 0, ytdDeductibleFen: 0 });
  });
});

describe('家庭共济 (INS-2)', () => {
  const request = (tok: string, body: Record<string, unknown>) =>
    t.request('POST', '/api/v1/insurance/wallet-links', { token: tok, body });
  const answer = (tok: string, id: string, what: 'confirm' | 'decline') =>
    t.request('POST', `/api/v1/insurance/wallet-links/${id}/${what}`, { token: tok });
  const end = (tok: string, id: string) =>
    t.request('DELETE', `/api/v1/insurance/wallet-links/${id}`, { token: tok });
  const forXiaobao = { beneficiaryName: '李小宝', beneficiaryIdNumber: ID.xiaobao };

  beforeAll(async () => {
    // 张伟 (employee) links; 李娜 and 李小宝 (residents) were linked above.
    expect((await link(token.zhang, { voucher: await voucher('zhang') })).statusCode).toBe(200);
  });

  it('INS-2: a payer who is not linked, or not an employee, cannot offer their account', async () => {
    const [fresh] = await makePatients(t, 1);
    const unlinked = await request(fresh!.token, forXiaobao);
    expect(unlinked.statusCode).toBe(409);
    expect(unlinked.json().code).toBe('INSURANCE_NOT_LINKED');
    const resident = await request(token.lina, { beneficiaryName: '王秀英', beneficiaryIdNumber: ID.wang });
    expect(resident.statusCode).toBe(422);
    expect(resident.json().code).toBe('INSURANCE_WALLET_PAYER_NOT_EMPLOYEE');
  });

  it('INS-2: a wrong name and an unknown ID number get the same answer, which does not say which was wrong', async () => {
    const wrongName = await request(token.zhang, {
      beneficiaryName: '李大宝',
      beneficiaryIdNumber: ID.xiaobao,
    });
    const first17 = '11010120200101011';
    const unknown = await request(token.zhang, {
      beneficiaryName: '李小宝',
      beneficiaryIdNumber: first17 + idCheckChar(first17),
    });
    expect(wrongName.statusCode).toBe(422);
    expect(wrongName.json().code).toBe('INSURANCE_WALLET_BENEFICIARY_NOT_FOUND');
    expect(unknown.json()).toEqual(wrongName.json());
    const self = await request(token.zhang, { beneficiaryName: '张伟', beneficiaryIdNumber: ID.zhang });
    expect(self.json().code).toBe('INSURANCE_WALLET_SELF');
    expect(await t.ctx.db.selectFrom('family_wallet_link').select('id').execute()).toEqual([]);
  });

  it('INS-2: 张伟 offers to pay for 李小宝; he alone cannot confirm; 李娜, the boy’s guardian, confirms', async () => {
    const res = await request(token.zhang, forXiaobao);
    expect(res.statusCode).toBe(201);
    const asked = res.json() as WalletLink;
    expect(asked).toMatchObject({
      payerPatientId: pid.zhang,
      payerName: '张伟',
      beneficiaryPatientId: pid.xiaobao,
      beneficiaryName: '李小宝',
      status: 'requested',
      canConfirm: false,
      confirmedAt: null,
    });
    const twice = await request(token.zhang, forXiaobao);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('INSURANCE_WALLET_LINK_EXISTS');

    const byPayer = await answer(token.zhang, asked.id, 'confirm');
    expect(byPayer.statusCode).toBe(403);
    expect(byPayer.json().code).toBe('INSURANCE_WALLET_NOT_BENEFICIARY');
    expect(
      await activeWalletPayer(t.ctx.db, { payerPatientId: pid.zhang, beneficiaryPatientId: pid.xiaobao }),
    ).toBeNull();
    // Someone on neither side does not learn it exists.
    expect((await answer(token.wang, asked.id, 'confirm')).statusCode).toBe(404);

    // Both sides see it; only the beneficiary's side may answer.
    expect((await me(token.zhang)).walletLinks).toEqual([asked]);
    expect((await me(token.lina)).walletLinks).toEqual([{ ...asked, canConfirm: true }]);

    const ok = await answer(token.lina, asked.id, 'confirm');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'active', canConfirm: false, confirmedAt: expect.any(String) });
    expect((await answer(token.lina, asked.id, 'confirm')).json().status).toBe('active');
    const payer = await activeWalletPayer(t.ctx.db, {
      payerPatientId: pid.zhang,
      beneficiaryPatientId: pid.xiaobao,
    });
    expect(payer).toMatchObject({ linkId: asked.id, payerPatientId: pid.zhang, payerName: '张伟' });
    expect(payer!.psnNo).toBe((await insuredRow(pid.zhang))!.psn_no);
    const late = await answer(token.lina, asked.id, 'decline');
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('INSURANCE_WALLET_LINK_NOT_PENDING');
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select('action')
      .where('resource_id', '=', asked.id)
      .orderBy('id')
      .execute();
    // The payer's refused confirmation is a security event of its own (access.denied).
    expect(audit.map((a) => a.action)).toEqual([
      'insurance.wallet_link_requested',
      'access.denied',
      'insurance.wallet_link_confirmed',
    ]);
  });

  it('INS-2: the account pays only while the payer stays linked as an employee', async () => {
    const q = { payerPatientId: pid.zhang, beneficiaryPatientId: pid.xiaobao };
    expect(
      (await t.request('DELETE', `/api/v1/insurance/link/${pid.zhang}`, { token: token.zhang })).statusCode,
    ).toBe(204);
    expect(await activeWalletPayer(t.ctx.db, q)).toBeNull();
    expect((await link(token.zhang, { voucher: await voucher('zhang') })).statusCode).toBe(200);
    expect(await activeWalletPayer(t.ctx.db, q)).not.toBeNull();
  });

  it('INS-2: the beneficiary declines; a declined request cannot be confirmed afterwards; asking again is allowed', async () => {
    const asked = (
      await request(token.zhang, { beneficiaryName: '王秀英', beneficiaryIdNumber: ID.wang })
    ).json();
    expect((await me(token.wang)).walletLinks).toEqual([{ ...asked, canConfirm: true }]);
    const no = await answer(token.wang, asked.id, 'decline');
    expect(no.statusCode).toBe(200);
    expect(no.json().status).toBe('declined');
    const after = await answer(token.wang, asked.id, 'confirm');
    expect(after.statusCode).toBe(409);
    expect(after.json().code).toBe('INSURANCE_WALLET_LINK_NOT_PENDING');
    expect((await me(token.wang)).walletLinks).toEqual([]);
    expect(
      await activeWalletPayer(t.ctx.db, { payerPatientId: pid.zhang, beneficiaryPatientId: pid.wang }),
    ).toBeNull();
    const again = await request(token.zhang, { beneficiaryName: '王秀英', beneficiaryIdNumber: ID.wang });
    expect(again.statusCode).toBe(201);
    // The payer withdraws the new request.
    expect((await end(token.zhang, again.json().id)).statusCode).toBe(204);
    expect((await me(token.wang)).walletLinks).toEqual([]);
  });

  it('INS-2: either side ends an active link at once; ending again changes nothing; others get 404', async () => {
    const [active] = (await me(token.zhang)).walletLinks.filter((l) => l.status === 'active');
    expect(active?.beneficiaryName).toBe('李小宝');
    expect((await end(token.wang, active!.id)).statusCode).toBe(404);
    expect((await end(token.lina, active!.id)).statusCode).toBe(204);
    expect(
      await activeWalletPayer(t.ctx.db, { payerPatientId: pid.zhang, beneficiaryPatientId: pid.xiaobao }),
    ).toBeNull();
    expect((await end(token.zhang, active!.id)).statusCode).toBe(204);
    const row = await t.ctx.db
      .selectFrom('family_wallet_link')
      .select(['status', 'ended_at'])
      .where('id', '=', active!.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('revoked');
    expect(row.ended_at).toBeInstanceOf(Date);
    const ends = await t.ctx.db
      .selectFrom('audit_event')
      .select('details')
      .where('action', '=', 'insurance.wallet_link_ended')
      .where('resource_id', '=', active!.id)
      .execute();
    expect(ends.map((e) => e.details)).toEqual([expect.objectContaining({ endedBy: 'beneficiary' })]);
    expect((await me(token.lina)).walletLinks).toEqual([]);
  });

  it('INS-2: a guardian paying for their own minor child answers for the child too (one person, both consents)', async () => {
    const first17 = '11010120180301001';
    const child = await t.request('POST', '/api/v1/me/dependents', {
      token: token.zhang,
      body: { name: '张小明', idNumber: first17 + idCheckChar(first17), relationship: 'child' },
    });
    expect(child.statusCode).toBe(201);
    const asked = await request(token.zhang, {
      beneficiaryName: '张小明',
      beneficiaryIdNumber: first17 + idCheckChar(first17),
    });
    expect(asked.statusCode).toBe(201);
    expect(asked.json()).toMatchObject({ status: 'requested', canConfirm: true });
    const ok = await answer(token.zhang, asked.json().id, 'confirm');
    expect(ok.json()).toMatchObject({ status: 'active', beneficiaryName: '张小明' });
  });
});
