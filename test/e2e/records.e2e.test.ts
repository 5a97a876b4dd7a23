/**
 * Health records end to end ([6/12]), in the browser, on the demo region:
 *  - 授权调阅 (SEC-1): 张伟 authorises 段志刚 — a community GP with no visit with him — for 7 days; the doctor
 *    reads his results in 我的患者 → 患者档案; 张伟 revokes and the doctor's next load is refused
 *    (NO_CARE_RELATIONSHIP, explained, with 紧急调阅 offered); 张伟's 访问记录 shows the authorised reads and
 *    the refused attempt; 张伟 reads his blood-pressure and lab trend charts (REC-3).
 *  - 紧急调阅 (SEC-1 break-glass): the doctor opens the archive with a written reason, the regulator sees
 *    the alert and reviews it, 张伟 sees it in his 访问记录.
 *  - HL7 接口: the admin sees the MLLP listener's status; a malformed ORU^R01 sent over TCP by an independent
 *    client (`@medplum/hl7`) is answered AE and shows as a dead letter, fixed in the drawer and replayed; a
 *    message without a resident ID waits in the match queue with 张伟 as its candidate.
 * Patients on a 390×844 phone, staff at 1280×800; every page visited passes axe-core.
 */
import { Hl7Message } from '@medplum/core';
import { Hl7Client } from '@medplum/hl7';
import type { Locator, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Me } from '../../src/shared/identity.js';
import type { AuthorisationView, Hl7FeedStatus } from '../../src/shared/records.js';
import { apiAs, shanghaiDay } from './api.js';
import { expectAccessible } from './axe.js';
import { journeyHarness, loginWithPassword, screenshot } from './support.js';

const FACILITY = 'YCH01HIS';
/** One server for the file, with the MLLP listener on a free loopback port and YC-H01's HIS as a feed. */
const journeys = journeyHarness({
  env: {
    YUNYI_HL7_PORT: '0',
    YUNYI_HL7_HOST: '127.0.0.1',
    YUNYI_HL7_FEEDS: JSON.stringify([
      { sendingFacility: FACILITY, institution: 'YC-H01', addresses: ['127.0.0.1'] },
    ]),
  },
});

const ZHANG = '13800000001';
/** 段志刚: GP at 柳湾社区卫生服务中心 (YC-C02); no visit with 张伟, so no care relationship of his own. */
const DUAN = '13900000003';
const REGULATOR = '13500000001';
const H01_ADMIN = '13600000001';
const ZHANG_ID_NUMBER = '11010119780315031X';

async function patientPage(phone: string): Promise<Page> {
  const page = await journeys.open('phone');
  await loginWithPassword(page, phone);
  await page.getByTestId('patient-home').waitFor();
  return page;
}

async function staffPage(phone: string, home: string): Promise<Page> {
  const page = await journeys.open('desktop');
  await loginWithPassword(page, phone);
  await page.getByTestId(home).waitFor();
  return page;
}

/** The patient's 健康档案 home, from the home page's tile. */
async function openArchive(page: Page): Promise<void> {
  await page.getByTestId('service-records').click();
  await page.getByTestId('records-archive').waitFor();
  await page.getByTestId('archive-basic').waitFor();
}

/** One of the archive's entries (时间轴, 检验检查, 趋势图, 授权管理, 访问记录, 导出档案). */
async function openEntry(page: Page, name: string, testId: string): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
  await page.getByTestId(testId).waitFor();
}

/** The title bar's back arrow. */
async function back(page: Page, testId: string): Promise<void> {
  await page.locator('.adm-nav-bar-back').click();
  await page.getByTestId(testId).waitFor();
}

/** 张伟's 访问记录, newest first, from the archive home. */
async function accessLog(page: Page): Promise<Locator> {
  await openEntry(page, '访问记录', 'records-access-log');
  const entries = page.getByTestId('access-entry');
  await entries.first().waitFor();
  return entries;
}

/** The leading number of a table cell ("6.2 mmol/L↑偏高" → "6.2"). */
function leadingNumber(text: string | null): string {
  const n = /^\s*([\d.]+)/.exec(text ?? '')?.[1];
  if (!n) throw new Error(`no number in "${text}"`);
  return n;
}

