/**
 * Property ([5/12] Done-when): no item list the rules reject can be signed through any route (RX-2: checks
 * on every save and again on signing). fast-check generates item lists from a small pool of seeded drugs —
 * a specially managed one, an antimicrobial, herbal pieces next to Western drugs, two sharing an
 * ingredient, more than five items, excessive doses, wrong quantities, long supplies — and drives them
 * through POST (201 exactly when the rules, fed here independently of the server, pass; else 422), PUT of a
 * rejected list onto an accepted draft (422, draft unchanged) and sign. Every signed prescription's stored
 * items pass the rules.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrugSeed } from '../../src/server/modules/prescriptions/drug.types.js';
import { SEVERE_INTERACTIONS } from '../../src/server/modules/prescriptions/interactions-data.js';
import {
  checkPrescription,
  FREQUENCIES,
  type RuleInput,
  requiredPackages,
} from '../../src/server/modules/prescriptions/prescription.rules.js';
import { ageYearsAt } from '../../src/server/modules/prescriptions/prescription-evaluation.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { catalogue, followUpVisit, PHONES, practitionerIdOf } from '../support/prescriptions.js';

let t: TestApp;
let chen: string;
let visitId: string;
let pool: DrugSeed[];
let formulary: Set<string>;
let chenId: string;
let ageYears: number;

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  const zhang = await t.login(PHONES.zhang);
  chen = await t.login(PHONES.chen);
  visitId = await followUpVisit(t, { patientToken: zhang, doctorToken: chen });
  chenId = await practitionerIdOf(t, 'P001');
  const { drugs, inFormulary } = await catalogue(t);
  formulary = inFormulary;
  const named = (name: string) => drugs.find((d) => d.genericName === name)!;
  const first = (pred: (d: DrugSeed) => boolean) => drugs.find(pred)!;
  pool = [
    named('苯磺酸氨氯地平片'),
    named('氨氯地平贝那普利片'), // shares 氨氯地平
    first((d) => d.genericName.includes('二甲双胍') && d.ingredients.length === 1),
    first((d) => d.genericName.includes('阿托伐他汀') && d.ingredients.length === 1),
    first((d) => d.genericName.includes('氯沙坦') && d.ingredients.length === 1),
    first((d) => d.genericName.includes('美托洛尔')),
    named('阿莫西林胶囊'), // antimicrobial: never more than 7 days
    first((d) => d.specialFlags.length > 0), // RX-4
    first((d) => d.kind === 'herbal'),
    first((d) => d.kind === 'patent' && formulary.has(d.id)),
  ];
  for (const d of pool) expect(d, 'pool drug present in the catalogue').toBeDefined();
  const zhangRow = await t.ctx.db
    .selectFrom('patient')
    .select('birth_date')
    .where('name', '=', '张伟')
    .executeTakeFirstOrThrow();
  ageYears = ageYearsAt(String(zhangRow.birth_date), t.clock.now());
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const FREQS = ['qd', 'bid', 'tid'] as const;

interface Gene {
  drug: number;
  factor: number;
  frequency: (typeof FREQS)[number];
  days: number;
  off: number;
}

/** A line from its genes: a pool drug at a multiple of its usual dose, with a quantity right or off by one. */
function lineOf(g: Gene) {
  const d = pool[g.drug]!;
  const dose = Number(((d.usualDailyDose * g.factor) / FREQUENCIES[g.frequency].perDay).toFixed(3));
  const base = {
    drugId: d.id,
    dose,
    doseUnit: d.strengthUnit,
    frequency: g.frequency,
    days: g.days,
    route: d.route,
  };
  const right = requiredPackages(d, base) ?? 1;
  return { ...base, quantity: Math.max(1, right + g.off) };
}

/** Anything from the pool: special, antimicrobial, herbal, duplicates, big doses, long supplies, wrong quantities. */
const wildItem = fc
  .record({
    drug: fc.integer({ min: 0, max: 9 }),
    factor: fc.constantFrom(0.5, 1, 1, 2, 4),
    frequency: fc.constantFrom(...FREQS),
    days: fc.constantFrom(1, 3, 7, 7, 14, 31),
    off: fc.constantFrom(0, 0, 0, 1, -1),
  })
  .map(lineOf);

/** Plausible lists (distinct plain drugs, usual doses, ≤ 30 days, right quantities): mostly accepted. */
const plainItems = fc
  .uniqueArray(fc.constantFrom(0, 2, 3, 4, 5), { minLength: 1, maxLength: 3 })
  .chain((drugs) =>
    fc.tuple(
      ...drugs.map((drug) =>
        fc
          .record({
            factor: fc.constantFrom(0.5, 1),
            frequency: fc.constantFrom(...FREQS),
            days: fc.constantFrom(1, 3, 7, 14),
          })
          .map((g) => lineOf({ ...g, drug, off: 0 })),
      ),
    ),
  );

