/**
 * The FHIR providers of identity, directory and scheduling ([6/12]) on the demo region: every one of the 8
 * types read through its provider and over `/fhir/R4`, checked against the official R4 definitions
 * (validateFhir: @medplum/core's validator plus required bindings); the Chinese mappings (names, resident
 * ID with its OID, masked unless self or proxy — ID-6, DJ-10), search filters and keyset paging, and
 * `POST /fhir/R4/Appointment` booking through [2/6]'s rules with the same refusal codes as REST (FD-4).
 */
import type {
  AllergyIntolerance,
  Appointment,
  Bundle,
  HealthcareService,
  Location,
  OperationOutcome,
  Organization,
  Patient,
  Practitioner,
  PractitionerRole,
  Resource,
  Schedule,
  Slot,
} from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allProviders } from '../../src/server/fhir/providers.js';
import type { FhirEnv, FhirProvider, ProviderQuery } from '../../src/server/fhir/types.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { itOnPostgres } from '../support/db.js';
import { validateFhir } from '../support/fhir.js';
import { makePatients } from '../support/people.js';

const RESIDENT_ID = 'urn:oid:2.16.156.10011.1.3';
const ZHANG_WEI_ID = '11010119780315031X';
const SID = 'https://yunyi.example.cn/fhir/sid';
const ERROR_CODES = 'https://yunyi.example.cn/fhir/CodeSystem/error-code';

let t: TestApp;
const tok: Record<string, string> = {};
const id: Record<string, string> = {};
let providers: Map<string, FhirProvider>;

const env = (own: string[] = []): FhirEnv => ({
  ctx: t.ctx,
  db: t.ctx.db,
  now: t.clock.now(),
  ownPatients: new Set(own),
  base: 'http://localhost/fhir/R4',
});

const query = (q: Partial<ProviderQuery> = {}): ProviderQuery => ({
  readable: 'any',
  lastUpdated: [],
  date: [],
  identifier: [],
  code: [],
  params: {},
  sort: { param: '_id', desc: false },
  limit: 50,
  ...q,
});

const provider = (type: string) => {
  const p = providers.get(type);
  if (!p) throw new Error(`no provider for ${type}`);
  return p;
};

async function read<T extends Resource>(type: string, rid: string, own: string[] = []): Promise<T> {
  const found = await provider(type).read(env(own), rid);
  expect(found, `${type}/${rid}`).not.toBeNull();
  return found!.resource as unknown as T;
}

const search = async (type: string, q: Partial<ProviderQuery>, own: string[] = []) =>
  provider(type).search(env(own), query(q));

const idsOf = (found: { resource: { id: string } }[]) => found.map((f) => f.resource.id);

async function fhir(method: string, path: string, token: string, body?: unknown) {
  const res = await t.request(method, `/fhir/R4${path}`, {
    token,
    ...(body ? { body, headers: { 'content-type': 'application/fhir+json' } } : {}),
  });
  return { status: res.statusCode, body: res.body ? res.json() : null, headers: res.headers };
}

const outcomeCode = (o: OperationOutcome) =>
  o.issue?.[0]?.details?.coding?.find((c) => c.system === ERROR_CODES)?.code;

