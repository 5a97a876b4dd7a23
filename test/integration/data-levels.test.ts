/**
 * DJ-11 (GB/T 39725, SEC-1): every column of the migrated schema and every route has a sensitivity level,
 * the roles a route admits are cleared for what it serves, and a role that passes a route's role check but
 * is not cleared for its level is refused 403 DATA_LEVEL_FORBIDDEN (audited like every refusal).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decide,
  FIELD_LEVELS,
  ROUTES,
  routesSeen,
  schemaFields,
  TABLES,
} from '../../src/server/platform/data-levels.js';
import type { Role } from '../../src/shared/identity.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  tokens.zhang = await t.login('13800000001');
  tokens.system = await t.login('13300000001');
  tokens.security = await t.login('13300000002');
  tokens.audit = await t.login('13300000003');
  tokens.insurer = await t.login('13400000001');
});
afterAll(() => t?.close());

const NOBODY = '00000000-0000-4000-8000-000000000000';

describe('DJ-11: levels cover the schema and the API', () => {
  it('DJ-11: every column of the public schema has a level in data-levels.ts, and every declared one exists', async () => {
    const { rows } = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' order by table_name, ordinal_position`.execute(t.ctx.db);
    const actual = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
    const declared = new Set(
      TABLES.flatMap((d) => [...d.columns, ...Object.keys(d.overrides)].map((c) => `${d.table}.${c}`)),
    );
    const missing = [...actual].filter((c) => !declared.has(c));
    expect(
      missing,
      'columns without a level: add them to TABLES in src/server/platform/data-levels.ts',
    ).toEqual([]);
    expect(
      [...declared].filter((c) => !actual.has(c)),
      'declared columns the schema does not have',
    ).toEqual([]);
  });

  it('DJ-11: every route has a level (start-up), every role it admits is cleared for it, and no pattern is dead', () => {
    const seen = routesSeen(t.app);
    expect(seen.length).toBeGreaterThan(150);
    const uncleared: string[] = [];
    for (const r of seen) {
      if (r.level.self || r.level.wider || !Array.isArray(r.access)) continue;
      for (const role of r.access as Role[]) {
        const d = decide([role], r.level.data);
        if (!d.ok) uncleared.push(`${r.method} ${r.url}: ${role} not cleared for ${d.category} L${d.level}`);
      }
    }
    expect(uncleared).toEqual([]);
    const used = new Set(seen.map((r) => r.level.pattern));
    expect(ROUTES.map((r) => r.pattern).filter((p) => !used.has(p))).toEqual([]);
  });

  it('DJ-11: a route whose contract carries a phone, an ID number, a 医保 number or diagnoses declares their level', () => {
    const low: string[] = [];
    for (const r of routesSeen(t.app)) {
      const schema = (r.schema ?? {}) as Record<string, unknown>;
      const body = schemaFields(schema.body);
      const any = schemaFields(schema, new Set(body));
      for (const f of FIELD_LEVELS) {
        if (!(f.in === 'body' ? body : any).has(f.field)) continue;
        const declared = r.level.data[f.category] ?? 0;
        if (declared < f.level)
          low.push(`${r.method} ${r.url}: ${f.field} needs ${f.category} L${f.level}, declared L${declared}`);
      }
    }
    expect(low).toEqual([]);
  });
});

describe('DJ-11: access follows role and level', () => {
  it('DJ-11, DJ-8: an administrator passes the role check of a route open to any account but not its level: 403 DATA_LEVEL_FORBIDDEN, audited', async () => {
    for (const who of ['system', 'security', 'audit'] as const) {
      const res = await t.request('GET', `/api/v1/attachments/${NOBODY}`, { token: tokens[who] });
      expect(res.statusCode, who).toBe(403);
      expect(res.json().code, who).toBe('DATA_LEVEL_FORBIDDEN');
      expect(res.json().detail).toMatch(/健康状况 L4/);
    }
    const { rows } = await sql<{ actor_role: string; code: string }>`
      select actor_role, details->>'code' as code from audit_event
      where action = 'access.denied' and details->>'code' = 'DATA_LEVEL_FORBIDDEN'`.execute(t.ctx.db);
    expect(rows.map((r) => r.actor_role).sort()).toEqual(['audit_admin', 'security_admin', 'system_admin']);
    // The same route for a patient reaches the handler (an unknown attachment: 404, not a level refusal).
    const own = await t.request('GET', `/api/v1/attachments/${NOBODY}`, { token: tokens.zhang });
    expect(own.json().code).not.toBe('DATA_LEVEL_FORBIDDEN');
  });

  it('DJ-11: FHIR health-status types refuse the insurer and the administrators as an OperationOutcome; the directory stays open to them', async () => {
    for (const [who, type] of [
      ['insurer', 'Observation'],
      ['insurer', 'Condition'],
      ['security', 'AllergyIntolerance'],
      ['audit', 'Encounter'],
    ] as const) {
      const res = await t.request('GET', `/fhir/R4/${type}`, { token: tokens[who] });
      expect(res.statusCode, `${who} ${type}`).toBe(403);
      const outcome = res.json();
      expect(outcome.resourceType).toBe('OperationOutcome');
      expect(JSON.stringify(outcome)).toContain('DATA_LEVEL_FORBIDDEN');
    }
    expect((await t.request('GET', '/fhir/R4/Organization', { token: tokens.security })).statusCode).toBe(
      200,
    );
    expect((await t.request('GET', '/fhir/R4/Observation', { token: tokens.zhang })).statusCode).toBe(200);
  });

  it('DJ-11: routes serving only the caller’s own account stay open to every role', async () => {
    for (const who of ['system', 'security', 'audit', 'insurer'] as const) {
      expect((await t.request('GET', '/api/v1/me', { token: tokens[who] })).statusCode, who).toBe(200);
      expect((await t.request('GET', '/api/v1/notifications', { token: tokens[who] })).statusCode, who).toBe(
        200,
      );
    }
  });
});
