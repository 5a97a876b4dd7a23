import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/server/platform/audit/audit.js';
import { sealAll } from '../../src/server/platform/audit/sealer.js';
import { newId } from '../../src/server/platform/ids.js';
import type { AuditEventPage, AuditEventView } from '../../src/shared/administration.js';
import { createTestApp, type TestApp } from '../support/app.js';

// The audit administrator (DJ-15): alone reads the audit log — search, verify, export — and its own reads
// are audited too.
let t: TestApp;
let aud: string;
let audId: string;
const actorA = newId();
const actorB = newId();
const patientX = newId();
const patientY = newId();
const base = new Date('2026-11-20T00:00:00Z');
const at = (hours: number) => new Date(base.getTime() + hours * 3_600_000);

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  aud = await t.login('13300000003');
  const me = await t.request('GET', '/api/v1/me', { token: aud });
  audId = me.json().id;
  // A known set of events, two days before "now" (the seed's and the logins' come after).
  const db = t.database.db;
  const rows: [string, string, string | null, 'success' | 'failure', number][] = [
    [actorA, 'record.read', patientX, 'success', 1],
    [actorA, 'record.read', patientY, 'success', 2],
    [actorA, 'auth.login', null, 'failure', 3],
    [actorB, 'auth.login', null, 'success', 4],
    [actorB, 'prescription.create', patientX, 'success', 5],
    [actorB, 'auth_x.other', null, 'success', 6],
  ];
  for (const [actor, action, patientId, outcome, h] of rows) {
    await recordAudit(
      db,
      { accountId: actor, role: 'doctor', ip: '10.1.2.3' },
      { action, outcome, patientId, resourceType: 'test', details: { phone: '138****0001' } },
      at(h),
    );
  }
});
afterAll(async () => t.close());

const search = async (query: string): Promise<AuditEventView[]> => {
  const res = await t.request('GET', `/api/v1/audit/events?${query}`, { token: aud });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as AuditEventPage).items;
};

describe('who reads the audit log', () => {
  it('DJ-15: every role but the audit administrator gets 403 on /audit/*, and the refusal is audited', async () => {
    const phones = ['13300000001', '13300000002', '13900000001', '13500000001', '13800000001', '13600000001'];
    for (const phone of phones) {
      const token = await t.login(phone);
      for (const url of ['/api/v1/audit/events', '/api/v1/audit/verify', '/api/v1/audit/events/export']) {
        const res = await t.request('GET', url, { token });
        expect(res.statusCode, `${phone} ${url}`).toBe(403);
      }
    }
    const refusals = await search('action=access.denied&limit=200');
    const routes = new Set(refusals.map((e) => e.details.route));
    for (const route of ['/api/v1/audit/events', '/api/v1/audit/verify', '/api/v1/audit/events/export']) {
      expect(routes.has(route), route).toBe(true);
    }
    const roles = new Set(refusals.map((e) => e.actorRole));
    for (const role of ['system_admin', 'security_admin', 'doctor', 'regulator', 'patient', 'org_admin']) {
      expect(roles.has(role), role).toBe(true);
    }
  });
});

