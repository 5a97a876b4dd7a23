/**
 * 对账, the insurer's settlement list and fund statistics ([7/12], INS-2, INS-4). Settlements are made
 * the way the checkout stores them: the simulated platform settles (2207, so its ledger has them), our
 * insurance_settlement row keeps its answer, and the patient pays the cash part at the simulated gateway.
 * A clean day is balanced; each mismatch cause is provoked once by removing or altering one side's row;
 * the CSV opens in Excel (BOM, Chinese header); a rerun replaces the statement; the nightly job runs once
 * per day on any number of nodes; only the insurer (and an institution's own admin) may see any of it.
 * Each test works on its own business day (Asia/Shanghai).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeeLine, SettleResult } from '../../src/server/modules/insurance/platform.js';
import { runNightlyReconciliation } from '../../src/server/modules/insurance/reconciliation-job.js';
import { madeUpPerson } from '../../src/server/modules/insurance/sim/sim-persons.js';
import { newId } from '../../src/server/platform/ids.js';
import type { FundStats, Mismatch, ReconciliationStatement, Settlement } from '../../src/shared/insurance.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { itOnPostgres } from '../support/db.js';
import { makePatients, testIdNumber } from '../support/people.js';

let t: TestApp;
const tokens = { insurer: '', h01Admin: '', h03Admin: '', patient: '' };
type Level = 'primary' | 'secondary' | 'tertiary';
const inst: Record<string, { id: string; code: string; level: Level }> = {};

/** Every settlement the tests made, as the statistics should count it. */
const made: {
  institutionId: string;
  status: string;
  fundFen: number;
  accountFen: number;
  cashFen: number;
  lines: { kind: string; category: string | null; totalFen: number; fundFen: number }[];
}[] = [];

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  for (const code of ['YC-H01', 'YC-H02', 'YC-H03', 'YC-C01']) {
    const r = await t.ctx.db
      .selectFrom('institution')
      .select(['id', 'code', 'level'])
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
    inst[code] = { id: r.id, code: r.code, level: r.level as Level };
  }
}, 240_000);

afterAll(async () => {
  await t?.close();
});

let day = '2026-11-30';
/** Moves the clock to 10:00 (Asia/Shanghai) of the next test day and logs everyone in again. */
async function nextDay(): Promise<string> {
  day = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  t.clock.set(`${day}T10:00:00+08:00`);
  await relogin();
  return day;
}
/** Staff sessions end after 12 idle hours (DJ-4): the insurer logs in again each day, others when needed. */
async function relogin() {
  tokens.insurer = await t.login('13400000001');
}
async function loginOthers() {
  [tokens.h01Admin, tokens.h03Admin, tokens.patient] = await Promise.all(
    ['13600000001', '13600000002', '13800000001'].map((p) => t.login(p)),
  );
}

let serial = 0;
/** An ID number the simulated platform makes up as a resident (城乡居民: no personal account, so cash > 0). */
function residentIdNumber(): string {
  for (;;) {
    const id = testIdNumber(700_000 + serial++);
    if (madeUpPerson(id).scheme === 'resident') return id;
  }
}

const LINES: FeeLine[] = [
  {
    line: 1,
    kind: 'drug',
    itemCode: 'X-A',
    itemName: '二甲双胍片',
    category: 'A',
    quantity: 4,
    daysSupply: 28,
    totalFen: 40_000,
  },
  {
    line: 2,
    kind: 'drug',
    itemCode: 'X-C',
    itemName: '复合维生素片',
    category: 'C',
    quantity: 1,
    daysSupply: 30,
    totalFen: 1_500,
  },
  {
    line: 3,
    kind: 'service',
    itemCode: 'FU',
    itemName: '线上复诊诊查费',
    category: null,
    quantity: 1,
    daysSupply: null,
    totalFen: 2_500,
  },
  {
    line: 4,
    kind: 'delivery',
    itemCode: null,
    itemName: '配送费',
    category: null,
    quantity: 1,
    daysSupply: null,
    totalFen: 800,
  },
];
const TOTAL = LINES.reduce((n, l) => n + l.totalFen, 0);

async function insertOrder(code: string, amountFen: number, purpose: 'prescription' | 'appointment') {
  const [p] = await makePatients(t, 1);
  const now = t.clock.now();
  const orderId = newId();
  await t.ctx.db
    .insertInto('payment_order')
    .values({
      id: orderId,
      patient_id: p!.patientId,
      account_id: p!.accountId,
      purpose,
      ref_id: newId(),
      description: purpose === 'prescription' ? '处方药品及配送' : '预约挂号费',
      amount_fen: amountFen,
      status: 'created',
      expires_at: new Date(now.getTime() + 30 * 60_000),
      created_at: now,
      institution_id: inst[code]!.id,
    })
    .execute();
  return { orderId, patientId: p!.patientId };
}

/**
 * The patient pays `cashFen` at the simulated gateway's cashier; `gatewayFen` is what the gateway takes
 * (null: the gateway never saw it). The order is marked paid as the payment notification would.
 */
