/**
 * 智能监管 ([7/12], INS-4): the fraud screen on a settlement, the nightly batch, the insurer's alerts and
 * decisions, blocks, and the demo's overlapping-prescription case. Settlement rows are inserted the way
 * the checkout leaves them (an order, a settled insurance_settlement with its lines) so the rules' SQL
 * runs on real rows; each rule fires once and does not fire once (the pure cases are in
 * fraud.rules.test.ts). doctorHourlyLimit is 3 here so an hour's volume takes four settlements.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettlementFacts } from '../../src/server/modules/insurance/facts.js';
import { assertNotBlocked, screenSettlement } from '../../src/server/modules/insurance/fraud.service.js';
import { runFraudBatch } from '../../src/server/modules/insurance/fraud-batch.js';
import type { FeeLine, PersonInfo } from '../../src/server/modules/insurance/platform.js';
import { draftStatement } from '../../src/server/modules/insurance/reconciliation.service.js';
import { systemActor } from '../../src/server/platform/audit/audit.js';
import { runCommand } from '../../src/server/platform/command.js';
import { AppError } from '../../src/server/platform/errors.js';
import { newId } from '../../src/server/platform/ids.js';
import type { InsuranceAlert } from '../../src/shared/insurance.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { choose, institutionId } from '../support/circulation.js';
import { itOnPostgres } from '../support/db.js';
import { makePatients } from '../support/people.js';
import {
  completeVisit,
  followUpVisit,
  PHONES,
  practitionerIdOf,
  prescribeAmlodipine,
  review,
  sign,
} from '../support/prescriptions.js';

let t: TestApp;
const CONFIG = {
  insurance: {
    voucherTtlMs: 600_000,
    maxDaysSupply: 30,
    doctorHourlyLimit: 3,
    outOfRegionHighValueFen: 50_000,
    outOfRegionRepeat: 3,
    nightlyHour: 2,
  },
};
const DAY = 86_400_000;
const MIN = 60_000;
const inst: Record<string, string> = {};
const doc: Record<string, string> = {};
let policyId: string;
let insurer: string;

beforeAll(async () => {
  t = await createTestApp({ seed: true, config: CONFIG });
  for (const code of ['YC-H01', 'YC-H02', 'YC-C01', 'YC-R01']) inst[code] = await institutionId(t, code);
  for (const code of ['P001', 'P002', 'P003', 'P004', 'P005', 'P048'])
    doc[code] = await practitionerIdOf(t, code);
  policyId = (await t.ctx.db.selectFrom('insurance_policy').select('id').executeTakeFirstOrThrow()).id;
  insurer = await t.login('13400000001');
}, 240_000);
afterAll(async () => t?.close());

/** A screen that failed would pass every "no alert" case: none may have failed but the one meant to. */
const screenFailures = () => t.logLines.filter((l) => l.includes('fraud screen failed')).length;

const amlodipine = (days = 28, line = 1): FeeLine => ({
  line,
  kind: 'drug',
  itemCode: 'YY0001',
  itemName: '苯磺酸氨氯地平片',
  category: 'A',
  quantity: Math.ceil(days / 7),
  daysSupply: days,
  totalFen: 2_850 * Math.ceil(days / 7),
});

interface Made {
  settlementId: string;
  orderId: string;
  patientId: string;
  practitionerId: string | null;
  institutionId: string;
  lines: FeeLine[];
  totalFen: number;
  at: Date;
}

/** A settled insurance settlement as the checkout stores it: its order (paid), the row and its lines. */
async function settled(o: {
  patient: { patientId: string; accountId: string };
  institution: string;
  practitionerId?: string | null;
  at?: Date;
  lines?: FeeLine[];
  orderId?: string;
}): Promise<Made> {
  const at = o.at ?? t.clock.now();
  const lines = o.lines ?? [amlodipine()];
  const totalFen = lines.reduce((n, l) => n + l.totalFen, 0);
  const orderId = o.orderId ?? newId();
  if (!o.orderId) {
    await t.ctx.db
      .insertInto('payment_order')
      .values({
        id: orderId,
        patient_id: o.patient.patientId,
        account_id: o.patient.accountId,
        purpose: 'prescription',
        ref_id: newId(),
        description: '处方药品',
        amount_fen: totalFen,
        status: 'paid',
        channel: 'insurance',
        expires_at: new Date(at.getTime() + 30 * MIN),
        paid_at: at,
        created_at: at,
        institution_id: inst[o.institution]!,
        cash_fen: 0,
      })
      .execute();
  }
  const settlementId = newId();
  const fund = Math.floor(totalFen * 0.9);
  await t.ctx.db
    .insertInto('insurance_settlement')
    .values({
      id: settlementId,
      order_id: orderId,
      patient_id: o.patient.patientId,
      institution_id: inst[o.institution]!,
      psn_no: `5301${o.patient.patientId.slice(0, 8)}`,
      scheme: 'employee',
      insuring_region: '530102',
      policy_id: policyId,
      policy_version: 1,
      status: 'settled',
      msg_id: newId(),
      platform_setl_id: `SETL${newId()}`,
      total_fen: totalFen,
      fund_fen: fund,
      account_fen: totalFen - fund,
      cash_fen: 0,
      basis: JSON.stringify({}),
      practitioner_id: o.practitionerId === undefined ? doc.P001! : o.practitionerId,
      requested_at: new Date(at.getTime() - 1_000),
      settled_at: at,
    })
    .execute();
  await t.ctx.db
    .insertInto('insurance_settlement_line')
    .values(
      lines.map((l) => {
        const lf = Math.floor(l.totalFen * 0.9);
        return {
          settlement_id: settlementId,
          line: l.line,
          kind: l.kind,
          item_code: l.itemCode,
          item_name: l.itemName,
          category: l.category,
          quantity: l.quantity,
          days_supply: l.daysSupply,
          total_fen: l.totalFen,
          fund_fen: lf,
          account_fen: l.totalFen - lf,
          cash_fen: 0,
        };
      }),
    )
    .execute();
  return {
    settlementId,
    orderId,
    patientId: o.patient.patientId,
    practitionerId: o.practitionerId === undefined ? doc.P001! : o.practitionerId,
    institutionId: inst[o.institution]!,
    lines,
    totalFen,
    at,
  };
}

