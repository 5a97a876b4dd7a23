import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiAs, createSchedule, doctorId, shanghaiDay } from './api.js';
import { expectAccessible } from './axe.js';
import { journeyHarness, loginWithPassword, screenshot } from './support.js';

const journeys = journeyHarness();
const HOSPITAL = '云澜医科大学附属云川医院';

/** 陈建国's sessions: tomorrow morning with tokens, the day after with its single token taken. */
const open = { date: shanghaiDay(1), hours: '09:00–11:00' };
const full = { date: shanghaiDay(2), hours: '14:00–15:00' };
let chen = '';

beforeAll(async () => {
  const admin = await apiAs(journeys.url(), '13600000001');
  chen = await doctorId(admin, '陈建国');
  await createSchedule(admin, {
    doctorId: chen,
    date: open.date,
    startTime: '09:00',
    endTime: '11:00',
    capacity: 3,
  });
  const taken = await createSchedule(admin, {
    doctorId: chen,
    date: full.date,
    startTime: '14:00',
    endTime: '15:00',
    capacity: 1,
  });
  const wang = await apiAs(journeys.url(), '13800000003');
  await wang.post('/appointments', { scheduleId: taken.id });
});

async function patientHome(phone: string): Promise<Page> {
  const page = await journeys.open('phone');
  await loginWithPassword(page, phone);
  await page.getByTestId('patient-home').waitFor();
  return page;
}

/** 预约挂号 → hospital → 心血管内科 → 陈建国 → the day's session → the confirm page. */
async function chooseSession(
  page: Page,
  date: string,
  hours: string,
  { shots = false, search }: { shots?: boolean; search?: string } = {},
): Promise<void> {
  await page.getByTestId('service-book').click();
  const hospital = page.getByTestId('institution-item').filter({ hasText: HOSPITAL });
  await hospital.waitFor();
  if (shots) await screenshot(page, 'booking-hospitals');
  if (shots) await expectAccessible(page, '预约挂号 医院');
  await hospital.click();
  const department = page.getByTestId('department-item').filter({ hasText: '心血管内科' });
  await department.waitFor();
  if (shots) await screenshot(page, 'booking-departments');
  if (shots) await expectAccessible(page, '预约挂号 科室');
  await department.click();
  const doctor = page.getByTestId('doctor-item').filter({ hasText: '陈建国' });
  await doctor.waitFor();
  if (search) {
    await page.getByTestId('directory-search').locator('input').fill(search);
    await page.getByTestId('directory-search').locator('input').press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="doctor-item"]').length === 1);
  }
  expect(await doctor.textContent()).toContain('主任医师');
  expect(await doctor.textContent()).toContain('最近可约');
  if (shots) await screenshot(page, 'booking-doctors');
  if (shots) await expectAccessible(page, '预约挂号 医生');
  await doctor.click();
  await page.getByTestId(`date-${date}`).click();
  const session = page.getByTestId('session').filter({ hasText: hours });
  await session.waitFor();
  expect(await session.textContent()).toContain('¥100.00');
  if (shots) await screenshot(page, 'booking-doctor');
  if (shots) await expectAccessible(page, '医生排班');
  await session.getByRole('button').click();
  await page.getByTestId('confirm-page').waitFor();
}

/** On the cashier of the simulated gateway: confirm, and come back to the appointment page. */
async function payOnCashier(page: Page, shot?: string): Promise<void> {
  await page.getByTestId('pay-now').click();
  await page.waitForURL('**/sim-gateway/cashier/**');
  await page.getByTestId('sim-confirm').waitFor();
  if (shot) await screenshot(page, shot);
  await page.getByTestId('sim-confirm').click();
  await page.waitForURL('**/patient/appointments/**');
  await page.getByTestId('appointment-status').filter({ hasText: '已预约' }).waitFor({ timeout: 20_000 });
  await page.getByTestId('order-status').filter({ hasText: '已支付' }).waitFor();
}

