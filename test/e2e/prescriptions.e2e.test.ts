/**
 * E-prescriptions end to end ([5/12]), in the browser: the doctor prescribes in the visit workspace, the
 * hospital pharmacist reviews (RX-10), 张伟 fills the prescription at a retail pharmacy of his choice
 * (RX-13) — delivered by the simulated courier, or picked up with the code — and the pharmacy dispenses
 * with a trace code per box (RX-11). Staff work at 1280×800, the patient on a 390×844 phone; every page
 * visited passes axe-core (no serious or critical WCAG A/AA violation).
 *
 * The visits themselves (request, pay, start, the record's diagnosis) are set up through the API: the
 * visit journeys cover those screens.
 */
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Practitioner } from '../../src/shared/directory.js';
import type { Page as ListPage } from '../../src/shared/http.js';
import { type ApiClient, apiAs, publicGet, requestPaidVisit } from './api.js';
import { expectAccessible } from './axe.js';
import { journeyHarness, loginWithPassword, screenshot } from './support.js';

const journeys = journeyHarness();

const ZHANG = '13800000001';
const CHEN = '13900000001';
const PHARMACIST = '13700000001'; // 郑雅琴, 云川医院 (YC-H01)
const PHARMACY_STAFF = '13700000002'; // 赵敏, 益康大药房 (YC-R01)
const AMLODIPINE = '苯磺酸氨氯地平片';
const PHARMACY = '益康大药房';

let chen = '';

beforeAll(async () => {
  const found = await publicGet<ListPage<Practitioner>>(
    journeys.url(),
    `/doctors?q=${encodeURIComponent('陈建国')}`,
  );
  const doctor = found.items.find((d) => d.name === '陈建国');
  if (!doctor) throw new Error('no doctor 陈建国');
  chen = doctor.id;
});

/** The follow-up's record: a prescription needs the visit's diagnosis (VISIT-6). */
const RECORD = {
  chiefComplaint: '发现血压升高 3 年，规律服药，线上复诊续方。',
  presentIllness: '规律服用氨氯地平 5mg 每日一次，家庭自测血压 125–135/75–85 mmHg，无头晕、胸闷。',
  pastHistory: '原发性高血压 3 年。',
  allergies: '无',
  onlineObservation: '患者精神可，上传家庭血压记录。',
  diagnoses: [{ icd10: 'I10', name: '原发性高血压' }],
  advice: '继续氨氯地平 5mg 每日一次；低盐饮食，早晚自测血压；4 周后复诊。',
};

/** 张伟's hypertension follow-up with 陈建国: requested, paid, started, with the I10 diagnosis written. */
async function followUpInProgress(): Promise<{ visitId: string; doctor: ApiClient; zhang: ApiClient }> {
  const zhang = await apiAs(journeys.url(), ZHANG);
  const doctor = await apiAs(journeys.url(), CHEN);
  // One open visit per patient and doctor: a visit an earlier journey left open (it failed half-way) is
  // finished first, so each journey stands on its own.
  const mine = await zhang.answer<{ items?: { id: string; status: string }[] }>('GET', '/visits?limit=50');
  for (const open of (mine.body.items ?? []).filter((v) => v.status === 'in_progress')) {
    await doctor.answer('PUT', `/visits/${open.id}/record`, RECORD);
    await doctor.answer('POST', `/visits/${open.id}/complete`);
  }
  const visit = await requestPaidVisit<{ id: string; status: string }>(journeys.url(), zhang, {
    type: 'follow_up',
    doctorId: chen,
    conditionCode: 'I10',
    channel: 'text',
    description: '高血压三年，一直服用氨氯地平 5mg 每日一次，近两周血压平稳，想续药。',
  });
  await doctor.post(`/visits/${visit.id}/start`);
  await doctor.put(`/visits/${visit.id}/record`, RECORD);
  return { visitId: visit.id, doctor, zhang };
}

async function staffPage(phone: string): Promise<Page> {
  const page = await journeys.open('desktop');
  await loginWithPassword(page, phone);
  await page.getByTestId('clinic-home').waitFor();
  return page;
}

async function patientPage(phone: string): Promise<Page> {
  const page = await journeys.open('phone');
  await loginWithPassword(page, phone);
  await page.getByTestId('patient-home').waitFor();
  return page;
}