async function payCash(orderId: string, cashFen: number, gatewayFen: number | null = cashFen) {
  let txnId: string | null = null;
  if (cashFen > 0 && gatewayFen !== null) {
    t.sim!.faults.drop = true;
    const { prepayId } = await t.sim!.prepay({
      orderId,
      amountFen: gatewayFen,
      description: '云医订单',
      expiresAt: new Date(t.clock.now().getTime() + 30 * 60_000),
    });
    expect(await t.sim!.confirm(prepayId)).toBe('paid');
    t.sim!.faults.drop = false;
    txnId = (await t.sim!.query(orderId)).txnId ?? null;
  }
  await t.ctx.db
    .updateTable('payment_order')
    .set({
      status: 'paid',
      paid_at: t.clock.now(),
      channel: cashFen > 0 ? 'sim' : 'insurance',
      gateway_txn_id: txnId,
    })
    .where('id', '=', orderId)
    .execute();
}

/**
 * An insured prescription order settled at the platform (2207) and stored as the checkout stores it;
 * `lost` leaves our row pending (the answer was lost); `paid: false` leaves the order unpaid.
 */
async function insuredOrder(code: string, o: { paid?: boolean; lost?: boolean } = {}) {
  const i = inst[code]!;
  const { orderId, patientId } = await insertOrder(code, TOTAL, 'prescription');
  const sim = t.insurance.sim!;
  const { voucher } = await sim.issueVoucher({ idNumber: residentIdNumber(), name: '测试参保人' });
  const person = await sim.personInfo({ msgId: newId(), voucher });
  const msgId = `2207-${newId()}`;
  const now = t.clock.now();
  const r: SettleResult = await sim.settle({
    msgId,
    voucher,
    psnNo: person.psnNo,
    institutionCode: i.code,
    institutionLevel: i.level,
    orderRef: orderId,
    at: now,
    lines: LINES,
  });
  expect(r.fundFen).toBeGreaterThan(0);
  expect(r.cashFen).toBeGreaterThan(0);
  const settlementId = newId();
  await t.ctx.db
    .insertInto('insurance_settlement')
    .values({
      id: settlementId,
      order_id: orderId,
      patient_id: patientId,
      institution_id: i.id,
      psn_no: person.psnNo,
      scheme: person.scheme,
      insuring_region: person.insuringRegion,
      account_payer_patient_id: null,
      policy_id: r.policyId,
      policy_version: r.policyVersion,
      status: o.lost ? 'pending' : 'settled',
      msg_id: msgId,
      platform_setl_id: o.lost ? null : r.setlId,
      total_fen: o.lost ? TOTAL : r.totalFen,
      fund_fen: o.lost ? 0 : r.fundFen,
      account_fen: o.lost ? 0 : r.accountFen,
      cash_fen: o.lost ? TOTAL : r.cashFen,
      basis: JSON.stringify({ ...r.basis, person }),
      practitioner_id: null,
      requested_at: now,
      settled_at: o.lost ? null : r.settledAt,
    })
    .execute();
  await t.ctx.db
    .insertInto('insurance_settlement_line')
    .values(
      LINES.map((l) => {
        const split = r.lines.find((x) => x.line === l.line)!;
        return {
          settlement_id: settlementId,
          line: l.line,
          kind: l.kind,
          item_code: l.itemCode,
          item_name: l.itemName,
          category: l.category,
          quantity: l.quantity,
          days_supply: l.daysSupply,
          total_fen: l.totalFen,
          fund_fen: o.lost ? 0 : split.fundFen,
          account_fen: o.lost ? 0 : split.accountFen,
          cash_fen: o.lost ? l.totalFen : split.cashFen,
        };
      }),
    )
    .execute();
  await t.ctx.db
    .updateTable('payment_order')
    .set({ cash_fen: r.cashFen, insurance_settlement_id: settlementId })
    .where('id', '=', orderId)
    .execute();
  const record = {
    institutionId: i.id,
    status: o.lost ? 'pending' : 'settled',
    fundFen: r.fundFen,
    accountFen: r.accountFen,
    cashFen: r.cashFen,
    lines: LINES.map((l) => ({
      kind: l.kind,
      category: l.category,
      totalFen: l.totalFen,
      fundFen: r.lines.find((x) => x.line === l.line)!.fundFen,
    })),
  };
  made.push(record);
  if (o.paid !== false && !o.lost) await payCash(orderId, r.cashFen);
  return { orderId, settlementId, msgId, result: r, psnNo: person.psnNo, record };
}

/** A self-pay order (appointment fee) paid at the gateway; `gatewayFen` as in payCash. */
async function selfPayOrder(code: string, amountFen = 2_000, gatewayFen: number | null = amountFen) {
  const { orderId } = await insertOrder(code, amountFen, 'appointment');
  await payCash(orderId, amountFen, gatewayFen);
  return orderId;
}

const url = (code: string, date: string, extra = '') =>
  `/api/v1/reconciliation?institutionId=${inst[code]!.id}&date=${date}${extra}`;

