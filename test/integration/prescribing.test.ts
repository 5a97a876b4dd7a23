/**
 * Prescribing through HTTP ([5/12] §3–§5, §9): the visit's doctor saves drafts checked by every rule (each
 * refusal a 422 naming its code, the drug and the rule id, with a near miss that passes), signs them
 * (RX-2: checked again, then immutable), the institution's pharmacist reviews them (RX-10, ORG-4: never
 * the prescriber), a rejection is revised as a new version; every step is on the visit's timeline for
 * org_admin and the regulator (VISIT-5, RX-11); recorded allergies feed the checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrugSeed } from '../../src/server/modules/prescriptions/drug.types.js';
import { SEVERE_INTERACTIONS } from '../../src/server/modules/prescriptions/interactions-data.js';
import { runPrescriptionJobs } from '../../src/server/modules/prescriptions/prescription-jobs.js';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  AMLODIPINE,
  amlodipineBody,
  catalogue,
  completeVisit,
  drugIdOf,
  FOLLOW_UP_RECORD,
  followUpVisit,
  line,
  PHONES,
  practitionerIdOf,
  prescribeAmlodipine,
  review,
  sign,
} from '../support/prescriptions.js';

let t: TestApp;
let zhang: string;
let chen: string;
let su: string;
let zheng: string;
let xie: string;
let h01Admin: string;
let regulator: string;
let wang: string;
let drugs: DrugSeed[];
let inFormulary: Set<string>;
let visitId: string;
let zhangId: string;

async function loginAll() {
  [zhang, chen, su, zheng, xie, h01Admin, regulator, wang] = await Promise.all(
    [
      PHONES.zhang,
      PHONES.chen,
      '13900000002',
      PHONES.zheng,
      '13700000003',
      PHONES.h01Admin,
      PHONES.regulator,
      PHONES.wang,
    ].map((p) => t.login(p)),
  );
}

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  await loginAll();
  ({ drugs, inFormulary } = await catalogue(t));
  visitId = await followUpVisit(t, { patientToken: zhang, doctorToken: chen });
  zhangId = (
    await t.ctx.db.selectFrom('patient').select('id').where('name', '=', '张伟').executeTakeFirstOrThrow()
  ).id;
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const post = (path: string, token: string, body?: unknown) =>
  t.request('POST', path, { token, ...(body !== undefined ? { body } : {}) });
const prescribe = (body: unknown, visit = visitId, token = chen) =>
  post(`/api/v1/visits/${visit}/prescriptions`, token, body);

const byName = (name: string) => drugs.find((d) => d.genericName === name)!;
/** A western, non-special, non-antimicrobial drug in YC-H01's formulary, none sharing an ingredient. */
function plainDrugs(n: number, except: string[] = []): DrugSeed[] {
  const out: DrugSeed[] = [];
  const seen = new Set<string>();
  for (const d of drugs) {
    if (out.length === n) break;
    if (!inFormulary.has(d.id) || d.kind !== 'western' || d.antimicrobial !== 'none') continue;
    if (d.specialFlags.length > 0 || d.minAgeYears !== null || except.includes(d.id)) continue;
    if (d.ingredients.some((i) => seen.has(i))) continue;
    if (SEVERE_INTERACTIONS.some((x) => d.ingredients.includes(x.a) || d.ingredients.includes(x.b))) continue;
    for (const i of d.ingredients) seen.add(i);
    out.push(d);
  }
  expect(out).toHaveLength(n);
  return out;
}

const failedCodes = (checks: { code: string; outcome: string }[]) =>
  checks.filter((c) => c.outcome === 'fail').map((c) => c.code);