const person = (over: Partial<PersonInfo> = {}): PersonInfo => ({
  psnNo: '5301000000001',
  name: '参保人',
  scheme: 'employee',
  insuringRegion: '530102',
  insuringRegionName: '云川区',
  balanceFen: 100_000,
  ytdYear: 2026,
  ytdTotalFen: 0,
  ytdDeductibleFen: 0,
  ytdFundFen: 0,
  deathDate: null,
  ...over,
});

/** The facts the checkout hands the screen for a settlement it just made. */
const factsOf = (m: Made, over: Partial<SettlementFacts> = {}): SettlementFacts => ({
  settlementId: m.settlementId,
  orderId: m.orderId,
  patientId: m.patientId,
  practitionerId: m.practitionerId,
  institutionId: m.institutionId,
  institutionDistrict: '云川区',
  prescriptionId: null,
  visitId: null,
  visitStatus: null,
  person: person(),
  lines: m.lines,
  totalFen: m.totalFen,
  fundFen: Math.floor(m.totalFen * 0.9),
  at: m.at,
  ...over,
});

/** Screens in a command as the checkout does (its settlement command), and says it committed. */
async function screen(facts: SettlementFacts): Promise<void> {
  await runCommand(t.ctx, systemActor, async (cmd) => {
    await screenSettlement(cmd, facts);
  });
}

const alertsOf = (settlementId: string) =>
  t.ctx.db.selectFrom('insurance_alert').selectAll().where('settlement_id', '=', settlementId).execute();
const alertsAbout = (subjectId: string, rule?: string) =>
  t.ctx.db
    .selectFrom('insurance_alert')
    .selectAll()
    .where('subject_id', '=', subjectId)
    .$if(!!rule, (q) => q.where('rule', '=', rule!))
    .execute();

