/**
 * The clinical FHIR resources ([6/12], REC-3, SEC-1): Encounter, Condition, Observation, DiagnosticReport,
 * Consent (records), MedicationRequest, MedicationDispense (prescriptions) and AuditEvent (platform), on
 * the demo region — 张伟's seeded archive, an authorisation he gives through the app, and an amlodipine
 * prescription written, approved and picked up through the public API. Each provider is driven directly
 * (search semantics: patient, code with system, date prefixes, category, status, keyset paging, the
 * `readable` filter), and every resource is checked by an independent validator (medplum's, over the
 * official R4 definitions, plus the required bindings) — then read over HTTP at /fhir/R4.
 */
import type {
  AuditEvent,
  Condition,
  Consent,
  DiagnosticReport,
  Encounter,
  MedicationDispense,
  MedicationRequest,
  Observation,
  Resource,
} from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allProviders } from '../../src/server/fhir/providers.js';
import type { FhirEnv, FhirProvider, Found, ProviderQuery } from '../../src/server/fhir/types.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { batchOf, choose, dispense, institutionId, payOrder, traceCodes } from '../support/circulation.js';
import { validateFhir } from '../support/fhir.js';
import {
  AMLODIPINE,
  type ApprovedPrescription,
  approvedPrescription,
  drugIdOf,
  practitionerIdOf,
} from '../support/prescriptions.js';

const TYPES = [
  'Encounter',
  'Condition',
  'Observation',
  'DiagnosticReport',
  'Consent',
  'MedicationRequest',
  'MedicationDispense',
  'AuditEvent',
] as const;

let t: TestApp;
let providers: Map<string, FhirProvider>;
let zhang: string;
let wang: string;
let rx: ApprovedPrescription;
let fulfilmentId: string;
let su: string; // 苏晓雯 P029 (YC-H03): authorised by 张伟 for labs
let chen: string; // 陈建国 P001
let h03: string;
let revokedGrant: string;
let activeGrant: string;

const provider = (type: string) => providers.get(type)!;

function env(own: string[] = [zhang]): FhirEnv {
  return {
    ctx: t.ctx,
    db: t.ctx.db,
    now: t.clock.now(),
    ownPatients: new Set(own),
    base: 'http://test/fhir/R4',
  };
}

function query(p: FhirProvider, over: Partial<ProviderQuery> = {}): ProviderQuery {
  const first = p.sorts[0]!;
  return {
    readable: [zhang],
    lastUpdated: [],
    date: [],
    identifier: [],
    code: [],
    params: {},
    sort: { param: first.replace(/^-/, ''), desc: first.startsWith('-') },
    limit: 500,
    ...over,
  };
}

const search = (type: string, over: Partial<ProviderQuery> = {}, e = env()) =>
  provider(type).search(e, query(provider(type), over));
const resources = <T extends Resource>(found: Found[]) => found.map((f) => f.resource as unknown as T);
const day = (iso: string) => {
  const start = new Date(`${iso}T00:00:00+08:00`);
  return { start, end: new Date(start.getTime() + 86_400_000) };
};

