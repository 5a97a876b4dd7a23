/**
 * 医保在线结算 end to end ([7/12]), in the browser, on the demo region:
 *  - 王秀英 (retired employee, 30.00 yuan in her personal account, this year's deductible met) links her
 *    insurance with her e-voucher (ID-3), then pays her diabetes follow-up's fee and its drugs at the
 *    checkout: the split line by line (INS-2, INS-3: the fee is eligible up to the offline ordinary
 *    outpatient fee), 医保支付 with a fresh voucher, and the cash part at the simulated cashier.
 *  - 周强 (医保局) sees both settlements with their lines and the fund charts, the seeded
 *    overlapping-prescription alert on 张伟 with its evidence (INS-4), and a balanced reconciliation of
 *    云川医院 (YC-H01) for the day.
 * The visit, the prescription and the pharmacy choice are set up through the API (their screens have their
 * own journeys). The patient on a 390×844 phone, the insurer at 1280×800; every page passes axe-core.
 *
 * The follow-up is with 陈建国 (P001, YC-H01): 王秀英's endocrinologist 杨淑芬 (P005) has no demo login, and
 * a follow-up rests on her E11.9 diagnosis at YC-H01, not on the department (VISIT-1). Both are chief
 * physicians at a tertiary hospital, so the fee and its split are the same.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Practitioner } from '../../src/shared/directory.js';
import type { Page as ListPage } from '../../src/shared/http.js';
import type { InsuranceMe, PreSettlement, Settlement } from '../../src/shared/insurance.js';
import type { Order } from '../../src/shared/payments.js';
import type { FulfilmentCreated, PharmacyOffer } from '../../src/shared/prescriptions.js';
import { type ApiClient, apiAs, publicGet, shanghaiDay, until } from './api.js';
import { expectAccessible } from './axe.js';
import { journeyHarness, loginWithPassword, screenshot } from './support.js';

const journeys = journeyHarness();

const WANG = '13800000003';
const CHEN = '13900000001'; // 陈建国 P001, 云川医院 (YC-H01), chief physician
const PHARMACIST = '13700000001'; // 郑雅琴, YC-H01
const INSURER = '13400000001'; // 周强, 医保局
const PHARMACY = '益康大药房'; // YC-R01: catalogue prices, pick-up
const METFORMIN = '盐酸二甲双胍片'; // 甲类, 500 mg × 20, 19.60 yuan
const SITAGLIPTIN = '磷酸西格列汀片'; // 乙类, 100 mg × 7, 43.80 yuan

/**
 * The demo bureau's employee policy at a tertiary hospital (src/server/seed/demo-insurance.ts): 70 %, the
 * fee eligible up to 15 yuan (INS-3), 乙类 10 % self-paid first; 王秀英's deductible is already met.
 */
const POLICY = { reimbursementBp: 7_000, serviceFeeBasisFen: 1_500, categoryBFirstSelfPayBp: 1_000 };
const WANG_BALANCE_FEN = 3_000;

interface Parts {
  fundFen: number;
  accountFen: number;
  cashFen: number;
}

/** The engine's split of one line (INS-2), written out: fund rounds down, the account pays the self-pay part. */
function expectedSplit(totalFen: number, eligibleFen: number, balanceFen: number): Parts {
  const fundFen = Math.floor((eligibleFen * POLICY.reimbursementBp) / 10_000);
  const accountFen = Math.min(totalFen - fundFen, balanceFen);
  return { fundFen, accountFen, cashFen: totalFen - fundFen - accountFen };
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/** The Beijing calendar day of an instant (business days are Asia/Shanghai). */
const beijingDay = (iso: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(iso));

/** How the consoles' day lists write a date: 2026年12月6日. */
function zhDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** "¥12.34" → 1234. */
function fenOf(shown: string): number {
  const value = /^¥(\d+)\.(\d{2})$/.exec(shown.trim());
  if (!value) throw new Error(`no amount in "${shown}"`);
  return Number(value[1]) * 100 + Number(value[2]);
}

/** The E11.9 follow-up's record: a prescription needs the visit's diagnosis (VISIT-6). */
const RECORD = {
  chiefComplaint: '2 型糖尿病 8 年，线上复诊续药。',
  presentIllness: '二甲双胍 0.5g 每日两次，近一月空腹血糖 7.8–8.6 mmol/L，无低血糖发作，无多饮多尿加重。',
  pastHistory: '2 型糖尿病 8 年；青霉素类过敏。',
  allergies: '青霉素类',
  onlineObservation: '精神可，上传近一月家庭血糖记录。',
  diagnoses: [{ icd10: 'E11.9', name: '2型糖尿病不伴有并发症' }],
  advice: '继续二甲双胍 0.5g 每日两次，加用西格列汀 100mg 每日一次；控制饮食，监测血糖，1 个月后复诊。',
};

/** Whether 王秀英 (72) has answered the once-only 长辈模式 question of her first home visit. */
let wangAsked = false;

async function patientPage(phone: string): Promise<Page> {
  const page = await journeys.open('phone');
  await loginWithPassword(page, phone);
  await page.getByTestId('patient-home').waitFor();
  if (phone === WANG && !wangAsked) {
    // From 65 the home asks once whether to turn 长辈模式 on; these journeys keep the standard layout.
    const ask = page.getByRole('dialog').filter({ hasText: '是否开启长辈模式？' });
    await ask.getByRole('button', { name: '暂不开启', exact: true }).click();
    await ask.waitFor({ state: 'hidden' });
    wangAsked = true;
  }
  return page;
}

async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim();
}