async function statement(code: string, date: string, extra = '', token = tokens.insurer) {
  const res = await t.request('GET', url(code, date, extra), { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ReconciliationStatement;
}

const causes = (s: ReconciliationStatement) => s.mismatches.map((m) => m.cause).sort();
const mismatch = (s: ReconciliationStatement, cause: Mismatch['cause']) =>
  s.mismatches.find((m) => m.cause === cause)!;

describe('the daily statement (对账, INS-4)', () => {
  it('a clean day is balanced: every settlement at the platform (3201/3202), every payment at the gateway (INS-4, DJ-12)', async () => {
    const date = await nextDay();
    const a = await insuredOrder('YC-H01');
    const b = await insuredOrder('YC-H01');
    await selfPayOrder('YC-H01', 2_000);
    const s = await statement('YC-H01', date);
    expect(s).toMatchObject({
      institutionId: inst['YC-H01']!.id,
      date,
      status: 'balanced',
      orders: 3,
      settlements: 2,
      payments: 3,
      fundFen: a.result.fundFen + b.result.fundFen,
      accountFen: 0,
      cashFen: a.result.cashFen + b.result.cashFen,
      mismatches: [],
    });
    expect(s.institutionName).not.toBe('');
    // The platform's own totals say the same.
    const theirs = await t.insurance.sim!.dailyTotals({ msgId: newId(), institutionCode: 'YC-H01', date });
    expect(theirs).toEqual({ settlements: 2, fundFen: s.fundFen, accountFen: 0, cashFen: s.cashFen });
    const rows = await t.ctx.db
      .selectFrom('reconciliation_statement')
      .selectAll()
      .where('institution_id', '=', inst['YC-H01']!.id)
      .where('business_date', '=', date)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'balanced', orders: 3, settlements: 2 });
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['actor_role', 'details'])
      .where('action', '=', 'insurance.reconciliation.run')
      .where('resource_id', '=', rows[0]!.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_role: 'insurer', details: { status: 'balanced', date } });
  });

  it('an insured follow-up paid through the API (ID-3 link, 2207, the cash part at the gateway) reconciles balanced (INS-2, INS-3)', async () => {
    const date = await nextDay();
    const zhang = await t.login('13800000001');
    const sim = t.insurance.sim!;
    const voucher = async () =>
      (await sim.issueVoucher({ idNumber: '11010119780315031X', name: '张伟' })).voucher;
    const link = await t.request('POST', '/api/v1/insurance/link', {
      token: zhang,
      body: { voucher: await voucher() },
    });
    expect(link.statusCode, link.body).toBe(200);
    // His deductible met this year and his personal account empty: the fund pays its share, the rest is cash.
    const { psnNo } = await sim.personInfo({ msgId: newId(), voucher: await voucher() });
    await t.ctx.db
      .updateTable('inssim_person')
      .set({ ytd_deductible_fen: 30_000, balance_fen: 0 })
      .where('psn_no', '=', psnNo)
      .execute();
    const doctorId = (
      await t.ctx.db
        .selectFrom('practitioner')
        .select('id')
        .where('code', '=', 'P001')
        .executeTakeFirstOrThrow()
    ).id;
    const visit = await t.request('POST', '/api/v1/visits', {
      token: zhang,
      body: { type: 'follow_up', doctorId, conditionCode: 'I10', consent: true, description: '高血压复诊' },
    });
    expect(visit.statusCode, visit.body).toBe(201);
    const orderId = visit.json().orderId as string;
    const pay = await t.request('POST', `/api/v1/orders/${orderId}/pay`, {
      token: zhang,
      body: { channel: 'sim', insurance: { voucher: await voucher() } },
    });
    expect(pay.statusCode, pay.body).toBe(200);
    const paid = pay.json();
    expect(paid).toMatchObject({ status: 'awaiting_cash', insurance: { accountFen: 0 } });
    expect(paid.insurance.fundFen).toBeGreaterThan(0);
    expect(await t.sim!.confirm(paid.prepayId)).toBe('paid');
    await t.sim!.settle();
    expect((await t.request('GET', `/api/v1/orders/${orderId}`, { token: zhang })).json().status).toBe(
      'paid',
    );

    const s = await statement('YC-H01', date);
    expect(s).toMatchObject({
      status: 'balanced',
      orders: 1,
      settlements: 1,
      payments: 1,
      fundFen: paid.insurance.fundFen,
      cashFen: paid.insurance.cashFen,
      mismatches: [],
    });
    const settlement = (
      await t.request(
        'GET',
        `/api/v1/insurance/settlements?date=${date}&institutionId=${inst['YC-H01']!.id}`,
        {
          token: tokens.insurer,
        },
      )
    ).json().items[0] as Settlement;
    expect(settlement).toMatchObject({
      orderId,
      patientName: '张伟',
      status: 'settled',
      fundFen: paid.insurance.fundFen,
    });
    expect(settlement.lines).toHaveLength(1);
    expect(settlement.lines[0]!.category).toBeNull();
    made.push({
      institutionId: inst['YC-H01']!.id,
      status: 'settled',
      fundFen: settlement.fundFen,
      accountFen: settlement.accountFen,
      cashFen: settlement.cashFen,
      lines: settlement.lines.map((l) => ({
        kind: 'service',
        category: null,
        totalFen: l.totalFen,
        fundFen: l.fundFen,
      })),
    });
  });

  it('a settlement the platform does not have: settlement_missing_at_platform, and the totals differ', async () => {
    const date = await nextDay();
    const a = await insuredOrder('YC-H01');
    await insuredOrder('YC-H01');
    await t.ctx.db.deleteFrom('inssim_settlement').where('setl_id', '=', a.result.setlId).execute();
    const s = await statement('YC-H01', date);
    expect(s.status).toBe('mismatched');
    expect(causes(s)).toEqual(['settlement_missing_at_platform', 'totals_differ']);
    expect(mismatch(s, 'settlement_missing_at_platform')).toMatchObject({
      orderId: a.orderId,
      settlementId: a.settlementId,
      ours: { status: 'settled', fundFen: a.result.fundFen, setlId: a.result.setlId },
      theirs: null,
    });
    expect(mismatch(s, 'totals_differ')).toMatchObject({
      ours: { settlements: 2 },
      theirs: { settlements: 1 },
    });
  });

  it('a settlement only the platform has (our answer was lost, still pending): settlement_only_at_platform', async () => {
    const date = await nextDay();
    const a = await insuredOrder('YC-H01', { lost: true });
    const s = await statement('YC-H01', date);
    expect(causes(s)).toEqual(['settlement_only_at_platform', 'totals_differ']);
    expect(mismatch(s, 'settlement_only_at_platform')).toMatchObject({
      orderId: a.orderId,
      settlementId: a.settlementId,
      ours: { status: 'pending' },
      theirs: { status: 'settled', setlId: a.result.setlId, msgId: a.msgId, fundFen: a.result.fundFen },
    });
  });

  it('the platform split a settlement differently: settlement_amount_differs with both figures', async () => {
    const date = await nextDay();
    const a = await insuredOrder('YC-H01');
    await t.ctx.db
      .updateTable('inssim_settlement')
      .set({ fund_fen: a.result.fundFen - 100, cash_fen: a.result.cashFen + 100 })
      .where('setl_id', '=', a.result.setlId)
      .execute();
    const s = await statement('YC-H01', date);
    expect(causes(s)).toEqual(['settlement_amount_differs', 'totals_differ']);
    expect(mismatch(s, 'settlement_amount_differs')).toMatchObject({
      settlementId: a.settlementId,
      ours: { fundFen: a.result.fundFen, cashFen: a.result.cashFen },
      theirs: { fundFen: a.result.fundFen - 100, cashFen: a.result.cashFen + 100 },
    });
  });

  it('a payment the gateway never took, and one it took for another amount: payment_missing_at_gateway, payment_amount_differs', async () => {
    const date = await nextDay();
    await insuredOrder('YC-H02');
    const missing = await selfPayOrder('YC-H02', 2_000, null);
    const short = await selfPayOrder('YC-H02', 3_000, 2_900);
    const s = await statement('YC-H02', date);
    expect(causes(s)).toEqual(['payment_amount_differs', 'payment_missing_at_gateway']);
    expect(mismatch(s, 'payment_missing_at_gateway')).toMatchObject({
      orderId: missing,
      ours: { cashFen: 2_000, status: 'paid' },
      theirs: { state: 'not_found' },
    });
    expect(mismatch(s, 'payment_amount_differs')).toMatchObject({
      orderId: short,
      ours: { cashFen: 3_000 },
      theirs: { source: 'gateway', amountFen: 2_900 },
    });
  });

  it('an order paid while its settlement was reversed, and a settlement whose order nobody paid', async () => {
    const date = await nextDay();
    const reversed = await insuredOrder('YC-H01');
    const unpaid = await insuredOrder('YC-H01', { paid: false });
    // The insurance part was reversed (2208) at both ends, but the order still stands paid.
    const { reversedAt } = await t.insurance.sim!.reverse({
      msgId: `2208-${reversed.settlementId}`,
      setlId: reversed.result.setlId,
      psnNo: reversed.psnNo,
      institutionCode: 'YC-H01',
    });
    await t.ctx.db
      .updateTable('insurance_settlement')
      .set({ status: 'reversed', reversed_at: reversedAt, reverse_msg_id: `2208-${reversed.settlementId}` })
      .where('id', '=', reversed.settlementId)
      .execute();
    reversed.record.status = 'reversed';
    const s = await statement('YC-H01', date);
    expect(causes(s)).toEqual(['paid_without_settlement', 'settled_order_not_paid']);
    expect(mismatch(s, 'paid_without_settlement')).toMatchObject({
      orderId: reversed.orderId,
      ours: { status: 'paid', settlement: { status: 'reversed' } },
    });
    expect(mismatch(s, 'settled_order_not_paid')).toMatchObject({
      orderId: unpaid.orderId,
      settlementId: unpaid.settlementId,
      ours: { status: 'settled', order: { status: 'created' } },
    });
    // 3201 leaves the reversed one out, as we do: the totals agree.
    expect(s).toMatchObject({ settlements: 1, fundFen: unpaid.result.fundFen });
  });

  it('the CSV has a UTF-8 BOM, a Chinese header, one row per order and settlement with its result and cause', async () => {
    const date = await nextDay();
    const a = await insuredOrder('YC-H01');
    const missing = await selfPayOrder('YC-H01', 2_000, null);
    const res = await t.request('GET', url('YC-H01', date, '&format=csv'), { token: tokens.insurer });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const disposition = String(res.headers['content-disposition']);
    expect(disposition).toContain(`filename="reconciliation-YC-H01-${date}.csv"`);
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent('对账单-')}`);
    const lines = res.rawPayload.subarray(3).toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]!.split(',')).toEqual([
      '类型',
      '订单号',
      '结算号',
      '医保结算ID',
      '本方状态',
      '本方总额(元)',
      '本方统筹基金(元)',
      '本方个人账户(元)',
      '本方现金(元)',
      '对方状态',
      '对方金额(元)',
      '对方统筹基金(元)',
      '对方个人账户(元)',
      '对方现金(元)',
      '对账结果',
      '差异原因',
    ]);
    // Two orders, one settlement, the totals row.
    expect(lines).toHaveLength(5);
    const row = (start: string, id: string) =>
      lines.find((l) => l.startsWith(start) && l.includes(id))!.split(',');
    const bad = row('订单,', missing);
    expect(bad.slice(-2)).toEqual(['不一致', '支付渠道无此笔收款']);
    expect(bad[9]).toBe('无此交易');
    const good = row('订单,', a.orderId);
    expect(good.slice(-2)).toEqual(['一致', '']);
    expect(good[8]).toBe((a.result.cashFen / 100).toFixed(2));
    const settled = row('医保结算,', a.settlementId);
    expect(settled[3]).toBe(a.result.setlId);
    expect(settled[6]).toBe((a.result.fundFen / 100).toFixed(2));
    expect(settled.slice(-2)).toEqual(['一致', '']);
    expect(lines.at(-1)!.startsWith('总账（3201）,')).toBe(true);
  });

  it('the stored statement is answered until a rerun replaces it (one row per institution and day)', async () => {
    const date = await nextDay();
    const a = await insuredOrder('YC-H03');
    const first = await statement('YC-H03', date);
    expect(first.status).toBe('balanced');
    await t.ctx.db.deleteFrom('inssim_settlement').where('setl_id', '=', a.result.setlId).execute();
    t.clock.advance(60_000);
    await relogin();
    expect(await statement('YC-H03', date)).toEqual(first);
    const again = await statement('YC-H03', date, '&rerun=true');
    expect(again.status).toBe('mismatched');
    expect(causes(again)).toEqual(['settlement_missing_at_platform', 'totals_differ']);
    expect(Date.parse(again.runAt)).toBeGreaterThan(Date.parse(first.runAt));
    expect(await statement('YC-H03', date)).toEqual(again);
    const rows = await t.ctx.db
      .selectFrom('reconciliation_statement')
      .select('id')
      .where('institution_id', '=', inst['YC-H03']!.id)
      .where('business_date', '=', date)
      .execute();
    expect(rows).toHaveLength(1);
    const runs = await t.ctx.db
      .selectFrom('audit_event')
      .select('id')
      .where('action', '=', 'insurance.reconciliation.run')
      .where('resource_id', '=', rows[0]!.id)
      .execute();
    expect(runs).toHaveLength(2);
  });

  it('the platform not answering is a 503 and leaves the stored statement as it was', async () => {
    const date = await nextDay();
    await insuredOrder('YC-H01');
    const first = await statement('YC-H01', date);
    t.insurance.sim!.failNext('3202', 'timeout');
    const res = await t.request('GET', url('YC-H01', date, '&rerun=true'), { token: tokens.insurer });
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('INSURANCE_RECONCILIATION_UNAVAILABLE');
    expect(await statement('YC-H01', date)).toEqual(first);
  });

  it('only the insurer, or the admin of that institution, sees a statement (DJ-7); a future day is refused', async () => {
    const date = await nextDay();
    await loginOthers();
    const patient = await t.request('GET', url('YC-H01', date), { token: tokens.patient });
    expect(patient.statusCode).toBe(403);
    const other = await t.request('GET', url('YC-H01', date), { token: tokens.h03Admin });
    expect(other.statusCode).toBe(403);
    expect(other.json().code).toBe('FORBIDDEN');
    expect(
      await t.ctx.db
        .selectFrom('reconciliation_statement')
        .select('id')
        .where('business_date', '=', date)
        .execute(),
    ).toEqual([]);
    const own = await statement('YC-H01', date, '', tokens.h01Admin);
    expect(own).toMatchObject({ status: 'balanced', orders: 0 });
    const tomorrow = await t.request('GET', url('YC-H01', '2099-01-01'), { token: tokens.insurer });
    expect(tomorrow.statusCode).toBe(400);
    const unknown = await t.request('GET', `/api/v1/reconciliation?institutionId=${newId()}&date=${date}`, {
      token: tokens.insurer,
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('the nightly reconciliation (INS-4)', () => {
  const statementOf = (code: string, date: string) =>
    t.ctx.db
      .selectFrom('reconciliation_statement')
      .selectAll()
      .where('institution_id', '=', inst[code]!.id)
      .where('business_date', '=', date)
      .executeTakeFirst();
  const runsOf = async (code: string, date: string) => {
    const s = await statementOf(code, date);
    if (!s) return 0;
    return (
      await t.ctx.db
        .selectFrom('audit_event')
        .select('id')
        .where('action', '=', 'insurance.reconciliation.run')
        .where('resource_id', '=', s.id)
        .execute()
    ).length;
  };

  it('runs once per business day after the nightly hour, for yesterday, for every institution with business or designated (INS-1)', async () => {
    const date = await nextDay();
    await insuredOrder('YC-H02');
    await selfPayOrder('YC-H02');
    // Reconciled by hand late in the day: the night runs it again, with the day complete.
    t.clock.set(`${date}T23:00:00+08:00`);
    await relogin();
    await statement('YC-H01', date);
    const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    t.clock.set(`${next}T01:30:00+08:00`);
    expect(await runNightlyReconciliation(t.ctx, t.insurance)).toEqual({ date: null, ran: [], failed: [] });
    expect(await statementOf('YC-H02', date)).toBeUndefined();

    t.clock.set(`${next}T02:30:00+08:00`);
    const night = await runNightlyReconciliation(t.ctx, t.insurance);
    expect(night.date).toBe(date);
    expect(night.failed).toEqual([]);
    expect(night.ran).toContain(inst['YC-H02']!.id);
    expect(night.ran).toContain(inst['YC-H01']!.id); // designated (INS-1), and its statement was from before the night
    expect(night.ran).not.toContain(
      (
        await t.ctx.db
          .selectFrom('institution')
          .select('id')
          .where('code', '=', 'YC-H05')
          .executeTakeFirstOrThrow()
      ).id,
    ); // not designated, nothing sold that day
    expect(await statementOf('YC-H02', date)).toMatchObject({
      status: 'balanced',
      run_by: 'job',
      orders: 2,
      settlements: 1,
    });
    expect(await statementOf('YC-H01', date)).toMatchObject({ run_by: 'job' });

    t.clock.set(`${next}T02:31:00+08:00`);
    expect((await runNightlyReconciliation(t.ctx, t.insurance)).ran).toEqual([]);
    t.clock.set(`${next}T23:59:00+08:00`);
    expect((await runNightlyReconciliation(t.ctx, t.insurance)).ran).toEqual([]);
    expect(await runsOf('YC-H02', date)).toBe(1);

    // The next night: the next day, and still one run of this one.
    day = next;
    const after = new Date(Date.parse(`${next}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    t.clock.set(`${after}T02:05:00+08:00`);
    const second = await runNightlyReconciliation(t.ctx, t.insurance);
    expect(second.date).toBe(next);
    expect(second.ran).toContain(inst['YC-H02']!.id);
    expect(await runsOf('YC-H02', date)).toBe(1);
    expect(await runsOf('YC-H02', next)).toBe(1);
  });

  it('an institution the platform did not answer for at night is tried again on the next run', async () => {
    const date = await nextDay();
    await insuredOrder('YC-H02');
    const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    t.clock.set(`${next}T02:10:00+08:00`);
    t.insurance.sim!.failNext('3201', 'timeout');
    const night = await runNightlyReconciliation(t.ctx, t.insurance);
    expect(night.failed).toHaveLength(1);
    const [missed] = night.failed;
    expect(night.ran.length).toBeGreaterThan(0); // the others went on
    expect(night.ran).not.toContain(missed);
    t.clock.set(`${next}T02:11:00+08:00`);
    const again = await runNightlyReconciliation(t.ctx, t.insurance);
    expect(again).toEqual({ date, ran: [missed], failed: [] });
    day = next;
  });

  itOnPostgres('two nodes running the night at once write one statement per institution', async () => {
    const date = await nextDay();
    await insuredOrder('YC-H03');
    const other = await createTestApp({ database: t.database });
    try {
      const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      t.clock.set(`${next}T03:00:00+08:00`);
      other.clock.set(`${next}T03:00:00+08:00`);
      const [a, b] = await Promise.all([
        runNightlyReconciliation(t.ctx, t.insurance),
        runNightlyReconciliation(other.ctx, other.insurance),
      ]);
      const ran = [...a.ran, ...b.ran];
      expect(new Set(ran).size).toBe(ran.length);
      expect(ran).toContain(inst['YC-H03']!.id);
      for (const code of ['YC-H01', 'YC-H03']) expect(await runsOf(code, date)).toBe(1);
    } finally {
      await other.close();
    }
  });
});