async function list(query = '', headers: Record<string, string> = {}) {
  const res = await t.request('GET', `/api/v1/insurance/alerts${query}`, { token: insurer, headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: InsuranceAlert[]; nextCursor: string | null };
}
const decide = (id: string, decision: string, note?: string, token = insurer) =>
  t.request('POST', `/api/v1/insurance/alerts/${id}/decision`, {
    token,
    body: { decision, ...(note ? { note } : {}) },
  });

async function blockedCode(subjects: { patientId: string; practitionerId: string | null }) {
  try {
    await assertNotBlocked(t.ctx.db, subjects);
    return null;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
}

describe('the screen at settlement (INS-4)', () => {
  it('INS-4 overlapping_supply: the same drug at a second institution while the first supply lasts raises one open alert, once', async () => {
    const [p] = await makePatients(t, 1);
    await settled({ patient: p!, institution: 'YC-H01', at: new Date(t.clock.now().getTime() - 5 * DAY) });
    const second = await settled({ patient: p!, institution: 'YC-C01', practitionerId: doc.P048! });
    await screen(factsOf(second));
    await screen(factsOf(second)); // the batch or a retry sees the same hit: not raised twice
    const alerts = await alertsOf(second.settlementId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      rule: 'overlapping_supply',
      subject_kind: 'patient',
      subject_id: p!.patientId,
      status: 'open',
      source: 'settlement',
    });
    expect(alerts[0]!.evidence).toMatchObject({ overlapDays: 23, institutions: 2 });
    // The hit does not refuse the settlement: it stands.
    const row = await t.ctx.db
      .selectFrom('insurance_settlement')
      .select('status')
      .where('id', '=', second.settlementId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('settled');
  });

  it('INS-4 overlapping_supply: a supply that ran out before is no alert', async () => {
    const [p] = await makePatients(t, 1);
    await settled({ patient: p!, institution: 'YC-H01', at: new Date(t.clock.now().getTime() - 29 * DAY) });
    const second = await settled({ patient: p!, institution: 'YC-C01' });
    await screen(factsOf(second));
    expect(await alertsOf(second.settlementId)).toEqual([]);
  });

  it('INS-4 over_day_limit: 56 days of a drug raises an alert on the prescriber; 28 days does not', async () => {
    const [p] = await makePatients(t, 1);
    const long = await settled({
      patient: p!,
      institution: 'YC-H01',
      practitionerId: doc.P002!,
      lines: [amlodipine(56)],
    });
    await screen(factsOf(long));
    const [a] = await alertsOf(long.settlementId);
    expect(a).toMatchObject({ rule: 'over_day_limit', subject_kind: 'practitioner', subject_id: doc.P002 });
    const [q] = await makePatients(t, 1);
    const normal = await settled({ patient: q!, institution: 'YC-H01', practitionerId: doc.P002! });
    await screen(factsOf(normal));
    expect(await alertsOf(normal.settlementId)).toEqual([]);
  });

  it("INS-4 no_completed_visit: a prescription settled against another patient's visit raises an alert; the visit in progress with its own patient does not", async () => {
    const [patientToken, doctorToken] = await Promise.all([t.login(PHONES.zhang), t.login(PHONES.chen)]);
    const visitId = await followUpVisit(t, { patientToken, doctorToken });
    const zhang = await t.ctx.db
      .selectFrom('patient')
      .select(['id as patientId', 'account_id as accountId'])
      .where('name', '=', '张伟')
      .executeTakeFirstOrThrow();
    const own = await settled({
      patient: { patientId: zhang.patientId, accountId: zhang.accountId! },
      institution: 'YC-H01',
    });
    await screen(factsOf(own, { prescriptionId: newId(), visitId, visitStatus: 'in_progress' }));
    // (张伟's seeded amlodipine supplies may overlap this one: only the visit rule is the question here.)
    expect((await alertsOf(own.settlementId)).filter((a) => a.rule === 'no_completed_visit')).toEqual([]);
    const [other] = await makePatients(t, 1);
    const foreign = await settled({ patient: other!, institution: 'YC-H01' });
    await screen(factsOf(foreign, { prescriptionId: newId(), visitId, visitStatus: 'in_progress' }));
    const [a] = await alertsOf(foreign.settlementId);
    expect(a).toMatchObject({
      rule: 'no_completed_visit',
      subject_kind: 'practitioner',
      subject_id: doc.P001,
    });
    expect(a!.evidence).toMatchObject({
      visitId,
      visitStatus: 'in_progress',
      samePatient: false,
      stage: 'settlement',
    });
    await completeVisit(t, visitId, doctorToken);
  });

  it('INS-4 doctor_hourly_volume: the fourth insured prescription of a doctor within 60 minutes raises one alert; four spread over three hours do not', async () => {
    const patients = await makePatients(t, 8);
    const now = t.clock.now().getTime();
    let last: Made | undefined;
    for (let i = 0; i < 4; i++) {
      last = await settled({
        patient: patients[i]!,
        institution: 'YC-H02',
        practitionerId: doc.P003!,
        at: new Date(now - (3 - i) * 15 * MIN),
      });
    }
    await screen(factsOf(last!));
    const hits = await alertsAbout(doc.P003!, 'doctor_hourly_volume');
    expect(hits).toHaveLength(1);
    expect(hits[0]!.evidence).toMatchObject({ limit: 3, count: 4 });
    let spread: Made | undefined;
    for (let i = 0; i < 4; i++) {
      spread = await settled({
        patient: patients[4 + i]!,
        institution: 'YC-H02',
        practitionerId: doc.P004!,
        at: new Date(now - (3 - i) * 61 * MIN),
      });
    }
    await screen(factsOf(spread!));
    expect(await alertsAbout(doc.P004!, 'doctor_hourly_volume')).toEqual([]);
  });

  it('INS-4 out_of_region_high_value: a third high claim outside the insuring region within 30 days raises an alert; a second does not', async () => {
    const [p, q] = await makePatients(t, 2);
    const now = t.clock.now().getTime();
    const high = [amlodipine(28), { ...amlodipine(28, 2), itemCode: 'X-HIGH', totalFen: 50_000 }];
    const away = person({ insuringRegion: '530125', insuringRegionName: '云溪县' });
    for (const d of [20, 9])
      await settled({ patient: p!, institution: 'YC-H01', lines: high, at: new Date(now - d * DAY) });
    const third = await settled({ patient: p!, institution: 'YC-H02', lines: high });
    await screen(factsOf(third, { person: away }));
    const [a] = await alertsAbout(p!.patientId, 'out_of_region_high_value');
    expect(a).toMatchObject({ subject_kind: 'patient', settlement_id: third.settlementId });
    expect((a!.evidence as { claims: unknown[] }).claims).toHaveLength(3);
    await settled({ patient: q!, institution: 'YC-H01', lines: high, at: new Date(now - 9 * DAY) });
    const second = await settled({ patient: q!, institution: 'YC-H02', lines: high });
    await screen(factsOf(second, { person: away }));
    expect(await alertsAbout(q!.patientId, 'out_of_region_high_value')).toEqual([]);
  });

  it('INS-4 after_death: a settlement after the recorded date of death raises an alert; without one it does not', async () => {
    const [p, q] = await makePatients(t, 2);
    const dead = await settled({ patient: p!, institution: 'YC-H01' });
    await screen(factsOf(dead, { person: person({ deathDate: '2026-10-01' }) }));
    expect(await alertsOf(dead.settlementId)).toMatchObject([
      { rule: 'after_death', subject_id: p!.patientId },
    ]);
    const alive = await settled({ patient: q!, institution: 'YC-H01' });
    await screen(factsOf(alive));
    expect(await alertsOf(alive.settlementId)).toEqual([]);
  });
});

describe('no screen failed so far', () => {
  it('INS-4: every screen above ran to the end (a failing one would read as "no alert")', () => {
    expect(screenFailures()).toBe(0);
  });
});

describe('a screen that fails (INS-4)', () => {
  it('INS-4: its writes are undone under its savepoint, the settlement command still commits, and the failure is logged', async () => {
    const [p] = await makePatients(t, 1);
    const m = await settled({ patient: p!, institution: 'YC-H01' });
    // A settlement id with no row: the alert's foreign key refuses it, inside the screen.
    const ghost = newId();
    const marker = newId();
    await runCommand(t.ctx, systemActor, async (cmd) => {
      await screenSettlement(
        cmd,
        factsOf(m, { settlementId: ghost, person: person({ deathDate: '2026-01-01' }) }),
      );
      await cmd.audit({ action: 'test.after_screen', resourceType: 'test', resourceId: marker });
    });
    const after = await t.ctx.db
      .selectFrom('audit_event')
      .select('id')
      .where('resource_id', '=', marker)
      .execute();
    expect(after).toHaveLength(1);
    expect(await alertsAbout(p!.patientId)).toEqual([]);
    expect(t.logLines.filter((l) => l.includes('fraud screen failed') && l.includes(ghost))).toHaveLength(1);
  });
});

describe('alerts and decisions (INS-4)', () => {
  it('INS-4: only the insurer sees and decides alerts (403 for the regulator and a patient)', async () => {
    const [p] = await makePatients(t, 1);
    const regulator = await t.login(PHONES.regulator);
    for (const token of [regulator, p!.token]) {
      const res = await t.request('GET', '/api/v1/insurance/alerts', { token });
      expect(res.statusCode).toBe(403);
      const d = await decide(newId(), 'confirm', undefined, token);
      expect(d.statusCode).toBe(403);
    }
    expect((await decide(newId(), 'confirm')).statusCode).toBe(404);
  });

  it('INS-4: the list is newest first, paged by cursor, filtered by status, with names and a summary in the caller language', async () => {
    const all = await list('?status=open');
    expect(all.items.length).toBeGreaterThanOrEqual(5);
    expect(all.items.every((a) => a.status === 'open')).toBe(true);
    const created = all.items.map((a) => a.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
    const first = await list('?status=open&limit=2');
    expect(first.items.map((a) => a.id)).toEqual(all.items.slice(0, 2).map((a) => a.id));
    const next = await list(`?status=open&limit=2&cursor=${first.nextCursor}`);
    expect(next.items.map((a) => a.id)).toEqual(all.items.slice(2, 4).map((a) => a.id));
    const doctor = all.items.find((a) => a.rule === 'over_day_limit')!;
    const p002 = await t.ctx.db
      .selectFrom('practitioner')
      .select('name')
      .where('id', '=', doc.P002!)
      .executeTakeFirstOrThrow();
    expect(doctor).toMatchObject({
      subjectKind: 'practitioner',
      subjectId: doc.P002,
      subjectName: p002.name,
    });
    expect(doctor.summary).toMatch(/超过 30 天用量上限：苯磺酸氨氯地平片 56 天。$/);
    const en = await list('?status=open', { 'accept-language': 'en-US,en;q=0.9' });
    expect(en.items.find((a) => a.id === doctor.id)!.summary).toMatch(/beyond the 30-day limit/);
    const bad = await t.request('GET', '/api/v1/insurance/alerts?cursor=nonsense', { token: insurer });
    expect(bad.statusCode).toBe(400);
  });

  it('INS-4: confirming a patient alert blocks their settlement and tells them; a second confirm is 409; clearing lifts it', async () => {
    const [p] = await makePatients(t, 1);
    const m = await settled({ patient: p!, institution: 'YC-H01' });
    await screen(factsOf(m, { person: person({ deathDate: '2026-01-01' }) }));
    const [a] = await alertsOf(m.settlementId);
    expect(await blockedCode({ patientId: p!.patientId, practitionerId: doc.P001! })).toBeNull();

    const res = await decide(a!.id, 'confirm', '与公安户籍信息核对属实');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'confirmed', decisionNote: '与公安户籍信息核对属实' });
    expect(await blockedCode({ patientId: p!.patientId, practitionerId: null })).toBe(
      'INSURANCE_BLOCKED_PATIENT',
    );
    const inbox = (await t.request('GET', '/api/v1/notifications', { token: p!.token })).json();
    expect(inbox.items[0]).toMatchObject({ kind: 'insurance', title: '您的医保结算已被暂停' });
    expect(inbox.items[0].body).toContain('INSURANCE_BLOCKED_PATIENT');

    const again = await decide(a!.id, 'confirm');
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('INSURANCE_ALERT_DECISION_NOT_ALLOWED');
    expect((await decide(a!.id, 'dismiss')).statusCode).toBe(409);

    const clear = await decide(a!.id, 'clear');
    expect(clear.statusCode).toBe(200);
    expect(clear.json()).toMatchObject({ status: 'cleared', decisionNote: '与公安户籍信息核对属实' });
    expect(clear.json().clearedAt).not.toBeNull();
    expect(await blockedCode({ patientId: p!.patientId, practitionerId: null })).toBeNull();
    const after = (await t.request('GET', '/api/v1/notifications', { token: p!.token })).json();
    expect(after.items[0]).toMatchObject({ kind: 'insurance', title: '您的医保结算已恢复' });
    expect((await decide(a!.id, 'clear')).statusCode).toBe(409);
  });

  it('INS-4: confirming a doctor alert blocks their prescriptions and tells the doctor; dismissing another blocks nothing', async () => {
    const [p, q] = await makePatients(t, 2);
    const one = await settled({ patient: p!, institution: 'YC-H01', lines: [amlodipine(60)] });
    const two = await settled({ patient: q!, institution: 'YC-H01', lines: [amlodipine(42)] });
    await screen(factsOf(one));
    await screen(factsOf(two));
    const [a1] = await alertsOf(one.settlementId);
    const [a2] = await alertsOf(two.settlementId);

    expect((await decide(a2!.id, 'dismiss', '长期处方，病情稳定')).json()).toMatchObject({
      status: 'dismissed',
    });
    expect(await blockedCode({ patientId: q!.patientId, practitionerId: doc.P001! })).toBeNull();
    expect((await decide(a2!.id, 'clear')).statusCode).toBe(409);

    expect((await decide(a1!.id, 'confirm')).statusCode).toBe(200);
    expect(await blockedCode({ patientId: q!.patientId, practitionerId: doc.P001! })).toBe(
      'INSURANCE_BLOCKED_PRACTITIONER',
    );
    const chen = await t.login(PHONES.chen);
    const inbox = (await t.request('GET', '/api/v1/notifications', { token: chen })).json();
    expect(inbox.items[0]).toMatchObject({ kind: 'insurance', title: '开方医生的医保结算资格已被暂停' });
    expect(inbox.items[0].body).toContain('INSURANCE_BLOCKED_PRACTITIONER');
    // Another doctor's prescriptions for the same patient are not blocked.
    expect(await blockedCode({ patientId: q!.patientId, practitionerId: doc.P002! })).toBeNull();

    expect((await decide(a1!.id, 'clear')).statusCode).toBe(200);
    expect(await blockedCode({ patientId: q!.patientId, practitionerId: doc.P001! })).toBeNull();
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['action', 'details'])
      .where('resource_id', '=', a1!.id)
      .orderBy('id')
      .execute();
    expect(audit.map((e) => [e.action, (e.details as { decision?: string }).decision])).toEqual([
      ['insurance.alert_raised', undefined],
      ['insurance.alert_decided', 'confirm'],
      ['insurance.alert_decided', 'clear'],
    ]);
  });
});

