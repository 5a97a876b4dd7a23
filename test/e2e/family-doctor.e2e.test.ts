/**
 * Family doctor, end to end ([12/12], issue 16's Done-when), in the browser on the demo region (the demo
 * contract is off here: YUNYI_DEMO_FAMILY_DOCTOR=0, so 王秀英 starts without a family doctor):
 * 1. her daughter 陈静, her family proxy, signs her to 龙晓梅家庭医生团队 at 青石社区 with the basic, elderly and
 *    hypertension packages for 2 years (fee split, agreement, SMS code) and pays at the cashier (FD-1…FD-3);
 * 2. 王秀英 turns 长辈模式 on and records a blood pressure of 165/100: 控制不满意, adjust and follow up (FD-7);
 * 3. 龙晓梅 finds the follow-up on her worklist, records it and refers her up to 云川医院's cardiology, which
 *    has referral tokens (the 30% a tertiary hospital keeps, FD-4);
 * 4. the hospital (陈建国) accepts and books the referral quota; the fee is paid; the hospital completes it;
 * 5. 陈建国 sends her back down with a care plan; 龙晓梅 accepts and the plan's task is on her worklist;
 * 6. home nursing (FD-5, FD-9): 陈静 asks for 伤口换药 for tomorrow and pays; 田雨 (below FD-9) cannot take it;
 *    白秀珍 takes it, checks in with the client's code and her position, checks out with a record; 陈静 sees
 *    it completed.
 * The steps share state (one server for the file) and run in order. Staff at 1280×800, residents on a
 * 390×844 phone; every page visited passes axe-core.
 */
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReferralView } from '../../src/shared/family-doctor.js';
import type { Page as ApiPage } from '../../src/shared/http.js';
import type { Dependent } from '../../src/shared/identity.js';
import type { Appointment } from '../../src/shared/scheduling.js';
import { apiAs, createSchedule, doctorId, payOrder, shanghaiDay, until } from './api.js';
import { expectAccessible } from './axe.js';
import { journeyHarness, loginWithPassword, screenshot } from './support.js';

const journeys = journeyHarness();

const WANG = '13800000003'; // 王秀英, 72: hypertension and diabetes
const CHEN_JING = '13800000004'; // 陈静, her daughter and family proxy
const LONG = '13900000004'; // 龙晓梅, GP lead at 青石社区 (YC-C01)
const CHEN = '13900000001'; // 陈建国, cardiology at 云川医院 (YC-H01, tertiary)
const HOSPITAL_ADMIN = '13600000001'; // YC-H01's org_admin
const BAI = '13900000008'; // 白秀珍, 护师 since 2016 (meets FD-9)
const TIAN = '13900000009'; // 田雨, 护士 since 2024 (below FD-9)

const TEAM = '龙晓梅家庭医生团队';
const HOSPITAL = '云澜医科大学附属云川医院';
const CARDIOLOGY = '心血管内科';
const CARE_TASK = '下转后复查血压并评估降压方案';
const ADDRESS = '云川区青石街道幸福路 18 号 3 单元 502 室';
/** Where 王秀英 lives: the nurse's browser reports it at check-in and check-out. */
const HOME = { latitude: 30.65712, longitude: 104.08123, accuracy: 15 };

/** 陈建国's cardiology session with referral tokens, in two days' time (created in beforeAll). */
const session = { date: shanghaiDay(2), startTime: '14:00', endTime: '16:00' };

/** What one step leaves for the next. */
const journey = {
  wangId: '',
  referralId: '',
  downId: '',
  serviceId: '',
  clientCode: '',
};

beforeAll(async () => {
  // The hospital publishes a cardiology session of 陈建国 with 10 tokens: 3 are kept for referrals (FD-4).
  const admin = await apiAs(journeys.url(), HOSPITAL_ADMIN);
  const chen = await doctorId(admin, '陈建国');
  const created = await createSchedule(admin, { doctorId: chen, ...session, capacity: 10 });
  expect(created.quotas.referral).toBeGreaterThanOrEqual(3);
  const daughter = await apiAs(journeys.url(), CHEN_JING);
  const family = await daughter.get<ApiPage<Dependent>>('/me/dependents');
  const mother = family.items.find((d) => d.name === '王秀英' && d.status === 'active');
  if (!mother) throw new Error('陈静 does not act for 王秀英');
  journey.wangId = mother.patientId;
});

