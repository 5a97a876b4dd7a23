/**
 * 候补 visible and cancellable, and an appointment's 就诊须知 ([8/12]). Through the API: a one-token
 * morning session of 孙海涛 (YC-H01 呼吸内科) on shanghaiDay(5), taken by 张伟 (held, unpaid), and an
 * afternoon session where 李娜 books for her son 李小宝. 李娜 joins the morning's 候补 from the doctor page,
 * sees it in 我的预约 with "第 1 位" and in 消息, cancels it, and opens her son's appointment: location,
 * 就诊须知 and the payment time left in words.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Page as ListPage } from '../../../src/shared/http.js';
import type { Dependent } from '../../../src/shared/identity.js';
import type { BookResult, Schedule } from '../../../src/shared/scheduling.js';
import { apiAs, doctorId, shanghaiDay, zhMonthDay } from '../api.js';
import { expectAccessible } from '../axe.js';
import { loginWithPassword, screenshot } from '../support.js';
import type { Journey } from './journey.js';

const LI_NA = '13800000002';
const ZHANG_WEI = '13800000001';
const DAY = shanghaiDay(5);

export const journeys: Journey[] = [
  {
    name: '候补: join from the doctor page, see 第 1 位 in 我的预约 and in 消息, cancel it; 就诊须知 on an appointment',
    async run(h) {
      const base = h.url();
      const admin = await apiAs(base, '13600000001');
      const zhang = await apiAs(base, ZHANG_WEI);
      const lina = await apiAs(base, LI_NA);
      const doctor = await doctorId(admin, '孙海涛');
      const session = (startTime: string, endTime: string, capacity: number) =>
        admin.post<Schedule>('/schedules', {
          doctorId: doctor,
          date: DAY,
          startTime,
          endTime,
          mode: 'offline',
          capacity,
          quotas: { referral: 0, partner: 0 },
        });
      const morning = await session('08:00', '09:00', 1);
      const afternoon = await session('14:00', '15:00', 5);
      await zhang.post('/appointments', { scheduleId: morning.id }, { 'Idempotency-Key': randomUUID() });
      const son = (await lina.get<ListPage<Dependent>>('/me/dependents')).items.find(
        (d) => d.name === '李小宝',
      )!;
      const sons = await lina.post<BookResult>(
        '/appointments',
        { scheduleId: afternoon.id, patientId: son.patientId },
        { 'Idempotency-Key': randomUUID() },
      );

      const page = await h.open('phone');
      await loginWithPassword(page, LI_NA);
      await page.getByTestId('patient-home').waitFor();

      // The doctor page: the full morning offers 候补; the confirm page joins it.
      await page.goto(`/patient/doctors/${doctor}?date=${DAY}`);
      await page.getByTestId('session-waitlist').first().click();
      await page.waitForURL(`**/confirm/${morning.id}**`);
      await page.getByTestId('waitlist-join').click();
      await expect.poll(() => page.getByTestId('waitlist-position').textContent()).toBe('您当前排在第 1 位');
      await expectAccessible(page, '候补结果');
      await screenshot(page, 'waitlist-joined');

      // 我的预约: the 候补中 section with 第 1 位, the doctor and the session.
      await page.goto('/patient/appointments');
      const entry = page.getByTestId('waitlist-item').filter({ hasText: '孙海涛' });
      await entry.waitFor();
      await expect(entry.getByTestId('waitlist-position').textContent()).resolves.toBe('第 1 位');
      await expect(entry.textContent()).resolves.toContain(`${zhMonthDay(DAY)}`);
      await expect(entry.textContent()).resolves.toContain('08:00–09:00');
      await expectAccessible(page, '我的预约（候补）');
      await screenshot(page, 'waitlist-appointments');

      // 消息: "已加入候补，当前第 1 位".
      await page.goto('/patient/messages');
      const joined = page.getByTestId('notification-item').filter({ hasText: '已加入候补，当前第 1 位' });
      await joined.first().waitFor();
      await expect(joined.first().textContent()).resolves.toContain('孙海涛');
      await expectAccessible(page, '消息（候补）');
      await screenshot(page, 'waitlist-messages');

      // Cancel it, confirmed in a dialog: the entry is gone, and 消息 says so.
      await page.goto('/patient/appointments');
      await entry.getByTestId('waitlist-cancel').click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await expect(dialog.textContent()).resolves.toContain('孙海涛');
      await expectAccessible(page, '取消候补确认');
      await screenshot(page, 'waitlist-cancel-dialog');
      await dialog.getByRole('button', { name: '取消候补' }).click();
      await expect.poll(() => entry.count()).toBe(0);
      await screenshot(page, 'waitlist-cancelled');
      await page.goto('/patient/messages');
      await page.getByTestId('notification-item').filter({ hasText: '候补已取消' }).first().waitFor();

      // Her son's appointment: where to go, 就诊须知, the payment time left in words (no mm:ss).
      await page.goto(`/patient/appointments/${sons.id}`);
      const location = page.getByTestId('guide-location');
      await location.waitFor();
      await expect(location.textContent()).resolves.toContain('呼吸内科');
      const rules = await page.getByTestId('guide-rules').textContent();
      expect(rules).toContain('身份证或医保卡');
      expect(rules).toContain('提前 15 分钟');
      expect(rules).toMatch(/\d+月\d+日 12:00 前可在「我的预约」取消/);
      expect(rules).toContain('爽约');
      await expect
        .poll(async () => (await page.locator('.appointment-hero__hint').textContent()) ?? '')
        .toMatch(/^剩余支付时间 (\d+分)?\d+秒/);
      await expectAccessible(page, '预约详情（就诊须知）');
      await screenshot(page, 'appointment-guide');
    },
  },
];
