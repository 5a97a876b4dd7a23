import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminAccount, AuditEventView, InitialPassword } from '../../src/shared/administration.js';
import { passwordClasses } from '../../src/shared/credentials.js';
import { createTestApp, type TestApp } from '../support/app.js';

// 三权分立 (DJ-8): the system, security and audit administrators; none holds two roles, none changes itself,
// and every action of theirs is visible to the other two.
let t: TestApp;
let sys: string;
let sec: string;
let aud: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  sys = await t.login('13300000001');
  sec = await t.login('13300000002');
  aud = await t.login('13300000003');
  for (const [key, q] of Object.entries({
    sys: '13300000001',
    sec: '13300000002',
    aud: '13300000003',
    doctor: '13900000001',
    insurer: '13400000001',
    orgAdmin: '13600000002',
  })) {
    const res = await t.request('GET', `/api/v1/admin/accounts?q=${q}`, { token: sys });
    expect(res.statusCode).toBe(200);
    ids[key] = (res.json().items as AdminAccount[])[0]!.id;
  }
});
afterAll(async () => t.close());

const get = (token: string, url: string) => t.request('GET', `/api/v1${url}`, { token });
const post = (token: string, url: string, body?: unknown) =>
  t.request('POST', `/api/v1${url}`, { token, ...(body !== undefined ? { body } : {}) });
const put = (token: string, url: string, body: unknown) => t.request('PUT', `/api/v1${url}`, { token, body });

async function actions(token: string): Promise<AuditEventView[]> {
  const res = await get(token, '/admin/actions?limit=100');
  expect(res.statusCode).toBe(200);
  return res.json().items;
}

