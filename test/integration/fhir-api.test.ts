/**
 * The FHIR R4 API ([6/12]) driven by an independent client (fhir-kit-client) over a real listening
 * server, on the demo region: search parameters and paging, _include, _sort, date prefixes, tokens with a
 * system, the CapabilityStatement's accuracy, OperationOutcomes for errors, 401/403 (SEC-1, DJ-9), the
 * audit of every read (DJ-12), and every resource checked with the official R4 definitions.
 */
import type {
  AllergyIntolerance,
  Bundle,
  CapabilityStatement,
  Observation,
  OperationOutcome,
  Patient,
  Practitioner,
  Resource,
} from '@medplum/fhirtypes';
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientEverything } from '../../src/server/fhir/everything.js';
import { bookingOf } from '../../src/server/fhir/fhir.routes.js';
import { ERROR_CODE_SYSTEM } from '../../src/server/fhir/outcome.js';
import { resolveSession } from '../../src/server/modules/identity/session.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  approvedWith,
  batchOf,
  choose,
  dispense,
  institutionId,
  loginPeople,
  payOrder,
  STAFF_PHONES,
  traceCodes,
} from '../support/circulation.js';
import { listenFhir, requiredBindingErrors, validateFhir } from '../support/fhir.js';
import { AMLODIPINE, drugIdOf } from '../support/prescriptions.js';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const RESIDENT_ID = 'urn:oid:2.16.156.10011.1.3';
const ZHANG_WEI_ID_NUMBER = '11010119780315031X';

let t: TestApp;
let base: string;
const tokens: Record<string, string> = {};
let zhangWei: string; // 张伟's patient id
let allergies: string[] = []; // 张伟's allergies A1..A5, oldest first, one a day from 2026-11-22
let scheduleId: string; // 陈建国's session on 2026-11-30 (YC-H01 cardiology), for POST /Appointment

/** Every resource the API answered in this file, to be checked against the official definitions. */
const seen: Resource[] = [];

/** fhir-kit-client, seen through @medplum/fhirtypes (its own resource types are looser). */
interface Kit {
  search(args: {
    resourceType: string;
    searchParams: Record<string, string | string[]>;
    options?: { postSearch?: boolean };
  }): Promise<Bundle>;
  nextPage(args: { bundle: Bundle }): Promise<Bundle | undefined>;
  read(args: { resourceType: string; id: string }): Promise<Resource>;
  capabilityStatement(): Promise<CapabilityStatement>;
}

const client = (token?: string, headers: Record<string, string> = {}): Kit =>
  new Client({
    baseUrl: base,
    ...(token ? { bearerToken: token } : {}),
    customHeaders: headers,
  }) as unknown as Kit;

async function search<T extends Resource>(
  token: string,
  resourceType: string,
  searchParams: Record<string, string | string[]>,
): Promise<Bundle<T>> {
  const bundle = (await client(token).search({ resourceType, searchParams })) as Bundle<T>;
  seen.push(bundle as Resource);
  return bundle;
}

const ids = (b: Bundle) =>
  (b.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id!);

