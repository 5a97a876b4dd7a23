/**
 * [8/12] The home page: 长辈模式 asked once and kept per account, its three-button home, 我看过的医生 with
 * 再次预约 and 复诊续方 (taps counted), and elderly mode at 320 px wide on the home, doctor, booking pages
 * and the visit form. Schedules are made through the API on shanghaiDay(4), a day other groups do not use.
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Schedule } from '../../../src/shared/scheduling.js';
import { apiAs, createSchedule, doctorId, shanghaiDay } from '../api.js';
import { expectAccessible } from '../axe.js';
import { loginWithPassword, screenshot } from '../support.js';
import type { Journey, JourneyHarness } from './journey.js';

const DAY = shanghaiDay(4);

/** Counts the taps a person makes: every click of the journey goes through `tap`. */
function tapCounter(): { tap(target: Locator): Promise<void>; readonly count: number } {
  let count = 0;
  return {
    async tap(target) {
      await target.click();
      count += 1;
    },
    get count() {
      return count;
    },
  };
}

/** A session of 杨淑芬 (YC-H01 内分泌科, who diagnosed 王秀英's diabetes) on DAY, made by YC-H01's admin. */
async function yangSession(h: JourneyHarness): Promise<{ doctor: string; schedule: Schedule }> {
  const admin = await apiAs(h.url(), '13600000001');
  const doctor = await doctorId(admin, '杨淑芬');
  const schedule = await createSchedule(admin, {
    doctorId: doctor,
    date: DAY,
    startTime: '13:30',
    endTime: '16:30',
    capacity: 12,
  });
  return { doctor, schedule };
}

