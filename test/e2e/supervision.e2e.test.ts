import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { VisitPage } from '../../src/shared/visits.js';
import { apiAs, doctorId, requestPaidVisit, shanghaiDay, zhMonthDay } from './api.js';
import { expectAccessible } from './axe.js';
import { journeyHarness, loginWithPassword, screenshot } from './support.js';

const journeys = journeyHarness();
const REGULATOR = '13500000001';
const H01_ADMIN = '13600000001';
/** 杜凤, org_admin of the children's hospital YC-H03. */
const H03_ADMIN = '13600000002';
const CHILDRENS = '云澜市儿童医院';

async function consolePage(phone: string, home: string, feature: string, testId: string): Promise<Page> {
  const page = await journeys.open('desktop');
  await loginWithPassword(page, phone);
  await page.getByTestId(home).waitFor();
  await page.getByTestId(`feature-${feature}`).click();
  await page.getByTestId(testId).waitFor();
  return page;
}

/** Chooses in an antd Select by typing into its search box, and waits for the dropdown to close. */
async function pick(page: Page, select: Locator, typed: string, option = typed): Promise<void> {
  await select.click();
  await page.keyboard.type(typed);
  const item = page.locator('.ant-select-item-option:visible', { hasText: option }).first();
  await item.click();
  await item.waitFor({ state: 'hidden' });
}

/** How the zh-CN supervision pages write a day: 2026年12月22日. */
function zhFullDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** 张伟's follow-up with 陈建国 for his hypertension, through the API: requested, paid, started, recorded, completed. */
async function completedFollowUp(): Promise<string> {
  const base = journeys.url();
  const admin = await apiAs(base, H01_ADMIN);
  const patient = await apiAs(base, '13800000001');
  const doctor = await apiAs(base, '13900000001');
  const chen = await doctorId(admin, '陈建国');
  const visit = await requestPaidVisit<{ id: string; status: string }>(base, patient, {
    type: 'follow_up',
    doctorId: chen,
    conditionCode: 'I10',
    description: '高血压复诊，近一周血压 135/85 左右，想调整用药',
    channel: 'text',
  });
  await doctor.post(`/visits/${visit.id}/start`);
  await patient.post(`/visits/${visit.id}/messages`, {
    clientId: randomUUID(),
    kind: 'text',
    text: '陈医生好，最近早上血压偏高。',
  });
  await doctor.post(`/visits/${visit.id}/messages`, {
    clientId: randomUUID(),
    kind: 'text',
    text: '请继续监测早晚血压，药量先不变。',
  });
  await doctor.put(`/visits/${visit.id}/record`, {
    chiefComplaint: '高血压复诊',
    presentIllness: '规律服药，近一周血压 135/85 mmHg 左右',
    pastHistory: '原发性高血压 3 年',
    allergies: '无',
    onlineObservation: '精神可，语言清晰',
    diagnoses: [{ icd10: 'I10', name: '原发性高血压' }],
    advice: '继续原方案，低盐饮食，两周后复诊',
  });
  await doctor.post(`/visits/${visit.id}/complete`);
  return visit.id;
}