/** The visit workspace's 处方 tab. */
async function openPrescriptionTab(page: Page, visitId: string): Promise<Locator> {
  await page.goto(`/clinic/onlineVisits/${visitId}`);
  await page.getByTestId('visit-workspace').waitFor();
  await page.getByTestId('workspace-tabs').getByRole('tab', { name: '处方' }).click();
  const panel = page.getByTestId('prescription-panel');
  await panel.waitFor();
  return panel;
}

/** Chooses in an antd Select by clicking it and then the option (the popups render at the body's end). */
async function choose(page: Page, select: Locator, option: string | RegExp): Promise<void> {
  await select.click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option })
    .first()
    .click();
}

/**
 * Waits until the live checks show every rule passed, as the doctor sees it before signing. The dry run is
 * debounced: until it answers for the last edit, the panel reads 实时检查 over the previous edit's result
 * (on a loaded machine a test reading then saw one failure), so wait for the passing summary itself.
 */
async function allChecksPass(editor: Locator): Promise<void> {
  const summary = editor.getByTestId('live-checks').getByTestId('checks-summary');
  try {
    await summary.filter({ hasText: /全部 \d+ 项规则检查通过/ }).waitFor();
    await editor.getByTestId('check-state').filter({ hasText: '实时检查' }).waitFor();
  } catch (error) {
    throw new Error(`the live checks do not all pass: ${await summary.textContent()}`, { cause: error });
  }
}

/** The pharmacist's 审方 queue, with 张伟's prescription opened in the drawer. */
async function openReview(page: Page): Promise<Locator> {
  if (await page.getByTestId('review-queue').isVisible()) {
    await page.getByTestId('review-queue').getByRole('button', { name: '刷新' }).click();
  } else {
    await page.getByTestId('feature-prescriptionReview').click();
    await page.getByTestId('review-queue').waitFor();
  }
  const row = page.getByTestId('review-row').filter({ hasText: '张伟' }).first();
  await row.waitFor();
  await row.getByTestId('review-open').click();
  const detail = page.getByTestId('review-detail');
  await detail.waitFor();
  return detail;
}

/** 我的处方 → the newest prescription of 张伟 in the given state. */
async function openMyPrescription(page: Page, status: string): Promise<void> {
  await page.getByTestId('service-prescriptions').click();
  await page.getByTestId('prescriptions-page').waitFor();
  const card = page.getByTestId('rx-item-card').filter({ hasText: '氨氯地平' }).first();
  await card.and(page.locator(`[data-status="${status}"]`)).waitFor();
  await screenshot(page, `rx-patient-list-${status}`);
  await expectAccessible(page, '我的处方');
  await card.click();
  await page
    .getByTestId('prescription-page')
    .and(page.locator(`[data-status="${status}"]`))
    .waitFor();
}

/** On the simulated gateway's cashier: confirm, and land on the fulfilment page. */
async function payOnCashier(page: Page, shot: string): Promise<void> {
  await page.waitForURL('**/sim-gateway/cashier/**');
  await page.getByTestId('sim-confirm').waitFor();
  await screenshot(page, shot);
  await page.getByTestId('sim-confirm').click();
  await page.waitForURL(/\/patient\/fulfilments\/[^/?]+/);
  await page.getByTestId('fulfilment-page').waitFor();
}

/** The fulfilment page in a state, reloading while the pharmacy or the courier moves it (it also polls). */
async function fulfilmentIs(page: Page, status: string, timeoutMs = 45_000): Promise<void> {
  const target = page.getByTestId('fulfilment-page').and(page.locator(`[data-status="${status}"]`));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await target.waitFor({ timeout: 6_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await page.reload();
      await page.getByTestId('fulfilment-page').waitFor();
    }
  }
}

let traceSeq = 0;
/** Fresh 20-digit 追溯码, as printed on the boxes. */
function traceCode(): string {
  traceSeq += 1;
  return `81${String(Date.now()).slice(-10)}${String(traceSeq).padStart(8, '0')}`;
}

/**
 * 处方流转 at 益康大药房: the paid order opened, the doctor's signature verified, then every box's trace
 * code typed into the scanner box followed by Enter, the way a keyboard-wedge scanner sends it.
 */
