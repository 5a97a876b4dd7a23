/**
 * The simulated national insurance platform ([7/12]; ID-3, ID-6, INS-2): e-vouchers from the simulated app
 * (the route, for oneself or a dependent), 1101 person information, 2206 pre-settlement (nothing recorded),
 * 2207 settlement moving the year-to-date figures and the balance exactly, idempotent by message id, 2208
 * reversal, lookup after a lost answer, timeouts, the daily totals and details (3201/3202), the year
 * rollover, and — on PostgreSQL — concurrent settlements of one person that never overdraw the account.
 * Everything is checked against the simulator's own ledger (inssim_*).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/server/modules/identity/session.service.js';
import {
  type FeeLine,
  InsurancePlatformRefusal,
  InsurancePlatformUnavailable,
  type SettleRequest,
} from '../../src/server/modules/insurance/platform.js';
import { madeUpPerson } from '../../src/server/modules/insurance/sim/sim-persons.js';
import type { SimInsurancePlatform } from '../../src/server/modules/insurance/sim/sim-platform.js';
import { newId } from '../../src/server/platform/ids.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { itOnPostgres } from '../support/db.js';
import { testIdNumber } from '../support/people.js';
import { PHONES } from '../support/prescriptions.js';

const WANG_ID = '110101195408160463';
const ZHANG_ID = '11010119780315031X';
const LINA_ID = '11010119900608024X';
const CHILD_ID = '110101201905200153';

let t: TestApp;
let sim: SimInsurancePlatform;
let n = 0;
const msg = () => `T${++n}-${randomUUID()}`;

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  sim = t.insurance.sim!;
}, 240_000);
afterAll(async () => t?.close());

// --- helpers

type LineSpec = Omit<FeeLine, 'line'>;
const service = (totalFen: number): LineSpec => ({
  kind: 'service',
  itemCode: '110200001',
  itemName: '互联网复诊诊查费',
  category: null,
  quantity: 1,
  daysSupply: null,
  totalFen,
});
const drug = (category: 'A' | 'B' | 'C', totalFen: number): LineSpec => ({
  kind: 'drug',
  itemCode: `XD${category}001`,
  itemName: `药品（${category}类）`,
  category,
  quantity: 1,
  daysSupply: 14,
  totalFen,
});
const delivery = (totalFen: number): LineSpec => ({
  kind: 'delivery',
  itemCode: null,
  itemName: '配送费',
  category: null,
  quantity: 1,
  daysSupply: null,
  totalFen,
});

interface Holder {
  voucher: string;
  psnNo: string;
}

/** A fresh voucher for a person (the e-voucher app), and their person number from 1101. */
async function holder(idNumber: string, name: string): Promise<Holder> {
  const { voucher } = await sim.issueVoucher({ idNumber, name });
  const info = await sim.personInfo({ msgId: msg(), voucher });
  return { voucher, psnNo: info.psnNo };
}

function request(h: Holder, lines: LineSpec[], extra: Partial<SettleRequest> = {}): SettleRequest {
  return {
    msgId: msg(),
    voucher: h.voucher,
    psnNo: h.psnNo,
    institutionCode: 'YC-H01',
    institutionLevel: 'tertiary',
    orderRef: `order-${n}`,
    at: t.clock.now(),
    lines: lines.map((l, i) => ({ ...l, line: i + 1 })),
    ...extra,
  };
}

async function person(psnNo: string) {
  const r = await t.ctx.db
    .selectFrom('inssim_person')
    .select(['balance_fen', 'ytd_year', 'ytd_total_fen', 'ytd_deductible_fen', 'ytd_fund_fen'])
    .where('psn_no', '=', psnNo)
    .executeTakeFirstOrThrow();
  return {
    balanceFen: Number(r.balance_fen),
    ytdYear: Number(r.ytd_year),
    ytdTotalFen: Number(r.ytd_total_fen),
    ytdDeductibleFen: Number(r.ytd_deductible_fen),
    ytdFundFen: Number(r.ytd_fund_fen),
  };
}

