/**
 * Accessibility checks in the browser journeys: axe-core run on the page as it stands.
 *
 * Two ways in:
 * - automatically (`watchAccessibility`, set up by support.ts on every journey page): each distinct route
 *   a test visits — the path with its id segments generalised, `/patient/doctors/:id` — is checked once per
 *   test, just before the test's next action on it (click, fill, key, navigation) once the route has
 *   settled (no DOM change for a moment and no loading indicator); the page a test ends on is checked in
 *   afterEach (`finishAccessibility`). The checks never run while an action is under way;
 * - explicitly (`expectAccessible(page, where)`): a dialog, a drawer, a state the route check cannot see.
 *
 * The whole page is checked, the consoles' shell too (nav bar, staff menu and header). Any serious or
 * critical WCAG 2.1 A/AA violation — colour contrast included — fails the test.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Pages checked and serious/critical violations found in this journey file (printed in afterAll). */
export const axeTally = { pages: 0, blocking: 0 };

/** Serious/critical findings of the automatic checks, taken (and asserted empty) after each test. */
const autoFailures: string[] = [];

/** One axe run at a time per page: axe refuses to run twice at once ("Axe is already running"). */
const queues = new WeakMap<Page, Promise<unknown>>();
/** Routes already checked on a page (in this test: each test opens its own pages). */
const checkedRoutes = new WeakMap<Page, Set<string>>();

/**
 * The route a URL shows: the path, with every segment holding a digit (ids, uuids, dates, codes) as `:id`;
 * the query is dropped. `/patient/visits/7f3c…/record` → `/patient/visits/:id/record`.
 */
export function routePattern(url: string): string | undefined {
  if (!url.startsWith('http')) return undefined;
  const { pathname } = new URL(url);
  return pathname
    .split('/')
    .map((segment) => (/\d/.test(segment) ? ':id' : segment))
    .join('/');
}

/**
 * The WCAG 2.1 A/AA violations axe-core finds now, in `scope` (a CSS selector; the whole page by
 * default). axe is evaluated through the DevTools protocol, so the server's Content-Security-Policy
 * (no inline scripts) does not stop it.
 */
export function axeViolations(page: Page, scope?: string): Promise<AxeFinding[]> {
  const run = (queues.get(page) ?? Promise.resolve()).catch(() => undefined).then(() => runAxe(page, scope));
  queues.set(page, run);
  return run;
}

