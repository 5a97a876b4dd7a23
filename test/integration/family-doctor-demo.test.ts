/**
 * [12/12] The demo region's family-doctor data (YUNYI_DEMO_FAMILY_DOCTOR, docs/family-doctor.md "Demo"): on
 * the first start in demo mode 王秀英 is contracted by her daughter 陈静 with 龙晓梅's team, has a year of
 * home readings classified by the rules, plans whose streaks match them, quarterly follow-ups, and 龙晓梅's
 * worklist has an open refer alert, a follow-up due within two weeks and an overdue one. A second start
 * adds nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyBp, classifyGlucose } from '../../src/server/modules/family-doctor/followup.rules.js';
import { ManualClock } from '../../src/server/platform/clock.js';
import { loadConfig } from '../../src/server/platform/config.js';
import type { Database } from '../../src/server/platform/db/database.js';
import { type RunningServer, startServer } from '../../src/server/server.js';
import type { Assessment, Worklist } from '../../src/shared/family-doctor.js';
import { freshDatabase } from '../support/db.js';

const NOW = '2026-11-22T02:00:00Z'; // 2026-11-22 in Shanghai
const TODAY = '2026-11-22';
const day = (offset: number) =>
  new Date(new Date(`${TODAY}T00:00:00Z`).getTime() + offset * 86_400_000).toISOString().slice(0, 10);

let database: Database;
let server: RunningServer;

const config = () =>
  loadConfig({
    YUNYI_DEMO: '1',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'yunyi-fd-demo-')),
    YUNYI_DEMO_REMOTE: '0',
    YUNYI_DEMO_FAMILY_DOCTOR: '1',
  });

async function login(phone: string): Promise<string> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { phone, password: 'Demo@2026' },
  });
  if (res.statusCode !== 200) throw new Error(`login ${phone}: ${res.statusCode} ${res.body}`);
  return res.json().token;
}
const get = (token: string, url: string) =>
  server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

const idOf = async (table: 'patient' | 'family_team', column: 'name', value: string) =>
  (await database.db.selectFrom(table).select('id').where(column, '=', value).executeTakeFirstOrThrow()).id;

beforeAll(async () => {
  database = await freshDatabase();
  server = await startServer(config(), { database, clock: new ManualClock(NOW), listen: false });
}, 300_000);
afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe('the demo family-doctor data (YUNYI_DEMO_FAMILY_DOCTOR)', () => {
  it('王秀英 is contracted by 陈静 with 龙晓梅’s team: 4 packages, 2 years from about 11 months ago', async () => {
    const wang = await idOf('patient', 'name', '王秀英');
    const contract = await database.db
      .selectFrom('family_contract as c')
      .innerJoin('family_team as t', 't.id', 'c.team_id')
      .innerJoin('account as a', 'a.id', 'c.signer_account_id')
      .select([
        'c.id',
        'c.status',
        'c.years',
        'c.starts_on',
        'c.ends_on',
        't.name as team',
        'a.name as signer',
      ])
      .where('c.patient_id', '=', wang)
      .executeTakeFirstOrThrow();
    expect(contract).toMatchObject({
      status: 'active',
      years: 2,
      team: '龙晓梅家庭医生团队',
      signer: '陈静',
      starts_on: day(-334),
    });
    const codes = await database.db
      .selectFrom('family_contract_package as cp')
      .innerJoin('service_package as p', 'p.id', 'cp.package_id')
      .select('p.code')
      .where('cp.contract_id', '=', contract.id)
      .execute();
    expect(codes.map((c) => c.code).sort()).toEqual(['BASIC', 'ELDERLY', 'HTN', 'T2DM']);
  });

  it('has a year of home readings, classified by the rules, mostly controlled with uncontrolled stretches', async () => {
    const wang = await idOf('patient', 'name', '王秀英');
    const readings = await database.db
      .selectFrom('home_reading')
      .selectAll()
      .where('patient_id', '=', wang)
      .where('source', '=', 'patient')
      .orderBy('measured_at')
      .execute();
    const bp = readings.filter((r) => r.kind === 'bp');
    const glucose = readings.filter((r) => r.kind === 'glucose');
    expect(bp.length).toBeGreaterThanOrEqual(100);
    expect(glucose.length).toBeGreaterThanOrEqual(50);
    expect(bp[0]!.measured_at.getTime()).toBeLessThan(new Date(`${day(-355)}T00:00:00+08:00`).getTime());
    expect(bp.at(-1)!.measured_at.getTime()).toBeGreaterThan(new Date(`${day(-8)}T00:00:00+08:00`).getTime());
    const t = server.ctx.config.familyDoctor.thresholds;
    for (const r of bp) expect(r.classification).toBe(classifyBp(r.systolic!, r.diastolic!, t));
    for (const r of glucose) expect(r.classification).toBe(classifyGlucose(r.glucose_tenths!, 'fasting', t));
    const uncontrolled = bp.filter((r) => r.classification === 'uncontrolled').length;
    expect(uncontrolled).toBeGreaterThanOrEqual(4);
    expect(uncontrolled).toBeLessThan(bp.length / 5);
    expect(glucose.some((r) => r.classification === 'uncontrolled')).toBe(true);
    // The last two blood-pressure readings are uncontrolled, the one before is not.
    expect(bp.slice(-3).map((r) => r.classification)).toEqual(['controlled', 'uncontrolled', 'uncontrolled']);
    // The readings are reproducible: no Math.random in the seed.
    expect(bp.at(-1)).toMatchObject({ systolic: 165, diastolic: 100 });
  });

  it('plans carry the right streaks; follow-ups were done quarterly by 龙晓梅 with records', async () => {
    const wang = await idOf('patient', 'name', '王秀英');
    const plans = await database.db
      .selectFrom('followup_plan')
      .select(['condition', 'last_classification', 'uncontrolled_streak', 'status'])
      .where('patient_id', '=', wang)
      .orderBy('condition')
      .execute();
    expect(plans).toEqual([
      { condition: 'diabetes', last_classification: 'controlled', uncontrolled_streak: 0, status: 'active' },
      {
        condition: 'hypertension',
        last_classification: 'uncontrolled',
        uncontrolled_streak: 2,
        status: 'active',
      },
    ]);
    const done = await database.db
      .selectFrom('followup as f')
      .innerJoin('practitioner as p', 'p.id', 'f.done_by')
      .select(['f.reason', 'f.record', 'f.classification', 'p.name'])
      .where('f.patient_id', '=', wang)
      .where('f.status', '=', 'done')
      .execute();
    expect(done.filter((f) => f.reason === 'scheduled').length).toBeGreaterThanOrEqual(6); // 3 quarters × 2 plans
    expect(done.every((f) => f.name === '龙晓梅' && f.record !== null && f.classification !== null)).toBe(
      true,
    );
    const referral = await database.db
      .selectFrom('referral as r')
      .innerJoin('institution as i', 'i.id', 'r.to_institution_id')
      .select(['r.direction', 'r.status', 'i.code'])
      .where('r.patient_id', '=', wang)
      .execute();
    expect(referral).toEqual([{ direction: 'up', status: 'completed', code: 'YC-H01' }]);
    const service = await database.db
      .selectFrom('home_service as s')
      .innerJoin('practitioner as p', 'p.id', 's.provider_practitioner_id')
      .select(['s.status', 'p.name', 's.checked_in_at', 's.checked_out_at'])
      .where('s.patient_id', '=', wang)
      .execute();
    expect(service).toMatchObject([{ status: 'completed', name: '白秀珍' }]);
    const pushes = await database.db
      .selectFrom('article_push')
      .select('read_at')
      .where('patient_id', '=', wang)
      .execute();
    expect(pushes.some((p) => p.read_at !== null)).toBe(true);
    expect(pushes.some((p) => p.read_at === null)).toBe(true);
    const ratings = await database.db.selectFrom('service_rating').select('stars').execute();
    expect(ratings.length).toBeGreaterThanOrEqual(5);
  });

  it('龙晓梅’s worklist: an open refer alert, a follow-up due within 14 days and an overdue one', async () => {
    const long = await idOf('family_team', 'name', '龙晓梅家庭医生团队');
    const wang = await idOf('patient', 'name', '王秀英');
    const alerts = await database.db
      .selectFrom('reading_alert')
      .select(['level', 'patient_id', 'reading_id'])
      .where('team_id', '=', long)
      .where('handled_at', 'is', null)
      .execute();
    expect(alerts).toMatchObject([{ level: 'refer', patient_id: wang }]);
    const token = await login('13900000004');
    const res = await get(token, '/api/v1/family-doctor/worklist');
    expect(res.statusCode, res.body).toBe(200);
    const w = res.json() as Worklist;
    expect(w.counts.alerts).toBe(1);
    expect(w.counts.overdue).toBeGreaterThanOrEqual(1);
    expect(w.counts.due).toBeGreaterThanOrEqual(1);
    const refer = w.due.find((f) => f.patientId === wang && f.reason === 'refer')!;
    expect(refer.dueOn > TODAY && refer.dueOn <= day(14)).toBe(true);
    expect(w.overdue.every((f) => f.dueOn < TODAY)).toBe(true);
  });

  it('the assessment counts the demo: 龙晓梅’s team with a renewal of two, a referral, a home visit', async () => {
    const token = await login('13500000001');
    const c01 = await database.db
      .selectFrom('institution')
      .select('id')
      .where('code', '=', 'YC-C01')
      .executeTakeFirstOrThrow();
    const res = await get(token, `/api/v1/family-doctor/assessment?institutionId=${c01.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const long = (res.json() as Assessment).teams.find((x) => x.teamName === '龙晓梅家庭医生团队')!;
    expect(long).toMatchObject({
      signed: 3, // 王秀英, 刘桂兰, 赵德福 (renewed); 孙丽's year ended
      renewalRate: 0.5,
      referralsUp: 1,
      homeServices: 1,
      hypertensionControlRate: 0.5, // 刘桂兰 controlled, 王秀英 uncontrolled
      diabetesControlRate: 1,
    });
    expect(long.byGroup).toMatchObject({ basic: 3, elderly: 3, hypertension: 2, diabetes: 1 });
    expect(long.satisfaction).not.toBeNull();
  });

  it('a second start adds nothing', async () => {
    const count = async () =>
      Number(
        (
          await database.db
            .selectFrom('family_contract')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const again = await startServer(config(), { database, clock: new ManualClock(NOW), listen: false });
    await again.close();
    expect(await count()).toBe(before);
  });
});