async function ledgerCounts() {
  const count = async (table: 'inssim_settlement' | 'inssim_message') =>
    Number(
      (
        await t.ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { settlements: await count('inssim_settlement'), messages: await count('inssim_message') };
}

const settlementsOf = (msgId: string) =>
  t.ctx.db.selectFrom('inssim_settlement').selectAll().where('msg_id', '=', msgId).execute();

async function refused(p: Promise<unknown>, reason: InsurancePlatformRefusal['reason']) {
  await expect(p).rejects.toBeInstanceOf(InsurancePlatformRefusal);
  await expect(p).rejects.toMatchObject({ reason });
}

const used = new Set<string>();
/**
 * A resident ID the simulator makes up a person of the given scheme for (deterministic, by the hash), with
 * at least `minBalanceFen` in their account (employees' balances are 200–2 200 yuan).
 */
function madeUpId(scheme: 'employee' | 'resident', minBalanceFen = 0): string {
  for (let i = 700_000; ; i++) {
    const id = testIdNumber(i);
    const p = madeUpPerson(id);
    if (!used.has(id) && p.scheme === scheme && p.balanceFen >= minBalanceFen) {
      used.add(id);
      return id;
    }
  }
}

const patientId = async (name: string) =>
  (await t.ctx.db.selectFrom('patient').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

// --- the e-voucher

describe('the e-voucher app and 1101 (ID-3, ID-6)', () => {
  it('ID-3: 王秀英 gets a voucher from the route and 1101 answers her position; her ID number holds, another does not', async () => {
    const token = await t.login(PHONES.wang);
    const res = await t.request('POST', '/api/v1/insurance/sim/vouchers', { token, body: {} });
    expect(res.statusCode, res.body).toBe(201);
    const { voucher, expiresAt } = res.json();
    expect(new Date(expiresAt).getTime()).toBe(t.clock.now().getTime() + t.ctx.config.insurance.voucherTtlMs);

    const info = await sim.personInfo({ msgId: msg(), voucher });
    expect(info).toEqual({
      psnNo: expect.stringMatching(/^5301\d{10}$/),
      name: '王秀英',
      scheme: 'employee',
      insuringRegion: '530102',
      insuringRegionName: '云川区',
      balanceFen: 3_000,
      ytdYear: 2026,
      ytdTotalFen: 186_000,
      ytdDeductibleFen: 30_000,
      ytdFundFen: 97_300,
      deathDate: null,
    });
    expect((await sim.personInfo({ msgId: msg(), voucher, idNumber: WANG_ID })).psnNo).toBe(info.psnNo);
    await refused(sim.personInfo({ msgId: msg(), voucher, idNumber: ZHANG_ID }), 'voucher_mismatch');
    await refused(sim.personInfo({ msgId: msg(), voucher: `${voucher}x` }), 'voucher_invalid');

    // A second voucher is another token for the same person.
    const again = (await t.request('POST', '/api/v1/insurance/sim/vouchers', { token, body: {} })).json();
    expect(again.voucher).not.toBe(voucher);
    expect((await sim.personInfo({ msgId: msg(), voucher: again.voucher })).psnNo).toBe(info.psnNo);
  });

  it('ID-6: 李娜 gets one for 李小宝 (a resident, no account); 张伟 may not; staff may not; the unverified must verify first', async () => {
    const child = await patientId('李小宝');
    const lina = await t.login('13800000002');
    const res = await t.request('POST', '/api/v1/insurance/sim/vouchers', {
      token: lina,
      body: { patientId: child },
    });
    expect(res.statusCode, res.body).toBe(201);
    const info = await sim.personInfo({ msgId: msg(), voucher: res.json().voucher, idNumber: CHILD_ID });
    expect(info).toMatchObject({ name: '李小宝', scheme: 'resident', balanceFen: 0 });

    const zhang = await t.login(PHONES.zhang);
    const foreign = await t.request('POST', '/api/v1/insurance/sim/vouchers', {
      token: zhang,
      body: { patientId: child },
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().code).toBe('NOT_YOUR_PATIENT');

    const doctor = await t.login(PHONES.chen);
    expect(
      (await t.request('POST', '/api/v1/insurance/sim/vouchers', { token: doctor, body: {} })).statusCode,
    ).toBe(403);

    // An account that has not verified its real name has no patient record to show a voucher for.
    const accountId = newId();
    const phone = '13712345678';
    await t.ctx.db
      .insertInto('account')
      .values({
        id: accountId,
        phone_enc: t.ctx.cipher.encrypt(phone),
        phone_bidx: t.ctx.cipher.blindIndex('phone', phone),
        password_hash: null,
        name: '未实名',
        roles: ['patient'],
        institution_id: null,
        practitioner_id: null,
        created_at: t.clock.now(),
      })
      .execute();
    const { token: unverified } = await createSession(t.ctx, t.ctx.db, { id: accountId, roles: ['patient'] });
    const refusedRes = await t.request('POST', '/api/v1/insurance/sim/vouchers', {
      token: unverified,
      body: {},
    });
    expect(refusedRes.statusCode).toBe(403);
    expect(refusedRes.json().code).toBe('REAL_NAME_REQUIRED');

    const bad = await t.request('POST', '/api/v1/insurance/sim/vouchers', {
      token: lina,
      body: { patientId: 'x' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('ID-3: a voucher lasts voucherTtlMs: 1101 and 2206 refuse it once expired', async () => {
    const h = await holder(ZHANG_ID, '张伟');
    const ttl = t.ctx.config.insurance.voucherTtlMs;
    t.clock.advance(ttl - 1_000);
    await expect(sim.personInfo({ msgId: msg(), voucher: h.voucher })).resolves.toMatchObject({
      name: '张伟',
    });
    t.clock.advance(1_000);
    await refused(sim.personInfo({ msgId: msg(), voucher: h.voucher }), 'voucher_invalid');
    await refused(sim.preSettle(request(h, [service(3_000)])), 'voucher_invalid');
  });
});

// --- 2206 / 2207

describe('pre-settlement and settlement (INS-2)', () => {
  it("INS-2: 2206 answers 王秀英's split and records nothing; 2207 then records exactly that split", async () => {
    const wang = await holder(WANG_ID, '王秀英');
    const before = await person(wang.psnNo);
    const counts = await ledgerCounts();
    // Tertiary employee policy: deductible already met (300 yuan), 70 %, service basis 15 yuan, 乙类 10 %.
    // service 30.00 → eligible 15.00 → fund 10.50; 甲 50.00 → fund 35.00; 乙 20.00 → eligible 18.00 → fund
    // 12.60; delivery 8.00 → fund 0. Self-pay 49.90: her account's 30.00 pays it in line order until it runs
    // out (part of line 2), the rest is cash.
    const lines = [service(3_000), drug('A', 5_000), drug('B', 2_000), delivery(800)];
    const pre = await sim.preSettle(request(wang, lines));
    const policy = await t.ctx.db
      .selectFrom('insurance_policy')
      .select(['id', 'version'])
      .where('scheme', '=', 'employee')
      .where('institution_level', '=', 'tertiary')
      .executeTakeFirstOrThrow();
    expect(pre).toEqual({
      totalFen: 10_800,
      fundFen: 5_810,
      accountFen: 3_000,
      cashFen: 1_990,
      policyId: policy.id,
      policyVersion: policy.version,
      lines: [
        { line: 1, totalFen: 3_000, fundFen: 1_050, accountFen: 1_950, cashFen: 0 },
        { line: 2, totalFen: 5_000, fundFen: 3_500, accountFen: 1_050, cashFen: 450 },
        { line: 3, totalFen: 2_000, fundFen: 1_260, accountFen: 0, cashFen: 740 },
        { line: 4, totalFen: 800, fundFen: 0, accountFen: 0, cashFen: 800 },
      ],
      basis: {
        ytdYear: 2026,
        ytdTotalFen: 186_000,
        ytdDeductibleFen: 30_000,
        ytdFundFen: 97_300,
        balanceFen: 3_000,
      },
    });
    expect(await ledgerCounts()).toEqual(counts);
    expect(await person(wang.psnNo)).toEqual(before);

    const req = request(wang, lines);
    const settled = await sim.settle(req);
    expect(settled).toEqual({
      ...pre,
      setlId: expect.stringMatching(/^SETL20261122/),
      settledAt: t.clock.now(),
    });
    expect(await person(wang.psnNo)).toEqual({
      balanceFen: 0,
      ytdYear: 2026,
      ytdTotalFen: 186_000 + 10_800,
      ytdDeductibleFen: 30_000,
      ytdFundFen: 97_300 + 5_810,
    });
    const [row] = await settlementsOf(req.msgId);
    expect(row).toMatchObject({
      setl_id: settled.setlId,
      psn_no: wang.psnNo,
      institution_code: 'YC-H01',
      order_ref: req.orderRef,
      status: 'settled',
      account_payer_psn_no: null,
    });
    expect(Number(row!.fund_fen) + Number(row!.account_fen) + Number(row!.cash_fen)).toBe(10_800);
  });

  it('INS-2: a settlement that crosses the deductible moves ytd_deductible; the next one is reimbursed from the first fen', async () => {
    const h = await holder(madeUpId('employee', 100_000), '钱多多');
    const start = await person(h.psnNo);
    // Tertiary: 300 yuan deductible, then 70 %. 甲 500.00 → 300.00 deductible, fund 140.00, account 360.00.
    const first = await sim.settle(request(h, [drug('A', 50_000)]));
    expect(first).toMatchObject({ totalFen: 50_000, fundFen: 14_000, accountFen: 36_000, cashFen: 0 });
    expect(await person(h.psnNo)).toEqual({
      balanceFen: start.balanceFen - 36_000,
      ytdYear: 2026,
      ytdTotalFen: 50_000,
      ytdDeductibleFen: 30_000,
      ytdFundFen: 14_000,
    });
    const second = await sim.settle(request(h, [drug('A', 10_000)]));
    expect(second).toMatchObject({ fundFen: 7_000, accountFen: 3_000 });
    expect(second.basis).toEqual({
      ytdYear: 2026,
      ytdTotalFen: 50_000,
      ytdDeductibleFen: 30_000,
      ytdFundFen: 14_000,
      balanceFen: start.balanceFen - 36_000,
    });
    expect(await person(h.psnNo)).toMatchObject({ ytdDeductibleFen: 30_000, ytdFundFen: 21_000 });
  });

  it('2207 is idempotent by msgId: the same msgId twice is one settlement and the same answer; reused for 2208 it is refused', async () => {
    const h = await holder(madeUpId('employee', 100_000), '孙重发');
    const start = await person(h.psnNo);
    const req = request(h, [service(2_000), drug('A', 3_000)]);
    const first = await sim.settle(req);
    const again = await sim.settle({ ...req, voucher: 'ecv_not_checked_on_a_replay', lines: [] });
    expect(again).toEqual(first);
    expect(await settlementsOf(req.msgId)).toHaveLength(1);
    expect((await person(h.psnNo)).balanceFen).toBe(start.balanceFen - first.accountFen);

    await refused(
      sim.reverse({ msgId: req.msgId, setlId: first.setlId, psnNo: h.psnNo, institutionCode: 'YC-H01' }),
      'rejected',
    );
    expect((await settlementsOf(req.msgId))[0]!.status).toBe('settled');
  });

  it("ID-3: 2207 with another person's voucher is refused (voucher_mismatch) and records nothing", async () => {
    const a = await holder(madeUpId('employee'), '周甲');
    const b = await holder(madeUpId('employee'), '周乙');
    const req = request({ voucher: a.voucher, psnNo: b.psnNo }, [drug('A', 1_000)]);
    await refused(sim.settle(req), 'voucher_mismatch');
    expect(await settlementsOf(req.msgId)).toHaveLength(0);
    // Nothing was stored under the msgId: sent again with the right voucher, it settles.
    await expect(sim.settle({ ...req, voucher: b.voucher })).resolves.toMatchObject({ totalFen: 1_000 });
  });

  it("INS-2 家庭共济: 张伟's account pays 李小宝's self-pay, his ytd untouched; a resident payer is refused", async () => {
    const child = await holder(CHILD_ID, '李小宝');
    const zhang = await holder(ZHANG_ID, '张伟');
    const lina = await holder(LINA_ID, '李娜');
    const zhangBefore = await person(zhang.psnNo);
    const childBefore = await person(child.psnNo);
    // Primary, residents' policy: no deductible, 60 %, service basis 10 yuan → 20.00 fee: fund 6.00, self-pay
    // 14.00 paid by 张伟's employee account.
    const req = request(child, [service(2_000)], {
      institutionCode: 'YC-C01',
      institutionLevel: 'primary',
      accountPayerPsnNo: zhang.psnNo,
    });
    const settled = await sim.settle(req);
    expect(settled).toMatchObject({ totalFen: 2_000, fundFen: 600, accountFen: 1_400, cashFen: 0 });
    expect(settled.basis.balanceFen).toBe(zhangBefore.balanceFen);
    expect(await person(zhang.psnNo)).toEqual({ ...zhangBefore, balanceFen: zhangBefore.balanceFen - 1_400 });
    expect(await person(child.psnNo)).toEqual({
      ...childBefore,
      ytdTotalFen: childBefore.ytdTotalFen + 2_000,
      ytdFundFen: childBefore.ytdFundFen + 600,
    });
    expect((await settlementsOf(req.msgId))[0]!.account_payer_psn_no).toBe(zhang.psnNo);

    await refused(sim.settle({ ...req, msgId: msg(), accountPayerPsnNo: lina.psnNo }), 'rejected');
    await refused(
      sim.preSettle({ ...req, msgId: msg(), accountPayerPsnNo: '53019999999999' }),
      'person_not_found',
    );
    // Without a payer the resident pays cash.
    const own = await sim.preSettle({ ...req, msgId: msg(), accountPayerPsnNo: null });
    expect(own).toMatchObject({ fundFen: 600, accountFen: 0, cashFen: 1_400 });
  });
});

// --- faults, reversal

describe('faults: lost answers and timeouts', () => {
  it('a lost 2207 answer: the ledger has the settlement, lookup finds it, resending the msgId answers it once', async () => {
    const h = await holder(madeUpId('employee', 100_000), '吴丢失');
    const start = await person(h.psnNo);
    const req = request(h, [drug('A', 4_000)]);
    sim.failNext('2207', 'lost_answer');
    await expect(sim.settle(req)).rejects.toBeInstanceOf(InsurancePlatformUnavailable);
    const [row] = await settlementsOf(req.msgId);
    expect(row?.status).toBe('settled');

    const found = await sim.lookup({ msgId: msg(), settleMsgId: req.msgId });
    expect(found.state).toBe('settled');
    if (found.state !== 'settled') throw new Error('unreachable');
    expect(found.result.setlId).toBe(row!.setl_id);
    expect((await person(h.psnNo)).balanceFen).toBe(start.balanceFen - found.result.accountFen);

    expect(await sim.settle(req)).toEqual(found.result);
    expect(await settlementsOf(req.msgId)).toHaveLength(1);
    expect((await person(h.psnNo)).balanceFen).toBe(start.balanceFen - found.result.accountFen);
  });

  it('a 2207 timeout (twice): nothing recorded, lookup says not_found, the third send settles', async () => {
    const h = await holder(madeUpId('employee', 100_000), '郑超时');
    const start = await person(h.psnNo);
    const req = request(h, [drug('A', 4_000)]);
    sim.failNext('2207', 'timeout', 2);
    await expect(sim.settle(req)).rejects.toBeInstanceOf(InsurancePlatformUnavailable);
    await expect(sim.settle(req)).rejects.toBeInstanceOf(InsurancePlatformUnavailable);
    expect(await settlementsOf(req.msgId)).toHaveLength(0);
    expect(await person(h.psnNo)).toEqual(start);
    expect(await sim.lookup({ msgId: msg(), settleMsgId: req.msgId })).toEqual({ state: 'not_found' });
    await expect(sim.settle(req)).resolves.toMatchObject({ totalFen: 4_000 });
    expect(await settlementsOf(req.msgId)).toHaveLength(1);
  });

  it('a lost refusal is a lost answer too; faults of one api leave the others alone; latency delays each answer', async () => {
    sim.failNext('1101', 'lost_answer');
    await expect(sim.personInfo({ msgId: msg(), voucher: 'ecv_unknown_token' })).rejects.toBeInstanceOf(
      InsurancePlatformUnavailable,
    );
    const h = await holder(madeUpId('resident'), '冯慢');
    sim.failNext('3201', 'timeout');
    await expect(sim.preSettle(request(h, [service(1_000)]))).resolves.toMatchObject({ totalFen: 1_000 });
    await expect(
      sim.dailyTotals({ msgId: msg(), institutionCode: 'YC-H01', date: '2026-11-22' }),
    ).rejects.toBeInstanceOf(InsurancePlatformUnavailable);

    sim.faults.latencyMs = 60;
    try {
      const started = Date.now();
      await sim.personInfo({ msgId: msg(), voucher: h.voucher });
      expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    } finally {
      sim.faults.latencyMs = 0;
    }
  });
});

describe('reversal (2208)', () => {
  it('2208 restores the ytd figures and the balance exactly; again it answers the same reversedAt; unknown ids are not_settled', async () => {
    const h = await holder(madeUpId('employee', 100_000), '陈撤销');
    const start = await person(h.psnNo);
    const req = request(h, [drug('A', 40_000)]); // crosses the 300-yuan deductible
    const settled = await sim.settle(req);
    expect((await person(h.psnNo)).ytdDeductibleFen).toBe(30_000);

    t.clock.advance(60_000);
    const reverse = { msgId: msg(), setlId: settled.setlId, psnNo: h.psnNo, institutionCode: 'YC-H01' };
    sim.failNext('2208', 'lost_answer');
    await expect(sim.reverse(reverse)).rejects.toBeInstanceOf(InsurancePlatformUnavailable);
    expect(await person(h.psnNo)).toEqual(start);
    const { reversedAt } = await sim.reverse(reverse); // the same msgId: the stored answer
    expect(reversedAt).toEqual(t.clock.now());

    t.clock.advance(60_000);
    expect(await sim.reverse({ ...reverse, msgId: msg() })).toEqual({ reversedAt });
    expect(await person(h.psnNo)).toEqual(start);
    const [row] = await settlementsOf(req.msgId);
    expect(row).toMatchObject({ status: 'reversed', reversed_at: reversedAt, reverse_msg_id: reverse.msgId });
    expect(await sim.lookup({ msgId: msg(), settleMsgId: req.msgId })).toEqual({
      state: 'reversed',
      result: settled,
      reversedAt,
    });

    await refused(sim.reverse({ ...reverse, msgId: msg(), setlId: 'SETL-unknown' }), 'not_settled');
    await refused(sim.reverse({ ...reverse, msgId: msg(), institutionCode: 'YC-H02' }), 'not_settled');
  });
});

// --- 3201 / 3202 and the year rollover (the clock only moves forward from here)

describe('daily totals and details (3201, 3202) and the year', () => {
  it("3201/3202 by Asia/Shanghai day: a settlement reversed the next day leaves its day's totals and shows as reversed there", async () => {
    const code = 'YC-C05';
    const extra = { institutionCode: code, institutionLevel: 'primary' as const };
    t.clock.set('2026-11-22T15:58:00Z'); // 23:58 in Shanghai
    let h = await holder(madeUpId('employee'), '褚日结');
    // Primary employee policy: 90 %, no deductible. 甲 100.00 → fund 90.00; 丙 30.00 → all self-pay.
    const a = await sim.settle(request(h, [drug('A', 10_000)], extra));
    t.clock.advance(30_000);
    const b = await sim.settle(request(h, [drug('C', 3_000)], extra));
    t.clock.set('2026-11-22T16:02:00Z'); // 00:02 on the 23rd
    h = await holder(madeUpId('employee'), '卫次日');
    const c = await sim.settle(request(h, [drug('A', 2_000)], extra));
    const aPsn = (
      await t.ctx.db
        .selectFrom('inssim_settlement')
        .select('psn_no')
        .where('setl_id', '=', a.setlId)
        .executeTakeFirstOrThrow()
    ).psn_no;
    const { reversedAt } = await sim.reverse({
      msgId: msg(),
      setlId: a.setlId,
      psnNo: aPsn,
      institutionCode: code,
    });

    const totals = (date: string) => sim.dailyTotals({ msgId: msg(), institutionCode: code, date });
    const details = (date: string) => sim.dailyDetails({ msgId: msg(), institutionCode: code, date });
    expect(await totals('2026-11-22')).toEqual({
      settlements: 1,
      fundFen: b.fundFen,
      accountFen: b.accountFen,
      cashFen: b.cashFen,
    });
    const day22 = await details('2026-11-22');
    expect(day22.map((d) => [d.setlId, d.status, d.reversedAt])).toEqual([
      [a.setlId, 'reversed', reversedAt],
      [b.setlId, 'settled', null],
    ]);
    expect(day22[0]).toMatchObject({ totalFen: 10_000, fundFen: 9_000, psnNo: aPsn, settledAt: a.settledAt });
    expect(await totals('2026-11-23')).toEqual({
      settlements: 1,
      fundFen: 1_800,
      accountFen: 200,
      cashFen: 0,
    });
    expect((await details('2026-11-23')).map((d) => d.setlId)).toEqual([c.setlId]);
    expect(await totals('2026-11-21')).toEqual({ settlements: 0, fundFen: 0, accountFen: 0, cashFen: 0 });
    expect(await sim.dailyDetails({ msgId: msg(), institutionCode: 'YC-C06', date: '2026-11-22' })).toEqual(
      [],
    );
    await refused(totals('2026-13-45'), 'rejected');
  });

  it('the year rolls over: 1101 shows 2027 from zero, the deductible counts again, 2026 is closed, a 2026 reversal gives back the balance only', async () => {
    t.clock.set('2026-12-31T10:00:00Z'); // 18:00 on 31 December in Shanghai
    const idNumber = madeUpId('employee', 100_000);
    let h = await holder(idNumber, '蒋跨年');
    const old = await sim.settle(request(h, [drug('A', 40_000)])); // deductible 300.00 met in 2026
    const end2026 = await person(h.psnNo);
    expect(end2026).toMatchObject({ ytdYear: 2026, ytdDeductibleFen: 30_000 });

    t.clock.set('2026-12-31T16:30:00Z'); // 00:30 on 1 January 2027 in Shanghai
    h = { ...h, voucher: (await sim.issueVoucher({ idNumber, name: '蒋跨年' })).voucher };
    const info = await sim.personInfo({ msgId: msg(), voucher: h.voucher });
    expect(info).toMatchObject({
      ytdYear: 2027,
      ytdTotalFen: 0,
      ytdDeductibleFen: 0,
      ytdFundFen: 0,
      balanceFen: end2026.balanceFen,
    });
    const fresh = await sim.settle(request(h, [drug('A', 40_000)]));
    expect(fresh.basis).toMatchObject({ ytdYear: 2027, ytdDeductibleFen: 0, ytdFundFen: 0 });
    expect(fresh).toMatchObject({ fundFen: 7_000, accountFen: 33_000 }); // the deductible again, then 70 %
    const after = await person(h.psnNo);
    expect(after).toEqual({
      balanceFen: end2026.balanceFen - 33_000,
      ytdYear: 2027,
      ytdTotalFen: 40_000,
      ytdDeductibleFen: 30_000,
      ytdFundFen: 7_000,
    });

    await refused(
      sim.settle(request(h, [drug('A', 1_000)], { at: new Date('2026-12-31T10:00:00Z') })),
      'rejected',
    );
    await sim.reverse({ msgId: msg(), setlId: old.setlId, psnNo: h.psnNo, institutionCode: 'YC-H01' });
    expect(await person(h.psnNo)).toEqual({ ...after, balanceFen: after.balanceFen + old.accountFen });
  });
});

// --- races (PostgreSQL: PGlite runs one transaction at a time)

describe('concurrent settlements of one person', () => {
  itOnPostgres(
    '10 settlements at once whose self-pay exceeds the balance: never negative, the account parts sum to the balance spent',
    async () => {
      const idNumber = madeUpId('employee');
      const h = await holder(idNumber, '韩并发');
      const start = await person(h.psnNo);
      expect(start.balanceFen).toBe(madeUpPerson(idNumber).balanceFen);
      // 丙类: all self-pay. Each is a bit over a quarter of the balance: three in full, one in part, six in cash.
      const each = Math.ceil(start.balanceFen / 4) + 7;
      const reqs = Array.from({ length: 10 }, () => request(h, [drug('C', each)]));
      const results = await Promise.all(reqs.map((r) => sim.settle(r)));

      const end = await person(h.psnNo);
      expect(end.balanceFen).toBe(0);
      const accounts = results.map((r) => r.accountFen);
      expect(accounts.reduce((s, x) => s + x, 0)).toBe(start.balanceFen - end.balanceFen);
      expect(accounts.filter((x) => x === each)).toHaveLength(3);
      expect(accounts.filter((x) => x === 0)).toHaveLength(6);
      for (const r of results) expect(r.fundFen + r.accountFen + r.cashFen).toBe(each);
      expect(end.ytdTotalFen).toBe(10 * each);
      // Each saw the balance the one before it left: they ran one after another on the person's lock.
      const b = start.balanceFen;
      expect(results.map((r) => r.basis.balanceFen).sort((x, y) => y - x)).toEqual([
        b,
        b - each,
        b - 2 * each,
        b - 3 * each,
        ...Array(6).fill(0),
      ]);
    },
    60_000,
  );

  itOnPostgres(
    'one msgId sent 5 times at once: one settlement, one answer',
    async () => {
      const h = await holder(madeUpId('employee'), '杨重复');
      const start = await person(h.psnNo);
      const req = request(h, [drug('A', 5_000)]);
      const results = await Promise.all(Array.from({ length: 5 }, () => sim.settle(req)));
      for (const r of results) expect(r).toEqual(results[0]);
      expect(await settlementsOf(req.msgId)).toHaveLength(1);
      expect((await person(h.psnNo)).balanceFen).toBe(start.balanceFen - results[0]!.accountFen);
    },
    60_000,
  );
});
