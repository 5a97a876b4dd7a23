import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiAs, bookAndPay, createSchedule, doctorId, isoWeekday, shanghaiDay, zhMonthDay } from './api.js';
import { expectAccessible } from './axe.js';
import { journeyHarness, loginWithPassword, screenshot } from './support.js';

const journeys = journeyHarness();
const ADMIN = '13600000001';
const WEEKDAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];

async function adminConsole(feature: string, testId: string): Promise<Page> {
  const page = await journeys.open('desktop');
  await loginWithPassword(page, ADMIN);
  await page.getByTestId('admin-home').waitFor();
  await page.getByTestId(`feature-${feature}`).click();
  await page.getByTestId(testId).waitFor();
  return page;
}

const scheduleRow = (page: Page, date: string, hours: string) =>
  page
    .getByTestId('schedule-row')
    .filter({ hasText: zhMonthDay(date) })
    .filter({ hasText: hours });

/** Chooses in an antd Select by typing into its search box, and waits for the dropdown to close. */
async function pick(page: Page, select: Locator, option: string): Promise<void> {
  await select.click();
  await page.keyboard.type(option);
  const item = page.locator('.ant-select-item-option:visible', { hasText: option }).first();
  await item.click();
  await item.waitFor({ state: 'hidden' });
}

describe('admin schedules', () => {
  it('the admin creates a session with the form and from a weekly template, then stops one', async () => {
    const page = await adminConsole('schedules', 'schedules-page');
    await pick(page, page.getByTestId('doctor-select'), '陈建国');
    const [first, second] = [shanghaiDay(3), shanghaiDay(4)];

    // 新建排班: 4 tokens, of which the tertiary hospital keeps 30% (1) for referrals; fee ¥80.
    await page.getByTestId('schedule-create').click();
    const form = page.getByRole('dialog');
    await pick(page, form.getByLabel('出诊日期'), zhMonthDay(first));
    await pick(page, form.getByLabel('开始时间'), '09:00');
    await pick(page, form.getByLabel('结束时间'), '11:30');
    await form.getByLabel('号源数').fill('4');
    await form.getByLabel('挂号费（元）').fill('80');
    await screenshot(page, 'admin-schedule-form');
    await expectAccessible(page, '新建排班');
    await form.getByRole('button', { name: '新建排班' }).click();
    const created = scheduleRow(page, first, '09:00–11:30');
    await created.waitFor();
    const text = (await created.textContent()) ?? '';
    expect(text).toContain('¥80.00');
    expect(text).toContain('余号 3 / 3');
    expect(text).toContain('转诊 1 · 合作 0');
    expect(text).toContain('出诊');

    // 按周模板排班: a clashing row is skipped with its reason, the other is created.
    await page.getByTestId('schedule-template').click();
    const dialog = page.getByRole('dialog');
    await pick(page, dialog.getByLabel('开始日期'), zhMonthDay(first));
    const rows = dialog.getByTestId('template-row');
    await pick(page, rows.nth(0).getByLabel('星期'), WEEKDAYS[isoWeekday(first) - 1]!);
    await dialog.getByTestId('template-add').click();
    await pick(page, rows.nth(1).getByLabel('星期'), WEEKDAYS[isoWeekday(second) - 1]!);
    await pick(page, rows.nth(1).getByLabel('开始时间'), '14:00');
    await pick(page, rows.nth(1).getByLabel('结束时间'), '17:00');
    await rows.nth(1).getByLabel('号源数').fill('10');
    await screenshot(page, 'admin-template');
    await expectAccessible(page, '按周模板排班');
    await dialog.getByTestId('template-submit').click();
    const result = dialog.getByTestId('template-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('已创建 1 个排班');
    expect(await result.getByTestId('template-skipped').textContent()).toContain('已有出诊排班');
    await screenshot(page, 'admin-template-result');
    await expectAccessible(page, '按周模板排班 结果');
    await dialog.getByRole('button', { name: /完\s*成/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await scheduleRow(page, second, '14:00–17:00').waitFor();
    await screenshot(page, 'admin-schedules');
    await expectAccessible(page, '排班管理');

    // A patient books and pays the first session; the admin sees the booking, then stops the session.
    const url = journeys.url();
    const admin = await apiAs(url, ADMIN);
    const chen = await doctorId(admin, '陈建国');
    const sessions = await admin.get<{ items: { id: string; startTime: string }[] }>(
      `/schedules?doctorId=${chen}&from=${first}&to=${first}`,
    );
    const zhang = await apiAs(url, '13800000001');
    const booking = await bookAndPay(url, zhang, sessions.items.find((s) => s.startTime === '09:00')!.id);
    await created.getByTestId('schedule-bookings').click();
    const drawer = page.locator('.ant-drawer');
    const bookingRow = drawer.getByTestId('booking-row').filter({ hasText: '张伟' });
    await bookingRow.waitFor();
    expect(await bookingRow.textContent()).toContain('已预约');
    await screenshot(page, 'admin-bookings');
    await expectAccessible(page, '排班预约');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    await created.getByTestId('schedule-stop').click();
    const stop = page.getByRole('dialog');
    await stop.getByLabel('停诊原因').fill('医生临时外出参加会诊');
    await screenshot(page, 'admin-stop');
    await expectAccessible(page, '停诊');
    await stop.getByRole('button', { name: '确认停诊' }).click();
    expect(await page.getByTestId('schedule-notice').textContent()).toContain(
      '已停诊，1 个预约已取消并全额退款',
    );
    await created.getByText('已停诊').waitFor();
    await screenshot(page, 'admin-stopped');
    await expectAccessible(page, '排班管理 (已停诊)');

    const mine = await zhang.get<{ items: { id: string; status: string }[] }>('/appointments');
    expect(mine.items.find((a) => a.id === booking.id)?.status).toBe('cancelled');
    expect((await zhang.get<{ status: string }>(`/orders/${booking.orderId}`)).status).toBe('refunded');
  });

  it('the admin edits the booking rules', async () => {
    const page = await adminConsole('bookingPolicy', 'policy-page');
    const hold = page.getByLabel('支付时限（分钟）');
    expect(await hold.inputValue()).toBe('15');
    expect(await page.getByLabel('转诊号比例（%）').inputValue()).toBe('30');
    await hold.fill('20');
    await page.getByTestId('policy-save').click();
    await page.getByText('放号规则已保存').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'admin-policy');
    await expectAccessible(page, '放号规则');
    await page.reload();
    await page.getByTestId('policy-page').waitFor();
    expect(await page.getByLabel('支付时限（分钟）').inputValue()).toBe('20');
  });
});

describe('clinic', () => {
  it('陈建国 sees his sessions today and the next days with their bookings, and checks a patient in', async () => {
    const url = journeys.url();
    const admin = await apiAs(url, ADMIN);
    const chen = await doctorId(admin, '陈建国');
    const later = shanghaiDay(5);
    const session = await createSchedule(admin, {
      doctorId: chen,
      date: later,
      startTime: '08:00',
      endTime: '10:00',
      capacity: 2,
    });
    await bookAndPay(url, await apiAs(url, '13800000002'), session.id);
    // Check-in is on the visit day only: a session later today, while the day has an hour left.
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Asia/Shanghai',
        hour: '2-digit',
        hourCycle: 'h23',
      }).format(new Date()),
    );
    const todayHours =
      hour <= 21
        ? [`${String(hour + 1).padStart(2, '0')}:00`, `${String(hour + 2).padStart(2, '0')}:00`]
        : null;
    if (todayHours) {
      const today = await createSchedule(admin, {
        doctorId: chen,
        date: shanghaiDay(0),
        startTime: todayHours[0]!,
        endTime: todayHours[1]!,
        capacity: 2,
      });
      await bookAndPay(url, await apiAs(url, '13800000003'), today.id);
    }

    const page = await journeys.open('desktop');
    await loginWithPassword(page, '13900000001');
    await page.getByTestId('clinic-home').waitFor();
    await page.getByTestId('feature-todayVisits').click();
    await page.getByTestId('today-visits').waitFor();
    if (todayHours) {
      const row = page
        .getByTestId('session-panel')
        .filter({ hasText: `${todayHours[0]}–${todayHours[1]}` })
        .getByTestId('booking-row')
        .filter({ hasText: '王秀英' });
      await row.waitFor();
      expect(await row.getByTestId('booking-status').textContent()).toBe('已预约');
      await row.getByTestId('check-in').click();
      await row.getByTestId('booking-status').filter({ hasText: '已签到' }).waitFor();
      expect(await row.getByTestId('check-in').count()).toBe(0);
    }
    await screenshot(page, 'clinic-today');
    await expectAccessible(page, '今日出诊');

    await page.getByTestId(`day-${later}`).click();
    const next = page
      .getByTestId('session-panel')
      .filter({ hasText: '08:00–10:00' })
      .getByTestId('booking-row')
      .filter({ hasText: '李娜' });
    await next.waitFor();
    expect(await next.getByTestId('booking-status').textContent()).toBe('已预约');
    expect(await next.getByTestId('check-in').count()).toBe(0); // not the visit day
    await screenshot(page, 'clinic-next-days');
    await expectAccessible(page, '今日出诊 (后续日期)');
  });
});