async function residentPage(phone: string): Promise<Page> {
  const page = await journeys.open('phone');
  await loginWithPassword(page, phone);
  await page.getByTestId('patient-home').waitFor();
  return page;
}

async function staffPage(phone: string, options?: Parameters<typeof journeys.open>[1]): Promise<Page> {
  const page = await journeys.open('desktop', options);
  await loginWithPassword(page, phone);
  await page.getByTestId('clinic-home').waitFor();
  return page;
}

/** Chooses in an antd Select by clicking it and then the option (the popups render at the body's end). */
async function choose(page: Page, select: Locator, option: string): Promise<void> {
  await select.click();
  const item = page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option });
  await item.first().click();
  await item.first().waitFor({ state: 'hidden' });
}

/** A money text (¥1,234.50) in fen. */
function fen(text: string | null): number {
  const m = /¥\s?([\d,]+(?:\.\d+)?)/.exec(text ?? '');
  if (!m) throw new Error(`no amount in "${text}"`);
  return Math.round(Number(m[1]!.replace(/,/g, '')) * 100);
}

/** The referral as the API shows it to one side. */
async function referral(phone: string, id: string): Promise<ReferralView> {
  const api = await apiAs(journeys.url(), phone);
  return api.get<ReferralView>(`/referrals/${id}`);
}

/** Opens a referral of the 双向转诊 page's current box by its id. */
async function openReferral(page: Page, id: string): Promise<Locator> {
  if (!id) throw new Error('no referral: an earlier step failed');
  const row = page.locator(`[data-testid="referral-row"][data-id="${id}"]`);
  await row.waitFor();
  await row.getByTestId('referral-open').click();
  const drawer = page.getByTestId('referral-drawer');
  await drawer.getByTestId('referral-summary-text').waitFor();
  return drawer;
}