describe('the nightly batch (INS-4)', () => {
  it('INS-4: after the nightly hour it finds a doctor hourly volume the screen never saw, once; a second run raises nothing', async () => {
    const patients = await makePatients(t, 4);
    // Yesterday (2026-11-21, Shanghai) from 15:00: four insured prescriptions of P048 in 45 minutes, none screened.
    const start = new Date('2026-11-21T15:00:00+08:00').getTime();
    for (let i = 0; i < 4; i++) {
      await settled({
        patient: patients[i]!,
        institution: 'YC-C01',
        practitionerId: doc.P048!,
        at: new Date(start + i * 15 * MIN),
      });
    }
    expect(await alertsAbout(doc.P048!, 'doctor_hourly_volume')).toEqual([]);

    t.clock.set('2026-11-22T01:30:00+08:00'); // before the nightly hour: not due
    expect(await runFraudBatch(t.ctx, t.insurance)).toBeNull();
    t.clock.set('2026-11-22T02:05:00+08:00');
    const run = await runFraudBatch(t.ctx, t.insurance);
    expect(run).toMatchObject({ day: '2026-11-21', settlements: 4 });
    expect(run!.raised).toBeGreaterThanOrEqual(1);
    const hits = await alertsAbout(doc.P048!, 'doctor_hourly_volume');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ source: 'batch', status: 'open', subject_kind: 'practitioner' });
    expect(hits[0]!.evidence).toMatchObject({ count: 4, limit: 3 });

    expect(await runFraudBatch(t.ctx, t.insurance)).toBeNull(); // done for the day on this node
    const rerun = await runFraudBatch(t.ctx, t.insurance, { day: '2026-11-21' });
    expect(rerun).toMatchObject({ day: '2026-11-21', raised: 0 });
    expect(await alertsAbout(doc.P048!, 'doctor_hourly_volume')).toHaveLength(1);
    t.clock.set('2026-11-22T10:00:00+08:00');
  });

  it('INS-4 no_completed_visit: the batch finds a settled prescription whose visit ended referred offline; a completed one is no hit; screened hits are not raised again', async () => {
    const [patient, doctor, pharmacist] = await Promise.all([
      t.login(PHONES.zhang),
      t.login(PHONES.chen),
      t.login(PHONES.zheng),
    ]);
    const zhang = await t.ctx.db
      .selectFrom('patient')
      .select(['id as patientId', 'account_id as accountId'])
      .where('name', '=', '张伟')
      .executeTakeFirstOrThrow();
    const who = { patientId: zhang.patientId, accountId: zhang.accountId! };

    /** A prescription of a follow-up, approved and a pharmacy chosen (its order), the visit ended `end`. */
    async function prescribed(end: 'complete' | 'refer') {
      const visitId = await followUpVisit(t, { patientToken: patient, doctorToken: doctor });
      const rx = await prescribeAmlodipine(t, visitId, doctor, 7);
      await sign(t, rx, doctor);
      if (end === 'complete') await completeVisit(t, visitId, doctor);
      else {
        const res = await t.request('POST', `/api/v1/visits/${visitId}/refer-offline`, {
          token: doctor,
          body: { reason: '需线下复查心电图', recommendation: { note: '心内科门诊复查' } },
        });
        expect(res.statusCode, res.body).toBe(200);
      }
      await review(t, rx, pharmacist, 'approve');
      const f = await choose(t, patient, rx, { pharmacyId: inst['YC-R01'], method: 'pickup' });
      expect(f.statusCode, f.body).toBe(201);
      return { rx, visitId, orderId: (f.json() as { orderId: string }).orderId };
    }
    const referred = await prescribed('refer');
    const completed = await prescribed('complete');
    const a = await settled({
      patient: who,
      institution: 'YC-H01',
      orderId: referred.orderId,
      lines: [amlodipine(7)],
    });
    const b = await settled({
      patient: who,
      institution: 'YC-H01',
      orderId: completed.orderId,
      lines: [amlodipine(7)],
    });
    // The online screen of an earlier overlapping pair today: the batch must not raise it again.
    const [p] = await makePatients(t, 1);
    await settled({ patient: p!, institution: 'YC-H01', at: new Date(t.clock.now().getTime() - 2 * DAY) });
    const pair = await settled({ patient: p!, institution: 'YC-C01' });
    await screen(factsOf(pair));
    expect(await alertsOf(pair.settlementId)).toHaveLength(1);

    const run = await runFraudBatch(t.ctx, t.insurance, { day: '2026-11-22' });
    expect(run).not.toBeNull();
    // (张伟's seeded amlodipine from YC-C01 overlaps these supplies too: only the visit rule is asked here.)
    const visitRule = async (settlementId: string) =>
      (await alertsOf(settlementId)).filter((x) => x.rule === 'no_completed_visit');
    const hit = await visitRule(a.settlementId);
    expect(hit).toMatchObject([{ rule: 'no_completed_visit', source: 'batch', subject_id: doc.P001 }]);
    expect(hit[0]!.evidence).toMatchObject({
      prescriptionId: referred.rx,
      visitId: referred.visitId,
      visitStatus: 'referred_offline',
      stage: 'batch',
    });
    expect(await visitRule(b.settlementId)).toEqual([]);
    expect(await alertsOf(pair.settlementId)).toHaveLength(1);
    const [view] = (await list('?status=open')).items.filter((x) => x.id === hit[0]!.id);
    expect(view!.summary).toBe('2026-11-22 结算的处方，其问诊最终未完成（已转线下就诊）。');
  });
});

