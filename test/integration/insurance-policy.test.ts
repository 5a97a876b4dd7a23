import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDesignated, policyInForce } from '../../src/server/modules/insurance/policy-store.js';
import { DEMO_POLICIES } from '../../src/server/seed/demo-insurance.js';
import type { PolicyVersion } from '../../src/shared/insurance.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { itOnPostgres } from '../support/db.js';

// [7/12] The insurer's policy administration: immutable versions, designations (INS-1). The clock is
// 2026-11-22 10:00 in Shanghai.
let t: TestApp;
let insurer: string;
let patient: string;
let regulator: string;
const TODAY = '2026-11-22';

const institutionId = async (code: string) =>
  (await t.ctx.db.selectFrom('institution').select('id').where('code', '=', code).executeTakeFirstOrThrow())
    .id;

const policies = async () => {
  const res = await t.request('GET', '/api/v1/insurance/policies', { token: insurer });
  expect(res.statusCode).toBe(200);
  return res.json() as { items: PolicyVersion[]; designations: Record<string, unknown>[] };
};

const publish = (body: Record<string, unknown>, token = insurer) =>
  t.request('POST', '/api/v1/insurance/policies', { token, body });

const body = (over: Record<string, unknown> = {}) => ({
  scheme: 'employee',
  institutionLevel: 'tertiary',
  effectiveFrom: '2026-12-01',
  rules: { ...DEMO_POLICIES.employee.tertiary, reimbursementBp: 7_500 },
  note: '提高三级医院报销比例',
  ...over,
});

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  insurer = await t.login('13400000001');
  patient = await t.login('13800000003');
  regulator = await t.login('13500000001');
});
afterAll(async () => t.close());

