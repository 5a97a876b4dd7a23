/**
 * DJ-2 (staff passwords), DJ-6 (second factor) and DJ-28 (session data cleared at logout) in the browser:
 * an org_admin enrols an authenticator and logs in with it; a doctor whose password expired must change it
 * at the next login before anything else opens. TOTP codes come from `otpauth`, an implementation
 * independent of the server's (otplib), and the QR code is decoded with `jsqr`.
 */
import jsqr from 'jsqr';
import * as OTPAuth from 'otpauth';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Me } from '../../src/shared/identity.js';
import { apiAs } from './api.js';
import { expectAccessible } from './axe.js';
import { DEMO_PASSWORD, journeyHarness, loginWithPassword, screenshot } from './support.js';

const ORG_ADMIN = '13600000001';
const DOCTOR = '13900000001';
const DAY_MS = 86_400_000;
// jsqr is CommonJS: module.exports is the decoder, `.default` the same function (what its types name).
const jsQR = jsqr.default;

const journeys = journeyHarness();

/** The QR code on the page, decoded in Node from the image's pixels (read through a canvas). */
async function decodeQr(page: Page): Promise<string> {
  const pixels = await page.getByTestId('totp-qr').evaluate(async (node) => {
    const img = node as HTMLImageElement;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d canvas');
    context.drawImage(img, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height);
    return { width: data.width, height: data.height, rgba: Array.from(data.data) };
  });
  const found = jsQR(Uint8ClampedArray.from(pixels.rgba), pixels.width, pixels.height);
  if (!found) throw new Error('the QR code on the page could not be decoded');
  return found.data;
}

async function focusedTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
}

/** What the browser still holds of a session: yunyi.* localStorage keys and the sessionStorage size. */
async function sessionTraces(page: Page): Promise<{ local: string[]; session: number }> {
  return page.evaluate(() => ({
    local: Object.keys(localStorage).filter((key) => key.startsWith('yunyi.')),
    session: sessionStorage.length,
  }));
}

