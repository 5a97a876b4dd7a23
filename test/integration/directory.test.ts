import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { practitionerDepartmentsAt } from '../../src/server/modules/directory/directory.api.js';
import { newId } from '../../src/server/platform/ids.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { itOnPostgres } from '../support/db.js';

// The clock stands at 2026-11-22 10:00 in Asia/Shanghai (02:00Z).
let t: TestApp;
let orgAdmin: string;
let regulator: string;
let patient: string;
beforeAll(async () => {
  t = await createTestApp({ seed: true });
  [orgAdmin, regulator, patient] = await Promise.all([
    t.login('13600000001'),
    t.login('13500000001'),
    t.login('13800000001'),
  ]);
});
afterAll(async () => t.close());

const institutionId = async (code: string) =>
  (await t.ctx.db.selectFrom('institution').select('id').where('code', '=', code).executeTakeFirstOrThrow())
    .id;
const practitioner = async (code: string) =>
  t.ctx.db
    .selectFrom('practitioner')
    .select(['id', 'institution_id', 'department_id'])
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
const departmentId = async (institution: string, code: string) =>
  (
    await t.ctx.db
      .selectFrom('department')
      .select('id')
      .where('institution_id', '=', await institutionId(institution))
      .where('code', '=', code)
      .executeTakeFirstOrThrow()
  ).id;

const get = async (url: string, token?: string) => t.request('GET', url, token ? { token } : {});

interface Listed {
  id: string;
  name: string;
  [key: string]: unknown;
}

/** Follows nextCursor to the end; every page is checked to be at most `limit` long. */
async function allPages(url: string, limit: number): Promise<Listed[]> {
  const items: Listed[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const sep = url.includes('?') ? '&' : '?';
    const res = await get(`${url}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: Listed[]; nextCursor: string | null };
    expect(body.items.length).toBeLessThanOrEqual(limit);
    items.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error('paging did not end');
}

describe('institutions (public, ID-5)', () => {
  it('lists tertiary hospitals without login, with licences and the children’s hospital', async () => {
    const res = await get('/api/v1/institutions?type=hospital&level=tertiary');
    expect(res.statusCode).toBe(200);
    const { items, nextCursor } = res.json();
    expect(nextCursor).toBeNull();
    expect(items.map((i: { code: string }) => i.code)).toEqual(['YC-H01', 'YC-H02', 'YC-H03']);
    const h01 = items[0];
    expect(h01).toMatchObject({
      name: '云澜医科大学附属云川医院',
      shortName: '云川医院',
      type: 'hospital',
      level: 'tertiary',
      isChildrens: false,
      district: '云川区',
      status: 'active',
      internetHospital: { name: '云澜医科大学附属云川医院互联网医院', approvedAt: '2021-03-18' },
    });
    expect(h01.licences.map((l: { kind: string }) => l.kind).sort()).toEqual([
      'internet_hospital',
      'practice',
    ]);
    expect(h01.licences.find((l: { kind: string }) => l.kind === 'internet_hospital')).toEqual({
      kind: 'internet_hospital',
      number: 'HLWYY-110101-2021-001',
      issuedBy: '云澜市卫生健康委员会',
      validFrom: '2021-03-18',
      validTo: '2028-06-30',
      scope: expect.arrayContaining(['心血管内科专业']),
    });
    const children = items.find((i: { isChildrens: boolean }) => i.isChildrens);
    expect(children).toMatchObject({ code: 'YC-H03', name: '云澜市儿童医院' });
    expect(children.internetHospital.services).toContain('first_visit');
  });

  it('filters by type, children’s hospitals, district and a Chinese keyword on name or short name', async () => {
    const pharmacies = (await get('/api/v1/institutions?type=pharmacy')).json().items;
    expect(pharmacies.length).toBe(3);
    for (const p of pharmacies) {
      expect(p.level).toBeNull();
      expect(p.internetHospital).toBeNull();
      expect(p.licences.map((l: { kind: string }) => l.kind)).toContain('pharmacy_business');
    }
    const kids = (await get('/api/v1/institutions?isChildrens=true')).json().items;
    expect(kids.map((i: { code: string }) => i.code)).toEqual(['YC-H03']);
    const county = (await get(`/api/v1/institutions?district=${encodeURIComponent('云溪县')}`)).json().items;
    expect(county.map((i: { code: string }) => i.code)).toContain('YC-H06');
    const byName = (await get(`/api/v1/institutions?q=${encodeURIComponent('儿童')}`)).json().items;
    expect(byName.map((i: { code: string }) => i.code)).toEqual(['YC-H03']);
    const byShortName = (await get(`/api/v1/institutions?q=${encodeURIComponent('市中心')}`)).json().items;
    expect(byShortName.map((i: { code: string }) => i.code)).toEqual(['YC-H02']);
    // % and _ are matched literally, not as wildcards.
    expect((await get('/api/v1/institutions?q=%25')).json().items).toEqual([]);
    expect((await get('/api/v1/institutions?q=_')).json().items).toEqual([]);
    // An empty keyword is no keyword.
    expect((await get('/api/v1/institutions?q=&type=hospital&level=tertiary')).json().items).toHaveLength(3);
  });

  it('pages through every institution by cursor, without duplicates or gaps', async () => {
    const all = (await get('/api/v1/institutions?limit=100')).json().items as Listed[];
    expect(all.length).toBe(20);
    for (const limit of [3, 4, 19]) {
      const paged = await allPages('/api/v1/institutions', limit);
      expect(paged.map((i) => i.id)).toEqual(all.map((i) => i.id));
    }
    // Default page size is 20: all of them, and no next page.
    const first = (await get('/api/v1/institutions')).json();
    expect(first.items).toHaveLength(20);
    expect(first.nextCursor).toBeNull();
  });

  it('shows one institution; an unknown id is 404, a malformed one 400', async () => {
    const id = await institutionId('YC-H03');
    const res = await get(`/api/v1/institutions/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, code: 'YC-H03', isChildrens: true });
    const ghost = await get(`/api/v1/institutions/${newId()}`);
    expect(ghost.statusCode).toBe(404);
    expect(ghost.json().code).toBe('NOT_FOUND');
    expect((await get('/api/v1/institutions/not-a-uuid')).json().code).toBe('VALIDATION_FAILED');
  });
});