describe('policy versions', () => {
  it('lists the seeded version 1 of each scheme × level, in force today, with the designated institutions named (INS-1)', async () => {
    const list = await policies();
    expect(list.items).toHaveLength(6);
    for (const p of list.items) {
      expect(p).toMatchObject({ version: 1, effectiveFrom: '2026-01-01', effectiveTo: null, inForce: true });
    }
    const h01 = list.items.find((p) => p.scheme === 'employee' && p.institutionLevel === 'tertiary');
    expect(h01?.rules).toEqual(DEMO_POLICIES.employee.tertiary);
    expect(list.designations).toHaveLength(10);
    expect(list.designations).toContainEqual({
      institutionId: await institutionId('YC-H01'),
      institutionName: '云澜医科大学附属云川医院',
      level: 'tertiary',
      agreementNo: 'YCYB-HLW-2026-001',
      effectiveFrom: '2026-01-01',
      effectiveTo: null,
      inForce: true,
    });
    expect(list.designations.map((d) => d.institutionName)).not.toContain('云川区中医医院');
  });

  it('publishes an immutable version 2 that takes over on its day; version 1 stays in force until then', async () => {
    const res = await publish(body());
    expect(res.statusCode).toBe(201);
    const v2 = res.json() as PolicyVersion;
    expect(v2).toMatchObject({
      scheme: 'employee',
      institutionLevel: 'tertiary',
      version: 2,
      effectiveFrom: '2026-12-01',
      effectiveTo: null,
      inForce: false,
      note: '提高三级医院报销比例',
    });
    expect(v2.rules.reimbursementBp).toBe(7_500);

    const tertiary = (await policies()).items.filter(
      (p) => p.scheme === 'employee' && p.institutionLevel === 'tertiary',
    );
    expect(tertiary.map((p) => [p.version, p.effectiveTo, p.inForce])).toEqual([
      [2, null, false],
      [1, '2026-12-01', true],
    ]);
    // What settlement reads: the version in force on the day.
    expect((await policyInForce(t.ctx.db, 'employee', 'tertiary', TODAY))?.version).toBe(1);
    expect((await policyInForce(t.ctx.db, 'employee', 'tertiary', '2026-12-01'))?.version).toBe(2);
    // Other schemes and levels are untouched.
    expect((await policyInForce(t.ctx.db, 'employee', 'secondary', '2026-12-01'))?.version).toBe(1);

    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['actor_role', 'resource_id', 'details'])
      .where('action', '=', 'insurance.policy_published')
      .execute();
    expect(audit).toEqual([
      {
        actor_role: 'insurer',
        resource_id: v2.id,
        details: expect.objectContaining({ version: 2, effectiveFrom: '2026-12-01' }),
      },
    ]);

    // On 1 December (Shanghai) the list shows version 2 in force.
    t.clock.set('2026-11-30T16:00:00Z');
    try {
      const token = await t.login('13400000001');
      const res = await t.request('GET', '/api/v1/insurance/policies', { token });
      const later = (res.json() as { items: PolicyVersion[] }).items.filter(
        (p) => p.scheme === 'employee' && p.institutionLevel === 'tertiary',
      );
      expect(later.map((p) => p.inForce)).toEqual([true, false]);
    } finally {
      t.clock.set('2026-11-22T02:00:00Z');
    }
  });

  it('a version published for the same day as a version not yet in force replaces it (the higher version wins the tie)', async () => {
    const res = await publish(
      body({ rules: { ...DEMO_POLICIES.employee.tertiary, reimbursementBp: 7_200 } }),
    );
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ version: 3, effectiveFrom: '2026-12-01' });
    const tertiary = (await policies()).items.filter(
      (p) => p.scheme === 'employee' && p.institutionLevel === 'tertiary',
    );
    // Version 2 never takes effect: it ends on the day it would have begun.
    expect(tertiary.map((p) => [p.version, p.effectiveFrom, p.effectiveTo, p.inForce])).toEqual([
      [3, '2026-12-01', null, false],
      [2, '2026-12-01', '2026-12-01', false],
      [1, '2026-01-01', '2026-12-01', true],
    ]);
    const inForce = await policyInForce(t.ctx.db, 'employee', 'tertiary', '2026-12-01');
    expect(inForce?.rules.reimbursementBp).toBe(7_200);
  });

  it('refuses a day already begun (today or earlier: settled settlements were computed under it) and a day before the latest version', async () => {
    for (const day of [TODAY, '2026-11-21', '2026-01-01']) {
      const res = await publish(
        body({
          scheme: 'resident',
          institutionLevel: 'primary',
          effectiveFrom: day,
          rules: DEMO_POLICIES.resident.primary,
        }),
      );
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('INSURANCE_POLICY_BACKDATED');
    }
    // employee × tertiary has version 3 from 2026-12-01: a new one may not start before it.
    const early = await publish(body({ effectiveFrom: '2026-11-30' }));
    expect(early.statusCode).toBe(422);
    expect(early.json().code).toBe('INSURANCE_POLICY_BEFORE_LATEST');
    const bad = await publish(body({ effectiveFrom: '2026-02-30' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
    const versions = await t.ctx.db
      .selectFrom('insurance_policy')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(versions.n)).toBe(8);
  });

  it('refuses rules that contradict each other: a resident policy paid from a personal account (INS-2)', async () => {
    const res = await publish(
      body({
        scheme: 'resident',
        institutionLevel: 'primary',
        rules: { ...DEMO_POLICIES.resident.primary, accountPaysSelfPay: true },
      }),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'INSURANCE_POLICY_RULES_INVALID' });
    expect(res.json().detail).toContain('accountPaysSelfPay');
    const capless = await publish(
      body({ rules: { ...DEMO_POLICIES.employee.tertiary, reimbursementBp: 5_000, annualCapFen: 0 } }),
    );
    expect(capless.json().code).toBe('INSURANCE_POLICY_RULES_INVALID');
    // Out of range is the schema's refusal (categoryBFirstSelfPayBp ≤ 10000), and an unknown rule too.
    const over = await publish(
      body({ rules: { ...DEMO_POLICIES.employee.tertiary, categoryBFirstSelfPayBp: 10_001 } }),
    );
    expect(over.statusCode).toBe(400);
    const extra = await publish(body({ rules: { ...DEMO_POLICIES.employee.tertiary, surprise: 1 } }));
    expect(extra.statusCode).toBe(400);
    // FD-6 bonuses above the service fee basis are allowed: the engine caps the fund at the line total.
    const fd6 = await publish(
      body({
        scheme: 'resident',
        institutionLevel: 'secondary',
        rules: { ...DEMO_POLICIES.resident.secondary, familyDoctorReferralBonusFen: 5_000 },
      }),
    );
    expect(fd6.statusCode).toBe(201);
  });

  it('is the insurer’s alone: a patient and the regulator are refused, a stranger must sign in', async () => {
    expect((await publish(body({ effectiveFrom: '2027-01-01' }), patient)).statusCode).toBe(403);
    expect((await publish(body({ effectiveFrom: '2027-01-01' }), regulator)).statusCode).toBe(403);
    expect((await t.request('GET', '/api/v1/insurance/policies', { token: patient })).statusCode).toBe(403);
    expect((await t.request('GET', '/api/v1/insurance/policies')).statusCode).toBe(401);
  });

  itOnPostgres('two concurrent publications of one scheme × level get consecutive versions', async () => {
    const posts = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        publish(
          body({
            scheme: 'resident',
            institutionLevel: 'tertiary',
            effectiveFrom: '2027-01-01',
            rules: { ...DEMO_POLICIES.resident.tertiary, reimbursementBp: 5_000 + i },
          }),
        ),
      ),
    );
    expect(posts.map((r) => r.statusCode)).toEqual([201, 201, 201, 201]);
    expect(posts.map((r) => r.json().version).sort()).toEqual([2, 3, 4, 5]);
  });
});