describe('first-visit pilot (regulator)', () => {
  it('the regulator sees the seeded pilot scope, opens another and revokes it', async () => {
    const page = await consolePage(REGULATOR, 'regulator-home', 'firstVisitPilot', 'pilot-page');
    const seeded = page
      .getByTestId('pilot-row')
      .filter({ hasText: CHILDRENS })
      .filter({ hasText: '儿童生长发育专业' });
    await seeded.first().waitFor();
    expect(await seeded.first().getByTestId('pilot-status').textContent()).toBe('试点中');
    await screenshot(page, 'supervision-pilot-list');
    await expectAccessible(page, '首诊试点');

    // 新增: the cardiology of YC-H01, from a month ahead for half a year (so not started yet).
    const [startsOn, endsOn] = [shanghaiDay(30), shanghaiDay(210)];
    await page.getByTestId('pilot-create').click();
    const form = page.getByRole('dialog');
    await pick(page, form.getByLabel('医疗机构'), 'YC-H01');
    await pick(page, form.getByLabel('诊疗科目'), '心血管');
    await pick(page, form.getByLabel('开始日期'), startsOn, zhFullDate(startsOn));
    await pick(page, form.getByLabel('结束日期'), endsOn, zhFullDate(endsOn));
    await screenshot(page, 'supervision-pilot-form');
    await expectAccessible(page, '首诊试点 新增');
    await form.getByRole('button', { name: /提\s*交/ }).click();
    await form.waitFor({ state: 'hidden' });
    const created = page.getByTestId('pilot-row').filter({ hasText: '心血管内科专业' });
    await created.waitFor();
    expect(await created.textContent()).toContain('云澜医科大学附属云川医院');
    expect(await created.getByTestId('pilot-status').textContent()).toBe('未开始');

    // 撤销, after confirming.
    await created.getByTestId('pilot-revoke').click();
    const confirm = page.getByRole('dialog').filter({ hasText: '撤销该试点范围？' });
    await confirm.waitFor();
    await screenshot(page, 'supervision-pilot-revoke');
    await expectAccessible(page, '首诊试点 撤销确认');
    await confirm.getByRole('button', { name: '确认撤销' }).click();
    await created.getByTestId('pilot-status').filter({ hasText: '已撤销' }).waitFor();
    expect(await created.getByTestId('pilot-revoke').count()).toBe(0);
    // The seeded scope is untouched.
    expect(await seeded.first().getByTestId('pilot-status').textContent()).toBe('试点中');
    await screenshot(page, 'supervision-pilot-revoked');
    await expectAccessible(page, '首诊试点 (已撤销)');
  });
});

