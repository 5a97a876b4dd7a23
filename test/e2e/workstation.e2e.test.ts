/**
 * The doctor's online-visit workstation: 陈建国 goes online, takes 张伟's follow-up from the queue, chats,
 * writes and signs the record and adds an addendum; a second visit is referred offline. The patients'
 * side is set up through the API with their own tokens.
 */
import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AttachmentView } from '../../src/shared/visits.js';
import { type ApiClient, apiAs, requestPaidVisit } from './api.js';
import { expectAccessible } from './axe.js';
import { journeyHarness, loginWithPassword, screenshot } from './support.js';

const journeys = journeyHarness();
const DOCTOR = '13900000001';
const ZHANG = '13800000001';
const WANG = '13800000003';
const LI_NA = '13800000002';

interface Visit {
  id: string;
  status: string;
  orderId?: string;
}

/** A picture as a phone would send it: a JPEG of a blood-pressure log, in one flat colour. */
function picture(colour: string): Promise<Buffer> {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: colour } })
    .jpeg()
    .toBuffer();
}

/** Uploads a picture with a patient's own session (raw body, as the H5 does). */
async function uploadAs(phone: string, bytes: Buffer): Promise<string> {
  const patient = await apiAs(journeys.url(), phone);
  return (await patient.upload<AttachmentView>('/attachments', new Uint8Array(bytes), 'image/jpeg')).id;
}

/** The patient's own WebSocket on a visit, resumed and ready to send frames. */
async function patientSocket(phone: string, visitId: string): Promise<WebSocket> {
  const url = `${journeys.url().replace(/^http/, 'ws')}/ws?token=${encodeURIComponent((await apiAs(journeys.url(), phone)).token)}`;
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const resumed = new Promise<void>((resolve) => {
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type === 'resumed') resolve();
    });
  });
  socket.send(JSON.stringify({ type: 'resume', visitId, after: 0 }));
  await resumed;
  return socket;
}

/** 心血管内科 of 云川医院 (YC-H01), where 陈建国 takes on-demand visits. */
async function cardiology(patient: ApiClient): Promise<string> {
  const hospitals = await patient.get<{ items: { id: string; code: string }[] }>('/institutions?limit=100');
  const hospital = hospitals.items.find((i) => i.code === 'YC-H01');
  if (!hospital) throw new Error('no YC-H01');
  const departments = await patient.get<{ items: { id: string; name: string }[] }>(
    `/departments?institutionId=${hospital.id}&limit=100`,
  );
  const department = departments.items.find((d) => d.name === '心血管内科');
  if (!department) throw new Error('no 心血管内科');
  return department.id;
}

/** The patient asks for a visit and pays on the simulated gateway, until it waits in the queue. */
function requestAndPay(patient: ApiClient, body: Record<string, unknown>): Promise<Visit> {
  return requestPaidVisit<Visit>(journeys.url(), patient, { channel: 'text', ...body });
}

async function doctorQueue(): Promise<Page> {
  const page = await journeys.open('desktop');
  await loginWithPassword(page, DOCTOR);
  await page.getByTestId('clinic-home').waitFor();
  await page.getByTestId('feature-onlineVisits').click();
  await page.getByTestId('visit-queue').waitFor();
  return page;
}

/** 即时问诊 on: once the switch shows what the server says, turn it on unless it already is. */
async function goOnline(page: Page): Promise<void> {
  const presence = page.locator('[data-testid="presence-switch"]:not(.ant-switch-loading)');
  await presence.waitFor();
  if ((await presence.getAttribute('aria-checked')) !== 'true') await presence.click();
  await page
    .locator('[data-testid="presence-switch"][aria-checked="true"]:not(.ant-switch-loading)')
    .waitFor();
}

/** Chooses in an antd Select by typing into its search box. */
async function pick(page: Page, select: Locator, typed: string, option: string | RegExp): Promise<void> {
  await select.click();
  await page.keyboard.type(typed);
  const item = page.locator('.ant-select-item-option:visible', { hasText: option }).first();
  await item.click();
}