async function runAxe(page: Page, scope?: string): Promise<AxeFinding[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(
    async ({ scope }) => {
      const axe = (
        window as unknown as { axe: { run(context: unknown, options: unknown): Promise<unknown> } }
      ).axe;
      const result = (await axe.run(
        { include: [scope ?? 'html'] },
        {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
          resultTypes: ['violations'],
        },
      )) as {
        violations: {
          id: string;
          impact: string | null;
          help: string;
          nodes: { target: unknown[]; failureSummary?: string }[];
        }[];
      };
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`),
      }));
    },
    { scope },
  );
}

/** Counts a check and returns its serious/critical findings; `AXE_REPORT=<file>` also logs every finding. */
function tally(where: string, found: AxeFinding[]): AxeFinding[] {
  if (process.env.AXE_REPORT) appendFileSync(process.env.AXE_REPORT, `${JSON.stringify({ where, found })}\n`);
  const blocking = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  axeTally.pages += 1;
  axeTally.blocking += blocking.length;
  return blocking;
}

/** No serious or critical WCAG A/AA violation in `scope` (the whole page, shell included, by default). */
export async function expectAccessible(page: Page, where: string, scope?: string): Promise<void> {
  // A dialog fading in or a button still loading is judged once it has settled, not mid-transition.
  await settled(page);
  const found = await axeViolations(page, scope);
  if (!scope) {
    const route = routePattern(page.url());
    if (route) checkedRoutes.get(page)?.add(route);
  }
  const blocking = tally(where, found);
  expect(blocking, `axe-core on ${where}: ${JSON.stringify(blocking, null, 2)}`).toEqual([]);
}

/** Fetches and page loads in flight per page (a page still loading its data has not settled). */
const requestsInFlight = new WeakMap<Page, Set<unknown>>();
const LOADS = new Set(['document', 'fetch', 'xhr', 'script', 'stylesheet']);
const BUSY =
  '.page-loading, .patient-loading, .adm-skeleton, .ant-skeleton, .ant-spin-spinning, .ant-btn-loading, .adm-button-loading';
/** How long a route may take to settle before it is checked as it stands. */
const SETTLE_LIMIT_MS = 3_000;

/** The page's state for settling: ms since the DOM last changed, a loading indicator, a transition running. */
function pageState(busySelector: string): {
  last: number;
  quietFor: number;
  busy: boolean;
  animating: boolean;
} {
  const w = window as unknown as { __a11yLast?: number };
  if (w.__a11yLast === undefined) {
    w.__a11yLast = performance.now();
    new MutationObserver(() => {
      w.__a11yLast = performance.now();
    }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  }
  return {
    last: w.__a11yLast,
    quietFor: performance.now() - w.__a11yLast,
    busy: document.querySelector(busySelector) !== null,
    animating: document
      .getAnimations()
      .some(
        (a) =>
          a.playState === 'running' &&
          Number.isFinite(a.effect?.getComputedTiming().endTime ?? Number.POSITIVE_INFINITY),
      ),
  };
}

/**
 * Waits (at most SETTLE_LIMIT_MS) until the page has settled: no request in flight, no loading indicator,
 * no finite transition running and no DOM change for 300 ms. Returns the DOM's last-change stamp.
 */
async function settled(page: Page): Promise<number> {
  await page.waitForLoadState('domcontentloaded');
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  for (;;) {
    const state = await page.evaluate(pageState, BUSY);
    const idle = (requestsInFlight.get(page)?.size ?? 0) === 0;
    if ((idle && state.quietFor >= 300 && !state.busy && !state.animating) || Date.now() > deadline) {
      return state.last;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Time spent in the automatic checks of this journey file (printed with the tally). */
export const axeTiming = { ms: 0 };

/**
 * Checks the route the page shows now, unless it was checked already in this test. Runs only while the
 * test is waiting for it (before its next action, or at its end), so axe never competes with the
 * test's own clicks and fills for the page's main thread. If the app itself changed the DOM while axe ran
 * (data arriving late), the check is repeated once on the settled page.
 */
async function checkCurrentRoute(page: Page): Promise<void> {
  if (page.isClosed()) return;
  const url = page.url();
  const route = routePattern(url);
  const checked = checkedRoutes.get(page);
  if (!route || !checked || checked.has(route)) return;
  const started = Date.now();
  try {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const stamp = await settled(page);
      if (page.url() !== url) return;
      const found = await axeViolations(page);
      if (page.url() !== url) return;
      const after = await page.evaluate(pageState, BUSY);
      if (after.last !== stamp && attempt === 0) continue;
      checked.add(route);
      const blocking = tally(`${route} (automatic)`, found);
      if (blocking.length > 0)
        autoFailures.push(`axe-core on ${route}: ${JSON.stringify(blocking, null, 2)}`);
      return;
    }
  } catch {
    // The page navigated by itself (execution context destroyed) or closed mid-check: nothing to judge;
    // the route is checked on its next visit or at the end of the test.
  } finally {
    axeTiming.ms += Date.now() - started;
  }
}

/** `AXE_AUTO=0` turns the automatic checks off (to measure their cost; CI runs with them on). */
const AUTO = process.env.AXE_AUTO !== '0';
/** The playwright actions after which a page may show another route or state: checked before each runs. */
const LOCATOR_ACTIONS = [
  'check',
  'clear',
  'click',
  'dblclick',
  'dispatchEvent',
  'dragTo',
  'fill',
  'press',
  'pressSequentially',
  'selectOption',
  'setChecked',
  'setInputFiles',
  'tap',
  'type',
  'uncheck',
] as const;
const PAGE_ACTIONS = [
  'goto',
  'reload',
  'goBack',
  'goForward',
  'click',
  'fill',
  'press',
  'tap',
  'check',
] as const;
const KEYBOARD_ACTIONS = ['press', 'type', 'insertText', 'down'] as const;
let gatesInstalled = false;
/** Pages whose check is running, so an action the check itself takes is not gated again. */
const checking = new WeakSet<Page>();

type Method = (this: unknown, ...args: unknown[]) => Promise<unknown>;

/** Wraps `names` on `proto`: before the action, the page's current route is checked if it is new. */
function gate(
  proto: Record<string, unknown>,
  names: readonly string[],
  pageOf: (self: unknown) => Page,
): void {
  for (const name of names) {
    const original = proto[name] as Method | undefined;
    if (typeof original !== 'function') continue;
    proto[name] = async function (this: unknown, ...args: unknown[]) {
      const page = pageOf(this);
      if (!checking.has(page) && checkedRoutes.has(page)) {
        checking.add(page);
        try {
          await checkCurrentRoute(page);
        } finally {
          checking.delete(page);
        }
      }
      return original.apply(this, args);
    };
  }
}

/**
 * Checks every route the page shows: before each action the test takes (a click, a fill, a key, a
 * navigation) the route on screen is checked if this test has not checked it yet, and the page a test
 * ends on is checked in afterEach (`finishAccessibility`). Checking between the test's actions, never
 * during one, keeps axe off the main thread while the page is being worked.
 */
export function watchAccessibility(page: Page): void {
  if (!AUTO) return;
  checkedRoutes.set(page, new Set());
  const requests = new Set<unknown>();
  requestsInFlight.set(page, requests);
  page.on('request', (request) => {
    if (LOADS.has(request.resourceType())) requests.add(request);
  });
  page.on('requestfinished', (request) => requests.delete(request));
  page.on('requestfailed', (request) => requests.delete(request));
  if (gatesInstalled) return;
  gatesInstalled = true;
  gate(Object.getPrototypeOf(page.locator('html')), LOCATOR_ACTIONS, (l) => (l as Locator).page());
  gate(Object.getPrototypeOf(page), PAGE_ACTIONS, (p) => p as Page);
  gate(Object.getPrototypeOf(page.keyboard), KEYBOARD_ACTIONS, (k) => (k as { _page: Page })._page);
}

/** At the end of a test: checks the page it ends on, if its route was not checked yet. */
export async function finishAccessibility(page: Page): Promise<void> {
  if (!AUTO || page.isClosed()) return;
  await checkCurrentRoute(page);
}

/** The automatic checks' serious/critical findings since the last call (a test fails unless empty). */
export function takeAxeFailures(): string[] {
  return autoFailures.splice(0);
}