beforeAll(async () => {
  t = await createTestApp({ seed: true }); // clock: 2026-11-22 10:00 Asia/Shanghai
  providers = allProviders();
  const patients = await t.ctx.db.selectFrom('patient').select(['id', 'name']).execute();
  zhang = patients.find((p) => p.name === '张伟')!.id;
  wang = patients.find((p) => p.name === '王秀英')!.id;
  su = await practitionerIdOf(t, 'P029');
  chen = await practitionerIdOf(t, 'P001');
  h03 = await institutionId(t, 'YC-H03');

  // 张伟 authorises 苏晓雯 to read his lab results for 7 days, and YC-H03 everything — then revokes that.
  const patientToken = await t.login('13800000001');
  const grant = await t.request('POST', '/api/v1/me/authorisations', {
    token: patientToken,
    body: { practitionerId: su, categories: ['labs'], days: 7 },
  });
  expect(grant.statusCode, grant.body).toBe(201);
  activeGrant = grant.json().id;
  const all = await t.request('POST', '/api/v1/me/authorisations', {
    token: patientToken,
    body: { institutionId: h03, days: 30 },
  });
  expect(all.statusCode, all.body).toBe(201);
  revokedGrant = all.json().id;
  t.clock.advance(60_000);
  const revoke = await t.request('DELETE', `/api/v1/me/authorisations/${revokedGrant}`, {
    token: patientToken,
  });
  expect(revoke.statusCode, revoke.body).toBe(204);

  // An amlodipine prescription, approved, chosen for pick-up at YC-H01, paid and handed over.
  rx = await approvedPrescription(t);
  const h01 = await institutionId(t, 'YC-H01');
  const chosen = await choose(t, rx.patientToken, rx.prescriptionId, { pharmacyId: h01, method: 'pickup' });
  expect(chosen.statusCode, chosen.body).toBe(201);
  const f = chosen.json() as { id: string; orderId: string; pickupCode: string };
  fulfilmentId = f.id;
  await payOrder(t, rx.patientToken, f.orderId);
  const amlodipine = await drugIdOf(t, AMLODIPINE);
  const out = await dispense(t, rx.pharmacistToken, f.id, {
    items: [{ drugId: amlodipine, batchNo: await batchOf(t, h01, amlodipine), traceCodes: traceCodes(1) }],
    pickupCode: f.pickupCode,
  });
  expect(out.statusCode, out.body).toBe(200);
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe('every clinical resource validates against the official R4 definitions', () => {
  it.each(TYPES)('%s: 张伟’s resources, searched and read, have zero errors', async (type) => {
    const found = await search(type);
    expect(found.length, `${type}: nothing found for 张伟`).toBeGreaterThan(0);
    for (const f of found) {
      expect(validateFhir(f.resource), `${type}/${f.resource.id}`).toEqual([]);
      expect(f.patientId).toBe(zhang);
      expect(f.resource.meta?.versionId).toBe(new Date(f.resource.meta!.lastUpdated!).getTime().toString(36));
    }
    const read = await provider(type).read(env(), found[0]!.resource.id);
    expect(read?.resource).toEqual(found[0]!.resource);
    expect(await provider(type).read(env(), 'no-such-id')).toBeNull();
  });
});

describe('SEC-1: a provider returns only the patients it is given', () => {
  it.each(TYPES)(
    '%s: readable [] returns nothing; another patient’s list returns none of 张伟’s',
    async (type) => {
      expect(await search(type, { readable: [] })).toEqual([]);
      expect(await search(type, { readable: [zhang], patients: [wang] })).toEqual([]);
      const others = await search(type, { readable: [wang] }, env([wang]));
      expect(others.every((f) => f.patientId === wang)).toBe(true);
    },
  );
});

describe('Observation', () => {
  it('a blood pressure is two vital-sign Observations with LOINC codes and UCUM mm[Hg]; high values are H', async () => {
    const bp = resources<Observation>(
      await search('Observation', { code: [[{ system: 'http://loinc.org', code: '8480-6' }]] }),
    );
    expect(bp.length).toBeGreaterThan(5);
    const first = bp.at(-1)!; // oldest: 152/96
    expect(first.code.coding).toEqual([{ system: 'http://loinc.org', code: '8480-6', display: '收缩压' }]);
    expect(first.category?.[0]?.coding?.[0]).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/observation-category',
      code: 'vital-signs',
    });
    expect(first.valueQuantity).toEqual({
      value: 152,
      unit: 'mmHg',
      system: 'http://unitsofmeasure.org',
      code: 'mm[Hg]',
    });
    expect(first.interpretation?.[0]?.coding?.[0]).toEqual({
      system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
      code: 'H',
      display: 'High',
    });
    expect(first.referenceRange?.[0]).toMatchObject({ low: { value: 90 }, high: { value: 139 } });
    // Newest first by default.
    const times = bp.map((o) => Date.parse(o.effectiveDateTime!));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('µmol/L is UCUM umol/L; a one-sided range keeps its printed text', async () => {
    const [cr] = resources<Observation>(await search('Observation', { code: [[{ code: '2160-0' }]] }));
    expect(cr?.valueQuantity).toMatchObject({ value: 86, unit: 'µmol/L', code: 'umol/L' });
    const [hdl] = resources<Observation>(
      await search('Observation', { code: [[{ code: '2085-9' }]], limit: 1 }),
    );
    expect(hdl?.referenceRange?.[0]).toMatchObject({ low: { value: 1.04, code: 'mmol/L' }, text: '>1.04' });
  });

  it('code with another system, or with no system (|code), matches nothing; OR within a token list', async () => {
    expect(
      await search('Observation', { code: [[{ system: 'http://snomed.info/sct', code: '8480-6' }]] }),
    ).toEqual([]);
    expect(await search('Observation', { code: [[{ system: '', code: '8480-6' }]] })).toEqual([]);
    const both = await search('Observation', {
      code: [[{ code: '8480-6' }, { system: 'http://loinc.org', code: '8462-4' }]],
    });
    const sbp = await search('Observation', { code: [[{ code: '8480-6' }]] });
    expect(both.length).toBe(sbp.length * 2);
  });

  it('category: vital-signs and laboratory split the results', async () => {
    const all = await search('Observation');
    const vital = await search('Observation', { params: { category: ['vital-signs'] } });
    const lab = await search('Observation', {
      params: { category: ['http://terminology.hl7.org/CodeSystem/observation-category|laboratory'] },
    });
    expect(vital.length).toBeGreaterThan(0);
    expect(lab.length).toBeGreaterThan(0);
    expect(vital.length + lab.length).toBe(all.length);
    expect(await search('Observation', { params: { category: ['http://example.org|laboratory'] } })).toEqual(
      [],
    );
  });

  it('date prefixes: eq/ne/lt/le/gt/ge/sa/eb agree with the instants, AND of several', async () => {
    const all = resources<Observation>(await search('Observation'));
    const at = (o: Observation) => Date.parse(o.effectiveDateTime!);
    const pivot = all[Math.floor(all.length / 2)]!;
    const d = day(pivot.effectiveDateTime!.slice(0, 10));
    const count = (prefix: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'sa' | 'eb') =>
      search('Observation', { date: [{ prefix, ...d }] }).then((r) => r.length);
    const s = d.start.getTime();
    const e = d.end.getTime();
    expect(await count('eq')).toBe(all.filter((o) => at(o) >= s && at(o) < e).length);
    expect(await count('eq')).toBeGreaterThan(0);
    expect(await count('ne')).toBe(all.filter((o) => at(o) < s || at(o) >= e).length);
    expect(await count('lt')).toBe(all.filter((o) => at(o) < s).length);
    expect(await count('eb')).toBe(all.filter((o) => at(o) < s).length);
    expect(await count('le')).toBe(all.filter((o) => at(o) < e).length);
    expect(await count('gt')).toBe(all.filter((o) => at(o) >= e).length);
    expect(await count('sa')).toBe(all.filter((o) => at(o) >= e).length);
    expect(await count('ge')).toBe(all.filter((o) => at(o) >= s).length);
    const window = await search('Observation', {
      date: [
        { prefix: 'ge', ...d },
        { prefix: 'lt', start: d.end, end: new Date(e + 86_400_000) },
      ],
    });
    expect(window.length).toBe(await count('eq'));
  });

  it('status and _lastUpdated filter', async () => {
    expect((await search('Observation', { status: ['final'] })).length).toBe(
      (await search('Observation')).length,
    );
    expect(await search('Observation', { status: ['preliminary'] })).toEqual([]);
    const now = t.clock.now();
    expect(
      await search('Observation', {
        lastUpdated: [{ prefix: 'gt', start: now, end: new Date(now.getTime() + 1000) }],
      }),
    ).toEqual([]);
  });

  it('keyset paging: pages of 3 cover every result once, newest first and oldest first', async () => {
    const p = provider('Observation');
    for (const desc of [true, false]) {
      const all = await p.search(env(), query(p, { sort: { param: 'date', desc } }));
      const seen: string[] = [];
      let after: ProviderQuery['after'];
      for (let i = 0; i < 100; i++) {
        const page = await p.search(env(), query(p, { sort: { param: 'date', desc }, limit: 3, after }));
        seen.push(...page.map((f) => f.resource.id));
        if (page.length < 3) break;
        const last = page.at(-1)!;
        after = { value: last.sortValue, id: last.resource.id };
      }
      expect(seen).toEqual(all.map((f) => f.resource.id));
    }
    // A cursor that cannot exist matches nothing (never a database error).
    expect(await search('Observation', { after: { value: 'not a time', id: 'x' } })).toEqual([]);
  });
});

describe('DiagnosticReport', () => {
  it('a lab report: LAB, its results as references, issued, performer and interpreter by name', async () => {
    const [lipids] = resources<DiagnosticReport>(
      await search('DiagnosticReport', {
        code: [[{ system: 'http://loinc.org', code: '57698-3' }]],
        limit: 1,
      }),
    );
    expect(lipids?.category?.[0]?.coding?.[0]).toEqual({
      system: 'http://terminology.hl7.org/CodeSystem/v2-0074',
      code: 'LAB',
      display: 'Laboratory',
    });
    expect(lipids?.result).toHaveLength(4);
    const read = await provider('Observation').read(env(), lipids!.result![0]!.reference!.split('/')[1]!);
    expect(read?.patientId).toBe(zhang);
    expect(lipids?.resultsInterpreter).toEqual([{ display: '钱淑华' }]);
    expect(lipids?.performer?.[0]?.reference).toMatch(/^Organization\//);
    expect(lipids?.performer?.[0]?.display).toBeTruthy();
  });

  it('检查 reports count under exams (the facade checks them so); category RAD / EC search', async () => {
    const ecg = await search('DiagnosticReport', { params: { category: ['EC'] } });
    expect(ecg).toHaveLength(1);
    expect(ecg[0]!.category).toBe('exams');
    const report = ecg[0]!.resource as DiagnosticReport;
    expect(report.conclusion).toBe('窦性心律；左心室高电压（请结合临床）。');
    expect(Buffer.from(report.presentedForm![0]!.data!, 'base64').toString('utf8')).toContain('窦性心律');
    expect(report.identifier?.[0]?.value).toBe('SEED-ECG-0001');
    const rad = await search('DiagnosticReport', {
      params: { category: ['http://terminology.hl7.org/CodeSystem/v2-0074|RAD'] },
    });
    expect(rad.map((f) => (f.resource as DiagnosticReport).code.text)).toEqual(['胸部正侧位 X 线片']);
    const labs = await search('DiagnosticReport', { params: { category: ['LAB'] } });
    expect(labs.every((f) => f.category === undefined)).toBe(true);
    expect(labs.length + 2).toBe((await search('DiagnosticReport')).length);
    const byId = await search('DiagnosticReport', {
      identifier: [
        [{ system: 'https://yunyi.example.cn/fhir/sid/filler-order-number', code: 'SEED-ECG-0001' }],
      ],
    });
    expect(byId.map((f) => f.resource.id)).toEqual([report.id]);
    expect((await provider('DiagnosticReport').read(env(), report.id!))?.category).toBe('exams');
  });
});

describe('Encounter and Condition', () => {
  it('Encounter: class AMB (seeded HIS visit) and VR (the online visit), the institution and doctor by name', async () => {
    const all = resources<Encounter>(await search('Encounter'));
    const withChen = all.filter((e) => e.participant?.[0]?.individual?.reference === `Practitioner/${chen}`);
    const h01 = withChen.find((e) => e.class.code === 'AMB');
    expect(h01).toBeDefined();
    expect(h01!.class).toEqual({
      system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
      code: 'AMB',
      display: 'ambulatory',
    });
    expect(h01!.status).toBe('finished');
    expect(h01!.identifier?.[0]?.system).toBe('https://yunyi.example.cn/fhir/sid/his-visit-number');
    expect(h01!.participant?.[0]?.individual?.display).toBe('陈建国');
    expect(h01!.serviceProvider?.reference).toMatch(/^Organization\//);
    expect(h01!.serviceProvider?.display).toBeTruthy();
    expect(h01!.diagnosis?.[0]?.condition?.display).toBe('原发性高血压');
    // The online follow-up visit whose record 陈建国 signed (recorded by visits through records.api).
    const online = withChen.find((e) => e.class.code === 'VR');
    expect(online?.identifier?.[0]).toEqual({
      system: 'https://yunyi.example.cn/fhir/sid/online-visit',
      value: rx.visitId,
    });
    const byDoctor = await search('Encounter', { params: { practitioner: [`Practitioner/${chen}`] } });
    expect(byDoctor.map((f) => f.resource.id).sort()).toEqual(withChen.map((e) => e.id).sort());
    const byVisit = await search('Encounter', {
      identifier: [[{ system: 'https://yunyi.example.cn/fhir/sid/online-visit', code: rx.visitId }]],
    });
    expect(byVisit.map((f) => f.resource.id)).toEqual([online!.id]);
    expect(await search('Encounter', { params: { class: ['IMP'] } })).toEqual([]);
    const amb = await search('Encounter', { params: { class: ['AMB'] } });
    const vr = await search('Encounter', {
      params: { class: ['http://terminology.hl7.org/CodeSystem/v3-ActCode|VR'] },
    });
    expect(amb.length + vr.length).toBe(all.length);
    expect(await search('Encounter', { status: ['in-progress'] })).toEqual([]);
  });

  it('Encounter date: the period — a day inside it matches eq only when the period lies within it', async () => {
    const [e] = resources<Encounter>(await search('Encounter', { limit: 1 }));
    const d = day(e!.period!.start!.slice(0, 10));
    const ids = async (prefix: 'eq' | 'lt' | 'gt' | 'ge' | 'le') =>
      (await search('Encounter', { date: [{ prefix, ...d }] })).map((f) => f.resource.id);
    expect(await ids('eq')).toContain(e!.id);
    expect(await ids('ge')).toContain(e!.id);
    expect(await ids('le')).toContain(e!.id);
    expect(await ids('lt')).not.toContain(e!.id);
    expect(await ids('gt')).not.toContain(e!.id);
  });

  it('Condition: ICD-10 with the Chinese name, required status bindings, chronic tag; code and status search', async () => {
    const found = resources<Condition>(
      await search('Condition', { code: [[{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'I10' }]] }),
    );
    expect(found.length).toBeGreaterThan(0);
    const c = found[0]!;
    expect(c.code?.coding?.[0]).toEqual({
      system: 'http://hl7.org/fhir/sid/icd-10',
      code: 'I10',
      display: '原发性高血压',
    });
    expect(c.clinicalStatus?.coding?.[0]).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
      code: 'active',
    });
    expect(c.verificationStatus?.coding?.[0]?.code).toBe('confirmed');
    expect(c.category?.map((x) => x.coding?.[0]?.code)).toEqual(['encounter-diagnosis', 'chronic']);
    expect(c.encounter?.reference).toMatch(/^Encounter\//);
    expect(await search('Condition', { code: [[{ system: 'http://loinc.org', code: 'I10' }]] })).toEqual([]);
    expect((await search('Condition', { params: { 'clinical-status': ['active'] } })).length).toBe(
      (await search('Condition')).length,
    );
    expect(await search('Condition', { params: { 'clinical-status': ['resolved'] } })).toEqual([]);
    expect(
      (
        await search('Condition', {
          params: { category: ['https://yunyi.example.cn/fhir/CodeSystem/condition-tag|chronic'] },
        })
      ).length,
    ).toBe(found.length);
  });
});

describe('Consent (授权调阅)', () => {
  it('an authorisation is an active Consent naming its grantee and categories; a revoked one is inactive', async () => {
    const active = (await provider('Consent').read(env(), activeGrant))!.resource as Consent;
    expect(active.status).toBe('active');
    expect(active.scope?.coding?.[0]).toMatchObject({ code: 'patient-privacy' });
    expect(active.category?.[0]?.coding?.[0]).toMatchObject({ system: 'http://loinc.org', code: '59284-0' });
    expect(active.patient?.reference).toBe(`Patient/${zhang}`);
    expect(active.performer?.[0]?.reference).toBe(`Patient/${zhang}`);
    expect(active.provision?.actor?.[0]?.reference).toEqual({
      reference: `Practitioner/${su}`,
      display: '苏晓雯',
    });
    expect(active.provision?.code?.[0]?.coding?.[0]?.code).toBe('labs');
    expect(active.provision?.class?.map((c) => c.code)).toEqual(['Observation', 'DiagnosticReport']);
    const revoked = (await provider('Consent').read(env(), revokedGrant))!.resource as Consent;
    expect(revoked.status).toBe('inactive');
    expect(revoked.provision?.actor?.[0]?.reference?.reference).toBe(`Organization/${h03}`);
    expect(revoked.provision?.code).toBeUndefined(); // every category
    expect(Date.parse(revoked.provision!.period!.end!)).toBeLessThan(
      Date.parse(active.provision!.period!.end!),
    );
  });

  it('status and actor search', async () => {
    expect((await search('Consent', { status: ['active'] })).map((f) => f.resource.id)).toEqual([
      activeGrant,
    ]);
    expect((await search('Consent', { status: ['inactive'] })).map((f) => f.resource.id)).toEqual([
      revokedGrant,
    ]);
    expect(
      (await search('Consent', { params: { actor: [`Organization/${h03}`] } })).map((f) => f.resource.id),
    ).toEqual([revokedGrant]);
    expect(await search('Consent', { params: { actor: [`Practitioner/${chen}`] } })).toEqual([]);
  });

  it('an authorisation past its expiry is inactive, and its version changes then', async () => {
    const before = (await provider('Consent').read(env(), activeGrant))!.resource;
    const later = { ...env(), now: new Date(t.clock.now().getTime() + 8 * 86_400_000) };
    const after = (await provider('Consent').read(later, activeGrant))!.resource as Consent;
    expect(after.status).toBe('inactive');
    expect(after.meta?.versionId).not.toBe(before.meta?.versionId);
    expect(
      await provider('Consent').search(later, query(provider('Consent'), { status: ['active'] })),
    ).toEqual([]);
  });
});

describe('MedicationRequest and MedicationDispense', () => {
  it('a prescription line: completed once dispensed, the drug’s code and Chinese name, dosage, dispense request', async () => {
    const [mr] = resources<MedicationRequest>(
      await search('MedicationRequest', { identifier: [[{ code: `${rx.prescriptionId}-1` }]] }),
    );
    expect(mr?.id).toBe(`${rx.prescriptionId}-1`);
    expect(mr?.status).toBe('completed');
    expect(mr?.intent).toBe('order');
    expect(mr?.groupIdentifier?.value).toBe(rx.prescriptionId);
    const drug = await drugIdOf(t, AMLODIPINE);
    expect(mr?.medicationCodeableConcept?.coding?.[0]).toEqual({
      system: 'https://yunyi.example.cn/fhir/CodeSystem/drug',
      code: drug,
      display: AMLODIPINE,
    });
    expect(mr?.requester).toEqual({ reference: `Practitioner/${chen}`, display: '陈建国' });
    expect(mr?.reasonCode?.[0]?.coding?.[0]).toMatchObject({ code: 'I10' });
    const dose = mr!.dosageInstruction![0]!;
    expect(dose.text).toBe('每次 5mg，每日一次，口服，共 7 天');
    expect(dose.timing?.repeat).toMatchObject({ frequency: 1, period: 1, periodUnit: 'd' });
    expect(dose.doseAndRate?.[0]?.doseQuantity).toEqual({
      value: 5,
      unit: 'mg',
      system: 'http://unitsofmeasure.org',
      code: 'mg',
    });
    expect(mr?.dispenseRequest?.quantity).toEqual({ value: 1, unit: '盒' });
    expect(mr?.dispenseRequest?.validityPeriod?.end).toBeTruthy();
  });

  it('MedicationRequest search: status, code, requester, intent', async () => {
    const ids = (f: Found[]) => f.map((x) => x.resource.id);
    const mine = `${rx.prescriptionId}-1`;
    expect(ids(await search('MedicationRequest', { status: ['completed'] }))).toContain(mine);
    expect(ids(await search('MedicationRequest', { status: ['active'] }))).not.toContain(mine);
    const drug = await drugIdOf(t, AMLODIPINE);
    expect(
      ids(
        await search('MedicationRequest', {
          code: [[{ system: 'https://yunyi.example.cn/fhir/CodeSystem/drug', code: drug }]],
        }),
      ),
    ).toContain(mine);
    expect(
      await search('MedicationRequest', { code: [[{ system: 'http://loinc.org', code: drug }]] }),
    ).toEqual([]);
    expect(
      ids(await search('MedicationRequest', { params: { requester: [`Practitioner/${chen}`] } })),
    ).toContain(mine);
    expect(await search('MedicationRequest', { params: { requester: [`Practitioner/${su}`] } })).toEqual([]);
    expect(await search('MedicationRequest', { params: { intent: ['plan'] } })).toEqual([]);
  });

  it('MedicationDispense: completed at the pharmacy, handed over, authorised by the line', async () => {
    const found = await search('MedicationDispense', {
      params: { prescription: [`MedicationRequest/${rx.prescriptionId}-1`] },
    });
    expect(found).toHaveLength(1);
    const md = found[0]!.resource as MedicationDispense;
    expect(md.id).toBe(`${fulfilmentId}-1`);
    expect(md.status).toBe('completed');
    expect(md.whenHandedOver).toBeTruthy();
    expect(md.authorizingPrescription?.[0]?.reference).toBe(`MedicationRequest/${rx.prescriptionId}-1`);
    expect(md.performer?.[0]?.actor?.display).toBeTruthy();
    expect(md.quantity).toEqual({ value: 1, unit: '盒' });
    expect(await search('MedicationDispense', { status: ['in-progress'] })).toEqual([]);
    const include = provider('MedicationDispense').includes.find((i) => i.param === 'prescription')!;
    expect(include.ids(md)).toEqual([`${rx.prescriptionId}-1`]);
  });
});

describe('AuditEvent', () => {
  it('the patient sees who did what with their data — names, no phone or ID number', async () => {
    const events = resources<AuditEvent>(await search('AuditEvent'));
    expect(events.length).toBeGreaterThan(0);
    const dispensed = events.find((e) => e.subtype?.[0]?.code === 'fulfilment.dispense');
    expect(dispensed?.action).toBe('U');
    expect(dispensed?.outcome).toBe('0');
    expect(dispensed?.entity?.[0]?.what?.reference).toBe(`Patient/${zhang}`);
    expect(dispensed?.agent?.[0]?.who?.display).toBe('郑雅琴');
    const json = JSON.stringify(events);
    // No phone number and no resident ID: 张伟's own, and none shaped like one outside an id (a UUID's hex
    // segment may hold 11 decimal digits by chance, so digits next to hex or '-' do not count).
    expect(json).not.toContain('13800000001');
    expect(json).not.toMatch(/(?<![0-9a-f-])1[3-9]\d{9}(?![0-9a-f-])/i);
    expect(json).not.toContain('11010119780315031X');
    expect(json).not.toMatch(/(?<![0-9a-f-])\d{17}[\dX](?![0-9a-f-])/i); // no resident ID
    const created = await search('AuditEvent', { params: { action: ['C'] } });
    expect(created.length).toBeGreaterThan(0);
    expect(resources<AuditEvent>(created).every((e) => e.action === 'C')).toBe(true);
    const pharmacist = await practitionerIdOf(t, 'P015');
    const byAgent = resources<AuditEvent>(
      await search('AuditEvent', { params: { agent: [`Practitioner/${pharmacist}`] } }),
    );
    expect(byAgent.length).toBeGreaterThan(0);
    expect(byAgent.every((e) => e.agent?.[0]?.who?.reference === `Practitioner/${pharmacist}`)).toBe(true);
  });

  it('only the patient and their proxies: a reader for whom 张伟 is not their own sees none', async () => {
    const doctor = env([]); // a doctor: the facade's readable list may name 张伟, ownPatients does not
    expect(await search('AuditEvent', {}, doctor)).toEqual([]);
    const [one] = await search('AuditEvent', { limit: 1 });
    expect(await provider('AuditEvent').read(doctor, one!.resource.id)).toBeNull();
  });
});

describe('over HTTP at /fhir/R4 (the facade: the same access check as REST, SEC-1)', () => {
  const get = (token: string, path: string) => t.request('GET', `/fhir/R4/${path}`, { token });
  const entries = (body: { entry?: { resource: Resource; search?: { mode?: string } }[] }) =>
    (body.entry ?? []).filter((e) => e.search?.mode !== 'include').map((e) => e.resource);

  it.each(TYPES)('%s: 张伟 searches and reads his own; every resource validates', async (type) => {
    const token = await t.login('13800000001');
    const res = await get(token, `${type}?patient=${zhang}&_count=50`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('application/fhir+json');
    const found = entries(res.json());
    expect(found.length).toBeGreaterThan(0);
    for (const r of found) expect(validateFhir(r), `${type}/${r.id}`).toEqual([]);
    const one = await get(token, `${type}/${found[0]!.id}`);
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()).toEqual(found[0]);
    expect(one.headers.etag).toBe(`W/"${found[0]!.meta!.versionId}"`);
  });

  it('code with system, date prefix and category, with _include of the results', async () => {
    const token = await t.login('13800000001');
    const bp = await get(
      token,
      `Observation?patient=${zhang}&code=http://loinc.org|8480-6&date=ge2026-10-01`,
    );
    expect(bp.statusCode, bp.body).toBe(200);
    const sbp = entries(bp.json()) as Observation[];
    expect(sbp.length).toBeGreaterThan(0);
    for (const o of sbp) {
      expect(o.code.coding?.[0]?.code).toBe('8480-6');
      expect(Date.parse(o.effectiveDateTime!)).toBeGreaterThanOrEqual(
        Date.parse('2026-10-01T00:00:00+08:00'),
      );
    }
    const rep = await get(
      token,
      `DiagnosticReport?patient=${zhang}&category=LAB&code=http://loinc.org|57698-3&_include=DiagnosticReport:result&_count=1`,
    );
    expect(rep.statusCode, rep.body).toBe(200);
    const body = rep.json() as { entry: { resource: Resource; search: { mode: string } }[] };
    expect(body.entry.filter((e) => e.search.mode === 'match')).toHaveLength(1);
    expect(body.entry.filter((e) => e.search.mode === 'include').map((e) => e.resource.resourceType)).toEqual(
      ['Observation', 'Observation', 'Observation', 'Observation'],
    );
  });

  it('a doctor authorised for labs only: lab results yes; exam reports, encounters, audit trail no', async () => {
    const token = await t.login('13900000002'); // 苏晓雯
    const obs = await get(token, `Observation?patient=${zhang}&_count=100`);
    expect(obs.statusCode, obs.body).toBe(200);
    expect(entries(obs.json()).length).toBeGreaterThan(0);
    const reports = entries(
      (await get(token, `DiagnosticReport?patient=${zhang}&_count=100`)).json(),
    ) as DiagnosticReport[];
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.every((r) => r.category?.[0]?.coding?.[0]?.code === 'LAB')).toBe(true);
    const [ecg] = await search('DiagnosticReport', { params: { category: ['EC'] } });
    expect((await get(token, `DiagnosticReport/${ecg!.resource.id}`)).statusCode).toBe(403);
    expect(entries((await get(token, `Encounter?patient=${zhang}`)).json())).toEqual([]);
    expect(entries((await get(token, `AuditEvent?patient=${zhang}`)).json())).toEqual([]);
    expect(entries((await get(token, `MedicationRequest?patient=${zhang}`)).json())).toEqual([]);
  });

  it('a doctor authorised for exams only finds the exam reports by search, and no lab value (SEC-1)', async () => {
    const duan = await practitionerIdOf(t, 'P051'); // 段志刚, no visit with 张伟
    const grant = await t.request('POST', '/api/v1/me/authorisations', {
      token: await t.login('13800000001'),
      body: { practitionerId: duan, categories: ['exams'], days: 7 },
    });
    expect(grant.statusCode, grant.body).toBe(201);
    const token = await t.login('13900000003');
    const reports = entries(
      (await get(token, `DiagnosticReport?patient=${zhang}&_count=100`)).json(),
    ) as DiagnosticReport[];
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.some((r) => r.category?.[0]?.coding?.[0]?.code === 'EC')).toBe(true);
    expect(reports.every((r) => r.category?.[0]?.coding?.[0]?.code !== 'LAB')).toBe(true);
    const labs = entries(
      (await get(token, `Observation?patient=${zhang}&category=laboratory&_count=100`)).json(),
    );
    expect(labs).toEqual([]);
  });
});