describe('first-visit whitelist (org_admin of the children’s hospital)', () => {
  it('the admin sees 苏晓雯 meeting every condition; a doctor below the bar is refused, one above it added and removed', async () => {
    const page = await consolePage(H03_ADMIN, 'admin-home', 'firstVisitWhitelist', 'whitelist-page');
    const su = page.getByTestId('whitelist-row').filter({ hasText: '苏晓雯' });
    await su.waitFor();
    for (const condition of ['licence', 'practice_years', 'title', 'online_follow_up_years', 'training']) {
      expect(await su.getByTestId(`bar-${condition}`).getAttribute('data-met')).toBe('true');
    }
    expect(await su.getByTestId('whitelist-eligible').textContent()).toBe('满足全部条件');
    await screenshot(page, 'supervision-whitelist');
    await expectAccessible(page, '首诊医生白名单');

    // 程佳怡: online follow-ups only since 2026 and not trained.
    await page.getByTestId('whitelist-add').click();
    const dialog = page.getByRole('dialog');
    await pick(page, dialog.getByLabel('医生'), '程佳怡');
    await dialog.getByRole('button', { name: '添加医生' }).click();
    const refusal = dialog.getByTestId('whitelist-refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('不符合');
    await screenshot(page, 'supervision-whitelist-refused');
    await expectAccessible(page, '首诊医生白名单 添加被拒');
    await dialog.getByRole('button', { name: /取\s*消/ }).click();
    expect(await page.getByTestId('whitelist-row').filter({ hasText: '程佳怡' }).count()).toBe(0);

    // 汪晴 meets the bar but is not listed: she is added, then removed after confirming.
    await page.getByTestId('whitelist-add').click();
    await pick(page, dialog.getByLabel('医生'), '汪晴');
    await dialog.getByRole('button', { name: '添加医生' }).click();
    const wang = page.getByTestId('whitelist-row').filter({ hasText: '汪晴' });
    await wang.waitFor();
    expect(await wang.getByTestId('whitelist-eligible').textContent()).toBe('满足全部条件');
    await wang.getByTestId('whitelist-remove').click();
    const confirm = page.getByRole('dialog').filter({ hasText: '将 汪晴 移出白名单？' });
    await confirm.getByRole('button', { name: '确认移除' }).click();
    await wang.waitFor({ state: 'detached' });
  });
});

describe('visit supervision (org_admin of YC-H01)', () => {
  it('the admin finds a completed follow-up and reads its timeline in order', async () => {
    const visitId = await completedFollowUp();
    const page = await consolePage(H01_ADMIN, 'admin-home', 'visitSupervision', 'visit-supervision');
    const row = page.getByTestId('visit-row').filter({ hasText: '张伟' }).first();
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('复诊');
    expect(text).toContain('陈建国');
    expect(text).toContain('已完成');
    await screenshot(page, 'supervision-visits');
    await expectAccessible(page, '问诊监管');

    // Filtering by another status hides it; by 已完成 shows it again.
    await pick(page, page.getByTestId('visit-status-filter'), '已取消');
    await page.getByText('暂无问诊记录').waitFor();
    await pick(page, page.getByTestId('visit-status-filter'), '已完成');
    await row.waitFor();
    // The date filter: from today on, the visit is still there.
    const today = shanghaiDay(0);
    await pick(page, page.getByTestId('visit-from'), today, zhFullDate(today));
    await row.waitFor();
    expect(await row.textContent()).toContain(zhMonthDay(today));

    await row.getByTestId('visit-timeline-open').click();
    const drawer = page.getByTestId('visit-timeline');
    await drawer.getByTestId('timeline-event').first().waitFor();
    const kinds = await drawer.getByTestId('timeline-kind').allTextContents();
    const order = [
      '发起问诊',
      '完成支付',
      '进入候诊',
      '医生接诊',
      '图文消息',
      '保存病历',
      '病历签名',
      '问诊完成',
    ];
    const positions = order.map((kind) => kinds.indexOf(kind));
    expect(
      positions.every((p) => p >= 0),
      `timeline: ${kinds.join(' → ')}`,
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(await drawer.textContent()).toContain('张伟');
    expect(visitId).toBeTruthy();
    await screenshot(page, 'supervision-visit-timeline');
    await expectAccessible(page, '问诊监管 时间线');
    await drawer.getByTestId('timeline-event').last().scrollIntoViewIfNeeded();
    await screenshot(page, 'supervision-visit-timeline-end');
  });

  it('the regulator sees the same visit across the district and its timeline', async () => {
    const page = await consolePage(REGULATOR, 'regulator-home', 'visitSupervision', 'visit-supervision');
    const row = page.getByTestId('visit-row').filter({ hasText: '陈建国' }).first();
    await row.waitFor();
    expect(await row.textContent()).toContain('云澜医科大学附属云川医院');
    await screenshot(page, 'supervision-visits-region');
    await expectAccessible(page, '问诊监管 (全区)');
    await row.getByTestId('visit-timeline-open').click();
    const kinds = page.getByTestId('visit-timeline').getByTestId('timeline-kind');
    await kinds.filter({ hasText: '问诊完成' }).waitFor();
    await screenshot(page, 'supervision-visit-timeline-region');
    await expectAccessible(page, '问诊监管 时间线 (全区)');
  });

  it('the next page is asked for with the API’s keyset cursor (`before`)', async () => {
    // The demo has fewer visits than a page: the first answer is made to say there is more.
    const asked: URLSearchParams[] = [];
    const page = await journeys.open('desktop');
    await page.route('**/api/v1/visits?*', async (route) => {
      const query = new URL(route.request().url()).searchParams;
      asked.push(query);
      const response = await route.fetch();
      const body = (await response.json()) as VisitPage;
      const more = query.has('before') ? {} : { nextCursor: body.items.at(-1)?.createdAt };
      await route.fulfill({ response, json: { ...body, ...more } });
    });
    await loginWithPassword(page, REGULATOR);
    await page.getByTestId('regulator-home').waitFor();
    await page.getByTestId('feature-visitSupervision').click();
    await page.getByTestId('visit-row').first().waitFor();
    const last = await page.getByTestId('visit-row').count();
    await page.getByRole('button', { name: '加载更多' }).click();
    await page.getByRole('button', { name: '加载更多' }).waitFor({ state: 'detached' });
    const next = asked.at(-1)!;
    expect(next.get('scope')).toBe('region');
    expect(next.get('before')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(next.has('cursor')).toBe(false);
    // Nothing is older than the last visit shown: the list stays as it was, without repeats.
    expect(await page.getByTestId('visit-row').count()).toBe(last);
  });
});