/** A raw request (fetch): status, headers and the parsed body. */
async function raw(
  path: string,
  opts: { token?: string; method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  const res = await fetch(`${base}${path}`, {
    method: opts.method ?? 'GET',
    headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
    ...(opts.body !== undefined ? { body: opts.body } : {}),
  });
  const text = await res.text();
  const body = text ? JSON.parse(text) : null;
  if (body?.resourceType) seen.push(body);
  return { status: res.status, headers: res.headers, body };
}

/** The stable code an OperationOutcome carries. */
const codeOf = (o: OperationOutcome) =>
  o.issue[0]?.details?.coding?.find((c) => c.system === ERROR_CODE_SYSTEM)?.code;

async function expectOutcome(
  res: { status: number; headers: Headers; body: OperationOutcome },
  status: number,
  code: string,
) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe(FHIR_JSON);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(codeOf(res.body)).toBe(code);
  expect(validateFhir(res.body)).toEqual([]);
}

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  base = await listenFhir(t.app);
  const people = await loginPeople(t); // 张伟, 陈建国, 郑雅琴
  tokens.zhangWei = people.patient;
  tokens.liNa = await t.login('13800000002');
  // 张伟's amlodipine (a follow-up visit with 陈建国, signed and approved), picked up at YC-R01: a
  // MedicationRequest and a MedicationDispense the demo region does not seed.
  const rx = await approvedWith(t, people);
  const pharmacy = await institutionId(t, 'YC-R01');
  const chosen = await choose(t, people.patient, rx.id, { pharmacyId: pharmacy, method: 'pickup' });
  expect(chosen.statusCode, chosen.body).toBe(201);
  await payOrder(t, people.patient, chosen.json().orderId);
  const amlodipine = await drugIdOf(t, AMLODIPINE);
  const dispensed = await dispense(t, await t.login(STAFF_PHONES.r01), chosen.json().id, {
    items: [
      { drugId: amlodipine, batchNo: await batchOf(t, pharmacy, amlodipine), traceCodes: traceCodes(1) },
    ],
    pickupCode: chosen.json().pickupCode,
  });
  expect(dispensed.statusCode, dispensed.body).toBe(200);
  await t.ctx.outbox.drain();
  // The demo region has no sessions yet: YC-H01's administrator opens one of 陈建国's.
  const admin = await t.login('13600000001');
  const doctor = await t.ctx.db
    .selectFrom('account')
    .select('practitioner_id')
    .where('phone_bidx', '=', t.ctx.cipher.blindIndex('phone', '13900000001'))
    .executeTakeFirstOrThrow();
  const created = await t.request('POST', '/api/v1/schedules', {
    token: admin,
    body: {
      doctorId: doctor.practitioner_id,
      date: '2026-11-30',
      startTime: '08:00',
      endTime: '08:50',
      mode: 'offline',
      capacity: 10,
      quotas: { referral: 0, partner: 0 },
    },
  });
  expect(created.statusCode).toBe(201);
  scheduleId = created.json().id;
  const me = await search<Patient>(tokens.zhangWei, 'Patient', {});
  zhangWei = ids(me)[0]!;
  // 张伟 records five allergies, one a day (A1 2026-11-22 … A5 2026-11-26, 10:00 in Shanghai).
  for (const substance of ['青霉素', '头孢类', '磺胺类', '阿司匹林', '花粉']) {
    const res = await t.request('POST', `/api/v1/patients/${zhangWei}/allergies`, {
      token: tokens.zhangWei,
      body: { substance },
    });
    expect(res.statusCode).toBe(201);
    allergies.push(res.json().id);
    t.clock.advance(86_400_000);
  }
  // Staff log in after the clock moved (their sessions end after 30 idle minutes, DJ-4).
  tokens.suXiaowen = await t.login('13900000002'); // no care relationship with 张伟
  tokens.regulator = await t.login('13500000001');
}, 180_000);
afterAll(async () => {
  await t?.rx.simCourier?.settle();
  await t?.close();
});

describe('the CapabilityStatement (GET /metadata, public)', () => {
  let cs: CapabilityStatement;
  beforeAll(async () => {
    cs = await client().capabilityStatement();
    seen.push(cs);
  });

  it('is served without a token as application/fhir+json and is valid R4', async () => {
    const res = await raw('/metadata');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(FHIR_JSON);
    expect(validateFhir(res.body)).toEqual([]);
    expect(cs.fhirVersion).toBe('4.0.1');
    expect(cs.rest?.[0]?.security?.description).toContain('patient/*.read');
    expect(cs.rest?.[0]?.security?.description).toContain('user/*.read');
  });

  it('lists read and search-type for every type, create for Appointment only when booking is offered', () => {
    const resources = cs.rest?.[0]?.resource ?? [];
    expect(resources.map((r) => r.type).sort()).toEqual(
      [
        'Patient',
        'Practitioner',
        'PractitionerRole',
        'Organization',
        'Location',
        'HealthcareService',
        'Schedule',
        'Slot',
        'Appointment',
        'Encounter',
        'Condition',
        'AllergyIntolerance',
        'Observation',
        'DiagnosticReport',
        'MedicationRequest',
        'MedicationDispense',
        'Consent',
        'AuditEvent',
      ].sort(),
    );
    for (const r of resources) {
      const codes = (r.interaction ?? []).map((i) => i.code);
      expect(codes.slice(0, 2), r.type).toEqual(['read', 'search-type']);
      expect(codes.includes('create'), r.type).toBe(r.type === 'Appointment' && !!bookingOf());
    }
  });

  it('accepts every search parameter, _include and _sort it lists, and refuses one it does not (strict)', async () => {
    const value: Record<string, string> = {
      token: 'x',
      date: 'ge2026-01-01',
      string: '张',
      number: '1',
      uri: 'http://example.org/x',
      quantity: '5',
    };
    const refused: string[] = [];
    for (const r of cs.rest?.[0]?.resource ?? []) {
      const tries: Record<string, string>[] = [];
      for (const p of r.searchParam ?? []) {
        const v = p.type === 'reference' ? zhangWei : value[p.type];
        tries.push({ [p.name]: v! });
      }
      for (const inc of r.searchInclude ?? []) tries.push({ _include: inc });
      const sorts = /_sort: ([^（]+)/.exec(r.documentation ?? '')?.[1]?.split(', ') ?? [];
      expect(sorts.length, r.type).toBeGreaterThan(0);
      for (const s of sorts) tries.push({ _sort: s });
      for (const params of tries) {
        const q = new URLSearchParams(params).toString();
        const res = await raw(`/${r.type}?${q}`, { token: tokens.zhangWei });
        if (res.status !== 200) refused.push(`${r.type}?${q} → ${res.status} ${JSON.stringify(res.body)}`);
      }
      const unlisted = await raw(`/${r.type}?not-a-param=1`, { token: tokens.zhangWei });
      await expectOutcome(unlisted, 400, 'FHIR_UNKNOWN_PARAMETER');
      const badSort = await raw(`/${r.type}?_sort=not-a-key`, { token: tokens.zhangWei });
      await expectOutcome(badSort, 400, 'FHIR_INVALID_PARAMETER');
    }
    expect(refused).toEqual([]);
  }, 120_000);
});

