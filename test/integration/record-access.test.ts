/**
 * Who may read a patient's records ([6/12] §2, SEC-1, ID-6, DJ-9, DJ-12), through the one access check
 * (records/care-access.ts) and the HTTP routes around it: no relationship is 403 NO_CARE_RELATIONSHIP (the
 * same for an unknown patient); an authorisation opens its categories until its expiry and stops on the
 * very next request once revoked; break-glass opens everything for 24 h, shows in the patient's access log
 * and is an alert the regulator lists and reviews; a visit relationship lapses 30 days after the visit;
 * the access log names the reader and the relationship, shows refusals as failures, and a proxy sees a
 * dependent's; "我的患者" lists only the doctor's related patients.
 *
 * Reads go through the archive routes (GET /api/v1/patients/{id}/archive|timeline|observations|reports), and
 * the decisions are also asked of `requireRecordAccess` directly for every category.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSession } from '../../src/server/modules/identity/session.service.js';
import {
  careRelationships,
  readablePatients,
  requireRecordAccess,
} from '../../src/server/modules/records/care-access.js';
import type { AuthContext } from '../../src/server/platform/auth/access.js';
import { AppError } from '../../src/server/platform/errors.js';
import type { RecordCategory } from '../../src/shared/records.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { completeVisit, followUpVisit } from '../support/prescriptions.js';

let t: TestApp;
const tok: Record<string, string> = {};
const id: Record<string, string> = {};

const PHONES = {
  zhang: '13800000001', // 张伟
  lina: '13800000002', // 李娜, guardian of 李小宝
  wang: '13800000003', // 王秀英
  chen: '13900000001', // 陈建国 P001, YC-H01 cardiology
  duan: '13900000003', // 段志刚 P051, YC-C02 GP: no visit with anyone
  zheng: '13700000001', // 郑雅琴, pharmacist YC-H01
  h01Admin: '13600000001',
  regulator: '13500000001',
} as const;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ALL: RecordCategory[] = ['basic', 'encounters', 'diagnoses', 'medications', 'labs', 'exams'];
const NOBODY = '01890000-0000-7000-8000-000000000000';

type Who = keyof typeof PHONES;

/** A session of `who`: logged in on first use, and again after the clock moved (DJ-4 ends idle sessions). */
async function token(who: Who): Promise<string> {
  tok[who] ??= await t.login(PHONES[who]);
  return tok[who]!;
}

/** Moves the clock; the sessions the move may have ended are renewed on next use, as a user would log in. */
function advance(ms: number) {
  t.clock.advance(ms);
  for (const who of Object.keys(tok)) delete tok[who];
}

async function authOf(who: Who): Promise<AuthContext> {
  const auth = await resolveSession(t.ctx, await token(who));
  if (!auth) throw new Error(`no session for ${who}`);
  return auth;
}

/** The relationship a read of `category` is allowed under, or the refusal's code. */
async function access(who: Who, patientId: string, category: RecordCategory) {
  try {
    const d = await requireRecordAccess(
      t.ctx,
      t.ctx.db,
      await authOf(who),
      patientId,
      category,
      t.clock.now(),
    );
    return d.relationship;
  } catch (err) {
    if (err instanceof AppError) return `${err.status} ${err.code}`;
    throw err;
  }
}

const get = async (path: string, who: Who) => t.request('GET', path, { token: await token(who) });
const post = async (path: string, who: Who, body?: unknown) =>
  t.request('POST', path, { token: await token(who), ...(body !== undefined ? { body } : {}) });
const del = async (path: string, who: Who) => t.request('DELETE', path, { token: await token(who) });
const ARCHIVE_ROUTES = ['archive', 'timeline', 'observations', 'reports'] as const;
/** One of the archive routes, as a reader's app calls it. */
const open = (who: Who, patientId: string, route: (typeof ARCHIVE_ROUTES)[number]) =>
  get(`/api/v1/patients/${patientId}/${route}`, who);