describe('online visit workstation', () => {
  it('陈建国 goes online, takes 张伟 follow-up, chats, signs the record and adds an addendum', async () => {
    const page = await doctorQueue();
    await goOnline(page);
    await screenshot(page, 'workstation-online');
    await expectAccessible(page, '在线问诊 (接诊中)');

    const zhang = await apiAs(journeys.url(), ZHANG);
    const visit = await requestAndPay(zhang, {
      type: 'follow_up',
      departmentId: await cardiology(zhang),
      conditionCode: 'I10',
      attachmentIds: [await uploadAs(ZHANG, await picture('#c9e4ec'))],
      description: '高血压三年，一直服用氨氯地平 5mg 每日一次，近一周家里测血压 135/85 左右，想续药。',
    });

    // The queue refreshes by itself (every 10 s).
    const row = page.getByTestId('visit-row').filter({ hasText: '复诊' }).filter({ hasText: '候诊中' });
    await row.waitFor({ timeout: 15_000 });
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('张');
    expect(text).toContain('男');
    expect(text).toContain('图文');
    expect(text).toContain('无需');
    expect(text).toMatch(/\d+ 分钟/);
    await screenshot(page, 'workstation-queue');
    await expectAccessible(page, '在线问诊 候诊队列');

    await row.getByTestId('visit-start').click();
    await page.waitForURL(`**/clinic/onlineVisits/${visit.id}`);
    await page.getByTestId('visit-workspace').waitFor();
    await page
      .getByTestId('visit-workspace')
      .getByTestId('visit-status')
      .filter({ hasText: '接诊中' })
      .waitFor();
    expect(await page.getByTestId('evidence').textContent()).toContain('I10');
    const history = page.getByTestId('history-offline').filter({ hasText: 'I10' });
    await history.waitFor();
    expect(await history.textContent()).toContain('原发性高血压');
    expect(await page.getByTestId('visit-description').textContent()).toContain('氨氯地平');
    // The patient's picture is fetched with the doctor's token and shown from a blob: URL.
    await page.getByTestId('patient-card').locator('img[src^="blob:"]').waitFor();

    // The patient writes (through the API); the message arrives live over the WebSocket.
    await zhang.post(`/visits/${visit.id}/messages`, {
      clientId: randomUUID(),
      kind: 'text',
      text: '医生您好，最近偶尔早上有点头晕。',
    });
    const chat = page.getByTestId('chat-list');
    await chat.getByTestId('chat-message').filter({ hasText: '偶尔早上有点头晕' }).waitFor();
    await page.getByTestId('chat-input').fill('您好，头晕一般持续多久？起床时慢一点，先坐一会儿再站起来。');
    await page.getByTestId('chat-send').click();
    const reply = chat.locator('[data-testid="chat-message"][data-role="doctor"]', { hasText: '先坐一会儿' });
    await reply.waitFor();
    expect(await chat.getByTestId('chat-pending').count()).toBe(0);
    await page.getByTestId('chat-file').setInputFiles({
      name: 'diet.jpg',
      mimeType: 'image/jpeg',
      buffer: await picture('#f3d9b1'),
    });
    await chat.locator('[data-testid="chat-message"][data-role="doctor"] img[src^="blob:"]').waitFor();
    const seen = await zhang.get<{ items: { id: number; text?: string; senderRole: string }[] }>(
      `/visits/${visit.id}/messages?after=0`,
    );
    const doctorSaid = seen.items.filter((m) => m.senderRole === 'doctor');
    expect(doctorSaid.some((m) => m.text?.includes('先坐一会儿'))).toBe(true);

    // Live over the patient's own socket: typing shows, and reading turns the receipts to 已读.
    const socket = await patientSocket(ZHANG, visit.id);
    socket.send(JSON.stringify({ type: 'typing', visitId: visit.id }));
    await page.getByTestId('chat-typing').waitFor();
    const lastId = Math.max(...doctorSaid.map((m) => m.id));
    socket.send(JSON.stringify({ type: 'read', visitId: visit.id, lastReadId: lastId }));
    await reply.getByTestId('receipt').filter({ hasText: '已读' }).waitFor();
    socket.close();

    // The record: the 高血压复诊 template, then I10 searched in Chinese and picked.
    const record = page.getByTestId('record-form');
    await pick(page, page.getByTestId('template-select'), '高血压', '高血压复诊');
    await page.getByText('已套用模板「高血压复诊」').waitFor();
    expect(await page.getByTestId('record-chiefComplaint').inputValue()).toContain('发现血压升高');
    const icd = page.getByTestId('icd-select');
    await icd.locator('.ant-select-selection-item', { hasText: 'I10' }).waitFor();
    // The template's diagnosis is struck and chosen again from the catalogue search.
    await icd
      .locator('.ant-select-selection-item', { hasText: 'I10' })
      .locator('.ant-select-selection-item-remove')
      .click();
    await pick(page, icd, '高血压', /^I10 原发性高血压$/);
    await page.keyboard.press('Escape');
    await icd.locator('.ant-select-selection-item', { hasText: 'I10 原发性高血压' }).waitFor();
    await page.getByTestId('record-chiefComplaint').fill('发现血压升高 3 年，规律服药，线上复诊续方。');
    await page
      .getByTestId('record-advice')
      .fill('1. 继续氨氯地平 5mg 每日一次。\n2. 低盐饮食，早晚自测血压。\n3. 4 周后复诊。');
    await record.getByTestId('record-save').click();
    await page.getByText('草稿已保存').waitFor();
    await page.getByTestId('record-saved-at').filter({ hasText: '草稿保存于' }).waitFor();
    await screenshot(page, 'workstation-workspace');
    await expectAccessible(page, '问诊工作台');

    await record.getByTestId('record-complete').click();
    const confirm = page.getByRole('dialog');
    expect(await confirm.textContent()).toContain('SM2');
    expect(await confirm.textContent()).toContain('不可修改');
    await screenshot(page, 'workstation-sign-confirm');
    await expectAccessible(page, '问诊工作台 签名确认');
    await confirm.getByRole('button', { name: '签名并完成' }).click();
    const signed = page.getByTestId('signed-record');
    await signed.waitFor();
    await page
      .getByTestId('visit-workspace')
      .getByTestId('visit-status')
      .filter({ hasText: '已完成' })
      .waitFor();
    expect(await page.getByTestId('record-status').textContent()).toBe('已签名');
    expect(await signed.getByTestId('record-diagnoses').textContent()).toContain('I10 原发性高血压');
    const signature = (await signed.getByTestId('signature').textContent()) ?? '';
    expect(signature).toContain('陈建国');
    expect(signature).toContain('SM3');

    await signed.getByTestId('addendum-text').fill('补充：患者诉晨起头晕与体位变化相关，已嘱缓慢起身。');
    await signed.getByTestId('addendum-submit').click();
    await signed.getByTestId('addendum').filter({ hasText: '晨起头晕与体位变化相关' }).waitFor();
    await screenshot(page, 'workstation-signed');
    await expectAccessible(page, '问诊工作台 已签名');

    await page.getByTestId('timeline-open').click();
    const timeline = page.getByTestId('timeline');
    await timeline.getByTestId('timeline-entry').first().waitFor();
    expect(await timeline.getByTestId('timeline-entry').count()).toBeGreaterThan(2);
    await screenshot(page, 'workstation-timeline');
    await expectAccessible(page, '问诊工作台 时间线');
    await page.keyboard.press('Escape');

    const signedRecord = await zhang.get<{ status: string; addenda: unknown[] }>(
      `/visits/${visit.id}/record`,
    );
    expect(signedRecord.status).toBe('signed');
    expect(signedRecord.addenda).toHaveLength(1);
  });

  it('陈建国 refers a second visit offline with a reason and a recommended department', async () => {
    const page = await doctorQueue();
    await goOnline(page);

    const wang = await apiAs(journeys.url(), WANG);
    const visit = await requestAndPay(wang, {
      type: 'consultation',
      departmentId: await cardiology(wang),
      description: '最近爬楼梯时胸口发闷，休息几分钟能缓解，想咨询一下需不需要去医院。',
    });
    const row = page.getByTestId('visit-row').filter({ hasText: '咨询' }).filter({ hasText: '候诊中' });
    await row.waitFor({ timeout: 15_000 });
    await row.getByTestId('visit-start').click();
    await page.waitForURL(`**/clinic/onlineVisits/${visit.id}`);
    await page
      .getByTestId('visit-workspace')
      .getByTestId('visit-status')
      .filter({ hasText: '接诊中' })
      .waitFor();
    // VISIT-6: a consultation's record has no diagnosis.
    await page.getByTestId('no-diagnosis').waitFor();
    expect(await page.getByTestId('icd-select').count()).toBe(0);

    await page.getByTestId('refer-open').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('refer-reason').fill('劳力性胸闷，需线下完善心电图、运动负荷试验，排除冠心病。');
    await pick(page, dialog.getByTestId('refer-department'), '心血管', '心血管内科');
    await dialog
      .getByTestId('refer-note')
      .fill('请近期到心血管内科门诊就诊，如胸痛持续不缓解请立即拨打 120。');
    await screenshot(page, 'workstation-refer');
    await expectAccessible(page, '转线下');
    await dialog.getByTestId('refer-submit').click();
    await dialog.waitFor({ state: 'hidden' });
    await page
      .getByTestId('visit-workspace')
      .getByTestId('visit-status')
      .filter({ hasText: '已转线下' })
      .waitFor();
    const referral = page.getByTestId('referral-card');
    expect(await referral.textContent()).toContain('运动负荷试验');
    expect(await referral.textContent()).toContain('心血管内科');
    await screenshot(page, 'workstation-referred');
    await expectAccessible(page, '问诊工作台 已转线下');

    await page.getByTestId('back-to-queue').click();
    await page.getByTestId('visit-queue').waitFor();
    await page.getByTestId('tab-history').click();
    const referred = page
      .getByTestId('visit-row')
      .filter({ hasText: '咨询' })
      .filter({ hasText: '已转线下' });
    await referred.waitFor();
    await screenshot(page, 'workstation-history');
    await expectAccessible(page, '在线问诊 历史');

    const seen = await wang.get<{
      status: string;
      referral?: { recommendation: { departmentName?: string } };
    }>(`/visits/${visit.id}`);
    expect(seen.status).toBe('referred_offline');
    expect(seen.referral?.recommendation.departmentName).toBe('心血管内科');
  });

  it("a minor's visit starts only once the guardian has confirmed being there", async () => {
    const page = await doctorQueue();
    await goOnline(page);

    const liNa = await apiAs(journeys.url(), LI_NA);
    const children = await liNa.get<{ items: { patientId: string; name: string }[] }>('/me/dependents');
    const child = children.items.find((d) => d.name === '李小宝');
    if (!child) throw new Error('no 李小宝');
    const visit = await requestAndPay(liNa, {
      type: 'consultation',
      patientId: child.patientId,
      departmentId: await cardiology(liNa),
      description: '孩子体检时听诊发现心脏杂音，平时活动正常，想咨询是否需要进一步检查。',
    });

    const row = page.getByTestId('visit-row').filter({ hasText: '李' }).filter({ hasText: '待监护人确认' });
    await row.waitFor({ timeout: 15_000 });
    await row.getByTestId('visit-start').click();
    const refusal = page.getByTestId('start-refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('未成年患者需监护人确认在场后才能接诊');
    await screenshot(page, 'workstation-guardian-required');
    await expectAccessible(page, '在线问诊 待监护人确认');

    await liNa.post(`/visits/${visit.id}/guardian-presence`);
    await page.getByTestId('visit-row').filter({ hasText: '监护人已确认' }).waitFor({ timeout: 15_000 });
    await page
      .getByTestId('visit-row')
      .filter({ hasText: '监护人已确认' })
      .getByTestId('visit-start')
      .click();
    await page.waitForURL(`**/clinic/onlineVisits/${visit.id}`);
    const card = page.getByTestId('patient-card');
    await card.getByText('未成年').waitFor();
    expect(await card.textContent()).toContain('监护人已确认');
    await screenshot(page, 'workstation-minor');
    await expectAccessible(page, '问诊工作台 未成年');

    // The same workspace in English.
    await page.getByTestId('lang-switch').getByText('English').click();
    await card.getByText('Guardian present').waitFor();
    await page
      .getByTestId('no-diagnosis')
      .getByText('A consultation gives advice only, without a diagnosis')
      .waitFor();
    await screenshot(page, 'workstation-en');
    await expectAccessible(page, 'visit workspace (English)');
  });
});
