/**
 * The three separated administrators' consoles ([10/12]; DJ-8 三权分立, DJ-15 the audit administrator,
 * DJ-17 security alerts): the system administrator creates an account and sees its initial password once;
 * the security administrator locks an account, whose login is then refused; the audit administrator finds
 * that lock in the audit log. Demo mode: the three admin demo accounts sign in with the password alone
 * (no second factor enrolled; config.security.mfa.demoSkip).
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { AdminAccountPage } from '../../src/shared/administration.js';
import { passwordClasses } from '../../src/shared/credentials.js';
import { apiAs } from './api.js';
import { expectAccessible } from './axe.js';
import { journeyHarness, loginWithPassword, screenshot } from './support.js';

const journeys = journeyHarness();
const SYSTEM_ADMIN = '13300000001';
const SECURITY_ADMIN = '13300000002';
const AUDIT_ADMIN = '13300000003';
const REGULATOR = '13500000001';
/** 孙佳怡, pharmacy staff of YC-R02: no other journey signs in as her. */
const LOCKED_PHONE = '13700000012';
const LOCKED_NAME = '孙佳怡';

async function consolePage(phone: string, home: string): Promise<Page> {
  const page = await journeys.open('desktop');
  await loginWithPassword(page, phone);
  await page.getByTestId(home).waitFor();
  return page;
}

/** The staff menu's entry for each feature (its card title). */
const MENU: Record<string, string> = {
  accountControl: '账号与权限',
  securityAlerts: '安全告警',
  securityPolicy: '安全策略',
  adminActions: '管理员操作记录',
  auditEvents: '审计日志查询',
  auditVerify: '审计链校验',
  auditRetention: '保存期限',
};

async function openFeature(page: Page, feature: string, testId: string): Promise<void> {
  await page.getByRole('menuitem', { name: MENU[feature] }).click();
  await page.getByTestId(testId).waitFor();
}

/** Chooses in an antd Select by typing into its search box, and waits for the dropdown to close. */
async function pick(page: Page, select: Locator, typed: string, option = typed): Promise<void> {
  await select.click();
  await page.keyboard.type(typed);
  const item = page.locator('.ant-select-item-option:visible', { hasText: option }).first();
  await item.click();
  await item.waitFor({ state: 'hidden' });
}

describe('the system administrator (DJ-8)', () => {
  it('DJ-8: creates a nurse account, sees its initial password once, and that password must be changed at first login', async () => {
    const page = await consolePage(SYSTEM_ADMIN, 'system-home');
    expect(await page.getByTestId('feature-accounts').count()).toBe(1);
    expect(await page.getByTestId('feature-adminActions').count()).toBe(1);
    await screenshot(page, 'admin-system-home');

    await page.getByTestId('feature-accounts').click();
    await page.getByTestId('accounts-page-system').waitFor();
    await page.getByTestId('account-row').first().waitFor();
    await screenshot(page, 'admin-system-accounts');
    await expectAccessible(page, '账号管理');

    await page.getByTestId('account-create').click();
    const drawer = page.getByRole('dialog').filter({ hasText: '新建员工账号' });
    await drawer.waitFor();
    await drawer.getByLabel('姓名').fill('林晓燕');
    await drawer.getByLabel('手机号').fill('13700000099');
    await pick(page, drawer.getByLabel('角色'), '护士');
    await pick(page, drawer.getByLabel('所属机构'), 'YC-H01');
    await screenshot(page, 'admin-system-create');
    await expectAccessible(page, '新建员工账号');
    await page.getByTestId('account-create-submit').click();

    const shown = page.getByRole('dialog').filter({ hasText: '账号已创建' });
    await shown.waitFor();
    const password = (await shown.getByTestId('initial-password').textContent())?.trim() ?? '';
    expect(password.length).toBeGreaterThanOrEqual(8);
    expect(passwordClasses(password)).toBeGreaterThanOrEqual(3);
    expect(await shown.textContent()).toContain('只显示这一次');
    expect(await shown.textContent()).toContain('137****0099');
    await screenshot(page, 'admin-system-initial-password');
    await expectAccessible(page, '初始密码');
    await shown.getByRole('button', { name: '我已记下' }).click();
    await shown.waitFor({ state: 'hidden' });
    // Shown once: nothing on the page holds it any more.
    expect(await page.getByTestId('initial-password').count()).toBe(0);
    expect(await page.content()).not.toContain(password);

    const row = page.getByTestId('account-row').filter({ hasText: '林晓燕' });
    await row.waitFor();
    expect(await row.textContent()).toContain('待修改初始密码');
    expect(await row.textContent()).toContain('137****0099');

    // DJ-2: the new nurse signs in with it and is sent to change it before anything else.
    const nurse = await journeys.open('desktop');
    await loginWithPassword(nurse, '13700000099', password);
    await nurse.waitForURL(/\/password-change/);

    // DJ-8: the creation is among the administrators' actions.
    await page.getByRole('menuitem', { name: /管理员操作记录/ }).click();
    await page.getByTestId('admin-actions-page').waitFor();
    const created = page.locator('[data-testid="event-row"][data-action="admin.account.create"]').first();
    await created.waitFor();
    expect(await created.getByTestId('event-actor').textContent()).toBe('秦建华');
    await screenshot(page, 'admin-system-actions');
  });
});