async function dispenseAtCounter(page: Page, shot: string, pickupCode?: string): Promise<string[]> {
  await page.getByTestId('feature-circulation').click();
  await page.getByTestId('circulation').waitFor();
  const row = page.getByTestId('fulfilment-row').filter({ hasText: '张伟' }).first();
  await row.waitFor();
  await screenshot(page, `${shot}-queue`);
  await expectAccessible(page, '处方流转');
  await row.getByTestId('fulfilment-open').click();
  const detail = page.getByTestId('fulfilment-detail');
  await detail.waitFor();
  const verified = detail.getByTestId('verify-result');
  await verified.waitFor();
  expect(await verified.textContent()).toContain('签名有效');
  expect(await verified.textContent()).toContain('陈建国');

  const form = detail.getByTestId('dispense-form');
  const line = form.getByTestId('dispense-line').filter({ hasText: AMLODIPINE });
  await line.waitFor();
  // The line's batch: the earliest expiry is chosen by default once the stock has loaded.
  await line.filter({ hasText: '效期' }).waitFor();
  const progress = (await line.getByTestId('scan-progress').textContent()) ?? '';
  const boxes = Number(/\/\s*(\d+)/.exec(progress)?.[1]);
  expect(boxes).toBeGreaterThan(0);
  const scanner = form.getByTestId('trace-code-input');
  // A malformed scan is refused in place and scans nothing.
  await scanner.fill('12345');
  await scanner.press('Enter');
  await form.getByText('追溯码应为 20 位数字').waitFor();
  const codes: string[] = [];
  for (let i = 0; i < boxes; i++) {
    const code = traceCode();
    codes.push(code);
    await scanner.pressSequentially(code, { delay: 5 });
    await scanner.press('Enter');
    await line
      .getByTestId('scan-progress')
      .filter({ hasText: `${i + 1} / ${boxes}` })
      .waitFor();
  }
  await form.getByText('追溯码已全部扫描').waitFor();
  if (pickupCode) await form.getByTestId('pickup-code').fill(pickupCode);
  await screenshot(page, `${shot}-scanned`);
  await expectAccessible(page, '调剂发药');
  await form.getByTestId('dispense-submit').click();
  await detail.getByTestId('dispensed-boxes').waitFor();
  for (const code of codes) await detail.getByTestId('dispensed-boxes').getByText(code).waitFor();
  await screenshot(page, `${shot}-dispensed`);
  return codes;
}

