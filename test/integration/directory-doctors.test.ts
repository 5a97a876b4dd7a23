import { describe, expect, it } from 'vitest';
import { practitionerDepartmentsAt } from '../../src/server/modules/directory/directory.api.js';
import {
  allPages,
  departmentId,
  get,
  institutionId,
  type Listed,
  practitioner,
  setupDirectoryApp,
  t,
} from '../support/directory.js';

// Searching the public list of doctors: keywords, filters, order, paging and input checks.
setupDirectoryApp();

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
