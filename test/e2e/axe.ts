/** Accessibility checks in the browser journeys: axe-core run on the page as it stands. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The consoles' shared frame — the staff side menu and header, the patient pages' title bar — is checked
 * once, not on every page of a feature: a journey judges the page it is about.
 */
const SHELL = ['.staff-sider', '.staff-header', '.adm-nav-bar'];

/**
 * Not held against a page: colour contrast follows the product's theme. The brand teal (#0c7a7c, 5.1:1
 * under white), antd's secondary text and the patient muted grey now meet AA; antd-mobile's list headers
 * and the light status tags do not yet — a theme change for every page at once, reported, not failed.
 */
const NOT_BLOCKING = new Set(['color-contrast']);

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * The WCAG 2.1 A/AA violations axe-core finds now, in `scope` (a CSS selector; the whole page by
 * default) less the shell. axe is evaluated through the DevTools protocol, so the server's
 * Content-Security-Policy (no inline scripts) does not stop it.
 */
export async function axeViolations(page: Page, scope?: string): Promise<AxeFinding[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(
    async ({ scope, shell }) => {
      const axe = (
        window as unknown as { axe: { run(context: unknown, options: unknown): Promise<unknown> } }
      ).axe;
      const result = (await axe.run(
        { include: [scope ?? 'html'], exclude: shell.map((s) => [s]) },
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
    { scope, shell: SHELL },
  );
}

/** No serious or critical WCAG A/AA violation (colour contrast aside, see NOT_BLOCKING) in `scope`. */
export async function expectAccessible(page: Page, where: string, scope?: string): Promise<void> {
  const found = await axeViolations(page, scope);
  if (process.env.AXE_REPORT) {
    const { appendFileSync } = await import('node:fs');
    appendFileSync(process.env.AXE_REPORT, `${JSON.stringify({ where, found })}\n`);
  }
  const blocking = found.filter(
    (v) => (v.impact === 'serious' || v.impact === 'critical') && !NOT_BLOCKING.has(v.id),
  );
  expect(blocking, `axe-core on ${where}: ${JSON.stringify(blocking, null, 2)}`).toEqual([]);
}