/** The parts a split line (or the totals, `split`) shows, in fen. */
async function shownParts(scope: Locator, testId: 'split-line' | 'split'): Promise<Parts> {
  const fen = async (part: string) => fenOf(await text(scope.getByTestId(`${testId}-${part}`)));
  return { fundFen: await fen('fund'), accountFen: await fen('account'), cashFen: await fen('cash') };
}

/** ID-3: the e-voucher dialog of 医保支付 / 绑定医保, agreed to. */
async function showVoucher(page: Page): Promise<void> {
  const dialog = page.getByTestId('voucher-dialog');
  await dialog.waitFor();
  await page.getByTestId('voucher-confirm').click();
  await dialog.waitFor({ state: 'detached' });
}

/** The checkout opened from an order's page, with its split loaded. */
async function checkoutOf(page: Page, orderId: string): Promise<Locator> {
  await page.waitForURL(`**/patient/orders/${orderId}/checkout`);
  const checkout = page.getByTestId('checkout-page');
  await checkout.getByTestId('split-totals').waitFor();
  return checkout;
}

/** 医保支付 with a fresh voucher, then the cash part on the simulated cashier, which returns to `back`. */
async function payInsuranceThenCash(page: Page, cashFen: number, shot: string, back: RegExp): Promise<void> {
  await page.getByTestId('pay-insurance').click();
  await showVoucher(page);
  await page.waitForURL('**/sim-gateway/cashier/**');
  await page.getByTestId('sim-confirm').waitFor();
  // The gateway is asked for the cash part only: insurance settled the rest first.
  expect(await text(page.locator('.amount'))).toBe(yuan(cashFen));
  await screenshot(page, shot);
  await page.getByTestId('sim-confirm').click();
  await page.waitForURL(back);
}

async function paidOrder(patient: ApiClient, orderId: string): Promise<Order> {
  return until(`order ${orderId} to be paid`, async () => {
    const order = await patient.get<Order>(`/orders/${orderId}`);
    return order.status === 'paid' ? order : undefined;
  });
}

/** A catalogue drug's id by its generic name. */
async function drugId(doctor: ApiClient, name: string): Promise<string> {
  const found = await doctor.get<{ items: { id: string; genericName: string }[] }>(
    `/drugs?q=${encodeURIComponent(name)}`,
  );
  const drug = found.items.find((d) => d.genericName === name);
  if (!drug) throw new Error(`no ${name} in the catalogue`);
  return drug.id;
}

/** Chooses in an antd Select by clicking it and then the option (the popups render at the body's end). */
async function choose(page: Page, select: Locator, option: string): Promise<void> {
  await select.click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option })
    .first()
    .click();
}