describe('授权调阅: 张伟 authorises a second doctor, revokes, and sees every access (SEC-1)', () => {
  it('grant for 7 days → 段志刚 reads his results → revoke → refused with 紧急调阅 offered → both in 访问记录 → trend charts', async () => {
    const zhang = await patientPage(ZHANG);
    await openArchive(zhang);
    await screenshot(zhang, 'records-archive');
    await expectAccessible(zhang, '健康档案');

    // 授权管理 → 新增授权: 段志刚, everything, 7 days.
    await openEntry(zhang, '授权管理', 'records-authorisations');
    await zhang.getByTestId('grant-new').click();
    const form = zhang.getByTestId('records-grant-new');
    await form.waitFor();
    await form.getByTestId('grant-grantee').getByText('医生', { exact: true }).click();
    await zhang.getByRole('textbox', { name: '搜索医生' }).fill('段志刚');
    const option = zhang.getByTestId('grantee-option').filter({ hasText: '段志刚' });
    await option.waitFor();
    expect(await option.textContent()).toContain('柳湾街道社区卫生服务中心');
    await option.click();
    expect(await zhang.getByTestId('grantee-chosen').textContent()).toContain('段志刚');
    await form.getByTestId('grant-scope').getByText('全部健康信息', { exact: true }).click();
    await form.getByTestId('grant-duration').getByText('7 天', { exact: true }).click();
    await zhang.getByTestId('grant-until').waitFor();
    await screenshot(zhang, 'records-grant-form');
    await expectAccessible(zhang, '新增授权');
    await zhang.getByRole('button', { name: '提交授权' }).click();
    const confirm = zhang.getByRole('dialog');
    await confirm.getByTestId('grant-confirm').waitFor();
    const confirmText = (await confirm.getByTestId('grant-confirm').textContent()) ?? '';
    expect(confirmText).toContain('段志刚');
    expect(confirmText).toContain('7 天');
    await screenshot(zhang, 'records-grant-confirm');
    await confirm.getByRole('button', { name: '确认授权' }).click();
    await zhang.getByTestId('records-authorisations').waitFor();
    const grant = zhang.getByTestId('grant').filter({ hasText: '段志刚' });
    await grant.and(zhang.locator('[data-status="active"]')).waitFor();
    expect(await grant.textContent()).toContain('全部健康信息');
    await screenshot(zhang, 'records-grants-active');
    await expectAccessible(zhang, '授权管理');

    // 段志刚: 我的患者 lists 张伟 under 授权; his 患者档案 shows the results, ↑ marked, and the BP readings.
    const duan = await staffPage(DUAN, 'clinic-home');
    await duan.getByTestId('feature-carePatients').click();
    const row = duan.getByTestId('care-patient-row').filter({ hasText: '张伟' });
    await row.waitFor();
    expect(await row.getByTestId('relationship').getAttribute('data-relationship')).toBe('authorisation');
    await screenshot(duan, 'records-care-patients');
    await expectAccessible(duan, '我的患者');
    await row.getByRole('button', { name: '查看档案：张伟' }).click();
    const archive = duan.getByTestId('patient-archive');
    await archive.waitFor();
    expect(await archive.getByTestId('archive-header').textContent()).toContain('张伟');
    await archive.getByRole('tab', { name: '检验结果' }).click();
    const labs = archive.getByTestId('lab-results');
    await labs.getByTestId('result-row').first().waitFor();
    // A laboratory value (not a vital sign) above its range, marked ↑ as a Chinese lab report prints it.
    const highLab = labs
      .getByTestId('result-row')
      .filter({ hasText: '检验 ·' })
      .filter({ has: duan.locator('[data-testid="result-value"][data-flag="H"]') })
      .first();
    expect(await highLab.getByTestId('result-value').textContent()).toContain('↑');
    expect(await labs.locator('[data-testid="result-row"][data-code="8480-6"]').count()).toBeGreaterThan(0);
    expect(await labs.locator('[data-testid="result-row"][data-code="8462-4"]').count()).toBeGreaterThan(0);
    // The trend chart opens on blood pressure (an SVG drawing named by what it shows).
    await labs
      .getByRole('img', { name: /^血压趋势图，共 \d+ 次结果/ })
      .locator('svg')
      .waitFor();
    await screenshot(duan, 'records-doctor-labs');
    await expectAccessible(duan, '患者档案 · 检验结果');
    await highLab.scrollIntoViewIfNeeded();
    await screenshot(duan, 'records-doctor-lab-values');

    // 张伟 revokes: immediate effect.
    await zhang.getByRole('button', { name: '撤销授权：段志刚' }).click();
    await zhang.getByRole('dialog').getByRole('button', { name: '确定撤销' }).click();
    await grant.waitFor({ state: 'detached' });
    await zhang.getByRole('tab', { name: /已撤销/ }).click();
    await grant.and(zhang.locator('[data-status="revoked"]')).waitFor();
    await screenshot(zhang, 'records-grants-revoked');

    // 段志刚's next load is refused, explained, with 紧急调阅 offered.
    await duan.reload();
    const refusal = duan.getByTestId('care-refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('没有诊疗关系');
    expect(await refusal.getByRole('button', { name: '紧急调阅' }).isVisible()).toBe(true);
    expect(await duan.getByTestId('patient-archive').count()).toBe(0);
    await screenshot(duan, 'records-doctor-refused');
    await expectAccessible(duan, '患者档案 · 无诊疗关系');

    // 访问记录: 段志刚's reads under 授权, and his refused attempt.
    await back(zhang, 'records-archive');
    const entries = await accessLog(zhang);
    const duanEntries = entries.filter({ hasText: '段志刚' });
    const authorised = duanEntries.and(
      zhang.locator('[data-outcome="success"][data-relationship="authorisation"]'),
    );
    expect(await authorised.count()).toBeGreaterThan(0);
    const refused = duanEntries.and(zhang.locator('[data-outcome="failure"]'));
    await refused.first().getByTestId('access-refused').waitFor();
    await screenshot(zhang, 'records-access-log');
    await expectAccessible(zhang, '访问记录');

    // 趋势图: blood pressure, then a lab value; each chart a canvas named by its summary.
    await back(zhang, 'records-archive');
    await openEntry(zhang, '趋势图', 'records-trends');
    await expectAccessible(zhang, '趋势图');
    await zhang.getByTestId('trend-bp').click();
    const bp = zhang.getByTestId('bp-chart');
    await bp.locator('canvas').waitFor();
    const latestBp = zhang.getByTestId('trend-table').locator('tbody tr').first().locator('td');
    const bpValue = `${leadingNumber(await latestBp.nth(0).textContent())}/${leadingNumber(await latestBp.nth(1).textContent())}`;
    const bpName = (await bp.getAttribute('aria-label')) ?? '';
    expect(bpName).toContain(`${bpValue} mmHg`);
    await expect.poll(() => zhang.getByRole('img', { name: bpName }).count()).toBe(1);
    await screenshot(zhang, 'records-trend-bp');
    await expectAccessible(zhang, '血压趋势');

    await back(zhang, 'records-trends');
    const labEntry = zhang.getByTestId('trend-lab').first();
    const labTitle = (await labEntry.locator('strong').textContent()) ?? '';
    const labName = labTitle.replace(/趋势$/, '');
    await labEntry.click();
    const lab = zhang.getByTestId('lab-chart');
    await lab.locator('canvas').waitFor();
    const latestLab = leadingNumber(
      await zhang.getByTestId('trend-table').locator('tbody tr').first().locator('td').textContent(),
    );
    const labSummary = (await lab.getAttribute('aria-label')) ?? '';
    expect(labSummary).toContain(labName);
    expect(labSummary).toContain(`：${latestLab}`);
    await screenshot(zhang, 'records-trend-lab');
    await expectAccessible(zhang, `${labTitle}`);
  });
});

describe('紧急调阅: break-glass with a written reason, the regulator reviews it (SEC-1)', () => {
  it('段志刚 opens 张伟 archive by break-glass → the regulator reviews the alert → 张伟 sees it in 访问记录', async () => {
    const base = journeys.url();
    const zhangApi = await apiAs(base, ZHANG);
    const me = await zhangApi.get<Me>('/me');
    if (!me.patientId) throw new Error('张伟 has no patient record');
    // Stands on its own: whatever an earlier journey left, 段志刚 holds no authorisation now.
    const grants = await zhangApi.get<{ items: AuthorisationView[] }>('/me/authorisations?status=active');
    for (const g of grants.items) await zhangApi.answer('DELETE', `/me/authorisations/${g.id}`);

    const duan = await staffPage(DUAN, 'clinic-home');
    await duan.goto(`/clinic/carePatients/${me.patientId}`);
    const refusal = duan.getByTestId('care-refusal');
    await refusal.waitFor();
    await refusal.getByRole('button', { name: '紧急调阅' }).click();
    const modal = duan.getByRole('dialog', { name: '紧急调阅患者档案' });
    await modal.waitFor();
    // No reason, no access.
    await modal.getByRole('button', { name: '确认紧急调阅' }).click();
    await modal.getByText('请写明紧急调阅的理由').waitFor();
    const reason = '患者胸痛伴意识模糊送急诊，需了解既往病史、用药与过敏史';
    await modal.getByLabel('调阅理由').fill(reason);
    await screenshot(duan, 'records-break-glass-dialog');
    await expectAccessible(duan, '紧急调阅');
    await modal.getByRole('button', { name: '确认紧急调阅' }).click();
    const archive = duan.getByTestId('patient-archive');
    await archive.waitFor();
    expect(await archive.getByTestId('relationship').first().getAttribute('data-relationship')).toBe(
      'break_glass',
    );
    await screenshot(duan, 'records-break-glass-archive');
    await expectAccessible(duan, '患者档案 · 紧急调阅');

    const regulator = await staffPage(REGULATOR, 'regulator-home');
    await regulator.getByTestId('feature-breakGlassAlerts').click();
    await regulator.getByTestId('break-glass-alerts').waitFor();
    const alert = regulator.getByTestId('break-glass-row').filter({ hasText: reason });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('段志刚');
    expect(await alert.textContent()).toContain('张伟');
    expect(await alert.getAttribute('data-reviewed')).toBe('false');
    await screenshot(regulator, 'records-break-glass-alerts');
    await expectAccessible(regulator, '紧急调阅告警');
    await alert.getByRole('button', { name: '审阅 段志刚 对 张伟 的紧急调阅' }).click();
    const review = regulator.getByRole('dialog', { name: '审阅紧急调阅' });
    await review.getByLabel('审阅意见').fill('急诊抢救，理由充分，调阅合规');
    await screenshot(regulator, 'records-break-glass-review');
    await expectAccessible(regulator, '审阅紧急调阅');
    await review.getByRole('button', { name: '提交审阅' }).click();
    await alert.and(regulator.locator('[data-reviewed="true"]')).waitFor();
    expect(await alert.textContent()).toContain('急诊抢救，理由充分，调阅合规');

    const zhang = await patientPage(ZHANG);
    await openArchive(zhang);
    const entries = await accessLog(zhang);
    const broke = entries
      .filter({ hasText: '段志刚' })
      .and(zhang.locator('[data-outcome="success"][data-relationship="break_glass"]'));
    await broke.first().waitFor();
    expect(await broke.first().getByTestId('access-relationship').textContent()).toContain('紧急调阅');
    await screenshot(zhang, 'records-access-log-break-glass');
    await expectAccessible(zhang, '访问记录 · 紧急调阅');
  });
});

/** An HL7 v2 segment from its numbered fields. */
function seg(name: string, fields: Record<number, string>): string {
  const n = Math.max(...Object.keys(fields).map(Number));
  return [name, ...Array.from({ length: n }, (_, i) => fields[i + 1] ?? '')].join('|');
}

const msh = (type: string, control: string) =>
  `MSH|^~\\&|HIS|${FACILITY}|YUNYI|YUNYI|${hl7Time(0)}||${type}|${control}|P|2.5`;

/** YYYYMMDDHHMMSS in Shanghai time, `days` from today, at 08:30. */
function hl7Time(days: number): string {
  return `${shanghaiDay(days).replaceAll('-', '')}083000`;
}

/** 张伟's lipid result from the hospital's LIS, OBX-14 as given (a bad date makes it malformed). */
function lipidResult(control: string, obx14: string): string {
  return [
    msh('ORU^R01^ORU_R01', control),
    seg('PID', {
      1: '1',
      3: `${ZHANG_ID_NUMBER}^^^^NNCHN~H9001^^^YCH01^PI`,
      5: '张^伟',
      7: '19780315',
      8: 'M',
    }),
    seg('OBR', {
      1: '1',
      3: `L${control}^LIS`,
      4: '24331-1^血脂四项^LN',
      7: hl7Time(-1),
      22: hl7Time(-1),
      24: 'LAB',
      25: 'F',
    }),
    seg('OBX', {
      1: '1',
      2: 'NM',
      3: '2093-3^总胆固醇^LN',
      5: '6.10',
      6: 'mmol/L',
      7: '<5.2',
      8: 'H',
      11: 'F',
      14: obx14,
    }),
  ].join('\r');
}

/** A registration naming 张伟 without his resident ID: it waits for a person to match it. */
function registrationWithoutId(control: string): string {
  return [
    msh('ADT^A04^ADT_A01', control),
    `EVN|A04|${hl7Time(0)}`,
    seg('PID', { 1: '1', 3: 'H9002^^^YCH01^PI', 5: '张^伟', 7: '19780315', 8: 'M' }),
    seg('PV1', {
      1: '1',
      2: 'O',
      3: 'CARD',
      7: '111101011997001^陈^建国',
      19: `V${control}`,
      44: hl7Time(0),
    }),
  ].join('\r');
}

describe('HL7 接口: feed status, a dead letter fixed and replayed, the match queue', () => {
  const clients: Hl7Client[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  it('a malformed ORU^R01 over MLLP → AE, a dead letter → fixed in the drawer and replayed; an ID-less ADT waits for a match', async () => {
    const admin = await apiAs(journeys.url(), H01_ADMIN);
    const status = await admin.get<Hl7FeedStatus>('/hl7/status');
    expect(status.listening).toBe(true);
    if (!status.port) throw new Error('the HL7 listener reports no port');
    const client = new Hl7Client({ host: '127.0.0.1', port: status.port });
    clients.push(client);
    const send = async (text: string) => {
      const ack = await client.sendAndWait(Hl7Message.parse(text), { timeoutMs: 15_000 });
      return ack.getSegment('MSA')?.getField(1).toString();
    };
    const control = `E2E${Date.now().toString(36).toUpperCase()}`;
    const badDate = `${shanghaiDay(0).slice(0, 4)}1345`; // month 13
    expect(await send(lipidResult(control, badDate))).toBe('AE');
    expect(await send(registrationWithoutId(`${control}M`))).toBe('AA');

    const page = await staffPage(H01_ADMIN, 'admin-home');
    await page.getByTestId('feature-hl7').click();
    await page.getByTestId('hl7-page').waitFor();
    const listening = page.getByTestId('hl7-listening');
    expect(await listening.textContent()).toContain('监听中');
    const feed = page.getByTestId('hl7-feed').filter({ hasText: FACILITY });
    await feed.waitFor();
    expect(await feed.textContent()).toContain('云川');

    const letter = page.locator(`[data-testid="hl7-message-row"][data-control-id="${control}"]`);
    await letter.waitFor();
    expect(await letter.textContent()).toContain('AE');
    await screenshot(page, 'records-hl7-dead-letters');
    await expectAccessible(page, 'HL7 接口');

    await letter.getByRole('button', { name: `查看消息 ${control}` }).click();
    const detail = page.getByTestId('hl7-message-detail');
    await detail.and(page.locator('[data-status="dead"]')).waitFor();
    const raw = detail.getByTestId('hl7-raw');
    const text = await raw.inputValue();
    expect(text).toContain(badDate);
    await raw.fill(text.replace(badDate, hl7Time(-1)));
    await screenshot(page, 'records-hl7-drawer');
    await expectAccessible(page, 'HL7 消息详情');
    await detail.getByRole('button', { name: '修正并重放' }).click();
    await detail.getByTestId('hl7-result').and(page.locator('[data-outcome="applied"]')).waitFor();
    await detail.and(page.locator('[data-status="replayed"]')).waitFor();
    await screenshot(page, 'records-hl7-replayed');
    await page.locator('.ant-drawer-close').click();
    await letter.waitFor({ state: 'detached' });

    await page.getByRole('tab', { name: '患者匹配队列' }).click();
    const match = page.getByTestId('hl7-match').filter({ hasText: '张伟' }).first();
    await match.waitFor();
    expect(await match.getAttribute('data-status')).toBe('pending');
    expect(await match.getByRole('radio', { name: /张伟/ }).count()).toBe(1);
    await screenshot(page, 'records-hl7-matches');
    await expectAccessible(page, 'HL7 患者匹配队列');
  });
});
