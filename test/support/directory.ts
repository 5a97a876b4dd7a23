/**
 * The fixture of the directory integration tests (test/integration/directory-*.test.ts): one seeded app per
 * test file, the administrators and a patient logged in, and the lookups and paging every directory test
 * uses. The exported bindings are live: every file sees the app its own `setupDirectoryApp()` built.
 * The clock stands at 2026-11-22 10:00 in Asia/Shanghai (02:00Z).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { newId } from '../../src/server/platform/ids.js';
import { createTestApp, type TestApp } from './app.js';

export let t: TestApp;
export let orgAdmin: string; // org_admin of YC-H01
export let regulator: string;
export let patient: string;

/** One seeded app for the calling test file, closed after it. */
export function setupDirectoryApp(): void {
  beforeAll(async () => {
    t = await createTestApp({ seed: true });
    [orgAdmin, regulator, patient] = await Promise.all([
      t.login('13600000001'),
      t.login('13500000001'),
      t.login('13800000001'),
    ]);
  });
  afterAll(async () => t.close());
}

export const institutionId = async (code: string) =>
  (await t.ctx.db.selectFrom('institution').select('id').where('code', '=', code).executeTakeFirstOrThrow())
    .id;
export const practitioner = async (code: string) =>
  t.ctx.db
    .selectFrom('practitioner')
    .select(['id', 'institution_id', 'department_id'])
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
export const departmentId = async (institution: string, code: string) =>
  (
    await t.ctx.db
      .selectFrom('department')
      .select('id')
      .where('institution_id', '=', await institutionId(institution))
      .where('code', '=', code)
      .executeTakeFirstOrThrow()
  ).id;

export const get = async (url: string, token?: string) => t.request('GET', url, token ? { token } : {});

export interface Listed {
  id: string;
  name: string;
  [key: string]: unknown;
}

/** Follows nextCursor to the end; every page is checked to be at most `limit` long. */
export async function allPages(url: string, limit: number): Promise<Listed[]> {
  const items: Listed[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const sep = url.includes('?') ? '&' : '?';
    const res = await get(`${url}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: Listed[]; nextCursor: string | null };
    expect(body.items.length).toBeLessThanOrEqual(limit);
    items.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error('paging did not end');
}

/** A session of a doctor with numbered tokens, written directly as the scheduling module would. */
export async function addSchedule(
  code: string,
  s: {
    date: string;
    mode: 'offline' | 'online_follow_up' | 'online_first_visit' | 'video';
    start?: string;
    end?: string;
    releaseAt?: string;
    status?: 'open' | 'stopped';
    tokens: {
      channel?: 'public' | 'referral' | 'partner';
      status?: 'free' | 'held' | 'booked' | 'stopped';
    }[];
  },
): Promise<string> {
  const p = await practitioner(code);
  const id = newId();
  const start = s.start ?? '08:00';
  const end = s.end ?? '12:00';
  const at = (time: string) => new Date(`${s.date}T${time}:00+08:00`);
  await t.ctx.db
    .insertInto('schedule')
    .values({
      id,
      institution_id: p.institution_id,
      department_id: p.department_id,
      practitioner_id: p.id,
      date: s.date,
      start_time: start,
      end_time: end,
      mode: s.mode,
      fee_fen: 5000,
      capacity: s.tokens.length,
      release_at: s.releaseAt ?? '2026-11-15T00:00:00Z',
      reserved_release_at: new Date(at(start).getTime() - 24 * 3600_000),
      status: s.status ?? 'open',
      created_at: '2026-11-01T00:00:00Z',
    })
    .execute();
  const span = (at(end).getTime() - at(start).getTime()) / s.tokens.length;
  for (const [i, token] of s.tokens.entries()) {
    await t.ctx.db
      .insertInto('token')
      .values({
        id: newId(),
        schedule_id: id,
        token_number: i + 1,
        window_start: new Date(at(start).getTime() + i * span),
        window_end: new Date(at(start).getTime() + (i + 1) * span),
        channel: token.channel ?? 'public',
        status: token.status ?? 'free',
      })
      .execute();
  }
  return id;
}

export const free = (n: number) => Array.from({ length: n }, () => ({}));
