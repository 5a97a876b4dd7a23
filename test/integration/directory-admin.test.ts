import { describe, expect, it } from 'vitest';
import { newId } from '../../src/server/platform/ids.js';
import { itOnPostgres } from '../support/db.js';
import {
  departmentId,
  get,
  institutionId,
  type Listed,
  orgAdmin,
  patient,
  practitioner,
  setupDirectoryApp,
  t,
} from '../support/directory.js';

// An institution's administrator keeps its departments and practitioners, and only its own.
// The tests below run in order: the department the first one adds is the one the others use.
setupDirectoryApp();

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