describe('医保在线结算', () => {
  it('INS-1/INS-2/INS-3/INS-4/ID-3: 王秀英 links her voucher and pays her follow-up fee and drugs with insurance and the cash part at the cashier; 周强 sees the settlements, the seeded overlapping-supply alert and a balanced day', async () => {
    const url = journeys.url();
    const wang = await apiAs(url, WANG);
    const doctors = await publicGet<ListPage<Practitioner>>(
      url,
      `/doctors?q=${encodeURIComponent('陈建国')}`,
    );
    const chen = doctors.items.find((d) => d.name === '陈建国');
    if (!chen) throw new Error('no doctor 陈建国');

    // ── Through the API: her diabetes follow-up at 云川医院, requested; its fee awaits payment.
    const visit = await wang.post<{ id: string; orderId: string; status: string }>('/visits', {
      type: 'follow_up',
      doctorId: chen.id,
      conditionCode: 'E11.9',
      channel: 'text',
      consent: true,
      description: '糖尿病八年，二甲双胍每日两次，最近空腹血糖偏高，想复诊调整用药。',
    });
    expect(visit.status).toBe('requested');
    const feeOrder = await wang.get<Order>(`/orders/${visit.orderId}`);
    expect(feeOrder).toMatchObject({ purpose: 'visit', status: 'created' });

    // ── 王秀英 on her phone: 我的 → 医保 → 绑定医保 with her e-voucher (ID-3).
    const page = await patientPage(WANG);
    await page.getByText('我的', { exact: true }).click();
    await page.getByTestId('mine-insurance').click();
    const self = page.getByTestId('insured-person').filter({ hasText: '王秀英' });
    await self.and(page.locator('[data-linked="false"]')).waitFor();
    await expectAccessible(page, '医保 (not linked)');
    await self.getByTestId('insurance-link').click();
    await showVoucher(page);
    await self.and(page.locator('[data-linked="true"]')).waitFor();
    expect(await text(self.getByTestId('insured-balance'))).toBe(yuan(WANG_BALANCE_FEN));
    expect(await self.getByTestId('insured-scheme').getAttribute('data-scheme')).toBe('employee');
    expect(await text(self.getByTestId('insured-region'))).toBe('云川区');
    await screenshot(page, 'ins-patient-linked');
    await expectAccessible(page, '医保 (linked)');
    const me = await wang.get<InsuranceMe>('/insurance/me');
    expect(me.persons.map((p) => p.name)).toEqual(['王秀英']);

    // ── The fee: her visit's 去支付 opens the checkout; one service line, eligible up to 15 yuan (INS-3).
    await page.goto(`/patient/visits/${visit.id}`);
    await page.getByTestId('visit-page').and(page.locator('[data-status="requested"]')).waitFor();
    await page.getByTestId('visit-pay').click();
    let checkout = await checkoutOf(page, visit.orderId);
    const fee = expectedSplit(
      feeOrder.amountFen,
      Math.min(feeOrder.amountFen, POLICY.serviceFeeBasisFen),
      WANG_BALANCE_FEN,
    );
    // A chief physician's 100.00 yuan: fund 70 % of 15.00 = 10.50, her account 30.00, cash 59.50.
    const feeLine = checkout.getByTestId('split-line');
    expect(await feeLine.count()).toBe(1);
    expect(await feeLine.getAttribute('data-category')).toBe('');
    expect(await text(feeLine.getByTestId('split-line-total'))).toBe(yuan(feeOrder.amountFen));
    expect(await shownParts(feeLine, 'split-line')).toEqual(fee);
    expect(await shownParts(checkout, 'split')).toEqual(fee);
    expect(await text(checkout.getByTestId('split-total'))).toBe(yuan(feeOrder.amountFen));
    expect(await text(checkout.getByTestId('checkout-cash-due'))).toBe(yuan(fee.cashFen));
    expect(await text(checkout.getByTestId('checkout-patient'))).toBe('王秀英');
    await screenshot(page, 'ins-patient-checkout-fee');
    await expectAccessible(page, '医保结算 (follow-up fee)');

    // 医保支付: the fund and her account settle first; the cash part at the cashier, then back to the visit.
    await payInsuranceThenCash(
      page,
      fee.cashFen,
      'ins-patient-cashier-fee',
      new RegExp(`/patient/visits/${visit.id}$`),
    );
    const paidFee = await paidOrder(wang, visit.orderId);
    expect(paidFee.cashFen).toBe(fee.cashFen);
    expect(paidFee.insurance).toMatchObject({ status: 'settled', ...fee });
    // The visit page leaves 待支付 once the order is paid (it polls the order back from the cashier).
    await page.getByTestId('visit-page').and(page.locator('[data-status="waiting"]')).waitFor();
    expect(await page.getByTestId('visit-pay').count()).toBe(0);

    // ── Through the API: 陈建国 takes the visit and prescribes; 郑雅琴 approves; she picks up at 益康大药房.
    const doctor = await apiAs(url, CHEN);
    await doctor.post(`/visits/${visit.id}/start`);
    await doctor.put(`/visits/${visit.id}/record`, RECORD);
    const rx = await doctor.post<{ id: string }>(`/visits/${visit.id}/prescriptions`, {
      items: [
        {
          drugId: await drugId(doctor, METFORMIN),
          dose: 500,
          doseUnit: 'mg',
          frequency: 'bid',
          days: 7,
          quantity: 1,
          route: 'oral',
        },
        {
          drugId: await drugId(doctor, SITAGLIPTIN),
          dose: 100,
          doseUnit: 'mg',
          frequency: 'qd',
          days: 7,
          quantity: 1,
          route: 'oral',
        },
      ],
    });
    await doctor.post(`/prescriptions/${rx.id}/sign`);
    await doctor.post(`/visits/${visit.id}/complete`);
    const pharmacist = await apiAs(url, PHARMACIST);
    await pharmacist.post(`/prescriptions/${rx.id}/review`, { decision: 'approve' });
    const offers = await wang.get<{ items: PharmacyOffer[] }>(`/prescriptions/${rx.id}/pharmacies`);
    const pharmacy = offers.items.find((o) => o.name.includes(PHARMACY) && o.available);
    if (!pharmacy) throw new Error(`${PHARMACY} cannot fill it: ${JSON.stringify(offers.items)}`);
    const fulfilment = await wang.post<FulfilmentCreated>(`/prescriptions/${rx.id}/fulfilment`, {
      pharmacyId: pharmacy.pharmacyId,
      method: 'pickup',
    });
    const drugOrder = await wang.get<Order>(`/orders/${fulfilment.orderId}`);
    expect(drugOrder).toMatchObject({ purpose: 'prescription', status: 'created' });

    // ── The drugs: her account is spent, so the fund's share and cash; 乙类 pays 10 % first (metformin
    // 19.60: fund 13.72, cash 5.88; sitagliptin 43.80: 4.38 first, fund 70 % of 39.42 = 27.59, cash 16.21).
    await page.goto(`/patient/fulfilments/${fulfilment.id}`);
    await page.getByTestId('fulfilment-page').and(page.locator('[data-status="awaiting_payment"]')).waitFor();
    await page.getByTestId('fulfilment-pay').click();
    checkout = await checkoutOf(page, fulfilment.orderId);
    const lines = checkout.getByTestId('split-line');
    expect(await lines.count()).toBe(2);
    const totals: Parts = { fundFen: 0, accountFen: 0, cashFen: 0 };
    const drugParts = new Map<string, Parts>();
    // What the fee left in her account, consumed line by line (30.00 − 30.00: nothing).
    let balanceFen = WANG_BALANCE_FEN - fee.accountFen;
    let totalFen = 0;
    for (const [name, category] of [
      [METFORMIN, 'A'],
      [SITAGLIPTIN, 'B'],
    ] as const) {
      const line = lines.filter({ hasText: name });
      expect(await line.getAttribute('data-category')).toBe(category);
      const lineTotal = fenOf(await text(line.getByTestId('split-line-total')));
      const eligible =
        category === 'A'
          ? lineTotal
          : lineTotal - Math.round((lineTotal * POLICY.categoryBFirstSelfPayBp) / 10_000);
      const parts = expectedSplit(lineTotal, eligible, balanceFen);
      expect(await shownParts(line, 'split-line'), name).toEqual(parts);
      drugParts.set(name, parts);
      balanceFen -= parts.accountFen;
      totals.fundFen += parts.fundFen;
      totals.accountFen += parts.accountFen;
      totals.cashFen += parts.cashFen;
      totalFen += lineTotal;
    }
    expect(totalFen).toBe(drugOrder.amountFen);
    expect(await shownParts(checkout, 'split')).toEqual(totals);
    expect(totals.cashFen).toBeGreaterThan(0);
    expect(await text(checkout.getByTestId('checkout-cash-due'))).toBe(yuan(totals.cashFen));
    const preSettlement = await wang.get<PreSettlement>(`/orders/${fulfilment.orderId}/pre-settlement`);
    expect(preSettlement).toMatchObject({ scheme: 'employee', ...totals });
    await screenshot(page, 'ins-patient-checkout-drugs');
    await expectAccessible(page, '医保结算 (drugs)');

    await payInsuranceThenCash(
      page,
      totals.cashFen,
      'ins-patient-cashier-drugs',
      new RegExp(`/patient/fulfilments/${fulfilment.id}$`),
    );
    const paidDrugs = await paidOrder(wang, fulfilment.orderId);
    expect(paidDrugs.insurance).toMatchObject({ status: 'settled', ...totals });
    await page.getByTestId('fulfilment-page').and(page.locator('[data-status="paid"]')).waitFor();
    await page.getByTestId('pickup-code').waitFor();
    await screenshot(page, 'ins-patient-drugs-paid');
    await expectAccessible(page, '取药 (paid with insurance)');

    // ── 周强, 医保局: 医保结算 — both of her settlements, their lines, and the fund charts.
    const insurer = await journeys.open('desktop');
    await loginWithPassword(insurer, INSURER);
    await insurer.getByTestId('insurer-home').waitFor();
    await insurer.getByTestId('feature-settlement').click();
    const settlements = insurer.getByTestId('insurance-settlements');
    await settlements.waitFor();
    const hers = settlements.getByTestId('settlement-row').and(insurer.locator('[data-patient="王秀英"]'));
    await expect.poll(() => hers.count()).toBe(2);
    expect(await hers.and(insurer.locator('[data-status="settled"]')).count()).toBe(2);
    // Newest first: the drugs, whose lines unfold under the row.
    const drugsRow = hers.first();
    expect(await text(drugsRow)).toContain(yuan(drugOrder.amountFen));
    await drugsRow.getByRole('button', { name: /展开/ }).click();
    const drugLines = settlements.getByTestId('settlement-lines');
    await drugLines.waitFor();
    expect(await text(drugLines)).toContain(METFORMIN);
    expect(await text(drugLines)).toContain(SITAGLIPTIN);
    for (const parts of drugParts.values()) expect(await text(drugLines)).toContain(yuan(parts.fundFen));
    const charts = insurer.getByTestId('fund-charts');
    for (const chart of ['fund-chart-institution', 'fund-chart-month', 'fund-chart-category']) {
      // Drawn: the SVG is in place with its marks (bars, sectors) in it.
      await charts.getByTestId(chart).locator('svg').waitFor();
      await expect.poll(() => charts.getByTestId(chart).locator('svg path').count()).toBeGreaterThan(3);
    }
    expect(await text(charts.getByTestId('fund-chart-institution'))).toContain('云川医院');
    await screenshot(insurer, 'ins-insurer-settlements');
    await expectAccessible(insurer, '医保结算');
    // The statistics card from its top, just under the console's sticky header.
    await insurer.getByTestId('fund-stats').evaluate((card) => {
      card.scrollIntoView({ block: 'start' });
      document.scrollingElement?.scrollBy(0, -80);
    });
    await screenshot(insurer, 'ins-insurer-charts');

    // 智能审核: the seeded case — 张伟's amlodipine settled at two institutions with overlapping supply.
    await insurer.getByRole('menuitem', { name: '智能审核' }).click();
    const review = insurer.getByTestId('insurance-review');
    await review.waitFor();
    const alert = review.getByTestId('alert-row').and(insurer.locator('[data-rule="overlapping_supply"]'));
    await alert.waitFor();
    expect(await text(alert.getByTestId('alert-subject'))).toBe('张伟');
    expect(await alert.getAttribute('data-status')).toBe('open');
    const evidence = review.getByTestId('alert-evidence');
    await evidence.waitFor();
    expect(await text(evidence)).toContain('氨氯地平');
    expect(await text(evidence)).toContain('云川医院');
    await screenshot(insurer, 'ins-insurer-alerts');
    await expectAccessible(insurer, '智能审核');

    // 对账: 云川医院 on the day of her settlements (today, unless the journey crossed midnight in Beijing) —
    // our orders and settlements against the platform's and the gateway's: balanced.
    const listed = await (await apiAs(url, INSURER)).get<ListPage<Settlement>>(
      '/insurance/settlements?limit=50',
    );
    const settled = listed.items.filter((s) => s.patientName === '王秀英' && s.settledAt);
    expect(settled.map((s) => s.orderId).sort()).toEqual([visit.orderId, fulfilment.orderId].sort());
    const day = beijingDay(settled[0]!.settledAt!);
    const fundThatDay = settled
      .filter((s) => beijingDay(s.settledAt!) === day)
      .reduce((sum, s) => sum + s.fundFen, 0);
    await insurer.getByRole('menuitem', { name: '对账' }).click();
    const reconciliation = insurer.getByTestId('insurance-reconciliation');
    await reconciliation.waitFor();
    await choose(insurer, reconciliation.getByLabel('机构'), '云川医院');
    if (day !== shanghaiDay()) await choose(insurer, reconciliation.getByLabel('对账日期'), zhDate(day));
    const statement = reconciliation.getByTestId('reconciliation-statement');
    await statement.waitFor();
    expect(await statement.getAttribute('data-status')).toBe('balanced');
    expect(await statement.getByTestId('mismatch-row').count()).toBe(0);
    expect(await text(statement)).toContain(yuan(fundThatDay));
    await screenshot(insurer, 'ins-insurer-reconciliation');
    await expectAccessible(insurer, '对账');
    // About 40 s alone; more on a busy machine (two payments, three consoles, axe on ten pages).
  }, 180_000);
});