describe('DJ-6: second factor for staff', () => {
  it('DJ-6: in demo mode the login page says demo accounts without a second factor skip it', async () => {
    // The page learns demo mode from the public GET /api/v1/auth/options ({demo}).
    const options = await fetch(`${journeys.url()}/api/v1/auth/options`);
    expect(await options.json()).toEqual({ demo: true });
    const page = await journeys.open('desktop');
    await page.goto('/login');
    await page.getByTestId('login-demo-note').waitFor();
    expect(await page.getByTestId('login-demo-note').textContent()).toContain(
      '未绑定第二因素时可免于二次验证',
    );
    await screenshot(page, 'login-demo-note');
  });

  it('DJ-6: an org_admin enrols TOTP by QR code, logs out, and logs in with password then a TOTP code', async () => {
    const page = await journeys.open('desktop');
    await loginWithPassword(page, ORG_ADMIN);
    await page.getByTestId('admin-home').waitFor();

    // The account menu in the staff header → 账号安全.
    await page.getByTestId('account-menu').click();
    await page.getByTestId('menu-account-security').click();
    await page.waitForURL('**/admin/account/security');
    await page.getByTestId('mfa-state').waitFor();
    expect(await page.getByTestId('mfa-state').getAttribute('data-state')).toBe('none');
    await screenshot(page, 'account-security-before');
    await expectAccessible(page, '账号安全');

    // Enrol: the QR code and the key as text say the same secret.
    await page.getByTestId('totp-enrol').click();
    await page.getByTestId('totp-qr').waitFor();
    const otpauthUrl = await decodeQr(page);
    const totp = OTPAuth.URI.parse(otpauthUrl);
    if (!(totp instanceof OTPAuth.TOTP)) throw new Error(`not a TOTP URI: ${otpauthUrl}`);
    const typed = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s+/g, '');
    expect(typed).toBe(totp.secret.base32);
    expect(totp.digits).toBe(6);
    expect(totp.period).toBe(30);
    await expect.poll(() => focusedTestId(page)).toBe('totp-code');
    await screenshot(page, 'account-security-enrol');
    await expectAccessible(page, '绑定身份验证器');

    await page.getByTestId('totp-code').fill(totp.generate());
    await page.getByTestId('totp-confirm').click();
    await page.locator('[data-testid="mfa-state"][data-state="enrolled"]').waitFor();
    // Recovery codes come with the authenticator, shown this once.
    const codes = await page.getByTestId('recovery-code-list').locator('li').allTextContents();
    expect(codes.length).toBeGreaterThanOrEqual(8);
    await screenshot(page, 'account-security-recovery-codes');
    await expectAccessible(page, '恢复码');
    await page.getByTestId('recovery-done').click();
    await page.getByTestId('recovery-left').waitFor();

    // DJ-28: logging out leaves nothing of the session behind in the browser.
    await page.getByTestId('logout').click();
    await page.waitForURL('**/login');
    const traces = await sessionTraces(page);
    expect(traces.local.filter((key) => key !== 'yunyi.lang')).toEqual([]);
    expect(traces.session).toBe(0);

    // Password first; then the second step asks for the authenticator's code, focused.
    await loginWithPassword(page, ORG_ADMIN);
    await page.getByTestId('second-factor').waitFor();
    await page.getByRole('heading', { name: '二次验证' }).waitFor();
    await expect.poll(() => focusedTestId(page)).toBe('second-factor-code');
    expect(await page.evaluate(() => localStorage.getItem('yunyi.token'))).toBeNull();
    await screenshot(page, 'login-second-factor');
    await expectAccessible(page, '二次验证');

    // A wrong code is refused in Chinese, and the field is ready for another try.
    await page.getByTestId('second-factor-code').fill('000000');
    await page.getByTestId('second-factor-submit').click();
    await page.getByTestId('second-factor-error').waitFor();
    expect(await page.getByTestId('second-factor-error').textContent()).toContain('验证码不正确');
    expect(await focusedTestId(page)).toBe('second-factor-code');
    await screenshot(page, 'login-second-factor-wrong');
    await expectAccessible(page, '二次验证（错误）');

    // The next time step's code: the one used to confirm may not be replayed within its own step.
    await page.getByTestId('second-factor-code').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByTestId('second-factor-submit').click();
    await page.getByTestId('admin-home').waitFor();
    expect(await page.getByTestId('user-name').textContent()).toContain('吕芳');
  });

  it('DJ-6: the second step falls back to an SMS code with a resend countdown', async () => {
    // Uses the org_admin enrolled by the test above (same server).
    const page = await journeys.open('desktop');
    await loginWithPassword(page, ORG_ADMIN);
    await page.getByTestId('second-factor').waitFor();
    await page.getByTestId('second-factor-use-sms').click();
    await expect.poll(() => focusedTestId(page)).toBe('second-factor-code');
    await page.getByTestId('second-factor-send-sms').click();
    const hint = await page.getByTestId('second-factor-dev-code').textContent();
    const code = /(\d{6})/.exec(hint ?? '')?.[1];
    expect(code).toBeDefined();
    expect(await page.getByTestId('second-factor-send-sms').textContent()).toMatch(/\d+ 秒后重新获取/);
    expect(await page.getByTestId('second-factor-send-sms').isDisabled()).toBe(true);
    await screenshot(page, 'login-second-factor-sms');
    await expectAccessible(page, '二次验证（短信）');
    await page.getByTestId('second-factor-code').fill(code ?? '');
    await page.getByTestId('second-factor-submit').click();
    await page.getByTestId('admin-home').waitFor();
  });
});