describe('the system administrator', () => {
  it('DJ-8: lists accounts with masked phones, roles, institution and last login', async () => {
    const res = await get(sys, '/admin/accounts?role=doctor&limit=5');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as AdminAccount[];
    expect(items.length).toBeGreaterThan(0);
    for (const a of items) {
      expect(a.roles).toContain('doctor');
      expect(a.phone).toMatch(/^1\d{2}\*{4}\d{4}$/);
      expect(a.institutionName).toBeTruthy();
    }
    const me = (await get(sys, '/admin/accounts?q=秦建华')).json().items[0] as AdminAccount;
    expect(me).toMatchObject({ name: '秦建华', roles: ['system_admin'], status: 'active' });
    expect(me.lastLoginAt).not.toBeNull();
    // Paging: the next page continues without overlap.
    const first = (await get(sys, '/admin/accounts?limit=3')).json();
    const second = (await get(sys, `/admin/accounts?limit=3&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((a: AdminAccount) => a.id)).not.toContain(first.items[0].id);
    // No full phone in any answer (DJ-10).
    expect(t.responses.join('\n')).not.toMatch(/(?<![\dA-Za-z_-])1[3-9]\d{9}(?![\dA-Za-z_-])/);
  });

  it('DJ-8, DJ-2: creates a staff account with an initial password shown once, which must change at first login', async () => {
    const res = await post(sys, '/admin/accounts', { phone: '13500000077', name: '温雅', role: 'regulator' });
    expect(res.statusCode).toBe(201);
    const body = res.json() as InitialPassword;
    expect(body.account).toMatchObject({ name: '温雅', roles: ['regulator'], phone: '135****0077' });
    expect(body.account.passwordChangeRequired).toBe(true);
    expect(body.initialPassword.length).toBeGreaterThanOrEqual(t.ctx.config.security.password.minLength);
    expect(passwordClasses(body.initialPassword)).toBe(4);
    const login = await t.request('POST', '/api/v1/auth/login', {
      body: { phone: '13500000077', password: body.initialPassword },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().passwordChangeRequired).toBe(true);
    // The same phone again: 409.
    const again = await post(sys, '/admin/accounts', {
      phone: '13500000077',
      name: '温雅',
      role: 'regulator',
    });
    expect(again.json().code).toBe('PHONE_TAKEN');
  });

  it('DJ-8: a doctor account needs an institution and a practitioner there', async () => {
    const res = await post(sys, '/admin/accounts', { phone: '13900000078', name: '贺明', role: 'doctor' });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('ACCOUNT_ROLE_NEEDS_INSTITUTION');
  });

  it('DJ-2: resets a password: the old one and the live sessions stop working at once', async () => {
    const created = (
      await post(sys, '/admin/accounts', { phone: '13400000078', name: '卢静', role: 'insurer' })
    ).json() as InitialPassword;
    const token = await t.login('13400000078', created.initialPassword);
    const reset = await post(sys, `/admin/accounts/${created.account.id}/password-reset`);
    expect(reset.statusCode).toBe(200);
    const fresh = (reset.json() as InitialPassword).initialPassword;
    expect(fresh).not.toBe(created.initialPassword);
    expect((await get(token, '/me')).statusCode).toBe(401);
    const old = await t.request('POST', '/api/v1/auth/login', {
      body: { phone: '13400000078', password: created.initialPassword },
    });
    expect(old.statusCode).toBe(401);
    expect(
      (await t.request('POST', '/api/v1/auth/login', { body: { phone: '13400000078', password: fresh } }))
        .statusCode,
    ).toBe(200);
  });

  it('DJ-8: disables and enables an account; a disabled account cannot log in', async () => {
    const token = await t.login('13600000002');
    const res = await post(sys, `/admin/accounts/${ids.orgAdmin}/disable`, { reason: '离职' });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('disabled');
    expect((await get(token, '/me')).statusCode).toBe(401);
    const login = await t.request('POST', '/api/v1/auth/login', {
      body: { phone: '13600000002', password: 'Demo@2026' },
    });
    expect(login.statusCode).toBe(403);
    // The security administrator cannot undo it by unlocking (三权分立): 409.
    expect((await post(sec, `/admin/accounts/${ids.orgAdmin}/unlock`)).json().code).toBe(
      'ACCOUNT_STATUS_CONFLICT',
    );
    expect((await post(sys, `/admin/accounts/${ids.orgAdmin}/enable`)).json().status).toBe('active');
    expect(
      (
        await t.request('POST', '/api/v1/auth/login', {
          body: { phone: '13600000002', password: 'Demo@2026' },
        })
      ).statusCode,
    ).toBe(200);
  });
});

describe('the security administrator', () => {
  it('DJ-8: a locked account cannot log in and its live session is refused at once', async () => {
    const doctor = await t.login('13900000001');
    expect((await get(doctor, '/me')).statusCode).toBe(200); // cached in the session cache now
    const res = await post(sec, `/admin/accounts/${ids.doctor}/lock`, { reason: '疑似账号被盗用' });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('locked');
    expect((await get(doctor, '/me')).statusCode).toBe(401);
    const login = await t.request('POST', '/api/v1/auth/login', {
      body: { phone: '13900000001', password: 'Demo@2026' },
    });
    expect(login.statusCode).toBe(403);
    expect(login.json()).toMatchObject({ code: 'ACCOUNT_LOCKED', title: '账号已被锁定' });
    // The system administrator cannot enable a locked account (三权分立).
    expect((await post(sys, `/admin/accounts/${ids.doctor}/enable`)).json().code).toBe(
      'ACCOUNT_STATUS_CONFLICT',
    );
    expect((await post(sec, `/admin/accounts/${ids.doctor}/unlock`)).json().status).toBe('active');
    expect(
      (
        await t.request('POST', '/api/v1/auth/login', {
          body: { phone: '13900000001', password: 'Demo@2026' },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('DJ-8: two administrator roles on one account are refused by the service', async () => {
    const res = await put(sec, `/admin/accounts/${ids.aud}/roles`, {
      roles: ['audit_admin', 'system_admin'],
      reason: '兼任',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('ADMIN_ROLES_EXCLUSIVE');
    const create = await post(sys, '/admin/accounts', {
      phone: '13300000079',
      name: '任杰',
      role: 'audit_admin',
    });
    expect(create.statusCode).toBe(201);
    const onto = await put(sec, `/admin/accounts/${create.json().account.id}/roles`, {
      roles: ['audit_admin', 'security_admin'],
      reason: '兼任',
    });
    expect(onto.json().code).toBe('ADMIN_ROLES_EXCLUSIVE');
  });

  it('DJ-8: no administrator sets up an administrator alone — a new one starts locked until the security administrator unlocks it', async () => {
    const created = await post(sys, '/admin/accounts', {
      phone: '13300000081',
      name: '邵明',
      role: 'security_admin',
    });
    expect(created.statusCode).toBe(201);
    const { account, initialPassword } = created.json() as InitialPassword;
    expect(account.status).toBe('locked');
    const login = () =>
      t.request('POST', '/api/v1/auth/login', { body: { phone: '13300000081', password: initialPassword } });
    expect((await login()).json().code).toBe('ACCOUNT_LOCKED');
    // The system administrator who created it cannot release it.
    expect((await post(sys, `/admin/accounts/${account.id}/enable`)).json().code).toBe(
      'ACCOUNT_STATUS_CONFLICT',
    );
    expect((await post(sec, `/admin/accounts/${account.id}/unlock`)).json().status).toBe('active');
    expect((await login()).statusCode).toBe(200);
    const create = (await actions(aud)).find(
      (e) => e.action === 'admin.account.create' && e.resourceId === account.id,
    );
    expect(create?.details).toMatchObject({ awaitingApproval: true, roles: ['security_admin'] });
  });

  it('DJ-8: administrator roles are never granted by a role change; an administrator role stands alone; staff roles only on staff accounts', async () => {
    const grant = await put(sec, `/admin/accounts/${ids.insurer}/roles`, {
      roles: ['audit_admin'],
      reason: '调岗',
    });
    expect(grant.statusCode).toBe(403);
    expect(grant.json().code).toBe('ADMIN_ROLE_GRANT');
    const beside = await put(sec, `/admin/accounts/${ids.aud}/roles`, {
      roles: ['audit_admin', 'patient'],
      reason: '兼任',
    });
    expect(beside.json().code).toBe('ADMIN_ROLES_EXCLUSIVE');
    const patient = (await get(sys, '/admin/accounts?q=13800000002')).json().items[0] as AdminAccount;
    const promote = await put(sec, `/admin/accounts/${patient.id}/roles`, {
      roles: ['patient', 'nurse'],
      reason: '入职',
    });
    expect(promote.statusCode).toBe(409);
    expect(promote.json().code).toBe('STAFF_ROLE_GRANT');
    // Nothing changed.
    expect((await get(sys, '/admin/accounts?q=13800000002')).json().items[0].roles).toEqual(['patient']);
  });

  it('DJ-8: two administrator roles on one account are refused by the database', async () => {
    await expect(
      sql`update account set roles = array['system_admin', 'audit_admin'] where id = ${ids.sys}`.execute(
        t.database.db,
      ),
    ).rejects.toThrow(/account_one_admin_role/);
    await expect(
      sql`update account set roles = array['security_admin', 'doctor', 'audit_admin'] where id = ${ids.sec}`.execute(
        t.database.db,
      ),
    ).rejects.toThrow(/account_one_admin_role/);
    await expect(
      sql`update account set roles = array['audit_admin', 'doctor'] where id = ${ids.aud}`.execute(
        t.database.db,
      ),
    ).rejects.toThrow(/account_one_admin_role/);
  });

  it('DJ-8: no administrator changes its own roles, locks or disables itself (403 ADMIN_SELF_CHANGE, audited)', async () => {
    const own = await put(sec, `/admin/accounts/${ids.sec}/roles`, { roles: ['regulator'], reason: '自改' });
    expect(own.statusCode).toBe(403);
    expect(own.json().code).toBe('ADMIN_SELF_CHANGE');
    expect((await post(sec, `/admin/accounts/${ids.sec}/lock`, { reason: '自锁' })).json().code).toBe(
      'ADMIN_SELF_CHANGE',
    );
    expect((await post(sys, `/admin/accounts/${ids.sys}/disable`, { reason: '自停' })).json().code).toBe(
      'ADMIN_SELF_CHANGE',
    );
    expect((await post(sys, `/admin/accounts/${ids.sys}/password-reset`)).json().code).toBe(
      'ADMIN_SELF_CHANGE',
    );
    const refusals = (await actions(aud)).filter(
      (e) => e.action === 'access.denied' && e.details.code === 'ADMIN_SELF_CHANGE',
    );
    expect(refusals.map((e) => e.actorRole)).toEqual(
      expect.arrayContaining(['security_admin', 'system_admin']),
    );
  });

  it("DJ-8: a role change revokes the account's sessions (sessions cache roles)", async () => {
    const insurer = await t.login('13400000001');
    const res = await put(sec, `/admin/accounts/${ids.insurer}/roles`, {
      roles: ['insurer', 'regulator'],
      reason: '兼管监管',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().roles).toEqual(['insurer', 'regulator']);
    expect((await get(insurer, '/me')).statusCode).toBe(401);
    const again = await t.login('13400000001');
    expect((await get(again, '/me')).json().roles).toEqual(['insurer', 'regulator']);
  });

  it('DJ-6: resets a second factor; DJ-2: reads the security policy numbers', async () => {
    const res = await post(sec, `/admin/accounts/${ids.doctor}/second-factor-reset`, { reason: '手机丢失' });
    expect(res.statusCode).toBe(200);
    const policy = await get(sec, '/admin/security-policy');
    expect(policy.statusCode).toBe(200);
    expect(policy.json().password).toMatchObject({
      minLength: t.ctx.config.security.password.minLength,
      historyCount: t.ctx.config.security.password.historyCount,
    });
    expect(policy.json().alerts.exportsPerHour).toBe(t.ctx.config.security.alerts.exportsPerHour);
  });

  it('DJ-8: the security administrator cannot create accounts, the system administrator cannot change roles', async () => {
    expect(
      (await post(sec, '/admin/accounts', { phone: '13500000080', name: '包磊', role: 'regulator' }))
        .statusCode,
    ).toBe(403);
    expect(
      (await put(sys, `/admin/accounts/${ids.doctor}/roles`, { roles: ['doctor'], reason: '试用' }))
        .statusCode,
    ).toBe(403);
    expect((await post(sys, `/admin/accounts/${ids.doctor}/lock`, { reason: '试用' })).statusCode).toBe(403);
  });
});

describe('one another’s actions', () => {
  it('DJ-8: each administrator action appears in the actions list for the other two', async () => {
    await get(aud, '/audit/verify');
    const wanted: Record<string, string> = {
      system_admin: 'admin.account.create',
      security_admin: 'admin.account.lock',
      audit_admin: 'audit.verify',
    };
    const tokens: Record<string, string> = { system_admin: sys, security_admin: sec, audit_admin: aud };
    for (const [viewer, token] of Object.entries(tokens)) {
      const seen = await actions(token);
      for (const [role, action] of Object.entries(wanted)) {
        if (role === viewer) continue;
        const event = seen.find((e) => e.actorRole === role && e.action === action);
        expect(event, `${viewer} sees ${role}'s ${action}`).toBeTruthy();
        expect(event!.actor?.name).toBeTruthy();
      }
      // Only administrators' events are listed.
      expect(
        seen.every((e) => ['system_admin', 'security_admin', 'audit_admin'].includes(e.actorRole ?? '')),
      ).toBe(true);
    }
  });

  it('DJ-8: other roles get 403 on /admin/*', async () => {
    const doctor = await t.login('13900000002');
    const regulator = await t.login('13500000001');
    for (const token of [doctor, regulator]) {
      expect((await get(token, '/admin/actions')).statusCode).toBe(403);
      expect((await get(token, '/admin/accounts')).statusCode).toBe(403);
    }
  });
});
