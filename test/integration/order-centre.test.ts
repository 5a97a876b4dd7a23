import jsqr from 'jsqr';
import { PDFParse } from 'pdf-parse';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { idCheckChar } from '../../src/shared/identity.js';
import type { OrderDetail, OrderSummary } from '../../src/shared/orders.js';
import { bookAs, schedule, setupBookingApp, t } from '../support/booking.js';
import { makePatients } from '../support/people.js';

// [8/12] 缴费记录 and 电子票据: the orders of the caller and of the family members they act for (ID-6),
// newest first, keyset-paged; the PDF receipt of a paid order, read back by an independent parser.
// jsqr is CommonJS: module.exports is the decoder, and `.default` the same function (what its types name).
const jsQR = jsqr.default;

setupBookingApp();

type Person = { accountId: string; patientId: string; token: string };
let me: Person;
let stranger: Person;
let childId: string;
const ids = { paid: '', refunded: '', child: '', unpaid: '', strangers: '' };

async function pay(token: string, orderId: string) {
  const res = await t.request('POST', `/api/v1/orders/${orderId}/pay`, { token, body: { channel: 'sim' } });
  expect(res.statusCode, res.body).toBe(200);
  expect(await t.sim!.confirm(res.json().prepayId)).toBe('paid');
  await t.sim!.settle();
}

async function book(
  token: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; orderId: string }> {
  const s = await schedule();
  const res = await bookAs(token, s.id, extra);
  expect(res.statusCode, res.body).toBe(201);
  t.clock.advance(60_000); // each order a minute newer than the one before
  return res.json();
}

