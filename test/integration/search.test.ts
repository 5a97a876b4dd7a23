import { describe, expect, it } from 'vitest';
import { SEARCH_CAPS } from '../../src/shared/search.js';
import {
  addSchedule,
  departmentId,
  free,
  get,
  institutionId,
  orgAdmin,
  practitioner,
  regulator,
  setupDirectoryApp,
  t,
} from '../support/directory.js';

// The patient search (GET /search) and the bookable departments (GET /institutions/{id}/clinics) on the
// seeded demo region. The clock stands at 2026-11-22 10:00 Asia/Shanghai.
setupDirectoryApp();

interface Named {
  id: string;
  name: string;
  [key: string]: unknown;
}
interface Result {
  institutions: Named[];
  departments: (Named & { doctorCount: number; doctorsToday: number; institution: Named })[];
  doctors: Named[];
  conditions: { name: string; departments: Named[]; doctors: Named[]; departmentNames: string[] }[];
}

const search = async (q: string, token?: string) => {
  const res = await get(`/api/v1/search?q=${encodeURIComponent(q)}`, token);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Result;
};
const names = (items: { name: string }[]) => items.map((i) => i.name);

describe('search', () => {
  it('finds 陈建国 by name, with his title, department, hospital and next available session', async () => {
    const chen = await practitioner('P001');
    await addSchedule('P001', { date: '2026-11-24', mode: 'offline', tokens: free(3) });
    const found = await search('陈建国');
    expect(found.doctors[0]).toMatchObject({
      id: chen.id,
      name: '陈建国',
      title: 'chief',
      professionalTitle: '主任医师',
      department: { name: '心血管内科' },
      institution: { name: '云澜医科大学附属云川医院', shortName: '云川医院' },
    });
    expect(found.doctors[0]?.nextAvailable).toMatchObject({
      date: expect.any(String),
      available: expect.any(Number),
    });
    // Logged-in patients get the same answer (public reads, no patient data).
    const { patient } = await import('../support/directory.js');
    expect((await search('陈建国', patient)).doctors[0]?.id).toBe(chen.id);
  });

  it('finds 陈建国 by pinyin initials and by full pinyin, spaces and capitals ignored', async () => {
    for (const q of ['cjg', 'chenjianguo', 'Chen Jianguo', 'chenj']) {
      expect(names((await search(q)).doctors), q).toContain('陈建国');
    }
    // A prefix, not any letters: "jg" is no doctor's initials start.
    expect(names((await search('jgc')).doctors)).not.toContain('陈建国');
  });

  it('rows written before 0024 get their pinyin keys at start-up (fillMissingPinyinKeys)', async () => {
    const { fillMissingPinyinKeys } = await import('../../src/server/modules/directory/search.keys.js');
    const db = t.database.db;
    await db
      .updateTable('practitioner')
      .set({ pinyin_initials: '', pinyin_full: '' })
      .where('name', '=', '陈建国')
      .execute();
    expect(names((await search('cjg')).doctors)).not.toContain('陈建国');
    expect(await fillMissingPinyinKeys(db)).toBeGreaterThanOrEqual(1);
    expect(names((await search('cjg')).doctors)).toContain('陈建国');
    expect(await fillMissingPinyinKeys(db)).toBe(0);
  });

  it('finds hospitals and departments by name and by pinyin', async () => {
    const h01 = await institutionId('YC-H01');
    expect((await search('云川医院')).institutions.map((i) => i.id)).toContain(h01);
    expect((await search('ycyy')).institutions.map((i) => i.id)).toContain(h01);
    const byName = await search('心血管');
    expect(new Set(names(byName.departments))).toEqual(new Set(['心血管内科']));
    expect(byName.departments.length).toBeGreaterThanOrEqual(3);
    expect(names((await search('xxgnk')).departments)).toContain('心血管内科');
  });

  it('answers 高血压 with the condition, the departments that treat it and 陈建国 first among its doctors', async () => {
    const found = await search('高血压');
    const condition = found.conditions[0]!;
    expect(condition.name).toBe('高血压');
    expect(condition.departmentNames[0]).toBe('心血管内科');
    expect(names(condition.departments)).toContain('心血管内科');
    expect(condition.departments.length).toBeLessThanOrEqual(SEARCH_CAPS.conditionDepartments);
    // His specialty is 高血压、冠心病及慢性心力衰竭的诊治 (seed P001): he names it, and is a chief physician.
    expect(condition.doctors[0]?.name).toBe('陈建国');
    expect(names(found.doctors)).toContain('陈建国');
    // By pinyin initials of the condition too.
    expect(names((await search('gxy')).conditions)).toContain('高血压');
  });

  it('reads a condition inside a complaint: 小孩湿疹 → 湿疹 at the dermatology departments', async () => {
    const found = await search('小孩湿疹');
    expect(found.conditions[0]?.name).toBe('湿疹');
    expect(names(found.conditions[0]!.departments)).toEqual(expect.arrayContaining(['皮肤科', '儿童皮肤科']));
    const cough = await search('咳嗽');
    expect(names(cough.conditions[0]!.departments)).toContain('呼吸内科');
  });

  it('never offers a non-clinical department (检验科, 药剂科, 医学影像科, imaging and lab centres)', async () => {
    for (const q of ['检验科', '药剂科', '医学影像科', '诊断室', '检验室', 'jyk', 'yjk']) {
      expect((await search(q)).departments, q).toEqual([]);
    }
    expect(names((await search('影像')).institutions)).toEqual([]);
  });

  it('caps every kind of result', async () => {
    const found = await search('科');
    expect(found.departments.length).toBe(SEARCH_CAPS.departments);
    expect(found.doctors.length).toBeLessThanOrEqual(SEARCH_CAPS.doctors);
    expect(found.conditions.length).toBeLessThanOrEqual(SEARCH_CAPS.conditions);
  });

  it('takes % and _ literally and answers an unknown word with empty lists', async () => {
    expect(await search('%')).toEqual({ institutions: [], departments: [], doctors: [], conditions: [] });
    expect(await search('不存在的词')).toEqual({
      institutions: [],
      departments: [],
      doctors: [],
      conditions: [],
    });
  });

  it('refuses an empty, blank, missing or too long query with a problem', async () => {
    for (const url of [
      '/api/v1/search',
      '/api/v1/search?q=',
      '/api/v1/search?q=%20%20',
      `/api/v1/search?q=${'高'.repeat(31)}`,
      '/api/v1/search?q=a&x=1',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(res.json().detail).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('finds a department an administrator adds, by the pinyin computed when it is written', async () => {
    const res = await t.request('POST', '/api/v1/departments', {
      token: orgAdmin,
      body: { code: 'PAIN', name: '疼痛科', specialty: '疼痛科' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(names((await search('ttk')).departments)).toContain('疼痛科');
  });

  it('drops a suspended doctor from the results (ORG-5)', async () => {
    const liu = await practitioner('P002');
    expect(names((await search('刘慧敏')).doctors)).toContain('刘慧敏');
    const res = await t.request('POST', `/api/v1/practitioners/${liu.id}/suspend`, {
      token: regulator,
      body: { reason: '测试：暂停执业' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(names((await search('刘慧敏')).doctors)).not.toContain('刘慧敏');
    await t.request('POST', `/api/v1/practitioners/${liu.id}/reinstate`, { token: regulator });
  });
});

describe('bookable departments of a hospital', () => {
  it('lists the clinical departments only, with doctor counts and who sees patients today', async () => {
    const h01 = await institutionId('YC-H01');
    const res = await get(`/api/v1/institutions/${h01}/clinics`);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as Result['departments'];
    const listed = names(items);
    for (const nonClinical of ['检验科', '药剂科', '医学影像科']) expect(listed).not.toContain(nonClinical);
    expect(listed).toEqual(expect.arrayContaining(['心血管内科', '内分泌科', '皮肤科']));
    // Every other department of the hospital is listed: nothing clinical is lost.
    const all = (await get(`/api/v1/departments?institutionId=${h01}&limit=100`)).json().items as Named[];
    expect(listed.length).toBe(all.length - 3);

    const card = items.find((d) => d.name === '心血管内科')!;
    expect(card.doctorCount).toBeGreaterThanOrEqual(3);
    const before = card.doctorsToday;
    await addSchedule('P002', {
      date: '2026-11-22',
      mode: 'offline',
      start: '14:00',
      end: '17:00',
      tokens: free(2),
    });
    const after = (
      (await get(`/api/v1/institutions/${h01}/clinics`)).json().items as Result['departments']
    ).find((d) => d.id === card.id)!;
    expect(after.doctorsToday).toBe(before + 1);
    expect(card.id).toBe(await departmentId('YC-H01', 'CARD'));
  });

  it('has no bookable departments at the regional lab centre, and 404 for an unknown institution', async () => {
    const lab = await institutionId('YC-L01');
    expect((await get(`/api/v1/institutions/${lab}/clinics`)).json().items).toEqual([]);
    const unknown = await get('/api/v1/institutions/00000000-0000-4000-8000-000000000000/clinics');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await get('/api/v1/institutions/not-a-uuid/clinics')).statusCode).toBe(400);
  });
});