async function noOverflow(page: Page, name: string): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${name}: page wider than 320 px`).toBeLessThanOrEqual(320);
  await expectAccessible(page, name);
  await screenshot(page, name);
}

let yang: { doctor: string; schedule: Schedule } | undefined;

export const journeys: Journey[] = [
  {
    name: '王秀英 (72) is asked once about 长辈模式, accepts, and books the doctor who diagnosed her in ≤ 6 taps; a new login keeps it',
    async run(h) {
      yang = await yangSession(h);
      const page = await h.open('phone');
      await loginWithPassword(page, '13800000003');
      const taps = tapCounter();
      const ask = page.getByRole('dialog').filter({ hasText: '是否开启长辈模式？' });
      await ask.waitFor();
      await screenshot(page, 'home-elderly-ask');
      await taps.tap(ask.getByRole('button', { name: '开启', exact: true }));
      await page.getByTestId('elderly-home').waitFor();
      expect(await page.evaluate(() => document.documentElement.classList.contains('elderly-mode'))).toBe(
        true,
      );
      for (const label of ['挂号', '问诊', '我的家人'])
        await page
          .getByTestId('elderly-home')
          .getByRole('button', { name: new RegExp(label) })
          .waitFor();
      const yangCard = page.locator('[data-testid="seen-doctor"][data-name="杨淑芬"]');
      await yangCard.getByText('2型糖尿病不伴有并发症').waitFor();
      await page.getByTestId('read-aloud').waitFor();
      await expectAccessible(page, 'home (elderly)');
      await screenshot(page, 'home-elderly');

      // 再次预约 → the session → 确认预约 → 立即支付 → the cashier's 确认支付: the booking is made and paid.
      await taps.tap(yangCard.getByTestId('seen-book'));
      await page.getByTestId('doctor-page').waitFor();
      await expectAccessible(page, 'doctor page (elderly)');
      await screenshot(page, 'home-elderly-doctor');
      await taps.tap(page.getByTestId('session-book').first());
      await page.getByTestId('confirm-page').waitFor();
      await page.getByTestId('book-submit').and(page.locator(':enabled')).waitFor();
      await expectAccessible(page, 'confirm page (elderly)');
      await taps.tap(page.getByTestId('book-submit'));
      await page.getByTestId('booked-result').waitFor();
      await taps.tap(page.getByTestId('pay-now'));
      await page.waitForURL('**/sim-gateway/cashier/**');
      await taps.tap(page.getByTestId('sim-confirm'));
      await page.waitForURL('**/patient/appointments/**');
      await page.getByTestId('order-status').filter({ hasText: '已支付' }).waitFor({ timeout: 20_000 });
      await screenshot(page, 'home-elderly-booked');
      expect(taps.count, 'taps from the question to a paid booking').toBeLessThanOrEqual(6);

      // Another phone: the same account keeps 长辈模式 and is not asked again.
      const other = await h.open('phone');
      await loginWithPassword(other, '13800000003');
      await other.getByTestId('elderly-home').waitFor();
      await other.locator('[data-testid="seen-doctor"]').first().waitFor();
      expect(await other.getByRole('dialog').count()).toBe(0);
      expect(await other.evaluate(() => document.documentElement.classList.contains('elderly-mode'))).toBe(
        true,
      );
    },
  },
  {
    name: '张伟 starts a follow-up with 陈建国 from the home page in ≤ 4 taps before typing: diagnosis chosen, price shown, no ICD-10',
    async run(h) {
      const page = await h.open('phone');
      await loginWithPassword(page, '13800000001');
      await page.getByTestId('patient-home').waitFor();
      const taps = tapCounter();
      const chen = page.locator('[data-testid="seen-doctor"][data-name="陈建国"]');
      await chen.getByText('原发性高血压').waitFor();
      // [12/12] 家庭医生 is built: every tile opens a page, none says 即将上线.
      await page.getByTestId('service-familyDoctor').waitFor();
      await expect(page.locator('[data-testid^="soon-"]').count()).resolves.toBe(0);
      await expectAccessible(page, 'home');
      await screenshot(page, 'home');

      await taps.tap(chen.getByTestId('seen-follow-up'));
      // The first tap lands on the form itself, not on an explainer.
      await page.getByTestId('visit-type').waitFor();
      await page
        .locator('[data-testid="condition-record"][data-chosen="true"]')
        .getByText('原发性高血压')
        .waitFor();
      await page.getByTestId('fee-text').filter({ hasText: '¥' }).waitFor();
      await page.getByTestId('visit-price').filter({ hasText: '¥' }).waitFor();
      const text = await page.getByTestId('new-visit-page').innerText();
      expect(text).not.toMatch(/ICD/i);
      expect(text.split('原发性高血压').length - 1, '原发性高血压 listed once').toBe(1);
      await expectAccessible(page, 'visit form');
      await screenshot(page, 'home-follow-up-form');
      expect(taps.count, 'taps before typing').toBeLessThanOrEqual(4);
      // Typing is what remains: the story, then consent.
      await page
        .getByTestId('visit-description')
        .locator('textarea:not([aria-hidden])')
        .fill('血压控制尚可，想续开降压药。');
    },
  },
  {
    name: '长辈模式 at 320 px: home, doctor page, booking pages and the visit form fit the screen',
    async run(h) {
      yang ??= await yangSession(h);
      const page = await h.open('phone');
      await page.setViewportSize({ width: 320, height: 700 });
      await loginWithPassword(page, '13800000003');
      await page.getByTestId('patient-home').waitFor();
      // 王秀英 answered in the first journey; when run alone, she answers here.
      const ask = page.getByRole('dialog').filter({ hasText: '是否开启长辈模式？' });
      await Promise.race([ask.waitFor(), page.getByTestId('elderly-home').waitFor()]);
      if (await ask.isVisible()) await ask.getByRole('button', { name: '开启', exact: true }).click();
      await page.getByTestId('elderly-home').waitFor();
      await page.locator('[data-testid="seen-doctor"]').first().waitFor();
      await noOverflow(page, 'home-320-elderly');

      await page.goto(`/patient/doctors/${yang.doctor}?date=${DAY}`);
      await page.getByTestId('session').first().waitFor();
      await noOverflow(page, 'doctor-320-elderly');

      await page.goto('/patient/book');
      await page.locator('.patient-page').first().waitFor();
      await page.waitForLoadState('networkidle');
      await noOverflow(page, 'book-320-elderly');

      await page.goto(`/patient/doctors/${yang.doctor}/confirm/${yang.schedule.id}?date=${DAY}`);
      await page.getByTestId('confirm-page').waitFor();
      await page.getByTestId('patient-switch').waitFor();
      await noOverflow(page, 'confirm-320-elderly');

      await page.goto(`/patient/visits/new?doctorId=${yang.doctor}&type=follow_up`);
      await page.getByTestId('condition-record').first().waitFor();
      await noOverflow(page, 'visit-form-320-elderly');
    },
  },
];