describe('designations (INS-1)', () => {
  const put = (id: string, b: Record<string, unknown>, token = insurer) =>
    t.request('PUT', `/api/v1/insurance/designations/${id}`, { token, body: b });

  it('designates an institution from today: its online services become insurable today', async () => {
    const h05 = await institutionId('YC-H05');
    expect(await isDesignated(t.ctx.db, h05, TODAY)).toBe(false);
    const res = await put(h05, { agreementNo: 'YCYB-HLW-2026-011', effectiveFrom: TODAY });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      institutionId: h05,
      institutionName: '云川区中医医院',
      level: 'secondary',
      agreementNo: 'YCYB-HLW-2026-011',
      effectiveFrom: TODAY,
      effectiveTo: null,
      inForce: true,
    });
    expect(await isDesignated(t.ctx.db, h05, TODAY)).toBe(true);
    expect(await isDesignated(t.ctx.db, h05, '2026-11-21')).toBe(false);
    expect((await policies()).designations.map((d) => d.institutionId)).toContain(h05);
  });

  it('ends a designation from a day on: insurable before it, not from it; the change is audited', async () => {
    const h04 = await institutionId('YC-H04');
    const res = await put(h04, {
      agreementNo: 'YCYB-HLW-2026-004',
      effectiveFrom: '2026-01-01',
      effectiveTo: TODAY,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ effectiveTo: TODAY, inForce: false });
    expect(await isDesignated(t.ctx.db, h04, '2026-11-21')).toBe(true);
    expect(await isDesignated(t.ctx.db, h04, TODAY)).toBe(false);
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['details'])
      .where('action', '=', 'insurance.designation_changed')
      .where('resource_id', '=', h04)
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({
      before: { effectiveTo: null },
      after: { effectiveTo: TODAY },
    });
    // A lapsed agreement may be replaced by a new one from today on.
    const again = await put(h04, { agreementNo: 'YCYB-HLW-2026-012', effectiveFrom: TODAY });
    expect(again.statusCode).toBe(200);
    expect(await isDesignated(t.ctx.db, h04, TODAY)).toBe(true);
  });

  it('does not change what a day before today was: no backdated designation or end', async () => {
    const h06 = await institutionId('YC-H06');
    const back = await put(h06, { agreementNo: 'X-1', effectiveFrom: '2026-11-01' });
    expect(back.statusCode).toBe(422);
    expect(back.json().code).toBe('INSURANCE_DESIGNATION_DATES_INVALID');
    expect(await isDesignated(t.ctx.db, h06, '2026-11-01')).toBe(false);
    const h01 = await institutionId('YC-H01');
    const endedEarlier = await put(h01, {
      agreementNo: 'YCYB-HLW-2026-001',
      effectiveFrom: '2026-01-01',
      effectiveTo: '2026-11-01',
    });
    expect(endedEarlier.json().code).toBe('INSURANCE_DESIGNATION_DATES_INVALID');
    const inverted = await put(h06, {
      agreementNo: 'X-1',
      effectiveFrom: '2026-12-10',
      effectiveTo: '2026-12-01',
    });
    expect(inverted.json().code).toBe('INSURANCE_DESIGNATION_DATES_INVALID');
    expect(await isDesignated(t.ctx.db, h01, '2026-11-10')).toBe(true);
  });

  it('answers 404 for an unknown institution and 403 to anyone but the insurer', async () => {
    const unknown = await put('01890000-0000-7000-8000-000000000000', {
      agreementNo: 'X',
      effectiveFrom: TODAY,
    });
    expect(unknown.statusCode).toBe(404);
    const h06 = await institutionId('YC-H06');
    expect((await put(h06, { agreementNo: 'X', effectiveFrom: TODAY }, patient)).statusCode).toBe(403);
    expect(await isDesignated(t.ctx.db, h06, TODAY)).toBe(false);
  });
});