const grants = (patientId: string) =>
  t.ctx.db.selectFrom('access_grant').selectAll().where('patient_id', '=', patientId).execute();
const auditCount = async (action: string) =>
  Number(
    (
      await t.ctx.db
        .selectFrom('audit_event')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('action', '=', action)
        .executeTakeFirstOrThrow()
    ).n,
  );

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  const patient = async (name: string) =>
    (await t.ctx.db.selectFrom('patient').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  id.zhang = await patient('张伟');
  id.wang = await patient('王秀英');
  id.child = await patient('李小宝');
  const prac = async (code: string) =>
    (
      await t.ctx.db
        .selectFrom('practitioner')
        .select('id')
        .where('code', '=', code)
        .executeTakeFirstOrThrow()
    ).id;
  id.duan = await prac('P051');
  id.chen = await prac('P001');
  id.zheng = await prac('P015');
  const inst = async (code: string) =>
    (await t.ctx.db.selectFrom('institution').select('id').where('code', '=', code).executeTakeFirstOrThrow())
      .id;
  id.C02 = await inst('YC-C02');
  id.H01 = await inst('YC-H01');
  id.R01 = await inst('YC-R01');
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('SEC-1, DJ-9: without a care relationship nothing is readable', () => {
  it('a doctor who never saw 张伟 is refused every category with 403 NO_CARE_RELATIONSHIP', async () => {
    for (const category of ALL)
      expect(await access('duan', id.zhang!, category), category).toBe('403 NO_CARE_RELATIONSHIP');
    for (const route of ARCHIVE_ROUTES) {
      const res = await open('duan', id.zhang!, route);
      expect(res.statusCode, route).toBe(403);
      expect(res.json().code, route).toBe('NO_CARE_RELATIONSHIP');
    }
    expect((await get(`/api/v1/patients/${id.zhang}/export?format=fhir`, 'duan')).statusCode).toBe(403);
    expect(await careRelationships(t.ctx, t.ctx.db, await authOf('duan'), id.zhang!, t.clock.now())).toEqual(
      [],
    );
  });

  it('an unknown patient gets the same answer, so ids cannot be probed', async () => {
    expect(await access('duan', NOBODY, 'basic')).toBe('403 NO_CARE_RELATIONSHIP');
    const unknown = await open('duan', NOBODY, 'archive');
    expect(unknown.statusCode).toBe(403);
    expect(unknown.json().code).toBe('NO_CARE_RELATIONSHIP');
    expect(await access('duan', 'not-a-uuid', 'basic')).toBe('403 NO_CARE_RELATIONSHIP');
    expect(await access('zhang', NOBODY, 'basic')).toBe('403 NO_CARE_RELATIONSHIP');
  });

  it('pharmacists, org_admin and the regulator hold no care relationship (they read no archive)', async () => {
    for (const who of ['zheng', 'h01Admin', 'regulator'] as const) {
      expect(await access(who, id.zhang!, 'basic'), who).toBe('403 NO_CARE_RELATIONSHIP');
      expect(await readablePatients(t.ctx, t.ctx.db, await authOf(who), 'basic', t.clock.now())).toEqual([]);
    }
  });

  it('the patient reads their own records (self) and a guardian their child’s (proxy, ID-6), nobody else’s', async () => {
    expect(await access('zhang', id.zhang!, 'labs')).toBe('self');
    expect(await access('lina', id.child!, 'labs')).toBe('proxy');
    expect(await access('zhang', id.child!, 'labs')).toBe('403 NO_CARE_RELATIONSHIP');
    expect(await access('zhang', id.wang!, 'labs')).toBe('403 NO_CARE_RELATIONSHIP');
    const linas = await readablePatients(t.ctx, t.ctx.db, await authOf('lina'), 'labs', t.clock.now());
    expect(linas).toContain(id.child);
    expect(linas).not.toContain(id.zhang);
  });

  it('“我的患者” of a doctor without relationships is empty; other roles may not ask', async () => {
    const res = await get('/api/v1/care-patients', 'duan');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items).toEqual([]);
    expect(await readablePatients(t.ctx, t.ctx.db, await authOf('duan'), 'labs', t.clock.now())).toEqual([]);
    for (const who of ['zhang', 'zheng', 'regulator'] as const)
      expect((await get('/api/v1/care-patients', who)).statusCode, who).toBe(403);
  });
});

