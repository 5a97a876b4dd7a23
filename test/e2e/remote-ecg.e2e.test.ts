/**
 * Remote diagnosis, ECG, end to end ([11/12], issue 15's Done-when), in the browser on the demo region:
 * a community doctor at a 社区卫生服务中心 (龙晓梅, 青石社区) sends 张伟's 12-lead ECG to the ECG centre
 * (REMOTE-1 agreement, REMOTE-2 consent, REMOTE-3 question); the reading doctor (武建平, 区域心电诊断中心)
 * opens the viewer (the paper grid and 12 leads), measures with calipers, confirms the suggested heart
 * rate (REMOTE-5: AI 辅助 needs the doctor), raises a 危急值 and signs (REMOTE-4, SM2); the critical-value
 * alert reaches the community doctor, who acknowledges it and prints the PDF; 张伟 sees the report in his
 * archive. The ECG is PTB s0010_re (12 leads + Frank X/Y/Z; acute inferolateral MI), used by path.
 * Staff at 1280×800, the patient on a 390×844 phone; every page visited passes axe-core.
 */
import path from 'node:path';
import { PDFParse } from 'pdf-parse';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { HealthCard } from '../../src/shared/health-card.js';
import { apiAs } from './api.js';
import { expectAccessible } from './axe.js';
import { journeyHarness, loginWithPassword, screenshot } from './support.js';

const journeys = journeyHarness();

const ZHANG = '13800000001';
const LONG = '13900000004'; // 龙晓梅, GP at 青石社区卫生服务中心 (YC-C01)
const WU = '13900000005'; // 武建平, reader at 云川区区域心电诊断中心 (YC-E01)
const ECG_CENTRE = '云川区区域心电诊断中心';
const ECG_FILES = ['s0010_re.hea', 's0010_re.dat', 's0010_re.xyz'].map((f) =>
  path.resolve('../shared/testdata/ecg', f),
);
const QUESTION = '胸痛 2 小时伴大汗，请判读心电图，排除急性心肌梗死。';
const CONCLUSION = '急性下侧壁 ST 段抬高型心肌梗死';
const CRITICAL_NOTE = '急性 ST 段抬高型心肌梗死，建议立即转诊胸痛中心';

async function staffPage(phone: string): Promise<Page> {
  const page = await journeys.open('desktop');
  await loginWithPassword(page, phone);
  await page.getByTestId('clinic-home').waitFor();
  return page;
}

/** Chooses in an antd Select by clicking it and then the option (the popups render at the body's end). */
async function choose(page: Page, select: ReturnType<Page['locator']>, option: string): Promise<void> {
  await select.click();
  const item = page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option });
  await item.first().click();
  await item.first().waitFor({ state: 'hidden' });
}

/** The text of a PDF, as a reader would copy it out. */
async function pdfText(bytes: Uint8Array): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

const PDF_URL = /\/api\/v1\/diagnostic-reports\/[^/]+\/pdf$/;

/**
 * 打印报告 as the browser does it: `click` opens a new tab, the app fetches the signed report's PDF from
 * the API and shows it there from a blob: URL. The API's answer is caught on its way to the page (passed
 * on unchanged), so what is checked is exactly what the tab shows; the tab is closed after.
 */
async function printedPdf(
  page: Page,
  click: () => Promise<void>,
): Promise<{ status: number; type: string; bytes: Buffer }> {
  let answer: { status: number; type: string; bytes: Buffer } | undefined;
  await page.route(PDF_URL, async (route) => {
    const response = await route.fetch();
    answer = {
      status: response.status(),
      type: response.headers()['content-type'] ?? '',
      bytes: await response.body(),
    };
    await route.fulfill({ response });
  });
  try {
    const [tab] = await Promise.all([page.context().waitForEvent('page'), click()]);
    await tab.waitForURL(/^blob:/);
    await tab.close();
  } finally {
    await page.unroute(PDF_URL);
  }
  if (!answer) throw new Error('the PDF was shown without the API answering');
  return answer;
}

