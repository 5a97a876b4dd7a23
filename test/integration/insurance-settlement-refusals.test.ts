/**
 * [7/12] Insured payment refused before anything is settled (ID-3, INS-1, INS-2, INS-4) or by the platform,
 * a prescription order's drugs settled with their category and supply (INS-2), and two payments of one
 * order at once (PostgreSQL only). The fixture and the ledger reads are in test/support/insurance-checkout.ts.
 */
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/server/platform/ids.js';
import { approvedWith, choose, loginPeople } from '../support/circulation.js';
import { itOnPostgres } from '../support/db.js';
import {
  balance,
  getOrder,
  ids,
  ledger,
  orderPaidEvents,
  pay,
  psnNo,
  relogin,
  settlements,
  setupCheckoutApp,
  t,
  visitOrder,
  voucher,
  wang,
} from '../support/insurance-checkout.js';
import { AMLODIPINE, drugIdOf } from '../support/prescriptions.js';

setupCheckoutApp();

describe('refusals (ID-3, INS-4)', () => {
  it('INS-4: a confirmed block refuses the settlement with INSURANCE_BLOCKED_PATIENT; nothing is settled', async () => {
    const { orderId } = await visitOrder();
    const alertId = newId();
    await t.ctx.db
      .insertInto('insurance_alert')
      .values({
        id: alertId,
        rule: 'overlapping_supply',
        subject_kind: 'patient',
        subject_id: ids.wang!,
        patient_id: ids.wang!,
        dedupe_key: `test:${alertId}`,
        evidence: JSON.stringify({}),
        source: 'batch',
        status: 'confirmed',
        decided_at: t.clock.now(),
        created_at: t.clock.now(),
      })
      .execute();
    try {
      const res = await pay(orderId, { voucher: await voucher() });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('INSURANCE_BLOCKED_PATIENT');
      expect(await settlements(orderId)).toEqual([]);
      expect(await ledger(orderId)).toEqual([]);
      expect((await getOrder(orderId)).status).toBe('created');
    } finally {
      await t.ctx.db
        .updateTable('insurance_alert')
        .set({ status: 'cleared' })
        .where('id', '=', alertId)
        .execute();
    }
  });

  it('ID-3: an expired voucher is refused with INSURANCE_VOUCHER_INVALID and nothing changes', async () => {
    const { orderId } = await visitOrder();
    const stale = await voucher();
    t.clock.advance(t.ctx.config.insurance.voucherTtlMs + 1_000);
    await relogin();
    const before = await balance();
    const res = await pay(orderId, { voucher: stale });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('INSURANCE_VOUCHER_INVALID');
    expect(await settlements(orderId)).toEqual([]);
    expect(await ledger(orderId)).toEqual([]);
    expect(await balance()).toBe(before);
    expect(await getOrder(orderId)).toMatchObject({
      status: 'created',
      cashFen: (await getOrder(orderId)).amountFen,
    });
  });

  it('INS-4: a refusal by the platform at 2207 fails the settlement (422) and leaves the order to pay', async () => {
    const { orderId } = await visitOrder();
    // The platform has closed 2026 for her (年度结转): it refuses to settle a 2026 fee.
    await t.ctx.db.updateTable('inssim_person').set({ ytd_year: 2027 }).where('psn_no', '=', psnNo).execute();
    try {
      const res = await pay(orderId, { voucher: await voucher() });
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('INSURANCE_SETTLEMENT_REJECTED');
    } finally {
      await t.ctx.db
        .updateTable('inssim_person')
        .set({ ytd_year: 2026 })
        .where('psn_no', '=', psnNo)
        .execute();
    }
    expect(await settlements(orderId)).toEqual([expect.objectContaining({ status: 'failed' })]);
    expect(await ledger(orderId)).toEqual([]);
    // The order is as it was: paying again settles it.
    const again = await pay(orderId, { voucher: await voucher() });
    expect(again.statusCode, again.body).toBe(200);
    expect(await ledger(orderId)).toHaveLength(1);
  });

  it('ID-3: not linked, or a 家庭共济 payer without an active link, is refused before anything is sent', async () => {
    const { orderId } = await visitOrder();
    const zhangId = (
      await t.ctx.db.selectFrom('patient').select('id').where('name', '=', '张伟').executeTakeFirstOrThrow()
    ).id;
    const wallet = await pay(orderId, { voucher: await voucher(), accountPayerId: zhangId });
    expect(wallet.statusCode).toBe(409);
    expect(wallet.json().code).toBe('INSURANCE_WALLET_NOT_ACTIVE');
    await t.ctx.db
      .updateTable('insured_person')
      .set({ unlinked_at: t.clock.now() })
      .where('patient_id', '=', ids.wang!)
      .execute();
    try {
      const pre = await t.request('GET', `/api/v1/orders/${orderId}/pre-settlement`, { token: wang });
      expect(pre.statusCode).toBe(409);
      expect(pre.json().code).toBe('INSURANCE_NOT_LINKED');
      const res = await pay(orderId, { voucher: await voucher() });
      expect(res.json().code).toBe('INSURANCE_NOT_LINKED');
    } finally {
      await t.ctx.db
        .updateTable('insured_person')
        .set({ unlinked_at: null })
        .where('patient_id', '=', ids.wang!)
        .execute();
    }
    expect(await settlements(orderId)).toEqual([]);
  });

  it('a self-pay cashier already open for the whole amount refuses insurance: INSURANCE_SELF_PAY_STARTED', async () => {
    const { orderId, amountFen } = await visitOrder();
    const self = await pay(orderId);
    expect(self.statusCode, self.body).toBe(200);
    const res = await pay(orderId, { voucher: await voucher() });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('INSURANCE_SELF_PAY_STARTED');
    expect(await settlements(orderId)).toEqual([]);
    expect(await ledger(orderId)).toEqual([]);
    expect(await t.sim!.query(orderId)).toMatchObject({ state: 'pending', amountFen });
  });

  it('an appointment fee is not insurable: INSURANCE_NOT_INSURABLE', async () => {
    const appt = await t.ctx.db
      .selectFrom('payment_order')
      .select('id')
      .where('purpose', '=', 'appointment')
      .where('patient_id', '=', ids.wang!)
      .executeTakeFirst();
    const orderId =
      appt?.id ??
      (await (async () => {
        const id = newId();
        await t.ctx.db
          .insertInto('payment_order')
          .values({
            id,
            patient_id: ids.wang!,
            account_id: (
              await t.ctx.db
                .selectFrom('patient')
                .select('account_id')
                .where('id', '=', ids.wang!)
                .executeTakeFirstOrThrow()
            ).account_id!,
            purpose: 'appointment',
            ref_id: newId(),
            institution_id: (
              await t.ctx.db
                .selectFrom('institution')
                .select('id')
                .where('code', '=', 'YC-H01')
                .executeTakeFirstOrThrow()
            ).id,
            description: '挂号费',
            amount_fen: 5_000,
            status: 'created',
            expires_at: new Date(t.clock.now().getTime() + 15 * 60_000),
            created_at: t.clock.now(),
          })
          .execute();
        return id;
      })());
    const res = await t.request('GET', `/api/v1/orders/${orderId}/pre-settlement`, { token: wang });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('INSURANCE_NOT_INSURABLE');
  });
});

