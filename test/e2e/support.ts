/** Shared pieces of the browser journeys: Chromium, the two device sizes, login and screenshots. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Database } from '../../src/server/platform/db/database.js';
import { idCheckChar } from '../../src/shared/identity.js';
import { startTestServer } from '../support/server.js';
import { axeTally, axeTiming, finishAccessibility, takeAxeFailures, watchAccessibility } from './axe.js';

export const DEMO_PASSWORD = 'Demo@2026';
const SCREENSHOT_DIR = path.resolve('test-results/screenshots');

/** `fakeMedia`: a synthetic camera and microphone, granted without a prompt (the video call journeys). */
export function launchChromium({ fakeMedia = false }: { fakeMedia?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      ...(fakeMedia ? ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] : []),
    ],
  });
}

/** What a journey may add to a page's context: a position the browser reports, granted without a prompt. */
export interface PageOptions {
  geolocation?: { latitude: number; longitude: number; accuracy?: number };
}

/** A staff workstation (1280×800) or a phone (390×844, touch) with its own storage. */
export async function newPage(
  browser: Browser,
  device: 'desktop' | 'phone',
  baseURL: string,
  options: PageOptions = {},
): Promise<Page> {
  const position = options.geolocation
    ? { geolocation: options.geolocation, permissions: ['geolocation'] }
    : {};
  const context = await browser.newContext(
    device === 'desktop'
      ? {
          baseURL,
          viewport: { width: 1280, height: 800 },
          locale: 'zh-CN',
          timezoneId: 'Asia/Shanghai',
          ...position,
        }
      : {
          baseURL,
          viewport: { width: 390, height: 844 },
          deviceScaleFactor: 2,
          isMobile: true,
          hasTouch: true,
          locale: 'zh-CN',
          timezoneId: 'Asia/Shanghai',
          ...position,
        },
  );
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // axe-core on every route the page visits (test/e2e/axe.ts); journeyHarness fails a test on its findings.
  watchAccessibility(page);
  return page;
}

/** Script errors seen in any page; a journey asserts none, even when the page still happens to render. */
export const pageErrors: string[] = [];

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // A passing toast would hide the page; wait for it to go (antd-mobile's toast, antd's message).
  await page
    .locator('.adm-toast-main, .ant-message-notice')
    .first()
    .waitFor({ state: 'hidden', timeout: 5_000 });
  // Let finite CSS transitions settle (tab ink bars, fading panes); spinners run forever and are skipped.
  await page.evaluate(() =>
    Promise.race([
      Promise.all(
        document
          .getAnimations()
          .filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime ?? Number.POSITIVE_INFINITY))
          .map((a) => a.finished.catch(() => undefined)),
      ),
      new Promise((resolve) => setTimeout(resolve, 2_000)),
    ]),
  );
  // Dialogs, drawers and popups animate in from script (react-spring, rc-motion), which no CSS switch stops.
  const masks = page.locator('.adm-mask, .ant-modal-mask, .ant-drawer-mask').filter({ visible: true });
  if ((await masks.count()) > 0) await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

export async function loginWithPassword(page: Page, phone: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-phone').fill(phone);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Logs in through the 验证码登录 tab, reading the code from the demo-mode hint. */
export async function loginWithSmsCode(page: Page, phone: string): Promise<void> {
  await page.goto('/login');
  await page.getByRole('tab', { name: '验证码登录' }).click();
  await page.getByTestId('otp-phone').fill(phone);
  await page.getByTestId('otp-send').click();
  const hint = await page.getByTestId('dev-code-hint').textContent();
  const code = /(\d{6})/.exec(hint ?? '')?.[1];
  if (!code) throw new Error(`no demo code in hint: ${hint}`);
  await page.getByTestId('otp-code').fill(code);
  await page.getByTestId('otp-submit').click();
}

/**
 * SEC-1: a new phone's first SMS login asks for the user agreement, privacy policy and the separate
 * sensitive-data consent before the account is created; this ticks both boxes and agrees.
 */
export async function signUpWithSmsCode(page: Page, phone: string): Promise<void> {
  await loginWithSmsCode(page, phone);
  await agreeToConsent(page);
}

/** Ticks both consent boxes of the sign-up dialog and agrees. */
export async function agreeToConsent(page: Page): Promise<void> {
  const dialog = page.getByTestId('consent-dialog');
  await dialog.waitFor();
  await dialog.getByRole('checkbox').nth(0).check();
  await dialog.getByRole('checkbox').nth(1).check();
  await page.getByTestId('consent-agree').click();
}

/** A valid GB 11643 resident ID for a birth date (YYYYMMDD); odd sequence digits are male. */
export function residentId(birth: string, sequence = '123', area = '110101'): string {
  const first17 = `${area}${birth}${sequence}`;
  return first17 + idCheckChar(first17);
}

/**
 * One real server and one Chromium per journey file: registers the hooks, closes each test's pages and
 * fails a test that left a script error behind or visited a page with a serious or critical axe-core
 * violation (every route each page visited is checked once per test; see test/e2e/axe.ts). `open` gives a fresh page (own storage) for a device, with a granted geolocation if asked.
 */
export function journeyHarness(options: { fakeMedia?: boolean; env?: Record<string, string> } = {}): {
  open(device: 'desktop' | 'phone', options?: PageOptions): Promise<Page>;
  url(): string;
  database(): Database;
} {
  let server: { url: string; database: Database; close(): Promise<void> } | undefined;
  let browser: Browser | undefined;
  const pages: Page[] = [];
  beforeAll(async () => {
    axeTally.pages = 0;
    axeTally.blocking = 0;
    axeTiming.ms = 0;
    // dist/web is current: test/e2e/global-setup.ts checked it once, before any file started.
    server = await startTestServer({ demo: true, env: options.env });
    browser = await launchChromium(options);
  });
  afterEach(async () => {
    const open = pages.splice(0);
    for (const page of open) await finishAccessibility(page);
    await Promise.all(open.map((page) => page.context().close()));
    expect(pageErrors.splice(0)).toEqual([]);
    expect(takeAxeFailures()).toEqual([]);
  });
  afterAll(async () => {
    console.log(
      `axe: ${axeTally.pages} pages checked, ${axeTally.blocking} serious/critical` +
        ` (automatic checks ${(axeTiming.ms / 1000).toFixed(1)} s)`,
    );
    await browser?.close();
    await server?.close();
  });
  return {
    async open(device, options) {
      if (!browser || !server) throw new Error('journey harness not started');
      const page = await newPage(browser, device, server.url, options);
      pages.push(page);
      return page;
    },
    /** The server's address, for setting data up through the API (after the harness has started). */
    url() {
      if (!server) throw new Error('journey harness not started');
      return server.url;
    },
    /** The server's database, for what no API may do (ageing a password past its expiry, DJ-2). */
    database() {
      if (!server) throw new Error('journey harness not started');
      return server.database;
    },
  };
}