describe('家庭医生: sign → reading → worklist → referral up and down → home nursing (FD-1…FD-9)', () => {
  it('1. 陈静 signs her mother 王秀英 to 龙晓梅家庭医生团队 (basic + elderly + hypertension, 2 years) and pays', async () => {
    const page = await residentPage(CHEN_JING);
    await page.getByTestId('service-familyDoctor').click();
    await page.getByTestId('fd-overview').waitFor();
    // The 就诊人 chips: her mother, one tap (the address carries ?patient=, ID-6).
    await page.getByTestId('patient-switch').getByText('王秀英').click();
    await page.waitForURL(`**/patient/family-doctor?patient=${journey.wangId}`);
    const intro = page.getByTestId('fd-intro');
    await intro.waitFor();
    await page.getByTestId('fd-patient-note').filter({ hasText: '正在为 王秀英 办理' }).waitFor();
    await screenshot(page, 'fd-1-overview-uncontracted');
    await expectAccessible(page, '我的家庭医生 (未签约, 为母亲)');

    // 选择团队: 青石社区's centre, then 龙晓梅's team.
    await page.getByTestId('fd-choose-team').click();
    await page.getByTestId('fd-teams').waitFor();
    const picker = page.getByTestId('fd-institution-picker');
    const qingshi = await picker.locator('option', { hasText: '青石' }).first().getAttribute('value');
    if (!qingshi) throw new Error('no 青石 community centre to choose');
    await picker.selectOption(qingshi);
    const team = page.locator(`[data-testid="fd-team"][data-name="${TEAM}"]`);
    await team.waitFor();
    expect(await team.textContent()).toContain('龙晓梅');
    await screenshot(page, 'fd-1-teams');
    await expectAccessible(page, '选择家庭医生团队');
    await team.click();
    await page.getByTestId('fd-team-page').getByTestId('fd-offer').first().waitFor();
    await screenshot(page, 'fd-1-team');
    await expectAccessible(page, '团队详情');
    await page.getByTestId('fd-sign-team').click();

    // 签约: the basic package is required; the elderly and hypertension packages added; 2 years.
    await page.getByTestId('fd-sign').getByTestId('fd-package').first().waitFor();
    const pkg = (code: string) => page.locator(`[data-testid="fd-package"][data-code="${code}"]`);
    await pkg('BASIC').and(page.locator('[data-checked="true"]')).waitFor();
    for (const code of ['ELDERLY', 'HTN']) {
      await pkg(code).locator('.adm-checkbox').click();
      await pkg(code).and(page.locator('[data-checked="true"]')).waitFor();
    }
    expect(await page.locator('[data-testid="fd-package"][data-checked="true"]').count()).toBe(3);
    await page.getByTestId('fd-years').getByText('2 年', { exact: true }).click();
    await page.locator('.fd-years .adm-selector-item-active', { hasText: '2 年' }).waitFor();

    // The fee split for the whole term: 医保基金 + 公卫经费 + 个人支付 = the fee, ≥ 100 yuan a person-year.
    const total = async (key: string) =>
      fen(await page.getByTestId(`fd-fee-${key}`).locator('td').nth(1).textContent());
    const [insurance, publicHealth, resident, fee] = await Promise.all(
      ['insurance', 'publicHealth', 'resident', 'fee'].map(total),
    );
    expect(insurance! + publicHealth! + resident!).toBe(fee);
    expect(fee).toBeGreaterThanOrEqual(2 * 100_00);
    expect(fen(await page.getByTestId('fd-resident-total').textContent())).toBe(resident);
    await page.getByTestId('fd-fee').scrollIntoViewIfNeeded();
    await screenshot(page, 'fd-1-sign-fee');
    await expectAccessible(page, '签约 (套餐与费用)');

    // 获取验证码: the agreement is shown and the demo environment shows the code.
    await page.getByTestId('fd-send-code').click();
    const agreement = page.getByTestId('fd-agreement-text');
    await agreement.waitFor();
    const text = (await agreement.textContent()) ?? '';
    expect(text).toContain('王秀英');
    expect(text).toContain(TEAM);
    const hint = (await page.getByTestId('fd-demo-code').textContent()) ?? '';
    const code = /(\d{4,8})/.exec(hint)?.[1];
    if (!code) throw new Error(`no demo code in "${hint}"`);
    await page.getByTestId('fd-sign-code').locator('input').fill(code);
    await page.getByTestId('fd-agree').click();
    await page.getByTestId('fd-sign-submit').scrollIntoViewIfNeeded();
    await screenshot(page, 'fd-1-sign-code');
    await expectAccessible(page, '签约 (协议与验证码)');
    await page.getByTestId('fd-sign-submit').click();

    // Signed: the resident's part is paid at the (simulated) cashier; back on the overview it is in force.
    await page.getByTestId('fd-signed').waitFor();
    expect(await page.getByTestId('fd-sign-pay').textContent()).toContain((resident! / 100).toFixed(2));
    await screenshot(page, 'fd-1-signed');
    await expectAccessible(page, '签约成功 (待支付)');
    await page.getByTestId('fd-sign-pay').click();
    await page.waitForURL('**/sim-gateway/cashier/**');
    await page.getByTestId('sim-confirm').waitFor();
    await screenshot(page, 'fd-1-cashier');
    await page.getByTestId('sim-confirm').click();
    await page.waitForURL('**/patient/family-doctor?patient=*');
    await page
      .locator('[data-testid="fd-contract-status"][data-status="active"]')
      .waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('fd-contract-status').textContent()).toBe('已生效');
    expect(await page.getByTestId('fd-team-name').textContent()).toBe(TEAM);
    const packages = (await page.getByTestId('fd-packages').textContent()) ?? '';
    for (const name of ['基础服务包', '老年人健康管理包', '高血压管理包']) expect(packages).toContain(name);
    expect(await page.getByTestId('fd-term').textContent()).toContain('2');
    await screenshot(page, 'fd-1-active');
    await expectAccessible(page, '我的家庭医生 (已生效)');
  });

  it('2. 王秀英 turns 长辈模式 on and records 165/100: 控制不满意, with the advice', async () => {
    const page = await residentPage(WANG);
    // From 65 the home page asks once (she is 72): 开启.
    const ask = page.getByRole('dialog').filter({ hasText: '是否开启长辈模式？' });
    await ask.waitFor();
    await screenshot(page, 'fd-2-ask-elderly');
    await expectAccessible(page, '首页 (长辈模式询问)');
    await ask.getByRole('button', { name: '开启', exact: true }).click();
    await ask.waitFor({ state: 'detached' });
    await page.getByTestId('elderly-home').waitFor();
    expect(await page.evaluate(() => document.documentElement.classList.contains('elderly-mode'))).toBe(true);

    // 我的 → 我的家庭医生 → 记录血压.
    await page.getByText('我的', { exact: true }).click();
    expect(await page.getByTestId('elderly-mode').getAttribute('aria-checked')).toBe('true');
    await page.getByTestId('mine-family-doctor').click();
    await page.locator('[data-testid="fd-contract-status"][data-status="active"]').waitFor();
    expect(await page.getByTestId('fd-team-name').textContent()).toBe(TEAM);
    await screenshot(page, 'fd-2-overview-elderly');
    await expectAccessible(page, '我的家庭医生 (长辈模式)');
    await page.getByTestId('fd-action-readings').click();
    await page.getByTestId('fd-readings').waitFor();
    await page.getByTestId('fd-input-systolic').fill('165');
    await page.getByTestId('fd-input-diastolic').fill('100');
    await screenshot(page, 'fd-2-reading-form');
    await expectAccessible(page, '记录血压 (长辈模式)');
    await page.getByTestId('fd-reading-submit').click();

    const result = page.getByTestId('fd-reading-result');
    await result.waitFor();
    expect(await result.getAttribute('data-classification')).toBe('uncontrolled');
    expect(await result.getAttribute('data-action')).toBe('adjust');
    expect(await page.getByTestId('fd-result-value').textContent()).toContain('165/100');
    expect(await result.textContent()).toContain('控制不满意');
    expect((await page.getByTestId('fd-result-advice').textContent())?.length ?? 0).toBeGreaterThan(5);
    await page.getByTestId('fd-result-followup').waitFor();
    await page.getByTestId('fd-readings-list').getByText('165/100').first().waitFor();
    await result.scrollIntoViewIfNeeded();
    await screenshot(page, 'fd-2-reading-result');
    await expectAccessible(page, '记录血压 (结果)');
    await page.locator('ul[data-testid="fd-readings-list"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'fd-2-readings-chart');
  });

  it('3. 龙晓梅 sees the follow-up on her worklist, records it and refers 王秀英 up to cardiology', async () => {
    const page = await staffPage(LONG);
    await page.getByTestId('feature-familyDoctor').click();
    await page.getByTestId('fd-worklist').waitFor();
    // The reading put a follow-up within 2 weeks on the worklist (due, not yet overdue).
    const row = page.locator('[data-testid="fd-due-row"], [data-testid="fd-overdue-row"]').filter({
      hasText: '王秀英',
    });
    await row.first().waitFor();
    const rowText = (await row.first().textContent()) ?? '';
    expect(rowText).toMatch(/调整治疗后随访|常规随访/);
    await screenshot(page, 'fd-3-worklist');
    await expectAccessible(page, '家庭医生工作台 · 工作清单');

    // 随访: the national form, then the rules' verdict and the next date.
    await row.first().getByTestId('fd-followup-open').click();
    const form = page.getByRole('dialog').filter({ has: page.getByTestId('followup-form') });
    await form.waitFor();
    await form.getByLabel('收缩压（mmHg）').fill('158');
    await form.getByLabel('舒张压（mmHg）').fill('96');
    await form.getByLabel('心率（次/分）').fill('78');
    await form.getByLabel('用药情况').fill('苯磺酸氨氯地平片 5 mg 每日一次，规律服用。');
    await form.getByLabel('随访建议').fill('低盐饮食，每日家庭自测血压并记录；两周内复诊。');
    await screenshot(page, 'fd-3-followup-form');
    await expectAccessible(page, '随访记录表');
    await page.getByTestId('followup-save').click();
    const outcome = page.getByTestId('followup-result');
    await outcome.waitFor();
    expect(await outcome.textContent()).toMatch(/控制不满意|连续两次控制不满意/);
    await page.getByTestId('followup-next-due').waitFor();
    await screenshot(page, 'fd-3-followup-result');
    await expectAccessible(page, '随访结果');
    await page.getByTestId('followup-close').click();
    await form.waitFor({ state: 'hidden', timeout: 45_000 });

    // 签约居民 → 王秀英 → 转诊: 云川医院's cardiology offers referral tokens (the session made above).
    await page.getByTestId('fd-tab-residents').click();
    const resident = page.getByTestId('fd-resident-row').filter({ hasText: '王秀英' });
    await resident.waitFor();
    await screenshot(page, 'fd-3-residents');
    await resident.getByTestId('fd-resident-open').click();
    await page.getByTestId('resident-drawer').waitFor();
    await page.getByTestId('resident-contract').waitFor();
    await screenshot(page, 'fd-3-resident-drawer');
    await expectAccessible(page, '签约居民 · 王秀英');
    await page.getByTestId('resident-refer').click();
    const refer = page.getByRole('dialog').filter({ hasText: '上转：王秀英' });
    await refer.waitFor();
    await choose(page, refer.getByTestId('referral-target'), HOSPITAL);
    await choose(page, refer.getByTestId('referral-department'), CARDIOLOGY);
    const summary = refer.getByTestId('referral-summary');
    expect((await summary.inputValue()).length).toBeGreaterThan(0);
    await summary.fill(
      `${await summary.inputValue()}\n家庭自测血压 165/100 mmHg，随访 158/96 mmHg，连续控制不满意，请心内科评估调整降压方案。`,
    );
    await screenshot(page, 'fd-3-referral-form');
    await expectAccessible(page, '上转单');
    await page.getByTestId('referral-submit').click();
    await refer.waitFor({ state: 'hidden', timeout: 45_000 });

    const long = await apiAs(journeys.url(), LONG);
    const sent = await until('the upward referral', async () => {
      const list = await long.get<ApiPage<ReferralView>>('/referrals?box=outgoing&limit=20');
      return list.items.find((r) => r.patient.id === journey.wangId && r.direction === 'up');
    });
    expect(sent.status).toBe('sent');
    expect(sent.to.institutionName).toBe(HOSPITAL);
    expect(sent.to.departmentName).toBe(CARDIOLOGY);
    expect(sent.contracted).toBe(true);
    journey.referralId = sent.id;

    // 双向转诊 · 转出: it waits for the hospital.
    await page.goto('/clinic/referrals');
    await page.getByTestId('referrals-tab-outgoing').click();
    const out = page.locator(`[data-testid="referral-row"][data-id="${sent.id}"]`);
    await out.waitFor();
    expect(await out.getAttribute('data-status')).toBe('sent');
    await screenshot(page, 'fd-3-referrals-outgoing');
    await expectAccessible(page, '双向转诊 · 转出');
  });

  it('4. the hospital (陈建国) accepts, books the referral quota; the fee is paid; the hospital completes it', async () => {
    const page = await staffPage(CHEN);
    await page.getByTestId('feature-referrals').click();
    await page.getByTestId('referrals-incoming').waitFor();
    const drawer = await openReferral(page, journey.referralId);
    expect(await drawer.getByTestId('referral-summary-text').textContent()).toContain('165/100');
    await screenshot(page, 'fd-4-incoming');
    await expectAccessible(page, '双向转诊 · 转入 (待接收)');
    await drawer.getByTestId('referral-accept').click();

    // 预约号源: the cardiology session's referral tokens (FD-4).
    await drawer.getByTestId('referral-book').click();
    const book = page.getByRole('dialog').filter({ has: page.getByTestId('book-sessions') });
    await book.waitFor();
    // antd puts the radio's test id on its input: the session is found by its label's words.
    const slot = book.locator('label').filter({ hasText: `${session.startTime}–${session.endTime}` });
    await slot.waitFor();
    expect(await slot.textContent()).toContain('陈建国');
    await slot.click();
    expect(await book.getByRole('radio', { checked: true }).count()).toBe(1);
    await screenshot(page, 'fd-4-book');
    await expectAccessible(page, '预约转诊号源');
    await page.getByTestId('book-submit').click();
    // The booking runs in the referral's transaction; under a loaded CI machine it may take a while.
    await book.waitFor({ state: 'hidden', timeout: 45_000 });
    await drawer.getByTestId('referral-appointment').waitFor();
    expect(await drawer.getByTestId('referral-appointment').textContent()).toContain('陈建国');
    await screenshot(page, 'fd-4-booked');

    // 王秀英 pays the registration fee (as from 我的预约), then the visit stands and the hospital completes.
    const booked = await referral(CHEN, journey.referralId);
    expect(booked.status).toBe('booked');
    const wang = await apiAs(journeys.url(), WANG);
    const appointments = await wang.get<ApiPage<Appointment>>('/appointments');
    const appointment = appointments.items.find((a) => a.id === booked.appointment?.id);
    expect(appointment?.channel).toBe('referral');
    if (!appointment?.orderId) throw new Error('the referred appointment has no order to pay');
    await payOrder(journeys.url(), wang, appointment.orderId);

    await drawer.getByTestId('referral-complete').click();
    const complete = page.getByRole('dialog').filter({ has: page.getByTestId('referral-complete-ok') });
    await complete.waitFor();
    await complete
      .getByLabel('诊疗小结')
      .fill('心内科门诊就诊，加用缬沙坦 80 mg 每日一次，血压控制后回社区随访。');
    await page.getByTestId('referral-complete-ok').click();
    await complete.waitFor({ state: 'hidden', timeout: 45_000 });
    await drawer.getByTestId('referral-downward').waitFor();
    expect((await referral(CHEN, journey.referralId)).status).toBe('completed');
    await screenshot(page, 'fd-4-completed');
    await expectAccessible(page, '双向转诊 · 已完成');
  });

  it('5. 陈建国 sends 王秀英 back down with a care plan; 龙晓梅 accepts and the task is on her worklist', async () => {
    const page = await staffPage(CHEN);
    await page.getByTestId('feature-referrals').click();
    await page.getByTestId('referrals-incoming').waitFor();
    const drawer = await openReferral(page, journey.referralId);
    await drawer.getByTestId('referral-downward').click();
    const down = page.getByRole('dialog').filter({ hasText: '下转：王秀英' });
    await down.waitFor();
    await down
      .getByTestId('referral-summary')
      .fill('高血压 3 级（很高危），心内科调整方案后血压 138/86 mmHg，病情稳定，转回社区管理。');
    await down.getByLabel('出院诊断').fill('原发性高血压 3 级');
    await down.getByLabel('用药方案').fill('苯磺酸氨氯地平片 5 mg qd；缬沙坦 80 mg qd。');
    const task = down.getByTestId('care-plan-task').first();
    await task.getByRole('textbox', { name: '任务 1' }).fill(CARE_TASK);
    await task.getByLabel('几天后完成').fill('7');
    await screenshot(page, 'fd-5-down-form');
    await expectAccessible(page, '下转单 (康复方案)');
    await page.getByTestId('referral-submit').click();
    await down.waitFor({ state: 'hidden', timeout: 45_000 });

    const chen = await apiAs(journeys.url(), CHEN);
    const sent = await until('the downward referral', async () => {
      const list = await chen.get<ApiPage<ReferralView>>('/referrals?box=outgoing&limit=20');
      return list.items.find((r) => r.patient.id === journey.wangId && r.direction === 'down');
    });
    expect(sent.carePlan?.tasks.map((t) => t.title)).toEqual([CARE_TASK]);
    expect(sent.to.institutionName).toContain('青石');
    journey.downId = sent.id;
    await page.locator(`[data-testid="referral-row"][data-id="${sent.id}"]`).waitFor();
    await screenshot(page, 'fd-5-down-sent');

    // 龙晓梅: 双向转诊 · 转入 → 接收; the plan's task becomes a follow-up of her team.
    const gp = await staffPage(LONG);
    await gp.getByTestId('feature-referrals').click();
    await gp.getByTestId('referrals-incoming').waitFor();
    const incoming = await openReferral(gp, journey.downId);
    await incoming.getByTestId('referral-care-plan').getByText(CARE_TASK, { exact: false }).waitFor();
    await screenshot(gp, 'fd-5-down-incoming');
    await expectAccessible(gp, '双向转诊 · 转入 (下转)');
    await incoming.getByTestId('referral-accept').click();
    await until('the downward referral to be accepted', async () => {
      const r = await referral(LONG, journey.downId);
      return r.status === 'accepted' || r.status === 'completed' ? r : undefined;
    });

    await gp.goto('/clinic/familyDoctor');
    await gp.getByTestId('fd-worklist').waitFor();
    const taskRow = gp.getByTestId('fd-due-row').filter({ hasText: CARE_TASK });
    await taskRow.waitFor();
    expect(await taskRow.textContent()).toContain('王秀英');
    expect(await taskRow.textContent()).toContain('下转康复任务');
    await taskRow.scrollIntoViewIfNeeded();
    await screenshot(gp, 'fd-5-worklist-care-plan');
  });

  it('6. home nursing: 陈静 asks for 伤口换药 and pays; 田雨 may not take it; 白秀珍 checks in and out; done', async () => {
    const page = await residentPage(CHEN_JING);
    await page.goto(`/patient/family-doctor/home-services?patient=${journey.wangId}`);
    await page.getByTestId('fd-home-services').waitFor();
    await page.getByTestId('fd-hs-new').click();
    await page.getByTestId('fd-hs-catalogue').waitFor();
    await page.getByTestId('fd-hs-category').getByText('上门护理', { exact: true }).click();
    await page.getByTestId('fd-hs-search').fill('换药');
    const item = page.locator('[data-testid="fd-hs-item"][data-code="WOUND_DRESSING"]');
    await item.waitFor();
    await screenshot(page, 'fd-6-catalogue');
    await expectAccessible(page, '上门服务项目 (护理)');
    await item.click();

    await page.getByTestId('fd-hs-item-name').filter({ hasText: '伤口换药' }).waitFor();
    // Tomorrow (the first day offered), the first window.
    expect(await page.getByTestId('fd-hs-day').inputValue()).toBe(shanghaiDay(1));
    await page.getByTestId('fd-hs-window').getByText('08:00–10:00').click();
    await page.getByTestId('fd-hs-address').locator('textarea').fill(ADDRESS);
    await page.getByTestId('fd-hs-note').locator('textarea').fill('左小腿术后伤口，需换药并观察愈合情况。');
    const fee = fen(await page.getByTestId('fd-hs-total').textContent());
    expect(fee).toBeGreaterThan(0);
    await screenshot(page, 'fd-6-request-form');
    await expectAccessible(page, '预约上门护理');
    await page.getByTestId('fd-hs-submit').click();
    await page.waitForURL('**/sim-gateway/cashier/**');
    await page.getByTestId('sim-confirm').click();
    await page.waitForURL('**/patient/family-doctor/home-services/**');
    await page
      .locator('[data-testid="fd-hs-detail"] [data-status="requested"]')
      .first()
      .waitFor({ timeout: 30_000 });
    const digits = page.getByTestId('fd-client-code-digits');
    await digits.waitFor();
    journey.clientCode = ((await digits.textContent()) ?? '').trim();
    expect(journey.clientCode).toMatch(/^\d{4,8}$/);
    journey.serviceId = new URL(page.url()).pathname.split('/').pop() ?? '';
    await screenshot(page, 'fd-6-paid-code');
    await expectAccessible(page, '上门服务 (核验码)');

    // 田雨 (护士 since 2024): the order is open at her institution, but FD-9 refuses her.
    const tian = await staffPage(TIAN);
    await tian.getByTestId('feature-nursing').click();
    const openRow = tian.locator(`[data-testid="home-service-row"][data-id="${journey.serviceId}"]`);
    await openRow.waitFor();
    await openRow.getByTestId('home-service-open').click();
    await tian.getByTestId('fd-accept').click();
    const refusal = tian.getByTestId('home-service-drawer').locator('.ant-alert-error');
    await refusal.filter({ hasText: '不具备上门护理资质' }).waitFor();
    await screenshot(tian, 'fd-6-tian-refused');
    await expectAccessible(tian, '互联网+护理 · 资质不符');
    const tianApi = await apiAs(journeys.url(), TIAN);
    const refused = await tianApi.answer<{ code: string }>(
      'POST',
      `/home-services/${journey.serviceId}/accept`,
      {},
    );
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('NURSE_NOT_QUALIFIED');

    // 白秀珍: 接单, then at the door the code and her position (the browser's, granted), then 签退.
    const bai = await staffPage(BAI, { geolocation: HOME });
    await bai.getByTestId('feature-nursing').click();
    const row = bai.locator(`[data-testid="home-service-row"][data-id="${journey.serviceId}"]`);
    await row.waitFor();
    await screenshot(bai, 'fd-6-nursing-open');
    await expectAccessible(bai, '互联网+护理 · 待接单');
    await row.getByTestId('home-service-open').click();
    const drawer = bai.getByTestId('home-service-drawer');
    await drawer.getByTestId('fd-accept').click();
    const checkIn = bai.getByTestId('fd-checkin');
    await checkIn.waitFor();
    expect(await drawer.getByTestId('fd-service-address').textContent()).toBe(ADDRESS);
    await bai.getByTestId('fd-locate').click();
    await bai
      .getByTestId('fd-geo-position')
      .filter({ hasText: HOME.latitude.toFixed(6) })
      .waitFor();
    await bai.getByTestId('fd-client-code').fill(journey.clientCode);
    await screenshot(bai, 'fd-6-check-in');
    await expectAccessible(bai, '上门签到');
    await bai.getByTestId('fd-checkin-submit').click();

    const inService = bai.getByTestId('fd-in-service');
    await inService.waitFor();
    await inService
      .getByTestId('fd-checkout-summary')
      .fill('左小腿伤口清创换药，创面清洁无渗出，肉芽生长良好。');
    await inService.getByLabel('收缩压（mmHg）').fill('136');
    await inService.getByLabel('舒张压（mmHg）').fill('84');
    await inService
      .getByLabel('护理建议')
      .fill('保持敷料干燥，三天后再次换药；如有红肿渗液及时联系家庭医生团队。');
    await screenshot(bai, 'fd-6-check-out-form');
    await expectAccessible(bai, '服务中 · 签退');
    await bai.getByTestId('fd-checkout-submit').click();
    await drawer.getByTestId('fd-service-record').waitFor();
    await drawer.locator('[data-testid="fd-service-event"][data-kind="check_out"]').waitFor();
    expect(
      await drawer.locator('[data-testid="fd-service-event"][data-kind="check_in"]').textContent(),
    ).toContain(HOME.latitude.toFixed(5));
    await screenshot(bai, 'fd-6-completed-staff');

    // 陈静: the order is 已完成 with the nurse's record.
    await page.reload();
    const done = page.locator('[data-testid="fd-hs-detail"] [data-status="completed"]').first();
    await done.waitFor();
    expect(await page.getByTestId('fd-hs-status').textContent()).toBe('已完成');
    expect(await page.getByTestId('fd-client-code').count()).toBe(0);
    await screenshot(page, 'fd-6-completed-resident');
    await expectAccessible(page, '上门服务 (已完成)');
    const record = page.getByText('左小腿伤口清创换药');
    await record.waitFor();
    await record.scrollIntoViewIfNeeded();
    await screenshot(page, 'fd-6-completed-record');
  });
});