describe('DJ-2: staff passwords', () => {
  it('DJ-2: a doctor whose password expired must change it at login; weak and reused ones are refused', async () => {
    // The doctor's password was last changed 100 days ago (the policy allows 90): aged in the server's
    // database, as no API may backdate it.
    const doctor = await apiAs(journeys.url(), DOCTOR);
    const me = await doctor.get<Me>('/me');
    await journeys
      .database()
      .db.updateTable('account')
      .set({ password_changed_at: new Date(Date.now() - 100 * DAY_MS) })
      .where('id', '=', me.id)
      .execute();

    const page = await journeys.open('desktop');
    await loginWithPassword(page, DOCTOR);
    await page.waitForURL('**/password-change');
    await page.getByTestId('password-change-page').waitFor();
    await page.getByRole('heading', { name: '请修改密码' }).waitFor();
    expect(await focusedTestId(page)).toBe('password-current');

    // Nothing else opens until the password is changed.
    await page.goto('/clinic/todayVisits');
    await page.waitForURL('**/password-change');
    await page.getByTestId('password-change-page').waitFor();

    // Live hints as the new password is typed.
    await page.getByTestId('password-current').fill(DEMO_PASSWORD);
    await page.getByTestId('password-next').fill('abc');
    const rule = (name: string) => page.getByTestId(`password-rule-${name}`);
    expect(await rule('too_short').getAttribute('data-state')).toBe('unmet');
    expect(await rule('too_few_classes').getAttribute('data-state')).toBe('unmet');
    await page.getByTestId('password-next').fill('Password1');
    expect(await rule('too_short').getAttribute('data-state')).toBe('met');
    expect(await rule('too_few_classes').getAttribute('data-state')).toBe('met');
    expect(await rule('common').getAttribute('data-state')).toBe('pending');
    await screenshot(page, 'password-change-forced');
    await expectAccessible(page, '请修改密码');

    // Right shape, but on the list of common passwords: refused, with that rule shown.
    await page.getByTestId('password-confirm').fill('Password1');
    await page.getByTestId('password-submit').click();
    await page.getByTestId('password-change-error').waitFor();
    expect(await rule('common').getAttribute('data-state')).toBe('failed');
    expect(await page.getByTestId('password-change-error').textContent()).toContain('过于常见');
    await screenshot(page, 'password-change-weak-refused');
    await expectAccessible(page, '请修改密码（被拒）');

    // The current password again: one of the last five.
    await page.getByTestId('password-next').fill(DEMO_PASSWORD);
    await page.getByTestId('password-confirm').fill(DEMO_PASSWORD);
    await page.getByTestId('password-submit').click();
    await page.locator('[data-testid="password-rule-reused"][data-state="failed"]').waitFor();

    // A strong one is accepted, and the clinic console opens.
    const strong = 'Yunyi#Clinic2026';
    await page.getByTestId('password-next').fill(strong);
    await page.getByTestId('password-confirm').fill(strong);
    await page.getByTestId('password-submit').click();
    await page.getByTestId('clinic-home').waitFor();
    expect(new URL(page.url()).pathname).toBe('/clinic');
    await page.getByTestId('feature-todayVisits').waitFor();

    // The new password is the one that logs in now, straight to the console.
    await page.getByTestId('logout').click();
    await page.waitForURL('**/login');
    await loginWithPassword(page, DOCTOR, strong);
    await page.getByTestId('clinic-home').waitFor();
  });

  it('DJ-2: a staff member changes the password from the header’s account menu', async () => {
    const page = await journeys.open('desktop');
    await loginWithPassword(page, '13700000001');
    await page.getByTestId('clinic-home').waitFor();
    await page.getByTestId('account-menu').click();
    await page.getByTestId('menu-change-password').click();
    await page.waitForURL('**/clinic/account/password');
    await page.getByTestId('password-voluntary').waitFor();
    await page.getByTestId('password-current').fill('not-my-password');
    await page.getByTestId('password-next').fill('Pharmacy#Safe2026');
    await page.getByTestId('password-confirm').fill('Pharmacy#Safe2026');
    await page.getByTestId('password-submit').click();
    await page.getByTestId('password-change-error').waitFor();
    expect(await page.getByTestId('password-change-error').textContent()).toContain('当前密码不正确');
    await screenshot(page, 'password-change-voluntary');
    await expectAccessible(page, '修改密码');
    await page.getByTestId('password-current').fill(DEMO_PASSWORD);
    await page.getByTestId('password-submit').click();
    await page.waitForURL('**/clinic/account/security');
    await page.getByTestId('account-security').waitFor();
  });
});
