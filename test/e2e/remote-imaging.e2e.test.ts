/**
 * Remote diagnosis end to end ([11/12]), in the browser, on the demo region:
 *  - 影像 (REMOTE-1…REMOTE-5): 龙晓梅 (青石社区) identifies 李娜 by her electronic health card, requests a
 *    routine CT read from the region's imaging centre with consent (REMOTE-2); a truncated DICOM file is
 *    refused in words and changes nothing, CT_small.dcm is accepted (1 series, 1 image, 待阅片); 常卫东
 *    claims it, reads it in the DICOM viewer (the image drawn, 肺窗 and 纵隔 windows, zoom, a distance in
 *    mm written into 检查所见), reports and signs it (REMOTE-4); 龙晓梅 sees the signed report and prints
 *    the PDF; 李娜 finds the CT report in her health archive (REC-*).
 *  - 检验 (chain of custody): 龙晓梅 requests 电解质 for 张伟, collects (the barcode label shows) and packs
 *    the specimen; 乔慧 at the laboratory scans it, records 取件 and 签收, then refuses it as haemolysed;
 *    龙晓梅 sees the refusal and re-draws under a new barcode.
 * Staff at 1280×800, the patient on a 390×844 phone; every page visited passes axe-core.
 */
import path from 'node:path';
import { PDFParse } from 'pdf-parse';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiAs } from './api.js';
import { expectAccessible } from './axe.js';
import { journeyHarness, loginWithPassword, screenshot } from './support.js';

const journeys = journeyHarness();

/** 龙晓梅: GP at 青石社区卫生服务中心 (YC-C01), which has agreements with the three centres. */
const GP = '13900000004';
/** 常卫东: reading doctor at 云川区区域影像诊断中心 (YC-I01). */
const READER = '13900000006';
/** 乔慧: 区域医学检验中心 (YC-L01). */
const LAB = '13900000007';
const LINA = '13800000002';
const ZHANG = '13800000001';
const DICOM = path.resolve('../shared/testdata/dicom');
const CT_FILE = path.join(DICOM, 'CT_small.dcm');
const TRUNCATED_FILE = path.join(DICOM, 'rtplan_truncated.dcm');

async function staffPage(phone: string): Promise<Page> {
  const page = await journeys.open('desktop');
  await loginWithPassword(page, phone);
  await page.getByTestId('clinic-home').waitFor();
  return page;
}

/**
 * 远程诊断申请 → 新建申请 for a patient: their health-card code (read through the API as the patient's
 * phone would show it) pasted and verified, then the request's kind and details (`fill`), then consent.
 * Returns the new request's detail page locator, once shown.
 */
async function newRequest(
  page: Page,
  patientPhone: string,
  fill: (step: Locator) => Promise<void>,
): Promise<Locator> {
  await page.getByTestId('feature-remoteRequests').click();
  await page.getByRole('button', { name: '新建申请' }).click();
  await page.getByTestId('remote-request-new-page').waitFor();
  const patient = await apiAs(journeys.url(), patientPhone);
  const { qr } = await patient.get<{ qr: string }>('/health-cards/self');
  await page.getByTestId('remote-card-code').fill(qr);
  await page.getByTestId('remote-card-verify').click();
  await page.getByTestId('remote-patient').waitFor();
  await page.getByTestId('remote-next').click();
  const step = page.getByTestId('remote-step-request');
  await step.waitFor();
  await fill(step);
  await page.getByTestId('remote-next').click();
  await page.getByTestId('remote-step-consent').waitFor();
  await page.getByTestId('remote-consent-confirm').check();
  await expectAccessible(page, '新建远程诊断申请 · 知情同意');
  await page.getByTestId('remote-submit').click();
  const detail = page.getByTestId('remote-request-detail').and(page.locator('[data-status="requested"]'));
  await detail.waitFor();
  return detail;
}

/** The accession number in the detail card's heading (申请详情 RD-…). */
async function accessionOf(page: Page): Promise<string> {
  const heading = (await page.getByRole('heading', { name: /^申请详情/ }).textContent()) ?? '';
  const no = heading.replace('申请详情', '').trim();
  if (!no) throw new Error(`no accession number in "${heading}"`);
  return no;
}