describe('a prescription order (INS-2)', () => {
  it('INS-2: the drugs of a follow-up prescription settle with their category and days of supply; one settlement', async () => {
    const people = await loginPeople(t);
    const zhang = { idNumber: '11010119780315031X', name: '张伟' };
    const link = await t.request('POST', '/api/v1/insurance/link', {
      token: people.patient,
      body: { voucher: (await t.insurance.sim!.issueVoucher(zhang)).voucher },
    });
    expect(link.statusCode, link.body).toBe(200);
    const rx = await approvedWith(t, people);
    const r01 = await t.ctx.db
      .selectFrom('institution')
      .select('id')
      .where('code', '=', 'YC-R01')
      .executeTakeFirstOrThrow();
    const f = await choose(t, people.patient, rx.id, { pharmacyId: r01.id, method: 'pickup' });
    expect(f.statusCode, f.body).toBe(201);
    const orderId = f.json().orderId as string;
    const pre = await t.request('GET', `/api/v1/orders/${orderId}/pre-settlement`, { token: people.patient });
    const res = await t.request('POST', `/api/v1/orders/${orderId}/pay`, {
      token: people.patient,
      body: { channel: 'sim', insurance: { voucher: (await t.insurance.sim!.issueVoucher(zhang)).voucher } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const paid = res.json();
    // The order's institution is the prescribing hospital (YC-H01), not the pharmacy.
    const [s] = await settlements(orderId);
    const h01 = await t.ctx.db
      .selectFrom('institution')
      .select('id')
      .where('code', '=', 'YC-H01')
      .executeTakeFirstOrThrow();
    const p001 = await t.ctx.db
      .selectFrom('practitioner')
      .select('id')
      .where('code', '=', 'P001')
      .executeTakeFirstOrThrow();
    expect(s).toMatchObject({ status: 'settled', institution_id: h01.id, practitioner_id: p001.id });
    const lines = await t.ctx.db
      .selectFrom('insurance_settlement_line')
      .selectAll()
      .where('settlement_id', '=', s!.id)
      .execute();
    expect(lines).toEqual([
      expect.objectContaining({ kind: 'drug', item_code: await drugIdOf(t, AMLODIPINE), days_supply: 7 }),
    ]);
    expect(lines[0]!.fund_fen + lines[0]!.account_fen + lines[0]!.cash_fen).toBe(lines[0]!.total_fen);
    expect(await ledger(orderId)).toHaveLength(1);
    // The pre-settlement (2206) showed what 2207 then settled.
    expect(pre.statusCode, pre.body).toBe(200);
    expect(pre.json()).toMatchObject({
      fundFen: paid.insurance.fundFen,
      accountFen: paid.insurance.accountFen,
      cashFen: paid.insurance.cashFen,
    });
    expect(pre.json().lines[0]).toMatchObject({
      category: lines[0]!.category,
      totalFen: lines[0]!.total_fen,
    });
    await t.ctx.outbox.drain();
    const fulfilment = await t.request('GET', `/api/v1/fulfilments/${f.json().id}`, {
      token: people.patient,
    });
    expect(fulfilment.json().status).not.toBe('awaiting_payment');
  });
});

describe('two payments at once', () => {
  itOnPostgres('two insured payments of one order at once make one settlement', async () => {
    const { orderId } = await visitOrder();
    t.insurance.sim!.faults.latencyMs = 150;
    const [a, b] = await Promise.all([
      pay(orderId, { voucher: await voucher() }),
      pay(orderId, { voucher: await voucher() }),
    ]);
    t.insurance.sim!.faults.latencyMs = 0;
    const codes = [a.statusCode, b.statusCode];
    expect(codes).toContain(200);
    for (const r of [a, b]) if (r.statusCode !== 200) expect(r.json().code).toBe('ORDER_NOT_PAYABLE');
    expect(await settlements(orderId)).toHaveLength(1);
    expect(await ledger(orderId)).toHaveLength(1);
    expect(await orderPaidEvents(orderId)).toBe(1);
  });
});
