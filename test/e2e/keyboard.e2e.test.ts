/**
 * Keyboard-only use of the staff console ([8/12] accessibility): the org admin logs in, opens 排班管理
 * from the side menu, chooses a doctor and opens the new-session form with Tab, Enter, the arrow keys
 * and Escape only — no mouse — and every control that takes the focus shows it.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, journeyHarness } from './support.js';

const journeys = journeyHarness();
const ADMIN = '13600000001';

/** Presses Tab until the focused element matches `test` (at most `limit` presses); fails otherwise. */
async function tabTo(page: Page, what: string, test: (el: Element) => boolean, limit = 40): Promise<void> {
  const matches = `(${test.toString()})(document.activeElement)`;
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(matches)) return;
  }
  throw new Error(`${what} is not reachable with Tab`);
}

/** The focused element (or the antd control around it) shows the focus: an outline, a ring or a focus class. */
async function focusIsVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    for (let el = document.activeElement; el && el !== document.body; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0) return true;
      if (style.boxShadow !== 'none') return true;
      if (/-(focused|active)\b/.test(el.className.toString())) return true;
      if (el.matches('.ant-layout-content, .ant-modal')) break;
    }
    return false;
  });
}

describe('keyboard only', () => {
  it('the org admin reaches and works 排班管理 without a mouse, and sees where the focus is', async () => {
    const page = await journeys.open('desktop');
    await page.goto('/login');
    await page.getByTestId('login-phone').waitFor();

    await tabTo(page, 'the phone field', (el) => el.getAttribute('data-testid') === 'login-phone');
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.type(ADMIN);
    await tabTo(page, 'the password field', (el) => el.getAttribute('data-testid') === 'login-password');
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByTestId('admin-home').waitFor();

    // The side menu: Tab into it, then the arrow keys move between its entries; Enter opens one.
    await tabTo(
      page,
      'the side menu',
      (el) => el.getAttribute('role') === 'menu' || el.closest('[role="menu"]') !== null,
    );
    expect(await focusIsVisible(page)).toBe(true);
    // The menu itself takes the focus first (its text is every entry's); ArrowDown then focuses an entry.
    const activeEntry = () => {
      const menu = document.querySelector('.staff-sider [role="menu"]');
      const id = menu?.getAttribute('aria-activedescendant');
      const item = id ? document.getElementById(id) : document.activeElement;
      return item?.getAttribute('role') === 'menuitem' ? (item.textContent ?? '') : '';
    };
    for (let i = 0; i < 20; i += 1) {
      const active = await page.evaluate(activeEntry);
      if (active.includes('排班管理')) break;
      await page.keyboard.press('ArrowDown');
      // Wait for the highlight to move before reading it again: on a busy machine the next read could see
      // the old entry, press once more and overshoot 排班管理.
      await page
        .waitForFunction(
          (before) => {
            const menu = document.querySelector('.staff-sider [role="menu"]');
            const id = menu?.getAttribute('aria-activedescendant');
            const item = id ? document.getElementById(id) : document.activeElement;
            const now = item?.getAttribute('role') === 'menuitem' ? (item.textContent ?? '') : '';
            return now !== before;
          },
          active,
          { timeout: 2000 },
        )
        .catch(() => {}); // the last entry: ArrowDown moves nowhere
    }
    await page.keyboard.press('Enter');
    await page.getByTestId('schedules-page').waitFor();
    expect(page.url()).toContain('/admin/schedules');

    // Choose the doctor: focus the select, type to filter, Enter picks the highlighted option.
    await tabTo(page, 'the doctor select', (el) => el.closest('[data-testid="doctor-select"]') !== null);
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.type('陈建国');
    await page.locator('.ant-select-item-option-active', { hasText: '陈建国' }).waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('doctor-select').textContent()).toContain('陈建国');

    // The new-session form opens with Enter on its button and closes with Escape.
    await tabTo(page, 'the 新增排班 button', (el) => el.getAttribute('data-testid') === 'schedule-create');
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // The focus moved into the form, so its fields are next in the Tab order.
    expect(await page.evaluate(() => document.activeElement?.closest('[role="dialog"]') !== null)).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });
});