const bodyArb = fc.record({
  items: fc.oneof(plainItems, fc.array(wildItem, { minLength: 1, maxLength: 7 })),
  longTermReason: fc.option(fc.constant('高血压病情稳定，长期服药'), { nil: undefined }),
  validDays: fc.option(fc.constantFrom(1, 2, 4), { nil: undefined }),
});
interface Body {
  items: {
    drugId: string;
    dose: number;
    doseUnit: string;
    frequency: (typeof FREQS)[number];
    days: number;
    quantity: number;
    route: string;
  }[];
  longTermReason?: string | undefined;
  validDays?: number | undefined;
}

/** The rules' verdict, with the facts fed here (not by the server): 张伟's follow-up for I10, no allergies. */
function verdict(body: Body): boolean {
  const byId = new Map(pool.map((d) => [d.id, d]));
  const input: RuleInput = {
    now: t.clock.now(),
    visit: {
      type: 'follow_up',
      status: 'in_progress',
      completedAt: null,
      practitionerId: chenId,
      pilotInScope: false,
      guardianConfirmed: false,
    },
    prescriberPractitionerId: chenId,
    diagnoses: [{ icd10: 'I10', name: '原发性高血压' }],
    patient: { ageYears, weightKg: null, allergies: [] },
    chronicStable: true, // 张伟's offline I10 is a chronic diagnosis (RX-9)
    formulary,
    interactions: SEVERE_INTERACTIONS,
    items: body.items.map((i) => ({ ...i, drug: byId.get(i.drugId) })),
    ...(body.validDays !== undefined ? { validDays: body.validDays } : {}),
    ...(body.longTermReason !== undefined ? { longTermReason: body.longTermReason } : {}),
  };
  return checkPrescription(input).every((c) => c.outcome !== 'fail');
}

const clean = (b: Body) => JSON.parse(JSON.stringify(b)) as Body;

async function itemsOf(id: string) {
  return t.ctx.db
    .selectFrom('prescription_item')
    .select(['drug_id', 'dose', 'dose_unit', 'frequency', 'days', 'quantity', 'route'])
    .where('prescription_id', '=', id)
    .orderBy('line')
    .execute();
}

describe('RX-2: no item list the rules reject can be signed', () => {
  it('property: POST 201 iff the rules pass; PUT of a rejected list is 422 and changes nothing; what is signed passes', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(bodyArb, bodyArb, async (rawA, rawB) => {
        const a = clean(rawA);
        const b = clean(rawB);
        const res = await t.request('POST', `/api/v1/visits/${visitId}/prescriptions`, {
          token: chen,
          body: a,
        });
        const passes = verdict(a);
        expect(res.statusCode, `${res.body}\n${JSON.stringify(a)}`).toBe(passes ? 201 : 422);
        if (!passes) {
          refused++;
          expect(res.json().violations.length).toBeGreaterThan(0);
          return;
        }
        accepted++;
        const id = res.json().id as string;
        if (!verdict(b)) {
          const before = await itemsOf(id);
          const put = await t.request('PUT', `/api/v1/prescriptions/${id}`, { token: chen, body: b });
          expect(put.statusCode, put.body).toBe(422);
          expect(await itemsOf(id)).toEqual(before);
        }
        const signed = await t.request('POST', `/api/v1/prescriptions/${id}/sign`, { token: chen });
        expect(signed.statusCode, signed.body).toBe(200);
        // Once signed, no route changes it: PUT of any list is 409.
        const put = await t.request('PUT', `/api/v1/prescriptions/${id}`, { token: chen, body: a });
        expect(put.statusCode).toBe(409);
      }),
      { numRuns: 25, seed: 20261122 },
    );
    // The generator reaches both sides.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);

    // Every signed prescription, as stored, passes the rules.
    const signed = await t.ctx.db
      .selectFrom('prescription')
      .select(['id', 'valid_days', 'long_term_reason'])
      .where('status', '=', 'pending_review')
      .execute();
    expect(signed.length).toBe(accepted);
    for (const p of signed) {
      const items = await itemsOf(p.id);
      const body: Body = {
        items: items.map((i) => ({
          drugId: i.drug_id,
          dose: i.dose,
          doseUnit: i.dose_unit,
          frequency: i.frequency as (typeof FREQS)[number],
          days: i.days,
          quantity: i.quantity,
          route: i.route,
        })),
        validDays: p.valid_days,
        ...(p.long_term_reason ? { longTermReason: p.long_term_reason } : {}),
      };
      expect(verdict(body), JSON.stringify(body)).toBe(true);
    }
  }, 120_000);
});