describe('granting an authorisation: bad input is refused and writes nothing', () => {
  const cases: [string, Record<string, unknown>, number, string][] = [
    ['no grantee', { days: 7 }, 422, 'AUTHORISATION_GRANTEE_REQUIRED'],
    [
      'both grantees',
      { days: 7, practitionerId: 'P', institutionId: 'I' },
      422,
      'AUTHORISATION_GRANTEE_REQUIRED',
    ],
    ['days 0', { days: 0, practitionerId: 'P' }, 400, 'VALIDATION_FAILED'],
    ['days 366', { days: 366, practitionerId: 'P' }, 400, 'VALIDATION_FAILED'],
    ['an empty category list', { days: 7, practitionerId: 'P', categories: [] }, 400, 'VALIDATION_FAILED'],
    [
      'an unknown category',
      { days: 7, practitionerId: 'P', categories: ['money'] },
      400,
      'VALIDATION_FAILED',
    ],
    ['an unknown doctor', { days: 7, practitionerId: NOBODY }, 422, 'AUTHORISATION_GRANTEE_NOT_FOUND'],
    ['a pharmacist', { days: 7, practitionerId: 'PHARMACIST' }, 422, 'AUTHORISATION_GRANTEE_NOT_FOUND'],
    ['a retail pharmacy', { days: 7, institutionId: 'PHARMACY' }, 422, 'AUTHORISATION_GRANTEE_NOT_FOUND'],
    ['an unknown institution', { days: 7, institutionId: NOBODY }, 422, 'AUTHORISATION_GRANTEE_NOT_FOUND'],
  ];
  for (const [name, raw, status, code] of cases) {
    it(`${name}: ${status} ${code}`, async () => {
      const sub: Record<string, string> = {
        P: id.duan!,
        I: id.C02!,
        PHARMACIST: id.zheng!,
        PHARMACY: id.R01!,
      };
      const body = Object.fromEntries(
        Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' && sub[v] ? sub[v] : v]),
      );
      const res = await post('/api/v1/me/authorisations', 'zhang', body);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().code).toBe(code);
      expect(await grants(id.zhang!)).toEqual([]);
    });
  }

  it('ID-6: granting for someone one does not act for is 403 NOT_YOUR_PATIENT; staff may not grant', async () => {
    const res = await post('/api/v1/me/authorisations', 'zhang', {
      patientId: id.child,
      practitionerId: id.duan,
      days: 7,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NOT_YOUR_PATIENT');
    expect(await grants(id.child!)).toEqual([]);
    const staff = await post('/api/v1/me/authorisations', 'duan', { practitionerId: id.duan, days: 7 });
    expect(staff.statusCode).toBe(403);
    expect(await auditCount('authorisation.grant')).toBe(0);
  });
});

describe('an authorisation opens its categories until its expiry only (SEC-1)', () => {
  let grantId: string;
  let expiresAt: string;

  it('张伟 authorises 段志刚 to see his results (labs, exams) for 7 days; the list names the doctor', async () => {
    const res = await post('/api/v1/me/authorisations', 'zhang', {
      practitionerId: id.duan,
      categories: ['exams', 'labs'],
      days: 7,
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    grantId = body.id;
    expiresAt = body.expiresAt;
    expect(body).toMatchObject({
      patientId: id.zhang,
      patientName: '张伟',
      grantee: {
        kind: 'practitioner',
        id: id.duan,
        name: '段志刚',
        detail: '云川区柳湾街道社区卫生服务中心 · 全科医学科',
      },
      categories: ['labs', 'exams'],
      status: 'active',
      revokedAt: null,
    });
    expect(new Date(expiresAt).getTime() - t.clock.now().getTime()).toBe(7 * DAY);
    const list = await get('/api/v1/me/authorisations', 'zhang');
    expect(list.json().items.map((a: { id: string }) => a.id)).toEqual([grantId]);
    expect(list.json().items[0].grantee.name).toBe('段志刚');
    expect(await auditCount('authorisation.grant')).toBe(1);
  });

  it('段志刚 reads labs and exams under the authorisation, and nothing else', async () => {
    expect(await access('duan', id.zhang!, 'labs')).toBe('authorisation');
    expect(await access('duan', id.zhang!, 'exams')).toBe('authorisation');
    for (const category of ['basic', 'encounters', 'diagnoses', 'medications'] as const)
      expect(await access('duan', id.zhang!, category), category).toBe('403 NO_CARE_RELATIONSHIP');
    expect(await access('duan', id.wang!, 'labs')).toBe('403 NO_CARE_RELATIONSHIP');
    expect((await open('duan', id.zhang!, 'observations')).statusCode).toBe(200);
    expect((await open('duan', id.zhang!, 'reports')).statusCode).toBe(200);
    const archive = await open('duan', id.zhang!, 'archive');
    expect(archive.statusCode, archive.body).toBe(200);
    expect(archive.json()).toMatchObject({
      relationship: 'authorisation',
      hiddenCategories: ['basic', 'encounters', 'diagnoses', 'medications'],
      allergies: null,
      diagnoses: null,
    });
    const timeline = (await open('duan', id.zhang!, 'timeline')).json().items as { category: string }[];
    expect(timeline.filter((e) => !['labs', 'exams'].includes(e.category))).toEqual([]);
    const labs = await readablePatients(t.ctx, t.ctx.db, await authOf('duan'), 'labs', t.clock.now());
    expect(labs).toEqual([id.zhang]);
    expect(await readablePatients(t.ctx, t.ctx.db, await authOf('duan'), 'basic', t.clock.now())).toEqual([]);
  });

  it('“我的患者” lists 张伟 with the authorisation, its categories and its expiry — and nobody else', async () => {
    const res = await get('/api/v1/care-patients', 'duan');
    expect(res.json().items).toEqual([
      {
        patientId: id.zhang,
        name: '张伟',
        sex: 'male',
        age: expect.any(Number),
        relationship: 'authorisation',
        categories: ['labs', 'exams'],
        until: expiresAt,
      },
    ]);
    expect((await get('/api/v1/care-patients', 'chen')).json().items).toEqual([]);
  });

  it('an authorisation to an institution reaches its doctors (and only its doctors)', async () => {
    const res = await post('/api/v1/me/authorisations', 'wang', {
      institutionId: id.C02,
      categories: ['basic'],
      days: 1,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().grantee).toEqual({
      kind: 'institution',
      id: id.C02,
      name: '云川区柳湾街道社区卫生服务中心',
      detail: null,
    });
    expect(await access('duan', id.wang!, 'basic')).toBe('authorisation');
    expect(await access('duan', id.wang!, 'labs')).toBe('403 NO_CARE_RELATIONSHIP');
    expect(await access('chen', id.wang!, 'basic')).toBe('403 NO_CARE_RELATIONSHIP');
  });

  it('ID-6: a guardian authorises for her child; the doctor reads the child’s records, not the guardian’s', async () => {
    const res = await post('/api/v1/me/authorisations', 'lina', {
      patientId: id.child,
      practitionerId: id.duan,
      days: 3,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ patientName: '李小宝', categories: null });
    expect(await access('duan', id.child!, 'medications')).toBe('authorisation');
    const lina = (
      await t.ctx.db.selectFrom('patient').select('id').where('name', '=', '李娜').executeTakeFirstOrThrow()
    ).id;
    expect(await access('duan', lina, 'basic')).toBe('403 NO_CARE_RELATIONSHIP');
    // The child's authorisations are listed under the child, not under the guardian's own record.
    const child = await get(`/api/v1/me/authorisations?patientId=${id.child}`, 'lina');
    expect(child.json().items).toHaveLength(1);
    expect((await get('/api/v1/me/authorisations', 'lina')).json().items).toEqual([]);
    expect((await get(`/api/v1/me/authorisations?patientId=${id.child}`, 'zhang')).statusCode).toBe(403);
  });

  it('past its expiry the authorisation opens nothing and is listed as expired', async () => {
    advance(7 * DAY - 60_000);
    expect(await access('duan', id.zhang!, 'labs')).toBe('authorisation');
    advance(2 * 60_000);
    expect(await access('duan', id.zhang!, 'labs')).toBe('403 NO_CARE_RELATIONSHIP');
    expect((await get('/api/v1/care-patients', 'duan')).json().items).toEqual([]);
    const list = await get('/api/v1/me/authorisations', 'zhang');
    expect(list.json().items[0]).toMatchObject({ id: grantId, status: 'expired' });
    expect((await get('/api/v1/me/authorisations?status=active', 'zhang')).json().items).toEqual([]);
  });
});

describe('revoking stops the very next request (SEC-1)', () => {
  let grantId: string;

  it('a revoked authorisation refuses the next read; revoking again is 204 and changes nothing', async () => {
    const res = await post('/api/v1/me/authorisations', 'zhang', { practitionerId: id.duan, days: 30 });
    expect(res.statusCode, res.body).toBe(201);
    grantId = res.json().id;
    expect(await access('duan', id.zhang!, 'basic')).toBe('authorisation');

    // Someone else's authorisation does not exist for the caller.
    const foreign = await del(`/api/v1/me/authorisations/${grantId}`, 'wang');
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('AUTHORISATION_NOT_FOUND');
    expect((await del(`/api/v1/me/authorisations/${NOBODY}`, 'zhang')).json().code).toBe(
      'AUTHORISATION_NOT_FOUND',
    );
    expect(await access('duan', id.zhang!, 'basic')).toBe('authorisation');

    expect((await open('duan', id.zhang!, 'archive')).statusCode).toBe(200);
    const revoke = await del(`/api/v1/me/authorisations/${grantId}`, 'zhang');
    expect(revoke.statusCode, revoke.body).toBe(204);
    const next = await open('duan', id.zhang!, 'archive');
    expect(next.statusCode).toBe(403);
    expect(next.json().code).toBe('NO_CARE_RELATIONSHIP');
    expect(await access('duan', id.zhang!, 'basic')).toBe('403 NO_CARE_RELATIONSHIP');
    expect((await get('/api/v1/care-patients', 'duan')).json().items).toEqual([]);

    const row = (await grants(id.zhang!)).find((g) => g.id === grantId)!;
    expect(row.revoked_at).toEqual(t.clock.now());
    expect((await del(`/api/v1/me/authorisations/${grantId}`, 'zhang')).statusCode).toBe(204);
    expect((await grants(id.zhang!)).find((g) => g.id === grantId)!.revoked_at).toEqual(row.revoked_at);
    expect(await auditCount('authorisation.revoke')).toBe(1);
    const listed = (await get('/api/v1/me/authorisations', 'zhang')).json().items;
    expect(listed.find((a: { id: string }) => a.id === grantId)).toMatchObject({
      status: 'revoked',
      revokedAt: t.clock.now().toISOString(),
    });
  });
});

describe('the access log (访问记录, SEC-1, DJ-12)', () => {
  it('names the reader, the category and the relationship; the patient’s own reads are not listed', async () => {
    const res = await post('/api/v1/me/authorisations', 'zhang', {
      practitionerId: id.duan,
      categories: ['labs'],
      days: 1,
    });
    expect(res.statusCode).toBe(201);
    expect((await open('duan', id.zhang!, 'observations')).statusCode).toBe(200);
    expect((await open('zhang', id.zhang!, 'observations')).statusCode).toBe(200);
    const log = await get('/api/v1/me/access-log', 'zhang');
    expect(log.statusCode, log.body).toBe(200);
    const [latest] = log.json().items;
    expect(latest).toMatchObject({
      patientId: id.zhang,
      reader: { name: '段志刚', role: 'doctor', institutionName: '云川区柳湾街道社区卫生服务中心' },
      category: 'labs',
      what: 'observations',
      relationship: 'authorisation',
      channel: 'app',
      outcome: 'success',
      at: t.clock.now().toISOString(),
    });
    expect(log.json().items.filter((e: { reader: { name: string } }) => e.reader.name === '张伟')).toEqual(
      [],
    );
    expect(JSON.stringify(log.json())).not.toMatch(/1380000|110101/);
  });

  it('shows refused attempts on the patient as failures', async () => {
    // A pharmacist's break-glass attempt and a doctor's allergy read without a visit are refused (403).
    expect(
      (await post(`/api/v1/patients/${id.zhang}/break-glass`, 'zheng', { reason: '想看看' })).statusCode,
    ).toBe(403);
    expect((await get(`/api/v1/patients/${id.zhang}/allergies`, 'duan')).statusCode).toBe(403);
    expect((await open('chen', id.zhang!, 'archive')).statusCode).toBe(403);
    const items = (await get('/api/v1/me/access-log', 'zhang')).json().items;
    expect(items.shift()).toMatchObject({
      reader: { name: '陈建国', role: 'doctor', institutionName: '云澜医科大学附属云川医院' },
      what: 'archive',
      category: 'basic',
      relationship: null,
      channel: 'app',
      outcome: 'failure',
    });
    expect(items[0]).toMatchObject({
      reader: { name: '段志刚', role: 'doctor' },
      what: 'allergies',
      category: 'basic',
      relationship: null,
      outcome: 'failure',
    });
    expect(items[1]).toMatchObject({
      reader: { name: '郑雅琴', role: 'pharmacist', institutionName: '云澜医科大学附属云川医院' },
      what: 'break-glass',
      relationship: null,
      outcome: 'failure',
    });
  });

  it('pages newest first without gaps or repeats', async () => {
    const all = (await get('/api/v1/me/access-log?limit=100', 'zhang')).json().items;
    expect(all.length).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&before=${cursor}` : '';
      const page = (await get(`/api/v1/me/access-log?limit=1${q}`, 'zhang')).json();
      seen.push(...page.items.map((e: { id: string }) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((e: { id: string }) => e.id));
    expect((await get('/api/v1/me/access-log?before=garbage', 'zhang')).statusCode).toBe(400);
  });

  it('ID-6: a guardian sees her child’s log; nobody else may', async () => {
    const grant = await post('/api/v1/me/authorisations', 'lina', {
      patientId: id.child,
      practitionerId: id.duan,
      days: 1,
    });
    expect(grant.statusCode, grant.body).toBe(201);
    expect((await open('duan', id.child!, 'observations')).statusCode).toBe(200);
    const log = await get(`/api/v1/me/access-log?patientId=${id.child}`, 'lina');
    expect(log.statusCode, log.body).toBe(200);
    expect(log.json().items).toContainEqual(
      expect.objectContaining({
        patientId: id.child,
        reader: expect.objectContaining({ name: '段志刚' }),
        category: 'labs',
        what: 'observations',
        relationship: 'authorisation',
      }),
    );
    // Her own log holds none of the child's accesses.
    const own = (await get('/api/v1/me/access-log', 'lina')).json().items;
    expect(own.filter((e: { patientId: string }) => e.patientId === id.child)).toEqual([]);
    const foreign = await get(`/api/v1/me/access-log?patientId=${id.child}`, 'zhang');
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().code).toBe('NOT_YOUR_PATIENT');
    expect((await get(`/api/v1/me/access-log?patientId=${id.zhang}`, 'duan')).statusCode).toBe(403);
  });
});

describe('break-glass (紧急调阅): audited, an alert the regulator sees, in the patient’s log', () => {
  let alertId: string;

  it('refuses other staff (403 BREAK_GLASS_NOT_ALLOWED), a blank reason (422) and patients; writes nothing', async () => {
    const pharmacist = await post(`/api/v1/patients/${id.wang}/break-glass`, 'zheng', { reason: '急诊' });
    expect(pharmacist.statusCode).toBe(403);
    expect(pharmacist.json().code).toBe('BREAK_GLASS_NOT_ALLOWED');
    const blank = await post(`/api/v1/patients/${id.wang}/break-glass`, 'duan', { reason: '   ' });
    expect(blank.statusCode).toBe(422);
    expect(blank.json().code).toBe('BREAK_GLASS_REASON_REQUIRED');
    const missing = await post(`/api/v1/patients/${id.wang}/break-glass`, 'duan', {});
    expect(missing.statusCode).toBe(400);
    const patient = await post(`/api/v1/patients/${id.wang}/break-glass`, 'zhang', { reason: '急诊' });
    expect(patient.statusCode).toBe(403);
    const unknown = await post(`/api/v1/patients/${NOBODY}/break-glass`, 'duan', { reason: '急诊' });
    expect(unknown.statusCode).toBe(404);
    expect(await t.ctx.db.selectFrom('break_glass').selectAll().execute()).toEqual([]);
    expect(await auditCount('record.break_glass')).toBe(0);
  });

  it('opens every category for 24 hours, under break_glass', async () => {
    expect(await access('duan', id.wang!, 'labs')).toBe('403 NO_CARE_RELATIONSHIP');
    const res = await post(`/api/v1/patients/${id.wang}/break-glass`, 'duan', {
      reason: '  社区急诊，患者意识模糊，需查看既往病史和用药  ',
    });
    expect(res.statusCode, res.body).toBe(201);
    alertId = res.json().id;
    expect(res.json()).toMatchObject({
      patientId: id.wang,
      patientName: '王秀英',
      readerName: '段志刚',
      institutionName: '云川区柳湾街道社区卫生服务中心',
      reason: '社区急诊，患者意识模糊，需查看既往病史和用药',
      reviewedAt: null,
    });
    expect(new Date(res.json().expiresAt).getTime() - t.clock.now().getTime()).toBe(24 * HOUR);
    for (const category of ALL)
      expect(await access('duan', id.wang!, category), category).toBe('break_glass');
    const care = (await get('/api/v1/care-patients', 'duan')).json().items;
    expect(care.find((p: { patientId: string }) => p.patientId === id.wang)).toMatchObject({
      relationship: 'break_glass',
      categories: null,
    });
    // The audit entry carries no free text: the reason may name the patient's condition.
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'record.break_glass')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ patient_id: id.wang, resource_id: alertId, outcome: 'success' });
    expect(JSON.stringify(audit.details)).not.toContain('意识');
  });

  it('is an alert the regulator lists (newest first) and reviews once; doctors may not list alerts', async () => {
    const res = await get('/api/v1/break-glass-alerts', 'regulator');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items[0]).toMatchObject({ id: alertId, readerName: '段志刚', patientName: '王秀英' });
    expect((await get('/api/v1/break-glass-alerts', 'duan')).statusCode).toBe(403);
    const review = await post(`/api/v1/break-glass-alerts/${alertId}/review`, 'regulator', {
      note: '已核实为急诊抢救，合理',
    });
    expect(review.statusCode, review.body).toBe(200);
    expect(review.json()).toMatchObject({
      reviewNote: '已核实为急诊抢救，合理',
      reviewedAt: t.clock.now().toISOString(),
    });
    const again = await post(`/api/v1/break-glass-alerts/${alertId}/review`, 'regulator', { note: '再次' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('BREAK_GLASS_ALREADY_REVIEWED');
    const missing = await post(`/api/v1/break-glass-alerts/${NOBODY}/review`, 'regulator', { note: '无' });
    expect(missing.json().code).toBe('BREAK_GLASS_NOT_FOUND');
    expect((await get('/api/v1/break-glass-alerts?status=unreviewed', 'regulator')).json().items).toEqual([]);
  });

  it('shows in the patient’s access log with the reader and the break_glass relationship', async () => {
    const archive = await open('duan', id.wang!, 'archive');
    expect(archive.statusCode, archive.body).toBe(200);
    expect(archive.json()).toMatchObject({ relationship: 'break_glass', hiddenCategories: [] });
    const items = (await get('/api/v1/me/access-log', 'wang')).json().items;
    expect(items).toContainEqual(
      expect.objectContaining({
        reader: expect.objectContaining({ name: '段志刚' }),
        what: 'archive',
        category: 'diagnoses',
        relationship: 'break_glass',
        outcome: 'success',
      }),
    );
    const glass = items.filter((e: { what: string }) => e.what === 'break_glass');
    expect(glass).toEqual([
      expect.objectContaining({
        reader: expect.objectContaining({ name: '段志刚', role: 'doctor' }),
        relationship: 'break_glass',
        category: null,
        outcome: 'success',
      }),
    ]);
    // The refused attempts before it (a pharmacist, a patient) are listed as failures.
    expect(items.filter((e: { what: string }) => e.what === 'break-glass')).toEqual([
      expect.objectContaining({ reader: expect.objectContaining({ name: '张伟' }), outcome: 'failure' }),
      expect.objectContaining({ reader: expect.objectContaining({ name: '郑雅琴' }), outcome: 'failure' }),
    ]);
  });

  it('ends after 24 hours', async () => {
    advance(24 * HOUR + 1000);
    expect(await access('duan', id.wang!, 'labs')).toBe('403 NO_CARE_RELATIONSHIP');
  });
});

describe('a visit relationship lapses after the care window (30 days, SEC-1)', () => {
  let visitId: string;

  it('an open visit relates the doctor to the patient until it ends', async () => {
    const before = await careRelationships(t.ctx, t.ctx.db, await authOf('chen'), id.zhang!, t.clock.now());
    expect(before.map((d) => d.relationship)).not.toContain('visit');
    visitId = await followUpVisit(t, {
      patientToken: await token('zhang'),
      doctorToken: await token('chen'),
    });
    expect(await access('chen', id.zhang!, 'medications')).toBe('visit');
    expect((await open('chen', id.zhang!, 'archive')).json()).toMatchObject({
      relationship: 'visit',
      hiddenCategories: [],
    });
    const care = (await get('/api/v1/care-patients', 'chen')).json().items;
    expect(care).toEqual([
      expect.objectContaining({ patientId: id.zhang, relationship: 'visit', until: null }),
    ]);
  });

  it('after the visit it holds 30 days, then lapses', async () => {
    await completeVisit(t, visitId, await token('chen'));
    const completedAt = t.clock.now().getTime();
    const care = (await get('/api/v1/care-patients', 'chen')).json().items;
    expect(care[0]).toMatchObject({
      relationship: 'visit',
      until: new Date(completedAt + 30 * DAY).toISOString(),
    });
    advance(30 * DAY - 60_000);
    expect(await access('chen', id.zhang!, 'labs')).toBe('visit');
    advance(2 * 60_000);
    expect(await access('chen', id.zhang!, 'labs')).toBe('403 NO_CARE_RELATIONSHIP');
    const lapsed = await open('chen', id.zhang!, 'archive');
    expect(lapsed.statusCode).toBe(403);
    expect(lapsed.json().code).toBe('NO_CARE_RELATIONSHIP');
    expect((await get('/api/v1/care-patients', 'chen')).json().items).toEqual([]);
  });
});
