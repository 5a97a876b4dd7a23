/**
 * The visit lifecycle with a moved clock: paid into the queue, started, completed with a signed record and
 * the chat closing 48 h after the last message; cancel with a full refund, expiry of unstarted and lapse of
 * unpaid visits, referral offline (VISIT-3); the same moves racing each other (PostgreSQL only), and a
 * refund that survives a gateway outage.
 */

import { describe, expect, it } from 'vitest';
import { resubmitPendingRefunds } from '../../src/server/modules/payments/payment.service.js';
import { runVisitJobs } from '../../src/server/modules/visits/visit-jobs.js';
import { itOnPostgres } from '../support/db.js';
import {
  cancelOpen,
  chen,
  create,
  finish,
  ids,
  lina,
  order,
  paidVisit,
  pay,
  RECORD,
  relogin,
  setupVisitsApp,
  t,
  visit,
  zhang,
} from '../support/visits.js';

setupVisitsApp();

describe('lifecycle', () => {
  it('pays into the queue, starts, completes with a signed record, and stays chat-open 48 h after the last message', async () => {
    const res = await create(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    const id = res.json().id;
    expect((await visit(zhang, id)).status).toBe('requested');
    await pay(zhang, res.json().orderId);
    expect(await visit(zhang, id)).toMatchObject({ status: 'waiting', queuePosition: 1 });
    const queue = (await t.request('GET', '/api/v1/visits?scope=queue', { token: chen })).json().items;
    expect(queue.map((v: { id: string }) => v.id)).toContain(id);
    expect((await t.request('POST', `/api/v1/visits/${id}/start`, { token: chen })).json().status).toBe(
      'in_progress',
    );
    // Patient cannot cancel once started.
    expect(
      (await t.request('POST', `/api/v1/visits/${id}/cancel`, { token: zhang, body: {} })).json().code,
    ).toBe('NOT_CANCELLABLE');
    const incomplete = await t.request('POST', `/api/v1/visits/${id}/complete`, { token: chen });
    expect(incomplete.json()).toMatchObject({ code: 'RECORD_INCOMPLETE' });
    // The patient sees no draft.
    expect((await t.request('GET', `/api/v1/visits/${id}/record`, { token: zhang })).json().code).toBe(
      'RECORD_NOT_READY',
    );
    const done = await finish(id);
    expect(done).toMatchObject({ status: 'completed', chatClosed: false });
    const rec = (await t.request('GET', `/api/v1/visits/${id}/record`, { token: zhang })).json();
    expect(rec).toMatchObject({
      status: 'signed',
      doctorName: '陈建国',
      certificateSerial: expect.any(String),
    });
    // REC-2: signed is immutable; an addendum is signed on its own.
    const edit = await t.request('PUT', `/api/v1/visits/${id}/record`, { token: chen, body: RECORD });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().code).toBe('RECORD_SIGNED');
    const add = await t.request('POST', `/api/v1/visits/${id}/record/addenda`, {
      token: chen,
      body: { text: '补充：低盐饮食' },
    });
    expect(add.json().addenda).toHaveLength(1);

    // Messages still flow after completion; 48 h after the last one the chat closes.
    const msg = await t.request('POST', `/api/v1/visits/${id}/messages`, {
      token: zhang,
      body: { clientId: 'after-1', kind: 'text', text: '谢谢医生' },
    });
    expect(msg.statusCode).toBe(201);
    t.clock.advance(47 * 3600_000);
    await runVisitJobs(t.ctx, t.visits);
    await relogin();
    expect((await visit(zhang, id)).chatClosed).toBe(false);
    t.clock.advance(2 * 3600_000);
    await runVisitJobs(t.ctx, t.visits);
    await relogin();
    expect((await visit(zhang, id)).chatClosed).toBe(true);
    const late = await t.request('POST', `/api/v1/visits/${id}/messages`, {
      token: zhang,
      body: { clientId: 'after-2', kind: 'text', text: '还在吗' },
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('VISIT_CLOSED');

    const kinds = (await t.request('GET', `/api/v1/visits/${id}/timeline`, { token: zhang }))
      .json()
      .items.map((e: { kind: string }) => e.kind);
    for (const k of [
      'created',
      'paid',
      'queued',
      'started',
      'record_saved',
      'record_signed',
      'completed',
      'addendum_signed',
      'message',
      'chat_closed',
    ])
      expect(kinds).toContain(k);
    expect(kinds.indexOf('created')).toBeLessThan(kinds.indexOf('paid'));
    expect(kinds.indexOf('started')).toBeLessThan(kinds.indexOf('completed'));
  });

  it('a patient cancels before the doctor starts and gets the fee back in full', async () => {
    const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    const v = await visit(zhang, id);
    const res = await t.request('POST', `/api/v1/visits/${id}/cancel`, {
      token: zhang,
      body: { reason: '症状缓解' },
    });
    expect(res.json().status).toBe('cancelled');
    await t.sim!.settle();
    expect(await order(zhang, v.orderId)).toMatchObject({ status: 'refunded', refundedFen: v.feeFen });
    // Cancelling twice changes nothing and refunds nothing more.
    await t.request('POST', `/api/v1/visits/${id}/cancel`, { token: zhang, body: {} });
    const refunds = await t.ctx.db
      .selectFrom('refund')
      .selectAll()
      .where('order_id', '=', v.orderId)
      .execute();
    expect(refunds).toHaveLength(1);
  });

  it('an unstarted visit expires after 24 h with a full refund (moved clock); unpaid ones lapse', async () => {
    const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    const unpaid = (
      await create(lina, {
        type: 'first_visit',
        doctorId: ids.P029,
        patientId: ids.child,
        description: '体检',
      })
    ).json();
    t.clock.advance(23 * 3600_000);
    await runVisitJobs(t.ctx, t.visits);
    await relogin();
    expect((await visit(zhang, id)).status).toBe('waiting');
    expect((await visit(lina, unpaid.id)).status).toBe('cancelled');
    expect((await order(lina, unpaid.orderId)).status).toBe('closed');
    t.clock.advance(1 * 3600_000 + 1000);
    await runVisitJobs(t.ctx, t.visits);
    await relogin();
    const v = await visit(zhang, id);
    expect(v.status).toBe('expired');
    await t.sim!.settle();
    expect(await order(zhang, v.orderId)).toMatchObject({ status: 'refunded', refundedFen: v.feeFen });
    // The doctor can no longer start it.
    expect((await t.request('POST', `/api/v1/visits/${id}/start`, { token: chen })).json().code).toBe(
      'VISIT_NOT_WAITING',
    );
  });

  it('VISIT-3: the doctor stops and refers offline; the patient is refunded, told, and given where to go', async () => {
    const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    await t.request('POST', `/api/v1/visits/${id}/start`, { token: chen });
    const dept = await t.ctx.db
      .selectFrom('practitioner')
      .select('department_id')
      .where('id', '=', ids.P001!)
      .executeTakeFirstOrThrow();
    const res = await t.request('POST', `/api/v1/visits/${id}/refer-offline`, {
      token: chen,
      body: {
        reason: '胸痛加重，需要心电图和心肌酶检查',
        recommendation: { departmentId: dept.department_id, note: '今日急诊' },
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'referred_offline',
      referral: {
        reason: expect.stringContaining('胸痛'),
        recommendation: { departmentId: dept.department_id, departmentName: '心血管内科' },
      },
    });
    await t.sim!.settle();
    const v = await visit(zhang, id);
    expect((await order(zhang, v.orderId)).status).toBe('refunded');
    const notes = (await t.request('GET', '/api/v1/notifications', { token: zhang })).json();
    expect(JSON.stringify(notes)).toContain('请到线下医院就诊');
    const msg = await t.request('POST', `/api/v1/visits/${id}/messages`, {
      token: chen,
      body: { clientId: 'x', kind: 'text', text: '还有问题吗' },
    });
    expect(msg.json().code).toBe('VISIT_CLOSED');
  });
});

describe('under concurrency', () => {
  itOnPostgres('five requests at once for one doctor: one visit, the others told it exists', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        create(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    const refused = results.filter((r) => r.statusCode !== 201);
    expect(refused.map((r) => r.json().code)).toEqual(Array(4).fill('DUPLICATE_VISIT'));
    await cancelOpen(zhang, results.find((r) => r.statusCode === 201)!.json().id);
  });

  itOnPostgres('cancel racing the doctor’s start: one wins; money moves only if the cancel won', async () => {
    for (let round = 0; round < 4; round++) {
      const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
      const [start, cancel] = await Promise.all([
        t.request('POST', `/api/v1/visits/${id}/start`, { token: chen }),
        t.request('POST', `/api/v1/visits/${id}/cancel`, { token: zhang, body: {} }),
      ]);
      expect([start.statusCode, cancel.statusCode].sort()).toEqual([200, 409]);
      await t.sim!.settle();
      const v = await visit(zhang, id);
      const o = await order(zhang, v.orderId);
      if (cancel.statusCode === 200) {
        expect(v.status).toBe('cancelled');
        expect(o.status).toBe('refunded');
      } else {
        expect(v.status).toBe('in_progress');
        expect(o.status).toBe('paid');
        await t.request('POST', `/api/v1/visits/${id}/refer-offline`, {
          token: chen,
          body: { reason: '测试结束', recommendation: { note: '线下复诊' } },
        });
      }
    }
  });

  itOnPostgres('twenty messages sent twice at once are each stored exactly once', async () => {
    const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    await t.request('POST', `/api/v1/visits/${id}/start`, { token: chen });
    const sends = Array.from({ length: 20 }, (_, i) => ({
      clientId: `burst-${i}`,
      kind: 'text',
      text: `第${i}条`,
    }));
    const results = await Promise.all(
      [...sends, ...sends].map((body) =>
        t.request('POST', `/api/v1/visits/${id}/messages`, { token: zhang, body }),
      ),
    );
    expect(results.every((r) => r.statusCode === 201 || r.statusCode === 200)).toBe(true);
    const all = (await t.request('GET', `/api/v1/visits/${id}/messages`, { token: zhang })).json().items;
    const burst = all.filter((m: { clientId?: string }) => m.clientId?.startsWith('burst-'));
    expect(burst).toHaveLength(20);
    await t.request('POST', `/api/v1/visits/${id}/refer-offline`, {
      token: chen,
      body: { reason: '测试结束', recommendation: { note: '线下复诊' } },
    });
  });
});

describe('refunds survive a gateway outage', () => {
  it('a cancel while the gateway is down still cancels; the recorded refund is submitted again later', async () => {
    const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    const v = await visit(zhang, id);
    const gateways = t.payments.gateways;
    const real = gateways.get('sim')!;
    gateways.set('sim', {
      channel: 'sim',
      prepay: (r) => real.prepay(r),
      query: (o) => real.query(o),
      parseNotification: (h, b) => real.parseNotification(h, b),
      refund: async () => {
        throw new Error('gateway unreachable');
      },
    });
    const res = await t.request('POST', `/api/v1/visits/${id}/cancel`, { token: zhang, body: {} });
    gateways.set('sim', real);
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('cancelled');
    const pending = await t.ctx.db
      .selectFrom('refund')
      .selectAll()
      .where('order_id', '=', v.orderId)
      .executeTakeFirstOrThrow();
    expect(pending).toMatchObject({ status: 'pending', gateway_refund_id: null, amount_fen: v.feeFen });
    t.clock.advance(60_000);
    expect(await resubmitPendingRefunds(t.ctx, t.payments)).toBe(1);
    await t.sim!.settle();
    const done = await t.ctx.db
      .selectFrom('refund')
      .selectAll()
      .where('order_id', '=', v.orderId)
      .executeTakeFirstOrThrow();
    expect(done.status).toBe('succeeded');
    expect(await resubmitPendingRefunds(t.ctx, t.payments)).toBe(0);
    await relogin();
  });
});