describe('the settlement list and fund statistics (INS-4)', () => {
  it('lists settlements newest first with names and lines, page by page; filters by institution and day', async () => {
    const date = await nextDay();
    const first = await insuredOrder('YC-C01');
    t.clock.advance(60_000);
    const second = await insuredOrder('YC-C01', { lost: true });
    t.clock.advance(60_000);
    const third = await insuredOrder('YC-C01');
    await insuredOrder('YC-H01'); // another institution
    await relogin();
    await loginOthers();
    const base = `/api/v1/insurance/settlements?institutionId=${inst['YC-C01']!.id}&date=${date}&limit=2`;
    const p1 = await t.request('GET', base, { token: tokens.insurer });
    expect(p1.statusCode, p1.body).toBe(200);
    const page1 = p1.json() as { items: Settlement[]; nextCursor: string | null };
    expect(page1.items.map((s) => s.id)).toEqual([third.settlementId, second.settlementId]);
    expect(page1.nextCursor).not.toBeNull();
    const top = page1.items[0]!;
    expect(top).toMatchObject({
      orderId: third.orderId,
      status: 'settled',
      institutionId: inst['YC-C01']!.id,
      fundFen: third.result.fundFen,
      cashFen: third.result.cashFen,
      platformSettlementId: third.result.setlId,
      scheme: 'resident',
    });
    expect(top.patientName).toMatch(/^患者/);
    expect(top.institutionName).not.toBe('');
    expect(top.lines.map((l) => [l.item, l.category, l.totalFen])).toEqual([
      ['二甲双胍片', 'A', 40_000],
      ['复合维生素片', 'C', 1_500],
      ['线上复诊诊查费', null, 2_500],
      ['配送费', null, 800],
    ]);
    expect(top.lines.reduce((n, l) => n + l.fundFen, 0)).toBe(third.result.fundFen);
    expect(page1.items[1]).toMatchObject({ status: 'pending', platformSettlementId: null, settledAt: null });
    const p2 = await t.request('GET', `${base}&cursor=${encodeURIComponent(page1.nextCursor!)}`, {
      token: tokens.insurer,
    });
    const page2 = p2.json() as { items: Settlement[]; nextCursor: string | null };
    expect(page2.items.map((s) => s.id)).toEqual([first.settlementId]);
    expect(page2.nextCursor).toBeNull();

    const bad = await t.request('GET', `${base}&cursor=nonsense`, { token: tokens.insurer });
    expect(bad.statusCode).toBe(400);
    const admin = await t.request('GET', base, { token: tokens.h01Admin });
    expect(admin.statusCode).toBe(403);
  });

  it('fund statistics count settled, not reversed settlements by institution, month and category', async () => {
    await nextDay();
    const from = '2026-12-01';
    const to = day;
    const res = await t.request('GET', `/api/v1/insurance/stats?from=${from}&to=${to}`, {
      token: tokens.insurer,
    });
    expect(res.statusCode, res.body).toBe(200);
    const stats = res.json() as FundStats;
    const standing = made.filter((m) => m.status === 'settled');
    expect(made.some((m) => m.status === 'reversed')).toBe(true);
    const sum = (xs: number[]) => xs.reduce((n, x) => n + x, 0);
    for (const code of ['YC-H01', 'YC-C01']) {
      const mine = standing.filter((m) => m.institutionId === inst[code]!.id);
      expect(stats.byInstitution.find((b) => b.institutionId === inst[code]!.id)).toMatchObject({
        fundFen: sum(mine.map((m) => m.fundFen)),
        settlements: mine.length,
      });
    }
    expect(stats.byInstitution.map((b) => b.fundFen)).toEqual(
      [...stats.byInstitution.map((b) => b.fundFen)].sort((a, b) => b - a),
    );
    expect(stats.byMonth).toEqual([
      {
        month: '2026-12',
        fundFen: sum(standing.map((m) => m.fundFen)),
        accountFen: sum(standing.map((m) => m.accountFen)),
        cashFen: sum(standing.map((m) => m.cashFen)),
      },
    ]);
    const lines = standing.flatMap((m) => m.lines);
    const of = (pick: (l: (typeof lines)[number]) => boolean) => ({
      fundFen: sum(lines.filter(pick).map((l) => l.fundFen)),
      totalFen: sum(lines.filter(pick).map((l) => l.totalFen)),
    });
    expect(stats.byCategory).toEqual([
      { category: 'A', ...of((l) => l.kind === 'drug' && l.category === 'A') },
      { category: 'B', fundFen: 0, totalFen: 0 },
      { category: 'C', ...of((l) => l.kind === 'drug' && l.category === 'C') },
      { category: 'service', ...of((l) => l.kind === 'service') },
      { category: 'delivery', ...of((l) => l.kind === 'delivery') },
    ]);
    expect(stats.byCategory[0]!.fundFen).toBeGreaterThan(0);

    await loginOthers();
    const byDefault = (
      await t.request('GET', '/api/v1/insurance/stats', { token: tokens.insurer })
    ).json() as FundStats;
    expect(byDefault.byMonth.map((m) => m.month)).toEqual([
      ...Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`),
    ]);
    expect(byDefault.to).toBe(day);
    const refused = await t.request('GET', '/api/v1/insurance/stats', { token: tokens.h01Admin });
    expect(refused.statusCode).toBe(403);
    const backwards = await t.request('GET', '/api/v1/insurance/stats?from=2026-12-31&to=2026-12-01', {
      token: tokens.insurer,
    });
    expect(backwards.statusCode).toBe(400);
  });
});

describe('impossible calendar days in the query string', () => {
  /** 400 VALIDATION_FAILED naming the parameter, never a 500 and never another day. */
  async function refused(path: string, field: string) {
    const res = await t.request('GET', path, { token: tokens.insurer });
    expect(res.statusCode, `${path}: ${res.body}`).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(res.json().fields.map((f: { field: string }) => f.field)).toEqual([`querystring.${field}`]);
  }

  it('INS-4: the settlement list refuses 2025-13-45 and 2026-02-30 (which would have meant 2026-03-02)', async () => {
    await nextDay();
    await refused('/api/v1/insurance/settlements?date=2025-13-45', 'date');
    await refused('/api/v1/insurance/settlements?date=2026-02-30', 'date');
    await refused(
      `/api/v1/insurance/settlements?institutionId=${inst['YC-H01']!.id}&date=2026-00-10`,
      'date',
    );
  });

  it('INS-4: the fund statistics refuse a month 13 and a 31 February in from or to', async () => {
    await nextDay();
    await refused('/api/v1/insurance/stats?from=2025-13-01', 'from');
    await refused('/api/v1/insurance/stats?from=2026-01-01&to=2026-02-31', 'to');
  });

  it('INS-4: reconciliation refuses 2025-02-30 and stores no statement for the day it would roll over to', async () => {
    await nextDay();
    await refused(url('YC-H01', '2025-02-30'), 'date');
    await refused(url('YC-H01', '2025-02-30', '&format=csv'), 'date');
    const rows = await t.ctx.db
      .selectFrom('reconciliation_statement')
      .select('id')
      .where('business_date', 'in', ['2025-03-02', '2025-02-28'])
      .execute();
    expect(rows).toEqual([]);
  });
});

describe("the insurer's reads are audited (DJ-12)", () => {
  const audits = (action: string) =>
    t.ctx.db
      .selectFrom('audit_event')
      .select(['actor_role', 'actor_id', 'resource_type', 'resource_id', 'patient_id', 'details'])
      .where('action', '=', action)
      .orderBy('id')
      .execute();

  it('DJ-12: each page of the settlement list is audited with its filters and count, without patients', async () => {
    const date = await nextDay();
    const a = await insuredOrder('YC-C01');
    await relogin();
    const before = (await audits('insurance.settlements_listed')).length;
    const res = await t.request(
      'GET',
      `/api/v1/insurance/settlements?institutionId=${inst['YC-C01']!.id}&date=${date}`,
      { token: tokens.insurer },
    );
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as { items: Settlement[] };
    expect(page.items.map((s) => s.id)).toEqual([a.settlementId]);
    const rows = await audits('insurance.settlements_listed');
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toMatchObject({
      actor_role: 'insurer',
      resource_type: 'insurance_settlement',
      patient_id: null,
      details: { institutionId: inst['YC-C01']!.id, date, count: 1 },
    });
    const details = JSON.stringify(rows.at(-1)!.details);
    expect(details).not.toContain(page.items[0]!.patientId);
    expect(details).not.toContain(page.items[0]!.patientName);
    expect(details).not.toContain(a.orderId);
  });

  it('DJ-12: reading a stored statement and exporting the CSV are audited, each once per request, without order ids', async () => {
    const date = await nextDay();
    const a = await insuredOrder('YC-H02');
    await selfPayOrder('YC-H02', 2_000, null); // a mismatch naming an order
    await relogin();
    const reads = (await audits('insurance.reconciliation_read')).length;
    const exports = (await audits('insurance.reconciliation_exported')).length;
    const first = await statement('YC-H02', date); // runs it
    expect(first.status).toBe('mismatched');
    await statement('YC-H02', date); // the stored one
    const csv = await t.request('GET', url('YC-H02', date, '&format=csv'), { token: tokens.insurer });
    expect(csv.statusCode).toBe(200);
    const stored = await t.ctx.db
      .selectFrom('reconciliation_statement')
      .select('id')
      .where('institution_id', '=', inst['YC-H02']!.id)
      .where('business_date', '=', date)
      .executeTakeFirstOrThrow();
    const read = (await audits('insurance.reconciliation_read')).slice(reads);
    const exported = (await audits('insurance.reconciliation_exported')).slice(exports);
    expect(read).toHaveLength(2);
    expect(exported).toHaveLength(1);
    for (const row of [...read, ...exported]) {
      expect(row).toMatchObject({
        actor_role: 'insurer',
        resource_type: 'reconciliation_statement',
        resource_id: stored.id,
        patient_id: null,
        details: { institutionId: inst['YC-H02']!.id, date, status: 'mismatched', mismatches: 1 },
      });
      expect(JSON.stringify(row.details)).not.toContain(a.orderId);
      expect(JSON.stringify(row.details)).not.toContain(first.mismatches[0]!.orderId!);
    }
    expect(exported[0]!.details).toMatchObject({ format: 'csv' });
  });
});