describe('a subject blocked twice (INS-4)', () => {
  const restored = async (token: string) =>
    ((await t.request('GET', '/api/v1/notifications', { token })).json().items as { title: string }[]).filter(
      (n) => n.title === '您的医保结算已恢复',
    ).length;

  /** A patient with two confirmed after_death alerts (two settlements). */
  async function twiceBlocked() {
    const [p] = await makePatients(t, 1);
    const ids: string[] = [];
    for (const institution of ['YC-H01', 'YC-C01']) {
      const m = await settled({ patient: p!, institution });
      await screen(factsOf(m, { person: person({ deathDate: '2026-01-01' }) }));
      const [a] = await alertsOf(m.settlementId);
      expect((await decide(a!.id, 'confirm')).statusCode).toBe(200);
      ids.push(a!.id);
    }
    return { p: p!, ids };
  }

  it('INS-4: clearing one of two confirmed alerts keeps the block and says nothing; clearing the last tells the patient once', async () => {
    const { p, ids } = await twiceBlocked();
    expect((await decide(ids[0]!, 'clear')).statusCode).toBe(200);
    expect(await blockedCode({ patientId: p.patientId, practitionerId: null })).toBe(
      'INSURANCE_BLOCKED_PATIENT',
    );
    expect(await restored(p.token)).toBe(0);
    expect((await decide(ids[1]!, 'clear')).statusCode).toBe(200);
    expect(await blockedCode({ patientId: p.patientId, practitionerId: null })).toBeNull();
    expect(await restored(p.token)).toBe(1);
  });

  itOnPostgres(
    'INS-4: both confirmed alerts cleared at once: each patient is told once that settlement is restored',
    async () => {
      const subjects = [await twiceBlocked(), await twiceBlocked(), await twiceBlocked()];
      const ids = subjects.flatMap((s) => s.ids);
      // Both clears of each pair wait on the alert rows held here, then go together.
      let answers: Awaited<ReturnType<typeof decide>>[] = [];
      let clears: Promise<typeof answers> | undefined;
      await t.ctx.db.transaction().execute(async (trx) => {
        await trx.selectFrom('insurance_alert').select('id').where('id', 'in', ids).forUpdate().execute();
        clears = Promise.all(ids.map((id) => decide(id, 'clear')));
        await new Promise((r) => setTimeout(r, 300));
      });
      answers = await clears!;
      expect(answers.every((r) => r.statusCode === 200)).toBe(true);
      for (const { p } of subjects) {
        expect(await blockedCode({ patientId: p.patientId, practitionerId: null })).toBeNull();
        expect(await restored(p.token)).toBe(1);
      }
    },
  );
});

