/**
 * 缴费记录 and 电子票据 ([8/12]): 李娜 sees a paid booking and a booking paid then cancelled (refunded) with
 * their states, opens them, and downloads the receipt of the paid one (a real PDF with the amount).
 * Her bookings are made through the API on shanghaiDay(6), a day no other group uses.
 */
import { readFileSync } from 'node:fs';
import { PDFParse } from 'pdf-parse';
import { expect } from 'vitest';
import type { OrderDetail } from '../../../src/shared/orders.js';
import { apiAs, bookAndPay, createSchedule, doctorId, shanghaiDay, until, zhMonthDay } from '../api.js';
import { expectAccessible } from '../axe.js';
import { loginWithPassword, screenshot } from '../support.js';
import type { Journey } from './journey.js';

const LI_NA = '13800000002';

export const journeys: Journey[] = [
  {
    name: '缴费记录 shows a paid and a refunded booking, each opens, and the paid one downloads its e-receipt',
    async run(h) {
      const base = h.url();
      const admin = await apiAs(base, '13600000001');
      const patient = await apiAs(base, LI_NA);
      const day = shanghaiDay(6);
      const doctor = await doctorId(admin, '陈建国');
      const morning = await createSchedule(admin, {
        doctorId: doctor,
        date: day,
        startTime: '09:00',
        endTime: '10:00',
        capacity: 5,
      });
      const afternoon = await createSchedule(admin, {
        doctorId: doctor,
        date: day,
        startTime: '14:00',
        endTime: '15:00',
        capacity: 5,
      });

      // Booked, paid, then cancelled: refunded in full. Then the afternoon session, paid.
      const cancelled = await bookAndPay(base, patient, morning.id);
      await patient.post(`/appointments/${cancelled.id}/cancel`);
      const refunded = await until('the refund', async () => {
        const o = await patient.get<OrderDetail>(`/orders/${cancelled.orderId}`);
        return o.status === 'refunded' && o.refunds[0]?.status === 'succeeded' ? o : undefined;
      });
      const booked = await bookAndPay(base, patient, afternoon.id);
      const paid = await patient.get<OrderDetail>(`/orders/${booked.orderId}`);
      const amount = `¥${(paid.amountFen / 100).toFixed(2)}`;

      const page = await h.open('phone');
      await loginWithPassword(page, LI_NA);
      await page.getByTestId('patient-home').waitFor();
      await page.goto('/patient/mine');
      await page.getByTestId('mine-orders').click();
      await page.waitForURL('**/patient/orders');

      const paidCard = page.locator(`[data-testid="order-card"][data-id="${paid.id}"]`);
      const refundedCard = page.locator(`[data-testid="order-card"][data-id="${refunded.id}"]`);
      await expect.poll(() => paidCard.getByTestId('order-status').textContent()).toBe('已支付');
      await expect(refundedCard.getByTestId('order-status').textContent()).resolves.toBe('已退款');
      await expect(paidCard.getByTestId('order-title').textContent()).resolves.toBe(
        `挂号费 · 陈建国 · ${zhMonthDay(day)} 下午`,
      );
      await expect(refundedCard.getByTestId('order-title').textContent()).resolves.toBe(
        `挂号费 · 陈建国 · ${zhMonthDay(day)} 上午`,
      );
      await expect(paidCard.getByTestId('order-amount').textContent()).resolves.toBe(amount);
      await expectAccessible(page, '缴费记录');
      await screenshot(page, 'orders-list');

      // The 已退款 tab: the refunded order, not the paid one.
      await page.getByRole('tab', { name: '已退款' }).click();
      await page.waitForURL('**/patient/orders?status=refunded');
      await refundedCard.waitFor();
      // The list re-renders after the tab's fetch: wait for the paid card to go, not a count at once.
      await paidCard.waitFor({ state: 'detached' });
      await expectAccessible(page, '缴费记录 (已退款)');
      await screenshot(page, 'orders-list-refunded');

      await refundedCard.click();
      await page.waitForURL(`**/patient/orders/${refunded.id}`);
      const refundLine = page.getByTestId('order-refund');
      await expect.poll(() => refundLine.textContent()).toContain('取消预约退款');
      await expect(refundLine.textContent()).resolves.toContain(`-${amount}`);
      await expect(page.getByTestId('order-payment').textContent()).resolves.toContain(amount);
      await expectAccessible(page, '订单详情 (已退款)');
      await screenshot(page, 'order-refunded');

      await page.goto(`/patient/orders/${paid.id}`);
      await expect.poll(() => page.getByTestId('order-detail-amount').textContent()).toBe(amount);
      await expect(page.getByTestId('order-receipt-no').textContent()).resolves.toBe(paid.receiptNo);
      await expect(page.getByTestId('order-pay').count()).resolves.toBe(0);
      await expectAccessible(page, '订单详情 (已支付)');
      await screenshot(page, 'order-paid');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('order-receipt').click(),
      ]);
      expect(download.suggestedFilename()).toBe(`电子票据-${paid.receiptNo}.pdf`);
      const bytes = readFileSync(await download.path());
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      const parser = new PDFParse({ data: new Uint8Array(bytes) });
      try {
        const text = (await parser.getText()).text;
        expect(text).toContain(amount);
        expect(text).toContain('李娜');
        expect(text).toContain(paid.receiptNo!);
      } finally {
        await parser.destroy();
      }
    },
  },
];