describe('the audit administrator’s search', () => {
  it('DJ-15: filters by actor, patient, action prefix, outcome and time, newest first', async () => {
    const byA = await search(`actorId=${actorA}`);
    expect(byA.map((e) => e.action)).toEqual(['auth.login', 'record.read', 'record.read']);
    const onX = await search(`patientId=${patientX}`);
    expect(onX.map((e) => e.action)).toEqual(['prescription.create', 'record.read']);
    expect(onX[0]!.patient?.id).toBe(patientX);
    // `auth.` is a prefix of auth.login, not of auth_x.other (the _ is no wildcard).
    const auth = await search(`action=auth.&from=${base.toISOString()}&to=${at(24).toISOString()}`);
    expect(auth.map((e) => e.action)).toEqual(['auth.login', 'auth.login']);
    const failed = await search(`outcome=failure&actorId=${actorA}`);
    expect(failed).toHaveLength(1);
    const window = await search(`from=${at(2).toISOString()}&to=${at(4).toISOString()}`);
    expect(window.map((e) => e.action)).toEqual(['auth.login', 'record.read']);
  });

  it('DJ-15: pages by `before`, without overlap', async () => {
    const first = await t.request(
      'GET',
      `/api/v1/audit/events?limit=2&from=${base.toISOString()}&to=${at(24).toISOString()}`,
      {
        token: aud,
      },
    );
    const page1 = first.json() as AuditEventPage;
    expect(page1.items).toHaveLength(2);
    const second = (
      await t.request(
        'GET',
        `/api/v1/audit/events?limit=10&from=${base.toISOString()}&to=${at(24).toISOString()}&before=${page1.nextCursor}`,
        { token: aud },
      )
    ).json() as AuditEventPage;
    expect(second.items).toHaveLength(4);
    expect(second.nextCursor).toBeNull();
    const ids = [...page1.items, ...second.items].map((e) => e.id);
    expect(new Set(ids).size).toBe(6);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const bad = await t.request('GET', '/api/v1/audit/events?before=garbage', { token: aud });
    expect(bad.statusCode).toBe(400);
  });

  it('DJ-15, DJ-10: names actors by name and role, never a phone or ID number', async () => {
    const logins = await search('action=auth.login&limit=50');
    const own = logins.find((e) => e.actor?.id === audId);
    expect(own?.actor).toMatchObject({ name: '曹振宇', role: 'audit_admin' });
    expect(t.responses.join('\n')).not.toMatch(/(?<![\dA-Za-z_-])1[3-9]\d{9}(?![\dA-Za-z_-])/);
  });

  it('DJ-15: the audit administrator’s own searches are audited', async () => {
    await search(`patientId=${patientY}`);
    const own = await search(`actorId=${audId}&action=audit.search`);
    expect(own.length).toBeGreaterThan(0);
    expect(own.some((e) => e.details.patientId === patientY && e.actorRole === 'audit_admin')).toBe(true);
  });
});

describe('export', () => {
  it('DJ-15, DJ-30: exports CSV (UTF-8 BOM, masked), audited, and rate-limited per account', async () => {
    const limit = t.ctx.config.security.alerts.exportsPerHour;
    const res = await t.request('GET', `/api/v1/audit/events/export?actorId=${actorA}`, { token: aud });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="audit-\d+\.csv"/);
    const raw = res.rawPayload;
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(4); // header + 3 events
    expect(lines[0]).toContain('操作人');
    expect(res.body).toContain('10.1.2.*');
    expect(res.body).not.toContain('10.1.2.3');
    const exported = await search(`actorId=${audId}&action=audit.export`);
    expect(exported[0]?.details).toMatchObject({ actorId: actorA, rows: 3 });
    // Up to the limit an hour, then 429 (and the refusal is audited).
    for (let i = 1; i < limit; i++) {
      expect(
        (await t.request('GET', '/api/v1/audit/events/export?action=auth.', { token: aud })).statusCode,
      ).toBe(200);
    }
    const refused = await t.request('GET', '/api/v1/audit/events/export?action=auth.', { token: aud });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('EXPORT_RATE_LIMITED');
    expect((await search(`actorId=${audId}&outcome=failure`)).some((e) => e.action.includes('export'))).toBe(
      true,
    );
    // An hour later it works again.
    t.clock.advance(3_600_000 + 1000);
    expect(
      (
        await t.request('GET', '/api/v1/audit/events/export?action=auth.', {
          token: await t.login('13300000003'),
        })
      ).statusCode,
    ).toBe(200);
  });
});

describe('verify', () => {
  it('DJ-15, DJ-14: reports an intact chain, then the first bad event of a tampered one', async () => {
    aud = await t.login('13300000003');
    await sealAll(t.database.db, t.clock);
    const ok = await t.request('GET', '/api/v1/audit/verify', { token: aud });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true, firstBadEventId: null, reason: null });
    expect(ok.json().sealed).toBeGreaterThan(0);
    // What an attacker with owner rights does: switch the guard off and alter a sealed row.
    const victim = await t.database.db
      .selectFrom('audit_event')
      .select('id')
      .where('actor_id', '=', actorB)
      .where('seq', 'is not', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await sql`alter table audit_event disable trigger audit_event_guard`.execute(t.database.db);
    try {
      await sql`update audit_event set outcome = 'failure' where id = ${victim.id}`.execute(t.database.db);
    } finally {
      await sql`alter table audit_event enable trigger audit_event_guard`.execute(t.database.db);
    }
    const bad = await t.request('GET', '/api/v1/audit/verify', { token: aud });
    expect(bad.json()).toMatchObject({ ok: false, firstBadEventId: Number(victim.id) });
    expect(bad.json().reason).toContain('篡改');
    const audited = await search(`actorId=${audId}&action=audit.verify`);
    expect(audited[0]?.details).toMatchObject({ ok: false, firstBadEventId: Number(victim.id) });
  });
});