describe('the nightly batch on several nodes and after a restart (INS-4)', () => {
  it('INS-4: a node with fresh memory (another node, or this one restarted) does not run a day already run: one insurance.fraud_batch audit', async () => {
    const runsOf = async (day: string) =>
      (
        await t.ctx.db
          .selectFrom('audit_event')
          .select('details')
          .where('action', '=', 'insurance.fraud_batch')
          .execute()
      ).filter((r) => (r.details as { day?: string }).day === day).length;
    const night = '2026-11-24T02:30:00+08:00';
    const first = await createTestApp({ database: t.database, config: CONFIG, now: night });
    const second = await createTestApp({ database: t.database, config: CONFIG, now: night });
    try {
      expect(await runFraudBatch(first.ctx, first.insurance)).toMatchObject({ day: '2026-11-23' });
      expect(await runFraudBatch(second.ctx, second.insurance)).toBeNull();
      expect(await runFraudBatch(first.ctx, first.insurance)).toBeNull();
      expect(await runsOf('2026-11-23')).toBe(1);
      // The marker is per day and job: the next night runs.
      second.clock.set('2026-11-25T02:30:00+08:00');
      expect(await runFraudBatch(second.ctx, second.insurance)).toMatchObject({ day: '2026-11-24' });
      expect(await runsOf('2026-11-24')).toBe(1);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('several nodes (INS-4)', () => {
  itOnPostgres('INS-4: two nodes running the batch of one day at once raise each hit once', async () => {
    const other = await createTestApp({ database: t.database, config: CONFIG });
    try {
      const patients = await makePatients(t, 4);
      const start = new Date('2026-11-20T15:00:00+08:00').getTime();
      for (let i = 0; i < 4; i++) {
        await settled({
          patient: patients[i]!,
          institution: 'YC-H02',
          practitionerId: doc.P005!,
          at: new Date(start + i * 10 * MIN),
        });
      }
      const count = async () =>
        Number(
          (
            await t.ctx.db
              .selectFrom('insurance_alert')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await count();
      const runs = await Promise.all([
        runFraudBatch(t.ctx, t.insurance, { day: '2026-11-20' }),
        runFraudBatch(other.ctx, other.insurance, { day: '2026-11-20' }),
      ]);
      expect(await alertsAbout(doc.P005!, 'doctor_hourly_volume')).toHaveLength(1);
      expect(runs.reduce((n, r) => n + (r?.raised ?? 0), 0)).toBe((await count()) - before);
    } finally {
      await other.close();
    }
  });
});

describe('the demo case (seedFraudDemo, run by the demo seed)', () => {
  it('INS-4: 张伟 has two settled amlodipine supplies at two institutions, the platform ledger agrees, and the open alert shows for the insurer', async () => {
    const ids = {
      institutions: new Map<string, string>(),
      practitioners: new Map<string, string>(),
      patients: new Map<string, string>(),
    };
    for (const r of await t.ctx.db.selectFrom('institution').select(['id', 'code']).execute())
      ids.institutions.set(r.code, r.id);
    for (const r of await t.ctx.db.selectFrom('practitioner').select(['id', 'code']).execute())
      ids.practitioners.set(r.code, r.id);
    for (const r of await t.ctx.db.selectFrom('patient').select(['id', 'name']).execute())
      ids.patients.set(r.name, r.id);
    // The demo seed ran seedFraudDemo when this file's app was made: its alert is the one of source 'seed',
    // raised with the second settlement, 3 days before the seed's clock; the first settled 10 days before.
    const seededAlert = await t.ctx.db
      .selectFrom('insurance_alert')
      .select(['id', 'settlement_id', 'created_at'])
      .where('source', '=', 'seed')
      .executeTakeFirstOrThrow();
    const now = new Date(seededAlert.created_at.getTime() + 3 * DAY);
    const first = await t.ctx.db
      .selectFrom('insurance_settlement')
      .select('id')
      .where('patient_id', '=', ids.patients.get('张伟')!)
      .where('settled_at', '=', new Date(now.getTime() - 10 * DAY))
      .executeTakeFirstOrThrow();
    const seeded = { alertId: seededAlert.id, settlementIds: [first.id, seededAlert.settlement_id!] };

    const rows = await t.ctx.db
      .selectFrom('insurance_settlement')
      .selectAll()
      .where('id', 'in', seeded.settlementIds)
      .orderBy('settled_at')
      .execute();
    expect(rows.map((r) => [r.institution_id, r.status, r.patient_id])).toEqual([
      [inst['YC-H01'], 'settled', ids.patients.get('张伟')],
      [inst['YC-C01'], 'settled', ids.patients.get('张伟')],
    ]);
    expect(rows.map((r) => Math.round((now.getTime() - r.settled_at!.getTime()) / DAY))).toEqual([10, 3]);
    // Tertiary: the 300-yuan deductible takes it all (account pays); primary: the fund pays 90 %.
    expect(rows.map((r) => [r.total_fen, r.fund_fen, r.account_fen, r.cash_fen])).toEqual([
      [11_400, 0, 11_400, 0],
      [11_400, 10_260, 1_140, 0],
    ]);
    const orders = await t.ctx.db
      .selectFrom('payment_order')
      .select(['status', 'cash_fen', 'insurance_settlement_id'])
      .where(
        'id',
        'in',
        rows.map((r) => r.order_id),
      )
      .execute();
    expect(orders.every((o) => o.status === 'paid' && o.cash_fen === 0)).toBe(true);
    // The simulated platform has the same two settlements (3202 of each day), and each day reconciles.
    for (const r of rows) {
      const day = new Date(r.settled_at!.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
      const statement = await draftStatement(t.ctx, t.insurance, r.institution_id, day);
      expect(statement).toMatchObject({ status: 'balanced', settlements: 1, orders: 1, mismatches: [] });
    }
    for (const r of rows) {
      const code = r.institution_id === inst['YC-H01'] ? 'YC-H01' : 'YC-C01';
      const day = new Date(r.settled_at!.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
      const details = await t.insurance.platform.dailyDetails({
        msgId: newId(),
        institutionCode: code,
        date: day,
      });
      expect(details.find((d) => d.msgId === r.msg_id)).toMatchObject({
        setlId: r.platform_setl_id,
        orderRef: r.order_id,
        fundFen: r.fund_fen,
        accountFen: r.account_fen,
        cashFen: 0,
        status: 'settled',
      });
    }

    // Raised three days ago (with the second settlement): further down the newest-first list.
    const [alert] = (await list('?limit=100')).items.filter((a) => a.id === seeded.alertId);
    expect(alert).toMatchObject({
      rule: 'overlapping_supply',
      subjectKind: 'patient',
      subjectName: '张伟',
      status: 'open',
      source: 'seed',
      settlementId: seeded.settlementIds[1],
    });
    expect(alert!.summary).toContain('用药时段重叠 21 天');
    // The screen of the second settlement sees the same hit and raises nothing more.
    const second = rows[1]!;
    await screen({
      settlementId: second.id,
      orderId: second.order_id,
      patientId: second.patient_id,
      practitionerId: second.practitioner_id,
      institutionId: second.institution_id,
      institutionDistrict: '云川区',
      prescriptionId: null,
      visitId: null,
      visitStatus: null,
      person: person(),
      lines: [amlodipine(28)],
      totalFen: second.total_fen,
      fundFen: second.fund_fen,
      at: second.settled_at!,
    });
    expect(await alertsOf(second.id)).toHaveLength(1);
  });
});

describe('no other screen failed', () => {
  it('INS-4: the only failed screen is the one provoked above', () => {
    expect(screenFailures()).toBe(1);
  });
});