const list = async (token: string, query = '') => {
  const res = await t.request('GET', `/api/v1/orders${query}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: OrderSummary[]; nextCursor: string | null };
};

beforeAll(async () => {
  [me, stranger] = (await makePatients(t, 2)) as [Person, Person];
  const first17 = '11010820190601002'.slice(0, 17);
  const child = await t.request('POST', '/api/v1/me/dependents', {
    token: me.token,
    body: { name: '周小宝', idNumber: first17 + idCheckChar(first17), relationship: 'child' },
  });
  expect(child.statusCode, child.body).toBe(201);
  childId = child.json().patientId;

  const paid = await book(me.token);
  await pay(me.token, paid.orderId);
  ids.paid = paid.orderId;

  const refunded = await book(me.token);
  await pay(me.token, refunded.orderId);
  const cancel = await t.request('POST', `/api/v1/appointments/${refunded.id}/cancel`, { token: me.token });
  expect(cancel.statusCode, cancel.body).toBe(200);
  await t.sim!.settle();
  ids.refunded = refunded.orderId;

  const forChild = await book(me.token, { patientId: childId });
  await pay(me.token, forChild.orderId);
  ids.child = forChild.orderId;

  ids.unpaid = (await book(me.token)).orderId;
  ids.strangers = (await book(stranger.token)).orderId;
});

describe('GET /orders (缴费记录)', () => {
  it("lists my orders and my child's, newest first, each saying who and what it is for, with its money", async () => {
    const page = await list(me.token);
    expect(page.items.map((o) => o.id)).toEqual([ids.unpaid, ids.child, ids.refunded, ids.paid]);
    expect(page.items.map((o) => o.id)).not.toContain(ids.strangers);

    const byId = new Map(page.items.map((o) => [o.id, o]));
    const paid = byId.get(ids.paid)!;
    expect(paid).toMatchObject({
      status: 'paid',
      purpose: 'appointment',
      receiptAvailable: true,
      payable: false,
    });
    expect(paid.patientName).toMatch(/^患者/);
    // 挂号费 · 陈建国 · 11月2x日 上午: the booked day and half-day, not an ISO date.
    expect(paid.title).toMatch(/^挂号费 · 陈建国 · 11月2\d日 上午$/);
    expect(paid.doctorName).toBe('陈建国');
    expect(paid.payments).toEqual([
      { method: 'gateway', channel: 'sim', amountFen: paid.amountFen, at: paid.paidAt },
    ]);
    expect(paid.refunds).toEqual([]);

    const refunded = byId.get(ids.refunded)!;
    expect(refunded).toMatchObject({ status: 'refunded', refundedFen: refunded.amountFen });
    expect(refunded.refunds).toEqual([
      expect.objectContaining({
        amountFen: refunded.amountFen,
        status: 'succeeded',
        reason: 'cancelled',
        reasonText: '取消预约退款',
      }),
    ]);
    expect(refunded.payments).toHaveLength(1); // the payment stays on record beside its refund

    expect(byId.get(ids.child)).toMatchObject({ patientId: childId, patientName: '周小宝', status: 'paid' });
    expect(byId.get(ids.unpaid)).toMatchObject({
      status: 'created',
      payable: true,
      receiptAvailable: false,
      payments: [],
    });
  });

  it('filters by status', async () => {
    expect((await list(me.token, '?status=paid')).items.map((o) => o.id)).toEqual([ids.child, ids.paid]);
    expect((await list(me.token, '?status=refunded')).items.map((o) => o.id)).toEqual([ids.refunded]);
    expect((await list(me.token, '?status=created')).items.map((o) => o.id)).toEqual([ids.unpaid]);
    const bad = await t.request('GET', '/api/v1/orders?status=lost', { token: me.token });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
  });

  it('pages with before, without gaps or repeats', async () => {
    const first = await list(me.token, '?limit=3');
    expect(first.items.map((o) => o.id)).toEqual([ids.unpaid, ids.child, ids.refunded]);
    expect(first.nextCursor).not.toBeNull();
    const second = await list(me.token, `?limit=3&before=${first.nextCursor}`);
    expect(second.items.map((o) => o.id)).toEqual([ids.paid]);
    expect(second.nextCursor).toBeNull();
    const garbage = await t.request('GET', '/api/v1/orders?before=bm90LWEtY3Vyc29y', { token: me.token });
    expect(garbage.statusCode).toBe(400);
  });

  it('shows another account none of mine (ID-6)', async () => {
    // The stranger sees only their own order; they act for nobody.
    expect((await list(stranger.token)).items.map((o) => o.id)).toEqual([ids.strangers]);
  });

  it('is audited', async () => {
    const rows = await t.ctx.db
      .selectFrom('audit_event')
      .select('action')
      .where('action', '=', 'order.list')
      .where('actor_id', '=', me.accountId)
      .execute();
    expect(rows.length).toBeGreaterThan(0);
  });
});

describe('GET /orders/{id}', () => {
  it('shows the detail with the receipt number to the patient, and refuses another account (ID-6)', async () => {
    const res = await t.request('GET', `/api/v1/orders/${ids.refunded}`, { token: me.token });
    expect(res.statusCode).toBe(200);
    const detail = res.json() as OrderDetail;
    expect(detail.receiptNo).toMatch(/^YY\d{8}[0-9A-F]{12}$/);
    expect(detail.refunds).toHaveLength(1);
    const again = (await t.request('GET', `/api/v1/orders/${ids.refunded}`, { token: me.token })).json();
    expect(again.receiptNo).toBe(detail.receiptNo);

    const foreign = await t.request('GET', `/api/v1/orders/${ids.paid}`, { token: stranger.token });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().code).toBe('NOT_YOUR_PATIENT');
  });
});

describe('GET /orders/{id}/receipt (电子票据)', () => {
  async function receipt(token: string, id: string) {
    return t.request('GET', `/api/v1/orders/${id}/receipt`, { token });
  }
  async function textOf(pdf: Buffer) {
    const parser = new PDFParse({ data: new Uint8Array(pdf) });
    try {
      return (await parser.getText()).text;
    } finally {
      await parser.destroy();
    }
  }

  it('is a PDF with the Chinese font embedded, the amount, the patient and a QR code naming the receipt', async () => {
    const order = (await t.request('GET', `/api/v1/orders/${ids.paid}`, { token: me.token })).json();
    const res = await receipt(me.token, ids.paid);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/pdf');
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // The font travels with the file (a subset of Noto Sans SC), so any reader shows the Chinese text.
    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC/);
    expect(raw).toContain('/FontFile2');

    const text = await textOf(pdf);
    expect(text).toContain(`¥${(order.amountFen / 100).toFixed(2)}`);
    expect(text).toContain(order.patientName);
    expect(text).toContain(order.receiptNo);
    expect(text).toContain('已支付');
    expect(text).not.toContain('已退款');
    expect(text).toContain('1101**********');

    const parser = new PDFParse({ data: new Uint8Array(pdf) });
    try {
      const images = await parser.getImage({ imageThreshold: 0 });
      const png = images.pages[0]!.images[0]!.data;
      const img = await sharp(Buffer.from(png)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const qr = jsQR(new Uint8ClampedArray(img.data), img.info.width, img.info.height);
      expect(qr, 'a QR code in the PDF').not.toBeNull();
      expect(JSON.parse(qr!.data)).toMatchObject({
        no: order.receiptNo,
        order: ids.paid,
        fen: order.amountFen,
      });
    } finally {
      await parser.destroy();
    }

    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['patient_id', 'resource_id'])
      .where('action', '=', 'order.receipt')
      .where('resource_id', '=', ids.paid)
      .execute();
    expect(audit).toEqual([{ patient_id: me.patientId, resource_id: ids.paid }]);
  });

  it('says 已退款 on a refunded order, with its refund line', async () => {
    const res = await receipt(me.token, ids.refunded);
    expect(res.statusCode).toBe(200);
    const text = await textOf(res.rawPayload);
    expect(text).toContain('已退款');
    expect(text).toContain('取消预约退款');
  });

  it("serves the child's receipt to the guardian, with the child's name", async () => {
    const res = await receipt(me.token, ids.child);
    expect(res.statusCode).toBe(200);
    expect(await textOf(res.rawPayload)).toContain('周小宝');
  });

  it('is refused for an unpaid order (RECEIPT_NOT_AVAILABLE) and for another account (ID-6)', async () => {
    const unpaid = await receipt(me.token, ids.unpaid);
    expect(unpaid.statusCode).toBe(409);
    expect(unpaid.json().code).toBe('RECEIPT_NOT_AVAILABLE');
    const foreign = await receipt(stranger.token, ids.paid);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().code).toBe('NOT_YOUR_PATIENT');
    const unknown = await receipt(me.token, '00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
  });
});
