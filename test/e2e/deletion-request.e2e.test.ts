import { describe, expect, it } from 'vitest';
import { expectAccessible } from './axe.js';
import { journeyHarness, loginWithSmsCode, screenshot, signUpWithSmsCode } from './support.js';

const journeys = journeyHarness();

// 个人信息保护法 第四十七条; REC-4, REC-1, RX-12, DJ-16: a patient closes the account at 390×844.
describe('patient deletion request', () => {
  it('REC-4: a new patient sees what goes and what stays, confirms by SMS code, is logged out and cannot log in as before', async () => {
    const page = await journeys.open('phone');
    const phone = '13844448801';
    await signUpWithSmsCode(page, phone);
    await page.getByTestId('patient-home').waitFor();

    await page.goto('/patient/mine');
    await page.getByTestId('mine-account-deletion').click();
    await page.getByTestId('deletion-page').waitFor();
    await page.getByTestId('deletion-kept-medical_record').waitFor();
    const kept = (await page.getByTestId('deletion-kept-medical_record').textContent()) ?? '';
    expect(kept).toContain('REC-1');
    expect(kept).toContain('15');
    expect((await page.getByTestId('deletion-kept-prescription').textContent()) ?? '').toContain('RX-12');
    expect((await page.getByTestId('deletion-removed-consents').textContent()) ?? '').toContain('同意');
    await screenshot(page, 'patient-deletion-preview');
    await expectAccessible(page, '注销账号');

    await page.getByTestId('deletion-send-code').click();
    const hint = await page.getByTestId('deletion-dev-code').textContent();
    const code = /(\d{6})/.exec(hint ?? '')?.[1];
    expect(code).toBeDefined();
    await page.getByTestId('deletion-code').locator('input').fill(code!);
    await page.getByTestId('deletion-submit').scrollIntoViewIfNeeded();
    await screenshot(page, 'patient-deletion-code');
    await page.getByTestId('deletion-submit').click();
    await page.getByRole('dialog').getByText('注销', { exact: true }).click();

    // Logged out, back at the login page.
    await page.waitForURL(/\/login/);
    await screenshot(page, 'patient-deletion-logged-out');

    // The phone registers anew: the first SMS login asks for consent again (a new, empty account).
    await loginWithSmsCode(page, phone);
    await page.getByTestId('consent-dialog').waitFor();
    await screenshot(page, 'patient-deletion-phone-released');
  });
});