describe('saving a draft (RX-1, checks on every save)', () => {
  it('RX-1/RX-9: the visit’s doctor saves a long-term amlodipine draft; checks, prices and total are stored; rx_saved on the timeline', async () => {
    const res = await prescribe(await amlodipineBody(t, 14));
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.status).toBe('draft');
    expect(failedCodes(body.checks)).toEqual([]);
    expect(body.checks.map((c: { rule: string }) => c.rule)).toEqual(
      expect.arrayContaining(['VISIT-6', 'RX-1', 'RX-4', 'RX-5', 'RX-6', 'RX-7', 'RX-8', 'RX-10']),
    );
    const row = await t.ctx.db
      .selectFrom('prescription')
      .selectAll()
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow();
    const amlo = byName(AMLODIPINE);
    expect(row).toMatchObject({
      status: 'draft',
      version: 1,
      root_id: body.id,
      total_fen: amlo.priceFen * 2,
    });
    expect(row.checks).toEqual(body.checks);
    expect(row.diagnoses).toEqual([{ icd10: 'I10', name: '原发性高血压' }]);
    const items = await t.ctx.db
      .selectFrom('prescription_item')
      .selectAll()
      .where('prescription_id', '=', body.id)
      .execute();
    expect(items).toMatchObject([{ drug_id: amlo.id, quantity: 2, unit_price_fen: amlo.priceFen, days: 14 }]);

    // The prescriber reads the draft; the patient does not see it until it is signed.
    expect((await t.request('GET', `/api/v1/prescriptions/${body.id}`, { token: chen })).statusCode).toBe(
      200,
    );
    expect((await t.request('GET', `/api/v1/prescriptions/${body.id}`, { token: zhang })).statusCode).toBe(
      404,
    );
    const audits = await t.ctx.db
      .selectFrom('audit_event')
      .select('action')
      .where('resource_id', '=', body.id)
      .execute();
    expect(audits.map((a) => a.action)).toContain('prescription.create');
  });

  it('RX-1: only the visit’s own doctor prescribes (403 RX_NOT_PRESCRIBER), and a patient cannot', async () => {
    const other = await prescribe(await amlodipineBody(t), visitId, su);
    expect(other.statusCode).toBe(403);
    expect(other.json().code).toBe('RX_NOT_PRESCRIBER');
    expect((await prescribe(await amlodipineBody(t), visitId, zhang)).statusCode).toBe(403);
  });

  it('dry runs give the checks without storing and never answer 422', async () => {
    const before = await t.ctx.db.selectFrom('prescription').select('id').execute();
    const six = plainDrugs(6).map((d) => line(d));
    const res = await post(`/api/v1/visits/${visitId}/prescriptions/check`, chen, { items: six });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().ok).toBe(false);
    expect(failedCodes(res.json().checks)).toContain('RX_TOO_MANY_ITEMS');
    const ok = await post(`/api/v1/visits/${visitId}/prescriptions/check`, chen, await amlodipineBody(t));
    expect(ok.json()).toMatchObject({ ok: true });
    expect(await t.ctx.db.selectFrom('prescription').select('id').execute()).toHaveLength(before.length);
  });

  it('DJ-12/RX-10: each dry run reads the patient’s allergies and age, so each is audited (counts only, no findings)', async () => {
    const checks = () =>
      t.ctx.db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'prescription.check')
        .where('patient_id', '=', zhangId)
        .orderBy('id')
        .execute();
    const before = (await checks()).length;
    const six = plainDrugs(6).map((d) => line(d));
    expect(
      (await post(`/api/v1/visits/${visitId}/prescriptions/check`, chen, { items: six })).statusCode,
    ).toBe(200);
    const draft = await prescribeAmlodipine(t, visitId, chen);
    expect(
      (await post(`/api/v1/prescriptions/${draft}/check`, chen, await amlodipineBody(t, 14))).statusCode,
    ).toBe(200);
    // Refused callers read nothing and are not recorded as having checked.
    expect((await post(`/api/v1/visits/${visitId}/prescriptions/check`, su, { items: six })).statusCode).toBe(
      403,
    );
    const rows = (await checks()).slice(before);
    expect(rows.map((r) => [r.resource_type, r.resource_id, r.actor_role])).toEqual([
      ['visit', visitId, 'doctor'],
      ['prescription', draft, 'doctor'],
    ]);
    expect(rows[0]!.details).toEqual({ visitId, items: 6, failedChecks: 1, overriddenChecks: 0 });
    expect(rows[1]!.details).toMatchObject({ visitId, items: 1, failedChecks: 0 });
    expect(JSON.stringify(rows.map((r) => r.details))).not.toMatch(/[\u4e00-\u9fff]/);
  });

  // Each refusal through HTTP: the first failure's code, a detail naming the drug (where there is one) and
  // the rule id, every failure in `violations`, nothing stored. Each with its near miss that passes.
  const cases: {
    name: string;
    code: string;
    rule: string;
    bad: () => Promise<unknown>;
    ok?: () => Promise<unknown>;
  }[] = [
    {
      name: 'RX-8: more than 5 drugs',
      code: 'RX_TOO_MANY_ITEMS',
      rule: 'RX-8',
      bad: async () => ({ items: plainDrugs(6).map((d) => line(d)) }),
      ok: async () => ({ items: plainDrugs(5).map((d) => line(d)) }),
    },
    {
      name: 'RX-8: herbal pieces mixed with Western drugs',
      code: 'RX_MIXED_KINDS',
      rule: 'RX-8',
      bad: async () => ({
        items: [
          line(byName(AMLODIPINE)),
          line(drugs.find((d) => d.kind === 'herbal' && inFormulary.has(d.id))!),
        ],
      }),
    },
    {
      name: 'RX-7: quantity not matching dose × frequency × days',
      code: 'RX_QUANTITY_MISMATCH',
      rule: 'RX-7',
      bad: async () => ({ items: [{ ...line(byName(AMLODIPINE)), quantity: 3 }] }),
      ok: async () => ({ items: [line(byName(AMLODIPINE))] }),
    },
    {
      name: 'RX-10: daily dose above the maximum',
      code: 'RX_DOSE_EXCEEDED',
      rule: 'RX-10',
      bad: async () => ({ items: [line(byName(AMLODIPINE), { dose: byName(AMLODIPINE).maxDailyDose * 2 })] }),
      ok: async () => ({ items: [line(byName(AMLODIPINE), { dose: byName(AMLODIPINE).maxDailyDose })] }),
    },
    {
      name: 'RX-9: more than 7 days without a stated long-term reason',
      code: 'RX_DAYS_EXCEEDED',
      rule: 'RX-9',
      bad: async () => ({ items: [line(byName(AMLODIPINE), { days: 14 })] }),
      ok: async () => ({ items: [line(byName(AMLODIPINE), { days: 14 })], longTermReason: '病情稳定' }),
    },
    {
      name: 'RX-9: 8–30 days only of a long-term (chronic) drug, even at a chronic follow-up with a reason',
      code: 'RX_DAYS_EXCEEDED',
      rule: 'RX-9',
      bad: async () => {
        const [d] = plainDrugs(
          1,
          drugs.filter((x) => x.chronic).map((x) => x.id),
        );
        expect(d!.chronic).toBe(false);
        return { items: [line(d!, { days: 14 })], longTermReason: '病情稳定' };
      },
      ok: async () => {
        const [d] = plainDrugs(
          1,
          drugs.filter((x) => x.chronic).map((x) => x.id),
        );
        return { items: [line(d!, { days: 7 })] };
      },
    },
    {
      name: 'RX-9: never more than 30 days online, even with a reason',
      code: 'RX_DAYS_EXCEEDED',
      rule: 'RX-9',
      bad: async () => ({ items: [line(byName(AMLODIPINE), { days: 31 })], longTermReason: '病情稳定' }),
      ok: async () => ({ items: [line(byName(AMLODIPINE), { days: 30 })], longTermReason: '病情稳定' }),
    },
    {
      name: 'RX-6: validity beyond the day of issue without a reason',
      code: 'RX_VALIDITY_EXCEEDED',
      rule: 'RX-6',
      bad: async () => ({ items: [line(byName(AMLODIPINE))], validDays: 2 }),
      ok: async () => ({ items: [line(byName(AMLODIPINE))], validDays: 3, validityReason: '患者周末取药' }),
    },
    {
      name: 'RX-1: a drug outside the catalogue',
      code: 'RX_UNKNOWN_DRUG',
      rule: 'RX-1',
      bad: async () => ({ items: [{ ...line(byName(AMLODIPINE)), drugId: 'YY9999' }] }),
    },
    {
      name: 'RX-4: a specially managed drug (never in a formulary either)',
      code: 'RX_SPECIAL_DRUG_ONLINE_FORBIDDEN',
      rule: 'RX-4',
      bad: async () => ({ items: [line(drugs.find((d) => d.specialFlags.length > 0)!)] }),
    },
  ];

  for (const c of cases) {
    it(`${c.name}: 422 ${c.code}${c.ok ? ', and the near miss passes' : ''}`, async () => {
      const before = (await t.ctx.db.selectFrom('prescription').select('id').execute()).length;
      const res = await prescribe(await c.bad());
      expect(res.statusCode, res.body).toBe(422);
      const p = res.json();
      expect(p.code).toBe(c.code);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(p.detail).toContain(`（${c.rule}）`);
      expect(p.violations.length).toBeGreaterThan(0);
      expect(p.violations[0]).toMatchObject({ code: c.code, outcome: 'fail', rule: c.rule });
      const drugged = p.violations[0].drugName as string | undefined;
      if (drugged) expect(p.detail).toContain(drugged);
      expect((await t.ctx.db.selectFrom('prescription').select('id').execute()).length).toBe(before);
      if (c.ok) {
        const ok = await prescribe(await c.ok());
        expect(ok.statusCode, ok.body).toBe(201);
      }
    });
  }

  it('RX-1: a drug the org_admin took out of the formulary is refused (RX_NOT_IN_FORMULARY), and passes once back', async () => {
    const h01 = (
      await t.ctx.db
        .selectFrom('institution')
        .select('id')
        .where('code', '=', 'YC-H01')
        .executeTakeFirstOrThrow()
    ).id;
    const drug = byName(AMLODIPINE);
    const out = await t.request('DELETE', `/api/v1/institutions/${h01}/formulary/${drug.id}`, {
      token: h01Admin,
    });
    expect(out.statusCode).toBe(204);
    const res = await prescribe({ items: [line(drug)] });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'RX_NOT_IN_FORMULARY' });
    expect(res.json().detail).toContain(AMLODIPINE);
    const back = await t.request('PUT', `/api/v1/institutions/${h01}/formulary/${drug.id}`, {
      token: h01Admin,
    });
    expect(back.statusCode).toBe(200);
    expect((await prescribe({ items: [line(drug)] })).statusCode).toBe(201);
  });

  it('RX-10: two drugs with one ingredient are refused (RX_DUPLICATE_INGREDIENT)', async () => {
    const pair = (() => {
      const pool = drugs.filter(
        (d) => inFormulary.has(d.id) && d.kind !== 'herbal' && d.antimicrobial === 'none',
      );
      for (const a of pool)
        for (const b of pool)
          if (a.id < b.id && a.ingredients.some((i) => b.ingredients.includes(i)) && a.minAgeYears === null)
            return [a, b];
      return null;
    })();
    expect(pair, 'the catalogue has two drugs sharing an ingredient').not.toBeNull();
    const res = await prescribe({ items: pair!.map((d) => line(d)) });
    expect(res.statusCode).toBe(422);
    expect(res.json().violations.map((v: { code: string }) => v.code)).toContain('RX_DUPLICATE_INGREDIENT');
  });

  it('RX-10: a severe interaction is refused, and passes with the doctor’s written reason (overridden)', async () => {
    const single = (ingredient: string) =>
      drugs.find(
        (d) =>
          inFormulary.has(d.id) &&
          d.kind === 'western' &&
          d.ingredients.length === 1 &&
          d.ingredients[0] === ingredient &&
          d.minAgeYears === null &&
          d.antimicrobial === 'none',
      );
    const found = SEVERE_INTERACTIONS.map((x) => [single(x.a), single(x.b)] as const).find(
      ([a, b]) => a && b,
    );
    expect(found, 'an interacting pair of plain drugs in the formulary').toBeDefined();
    const [a, b] = found as readonly [DrugSeed, DrugSeed];
    const bad = await prescribe({ items: [line(a), line(b)] });
    expect(bad.statusCode, bad.body).toBe(422);
    expect(bad.json().code).toBe('RX_SEVERE_INTERACTION');
    // The reason belongs on the later drug of the pair (the one the check names), not the earlier one.
    const early = await prescribe({
      items: [line(a, { interactionOverrideReason: '已告知患者风险' }), line(b)],
    });
    expect(early.statusCode, early.body).toBe(422);
    expect(early.json().violations[0]).toMatchObject({ code: 'RX_SEVERE_INTERACTION', drugId: b.id });
    const ok = await prescribe({
      items: [line(a), line(b, { interactionOverrideReason: '已告知患者风险，监测血压与心率' })],
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().checks).toContainEqual(
      expect.objectContaining({ code: 'RX_SEVERE_INTERACTION', outcome: 'overridden' }),
    );
  });

  it('RX-10: a recorded allergy (recorded by the doctor in the visit) refuses the drug; removed, it passes', async () => {
    const penicillin = drugs.find(
      (d) => inFormulary.has(d.id) && d.allergenClasses.includes('青霉素类') && d.minAgeYears === null,
    )!;
    // A doctor with no visit with 张伟 may not record his allergies; 陈建国, seeing him now, may.
    const refused = await post(`/api/v1/patients/${zhangId}/allergies`, su, { substance: '青霉素类' });
    expect(refused.statusCode).toBe(403);
    const added = await post(`/api/v1/patients/${zhangId}/allergies`, chen, {
      substance: '青霉素类',
      reaction: '皮疹',
    });
    expect(added.statusCode, added.body).toBe(201);
    const list = await t.request('GET', `/api/v1/patients/${zhangId}/allergies`, { token: zhang });
    expect(list.json().items.map((a: { substance: string }) => a.substance)).toEqual(['青霉素类']);
    // The patient's page shows it as the doctor's record, without a delete button.
    expect(list.json().items[0].recordedByDoctor).toBe(true);
    expect(
      (await t.request('GET', `/api/v1/patients/${zhangId}/allergies`, { token: wang })).statusCode,
    ).toBe(403);

    const res = await prescribe({ items: [line(penicillin)] });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().code).toBe('RX_ALLERGY_CONFLICT');
    expect(res.json().detail).toContain(penicillin.genericName);

    // RX-10: the patient cannot switch the check off by removing what the doctor recorded.
    const byPatient = await t.request('DELETE', `/api/v1/patients/${zhangId}/allergies/${added.json().id}`, {
      token: zhang,
    });
    expect(byPatient.statusCode).toBe(403);
    expect(byPatient.json().code).toBe('ALLERGY_RECORDED_BY_DOCTOR');
    expect((await prescribe({ items: [line(penicillin)] })).statusCode).toBe(422);
    // A doctor without a visit with him cannot either; the doctor seeing him can.
    const bySu = await t.request('DELETE', `/api/v1/patients/${zhangId}/allergies/${added.json().id}`, {
      token: su,
    });
    expect(bySu.statusCode).toBe(403);
    const del = await t.request('DELETE', `/api/v1/patients/${zhangId}/allergies/${added.json().id}`, {
      token: chen,
    });
    expect(del.statusCode).toBe(204);
    // RX-12: removed, not deleted.
    expect(
      await t.ctx.db
        .selectFrom('patient_allergy')
        .select('removed_at')
        .where('id', '=', added.json().id)
        .executeTakeFirst(),
    ).toMatchObject({ removed_at: expect.any(Date) });
    expect((await prescribe({ items: [line(penicillin)] })).statusCode).toBe(201);
    expect(
      await t.ctx.db
        .selectFrom('audit_event')
        .select('details')
        .where('action', '=', 'allergy.remove')
        .where('resource_id', '=', added.json().id)
        .execute(),
    ).toEqual([{ details: { by: 'doctor' } }]);
  });

  it('RX-10: an allergy the patient recorded, the patient removes', async () => {
    const added = await post(`/api/v1/patients/${zhangId}/allergies`, zhang, { substance: '磺胺类' });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().recordedByDoctor).toBe(false);
    const del = await t.request('DELETE', `/api/v1/patients/${zhangId}/allergies/${added.json().id}`, {
      token: zhang,
    });
    expect(del.statusCode).toBe(204);
  });

  it('RX-10: 王秀英’s seeded penicillin allergy is on record', async () => {
    const wangId = (
      await t.ctx.db.selectFrom('patient').select('id').where('name', '=', '王秀英').executeTakeFirstOrThrow()
    ).id;
    const res = await t.request('GET', `/api/v1/patients/${wangId}/allergies`, { token: wang });
    expect(res.json().items).toMatchObject([{ substance: '青霉素类' }]);
  });
});