describe('e-prescriptions', () => {
  it('RX-2/RX-9/RX-10/RX-11/RX-13: 张伟 gets amlodipine from his follow-up — reviewed, chosen at 益康大药房 for delivery, paid, dispensed with trace codes, delivered and received', async () => {
    const { visitId } = await followUpInProgress();

    // ── 陈建国 prescribes in the visit workspace, with the rules checked as he types.
    const doctor = await staffPage(CHEN);
    const panel = await openPrescriptionTab(doctor, visitId);
    const editor = panel.getByTestId('prescription-editor');
    await editor.waitFor();
    await editor.getByTestId('add-drug').click();
    await doctor.keyboard.type('aldp');
    const option = doctor
      .locator('.drug-select-popup:visible .drug-option')
      .filter({ has: doctor.locator('strong', { hasText: new RegExp(`^${AMLODIPINE}$`) }) });
    await option.waitFor();
    await screenshot(doctor, 'rx-doctor-search');
    await option.click();
    const item = editor.getByTestId('rx-item');
    await item.waitFor();
    // 5 mg once a day for 14 days: a long-term prescription for a stable chronic diagnosis (RX-9).
    await choose(doctor, item.getByLabel('剂量单位'), /^mg$/);
    await item.getByLabel('单次剂量').fill('5');
    await choose(doctor, item.getByLabel('频次'), '每日一次');
    await item.getByLabel('天数').fill('14');
    await item.getByLabel('天数').blur();
    await editor.getByLabel('长期处方理由').fill('高血压病情稳定，规律服用氨氯地平，长期处方 2 周');
    await item.getByTestId('suggested-quantity').filter({ hasText: '建议 2 盒' }).waitFor();
    expect(await item.getByTestId('daily-dose').textContent()).toContain('日剂量 5mg');
    await allChecksPass(editor);
    expect(await editor.getByTestId('check-fail').count()).toBe(0);
    await screenshot(doctor, 'rx-doctor-editor');
    await expectAccessible(doctor, '处方 editor', '[data-testid="prescription-panel"]');

    await editor.getByTestId('prescription-sign').click();
    const signDialog = doctor.getByRole('dialog').filter({ hasText: '确认签名' });
    await signDialog.waitFor();
    await signDialog.getByRole('button', { name: '确认签名' }).click();
    await panel.getByTestId('prescription-sheet').waitFor();
    expect(await panel.getByTestId('prescription-status').first().textContent()).toBe('待审核');
    await panel.getByTestId('review-outcome').filter({ hasText: '等待药师审核' }).waitFor();
    expect(await panel.getByTestId('prescription-hash').textContent()).toMatch(/[0-9a-f]{64}/);
    await screenshot(doctor, 'rx-doctor-signed');

    // The visit ends: the record signed from its tab.
    await doctor.getByTestId('workspace-tabs').getByRole('tab', { name: '病历' }).click();
    await doctor.getByTestId('record-complete').click();
    const completeDialog = doctor.getByRole('dialog').filter({ hasText: 'SM2' });
    await completeDialog.getByRole('button', { name: '签名并完成' }).click();
    await doctor
      .getByTestId('visit-workspace')
      .getByTestId('visit-status')
      .filter({ hasText: '已完成' })
      .waitFor();

    // ── 郑雅琴 reviews it (RX-10): the patient's facts and the pre-check, then approves.
    const pharmacist = await staffPage(PHARMACIST);
    const review = await openReview(pharmacist);
    expect(await review.getByTestId('review-patient').textContent()).toContain('张伟');
    expect(await review.textContent()).toContain('I10 原发性高血压');
    expect(await review.textContent()).toContain('长期处方理由');
    await review.getByTestId('checks-summary').filter({ hasText: '全部' }).waitFor();
    await screenshot(pharmacist, 'rx-pharmacist-review');
    await expectAccessible(pharmacist, '审方');
    await review.getByTestId('review-approve').click();
    await pharmacist.getByText('已审核通过').first().waitFor();
    await pharmacist.getByTestId('review-detail').waitFor({ state: 'detached' });

    // ── 张伟 on his phone: 我的处方 → the approved prescription → 送药上门 from 益康大药房.
    const patient = await patientPage(ZHANG);
    await openMyPrescription(patient, 'approved');
    expect(await patient.getByTestId('rx-review').textContent()).toContain('郑雅琴');
    await screenshot(patient, 'rx-patient-approved');
    await expectAccessible(patient, '处方详情');
    await patient.getByTestId('rx-choose-pharmacy').click();
    await patient.getByTestId('choose-pharmacy-page').waitFor();
    await patient.getByRole('option', { name: '送药上门' }).click();
    await patient
      .getByTestId('choose-pharmacy-page')
      .and(patient.locator('[data-method="delivery"]'))
      .waitFor();
    await patient.getByTestId('address-add').click();

    const address = patient.getByTestId('address-form');
    await address.waitFor();
    await address.getByRole('textbox', { name: '收货人' }).fill('张伟');
    await address.getByRole('textbox', { name: '手机号' }).fill('13800000001');
    await address.getByRole('button', { name: /所在街道/ }).click();
    await patient.locator('.adm-picker').getByText('确定').click();
    await address.getByRole('textbox', { name: '详细地址' }).fill('云川路 88 号 3 栋 502 室');
    await screenshot(patient, 'rx-patient-address');
    await expectAccessible(patient, '新增收货地址');
    await address.getByTestId('address-submit').click();

    const choosePage = patient
      .getByTestId('choose-pharmacy-page')
      .and(patient.locator('[data-method="delivery"]'));
    await choosePage.waitFor();
    await patient
      .getByTestId('rx-address-section')
      .getByTestId('address')
      .filter({ hasText: '云川路 88 号' })
      .waitFor();
    // 安和堂药店 has no amlodipine: listed, greyed, not choosable (RX-13).
    const offers = patient.getByTestId('pharmacy-offer');
    await offers.first().waitFor();
    const missing = offers.filter({ hasText: '安和堂' });
    expect(await missing.getAttribute('data-available')).toBe('false');
    expect(await missing.getByRole('radio').isDisabled()).toBe(true);
    await patient.getByRole('radio', { name: new RegExp(PHARMACY) }).check();
    await patient.getByTestId('rx-total').filter({ hasText: '合计' }).waitFor();
    const chosen = offers.filter({ hasText: PHARMACY });
    expect(await chosen.textContent()).toContain('配送费');
    await screenshot(patient, 'rx-patient-choose');
    await expectAccessible(patient, '选择药店');
    await patient.getByTestId('rx-confirm').click();
    await payOnCashier(patient, 'rx-patient-cashier');
    await fulfilmentIs(patient, 'paid');
    expect(await patient.getByTestId('fulfilment-pharmacy').textContent()).toContain(PHARMACY);
    expect(await patient.getByTestId('fulfilment-address').textContent()).toContain('云川路 88 号');
    await screenshot(patient, 'rx-patient-paid');
    await expectAccessible(patient, '配送进度 (paid)');

    // ── 赵敏 at 益康大药房 verifies and dispenses for delivery, scanning a trace code per box (RX-11).
    const counter = await staffPage(PHARMACY_STAFF);
    const codes = await dispenseAtCounter(counter, 'rx-pharmacy-delivery');
    expect(codes).toHaveLength(2);

    // ── The simulated courier picks it up and delivers it by itself; 张伟 sees it arrive.
    await fulfilmentIs(patient, 'delivered', 60_000);
    await patient.getByTestId('waybill').waitFor();
    await screenshot(patient, 'rx-patient-delivered');
    await expectAccessible(patient, '配送进度 (delivered)');
    await patient.getByTestId('fulfilment-receipt').click();
    const receipt = patient.getByRole('dialog');
    await receipt.getByText('请确认已收到药品且包装完好。').waitFor();
    await receipt.getByRole('button', { name: '确认收货' }).click();
    await fulfilmentIs(patient, 'received');

    const timeline = patient.getByTestId('fulfilment-timeline');
    const steps = timeline.getByTestId('timeline-step');
    const kinds = await steps.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-kind')));
    const states = await steps.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-state')));
    const texts = await steps.allTextContents();
    const story = JSON.stringify({ kinds, states, texts });
    expect(
      states.every((s) => s === 'finish'),
      story,
    ).toBe(true);
    // Ordered → paid → dispensed → shipped → (courier) … delivered → received, oldest first.
    const order = ['created', 'paid', 'dispensed', 'shipped', 'delivered', 'received'];
    const at = order.map((kind) => kinds.indexOf(kind));
    expect(
      at.every((i) => i >= 0),
      story,
    ).toBe(true);
    expect(
      [...at].sort((a, b) => a - b),
      story,
    ).toEqual(at);
    expect(kinds[0], story).toBe('created');
    expect(kinds.at(-1), story).toBe('received');
    expect(texts.at(-1)).toContain('已确认收货');
    await timeline.scrollIntoViewIfNeeded();
    await screenshot(patient, 'rx-patient-received-timeline');
    await expectAccessible(patient, '配送进度 (received)');
    // The boxes he received, each with its trace code (RX-11).
    const boxes = patient.getByTestId('fulfilment-boxes');
    await boxes.getByText('药品追溯码 · 共 2 盒').click();
    for (const code of codes) await boxes.getByText(code).waitFor();
    await boxes.scrollIntoViewIfNeeded();
    await screenshot(patient, 'rx-patient-received-boxes');
  });

  it('RX-10/RX-11: the pharmacist rejects, 陈建国 revises and re-signs, it is approved and 张伟 picks it up with the code', async () => {
    const { visitId, doctor: doctorApi } = await followUpInProgress();
    // The first version (through the API: the editor is the first journey's): amlodipine 10 mg daily.
    const drugs = await doctorApi.get<{ items: { id: string; genericName: string }[] }>(
      `/drugs?q=${encodeURIComponent(AMLODIPINE)}`,
    );
    const amlodipine = drugs.items.find((d) => d.genericName === AMLODIPINE);
    if (!amlodipine) throw new Error('no amlodipine in the catalogue');
    const first = await doctorApi.post<{ id: string }>(`/visits/${visitId}/prescriptions`, {
      items: [
        {
          drugId: amlodipine.id,
          dose: 10,
          doseUnit: 'mg',
          frequency: 'qd',
          days: 7,
          quantity: 2,
          route: 'oral',
        },
      ],
    });
    await doctorApi.post(`/prescriptions/${first.id}/sign`);

    // ── 郑雅琴 rejects it with a reason.
    const reason = '患者血压控制平稳，氨氯地平 10mg 剂量偏大，建议维持 5mg 每日一次。';
    const pharmacist = await staffPage(PHARMACIST);
    let review = await openReview(pharmacist);
    await review.getByTestId('review-reject').click();
    await review.getByText('驳回须填写理由').waitFor();
    await review.getByLabel('审核意见').fill(reason);
    await screenshot(pharmacist, 'rx-pharmacist-reject');
    await review.getByTestId('review-reject').click();
    await pharmacist.getByText('已驳回，退回医生修改').first().waitFor();
    await pharmacist.getByTestId('review-detail').waitFor({ state: 'detached' });

    // ── 陈建国 sees the rejection in the workspace and revises: 5 mg instead of 10.
    const doctor = await staffPage(CHEN);
    const panel = await openPrescriptionTab(doctor, visitId);
    const outcome = panel.getByTestId('review-outcome');
    await outcome.waitFor();
    expect(await outcome.textContent()).toContain(reason);
    expect(await outcome.textContent()).toContain('郑雅琴');
    await screenshot(doctor, 'rx-doctor-rejected');
    await expectAccessible(doctor, '处方 rejected', '[data-testid="prescription-panel"]');
    await panel.getByRole('button', { name: '修改处方' }).click();
    const reviseDialog = doctor.getByRole('dialog').filter({ hasText: '新版本草稿' });
    await reviseDialog.getByRole('button', { name: '修改处方' }).click();
    const editor = panel.getByTestId('prescription-editor');
    await editor.waitFor();
    await editor.getByText('修改自第 1 版').waitFor();
    const item = editor.getByTestId('rx-item');
    await item.getByTestId('daily-dose').filter({ hasText: '日剂量 10mg' }).waitFor();
    await item.getByLabel('单次剂量').fill('5');
    await item.getByLabel('单次剂量').blur();
    await item.getByTestId('suggested-quantity').filter({ hasText: '建议 1 盒' }).waitFor();
    expect(await item.getByTestId('daily-dose').textContent()).toContain('日剂量 5mg');
    await allChecksPass(editor);
    await screenshot(doctor, 'rx-doctor-revision');
    await editor.getByTestId('prescription-sign').click();
    const signDialog = doctor.getByRole('dialog').filter({ hasText: '确认签名' });
    await signDialog.getByRole('button', { name: '确认签名' }).click();
    await panel.getByTestId('review-outcome').filter({ hasText: '等待药师审核' }).waitFor();
    // Both versions stay: the first superseded, the second waiting.
    const versions = panel.getByTestId('prescription-versions');
    await versions.filter({ hasText: '第 2 版 · 待审核' }).waitFor();
    await screenshot(doctor, 'rx-doctor-resigned');
    await versions.click();
    await doctor
      .locator('.ant-select-dropdown:visible')
      .getByText(/第 1 版 · 已修改/)
      .waitFor();
    await doctor.keyboard.press('Escape');

    // ── 郑雅琴 approves the second version.
    review = await openReview(pharmacist);
    await review.getByText('第 2 版').waitFor();
    expect(await review.getByTestId('prescription-line').textContent()).toContain('5mg');
    await review.getByTestId('review-approve').click();
    await pharmacist.getByText('已审核通过').first().waitFor();

    // ── 张伟 picks it up at 益康大药房: pays, and gets the 6-digit 取药码.
    const patient = await patientPage(ZHANG);
    await openMyPrescription(patient, 'approved');
    await patient.getByTestId('rx-choose-pharmacy').click();
    await patient.getByTestId('choose-pharmacy-page').waitFor();
    await patient.getByRole('option', { name: '到店自取' }).click();
    await patient
      .getByTestId('choose-pharmacy-page')
      .and(patient.locator('[data-method="pickup"]'))
      .waitFor();
    await patient.getByRole('radio', { name: new RegExp(PHARMACY) }).check();
    await patient.getByTestId('rx-total').filter({ hasText: '合计' }).waitFor();
    await screenshot(patient, 'rx-patient-choose-pickup');
    await expectAccessible(patient, '选择药店 (pickup)');
    await patient.getByTestId('rx-confirm').click();
    await payOnCashier(patient, 'rx-patient-cashier-pickup');
    await fulfilmentIs(patient, 'paid');
    const code = await patient.getByTestId('pickup-code').getAttribute('data-code');
    expect(code).toMatch(/^\d{6}$/);
    await patient.getByTestId('pickup-qr').waitFor();
    await screenshot(patient, 'rx-patient-pickup-code');
    await expectAccessible(patient, '取药码');

    // ── 赵敏 hands it over against the code, scanning the box's trace code.
    const counter = await staffPage(PHARMACY_STAFF);
    const codes = await dispenseAtCounter(counter, 'rx-pharmacy-pickup', code ?? '');
    expect(codes).toHaveLength(1);

    await fulfilmentIs(patient, 'picked_up');
    await patient.getByTestId('fulfilment-hero-status').filter({ hasText: '已取药' }).waitFor();
    expect(await patient.getByTestId('pickup-code').count()).toBe(0);
    await screenshot(patient, 'rx-patient-picked-up');
    await expectAccessible(patient, '取药 (picked up)');
  });
});