/** What the viewer's canvas shows: the share of lit pixels, distinct grey levels and a checksum. */
function canvasPixels(canvas: Locator): Promise<{ lit: number; levels: number; sum: number }> {
  return canvas.evaluate((element) => {
    const c = element as HTMLCanvasElement;
    const ctx = c.getContext('2d');
    if (!ctx || c.width === 0) return { lit: 0, levels: 0, sum: 0 };
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    const levels = new Set<number>();
    let lit = 0;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) {
      const v = data[i] ?? 0;
      levels.add(v);
      sum += v;
      if (v > 16) lit += 1;
    }
    return { lit: lit / (data.length / 4), levels: levels.size, sum };
  });
}

describe('远程影像诊断: a CT study from the community to the imaging centre and back (REMOTE-1…REMOTE-5)', () => {
  it('request with consent → truncated file refused, CT uploaded → 常卫东 reads it in the viewer, measures, signs → PDF → 李娜 archive', async () => {
    // 1. 龙晓梅: a routine CT read for 李娜, then the study.
    const gp = await staffPage(GP);
    const question = '咳嗽 3 周，胸部 CT 平扫，请排除肺部占位';
    const detail = await newRequest(gp, LINA, async (step) => {
      await step.getByText('影像', { exact: true }).click();
      await step.getByText('CT', { exact: true }).click();
      // The only imaging centre under an agreement is chosen for the doctor, with its agreement shown.
      await expect.poll(() => step.getByTestId('remote-centre').textContent()).toContain('影像诊断中心');
      await step.getByTestId('remote-agreement').waitFor();
      await step.getByLabel('临床问题 / 检查目的').fill(question);
      await screenshot(gp, 'remote-imaging-new-request');
      await expectAccessible(gp, '新建远程诊断申请 · 申请内容');
    });
    expect(await gp.getByTestId('remote-detail-patient').textContent()).toContain('李娜');
    const accessionNo = await accessionOf(gp);
    const upload = gp.getByTestId('imaging-upload');
    await upload.waitFor();

    // A truncated DICOM file: refused in words (DICOM_INVALID), nothing changes.
    await upload.getByLabel('DICOM 文件').setInputFiles(TRUNCATED_FILE);
    await upload.getByTestId('imaging-upload-submit').click();
    const failure = gp.getByTestId('imaging-upload-failure');
    await failure.waitFor();
    const refusal = (await failure.textContent()) ?? '';
    expect(refusal).toContain('不是可接收的 DICOM 影像');
    expect(refusal).toContain('rtplan_truncated.dcm');
    expect(refusal).toContain('文件不完整或已损坏');
    await failure.scrollIntoViewIfNeeded();
    expect(await detail.getAttribute('data-status')).toBe('requested');
    expect(await gp.getByTestId('imaging-studies').count()).toBe(0);
    await screenshot(gp, 'remote-imaging-upload-refused');
    await expectAccessible(gp, '申请详情 · 影像上传被拒');

    await upload.getByLabel('DICOM 文件').setInputFiles(CT_FILE);
    await upload.getByTestId('imaging-upload-submit').click();
    // Parsing and storing the study may take a while on a busy machine.
    await gp
      .getByTestId('remote-request-detail')
      .and(gp.locator('[data-status="ready"]'))
      .waitFor({ timeout: 30_000 });
    const study = gp.getByTestId('imaging-studies').locator('tbody tr.ant-table-row').first();
    await study.waitFor();
    const cells = await study.locator('td').allTextContents();
    expect(cells).toContain('CT');
    expect(cells.slice(2, 4)).toEqual(['1', '1']); // 序列数, 图像数
    expect(await gp.getByTestId('imaging-upload-failure').count()).toBe(0);
    await study.scrollIntoViewIfNeeded();
    await screenshot(gp, 'remote-imaging-uploaded');
    await expectAccessible(gp, '申请详情 · 待阅片');

    // 2. 常卫东: the queue → 领取 → the reading page with the viewer.
    const reader = await staffPage(READER);
    await reader.getByTestId('feature-readingQueue').click();
    const row = reader.getByTestId('queue-row').filter({ hasText: accessionNo });
    await row.waitFor();
    expect(await row.textContent()).toContain('李娜');
    expect(await row.textContent()).toContain('青石');
    await screenshot(reader, 'remote-imaging-queue');
    await expectAccessible(reader, '诊断中心待阅队列');
    await row.getByTestId('queue-claim').click();
    await reader.getByTestId('reading-page').and(reader.locator('[data-status="claimed"]')).waitFor();
    expect(await reader.getByTestId('reading-question').textContent()).toBe(question);

    const viewer = reader.getByTestId('imaging-material');
    const canvas = viewer.locator('canvas[role="img"]');
    await canvas.waitFor();
    // Drawn: many grey levels, not a black (or single-colour) canvas; named by what it shows.
    await expect
      .poll(async () => (await canvasPixels(canvas)).levels, { timeout: 30_000 })
      .toBeGreaterThan(50);
    const drawn = await canvasPixels(canvas);
    expect(drawn.lit).toBeGreaterThan(0.05);
    expect(await canvas.getAttribute('aria-label')).toMatch(/^CT 图像 1\/1，/);
    // The study and series attributes beside the image.
    const metadata = viewer.getByRole('region', { name: '检查与序列信息' });
    await expect.poll(() => metadata.textContent()).toContain('128 × 128');
    expect(await metadata.textContent()).toContain('CT');
    const spacingText = (await metadata.textContent()) ?? '';
    const columnSpacing = Number(/([\d.]+) × ([\d.]+) mm/.exec(spacingText)?.[2]);
    expect(columnSpacing).toBeGreaterThan(0);
    // The image slider (one image: nothing to scroll) and the position.
    expect(await viewer.getByRole('slider', { name: '图像序号' }).count()).toBe(1);
    expect(await viewer.locator('.dicom-viewer__position').textContent()).toBe('图像 1/1');

    // 肺窗, then 纵隔/软组织: the window shown (inputs, overlay, name) and the pixels follow.
    const width = viewer.getByLabel('窗宽', { exact: true });
    const centre = viewer.getByLabel('窗位', { exact: true });
    await viewer.getByRole('button', { name: '肺窗' }).click();
    await expect.poll(() => width.inputValue()).toBe('1500');
    expect(await centre.inputValue()).toBe('-600');
    await expect.poll(() => canvas.getAttribute('aria-label')).toContain('窗宽 1500 窗位 -600');
    const lung = await canvasPixels(canvas);
    expect(lung.sum).not.toBe(drawn.sum);
    await viewer.getByRole('button', { name: '纵隔/软组织' }).click();
    await expect.poll(() => width.inputValue()).toBe('400');
    expect(await centre.inputValue()).toBe('40');
    await expect.poll(async () => (await canvasPixels(canvas)).sum).not.toBe(lung.sum);

    // Zoom in twice: the zoom in the canvas's name grows.
    const zoomOf = async () =>
      Number(/缩放 (\d+)%/.exec((await canvas.getAttribute('aria-label')) ?? '')?.[1]);
    const fitted = await zoomOf();
    await viewer.getByRole('button', { name: '放大' }).click();
    await viewer.getByRole('button', { name: '放大' }).click();
    await expect.poll(zoomOf).toBeGreaterThan(fitted * 1.5);
    const zoom = (await zoomOf()) / 100;

    // 测距: two clicks 120 px apart on the image → a distance in mm in the list (spacing ÷ zoom).
    await viewer.getByRole('button', { name: '测距' }).click();
    const box = await canvas.boundingBox();
    if (!box) throw new Error('the viewer canvas has no box');
    const y = box.height / 2;
    await canvas.click({ position: { x: box.width / 2 - 60, y } });
    await viewer.getByRole('status').filter({ hasText: '已选起点' }).waitFor();
    await canvas.click({ position: { x: box.width / 2 + 60, y } });
    const item = viewer.getByRole('button', { name: /^测量 1：[\d.]+ mm（图像 1）$/ });
    await item.waitFor();
    const mm = Number(/：([\d.]+) mm/.exec((await item.textContent()) ?? '')?.[1]);
    expect(mm).toBeCloseTo((120 / zoom) * columnSpacing, 0);
    const measured = reader.getByTestId('imaging-measurements');
    expect(await measured.textContent()).toContain(`${mm.toFixed(1)} mm`);
    await viewer.locator('.dicom-viewer').evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await screenshot(reader, 'remote-imaging-viewer');
    await expectAccessible(reader, '阅片 · 影像查看器');

    // 写入检查所见, then the report: findings, conclusion, 保存草稿, 签名并签发.
    await measured.getByTestId('imaging-insert').click();
    const findings = reader.getByTestId('report-findings');
    await expect.poll(() => findings.inputValue()).toContain(`测量：${mm.toFixed(1)} mm。`);
    await findings.fill(
      `胸部 CT 平扫：双肺纹理清晰，未见明确占位。\n${await findings.inputValue()}`.replace(/\n+$/, ''),
    );
    const conclusion = '胸部 CT 平扫未见明显异常';
    await reader.getByTestId('report-conclusion').fill(conclusion);
    await reader.getByTestId('report-save').click();
    await reader.getByText('草稿已保存').first().waitFor();
    await reader.getByTestId('reading-page').and(reader.locator('[data-status="reported"]')).waitFor();
    await reader.getByTestId('report-sign').click();
    const confirm = reader.getByRole('dialog').filter({ hasText: '签名并签发报告？' });
    await confirm.waitFor();
    await screenshot(reader, 'remote-imaging-sign-confirm');
    await expectAccessible(reader, '签名并签发确认');
    await confirm.getByRole('button', { name: '确认签名' }).click();
    const signed = reader.getByTestId('report-view').and(reader.locator('[data-report-status="signed"]'));
    await signed.waitFor({ timeout: 30_000 });
    expect(await signed.getByTestId('report-view-conclusion').textContent()).toBe(conclusion);
    expect(await signed.getByTestId('report-signer').textContent()).toContain('常卫东');
    await screenshot(reader, 'remote-imaging-signed');
    await expectAccessible(reader, '阅片 · 报告已签发');

    // 3. 龙晓梅: the signed report came back; 打印报告 gives the PDF.
    await gp.reload();
    await gp.getByTestId('remote-request-detail').and(gp.locator('[data-status="signed"]')).waitFor();
    const report = gp.getByTestId('remote-report');
    expect(await report.getByTestId('remote-report-conclusion').textContent()).toBe(conclusion);
    expect(await report.getByTestId('remote-report-signer').textContent()).toContain('常卫东');
    await gp.getByTestId('remote-turnaround').waitFor();
    await screenshot(gp, 'remote-imaging-report-back');
    await expectAccessible(gp, '申请详情 · 报告已签发');
    const [pdf] = await Promise.all([
      gp.waitForResponse((r) => /\/api\/v1\/diagnostic-reports\/[^/]+\/pdf$/.test(r.url())),
      report.getByTestId('remote-report-print').click(),
    ]);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
    // The page hands the bytes to a new tab as a blob; the same document, fetched as 龙晓梅, is read here.
    const pdfPath = new URL(pdf.url()).pathname.replace('/api/v1', '');
    const bytes = Buffer.from(await (await (await apiAs(journeys.url(), GP)).fetch(pdfPath)).arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const parser = new PDFParse({ data: new Uint8Array(bytes) });
    try {
      const text = (await parser.getText()).text;
      expect(text).toContain('云川区区域影像诊断中心');
      expect(text).toContain('常卫东');
      expect(text).toContain(accessionNo);
    } finally {
      await parser.destroy();
    }

    // 4. 李娜, on her phone: 健康档案 → 检验检查 → 检查 lists the CT report; it opens with the conclusion.
    const lina = await journeys.open('phone');
    await loginWithPassword(lina, LINA);
    await lina.getByTestId('patient-home').waitFor();
    await lina.getByTestId('service-records').click();
    await lina.getByTestId('records-archive').waitFor();
    await lina.getByTestId('records-entry-reports').click();
    await lina.getByTestId('records-reports').waitFor();
    await lina.getByRole('tab', { name: '检查' }).click();
    const entry = lina.getByTestId('report-item').filter({ hasText: '影像' }).first();
    await entry.waitFor();
    expect(await entry.textContent()).toContain('CT');
    await screenshot(lina, 'remote-imaging-patient-reports');
    await expectAccessible(lina, '检验检查 · 检查');
    await entry.click();
    await lina.getByTestId('records-report').waitFor();
    expect(await lina.getByTestId('report-conclusion').textContent()).toContain(conclusion);
    await screenshot(lina, 'remote-imaging-patient-report');
    await expectAccessible(lina, 'CT 报告');
    // Four people, a DICOM upload, the viewer and an SM2 signature: more than 120 s under load.
  }, 180_000);
});

describe('远程检验: the specimen chain of custody, a refusal and a re-draw', () => {
  it('电解质 for 张伟 → collected, label, packed → 乔慧 picks up, receives, refuses (溶血) → 龙晓梅 re-draws under a new barcode', async () => {
    const gp = await staffPage(GP);
    await newRequest(gp, ZHANG, async (step) => {
      await step.getByText('检验', { exact: true }).click();
      await step.getByTestId('remote-panels').click();
      await gp.keyboard.type('电解质');
      await gp.locator('.ant-select-item-option').filter({ hasText: '电解质' }).first().click();
      await gp.keyboard.press('Escape');
      await expect.poll(() => step.getByTestId('remote-centre').textContent()).toContain('检验中心');
      await step.getByLabel('临床问题 / 检查目的').fill('乏力、纳差，复查血钾');
    });
    await gp.getByTestId('specimen-collect').click();
    const specimen = gp.getByTestId('specimen').and(gp.locator('[data-status="collected"]'));
    await specimen.waitFor();
    const barcode = (await specimen.getAttribute('data-barcode')) ?? '';
    expect(barcode).not.toBe('');
    // The tube's label: a Code 128 barcode of the same value, named for a screen reader.
    const label = specimen.getByTestId('specimen-barcode');
    expect(await label.getAttribute('data-value')).toBe(barcode);
    await screenshot(gp, 'remote-lab-label');
    await expectAccessible(gp, '申请详情 · 标本已采集');
    await specimen.getByTestId('specimen-pack').click();
    await gp.getByTestId('specimen').and(gp.locator('[data-status="packed"]')).waitFor();

    // 乔慧: 标本接收, the barcode typed as a scanner would, 取件 → 签收 → 拒收 (溶血).
    const lab = await staffPage(LAB);
    await lab.getByTestId('feature-readingQueue').click();
    await lab.getByTestId('open-specimens').click();
    await lab.getByTestId('specimen-reception').waitFor();
    await lab.getByTestId('specimen-barcode-input').fill(barcode);
    await lab.getByTestId('specimen-barcode-input').press('Enter');
    const found = lab.getByTestId('specimen-found');
    const status = found.getByTestId('specimen-status');
    await expect.poll(() => status.textContent()).toBe('打包');
    await expectAccessible(lab, '标本接收');
    await found.getByTestId('specimen-picked_up').click();
    await expect.poll(() => status.textContent()).toBe('取件');
    await found.getByTestId('specimen-received').click();
    await expect.poll(() => status.textContent()).toBe('签收');
    await found.getByTestId('specimen-reject').click();
    const dialog = lab.getByRole('dialog').filter({ hasText: '拒收标本' });
    await dialog.getByTestId('specimen-reject-reason').click();
    await lab.locator('.ant-select-item-option').filter({ hasText: '溶血' }).click();
    await screenshot(lab, 'remote-lab-reject');
    await expectAccessible(lab, '拒收标本');
    await dialog.getByRole('button', { name: '确认拒收' }).click();
    await expect.poll(() => status.textContent()).toBe('拒收');
    expect(await found.textContent()).toContain('已拒收：溶血');
    await screenshot(lab, 'remote-lab-rejected');

    // 龙晓梅: the refusal with its reason, and 重新采集 → a new specimen under a new barcode.
    await gp.reload();
    await gp.getByTestId('remote-request-detail').and(gp.locator('[data-status="redraw"]')).waitFor();
    const rejected = gp.getByTestId('specimen-rejected');
    await rejected.waitFor();
    expect(await rejected.textContent()).toContain('溶血');
    await screenshot(gp, 'remote-lab-redraw');
    await expectAccessible(gp, '申请详情 · 待重新采集');
    await rejected.getByTestId('specimen-redraw').click();
    const redrawn = gp.getByTestId('specimen').and(gp.locator('[data-status="collected"]'));
    await redrawn.waitFor();
    const second = await redrawn.getAttribute('data-barcode');
    expect(second).toBeTruthy();
    expect(second).not.toBe(barcode);
    expect(await redrawn.textContent()).toContain('重采自前一标本');
    expect(await redrawn.getByTestId('specimen-barcode').getAttribute('data-value')).toBe(second);
  });
});