describe('the security and audit administrators (DJ-8, DJ-15)', () => {
  it('DJ-8 / DJ-15: the security administrator locks an account, its login is refused, and the audit administrator finds the lock', async () => {
    const started = Date.now();
    const security = await consolePage(SECURITY_ADMIN, 'security-home');
    await screenshot(security, 'admin-security-home');
    await openFeature(security, 'accountControl', 'accounts-page-security');
    const search = security.getByPlaceholder('姓名，或完整的 11 位手机号');
    await search.fill(LOCKED_NAME);
    await search.press('Enter');
    const row = security.getByTestId('account-row').filter({ hasText: LOCKED_NAME });
    await row.waitFor();
    expect(await row.getByTestId('account-status').getAttribute('data-status')).toBe('active');
    await screenshot(security, 'admin-security-accounts');
    await expectAccessible(security, '账号与权限');

    await row.getByTestId('account-lock').click();
    const dialog = security.getByRole('dialog').filter({ hasText: `锁定 ${LOCKED_NAME} 的账号` });
    await dialog.waitFor();
    await dialog.getByTestId('reason-input').fill('离职交接期间暂停使用');
    await screenshot(security, 'admin-security-lock');
    await expectAccessible(security, '锁定账号');
    await dialog.getByRole('button', { name: /锁\s*定/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.locator('[data-testid="account-status"][data-status="locked"]').waitFor();
    expect(await row.getByTestId('account-unlock').count()).toBe(1);
    await screenshot(security, 'admin-security-locked');

    // Her login is refused.
    const locked = await journeys.open('desktop');
    await loginWithPassword(locked, LOCKED_PHONE);
    await locked.getByTestId('login-error').waitFor();
    expect(new URL(locked.url()).pathname).toBe('/login');
    await screenshot(locked, 'admin-locked-login-refused');

    // DJ-17: failed logins on five phones from one address raise a brute-force alert; the security
    // administrator reads its evidence and acknowledges it.
    for (let i = 1; i <= 5; i += 1) {
      const refused = await fetch(`${journeys.url()}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone: `1391111000${i}`, password: 'Wrong@2026x' }),
      });
      expect(refused.status).toBeGreaterThanOrEqual(400);
    }
    await openFeature(security, 'securityAlerts', 'security-alerts-page');
    const bruteForce = '[data-testid="alert-row"][data-kind="brute_force"]';
    const alert = security.locator(bruteForce).first();
    await alert.waitFor();
    expect(await alert.getByTestId('alert-severity').textContent()).toBe('高');
    expect(await alert.getByTestId('alert-status').textContent()).toBe('待处理');
    await screenshot(security, 'admin-security-alerts');
    await expectAccessible(security, '安全告警');
    await alert.getByTestId('alert-evidence').click();
    const evidence = security.getByTestId('alert-drawer');
    await evidence.waitFor();
    expect(await evidence.textContent()).toContain('同一地址');
    await screenshot(security, 'admin-security-alert-evidence');
    await expectAccessible(security, '告警证据');
    await security.keyboard.press('Escape');
    await evidence.waitFor({ state: 'hidden' });
    await alert.getByTestId('alert-acknowledge').click();
    const ack = security.getByRole('dialog').filter({ hasText: '确认告警并开始处理' });
    await ack.waitFor();
    await ack.getByTestId('alert-note').fill('已核实为测试地址，继续观察');
    await ack.getByRole('button', { name: '确认处理' }).click();
    await ack.waitFor({ state: 'hidden' });
    // The list shows open alerts by default: the acknowledged one is under 处理中.
    await security.getByTestId('alert-status-filter').click();
    await security.locator('.ant-select-item-option:visible', { hasText: '处理中' }).click();
    const handled = security.locator(bruteForce).first();
    await handled.waitFor();
    expect(await handled.getByTestId('alert-status').textContent()).toBe('处理中');

    // The other pages of the security console: the policy, the administrators' actions.
    await openFeature(security, 'securityPolicy', 'security-policy-page');
    await security.getByTestId('policy-password').waitFor();
    await screenshot(security, 'admin-security-policy');
    await openFeature(security, 'adminActions', 'admin-actions-page');
    const lockSeen = security.locator('[data-testid="event-row"][data-action="admin.account.lock"]').first();
    await lockSeen.waitFor();
    await screenshot(security, 'admin-security-actions');

    // The audit administrator searches the audit log for account locks.
    const api = await apiAs(journeys.url(), SECURITY_ADMIN);
    const accounts = await api.get<AdminAccountPage>(`/admin/accounts?q=${encodeURIComponent(LOCKED_NAME)}`);
    const target = accounts.items.find((a) => a.name === LOCKED_NAME);
    expect(target?.status).toBe('locked');

    const audit = await consolePage(AUDIT_ADMIN, 'audit-home');
    await screenshot(audit, 'admin-audit-home');
    await openFeature(audit, 'auditEvents', 'audit-events-page');
    await audit.getByTestId('event-row').first().waitFor();
    await audit.getByTestId('audit-action').fill('admin.account.lock');
    await audit.keyboard.press('Escape');
    await audit.getByTestId('audit-search').click();
    const event = audit.locator('[data-testid="event-row"][data-action="admin.account.lock"]');
    await event.first().waitFor();
    expect(await audit.getByTestId('event-row').count()).toBe(await event.count());
    const found = event.first();
    expect(await found.getByTestId('event-actor').textContent()).toBe('许文静');
    expect(await found.getByTestId('event-resource-id').getAttribute('data-id')).toBe(target?.id);
    expect(await found.textContent()).toContain('离职交接期间暂停使用');
    // The time, in Beijing time to the second, within this test.
    const shownTime = (await found.getByTestId('event-time').textContent()) ?? '';
    const at = new Date(`${shownTime.replace(' ', 'T')}+08:00`).getTime();
    expect(at).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000);
    expect(at).toBeLessThanOrEqual(Date.now());
    await screenshot(audit, 'admin-audit-search');
    await expectAccessible(audit, '审计日志查询');

    await found.getByTestId('event-open').click();
    const detail = audit.getByTestId('event-drawer');
    await detail.waitFor();
    expect(await detail.textContent()).toContain(target?.id ?? 'missing');
    await screenshot(audit, 'admin-audit-event');
    await expectAccessible(audit, '审计记录详情');
    await audit.keyboard.press('Escape');
    await detail.waitFor({ state: 'hidden' });

    // DJ-15: the chain verifies intact.
    await openFeature(audit, 'auditVerify', 'audit-verify-page');
    await audit.getByTestId('audit-verify-run').click();
    const result = audit.getByTestId('audit-verify-result');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(await result.textContent()).toContain('审计链完整');
    await screenshot(audit, 'admin-audit-verify');

    await openFeature(audit, 'auditRetention', 'audit-retention-page');
    await audit.getByTestId('retention-row').first().waitFor();
    await screenshot(audit, 'admin-audit-retention');

    await openFeature(audit, 'adminActions', 'admin-actions-page');
    await audit.locator('[data-testid="event-row"][data-action="admin.account.lock"]').first().waitFor();
    await screenshot(audit, 'admin-audit-actions');
  });

  it('DJ-15: nobody else reads audit records — the regulator has no audit card and the API refuses', async () => {
    const page = await consolePage(REGULATOR, 'regulator-home');
    expect(await page.getByTestId('feature-audit').count()).toBe(0);
    expect(await page.getByTestId('feature-auditEvents').count()).toBe(0);
    const api = await apiAs(journeys.url(), REGULATOR);
    expect((await api.answer('GET', '/audit/events')).status).toBe(403);
    expect((await api.answer('GET', '/audit/verify')).status).toBe(403);
  });
});