describe('signing, review and revision (RX-2, RX-10)', () => {
  let first: string;

  it('RX-2: signing checks again, stores the SM2 signature, and the signed prescription is immutable', async () => {
    first = await prescribeAmlodipine(t, visitId, chen);
    // A colleague cannot sign it.
    expect((await post(`/api/v1/prescriptions/${first}/sign`, su)).statusCode).toBe(403);
    const signed = await sign(t, first, chen);
    expect(signed.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const row = await t.ctx.db
      .selectFrom('prescription')
      .selectAll()
      .where('id', '=', first)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('pending_review');
    expect(row.signed_at).toEqual(t.clock.now());
    // RX-6: valid to the end of the day of issue in Beijing (the test clock is 2026-11-22 10:00 Beijing).
    expect(row.valid_until?.toISOString()).toBe('2026-11-22T15:59:59.999Z');
    const doc = JSON.parse(row.signed_document!);
    expect(doc).toMatchObject({
      format: 'yunyi-prescription/1',
      id: first,
      version: 1,
      replacesId: null,
      patient: { name: '张伟' },
      doctor: { name: '陈建国' },
      diagnoses: [{ icd10: 'I10' }],
      items: [{ genericName: AMLODIPINE, dose: 5, doseUnit: 'mg', frequency: 'qd', days: 7, quantity: 1 }],
      validUntil: '2026-11-22T15:59:59.999Z',
      certificateSerial: row.certificate_serial,
      sm2Id: '1234567812345678',
    });
    expect(row.signed_document).not.toMatch(/\d{17}[\dX]/); // no ID number in what travels

    const put = await t.request('PUT', `/api/v1/prescriptions/${first}`, {
      token: chen,
      body: await amlodipineBody(t),
    });
    expect(put.statusCode).toBe(409);
    expect(put.json().code).toBe('RX_NOT_EDITABLE');
    const again = await post(`/api/v1/prescriptions/${first}/sign`, chen);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('RX_NOT_EDITABLE');
    // Nothing changed.
    const after = await t.ctx.db
      .selectFrom('prescription')
      .selectAll()
      .where('id', '=', first)
      .executeTakeFirstOrThrow();
    expect(after.signed_document).toBe(row.signed_document);
    // The database refuses it too, whatever the code does (RX-2), and never deletes a prescription (RX-12).
    await expect(
      t.ctx.db.updateTable('prescription').set({ total_fen: 1 }).where('id', '=', first).execute(),
    ).rejects.toThrow(/RX-2/);
    await expect(
      t.ctx.db
        .updateTable('prescription_item')
        .set({ quantity: 9 })
        .where('prescription_id', '=', first)
        .execute(),
    ).rejects.toThrow(/RX-2/);
    await expect(t.ctx.db.deleteFrom('prescription').where('id', '=', first).execute()).rejects.toThrow(
      /RX-12/,
    );
    expect(
      (await t.request('GET', `/api/v1/prescriptions/${first}/verify`, { token: zhang })).json(),
    ).toMatchObject({
      valid: true,
      hash: row.content_hash,
      problems: [],
    });
  });

  it('RX-10: the queue is the institution’s, oldest first; other institutions’ pharmacists cannot review', async () => {
    const queue = await t.request('GET', '/api/v1/prescriptions?queue=review', { token: zheng });
    expect(queue.statusCode, queue.body).toBe(200);
    expect(queue.json().items.map((p: { id: string }) => p.id)).toEqual([first]);
    expect(
      (await t.request('GET', '/api/v1/prescriptions?queue=review', { token: xie })).json().items,
    ).toEqual([]);
    const foreign = await post(`/api/v1/prescriptions/${first}/review`, xie, { decision: 'approve' });
    expect(foreign.statusCode).toBe(403);
    expect(
      (await post(`/api/v1/prescriptions/${first}/review`, chen, { decision: 'approve' })).statusCode,
    ).toBe(403);
  });

  it('RX-10: a rejection needs a reason; the doctor revises (new version) and re-signs; the new version is approved', async () => {
    const noReason = await post(`/api/v1/prescriptions/${first}/review`, zheng, { decision: 'reject' });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json().code).toBe('RX_REVIEW_REASON_REQUIRED');
    expect(await review(t, first, zheng, 'reject', '请注明服药时间')).toMatchObject({ status: 'rejected' });
    const twice = await post(`/api/v1/prescriptions/${first}/review`, zheng, { decision: 'approve' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('RX_NOT_PENDING_REVIEW');
    // The review is signed by the pharmacist over the prescription's SM3.
    const rev = await t.ctx.db
      .selectFrom('prescription_review')
      .selectAll()
      .where('prescription_id', '=', first)
      .executeTakeFirstOrThrow();
    const row = await t.ctx.db
      .selectFrom('prescription')
      .selectAll()
      .where('id', '=', first)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(rev.signed_document)).toMatchObject({
      format: 'yunyi-prescription-review/1',
      prescriptionId: first,
      contentHash: row.content_hash,
      decision: 'reject',
      reason: '请注明服药时间',
    });
    expect(rev.pharmacist_id).toBe(await practitionerIdOf(t, 'P015'));

    // Drafts and pending ones are not revised; the rejected one is, once.
    const revised = await post(`/api/v1/prescriptions/${first}/revise`, chen);
    expect(revised.statusCode, revised.body).toBe(201);
    const second = revised.json().id as string;
    expect((await post(`/api/v1/prescriptions/${first}/revise`, chen)).json().code).toBe('RX_NOT_REVISABLE');
    expect((await post(`/api/v1/prescriptions/${second}/revise`, chen)).json().code).toBe('RX_NOT_REVISABLE');
    const v2 = await t.ctx.db
      .selectFrom('prescription')
      .selectAll()
      .where('id', '=', second)
      .executeTakeFirstOrThrow();
    expect(v2).toMatchObject({ status: 'draft', version: 2, replaces_id: first, root_id: first });
    const body = await amlodipineBody(t);
    body.items[0] = { ...body.items[0]!, note: '早餐后服用' } as (typeof body.items)[0];
    const edit = await t.request('PUT', `/api/v1/prescriptions/${second}`, { token: chen, body });
    expect(edit.statusCode, edit.body).toBe(200);
    await sign(t, second, chen);
    expect(
      (
        await t.ctx.db
          .selectFrom('prescription')
          .select('status')
          .where('id', '=', first)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('superseded');
    expect(
      JSON.parse(
        (
          await t.ctx.db
            .selectFrom('prescription')
            .select('signed_document')
            .where('id', '=', second)
            .executeTakeFirstOrThrow()
        ).signed_document!,
      ),
    ).toMatchObject({ version: 2, replacesId: first });
    expect(await review(t, second, zheng, 'approve')).toMatchObject({ status: 'approved' });
    const view = (await t.request('GET', `/api/v1/prescriptions/${second}`, { token: zhang })).json();
    expect(view).toMatchObject({
      status: 'approved',
      version: 2,
      replacesId: first,
      review: { decision: 'approve', pharmacistName: '郑雅琴' },
      items: [{ note: '早餐后服用', genericName: AMLODIPINE }],
      visitType: 'follow_up',
    });
    expect((await t.request('GET', `/api/v1/prescriptions/${first}`, { token: zhang })).json()).toMatchObject(
      {
        status: 'superseded',
        replacedById: second,
      },
    );
    // Who heard of it (outbox → notifications): the pharmacists of the queue, the doctor of the rejection,
    // the patient of the approval.
    const notices = await t.ctx.db
      .selectFrom('notification as n')
      .innerJoin('account as a', 'a.id', 'n.account_id')
      .select(['a.name', 'n.title', 'n.ref_id'])
      .where('n.ref_id', 'in', [first, second])
      .execute();
    expect(notices).toEqual(
      expect.arrayContaining([
        { name: '郑雅琴', title: '新的待审处方', ref_id: first },
        { name: '陈建国', title: '处方被药师驳回', ref_id: first },
        { name: '张伟', title: '处方已审核通过', ref_id: second },
      ]),
    );
    expect(notices.filter((n) => n.name === '谢文涛')).toEqual([]);
  });

  it('RX-10: a prescriber who also holds the pharmacist role may not review their own prescription (403 RX_SELF_REVIEW)', async () => {
    const mine = await prescribeAmlodipine(t, visitId, chen);
    await sign(t, mine, chen);
    await t.ctx.db
      .updateTable('account')
      .set({ roles: ['doctor', 'pharmacist'] })
      .where('practitioner_id', '=', await practitionerIdOf(t, 'P001'))
      .execute();
    const both = await t.login(PHONES.chen);
    const res = await post(`/api/v1/prescriptions/${mine}/review`, both, { decision: 'approve' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('RX_SELF_REVIEW');
    await t.ctx.db
      .updateTable('account')
      .set({ roles: ['doctor'] })
      .where('practitioner_id', '=', await practitionerIdOf(t, 'P001'))
      .execute();
    expect(
      await t.ctx.db
        .selectFrom('audit_event')
        .select('action')
        .where('action', '=', 'access.denied')
        .where('resource_id', '=', mine)
        .execute(),
    ).toHaveLength(1);
    await review(t, mine, zheng, 'reject', '重复开具');
  });

  it('lists: the doctor’s own (drafts too), the patient’s signed ones only', async () => {
    const doctor = (
      await t.request('GET', `/api/v1/prescriptions?visitId=${visitId}&limit=100`, { token: chen })
    ).json();
    expect(doctor.items.some((p: { status: string }) => p.status === 'draft')).toBe(true);
    const patient = (await t.request('GET', '/api/v1/prescriptions', { token: zhang })).json();
    expect(patient.items.length).toBeGreaterThan(0);
    expect(patient.items.every((p: { status: string }) => p.status !== 'draft')).toBe(true);
    // Paging: one at a time, no repeats.
    const p1 = (await t.request('GET', '/api/v1/prescriptions?limit=1', { token: zhang })).json();
    const p2 = (
      await t.request('GET', `/api/v1/prescriptions?limit=1&cursor=${p1.nextCursor}`, { token: zhang })
    ).json();
    expect(p1.items).toHaveLength(1);
    expect(p2.items[0].id).not.toBe(p1.items[0].id);
    expect((await t.request('GET', '/api/v1/prescriptions', { token: wang })).json().items).toEqual([]);
    expect((await t.request('GET', '/api/v1/prescriptions?queue=review', { token: zhang })).statusCode).toBe(
      403,
    );
  });

  it('VISIT-5/RX-11: every prescription step is on the visit’s timeline for org_admin and the regulator', async () => {
    for (const token of [h01Admin, regulator]) {
      const res = await t.request('GET', `/api/v1/visits/${visitId}/timeline`, { token });
      expect(res.statusCode).toBe(200);
      const kinds = res.json().items.map((e: { kind: string }) => e.kind);
      for (const k of ['rx_saved', 'rx_signed', 'rx_reviewed', 'rx_revised']) expect(kinds).toContain(k);
      const reviewed = res
        .json()
        .items.find((e: { kind: string; details: { decision?: string } }) => e.kind === 'rx_reviewed');
      expect(reviewed.details).toMatchObject({ decision: 'reject', reason: '请注明服药时间' });
    }
  });
});

describe('visits prescriptions are not allowed in (VISIT-6, RX_DIAGNOSIS_REQUIRED, RX_VISIT_NOT_OPEN)', () => {
  it('VISIT-6: after completing the follow-up, a consultation cannot prescribe (RX_VISIT_TYPE_NOT_ALLOWED)', async () => {
    await completeVisit(t, visitId, chen);
    const doctorId = await practitionerIdOf(t, 'P001');
    const res = await post('/api/v1/visits', zhang, {
      type: 'consultation',
      doctorId,
      consent: true,
      description: '饮食咨询',
    });
    expect(res.statusCode, res.body).toBe(201);
    const pay = await post(`/api/v1/orders/${res.json().orderId}/pay`, zhang, { channel: 'sim' });
    await t.sim!.confirm(pay.json().prepayId);
    await t.sim!.settle();
    expect((await post(`/api/v1/visits/${res.json().id}/start`, chen)).statusCode).toBe(200);
    const bad = await prescribe(await amlodipineBody(t), res.json().id);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('RX_VISIT_TYPE_NOT_ALLOWED');
    expect(bad.json().detail).toContain('VISIT-6');
    const rec = await t.request('PUT', `/api/v1/visits/${res.json().id}/record`, {
      token: chen,
      body: { ...FOLLOW_UP_RECORD, chiefComplaint: '饮食咨询', diagnoses: [] },
    });
    expect(rec.statusCode, rec.body).toBe(200);
    await completeVisit(t, res.json().id, chen);
  });

  it('VISIT-6: a follow-up whose record has no diagnosis yet cannot prescribe (RX_DIAGNOSIS_REQUIRED)', async () => {
    const v = await followUpVisit(t, {
      patientToken: zhang,
      doctorToken: chen,
      record: { ...FOLLOW_UP_RECORD, diagnoses: [] },
    });
    const res = await prescribe(await amlodipineBody(t), v);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('RX_DIAGNOSIS_REQUIRED');
  });

  it('within 24 h of completing the visit the doctor still prescribes; after, a draft cannot be signed (RX_VISIT_NOT_OPEN)', async () => {
    // The completed follow-up (completed a moment ago): still open for prescribing.
    const draft = await prescribeAmlodipine(t, visitId, chen);
    t.clock.advance(25 * 3600_000);
    await loginAll();
    const res = await post(`/api/v1/prescriptions/${draft}/sign`, chen);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('RX_VISIT_NOT_OPEN');
    expect(
      (
        await t.ctx.db
          .selectFrom('prescription')
          .select('status')
          .where('id', '=', draft)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('draft');
    expect(await drugIdOf(t, AMLODIPINE)).toBe(byName(AMLODIPINE).id);
  });
});

describe('RX-6: a prescription whose validity passes while it waits for review', () => {
  it('RX-6: is refused by review (409 RX_EXPIRED, nothing recorded, no approval notice); the job expires it and it leaves the queue', async () => {
    // 张伟's follow-up left in progress above (its record had no diagnosis): the doctor records one now.
    const open = await t.ctx.db
      .selectFrom('visit')
      .select('id')
      .where('patient_id', '=', zhangId)
      .where('status', '=', 'in_progress')
      .executeTakeFirstOrThrow();
    const v = open.id;
    const rec = await t.request('PUT', `/api/v1/visits/${v}/record`, { token: chen, body: FOLLOW_UP_RECORD });
    expect(rec.statusCode, rec.body).toBe(200);
    const late = await prescribeAmlodipine(t, v, chen);
    const { validUntil } = await sign(t, late, chen);
    // The next day (validity is the day of issue, RX-6); a second one signed then is still valid.
    t.clock.advance(24 * 3600_000);
    await loginAll();
    expect(t.clock.now().getTime()).toBeGreaterThan(new Date(validUntil).getTime());
    const fresh = await prescribeAmlodipine(t, v, chen);
    await sign(t, fresh, chen);
    const queue = async () =>
      (await t.request('GET', '/api/v1/prescriptions?queue=review&limit=100', { token: zheng }))
        .json()
        .items.map((p: { id: string }) => p.id);
    expect(await queue()).toEqual(expect.arrayContaining([late, fresh]));

    for (const body of [{ decision: 'approve' }, { decision: 'reject', reason: '用法不清' }]) {
      const res = await post(`/api/v1/prescriptions/${late}/review`, zheng, body);
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().code).toBe('RX_EXPIRED');
      expect(res.json().detail).toContain('RX-6');
    }
    expect(
      await t.ctx.db
        .selectFrom('prescription_review')
        .select('id')
        .where('prescription_id', '=', late)
        .execute(),
    ).toEqual([]);
    const stillPending = await t.ctx.db
      .selectFrom('prescription')
      .select('status')
      .where('id', '=', late)
      .executeTakeFirstOrThrow();
    expect(stillPending.status).toBe('pending_review');

    await runPrescriptionJobs(t.ctx, t.rx);
    const row = await t.ctx.db
      .selectFrom('prescription')
      .select(['status', 'expired_at', 'approved_at'])
      .where('id', '=', late)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'expired', expired_at: t.clock.now(), approved_at: null });
    // The one still within its validity waits on.
    expect(
      (
        await t.ctx.db
          .selectFrom('prescription')
          .select('status')
          .where('id', '=', fresh)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('pending_review');
    expect(await queue()).not.toContain(late);
    expect(await queue()).toContain(fresh);
    expect(
      await t.ctx.db
        .selectFrom('audit_event')
        .select(['action', 'patient_id'])
        .where('resource_id', '=', late)
        .where('action', '=', 'prescription.expire')
        .execute(),
    ).toEqual([{ action: 'prescription.expire', patient_id: zhangId }]);
    const timeline = await t.request('GET', `/api/v1/visits/${v}/timeline`, { token: h01Admin });
    expect(
      timeline
        .json()
        .items.filter(
          (e: { kind: string; details: { prescriptionId?: string } }) =>
            e.kind === 'rx_expired' && e.details.prescriptionId === late,
        ),
    ).toHaveLength(1);
    const notices = await t.ctx.db
      .selectFrom('notification as n')
      .innerJoin('account as a', 'a.id', 'n.account_id')
      .select(['a.name', 'n.title'])
      .where('n.ref_id', '=', late)
      .execute();
    expect(notices).toEqual(
      expect.arrayContaining([
        { name: '陈建国', title: '处方未审核已过期' },
        { name: '张伟', title: '处方已过期' },
      ]),
    );
    expect(notices.map((n) => n.title)).not.toContain('处方已审核通过');
    // A second run finds nothing more to do; an expired one is not reviewed.
    await runPrescriptionJobs(t.ctx, t.rx);
    expect(
      await t.ctx.db
        .selectFrom('audit_event')
        .select('id')
        .where('resource_id', '=', late)
        .where('action', '=', 'prescription.expire')
        .execute(),
    ).toHaveLength(1);
    const after = await post(`/api/v1/prescriptions/${late}/review`, zheng, { decision: 'approve' });
    expect(after.statusCode).toBe(409);
    expect(after.json().code).toBe('RX_NOT_PENDING_REVIEW');
    expect(await review(t, fresh, zheng, 'approve')).toMatchObject({ status: 'approved' });
  });
});