describe('departments (public)', () => {
  it('lists an institution’s departments, paged', async () => {
    const id = await institutionId('YC-H01');
    const res = await get(`/api/v1/departments?institutionId=${id}&limit=100`);
    expect(res.statusCode).toBe(200);
    const { items } = res.json();
    expect(items.length).toBe(12);
    expect(items.find((d: { code: string }) => d.code === 'CARD')).toEqual({
      id: expect.any(String),
      institutionId: id,
      code: 'CARD',
      name: '心血管内科',
      nameEn: 'Cardiology',
      specialty: '心血管内科专业',
    });
    const paged = await allPages(`/api/v1/departments?institutionId=${id}`, 5);
    expect(paged.map((d) => d.id)).toEqual(items.map((d: Listed) => d.id));
  });

  it('pages across institutions too', async () => {
    const all = await allPages('/api/v1/departments', 100);
    const paged = await allPages('/api/v1/departments', 7);
    expect(new Set(paged.map((d) => d.id)).size).toBe(paged.length);
    expect(paged.map((d) => d.id)).toEqual(all.map((d) => d.id));
  });
});

describe('doctors (public)', () => {
  it('finds the demo cardiologist by a Chinese keyword on the department name', async () => {
    const me = (await get('/api/v1/me', await t.login('13900000001'))).json();
    const res = await get(`/api/v1/doctors?q=${encodeURIComponent('心血管')}`);
    expect(res.statusCode).toBe(200);
    const chen = res.json().items.find((d: Listed) => d.id === me.practitionerId);
    expect(chen).toMatchObject({
      name: '陈建国',
      sex: 'male',
      title: 'chief',
      professionalTitle: '主任医师',
      institution: { name: '云澜医科大学附属云川医院' },
      department: { name: '心血管内科' },
      offersOnlineFollowUp: true,
      offersOnlineFirstVisit: false,
      status: 'active',
      bookable: true,
      licenceNo: '111101011997001',
      sites: [],
    });
    // By name and by specialty as well.
    const byName = (await get(`/api/v1/doctors?q=${encodeURIComponent('陈建')}`)).json().items;
    expect(byName.map((d: Listed) => d.name)).toContain('陈建国');
    const bySpecialty = (await get(`/api/v1/doctors?q=${encodeURIComponent('起搏器')}`)).json().items;
    expect(bySpecialty.map((d: Listed) => d.name)).toEqual(['刘慧敏']);
  });

  it('filters by title and lists chief physicians first otherwise', async () => {
    const chiefs = await allPages('/api/v1/doctors?title=chief', 100);
    expect(chiefs.length).toBe(9);
    for (const d of chiefs) expect(d.title).toBe('chief');
    const all = await allPages('/api/v1/doctors', 100);
    const order = ['chief', 'associate_chief', 'attending', 'resident'];
    const ranks = all.map((d) => order.indexOf(d.title as string));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('lists doctors only: a nurse is neither listed nor shown', async () => {
    const all = await allPages('/api/v1/doctors', 100);
    expect(all.length).toBe(51);
    const nurse = await practitioner('P014');
    expect(all.some((d) => d.id === nurse.id)).toBe(false);
    expect((await get(`/api/v1/doctors/${nurse.id}`)).statusCode).toBe(404);
  });

  it('pages with a cursor: no duplicates, no gaps, same order as one big page', async () => {
    const all = await allPages('/api/v1/doctors', 100);
    const first = (await get('/api/v1/doctors')).json();
    expect(first.items).toHaveLength(20); // the default page size
    expect(first.nextCursor).toEqual(expect.any(String));
    for (const limit of [1, 7, 20]) {
      const paged = await allPages('/api/v1/doctors', limit);
      expect(paged.map((d) => d.id)).toEqual(all.map((d) => d.id));
    }
    const cardio = await allPages(`/api/v1/doctors?q=${encodeURIComponent('内科')}`, 3);
    expect(new Set(cardio.map((d) => d.id)).size).toBe(cardio.length);
  });

  it('finds a doctor at the sites of multi-site practice (ORG-2)', async () => {
    const c01 = await institutionId('YC-C01');
    const items = await allPages(`/api/v1/doctors?institutionId=${c01}`, 100);
    const huang = items.find((d) => d.name === '黄志强');
    expect(huang).toMatchObject({
      institution: { name: '云澜医科大学附属云川医院' },
      sites: [
        {
          institutionId: c01,
          institutionName: '云川区青石街道社区卫生服务中心',
          departmentName: '全科医学科',
        },
      ],
    });
    const gp = await departmentId('YC-C01', 'GP');
    expect((await allPages(`/api/v1/doctors?departmentId=${gp}`, 100)).map((d) => d.name)).toContain(
      '黄志强',
    );
    // The check other modules call before putting a session at a site.
    const huangId = (await practitioner('P003')).id;
    const card = await departmentId('YC-H01', 'CARD');
    expect(await practitionerDepartmentsAt(t.ctx.db, huangId, c01)).toEqual([gp]);
    expect(await practitionerDepartmentsAt(t.ctx.db, huangId, await institutionId('YC-H01'))).toEqual([card]);
    expect(await practitionerDepartmentsAt(t.ctx.db, (await practitioner('P001')).id, c01)).toEqual([]);
    const cardio = await allPages(`/api/v1/doctors?departmentId=${card}`, 100);
    expect(cardio.map((d) => d.name)).toEqual(['陈建国', '刘慧敏', '黄志强', '吴思远']);
  });

  it('marks the pilot paediatrician as offering online first visits', async () => {
    const res = await get(`/api/v1/doctors?q=${encodeURIComponent('苏晓雯')}`);
    expect(res.json().items[0]).toMatchObject({
      name: '苏晓雯',
      offersOnlineFirstVisit: true,
      firstVisitTrained: true,
      institution: { name: '云澜市儿童医院' },
    });
  });

  it('refuses bad input with 400 VALIDATION_FAILED', async () => {
    for (const query of [
      'title=professor',
      'limit=0',
      'limit=101',
      'mode=phone',
      'date=2026-13-01',
      'departmentId=123',
      'cursor=not-a-cursor',
      `cursor=${Buffer.from('["x"]').toString('base64url')}`,
      `cursor=${Buffer.from('[1,"a","not-a-uuid"]').toString('base64url')}`,
      'unknown=1',
    ]) {
      const res = await get(`/api/v1/doctors?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().code, query).toBe('VALIDATION_FAILED');
    }
    const bad = (await get('/api/v1/doctors?title=professor')).json();
    expect(bad.fields[0].field).toBe('querystring.title');
    expect((await get('/api/v1/institutions?type=clinic')).json().code).toBe('VALIDATION_FAILED');
  });
});

/** A session of a doctor with numbered tokens, written directly as the scheduling module would. */
async function addSchedule(
  code: string,
  s: {
    date: string;
    mode: 'offline' | 'online_follow_up' | 'online_first_visit' | 'video';
    start?: string;
    end?: string;
    releaseAt?: string;
    status?: 'open' | 'stopped';
    tokens: {
      channel?: 'public' | 'referral' | 'partner';
      status?: 'free' | 'held' | 'booked' | 'stopped';
    }[];
  },
): Promise<string> {
  const p = await practitioner(code);
  const id = newId();
  const start = s.start ?? '08:00';
  const end = s.end ?? '12:00';
  const at = (time: string) => new Date(`${s.date}T${time}:00+08:00`);
  await t.ctx.db
    .insertInto('schedule')
    .values({
      id,
      institution_id: p.institution_id,
      department_id: p.department_id,
      practitioner_id: p.id,
      date: s.date,
      start_time: start,
      end_time: end,
      mode: s.mode,
      fee_fen: 5000,
      capacity: s.tokens.length,
      release_at: s.releaseAt ?? '2026-11-15T00:00:00Z',
      reserved_release_at: new Date(at(start).getTime() - 24 * 3600_000),
      status: s.status ?? 'open',
      created_at: '2026-11-01T00:00:00Z',
    })
    .execute();
  const span = (at(end).getTime() - at(start).getTime()) / s.tokens.length;
  for (const [i, token] of s.tokens.entries()) {
    await t.ctx.db
      .insertInto('token')
      .values({
        id: newId(),
        schedule_id: id,
        token_number: i + 1,
        window_start: new Date(at(start).getTime() + i * span),
        window_end: new Date(at(start).getTime() + (i + 1) * span),
        channel: token.channel ?? 'public',
        status: token.status ?? 'free',
      })
      .execute();
  }
  return id;
}

const free = (n: number) => Array.from({ length: n }, () => ({}));

describe('availability: date, mode and nextAvailable', () => {
  let chen: string;
  beforeAll(async () => {
    chen = (await practitioner('P001')).id;
    // Yesterday, with free tokens: past.
    await addSchedule('P001', { date: '2026-11-21', mode: 'offline', tokens: free(3) });
    // This morning: the last token's window is over at 10:00, the others too — nothing left today.
    await addSchedule('P001', {
      date: '2026-11-22',
      mode: 'offline',
      start: '08:00',
      end: '10:00',
      tokens: free(2),
    });
    // Tomorrow: public tokens all taken; a referral token free is not for the public.
    await addSchedule('P001', {
      date: '2026-11-23',
      mode: 'offline',
      tokens: [{ status: 'booked' }, { status: 'held' }, { channel: 'referral' }],
    });
    // The day after: 2 free public tokens, one held, one booked — the next available.
    await addSchedule('P001', {
      date: '2026-11-24',
      mode: 'online_follow_up',
      start: '14:00',
      end: '16:00',
      tokens: [{}, { status: 'held' }, {}, { status: 'booked' }],
    });
    // A video session not released until 2026-11-23 08:00.
    await addSchedule('P001', {
      date: '2026-11-25',
      mode: 'video',
      releaseAt: '2026-11-23T00:00:00Z',
      tokens: free(4),
    });
    // A stopped session (停诊).
    await addSchedule('P001', { date: '2026-11-26', mode: 'offline', status: 'stopped', tokens: free(5) });
  });

  it('nextAvailable is the earliest released session from today with free public tokens', async () => {
    const res = await get(`/api/v1/doctors/${chen}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().nextAvailable).toEqual({ date: '2026-11-24', mode: 'online_follow_up', available: 2 });
    const listed = (await get(`/api/v1/doctors?q=${encodeURIComponent('陈建国')}`)).json().items[0];
    expect(listed.nextAvailable).toEqual({ date: '2026-11-24', mode: 'online_follow_up', available: 2 });
    // Doctors without sessions have none.
    const liu = (await get(`/api/v1/doctors?q=${encodeURIComponent('刘慧敏')}`)).json().items[0];
    expect(liu.nextAvailable).toBeNull();
  });

  it('a session counts once its tokens are released', async () => {
    const video = (await get('/api/v1/doctors?mode=video')).json().items.find((d: Listed) => d.id === chen);
    expect(video.nextAvailable).toBeNull();
    const before = t.clock.now();
    t.clock.set('2026-11-23T00:00:00Z');
    try {
      const after = (await get('/api/v1/doctors?mode=video')).json().items.find((d: Listed) => d.id === chen);
      expect(after.nextAvailable).toEqual({ date: '2026-11-25', mode: 'video', available: 4 });
    } finally {
      t.clock.set(before);
    }
  });

  it('date and mode restrict the list to doctors with an open session then', async () => {
    const ids = async (query: string) =>
      (await allPages(`/api/v1/doctors?${query}`, 100)).map((d) => d.id as string);
    expect(await ids('date=2026-11-24')).toEqual([chen]);
    expect(await ids('date=2026-11-24&mode=online_follow_up')).toEqual([chen]);
    expect(await ids('date=2026-11-24&mode=offline')).toEqual([]);
    // Sessions that are full or not yet released still show that the doctor sees patients that day.
    expect(await ids('date=2026-11-23')).toEqual([chen]);
    expect(await ids('date=2026-11-25&mode=video')).toEqual([chen]);
    // A stopped session does not.
    expect(await ids('date=2026-11-26')).toEqual([]);
    // A mode alone means from today on: yesterday's session does not count.
    expect(await ids('mode=video')).toEqual([chen]);
    expect(await ids('mode=online_first_visit')).toEqual([]);
    // With a site: the session must be at that site.
    expect(await ids(`date=2026-11-24&institutionId=${await institutionId('YC-H01')}`)).toEqual([chen]);
    expect(await ids(`date=2026-11-24&institutionId=${await institutionId('YC-C01')}`)).toEqual([]);
  });
});

describe('institution administrators (own institution only)', () => {
  let newDepartmentId: string;

  it('an org_admin adds a department to its own institution', async () => {
    const res = await t.request('POST', '/api/v1/departments', {
      token: orgAdmin,
      body: { code: 'SLEEP', name: '睡眠医学科', nameEn: 'Sleep Medicine', specialty: '睡眠医学专业' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      institutionId: await institutionId('YC-H01'),
      code: 'SLEEP',
      name: '睡眠医学科',
      nameEn: 'Sleep Medicine',
    });
    newDepartmentId = res.json().id;
    const listed = (
      await get(`/api/v1/departments?institutionId=${await institutionId('YC-H01')}&limit=100`)
    ).json();
    expect(listed.items.map((d: { code: string }) => d.code)).toContain('SLEEP');
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['action', 'actor_role', 'resource_type'])
      .where('resource_id', '=', newDepartmentId)
      .execute();
    expect(audit).toEqual([
      { action: 'department.create', actor_role: 'org_admin', resource_type: 'department' },
    ]);
  });

  it('a duplicate department code → 409 DEPARTMENT_CODE_TAKEN', async () => {
    const res = await t.request('POST', '/api/v1/departments', {
      token: orgAdmin,
      body: { code: 'CARD', name: '心内科', specialty: '心血管内科专业' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'DEPARTMENT_CODE_TAKEN' });
    expect(res.json().detail).toContain('CARD');
  });

  it('another institution’s departments → 403 NOT_YOUR_INSTITUTION, audited as refused', async () => {
    const h02 = await institutionId('YC-H02');
    const create = await t.request('POST', '/api/v1/departments', {
      token: orgAdmin,
      body: { institutionId: h02, code: 'SLEEP', name: '睡眠医学科', specialty: '睡眠医学专业' },
    });
    expect(create.statusCode).toBe(403);
    expect(create.json().code).toBe('NOT_YOUR_INSTITUTION');
    const patch = await t.request('PATCH', `/api/v1/departments/${await departmentId('YC-H02', 'CARD')}`, {
      token: orgAdmin,
      body: { name: '心内科' },
    });
    expect(patch.statusCode).toBe(403);
    expect(patch.json().code).toBe('NOT_YOUR_INSTITUTION');
    const rows = await t.ctx.db
      .selectFrom('department')
      .select('id')
      .where('institution_id', '=', h02)
      .where('code', '=', 'SLEEP')
      .execute();
    expect(rows).toEqual([]);
    const denied = await t.ctx.db
      .selectFrom('audit_event')
      .select(['details'])
      .where('action', '=', 'access.denied')
      .execute();
    expect(denied.some((d) => d.details.code === 'NOT_YOUR_INSTITUTION')).toBe(true);
  });

  it('an org_admin renames its own department; an empty change is refused', async () => {
    const res = await t.request('PATCH', `/api/v1/departments/${newDepartmentId}`, {
      token: orgAdmin,
      body: { name: '睡眠障碍科', nameEn: null },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: '睡眠障碍科', nameEn: null, code: 'SLEEP' });
    const empty = await t.request('PATCH', `/api/v1/departments/${newDepartmentId}`, {
      token: orgAdmin,
      body: {},
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().code).toBe('VALIDATION_FAILED');
    const clash = await t.request('PATCH', `/api/v1/departments/${newDepartmentId}`, {
      token: orgAdmin,
      body: { code: 'ENDO' },
    });
    expect(clash.json().code).toBe('DEPARTMENT_CODE_TAKEN');
    const ghost = await t.request('PATCH', `/api/v1/departments/${newId()}`, {
      token: orgAdmin,
      body: { name: 'x' },
    });
    expect(ghost.statusCode).toBe(404);
  });

  const doctor = {
    name: '林若溪',
    sex: 'female',
    kind: 'doctor',
    title: 'attending',
    professionalTitle: '主治医师',
    specialty: '失眠、睡眠呼吸暂停的诊治',
    bio: '擅长慢性失眠的认知行为治疗。',
    licenceNo: '111101012016099',
    practiceSince: 2016,
    onlineFollowUpSince: 2023,
    offersOnline: true,
  };

  it('an org_admin registers a doctor, who is then found in the directory', async () => {
    const res = await t.request('POST', '/api/v1/practitioners', {
      token: orgAdmin,
      body: { ...doctor, departmentId: newDepartmentId },
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      name: '林若溪',
      kind: 'doctor',
      title: 'attending',
      code: 'YC-H01-111101012016099',
      department: { id: newDepartmentId, name: '睡眠障碍科' },
      institution: { name: '云澜医科大学附属云川医院' },
      offersOnlineFollowUp: true,
      status: 'active',
      licenceNo: '111101012016099',
      nextAvailable: null,
    });
    const found = (await get(`/api/v1/doctors?departmentId=${newDepartmentId}`)).json().items;
    expect(found.map((d: Listed) => d.id)).toEqual([created.id]);
    const byKeyword = (await get(`/api/v1/doctors?q=${encodeURIComponent('睡眠')}`)).json().items;
    expect(byKeyword.map((d: Listed) => d.id)).toContain(created.id);
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['action', 'actor_role'])
      .where('resource_id', '=', created.id)
      .execute();
    expect(audit).toEqual([{ action: 'practitioner.create', actor_role: 'org_admin' }]);

    const patched = await t.request('PATCH', `/api/v1/practitioners/${created.id}`, {
      token: orgAdmin,
      body: { title: 'associate_chief', professionalTitle: '副主任医师' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ title: 'associate_chief', professionalTitle: '副主任医师' });
  });

  it('a licence number already registered → 409 LICENCE_NO_TAKEN', async () => {
    const res = await t.request('POST', '/api/v1/practitioners', {
      token: orgAdmin,
      body: { ...doctor, name: '林若雨', licenceNo: '111101011997001', departmentId: newDepartmentId },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('LICENCE_NO_TAKEN');
    expect(res.json().title).toBe('执业证书编码已登记');
  });

  itOnPostgres('two registrations racing for one licence number: exactly one wins', async () => {
    const body = { ...doctor, name: '林若云', licenceNo: '111101012016096', departmentId: newDepartmentId };
    const results = await Promise.all([
      t.request('POST', '/api/v1/practitioners', { token: orgAdmin, body }),
      t.request('POST', '/api/v1/practitioners', { token: orgAdmin, body }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.statusCode === 409)?.json().code).toBe('LICENCE_NO_TAKEN');
  });

  it('registering into another institution’s department → 403 NOT_YOUR_INSTITUTION', async () => {
    const res = await t.request('POST', '/api/v1/practitioners', {
      token: orgAdmin,
      body: { ...doctor, licenceNo: '111101012016098', departmentId: await departmentId('YC-H02', 'CARD') },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NOT_YOUR_INSTITUTION');
    const other = await practitioner('P017');
    const patch = await t.request('PATCH', `/api/v1/practitioners/${other.id}`, {
      token: orgAdmin,
      body: { bio: '改' },
    });
    expect(patch.json().code).toBe('NOT_YOUR_INSTITUTION');
  });

  it('ORG-1: online practice needs 3 years of independent practice (422); shape errors are 400', async () => {
    const young = await t.request('POST', '/api/v1/practitioners', {
      token: orgAdmin,
      body: {
        ...doctor,
        licenceNo: '111101012025001',
        practiceSince: 2025,
        onlineFollowUpSince: 2025,
        departmentId: newDepartmentId,
      },
    });
    expect(young.statusCode).toBe(422);
    expect(young.json()).toMatchObject({ code: 'ONLINE_PRACTICE_TOO_SHORT', field: 'body.offersOnline' });
    const { title: _title, ...untitled } = doctor;
    const noTitle = await t.request('POST', '/api/v1/practitioners', {
      token: orgAdmin,
      body: { ...untitled, licenceNo: '111101012016097', departmentId: newDepartmentId },
    });
    expect(noTitle.statusCode).toBe(400);
    expect(noTitle.json()).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'body.title' }] });
    const invalid = await t.request('POST', '/api/v1/practitioners', {
      token: orgAdmin,
      body: { ...doctor, kind: 'surgeon', licenceNo: '1', departmentId: newDepartmentId },
    });
    expect(invalid.statusCode).toBe(400);
    const fields = invalid.json().fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['body.kind', 'body.licenceNo']));
    // Nothing refused was written.
    const written = await t.ctx.db
      .selectFrom('practitioner')
      .select('id')
      .where('licence_no', 'in', ['111101012025001', '111101012016097', '1'])
      .execute();
    expect(written).toEqual([]);
  });

  it('a patient calling the administrators’ routes → 403 FORBIDDEN; no login → 401', async () => {
    const body = { code: 'X1', name: '测试科', specialty: '测试' };
    const res = await t.request('POST', '/api/v1/departments', { token: patient, body });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
    const patch = await t.request('PATCH', `/api/v1/departments/${newDepartmentId}`, {
      token: patient,
      body: { name: '改' },
    });
    expect(patch.statusCode).toBe(403);
    const practitionerRes = await t.request('POST', '/api/v1/practitioners', {
      token: patient,
      body: { ...doctor, departmentId: newDepartmentId },
    });
    expect(practitionerRes.statusCode).toBe(403);
    expect((await t.request('POST', '/api/v1/departments', { body })).statusCode).toBe(401);
  });
});

describe('the regulator suspends and reinstates (ORG-5)', () => {
  it('a suspended doctor is still listed, flagged, with no next available session', async () => {
    const liu = await practitioner('P002');
    await addSchedule('P002', { date: '2026-11-24', mode: 'offline', tokens: free(3) });
    const before = (await get(`/api/v1/doctors/${liu.id}`)).json();
    expect(before).toMatchObject({ status: 'active', bookable: true });
    expect(before.nextAvailable).toEqual({ date: '2026-11-24', mode: 'offline', available: 3 });

    const res = await t.request('POST', `/api/v1/practitioners/${liu.id}/suspend`, {
      token: regulator,
      body: { reason: '执业证书注册信息核查中' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'suspended', bookable: false, nextAvailable: null });
    const listed = (await get(`/api/v1/doctors?q=${encodeURIComponent('刘慧敏')}`)).json().items;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ status: 'suspended', bookable: false, nextAvailable: null });
    const row = await t.ctx.db
      .selectFrom('practitioner')
      .select(['status', 'suspension_reason', 'suspended_at'])
      .where('id', '=', liu.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'suspended', suspension_reason: '执业证书注册信息核查中' });
    expect(row.suspended_at?.toISOString()).toBe(t.clock.now().toISOString());

    const again = await t.request('POST', `/api/v1/practitioners/${liu.id}/suspend`, {
      token: regulator,
      body: { reason: '重复' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('ALREADY_SUSPENDED');

    const back = await t.request('POST', `/api/v1/practitioners/${liu.id}/reinstate`, { token: regulator });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ status: 'active', bookable: true, nextAvailable: { available: 3 } });
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['action', 'actor_role', 'details'])
      .where('resource_id', '=', liu.id)
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      {
        action: 'practitioner.suspend',
        actor_role: 'regulator',
        details: { institutionId: liu.institution_id, reason: '执业证书注册信息核查中' },
      },
      {
        action: 'practitioner.reinstate',
        actor_role: 'regulator',
        details: { institutionId: liu.institution_id },
      },
    ]);
  });

  it('only the regulator suspends; a reason is required', async () => {
    const liu = await practitioner('P002');
    const byAdmin = await t.request('POST', `/api/v1/practitioners/${liu.id}/suspend`, {
      token: orgAdmin,
      body: { reason: '自行停诊' },
    });
    expect(byAdmin.statusCode).toBe(403);
    expect(byAdmin.json().code).toBe('FORBIDDEN');
    const noReason = await t.request('POST', `/api/v1/practitioners/${liu.id}/suspend`, {
      token: regulator,
      body: {},
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().fields[0].field).toBe('body.reason');
    const notSuspended = await t.request('POST', `/api/v1/practitioners/${liu.id}/reinstate`, {
      token: regulator,
    });
    expect(notSuspended.json().code).toBe('NOT_SUSPENDED');
    const ghost = await t.request('POST', `/api/v1/practitioners/${newId()}/suspend`, {
      token: regulator,
      body: { reason: '核查' },
    });
    expect(ghost.statusCode).toBe(404);
  });

  it('a suspended institution’s doctors cannot be booked', async () => {
    const h01 = await institutionId('YC-H01');
    const res = await t.request('POST', `/api/v1/institutions/${h01}/suspend`, {
      token: regulator,
      body: { reason: '医疗质量安全专项检查' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ code: 'YC-H01', status: 'suspended' });
    const chen = (await get(`/api/v1/doctors/${(await practitioner('P001')).id}`)).json();
    expect(chen).toMatchObject({ status: 'active', bookable: false, nextAvailable: null });
    const suspended = (await get('/api/v1/institutions?status=suspended')).json().items;
    expect(suspended.map((i: { code: string }) => i.code)).toEqual(['YC-H01']);
    const back = await t.request('POST', `/api/v1/institutions/${h01}/reinstate`, { token: regulator });
    expect(back.json().status).toBe('active');
    expect((await get(`/api/v1/doctors/${(await practitioner('P001')).id}`)).json().bookable).toBe(true);
    const actions = await t.ctx.db
      .selectFrom('audit_event')
      .select('action')
      .where('resource_id', '=', h01)
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['institution.suspend', 'institution.reinstate']);
  });
});
