import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible } from './axe.js';
import { journeyHarness, loginWithPassword, residentId, screenshot, signUpWithSmsCode } from './support.js';

const journeys = journeyHarness();
const openPhone = () => journeys.open('phone');

/** antd-mobile inputs carry the test id on their wrapper. */
const input = (page: Page, testId: string) => page.getByTestId(testId).locator('input');

async function pickRelationship(page: Page, label: string): Promise<void> {
  await page.getByTestId('dep-relationship').click();
  const picker = page.locator('.adm-picker');
  await picker.waitFor();
  // A phone taps the wheel item (a mouse click counts as a drag there), then waits for it to settle.
  await picker.getByText(label, { exact: true }).tap();
  await picker.locator('.adm-picker-view-column-item-active', { hasText: label }).waitFor();
  await page.waitForTimeout(300);
  await picker.getByText('确定', { exact: true }).click();
  await page.getByTestId('dep-relationship').getByText(label).waitFor();
}

function dependentItem(page: Page, name: string) {
  return page.getByTestId('dependent-item').filter({ hasText: name });
}

describe('patient family', () => {
  it('李娜 opens 就诊人管理 from the home grid and sees her child 李小宝', async () => {
    const page = await openPhone();
    await loginWithPassword(page, '13800000002');
    await page.getByTestId('patient-home').waitFor();
    expect(await page.getByTestId('real-name-status').textContent()).toBe('已实名');
    await screenshot(page, 'patient-home');
    await expectAccessible(page, '首页');
    await page.getByTestId('service-dependents').click();
    const child = dependentItem(page, '李小宝');
    await child.waitFor();
    const text = (await child.textContent()) ?? '';
    expect(text).toContain('子女');
    expect(text).toContain('已生效');
    expect(text).toMatch(/\*{4,}/); // the ID number is masked
    await screenshot(page, 'patient-dependents');
    await expectAccessible(page, '就诊人管理');
  });

  it('a new user registers by SMS code, verifies their real name and adds a child and a parent', async () => {
    const page = await openPhone();
    await signUpWithSmsCode(page, '13811112222');
    await page.getByTestId('patient-home').waitFor();
    expect(await page.getByTestId('real-name-status').textContent()).toBe('未实名');
    await screenshot(page, 'patient-home-unverified');
    await expectAccessible(page, '首页 (未实名)');

    // 实名认证, with a client-side check of the ID's check digit first.
    await page.getByTestId('real-name-status').click();
    await page.getByTestId('real-name-page').waitFor();
    await expectAccessible(page, '实名认证');
    await input(page, 'rn-name').fill('林晓');
    const own = residentId('19880312', '123');
    await input(page, 'rn-id').fill(`${own.slice(0, 17)}${own[17] === '0' ? '1' : '0'}`);
    await page.getByRole('button', { name: '提交认证' }).click();
    await page.getByText('身份证号格式或校验位不正确').waitFor();
    await input(page, 'rn-id').fill(own);
    await page.getByRole('button', { name: '提交认证' }).click();
    const result = page.getByTestId('real-name-result');
    await result.waitFor();
    const shown = (await result.textContent()) ?? '';
    expect(shown).toContain('林晓');
    expect(shown).toContain('1988-03-12');
    expect(shown).not.toContain(own); // masked once verified
    expect(shown).toMatch(/\*{4,}/);
    await screenshot(page, 'patient-real-name-verified');
    await expectAccessible(page, '实名认证 (已实名)');

    // A child: guardian-managed, active at once, no phone needed.
    await page.goto('/patient/dependents');
    await page.getByText('还没有就诊人').waitFor();
    await page.getByRole('button', { name: '添加就诊人' }).click();
    await page.getByTestId('dependent-form').waitFor();
    await input(page, 'dep-name').fill('林小禾');
    await input(page, 'dep-id').fill(residentId('20200705', '456'));
    await pickRelationship(page, '子女');
    await page.getByText('未成年就诊人由您作为监护人管理，无需本人手机号').waitFor();
    await screenshot(page, 'patient-dependent-form');
    await expectAccessible(page, '添加就诊人');
    await page.getByTestId('dependent-submit').click();
    const child = dependentItem(page, '林小禾');
    await child.waitFor();
    expect(await child.textContent()).toContain('已生效');

    // A parent: an adult, so their phone is required and they confirm by SMS code.
    await page.getByRole('button', { name: '添加就诊人' }).click();
    await input(page, 'dep-name').fill('林建华');
    await input(page, 'dep-id').fill(residentId('19580101', '235'));
    await pickRelationship(page, '父母');
    await page.getByTestId('dependent-submit').click();
    await page.getByText('就诊人已成年，需填写其本人手机号').waitFor();
    await input(page, 'dep-phone').fill('13811113333');
    await page.getByTestId('dependent-submit').click();
    const parent = dependentItem(page, '林建华');
    await parent.waitFor();
    expect(await parent.textContent()).toContain('待确认');
    await screenshot(page, 'patient-dependents-pending');
    await expectAccessible(page, '就诊人管理 (待确认)');

    await parent.getByTestId('confirm-open').click();
    const hint = (await page.getByRole('dialog').getByTestId('dev-code-hint').textContent()) ?? '';
    const code = /(\d{6})/.exec(hint)?.[1];
    expect(code).toBeDefined();
    await page.getByTestId('confirm-code').locator('input').fill(code!);
    await screenshot(page, 'patient-dependent-confirm');
    await expectAccessible(page, '就诊人确认');
    await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
    await parent.getByText('已生效').waitFor();
    expect(await page.getByTestId('dependent-item').count()).toBe(2);
  });

  it('长辈模式 enlarges the type and is remembered on the device', async () => {
    // 李娜 (under 65): 王秀英 (72) has 长辈模式 on by default, so switching it would make her type smaller.
    const page = await openPhone();
    await loginWithPassword(page, '13800000002');
    await page.getByTestId('patient-home').waitFor();
    const greeting = page.getByTestId('user-name');
    const before = await greeting.evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
    await page.goto('/patient/mine');
    await page.getByTestId('elderly-mode').click();
    await page.goto('/patient');
    await page.getByTestId('patient-home').waitFor();
    const after = await greeting.evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
    expect(after).toBeGreaterThan(before);
    expect(await page.evaluate(() => document.documentElement.classList.contains('elderly-mode'))).toBe(true);
    await screenshot(page, 'patient-home-elderly-mode');
    await expectAccessible(page, '首页 (长辈模式)');
  });

  it('the patient H5 switches to English from 我的', async () => {
    const page = await openPhone();
    await loginWithPassword(page, '13800000001');
    await page.getByText('我的', { exact: true }).click();
    await page.getByTestId('lang-switch').getByText('English').click();
    await page.getByText('Elderly mode').waitFor();
    await page.getByText('Home', { exact: true }).click();
    await page.getByText('Hello, 张伟').waitFor();
    await page.getByText('Family members').waitFor();
    await screenshot(page, 'patient-home-english');
    await expectAccessible(page, 'home (English)');
  });
});
