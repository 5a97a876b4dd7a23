import { describe, expect, it } from 'vitest';
import { newId } from '../../src/server/platform/ids.js';
import { allPages, get, institutionId, type Listed, setupDirectoryApp } from '../support/directory.js';

// The public directory of institutions and their departments (ID-5), read without login.
setupDirectoryApp();

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