async function newSchedule(body: Record<string, unknown>) {
  const res = await t.request('POST', '/api/v1/schedules', {
    token: tok.admin!,
    body: { doctorId: id.chen, mode: 'offline', quotas: { referral: 0, partner: 0 }, ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

const tokensOf = async (scheduleId: string) =>
  t.ctx.db
    .selectFrom('token')
    .select(['id', 'token_number', 'window_start'])
    .where('schedule_id', '=', scheduleId)
    .orderBy('token_number')
    .execute();

beforeAll(async () => {
  t = await createTestApp({ seed: true }); // 2026-11-22 10:00 Asia/Shanghai
  providers = allProviders();
  tok.zhang = await t.login('13800000001');
  tok.lina = await t.login('13800000002');
  tok.wang = await t.login('13800000003');
  tok.chen = await t.login('13900000001');
  tok.admin = await t.login('13600000001');
  const patients = await t.ctx.db.selectFrom('patient').select(['id', 'name']).execute();
  for (const p of patients) {
    if (p.name === '张伟') id.zhang = p.id;
    if (p.name === '王秀英') id.wang = p.id;
    if (p.name === '李小宝') id.xiaobao = p.id;
  }
  const chen = await t.ctx.db
    .selectFrom('practitioner')
    .select(['id', 'department_id', 'institution_id', 'licence_no'])
    .where('code', '=', 'P001')
    .executeTakeFirstOrThrow();
  id.chen = chen.id;
  id.card = chen.department_id;
  id.h01 = chen.institution_id;
  id.chenLicence = chen.licence_no;
  id.allergy = (
    await t.ctx.db
      .selectFrom('patient_allergy')
      .select('id')
      .where('patient_id', '=', id.wang!)
      .executeTakeFirstOrThrow()
  ).id;
  // 陈建国's sessions: 2026-11-24 08:00–08:50, five tokens of ten minutes (fee by title); one free of charge
  // on 11-25 with a single token (for SLOT_FULL).
  id.schedule = await newSchedule({ date: '2026-11-24', startTime: '08:00', endTime: '08:50', capacity: 5 });
  id.single = await newSchedule({
    date: '2026-11-25',
    startTime: '08:00',
    endTime: '08:10',
    capacity: 1,
    feeFen: 0,
  });
  // A minute later, 张伟 books the first token of 11-24 over REST.
  t.clock.advance(60_000);
  const booked = await t.request('POST', '/api/v1/appointments', {
    token: tok.zhang,
    body: { scheduleId: id.schedule },
  });
  expect(booked.statusCode, booked.body).toBe(201);
  id.appointment = booked.json().id;
}, 120_000);
afterAll(async () => t?.close());

describe('every type read from the demo region validates with zero errors (provider and /fhir/R4)', () => {
  const cases: [string, () => string, string][] = [
    ['Patient', () => id.zhang!, 'zhang'],
    ['AllergyIntolerance', () => id.allergy!, 'wang'],
    ['Practitioner', () => id.chen!, 'zhang'],
    ['PractitionerRole', () => `${id.chen}${id.card}`.replace(/-/g, ''), 'zhang'],
    ['Organization', () => id.h01!, 'zhang'],
    ['Location', () => id.h01!, 'zhang'],
    ['HealthcareService', () => id.card!, 'zhang'],
    ['Schedule', () => id.schedule!, 'zhang'],
    ['Slot', () => '', 'zhang'],
    ['Appointment', () => id.appointment!, 'zhang'],
  ];
  for (const [type, rid, reader] of cases) {
    it(`${type}: read by the provider and over HTTP, valid R4, versioned`, async () => {
      const resourceId = rid() || (await tokensOf(id.schedule!))[0]!.id;
      const viaProvider = await read<Resource>(type, resourceId);
      expect(validateFhir(viaProvider)).toEqual([]);
      expect(viaProvider.meta?.versionId).toBe(
        new Date(viaProvider.meta!.lastUpdated!).getTime().toString(36),
      );
      const res = await fhir('GET', `/${type}/${resourceId}`, tok[reader]!);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.resourceType).toBe(type);
      expect(res.body.id).toBe(resourceId);
      expect(validateFhir(res.body)).toEqual([]);
      expect(res.headers.etag).toBe(`W/"${res.body.meta.versionId}"`);
    });
  }
});

describe('Patient (identity): Chinese name, gender, resident ID masked unless self or proxy (ID-6, DJ-10)', () => {
  it('maps 张伟: text 张伟, family 张, given 伟; gender male; birth date from the ID', async () => {
    const p = await read<Patient>('Patient', id.zhang!);
    expect(p.name).toEqual([{ use: 'official', text: '张伟', family: '张', given: ['伟'] }]);
    expect(p.gender).toBe('male');
    expect(p.birthDate).toBe('1978-03-15');
    const wang = await read<Patient>('Patient', id.wang!);
    expect(wang.gender).toBe('female');
  });

  it('another reader sees the resident ID masked (labelled MASKED) and no phone; the patient sees it in full', async () => {
    const other = await read<Patient>('Patient', id.zhang!);
    expect(other.identifier).toHaveLength(1);
    expect(other.identifier![0]).toMatchObject({ system: RESIDENT_ID, value: '1101**********031X' });
    expect(other.meta?.security?.[0]?.code).toBe('MASKED');
    expect(other.telecom).toBeUndefined();
    const self = await read<Patient>('Patient', id.zhang!, [id.zhang!]);
    expect(self.identifier![0]!.value).toBe(ZHANG_WEI_ID);
    expect(self.meta?.security).toBeUndefined();
    expect(self.telecom).toEqual([{ system: 'phone', value: '13800000001', use: 'mobile' }]);
    expect(validateFhir(self)).toEqual([]);
  });

  it('over HTTP: 张伟 reads his own ID in full; 李娜 her son 李小宝 in full (proxy); 陈建国 with an authorisation, masked', async () => {
    const self = await fhir('GET', `/Patient/${id.zhang}`, tok.zhang!);
    expect(self.body.identifier[0].value).toBe(ZHANG_WEI_ID);
    const proxy = await fhir('GET', `/Patient/${id.xiaobao}`, tok.lina!);
    expect(proxy.status).toBe(200);
    expect(proxy.body.identifier[0].value).toBe('110101201905200153');
    expect(proxy.body.name[0]).toMatchObject({ family: '李', given: ['小宝'] });
    const grant = await t.request('POST', '/api/v1/me/authorisations', {
      token: tok.zhang,
      body: { practitionerId: id.chen, days: 7 },
    });
    expect(grant.statusCode, grant.body).toBe(201);
    const doctor = await fhir('GET', `/Patient/${id.zhang}`, tok.chen!);
    expect(doctor.status, JSON.stringify(doctor.body)).toBe(200);
    expect(doctor.body.identifier[0].value).toBe('1101**********031X');
    expect(doctor.body.telecom).toBeUndefined();
    expect(validateFhir(doctor.body)).toEqual([]);
  });

  it('search: identifier with the resident-ID system (full number), name prefix, gender; only readable patients', async () => {
    const byId = await search('Patient', { identifier: [[{ system: RESIDENT_ID, code: ZHANG_WEI_ID }]] });
    expect(idsOf(byId)).toEqual([id.zhang]);
    const lowerX = await search('Patient', { identifier: [[{ code: ZHANG_WEI_ID.toLowerCase() }]] });
    expect(idsOf(lowerX)).toEqual([id.zhang]);
    const otherSystem = await search('Patient', {
      identifier: [[{ system: 'urn:oid:1.2.3', code: ZHANG_WEI_ID }]],
    });
    expect(otherSystem).toEqual([]);
    expect(idsOf(await search('Patient', { params: { name: ['张'] } }))).toContain(id.zhang);
    expect(idsOf(await search('Patient', { params: { name: ['伟'] } }))).toContain(id.zhang);
    expect(idsOf(await search('Patient', { params: { name: ['王'] } }))).not.toContain(id.zhang);
    const women = await search('Patient', { params: { gender: ['female'] } });
    expect(women.every((f) => (f.resource as Patient).gender === 'female')).toBe(true);
    expect(idsOf(women)).toContain(id.wang);
    expect(await search('Patient', { readable: [] })).toEqual([]);
    expect(idsOf(await search('Patient', { readable: [id.wang!] }))).toEqual([id.wang]);
    const born = await search('Patient', { params: { birthdate: ['1978-03-15'] } });
    expect(idsOf(born)).toEqual([id.zhang]);
    const older = await search('Patient', { params: { birthdate: ['lt1960'] } });
    expect(idsOf(older)).toEqual([id.wang]);
  });
});

describe('AllergyIntolerance (identity, RX-10)', () => {
  it("王秀英's penicillin allergy: active, confirmed, substance as text, the reaction as manifestation", async () => {
    const a = await read<AllergyIntolerance>('AllergyIntolerance', id.allergy!);
    expect(a.clinicalStatus?.coding?.[0]?.code).toBe('active');
    expect(a.verificationStatus?.coding?.[0]?.code).toBe('confirmed');
    expect(a.code?.text).toBe('青霉素类');
    expect(a.reaction?.[0]?.manifestation[0]?.text).toContain('皮疹');
    expect(a.patient.reference).toBe(`Patient/${id.wang}`);
    expect(a.category).toBeUndefined();
    expect(a.criticality).toBeUndefined();
  });

  it('search by patient stays inside readable: a reader of nobody gets nothing', async () => {
    expect(idsOf(await search('AllergyIntolerance', { patients: [id.wang!] }))).toEqual([id.allergy]);
    expect(await search('AllergyIntolerance', { patients: [id.wang!], readable: [] })).toEqual([]);
    expect(await search('AllergyIntolerance', { patients: [id.wang!], readable: [id.zhang!] })).toEqual([]);
  });
});

describe('directory: Practitioner, PractitionerRole, Organization, Location, HealthcareService', () => {
  it('Practitioner 陈建国: name split, gender, licence (执业证书编码) with its system, title', async () => {
    const p = await read<Practitioner>('Practitioner', id.chen!);
    expect(p.name?.[0]).toMatchObject({ text: '陈建国', family: '陈', given: ['建国'] });
    expect(p.gender).toBe('male');
    expect(p.active).toBe(true);
    expect(p.identifier).toContainEqual(
      expect.objectContaining({ system: `${SID}/practitioner-licence`, value: id.chenLicence }),
    );
    expect(p.qualification?.length).toBeGreaterThanOrEqual(2);
  });

  it('Practitioner search: identifier with system, the wrong system finds nobody; name prefix', async () => {
    const found = await search('Practitioner', {
      identifier: [[{ system: `${SID}/practitioner-licence`, code: id.chenLicence! }]],
    });
    expect(idsOf(found)).toEqual([id.chen]);
    expect(
      await search('Practitioner', {
        identifier: [[{ system: `${SID}/institution-code`, code: id.chenLicence! }]],
      }),
    ).toEqual([]);
    const byName = await search('Practitioner', {
      params: { name: ['陈建'] },
      sort: { param: 'name', desc: false },
    });
    expect(idsOf(byName)).toContain(id.chen);
    expect(byName.every((f) => (f.resource as Practitioner).name?.[0]?.text?.startsWith('陈'))).toBe(true);
  });

  it('Organization YC-H01: institution code, practice licence, type hospital and 三级, address in China', async () => {
    const o = await read<Organization>('Organization', id.h01!);
    expect(o.identifier).toContainEqual({
      use: 'official',
      system: `${SID}/institution-code`,
      value: 'YC-H01',
    });
    expect(o.identifier?.some((i) => i.value === 'PDY11010112A1001')).toBe(true);
    const codes = (o.type ?? []).flatMap((c) => c.coding ?? []).map((c) => c.code);
    expect(codes).toEqual(expect.arrayContaining(['prov', 'hospital', 'tertiary']));
    expect(o.address?.[0]).toMatchObject({
      city: '云澜市',
      district: '云川区',
      line: ['望川路88号'],
      country: 'CN',
    });
    const byCode = await search('Organization', {
      identifier: [[{ system: `${SID}/institution-code`, code: 'YC-H01' }]],
    });
    expect(idsOf(byCode)).toEqual([id.h01]);
    const tertiary = await search('Organization', { params: { type: ['tertiary'] } });
    expect(idsOf(tertiary)).toContain(id.h01);
    expect(tertiary.every((f) => JSON.stringify(f.resource).includes('"tertiary"'))).toBe(true);
    const byName = await search('Organization', { params: { name: ['云川医院'] } });
    expect(idsOf(byName)).toEqual([id.h01]); // its short name
  });

  it('Location and HealthcareService: the institution premises and its cardiology department', async () => {
    const l = await read<Location>('Location', id.h01!);
    expect(l.status).toBe('active');
    expect(l.managingOrganization?.reference).toBe(`Organization/${id.h01}`);
    expect(l.type?.[0]?.coding?.[0]?.code).toBe('HOSP');
    const h = await read<HealthcareService>('HealthcareService', id.card!);
    expect(h.name).toBe('心血管内科');
    expect(h.specialty?.[0]?.text).toBe('心血管内科专业');
    expect(h.providedBy?.reference).toBe(`Organization/${id.h01}`);
    const departments = await search('HealthcareService', {
      params: { organization: [`Organization/${id.h01}`] },
    });
    expect(idsOf(departments)).toContain(id.card);
    expect(
      departments.every(
        (f) => (f.resource as HealthcareService).providedBy?.reference === `Organization/${id.h01}`,
      ),
    ).toBe(true);
    const locations = await search('Location', { params: { organization: [id.h01!] } });
    expect(idsOf(locations)).toEqual([id.h01]);
  });

  it('PractitionerRole: by practitioner and by organization, with specialty, location and service', async () => {
    const roles = await search('PractitionerRole', { params: { practitioner: [`Practitioner/${id.chen}`] } });
    expect(roles.length).toBeGreaterThanOrEqual(1);
    const role = roles.find(
      (r) =>
        (r.resource as PractitionerRole).healthcareService?.[0]?.reference === `HealthcareService/${id.card}`,
    )!.resource as PractitionerRole;
    expect(role.organization?.reference).toBe(`Organization/${id.h01}`);
    expect(role.location?.[0]?.reference).toBe(`Location/${id.h01}`);
    expect(role.code?.[0]?.coding?.[0]?.code).toBe('doctor');
    expect(role.specialty?.[0]?.text).toBe('心血管内科专业');
    const atH01 = await search('PractitionerRole', {
      params: { organization: [`Organization/${id.h01}`] },
      limit: 500,
    });
    expect(idsOf(atH01)).toContain(role.id);
    expect(
      atH01.every(
        (f) => (f.resource as PractitionerRole).organization?.reference === `Organization/${id.h01}`,
      ),
    ).toBe(true);
    for (const f of atH01.slice(0, 5)) expect(validateFhir(f.resource)).toEqual([]);
  });
});

describe('scheduling: Schedule, Slot, Appointment', () => {
  it('Schedule: the session of 陈建国 with its practitioner, role, department and place; horizon in +08:00', async () => {
    const s = await read<Schedule>('Schedule', id.schedule!);
    expect(s.active).toBe(true);
    expect(s.planningHorizon).toEqual({
      start: '2026-11-24T08:00:00+08:00',
      end: '2026-11-24T08:50:00+08:00',
    });
    expect(s.actor.map((a) => a.reference)).toEqual([
      `Practitioner/${id.chen}`,
      `PractitionerRole/${`${id.chen}${id.card}`.replace(/-/g, '')}`,
      `HealthcareService/${id.card}`,
      `Location/${id.h01}`,
    ]);
    const mine = await search('Schedule', { params: { actor: [`Practitioner/${id.chen}`] } });
    expect(idsOf(mine).sort()).toEqual([id.schedule, id.single].sort());
    const onDay = await search('Schedule', {
      date: [
        { prefix: 'eq', start: new Date('2026-11-23T16:00:00Z'), end: new Date('2026-11-24T16:00:00Z') },
      ],
    });
    expect(idsOf(onDay)).toEqual([id.schedule]);
  });

  it('Slot: one per token, status busy for the booked one and free for the rest; filtered by start with prefixes', async () => {
    const tokens = await tokensOf(id.schedule!);
    expect(tokens).toHaveLength(5);
    const all = await search('Slot', {
      params: { schedule: [`Schedule/${id.schedule}`] },
      sort: { param: 'start', desc: false },
    });
    expect(idsOf(all)).toEqual(tokens.map((x) => x.id));
    const statuses = all.map((f) => (f.resource as Slot).status);
    // 张伟's booking holds token 1 until paid (fee > 0): busy-tentative.
    expect(statuses).toEqual(['busy-tentative', 'free', 'free', 'free', 'free']);
    expect((all[1]!.resource as Slot).start).toBe('2026-11-24T08:10:00+08:00');
    const startOf = async (...raw: string[]) =>
      idsOf(
        await search('Slot', {
          params: { schedule: [id.schedule!], start: raw },
          sort: { param: 'start', desc: false },
        }),
      );
    expect(await startOf('ge2026-11-24T08:20:00+08:00')).toEqual(tokens.slice(2).map((x) => x.id));
    expect(await startOf('lt2026-11-24T08:20')).toEqual(tokens.slice(0, 2).map((x) => x.id));
    expect(await startOf('gt2026-11-24T08:20')).toEqual(tokens.slice(3).map((x) => x.id)); // after that minute
    expect(await startOf('2026-11-24')).toHaveLength(5);
    expect(await startOf('2026-11-25')).toEqual([]);
    expect(await startOf('ge2026-11-24T08:10', 'le2026-11-24T08:30')).toEqual(
      tokens.slice(1, 4).map((x) => x.id),
    );
    const free = await search('Slot', { params: { schedule: [id.schedule!] }, status: ['free'] });
    expect(free).toHaveLength(4);
  });

  it('Slot paging: the keyset continues after the cursor without repeats, in order', async () => {
    const tokens = await tokensOf(id.schedule!);
    const first = await search('Slot', {
      params: { schedule: [id.schedule!] },
      sort: { param: 'start', desc: false },
      limit: 2,
    });
    const last = first[first.length - 1]!;
    const second = await search('Slot', {
      params: { schedule: [id.schedule!] },
      sort: { param: 'start', desc: false },
      limit: 2,
      after: { value: last.sortValue, id: last.resource.id },
    });
    expect([...idsOf(first), ...idsOf(second)]).toEqual(tokens.slice(0, 4).map((x) => x.id));
    const byLastUpdated = await search('Slot', {
      params: { schedule: [id.schedule!] },
      sort: { param: '_lastUpdated', desc: true },
    });
    // The booked token changed last (its appointment was created after the session).
    expect(byLastUpdated[0]!.resource.id).toBe(tokens[0]!.id);
  });

  it('Appointment: pending until paid, participants with required status, times in +08:00; patient filter', async () => {
    const a = await read<Appointment>('Appointment', id.appointment!);
    expect(a.status).toBe('pending');
    expect(a.start).toBe('2026-11-24T08:00:00+08:00');
    expect(a.end).toBe('2026-11-24T08:10:00+08:00');
    expect(a.participant.map((p) => p.actor?.reference)).toEqual([
      `Patient/${id.zhang}`,
      `Practitioner/${id.chen}`,
      `Location/${id.h01}`,
    ]);
    expect(a.participant.every((p) => p.status === 'tentative')).toBe(true);
    const his = await search('Appointment', { patients: [id.zhang!] });
    expect(idsOf(his)).toEqual([id.appointment]);
    expect(await search('Appointment', { patients: [id.zhang!], readable: [] })).toEqual([]);
    expect(await search('Appointment', { patients: [id.zhang!], readable: [id.wang!] })).toEqual([]);
    const byDoctor = await search('Appointment', { params: { practitioner: [`Practitioner/${id.chen}`] } });
    expect(idsOf(byDoctor)).toContain(id.appointment);
    expect(await search('Appointment', { patients: [id.zhang!], status: ['booked'] })).toEqual([]);
    expect(idsOf(await search('Appointment', { patients: [id.zhang!], status: ['pending'] }))).toEqual([
      id.appointment,
    ]);
  });
});

describe('POST /fhir/R4/Appointment books through the booking rules (FD-4), the same codes as REST', () => {
  const body = (slotId: string, patientId: string, status = 'proposed') => ({
    resourceType: 'Appointment',
    status,
    slot: [{ reference: `Slot/${slotId}` }],
    participant: [{ actor: { reference: `Patient/${patientId}` }, status: 'needs-action' }],
  });

  it('王秀英 books a free Slot: 201, that very token, booked (free of charge), valid R4', async () => {
    const [slot] = await tokensOf(id.single!);
    const res = await fhir('POST', '/Appointment', tok.wang!, body(slot!.id, id.wang!));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.resourceType).toBe('Appointment');
    expect(res.body.status).toBe('booked');
    expect(res.body.slot).toEqual([{ reference: `Slot/${slot!.id}` }]);
    expect(res.body.participant[0].actor.reference).toBe(`Patient/${id.wang}`);
    expect(validateFhir(res.body)).toEqual([]);
    const row = await t.ctx.db
      .selectFrom('appointment')
      .select(['token_id', 'patient_id', 'status'])
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ token_id: slot!.id, patient_id: id.wang, status: 'confirmed' });
    const slotNow = await read<Slot>('Slot', slot!.id);
    expect(slotNow.status).toBe('busy');
  });

  it('a second booking of the full Slot is refused SLOT_FULL over FHIR exactly as over REST', async () => {
    const [slot] = await tokensOf(id.single!);
    const viaFhir = await fhir('POST', '/Appointment', tok.zhang!, body(slot!.id, id.zhang!));
    expect(viaFhir.status).toBe(409);
    expect(viaFhir.body.resourceType).toBe('OperationOutcome');
    const viaRest = await t.request('POST', '/api/v1/appointments', {
      token: tok.zhang,
      body: { scheduleId: id.single },
    });
    expect(viaRest.statusCode).toBe(409);
    expect(viaRest.json().code).toBe('SLOT_FULL');
    expect(outcomeCode(viaFhir.body)).toBe('SLOT_FULL');
  });

  it('a taken token is refused even when the session has others free; another patient is NOT_YOUR_PATIENT', async () => {
    const tokens = await tokensOf(id.schedule!);
    const taken = await fhir('POST', '/Appointment', tok.wang!, body(tokens[0]!.id, id.wang!));
    expect(taken.status).toBe(409);
    expect(outcomeCode(taken.body)).toBe('SLOT_FULL');
    const stranger = await fhir('POST', '/Appointment', tok.wang!, body(tokens[1]!.id, id.zhang!));
    expect(stranger.status).toBe(403);
    const rest = await t.request('POST', '/api/v1/appointments', {
      token: tok.wang,
      body: { scheduleId: id.schedule, patientId: id.zhang },
    });
    expect(outcomeCode(stranger.body)).toBe(rest.json().code);
  });

  itOnPostgres(
    '20 patients POST the same Slot at once: exactly one booked, the others SLOT_FULL',
    async () => {
      const race = await newSchedule({
        date: '2026-11-26',
        startTime: '09:00',
        endTime: '09:30',
        capacity: 3,
        feeFen: 0,
      });
      const [first] = await tokensOf(race);
      const patients = await makePatients(t, 20);
      const results = await Promise.all(
        patients.map((p) => fhir('POST', '/Appointment', p.token, body(first!.id, p.patientId))),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      const refused = results.filter((r) => r.status !== 201);
      expect(new Set(refused.map((r) => `${r.status} ${outcomeCode(r.body)}`))).toEqual(
        new Set(['409 SLOT_FULL']),
      );
      const rows = await t.ctx.db
        .selectFrom('appointment')
        .select('token_id')
        .where('schedule_id', '=', race)
        .execute();
      expect(rows).toEqual([{ token_id: first!.id }]);
    },
  );

  it('refuses with 400 a body that is not a proposed/booked Appointment naming one Slot and one Patient; nothing booked', async () => {
    const tokens = await tokensOf(id.schedule!);
    const before = await t.ctx.db.selectFrom('appointment').select('id').execute();
    const bad = [
      body(tokens[2]!.id, id.wang!, 'cancelled'),
      { ...body(tokens[2]!.id, id.wang!), slot: [] },
      { ...body(tokens[2]!.id, id.wang!), participant: [] },
      { ...body(tokens[2]!.id, id.wang!), slot: [{ reference: 'Schedule/1' }] },
      body('0190c2b2-0000-7000-8000-000000000000', id.wang!),
    ];
    for (const b of bad) {
      const res = await fhir('POST', '/Appointment', tok.wang!, b);
      expect(res.status, JSON.stringify(b)).toBe(400);
      expect(outcomeCode(res.body)).toBe('FHIR_INVALID_RESOURCE');
      expect(validateFhir(res.body)).toEqual([]);
    }
    expect(await t.ctx.db.selectFrom('appointment').select('id').execute()).toHaveLength(before.length);
  });
});

describe('over /fhir/R4 search', () => {
  it('Slot?schedule=…&start=ge… answers a searchset of valid Slots; Appointment?patient= only the reader’s', async () => {
    const res = await fhir(
      'GET',
      `/Slot?schedule=Schedule/${id.schedule}&start=ge2026-11-24T08:20:00%2B08:00`,
      tok.zhang!,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const bundle = res.body as Bundle<Slot>;
    const slots = (bundle.entry ?? []).map((e) => e.resource!).filter((r) => r.resourceType === 'Slot');
    expect(slots.map((s) => s.start)).toEqual([
      '2026-11-24T08:20:00+08:00',
      '2026-11-24T08:30:00+08:00',
      '2026-11-24T08:40:00+08:00',
    ]);
    for (const s of slots) expect(validateFhir(s)).toEqual([]);
    const mine = await fhir('GET', `/Appointment?patient=${id.zhang}`, tok.zhang!);
    expect(mine.body.entry.map((e: { resource: Appointment }) => e.resource.id)).toEqual([id.appointment]);
    const notMine = await fhir('GET', `/Appointment?patient=${id.zhang}`, tok.wang!);
    expect(notMine.body.entry ?? []).toEqual([]);
  });
});

describe('over /fhir/R4: _include and paging by next links', () => {
  it('PractitionerRole?practitioner=…&_include=…: the practitioner, organization and department come along, valid', async () => {
    const res = await fhir(
      'GET',
      `/PractitionerRole?practitioner=Practitioner/${id.chen}&_include=PractitionerRole:practitioner&_include=PractitionerRole:organization&_include=PractitionerRole:service`,
      tok.zhang!,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const included = (res.body as Bundle)
      .entry!.filter((e) => e.search?.mode === 'include')
      .map((e) => e.resource!);
    expect(included.map((r) => `${r.resourceType}/${r.id}`)).toEqual(
      expect.arrayContaining([
        `Practitioner/${id.chen}`,
        `Organization/${id.h01}`,
        `HealthcareService/${id.card}`,
      ]),
    );
    for (const e of (res.body as Bundle).entry!) expect(validateFhir(e.resource!)).toEqual([]);
  });

  it('Slot?schedule=…&_count=2 pages through all five tokens in start order by following next', async () => {
    const tokens = await tokensOf(id.schedule!);
    const seen: string[] = [];
    let url: string | undefined = `/Slot?schedule=${id.schedule}&_count=2&_include=Slot:schedule`;
    let pages = 0;
    while (url && pages < 5) {
      const res = await fhir('GET', url, tok.zhang!);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const bundle = res.body as Bundle;
      seen.push(
        ...(bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id!),
      );
      expect((bundle.entry ?? []).some((e) => e.resource?.resourceType === 'Schedule')).toBe(true);
      const next = bundle.link?.find((l) => l.relation === 'next')?.url;
      url = next ? next.slice(next.indexOf('/fhir/R4') + '/fhir/R4'.length) : undefined;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(tokens.map((x) => x.id));
  });
});