describe('booking', () => {
  it('张伟 books 陈建国, pays on the cashier, then cancels and is refunded', async () => {
    const page = await patientHome('13800000001');
    await chooseSession(page, open.date, open.hours, { shots: true });
    await page.getByTestId('confirm-page').getByText('¥100.00').waitFor();
    await page
      .getByTestId('patient-switch')
      .locator('.adm-selector-item-active', { hasText: '张伟' })
      .waitFor();
    await screenshot(page, 'booking-confirm');
    await expectAccessible(page, '确认预约');

    await page.getByTestId('book-submit').click();
    await page.getByTestId('booked-result').waitFor();
    expect(await page.getByTestId('token-number').textContent()).toBe('第 1 号');
    expect(await page.getByTestId('token-window').textContent()).toContain('09:00–09:40');
    expect(await page.getByTestId('booked-result').textContent()).toMatch(/剩余支付时间 1\d分\d+秒/);
    await screenshot(page, 'booking-booked');
    await expectAccessible(page, '预约成功 (待支付)');

    await payOnCashier(page, 'booking-cashier');
    await page.getByTestId('checkin-qr').locator('canvas').waitFor();
    await screenshot(page, 'booking-paid');
    await expectAccessible(page, '预约详情 (已支付)');
    await page.getByTestId('order-status').scrollIntoViewIfNeeded();
    await screenshot(page, 'booking-paid-payment');

    await page.getByTestId('cancel').click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('全额原路退回');
    await dialog.getByRole('button', { name: '取消预约' }).click();
    await page.getByTestId('appointment-status').filter({ hasText: '已取消' }).waitFor();
    await page.getByTestId('order-status').filter({ hasText: '已退款 ¥100.00' }).waitFor();
    expect(await page.getByTestId('checkin-qr').count()).toBe(0);
    await screenshot(page, 'booking-cancelled');
    await expectAccessible(page, '预约详情 (已取消)');

    await page.locator('.adm-nav-bar-back').click();
    const item = page.getByTestId('appointment-item').first();
    await item.waitFor();
    expect(await item.textContent()).toContain('已取消');
    expect(await item.textContent()).toContain('就诊人：张伟');
    await screenshot(page, 'booking-list');
    await expectAccessible(page, '我的预约');

    await page.goto('/patient/messages');
    await page.getByTestId('notification-item').filter({ hasText: '预约已取消' }).waitFor();
    const unread = await page.locator('[data-testid="notification-item"][data-read="false"]').count();
    expect(unread).toBeGreaterThan(0);
    await page.locator('.patient-tabbar .adm-badge').waitFor();
    await screenshot(page, 'booking-messages');
    await expectAccessible(page, '消息');
    await page.getByTestId('notification-item').filter({ hasText: '预约成功' }).click();
    await page.getByTestId('appointment-page').waitFor();
  });

  it('李娜 books for her child 李小宝 with one tap on the 就诊人 switch, pays, and cancels for him', async () => {
    const page = await patientHome('13800000002');
    await chooseSession(page, open.date, open.hours, { search: '冠心病' });
    const child = page.getByTestId('patient-switch').getByText('李小宝');
    await child.click();
    await page
      .getByTestId('patient-switch')
      .locator('.adm-selector-item-active', { hasText: '李小宝' })
      .waitFor();
    await screenshot(page, 'booking-dependent-confirm');
    await page.getByTestId('book-submit').click();
    await page.getByTestId('booked-result').getByText('李小宝').waitFor();
    await payOnCashier(page);
    expect(await page.getByTestId('appointment-patient').textContent()).toBe('李小宝');
    await screenshot(page, 'booking-dependent-paid');

    await page.goto('/patient/appointments');
    const item = page.getByTestId('appointment-item').filter({ hasText: '就诊人：李小宝' });
    await item.waitFor();
    expect(await item.textContent()).toContain('已预约');

    // As his guardian she cancels it too; the fee goes back.
    await item.click();
    await page.getByTestId('cancel').click();
    await page.getByRole('dialog').getByRole('button', { name: '取消预约' }).click();
    await page.getByTestId('appointment-status').filter({ hasText: '已取消' }).waitFor();
    await page.getByTestId('order-status').filter({ hasText: '已退款' }).waitFor();
    expect(await page.getByTestId('appointment-patient').textContent()).toBe('李小宝');
    await screenshot(page, 'booking-dependent-cancelled');
  });

  it('a full session offers 加入候补 and joining shows the position', async () => {
    const page = await patientHome('13800000001');
    await page.goto(`/patient/doctors/${chen}?date=${full.date}`);
    const session = page.getByTestId('session').filter({ hasText: full.hours });
    await session.waitFor();
    expect(await session.textContent()).toContain('约满');
    await screenshot(page, 'booking-full');
    await expectAccessible(page, '医生排班 (约满)');
    await session.getByTestId('session-waitlist').click();
    await page.getByTestId('waitlist-join').click();
    expect(await page.getByTestId('waitlist-position').textContent()).toBe('您当前排在第 1 位');
    await screenshot(page, 'booking-waitlisted');
    await expectAccessible(page, '候补');
  });
});