/** A number from a text ("卡尺读数：800 ms…" → 800 for /(\d+) ms/). */
function numberIn(text: string | null, pattern: RegExp): number {
  const n = pattern.exec(text ?? '')?.[1];
  if (!n) throw new Error(`no ${pattern} in "${text}"`);
  return Number(n);
}

describe('远程心电诊断: community → ECG centre → critical value → signed report → archive (REMOTE-1..5)', () => {
  it('龙晓梅 sends 张伟 12-lead ECG; 武建平 reads, measures, raises 危急值 and signs; 龙晓梅 acknowledges and prints; 张伟 sees it', async () => {
    // 张伟 shows his electronic health card at the desk (the API stands in for his phone's QR code).
    const zhangApi = await apiAs(journeys.url(), ZHANG);
    const card = await zhangApi.get<HealthCard>('/health-cards/self');

    // ── 1. 龙晓梅: 远程诊断申请 → 新建申请 → identify by the card, ECG centre, urgent, consent → submit.
    const gp = await staffPage(LONG);
    await gp.getByTestId('feature-remoteRequests').click();
    await gp.getByTestId('remote-requests').waitFor();
    await gp.getByTestId('remote-request-new').click();
    await gp.getByTestId('remote-request-new-page').waitFor();
    await gp.getByLabel('电子健康卡码').fill(card.qr);
    await gp.getByTestId('remote-card-verify').click();
    const identified = gp.getByTestId('remote-patient');
    await identified.waitFor();
    expect(await gp.getByTestId('remote-patient-name').textContent()).toBe('张伟');
    await screenshot(gp, 'remote-ecg-identified');
    await expectAccessible(gp, '新建远程诊断申请 · 识别患者');
    await gp.getByTestId('remote-next').click();

    const request = gp.getByTestId('remote-step-request');
    // antd's button radios: the label is what a person clicks (the input itself is hidden).
    await request.getByText('心电', { exact: true }).click();
    await choose(gp, request.getByTestId('remote-centre'), ECG_CENTRE);
    await gp.getByTestId('remote-agreement').waitFor();
    await request.getByText('急诊', { exact: true }).click();
    expect(await request.getByRole('radio', { name: '急诊' }).isChecked()).toBe(true);
    await request.getByLabel('临床问题 / 检查目的').fill(QUESTION);
    await request.getByLabel('病史摘要').fill('高血压 5 年，吸烟 20 年。');
    await screenshot(gp, 'remote-ecg-request-form');
    await expectAccessible(gp, '新建远程诊断申请 · 申请内容');
    await gp.getByTestId('remote-next').click();

    await gp.getByTestId('remote-step-consent').waitFor();
    await gp.getByTestId('remote-consent-confirm').check();
    await expectAccessible(gp, '新建远程诊断申请 · 知情同意');
    await gp.getByTestId('remote-submit').click();

    // The request's page: waiting for material; the three WFDB files go up together.
    const detail = gp.locator('[data-testid="remote-request-detail"][data-id]');
    await detail.waitFor();
    expect(await detail.getAttribute('data-status')).toBe('requested');
    const requestId = (await detail.getAttribute('data-id')) ?? '';
    expect(await gp.getByTestId('remote-detail-patient').textContent()).toContain('张伟');
    await gp.getByLabel('心电文件').setInputFiles(ECG_FILES);
    await gp.getByTestId('ecg-upload-submit').click();
    const uploaded = gp.getByTestId('ecg-upload-result');
    await uploaded.waitFor({ timeout: 30_000 });
    const summary = (await uploaded.textContent()) ?? '';
    // PTB: the 12 standard leads and the Frank leads, 1000 Hz, 38.4 s.
    expect(summary).toMatch(/15 个导联（i, ii, iii, avr, avl, avf, v1, v2, v3, v4, v5, v6, vx, vy, vz）/i);
    expect(summary).toContain('采样率 1000 Hz');
    expect(summary).toMatch(/时长 \d+(\.\d)? 秒/);
    await gp.locator('[data-testid="remote-request-detail"][data-status="ready"]').waitFor();
    const record = gp.getByTestId('ecg-records').locator('tr.ant-table-row').filter({ hasText: 's0010_re' });
    await record.waitFor();
    expect(await record.textContent()).toContain('1000 Hz');
    await record.scrollIntoViewIfNeeded();
    await screenshot(gp, 'remote-ecg-uploaded');
    await expectAccessible(gp, '申请详情 · 心电已上传');

    // ── 2. 武建平: 诊断中心阅片 → the urgent request in 待领取 → 领取 → the reading page.
    const wu = await staffPage(WU);
    await wu.getByTestId('feature-readingQueue').click();
    await wu.getByTestId('reading-queue').waitFor();
    const row = wu.getByTestId('queue-row').filter({ hasText: '张伟' });
    await row.waitFor();
    expect(await row.getAttribute('data-urgency')).toBe('urgent');
    expect(await row.textContent()).toContain('青石街道社区卫生服务中心');
    await screenshot(wu, 'remote-ecg-queue');
    await expectAccessible(wu, '诊断中心阅片 · 待领取');
    await row.getByTestId('queue-claim').click();

    const reading = wu.locator(`[data-testid="reading-page"][data-status="claimed"]`);
    await reading.waitFor();
    expect(await wu.getByTestId('reading-question').textContent()).toBe(QUESTION);
    const canvas = wu.getByTestId('ecg-canvas');
    // Drawn once the samples and the suggested measurements have arrived.
    await wu.locator('[data-testid="ecg-canvas"][aria-label*="15 个导联"]').waitFor({ timeout: 30_000 });
    await wu.locator('.ecg-viewer__loading').waitFor({ state: 'detached' });
    await wu.getByTestId('ecg-suggested-hr').filter({ hasText: '次/分' }).waitFor({ timeout: 30_000 });
    const canvasName = (await canvas.getAttribute('aria-label')) ?? '';
    expect(canvasName).toContain('15 个导联');
    const suggestedHr = numberIn(await wu.getByTestId('ecg-suggested-hr').textContent(), /(\d+) 次\/分/);
    expect(canvasName).toContain(`建议心率 ${suggestedHr} 次/分`);
    await canvas.scrollIntoViewIfNeeded();
    await screenshot(wu, 'remote-ecg-viewer');
    await expectAccessible(wu, '阅片 · 心电图查看器');

    // Calipers: a drag of 80 px along lead I at 25 mm/s (4 px/mm) is 800 ms, 75 次/分.
    const mode = wu.getByTestId('ecg-mode');
    await mode.getByText('卡尺', { exact: true }).click();
    const box = await canvas.boundingBox();
    if (!box) throw new Error('the ECG canvas has no box');
    const y = box.y + 60; // lead I's row (the first 30 mm)
    await wu.mouse.move(box.x + 60, y);
    await wu.mouse.down();
    await wu.mouse.move(box.x + 100, y + 10, { steps: 4 });
    await wu.mouse.move(box.x + 140, y + 20, { steps: 4 });
    await wu.mouse.up();
    const caliper = wu.getByTestId('ecg-caliper-reading');
    await caliper.waitFor();
    const caliperText = (await caliper.textContent()) ?? '';
    expect(Math.abs(numberIn(caliperText, /(\d+) ms/) - 800)).toBeLessThanOrEqual(10);
    expect(caliperText).toMatch(/相当于 7[4-6] 次\/分/);
    await screenshot(wu, 'remote-ecg-caliper');

    // A named interval by two clicks: QT over 40 px of lead II's row = 400 ms.
    await mode.getByText('测 QT', { exact: true }).click();
    const at = (await canvas.boundingBox()) ?? box;
    await wu.mouse.click(at.x + 80, at.y + 180);
    await wu.mouse.click(at.x + 120, at.y + 180);
    await expect.poll(async () => Number(await wu.getByTestId('ecg-qt').inputValue())).toBeGreaterThan(390);
    expect(Number(await wu.getByTestId('ecg-qt').inputValue())).toBeLessThan(410);
    // PR and QRS typed (the keyboard way to the same values).
    await wu.getByTestId('ecg-pr').fill('160');
    await wu.getByTestId('ecg-qrs').fill('100');

    // The suggested heart rate is taken only when the doctor confirms it (REMOTE-5).
    await wu.getByRole('button', { name: `确认建议心率 ${suggestedHr} 次/分` }).click();
    const decision = wu.getByTestId('ecg-hr-decision');
    await decision.waitFor();
    expect(await decision.textContent()).toContain(`医生已确认心率 ${suggestedHr} 次/分`);
    // QTc (Bazett) from the measured QT and the confirmed rate: QT / √(60 / HR).
    const qt = Number(await wu.getByTestId('ecg-qt').inputValue());
    const qtc = numberIn(await wu.getByTestId('ecg-qtc').textContent(), /(\d+) ms/);
    expect(Math.abs(qtc - qt / Math.sqrt(60 / suggestedHr))).toBeLessThanOrEqual(1);
    await wu.getByTestId('ecg-rhythm').fill('窦性心律');
    await wu.getByTestId('ecg-not-confirmed').waitFor();
    await wu.getByTestId('ecg-confirm').click();
    await wu.getByTestId('ecg-not-confirmed').waitFor({ state: 'detached' });
    const findings = wu.getByTestId('report-findings');
    await expect.poll(() => findings.inputValue()).toContain(`心率 ${suggestedHr}`);
    const measured = await findings.inputValue();
    expect(measured).toContain(`QT ${qt} ms`);
    expect(measured).toContain(`QTc ${qtc} ms`);
    await screenshot(wu, 'remote-ecg-measured');

    // The report: findings, conclusion, 危急值 on with its note → 保存草稿 alerts the requester at once.
    await findings.fill(
      `${measured}\nII、III、aVF 及 V5、V6 导联 ST 段抬高 0.2–0.4 mV，I、aVL 导联 ST 段压低，可见病理性 Q 波。`,
    );
    await wu.getByTestId('report-conclusion').fill(CONCLUSION);
    await wu.getByTestId('report-recommendations').fill('立即转诊胸痛中心行再灌注治疗。');
    await wu.getByTestId('report-critical').click();
    await wu.getByTestId('critical-warning').waitFor();
    await wu.getByTestId('report-critical-note').fill(CRITICAL_NOTE);
    await screenshot(wu, 'remote-ecg-report-draft');
    await expectAccessible(wu, '阅片 · 报告（危急值）');
    await wu.getByTestId('report-save').click();
    await wu.getByTestId('critical-raised').waitFor();
    expect(await wu.getByTestId('critical-raised').textContent()).toContain(CRITICAL_NOTE);

    // 签名并签发 → the confirmation → signed with the reader's SM2 certificate.
    await wu.getByTestId('report-sign').click();
    const confirm = wu.getByRole('dialog').filter({ hasText: '签名并签发报告？' });
    await confirm.waitFor();
    await screenshot(wu, 'remote-ecg-sign-confirm');
    await expectAccessible(wu, '签名并签发确认');
    await confirm.getByRole('button', { name: '确认签名' }).click();
    const signed = wu.locator('[data-testid="report-view"][data-report-status="signed"]');
    await signed.waitFor({ timeout: 30_000 });
    expect(await wu.getByTestId('report-signer').textContent()).toContain('武建平');
    expect(await wu.getByTestId('report-view-conclusion').textContent()).toBe(CONCLUSION);
    await wu.locator('[data-testid="reading-page"][data-status="signed"]').waitFor();
    await screenshot(wu, 'remote-ecg-signed');
    await expectAccessible(wu, '阅片 · 已签发');

    // ── 3. 龙晓梅: the red critical-value alert arrives (polled every 10 s) → 确认接收.
    await gp.getByTestId('remote-request-detail').getByRole('button', { name: '返回申请列表' }).click();
    await gp.getByTestId('remote-requests').waitFor();
    const alert = gp.locator(`[data-testid="critical-alert"][data-request-id="${requestId}"]`);
    await alert.waitFor({ timeout: 30_000 });
    const alertText = (await alert.textContent()) ?? '';
    expect(alertText).toContain('张伟');
    expect(alertText).toContain(CRITICAL_NOTE);
    expect(alertText).toContain(ECG_CENTRE);
    expect(alertText).toContain('武建平');
    await screenshot(gp, 'remote-ecg-critical-alert');
    await expectAccessible(gp, '远程诊断申请 · 危急值提醒');
    await alert.getByRole('button', { name: '确认接收 张伟 的危急值' }).click();
    await alert.waitFor({ state: 'detached' });

    // The request: acknowledged by her, the signed report, 打印报告 → the PDF.
    await gp
      .locator(`[data-testid="remote-request-row"][data-id="${requestId}"]`)
      .getByTestId('remote-request-open')
      .click();
    await gp.locator('[data-testid="remote-request-detail"][data-status="signed"]').waitFor();
    const status = gp.getByTestId('remote-critical-status');
    await status.filter({ hasText: '龙晓梅' }).waitFor();
    expect(await status.textContent()).toContain('确认接收');
    const report = gp.getByTestId('remote-report');
    await report.waitFor();
    expect(await gp.getByTestId('remote-report-conclusion').textContent()).toBe(CONCLUSION);
    expect(await gp.getByTestId('remote-report-signer').textContent()).toContain('武建平');
    expect(await report.textContent()).toContain(`${suggestedHr} bpm`);
    await gp.getByTestId('remote-report').scrollIntoViewIfNeeded();
    await screenshot(gp, 'remote-ecg-report-requester');
    await expectAccessible(gp, '申请详情 · 报告已签发');

    const pdf = await printedPdf(gp, () => gp.getByTestId('remote-report-print').click());
    expect(pdf.status).toBe(200);
    expect(pdf.type).toContain('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf.bytes);
    expect(text).toContain(ECG_CENTRE);
    expect(text).toContain('武建平');
    expect(text).toContain(CONCLUSION);
    expect(text).toContain('张伟');

    // ── 4. 张伟 (phone): 健康档案 → 检验检查 → 检查 → the ECG report, signed, with its PDF.
    const zhang = await journeys.open('phone');
    await loginWithPassword(zhang, ZHANG);
    await zhang.getByTestId('patient-home').waitFor();
    await zhang.getByTestId('service-records').click();
    await zhang.getByTestId('records-archive').waitFor();
    await zhang.getByRole('button', { name: '检验检查', exact: true }).click();
    await zhang.getByTestId('records-reports').waitFor();
    await zhang.getByRole('tab', { name: '检查' }).click();
    const item = zhang.getByTestId('report-item').filter({ hasText: ECG_CENTRE });
    await item.first().waitFor();
    await screenshot(zhang, 'remote-ecg-patient-reports');
    await expectAccessible(zhang, '检验检查 · 检查');
    await item.first().click();
    await zhang.getByTestId('records-report').waitFor();
    const head = zhang.getByTestId('report-head');
    await head.waitFor();
    expect(await head.textContent()).toContain(ECG_CENTRE);
    expect(await zhang.getByTestId('report-conclusion').textContent()).toBe(CONCLUSION);
    const badge = zhang.getByTestId('report-signed');
    await badge.waitFor();
    expect(await badge.textContent()).toContain('已签名');
    await screenshot(zhang, 'remote-ecg-patient-report');
    await expectAccessible(zhang, '检查报告 · 心电');
    await badge.click();
    const signedBy = zhang.getByTestId('report-signed-detail');
    await signedBy.waitFor();
    expect(await signedBy.textContent()).toContain('武建平');
    await zhang.getByRole('button', { name: '知道了' }).click();
    await signedBy.waitFor({ state: 'detached' });

    const patientPdf = await printedPdf(zhang, () => zhang.getByTestId('report-pdf').click());
    expect(patientPdf.status).toBe(200);
    expect(patientPdf.type).toContain('application/pdf');
    const patientText = await pdfText(patientPdf.bytes);
    expect(patientText).toContain(CONCLUSION);
    expect(patientText).toContain('武建平');
  }, 240_000);
});