describe('search through fhir-kit-client', () => {
  it('answers a searchset with absolute self link, fullUrl and search.mode, as application/fhir+json', async () => {
    const b = await search<AllergyIntolerance>(tokens.zhangWei, 'AllergyIntolerance', { patient: zhangWei });
    expect(b.type).toBe('searchset');
    expect(b.link?.find((l) => l.relation === 'self')?.url).toBe(
      `${base}/AllergyIntolerance?patient=${zhangWei}`,
    );
    expect(ids(b).sort()).toEqual([...allergies].sort());
    for (const e of b.entry ?? []) {
      expect(e.fullUrl).toBe(`${base}/AllergyIntolerance/${e.resource!.id}`);
      expect(e.search?.mode).toBe('match');
    }
    const res = await raw(`/AllergyIntolerance?patient=${zhangWei}`, { token: tokens.zhangWei });
    expect(res.headers.get('content-type')).toBe(FHIR_JSON);
  });

  it('sorts by one key, ascending or descending (the default here: newest first)', async () => {
    const byDefault = await search(tokens.zhangWei, 'AllergyIntolerance', { patient: zhangWei });
    expect(ids(byDefault)).toEqual([...allergies].reverse());
    const asc = await search(tokens.zhangWei, 'AllergyIntolerance', { patient: zhangWei, _sort: 'date' });
    expect(ids(asc)).toEqual(allergies);
    const desc = await search(tokens.zhangWei, 'AllergyIntolerance', { patient: zhangWei, _sort: '-date' });
    expect(ids(desc)).toEqual([...allergies].reverse());
  });

  it('filters by date with every prefix, at the precision given (Asia/Shanghai days)', async () => {
    const [a1, a2, a3, a4, a5] = allergies;
    const cases: [string | string[], string[]][] = [
      ['2026-11-23', [a2!]],
      ['eq2026-11-23', [a2!]],
      ['ne2026-11-23', [a1!, a3!, a4!, a5!]],
      ['ge2026-11-24', [a3!, a4!, a5!]],
      ['gt2026-11-24', [a4!, a5!]],
      ['le2026-11-24', [a1!, a2!, a3!]],
      ['lt2026-11-24', [a1!, a2!]],
      ['sa2026-11-24', [a4!, a5!]],
      ['eb2026-11-24', [a1!, a2!]],
      ['2026-11', allergies],
      ['2026-12', []],
      ['2026', allergies],
      [
        ['ge2026-11-23', 'le2026-11-24'],
        [a2!, a3!],
      ],
      // A time: 2026-11-24T10:00+08:00 is A3's recording instant (to the second).
      ['2026-11-24T10:00:00+08:00', [a3!]],
      ['lt2026-11-24T02:00:00Z', [a1!, a2!]],
    ];
    for (const [date, want] of cases) {
      const b = await search(tokens.zhangWei, 'AllergyIntolerance', {
        patient: zhangWei,
        date,
        _sort: 'date',
      });
      expect(ids(b), JSON.stringify(date)).toEqual(want);
    }
  });

  it('filters by a token with a system: the resident ID of its system only', async () => {
    const hit = await search<Patient>(tokens.zhangWei, 'Patient', {
      identifier: `${RESIDENT_ID}|${ZHANG_WEI_ID_NUMBER}`,
    });
    expect(ids(hit)).toEqual([zhangWei]);
    // The patient sees their own resident ID in full (ID-6).
    expect(hit.entry?.[0]?.resource?.identifier?.[0]?.value).toBe(ZHANG_WEI_ID_NUMBER);
    const otherSystem = await search(tokens.zhangWei, 'Patient', {
      identifier: `http://example.org/ids|${ZHANG_WEI_ID_NUMBER}`,
    });
    expect(ids(otherSystem)).toEqual([]);
    const anySystem = await search(tokens.zhangWei, 'Patient', { identifier: ZHANG_WEI_ID_NUMBER });
    expect(ids(anySystem)).toEqual([zhangWei]);
  });

  it('filters by _id (OR) and by _lastUpdated', async () => {
    const two = await search(tokens.zhangWei, 'AllergyIntolerance', {
      _id: `${allergies[0]},${allergies[4]}`,
      _sort: 'date',
    });
    expect(ids(two)).toEqual([allergies[0], allergies[4]]);
    const recent = await search(tokens.zhangWei, 'AllergyIntolerance', {
      patient: zhangWei,
      _lastUpdated: 'ge2026-11-25',
      _sort: 'date',
    });
    expect(ids(recent)).toEqual(allergies.slice(3));
  });

  it('_includes the referenced Patient once, as mode include', async () => {
    const b = await search(tokens.zhangWei, 'AllergyIntolerance', {
      patient: zhangWei,
      _include: 'AllergyIntolerance:patient',
    });
    const included = (b.entry ?? []).filter((e) => e.search?.mode === 'include');
    expect(included.map((e) => `${e.resource?.resourceType}/${e.resource?.id}`)).toEqual([
      `Patient/${zhangWei}`,
    ]);
    expect(included[0]?.fullUrl).toBe(`${base}/Patient/${zhangWei}`);
    expect(ids(b)).toHaveLength(5);
  });

  it('pages by keyset: next links (all parameters kept) followed by the client, no duplicate or gap while a row is added', async () => {
    const c = client(tokens.zhangWei);
    let page = (await c.search({
      resourceType: 'AllergyIntolerance',
      searchParams: { patient: zhangWei, _count: '2' },
    })) as Bundle;
    const got = [...ids(page)];
    expect(got).toEqual([allergies[4], allergies[3]]);
    const next = page.link?.find((l) => l.relation === 'next')?.url ?? '';
    expect(next.startsWith(`${base}/AllergyIntolerance?`)).toBe(true);
    const nextParams = new URL(next).searchParams;
    expect(nextParams.get('patient')).toBe(zhangWei);
    expect(nextParams.get('_count')).toBe('2');
    expect(nextParams.get('_cursor')).toBeTruthy();
    // A newer allergy is recorded between page fetches: with offset paging the next page would repeat A4.
    const added = await t.request('POST', `/api/v1/patients/${zhangWei}/allergies`, {
      token: tokens.zhangWei,
      body: { substance: '海鲜' },
    });
    expect(added.statusCode).toBe(201);
    for (;;) {
      const following = await c.nextPage({ bundle: page });
      if (!following) break;
      seen.push(following);
      got.push(...ids(following));
      page = following;
    }
    expect(got).toEqual([...allergies].reverse());
    expect(page.link?.some((l) => l.relation === 'next')).toBe(false);
    // A fresh search sees the new one first.
    const fresh = await search(tokens.zhangWei, 'AllergyIntolerance', { patient: zhangWei, _count: '1' });
    expect(ids(fresh)).toEqual([added.json().id]);
    allergies = [...allergies, added.json().id];
  });

  it('searches by POST _search with a form body, the same as GET', async () => {
    const c = client(tokens.zhangWei);
    const posted = await c.search({
      resourceType: 'AllergyIntolerance',
      searchParams: { patient: zhangWei, _sort: 'date', _count: '3' },
      options: { postSearch: true },
    });
    seen.push(posted);
    expect(ids(posted)).toEqual(allergies.slice(0, 3));
    // Its next link is a GET with the form's parameters.
    const following = await c.nextPage({ bundle: posted });
    expect(ids(following!)).toEqual(allergies.slice(3));
  });

  it('refuses bad values and cursors with OperationOutcomes (400)', async () => {
    for (const [q, code] of [
      ['date=xx2026', 'FHIR_INVALID_PARAMETER'],
      ['date=2026-02-30', 'FHIR_INVALID_PARAMETER'],
      ['_count=0', 'FHIR_INVALID_PARAMETER'],
      ['_sort=date,_id', 'FHIR_INVALID_PARAMETER'],
      ['_include=AllergyIntolerance:recorder', 'FHIR_INVALID_PARAMETER'],
      ['_cursor=garbage', 'FHIR_INVALID_CURSOR'],
      ['patient:missing=true', 'FHIR_UNKNOWN_PARAMETER'],
    ] as const) {
      await expectOutcome(await raw(`/AllergyIntolerance?${q}`, { token: tokens.zhangWei }), 400, code);
    }
    // A POST search's parameters are a form: an unknown one is refused there too; a JSON body is 415.
    await expectOutcome(
      await raw('/AllergyIntolerance/_search', {
        token: tokens.zhangWei,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'nope=1',
      }),
      400,
      'FHIR_UNKNOWN_PARAMETER',
    );
    await expectOutcome(
      await raw('/AllergyIntolerance/_search', {
        token: tokens.zhangWei,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"patient":"x"}',
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });
});

describe("Observation search: code tokens with a system, dates, paging (张伟's blood pressure)", () => {
  const SBP = 'http://loinc.org|8480-6';
  const all = async (params: Record<string, string | string[]>) => {
    const c = client(tokens.zhangWei);
    let page = await c.search({ resourceType: 'Observation', searchParams: params });
    const out = [...ids(page)];
    seen.push(page);
    for (;;) {
      const next = await c.nextPage({ bundle: page });
      if (!next) return out;
      seen.push(next);
      out.push(...ids(next));
      page = next;
    }
  };

  it('matches system|code on its system only, code alone on any system, commas as OR', async () => {
    const sbp = await search<Observation>(tokens.zhangWei, 'Observation', {
      patient: zhangWei,
      code: SBP,
      _count: '100',
    });
    expect(ids(sbp).length).toBeGreaterThan(3);
    for (const e of sbp.entry ?? []) {
      expect((e.resource as Observation).code.coding).toContainEqual(
        expect.objectContaining({ system: 'http://loinc.org', code: '8480-6' }),
      );
    }
    const anySystem = await search(tokens.zhangWei, 'Observation', {
      patient: zhangWei,
      code: '8480-6',
      _count: '100',
    });
    expect(ids(anySystem).sort()).toEqual(ids(sbp).sort());
    const otherSystem = await search(tokens.zhangWei, 'Observation', {
      patient: zhangWei,
      code: 'http://example.org/codes|8480-6',
    });
    expect(ids(otherSystem)).toEqual([]);
    const dbp = await search(tokens.zhangWei, 'Observation', {
      patient: zhangWei,
      code: 'http://loinc.org|8462-4',
      _count: '100',
    });
    const both = await search(tokens.zhangWei, 'Observation', {
      patient: zhangWei,
      code: `${SBP},http://loinc.org|8462-4`,
      _count: '100',
    });
    expect(ids(both).sort()).toEqual([...ids(sbp), ...ids(dbp)].sort());
    // Repeated: AND — no observation is both.
    expect(
      ids(
        await search(tokens.zhangWei, 'Observation', {
          patient: zhangWei,
          code: [SBP, 'http://loinc.org|8462-4'],
        }),
      ),
    ).toEqual([]);
  });

  it('pages through every match once (keyset, _count=3), and date prefixes split them exactly', async () => {
    const every = await all({ patient: zhangWei, code: SBP, _count: '100' });
    const paged = await all({ patient: zhangWei, code: SBP, _count: '3' });
    expect(paged.length).toBe(every.length);
    expect(new Set(paged).size).toBe(paged.length);
    expect([...paged].sort()).toEqual([...every].sort());
    const dates = (
      await search<Observation>(tokens.zhangWei, 'Observation', {
        patient: zhangWei,
        code: SBP,
        _sort: 'date',
        _count: '100',
      })
    ).entry!.map((e) => (e.resource as Observation).effectiveDateTime!);
    expect(dates).toEqual([...dates].sort((a, b) => Date.parse(a) - Date.parse(b)));
    const middle = dates[Math.floor(dates.length / 2)]!;
    const before = await all({ patient: zhangWei, code: SBP, date: `lt${middle}`, _count: '100' });
    const from = await all({ patient: zhangWei, code: SBP, date: `ge${middle}`, _count: '100' });
    expect(before.length).toBe(Math.floor(dates.length / 2));
    expect([...before, ...from].sort()).toEqual([...every].sort());
  });
});

describe('POST /Appointment books through the booking rules (same codes as REST)', () => {
  let slot: string;
  it('is offered, and books a free Slot: 201 with Location, ETag and the Appointment', async () => {
    expect(bookingOf()).toBeDefined();
    const slots = await search(tokens.zhangWei, 'Slot', {
      schedule: `Schedule/${scheduleId}`,
      status: 'free',
      _sort: 'start',
      _count: '1',
    });
    slot = ids(slots)[0]!;
    expect(slot).toBeDefined();
    const res = await raw('/Appointment', {
      token: tokens.zhangWei,
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({
        resourceType: 'Appointment',
        status: 'booked',
        slot: [{ reference: `Slot/${slot}` }],
        participant: [{ actor: { reference: `Patient/${zhangWei}` }, status: 'accepted' }],
      }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe(FHIR_JSON);
    expect(res.body.resourceType).toBe('Appointment');
    expect(res.headers.get('location')).toBe(`${base}/Appointment/${res.body.id}`);
    expect(res.headers.get('etag')).toBe(`W/"${res.body.meta.versionId}"`);
    const mine = await search(tokens.zhangWei, 'Appointment', { patient: zhangWei });
    expect(ids(mine)).toContain(res.body.id);
  });

  it('refuses what REST refuses, with the same code and status, as an OperationOutcome', async () => {
    const attempt = (token: string, patient: string, slotId: string) =>
      raw('/Appointment', {
        token,
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify({
          resourceType: 'Appointment',
          status: 'booked',
          slot: [{ reference: `Slot/${slotId}` }],
          participant: [{ actor: { reference: `Patient/${patient}` }, status: 'accepted' }],
        }),
      });
    // The number he just took: his live booking with that doctor that day is named before the taken number
    // (the documented order, restored in [9/12]: DUPLICATE_BOOKING before SLOT_FULL).
    await expectOutcome(await attempt(tokens.zhangWei, zhangWei, slot), 409, 'DUPLICATE_BOOKING');
    // Another free number of the same session: one booking per patient per session, as over REST.
    const free = await search(tokens.zhangWei, 'Slot', { schedule: scheduleId, status: 'free', _count: '1' });
    const again = await attempt(tokens.zhangWei, zhangWei, ids(free)[0]!);
    const rest = await t.request('POST', '/api/v1/appointments', {
      token: tokens.zhangWei,
      body: { scheduleId, patientId: zhangWei },
    });
    expect(rest.statusCode).toBeGreaterThanOrEqual(400);
    await expectOutcome(again, rest.statusCode, rest.json().code);
    // Someone else's patient: the same refusal as REST (ID-6).
    const other = await attempt(tokens.liNa, zhangWei, ids(free)[0]!);
    const otherRest = await t.request('POST', '/api/v1/appointments', {
      token: tokens.liNa,
      body: { scheduleId, patientId: zhangWei },
    });
    await expectOutcome(other, otherRest.statusCode, otherRest.json().code);
    await expectOutcome(
      await raw('/Appointment', {
        token: tokens.zhangWei,
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json' },
        body: '{"resourceType":"Patient"}',
      }),
      400,
      'FHIR_INVALID_RESOURCE',
    );
    await expectOutcome(
      await raw('/Appointment', {
        token: tokens.zhangWei,
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json' },
        body: '{"resourceType":',
      }),
      400,
      'BAD_REQUEST',
    );
  });
});

describe('read by id (versioning by meta.versionId)', () => {
  it('answers the resource with ETag W/"versionId" and Last-Modified; versionId is base-36 of lastUpdated', async () => {
    const res = await raw(`/Patient/${zhangWei}`, { token: tokens.zhangWei });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(FHIR_JSON);
    const p = res.body as Patient;
    expect(res.headers.get('etag')).toBe(`W/"${p.meta?.versionId}"`);
    expect(res.headers.get('last-modified')).toBe(new Date(p.meta!.lastUpdated!).toUTCString());
    expect(p.meta?.versionId).toBe(Date.parse(p.meta!.lastUpdated!).toString(36));
    const viaClient = (await client(tokens.zhangWei).read({
      resourceType: 'AllergyIntolerance',
      id: allergies[0]!,
    })) as Resource;
    expect(viaClient.id).toBe(allergies[0]);
  });

  it('answers 404 for an unknown id, an id that cannot exist, and an unknown type; 405 for other methods', async () => {
    await expectOutcome(
      await raw('/Patient/0192a1b2-0000-7000-8000-00000000ffff', { token: tokens.zhangWei }),
      404,
      'FHIR_RESOURCE_NOT_FOUND',
    );
    await expectOutcome(
      await raw('/Patient/not.an.id', { token: tokens.zhangWei }),
      404,
      'FHIR_RESOURCE_NOT_FOUND',
    );
    await expectOutcome(await raw('/Medication', { token: tokens.zhangWei }), 404, 'FHIR_UNKNOWN_TYPE');
    await expectOutcome(
      await raw(`/Patient/${zhangWei}`, { token: tokens.zhangWei, method: 'DELETE' }),
      405,
      'FHIR_OPERATION_NOT_SUPPORTED',
    );
    await expectOutcome(
      await raw(`/Patient/${zhangWei}`, { token: tokens.zhangWei, method: 'PUT', body: '{}' }),
      405,
      'FHIR_OPERATION_NOT_SUPPORTED',
    );
    if (!bookingOf()) {
      await expectOutcome(
        await raw('/Appointment', {
          token: tokens.zhangWei,
          method: 'POST',
          headers: { 'content-type': 'application/fhir+json' },
          body: '{"resourceType":"Appointment"}',
        }),
        405,
        'FHIR_OPERATION_NOT_SUPPORTED',
      );
    }
  });

  it('answers JSON only: _format=json is fine, xml is 406', async () => {
    expect((await raw(`/Patient/${zhangWei}?_format=json`, { token: tokens.zhangWei })).status).toBe(200);
    await expectOutcome(
      await raw('/Patient?_format=xml', { token: tokens.zhangWei }),
      406,
      'FHIR_FORMAT_NOT_SUPPORTED',
    );
    await expectOutcome(
      await raw('/Patient', { token: tokens.zhangWei, headers: { accept: 'application/fhir+xml' } }),
      406,
      'FHIR_FORMAT_NOT_SUPPORTED',
    );
  });

  it('says it in English when Accept-Language prefers it, with the same code', async () => {
    const res = await raw('/Patient?nope=1', {
      token: tokens.zhangWei,
      headers: { 'accept-language': 'en-US,en;q=0.9' },
    });
    await expectOutcome(res, 400, 'FHIR_UNKNOWN_PARAMETER');
    expect(res.body.issue[0].details.text).toBe('Unsupported search parameter');
    expect(res.body.issue[0].diagnostics).toBe(
      'Patient does not support the search parameter nope (strict handling)',
    );
    const zh = await raw('/Patient?nope=1', { token: tokens.zhangWei });
    expect(zh.body.issue[0].details.text).toBe('不支持的查询参数');
  });
});

describe('who may read (SEC-1, DJ-9): the one access check', () => {
  it('401 without a token or with an unknown one, with WWW-Authenticate', async () => {
    const none = await raw('/Patient');
    await expectOutcome(none, 401, 'UNAUTHENTICATED');
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="yunyi-fhir"');
    const bad = await raw(`/Patient/${zhangWei}`, { token: 'x'.repeat(40) });
    await expectOutcome(bad, 401, 'UNAUTHENTICATED');
    expect(bad.headers.get('www-authenticate')).toBe('Bearer realm="yunyi-fhir", error="invalid_token"');
  });

  it('a doctor with no care relationship: 403 NO_CARE_RELATIONSHIP by id, and no search returns anything of the patient', async () => {
    const before = await auditCount('access.denied');
    await expectOutcome(
      await raw(`/Patient/${zhangWei}`, { token: tokens.suXiaowen }),
      403,
      'NO_CARE_RELATIONSHIP',
    );
    await expectOutcome(
      await raw(`/AllergyIntolerance/${allergies[0]}`, { token: tokens.suXiaowen }),
      403,
      'NO_CARE_RELATIONSHIP',
    );
    await expectOutcome(
      await raw(`/Patient/${zhangWei}/$everything`, { token: tokens.suXiaowen }),
      403,
      'NO_CARE_RELATIONSHIP',
    );
    // The refusals are security events (DJ-12, DJ-17).
    expect(await auditCount('access.denied')).toBe(before + 3);
    for (const [type, params] of [
      ['Patient', { _id: zhangWei }],
      ['Patient', { identifier: `${RESIDENT_ID}|${ZHANG_WEI_ID_NUMBER}` }],
      ['Patient', { name: '张伟' }],
      ['AllergyIntolerance', { patient: zhangWei }],
      ['AllergyIntolerance', {}],
    ] as const) {
      const b = await search(tokens.suXiaowen, type, params);
      expect(ids(b), `${type} ${JSON.stringify(params)}`).toEqual([]);
    }
  });

  it('a patient reads themself and their dependents only; another family is 403', async () => {
    const liNa = await search<Patient>(tokens.liNa, 'Patient', { _sort: '_id' });
    const names = liNa.entry?.map((e) => e.resource?.name?.[0]?.text).sort();
    expect(names).toEqual(['李娜', '李小宝'].sort());
    await expectOutcome(
      await raw(`/Patient/${zhangWei}`, { token: tokens.liNa }),
      403,
      'NO_CARE_RELATIONSHIP',
    );
    expect(ids(await search(tokens.liNa, 'AllergyIntolerance', { patient: zhangWei }))).toEqual([]);
  });

  it('the regulator reads the directory but no patient data', async () => {
    const orgs = await search(tokens.regulator, 'Organization', { _count: '3' });
    expect(ids(orgs).length).toBeGreaterThan(0);
    expect(ids(await search(tokens.regulator, 'Patient', {}))).toEqual([]);
    await expectOutcome(
      await raw(`/Patient/${zhangWei}`, { token: tokens.regulator }),
      403,
      'NO_CARE_RELATIONSHIP',
    );
  });

  it('an authorisation opens its categories only, the reads are audited once per patient per type and show in the access log', async () => {
    const doctor = await search<Practitioner>(tokens.suXiaowen, 'Practitioner', { name: '苏晓雯' });
    const practitionerId = ids(doctor)[0]!;
    const grant = await t.request('POST', '/api/v1/me/authorisations', {
      token: tokens.zhangWei,
      body: { practitionerId, categories: ['basic'], days: 7 },
    });
    expect(grant.statusCode).toBe(201);
    const before = await auditCount('record.read');
    const b = await search(tokens.suXiaowen, 'AllergyIntolerance', {
      patient: zhangWei,
      _include: 'AllergyIntolerance:patient',
    });
    expect(ids(b).sort()).toEqual([...allergies].sort());
    // One entry for the six allergies, one for the included Patient.
    const rows = await auditRows('record.read', before);
    expect(
      rows.map((r) => [r.patient_id, r.details.what, r.details.channel, r.details.relationship]).sort(),
    ).toEqual(
      [
        [zhangWei, 'fhir:AllergyIntolerance', 'fhir', 'authorisation'],
        [zhangWei, 'fhir:Patient', 'fhir', 'authorisation'],
      ].sort(),
    );
    const read = await raw(`/Patient/${zhangWei}`, { token: tokens.suXiaowen });
    expect(read.status).toBe(200);
    // Staff see the resident ID masked (DJ-10).
    expect((read.body as Patient).identifier?.[0]?.value).not.toBe(ZHANG_WEI_ID_NUMBER);
    // Labs were not granted: nothing of them (search) and 403 (by id).
    expect(ids(await search(tokens.suXiaowen, 'Observation', { patient: zhangWei }))).toEqual([]);
    const own = await search(tokens.zhangWei, 'Observation', { patient: zhangWei, _count: '1' });
    await expectOutcome(
      await raw(`/Observation/${ids(own)[0]}`, { token: tokens.suXiaowen }),
      403,
      'NO_CARE_RELATIONSHIP',
    );
    const log = await t.request('GET', '/api/v1/me/access-log', { token: tokens.zhangWei });
    expect(log.statusCode).toBe(200);
    const fhirReads = (log.json().items as { channel: string; what: string }[]).filter(
      (e) => e.channel === 'fhir',
    );
    expect(fhirReads.map((e) => e.what)).toContain('fhir:AllergyIntolerance');
  });
});

describe('Patient/$everything and the export (patientEverything)', () => {
  it('answers the Patient first and every compartment resource, all pages, in one valid searchset', async () => {
    const res = await raw(`/Patient/${zhangWei}/$everything`, { token: tokens.zhangWei });
    expect(res.status).toBe(200);
    const b = res.body as Bundle;
    expect(b.type).toBe('searchset');
    expect(b.entry?.[0]?.resource?.resourceType).toBe('Patient');
    expect(b.entry?.[0]?.resource?.id).toBe(zhangWei);
    const allergyIds = (b.entry ?? [])
      .filter((e) => e.resource?.resourceType === 'AllergyIntolerance')
      .map((e) => e.resource!.id);
    expect(allergyIds.sort()).toEqual([...allergies].sort());
    expect(validateFhir(b)).toEqual([]);
  });

  it('is what the export calls: urn:uuid fullUrls without a base, audited once per category as export:fhir', async () => {
    const auth = (await resolveSession(t.ctx, tokens.liNa))!;
    const liNaPatients = await search<Patient>(tokens.liNa, 'Patient', {});
    const child = liNaPatients.entry!.find((e) => e.resource?.name?.[0]?.text === '李小宝')!.resource!.id!;
    const before = await auditCount('record.read');
    const b = await patientEverything(
      t.ctx,
      auth,
      { accountId: auth.accountId, role: 'patient', ip: null },
      child,
      t.clock.now(),
    );
    seen.push(b);
    expect(b.entry?.[0]?.fullUrl).toBe(`urn:uuid:${child}`);
    expect(validateFhir(b)).toEqual([]);
    const rows = await auditRows('record.read', before);
    expect(rows.every((r) => r.details.what === 'export:fhir' && r.details.channel === 'export')).toBe(true);
    expect(rows.every((r) => r.details.relationship === 'proxy' && r.patient_id === child)).toBe(true);
    expect(new Set(rows.map((r) => r.resource_type)).size).toBe(rows.length);
  });
});

describe('every resource the API answered', () => {
  it('validates with zero errors against the official R4 definitions and their required bindings', () => {
    expect(seen.length).toBeGreaterThan(20);
    const errors = seen.flatMap((r) => validateFhir(r).map((e) => `${r.resourceType}/${r.id ?? ''}: ${e}`));
    expect(errors).toEqual([]);
  });

  it('every type the CapabilityStatement lists has demo data that validates (read from the demo region)', async () => {
    const cs = await client().capabilityStatement();
    const empty: string[] = [];
    const errors: string[] = [];
    for (const r of cs.rest?.[0]?.resource ?? []) {
      let found: Resource | undefined;
      for (const token of [tokens.zhangWei, tokens.liNa, tokens.regulator]) {
        const b = await search(token!, r.type, { _count: '5' });
        found = b.entry?.[0]?.resource;
        if (found) break;
      }
      if (!found) {
        empty.push(r.type);
        continue;
      }
      const read = await raw(`/${r.type}/${found.id}`, { token: tokens.zhangWei });
      const body = read.status === 200 ? read.body : found;
      errors.push(...validateFhir(body).map((e) => `${r.type}/${found!.id}: ${e}`));
    }
    expect(errors).toEqual([]);
    expect(empty).toEqual([]);
  }, 120_000);

  it('the required-binding check catches what medplum 4.5.2 does not: gender xx, a bad Observation.status', () => {
    const patient = { resourceType: 'Patient', gender: 'xx' } as unknown as Patient;
    expect(requiredBindingErrors(patient)).toEqual([
      "Patient.gender: 'xx' is not in the required value set http://hl7.org/fhir/ValueSet/administrative-gender",
    ]);
    expect(validateFhir(patient)).toHaveLength(1);
    const obs = {
      resourceType: 'Observation',
      status: 'done',
      code: { text: '血红蛋白' },
    } as unknown as Resource;
    expect(validateFhir(obs)).toEqual([
      "Observation.status: 'done' is not in the required value set http://hl7.org/fhir/ValueSet/observation-status",
    ]);
    const ok = { resourceType: 'Observation', status: 'final', code: { text: '血红蛋白' } } as Resource;
    expect(validateFhir(ok)).toEqual([]);
  });
});

// --- audit rows --------------------------------------------------------------------------------------

async function auditCount(action: string): Promise<number> {
  const row = await t.database.db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('action', '=', action)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function auditRows(action: string, skip: number) {
  const rows = await t.database.db
    .selectFrom('audit_event')
    .select(['patient_id', 'resource_type', 'details'])
    .where('action', '=', action)
    .orderBy('id')
    .execute();
  return rows.slice(skip) as { patient_id: string; resource_type: string; details: Record<string, string> }[];
}
