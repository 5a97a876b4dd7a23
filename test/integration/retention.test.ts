import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_TABLES, RETENTION_SCHEDULE } from '../../src/server/modules/privacy/retention.schedule.js';
import { runRetentionJobs } from '../../src/server/modules/privacy/retention.service.js';
import { verifyChain } from '../../src/server/platform/audit/chain.js';
import { sealAll } from '../../src/server/platform/audit/sealer.js';
import { newId } from '../../src/server/platform/ids.js';
import { agreeToCurrent } from '../../src/shared/consent.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { testIdNumber } from '../support/people.js';

// DJ-16, REC-1, REC-4, RX-12; 个人信息保护法 第四十七条: the retention schedule, the audit administrator's
// setting, the retention job, and the patient's deletion request.
let t: TestApp;
let auditAdmin: string;
let securityAdmin: string;

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  auditAdmin = await t.login('13300000003');
  securityAdmin = await t.login('13300000002');
}, 300_000);
afterAll(async () => t.close());

const phoneBidx = (phone: string) => t.ctx.cipher.blindIndex('phone', phone);

async function registerBySms(phone: string, n: number) {
  const { devCode } = (await t.request('POST', '/api/v1/auth/otp', { body: { phone } })).json();
  const login = await t.request('POST', '/api/v1/auth/login', {
    body: { phone, otp: devCode, consent: agreeToCurrent() },
  });
  expect(login.statusCode).toBe(200);
  const token = login.json().token as string;
  const rn = await t.request('POST', '/api/v1/me/real-name', {
    token,
    body: { name: '孙注销', idNumber: testIdNumber(n) },
  });
  expect(rn.statusCode).toBeLessThan(300);
  const account = await t.ctx.db
    .selectFrom('account')
    .select('id')
    .where('phone_bidx', '=', phoneBidx(phone))
    .executeTakeFirstOrThrow();
  const patient = await t.ctx.db
    .selectFrom('patient')
    .select('id')
    .where('account_id', '=', account.id)
    .executeTakeFirstOrThrow();
  return { token, accountId: account.id, patientId: patient.id };
}

describe('DJ-16: the retention schedule', () => {
  it('DJ-16: covers every table of the schema (a kind with a period and an outcome, or reference data)', async () => {
    const { readFileSync } = await import('node:fs');
    const schema = readFileSync('src/server/platform/db/schema.ts', 'utf8');
    const block = schema.slice(schema.indexOf('export interface DB {'));
    const tables = [...block.slice(0, block.indexOf('\n}')).matchAll(/^\s+([a-z_]+):/gm)].map((m) => m[1]!);
    const covered = new Set<string>([
      ...REFERENCE_TABLES,
      ...RETENTION_SCHEDULE.flatMap((e) => [...e.tables]),
    ]);
    expect(tables.filter((tb) => !covered.has(tb))).toEqual([]);
  });

  it('REC-4: only kinds under no rule may be deleted; every kind under a rule is archived or kept online', () => {
    for (const e of RETENTION_SCHEDULE) {
      if (e.after === 'delete') expect(e.rule, e.kind).toBeNull();
      else expect(e.rule, e.kind).not.toBeNull();
    }
    const kind = (k: string) => RETENTION_SCHEDULE.find((e) => e.kind === k)!;
    expect(kind('medical_record').months).toBeGreaterThanOrEqual(180); // REC-1
    expect(kind('visit_process').months).toBeGreaterThanOrEqual(36); // REC-1
    expect(kind('prescription').months).toBeGreaterThanOrEqual(36); // RX-12 (3 years at most)
    expect(kind('audit_security').months).toBeGreaterThanOrEqual(6); // SEC-2
    expect(
      RETENTION_SCHEDULE.filter((e) => e.tables.some((tb) => tb === 'audit_event')).map((e) => e.after),
    ).toEqual(['keep_online', 'keep_online', 'keep_online']);
  });
});

describe('DJ-15, DJ-16: the audit administrator sets audit retention', () => {
  it('DJ-15: only audit_admin reads or sets it', async () => {
    expect((await t.request('GET', '/api/v1/audit/retention', { token: securityAdmin })).statusCode).toBe(
      403,
    );
    const patient = await t.login('13800000001');
    expect((await t.request('GET', '/api/v1/audit/retention', { token: patient })).statusCode).toBe(403);
    expect(
      (
        await t.request('PUT', '/api/v1/audit/retention', {
          token: securityAdmin,
          body: { kinds: [{ kind: 'security', monthsOnline: 24 }] },
        })
      ).statusCode,
    ).toBe(403);
    const res = await t.request('GET', '/api/v1/audit/retention', { token: auditAdmin });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.kinds.map((k: { kind: string; monthsOnline: number }) => [k.kind, k.monthsOnline])).toEqual([
      ['medical', 180],
      ['security', 6],
      ['operations', 6],
    ]);
    expect(body.schedule.length).toBe(RETENTION_SCHEDULE.length);
  });

  it('DJ-16, REC-1: below the legal floor is refused with 422 RETENTION_BELOW_FLOOR', async () => {
    for (const [kind, months] of [
      ['medical', 179],
      ['security', 5],
      ['operations', 1],
    ] as const) {
      const res = await t.request('PUT', '/api/v1/audit/retention', {
        token: auditAdmin,
        body: { kinds: [{ kind, monthsOnline: months }] },
      });
      expect(res.statusCode, kind).toBe(422);
      expect(res.json().code).toBe('RETENTION_BELOW_FLOOR');
    }
    const bad = await t.request('PUT', '/api/v1/audit/retention', {
      token: auditAdmin,
      body: { kinds: [{ kind: 'other', monthsOnline: 12 }] },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('DJ-16: a change at or above the floor is kept and audited with before and after', async () => {
    const res = await t.request('PUT', '/api/v1/audit/retention', {
      token: auditAdmin,
      body: {
        kinds: [
          { kind: 'security', monthsOnline: 24 },
          { kind: 'medical', monthsOnline: 180 },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().kinds.find((k: { kind: string }) => k.kind === 'security').monthsOnline).toBe(24);
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['details', 'actor_role'])
      .where('action', '=', 'audit.retention.set')
      .executeTakeFirstOrThrow();
    expect(audit.actor_role).toBe('audit_admin');
    expect(audit.details).toMatchObject({
      changes: [{ kind: 'security', from: 6, to: 24 }, { kind: 'medical' }],
    });
  });
});

describe('DJ-16: the retention job', () => {
  it('DJ-16, REC-4: deletes only deletable kinds, never an audit row; idempotent; the chain still verifies', async () => {
    const now = t.clock.now();
    const old = new Date(now.getTime() - 40 * 24 * 3600_000);
    const account = await t.ctx.db.selectFrom('account').select('id').limit(1).executeTakeFirstOrThrow();
    await t.ctx.db
      .insertInto('otp_code')
      .values([
        {
          id: newId(),
          phone_bidx: 'x-old',
          purpose: 'login',
          code_hash: 'h',
          ref_id: null,
          created_at: old,
          expires_at: old,
        },
        {
          id: newId(),
          phone_bidx: 'x-new',
          purpose: 'login',
          code_hash: 'h',
          ref_id: null,
          created_at: now,
          expires_at: new Date(now.getTime() + 300_000),
        },
      ])
      .execute();
    await t.ctx.db
      .insertInto('auth_session')
      .values([
        {
          id: newId(),
          token_hash: `old-${newId()}`,
          account_id: account.id,
          is_staff: false,
          created_at: old,
          expires_at: old,
          last_seen_at: old,
          revoked_at: null,
        },
        {
          id: newId(),
          token_hash: `rev-${newId()}`,
          account_id: account.id,
          is_staff: false,
          created_at: old,
          expires_at: new Date(now.getTime() + 3600_000),
          last_seen_at: old,
          revoked_at: old,
        },
      ])
      .execute();
    await sealAll(t.ctx.db, t.clock);
    const auditBefore = await t.ctx.db
      .selectFrom('audit_event')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const sessionsBefore = await t.ctx.db
      .selectFrom('auth_session')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const counts = await runRetentionJobs(t.ctx, { force: true });
    expect(counts?.otp_code_deleted).toBeGreaterThanOrEqual(1);
    expect(counts?.session_deleted).toBe(2);
    expect(
      await t.ctx.db.selectFrom('otp_code').select('id').where('phone_bidx', '=', 'x-new').executeTakeFirst(),
    ).toBeDefined();
    expect(
      await t.ctx.db.selectFrom('otp_code').select('id').where('phone_bidx', '=', 'x-old').executeTakeFirst(),
    ).toBeUndefined();
    const sessionsAfter = await t.ctx.db
      .selectFrom('auth_session')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(sessionsAfter.n)).toBe(Number(sessionsBefore.n) - 2); // live sessions stay
    // Nothing under retention moved yet: the seeded records are young.
    expect(counts?.medical_record_archived).toBe(0);
    expect(counts?.payment_archived).toBe(0);
    // Audit rows: never deleted (one more: the job's own audit).
    const auditAfter = await t.ctx.db
      .selectFrom('audit_event')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(auditAfter.n)).toBe(Number(auditBefore.n) + 1);
    await sealAll(t.ctx.db, t.clock);
    expect((await verifyChain(t.ctx.db)).ok).toBe(true);
    // Idempotent: a second run finds nothing to delete; without force it does not run within the hour.
    expect(await runRetentionJobs(t.ctx)).toBeNull();
    const again = await runRetentionJobs(t.ctx, { force: true });
    expect(again?.otp_code_deleted).toBe(0);
    expect(again?.session_deleted).toBe(0);
  });
});

describe('个人信息保护法 第四十七条: the patient deletion request', () => {
  let p: { token: string; accountId: string; patientId: string };
  const phone = '13844449001';

  beforeAll(async () => {
    p = await registerBySms(phone, 9001);
    await t.ctx.db
      .insertInto('delivery_address')
      .values({
        id: newId(),
        account_id: p.accountId,
        recipient: '孙注销',
        phone_enc: t.ctx.cipher.encrypt(phone),
        phone_masked: '138****9001',
        subdistrict: 'x',
        detail: '某路 1 号',
        lat: 30.6,
        lng: 104.06,
        created_at: t.clock.now(),
      })
      .execute();
  });

  it('REC-1, RX-12: the preview lists what goes and what stays, with the rule and years', async () => {
    const res = await t.request('GET', '/api/v1/me/deletion-request/preview', { token: p.token });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.canDelete).toBe(true);
    const kept = Object.fromEntries(body.kept.map((i: { kind: string }) => [i.kind, i]));
    expect(kept.medical_record).toMatchObject({ action: 'keep', rule: 'REC-1', years: 15 });
    expect(kept.prescription.rule).toContain('RX-12');
    expect(kept.payment.years).toBe(30);
    expect(kept.audit_medical.rule).toContain('DJ-16');
    const removed = body.removed.map((i: { kind: string }) => i.kind);
    expect(removed).toEqual(
      expect.arrayContaining(['account', 'preferences', 'consents', 'addresses', 'family_links', 'sessions']),
    );
    expect(body.removed.find((i: { kind: string }) => i.kind === 'addresses').count).toBe(1);
    for (const i of [...body.removed, ...body.kept]) expect(i.whyEn.length).toBeGreaterThan(0);
    expect(
      (await t.request('GET', '/api/v1/me/deletion-request/preview', { token: auditAdmin })).statusCode,
    ).toBe(403);
  });

  it('DJ-16: refused with 409 DELETION_BLOCKED while an order is unpaid or an appointment open, and audited', async () => {
    const orderId = newId();
    await t.ctx.db
      .insertInto('payment_order')
      .values({
        id: orderId,
        patient_id: p.patientId,
        account_id: p.accountId,
        purpose: 'appointment',
        ref_id: newId(),
        description: '挂号费',
        amount_fen: 1000,
        status: 'created',
        expires_at: new Date(t.clock.now().getTime() + 900_000),
        created_at: t.clock.now(),
      } as never)
      .execute();
    const preview = (
      await t.request('GET', '/api/v1/me/deletion-request/preview', { token: p.token })
    ).json();
    expect(preview.canDelete).toBe(false);
    expect(preview.blockers).toEqual([expect.objectContaining({ kind: 'unpaid_order', id: orderId })]);
    const res = await t.request('POST', '/api/v1/me/deletion-request', {
      token: p.token,
      body: { otp: '000000' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('DELETION_BLOCKED');
    const refused = await t.ctx.db
      .selectFrom('audit_event')
      .select('outcome')
      .where('action', '=', 'account.close')
      .where('resource_id', '=', p.accountId)
      .execute();
    expect(refused.map((r) => r.outcome)).toEqual(['failure']);
    await t.ctx.db.updateTable('payment_order').set({ status: 'paid' }).where('id', '=', orderId).execute();
  });

  it('needs the SMS code or the password; a wrong code is refused and nothing is removed', async () => {
    const none = await t.request('POST', '/api/v1/me/deletion-request', { token: p.token, body: {} });
    expect(none.json().code).toBe('DELETION_CONFIRMATION_REQUIRED');
    await t.request('POST', '/api/v1/me/deletion-request/otp', { token: p.token });
    const wrong = await t.request('POST', '/api/v1/me/deletion-request', {
      token: p.token,
      body: { otp: '999999' },
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().code).toBe('DELETION_CONFIRMATION_FAILED');
    expect((await t.request('GET', '/api/v1/me', { token: p.token })).statusCode).toBe(200);
  });

  it('REC-4, REC-1, RX-12: keeps records, prescriptions and payments, removes the rest, closes the account', async () => {
    // The patient set a password once (the lighter patient policy): its hashes go with the account too.
    const setPw = await t.request('POST', '/api/v1/me/password', {
      token: p.token,
      body: { next: 'Yunyi#Home2026' },
    });
    expect(setPw.statusCode).toBe(204);
    t.clock.advance(61_000);
    const sent = await t.request('POST', '/api/v1/me/deletion-request/otp', { token: p.token });
    expect(sent.statusCode).toBe(202);
    const res = await t.request('POST', '/api/v1/me/deletion-request', {
      token: p.token,
      body: { otp: sent.json().devCode },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().phoneReleased).toBe(true);
    // Logged out everywhere; cannot log in as before.
    expect((await t.request('GET', '/api/v1/me', { token: p.token })).statusCode).toBe(401);
    const acct = await t.ctx.db
      .selectFrom('account')
      .selectAll()
      .where('id', '=', p.accountId)
      .executeTakeFirstOrThrow();
    expect(acct.status).toBe('closed');
    expect(acct.name).toBe('');
    expect(acct.password_hash).toBeNull();
    expect(acct.phone_bidx).not.toBe(phoneBidx(phone));
    expect(t.ctx.cipher.decrypt(acct.phone_enc)).toBe('');
    // Removed.
    const n = async (table: 'account_consent' | 'account_preference' | 'delivery_address' | 'auth_session') =>
      (await t.ctx.db.selectFrom(table).select('account_id').where('account_id', '=', p.accountId).execute())
        .length;
    expect(await n('account_consent')).toBe(0);
    expect(await n('delivery_address')).toBe(0);
    expect(await n('auth_session')).toBe(0);
    for (const table of ['password_history', 'account_totp', 'recovery_code', 'mfa_challenge'] as const) {
      const left = await t.ctx.db
        .selectFrom(table)
        .select('account_id')
        .where('account_id', '=', p.accountId)
        .execute();
      expect(left, table).toEqual([]);
    }
    expect(
      await t.ctx.db.selectFrom('health_card').select('id').where('patient_id', '=', p.patientId).execute(),
    ).toEqual([]);
    // Kept (REC-1, REC-4, 会计档案): the patient record and the order.
    expect(
      await t.ctx.db.selectFrom('patient').select('id').where('id', '=', p.patientId).executeTakeFirst(),
    ).toBeDefined();
    expect(
      (
        await t.ctx.db
          .selectFrom('payment_order')
          .select('id')
          .where('patient_id', '=', p.patientId)
          .execute()
      ).length,
    ).toBe(1);
    // The request is recorded with the consents noted, and audited.
    const req = await t.ctx.db
      .selectFrom('deletion_request')
      .selectAll()
      .where('account_id', '=', p.accountId)
      .executeTakeFirstOrThrow();
    expect(req.confirmed_by).toBe('otp');
    expect((req.consents as unknown[]).length).toBeGreaterThanOrEqual(1);
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['outcome', 'details'])
      .where('action', '=', 'account.close')
      .where('resource_id', '=', p.accountId)
      .where('outcome', '=', 'success')
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.details)).not.toContain(phone); // DJ-10
    // The phone may register anew: a new, empty account, not the old one.
    t.clock.advance(61_000);
    const { devCode } = (await t.request('POST', '/api/v1/auth/otp', { body: { phone } })).json();
    const again = await t.request('POST', '/api/v1/auth/login', { body: { phone, otp: devCode } });
    expect(again.json().code).toBe('PRIVACY_CONSENT_REQUIRED');
    const fresh = await t.request('POST', '/api/v1/auth/login', {
      body: { phone, otp: devCode, consent: agreeToCurrent() },
    });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.json().user.id).not.toBe(p.accountId);
  });

  it('REC-4: after 31 years the job marks records and payments archived, deletes none, and is idempotent', async () => {
    const ordersBefore = await t.ctx.db.selectFrom('payment_order').select('id').execute();
    t.clock.advance(31 * 366 * 24 * 3600_000);
    const counts = await runRetentionJobs(t.ctx, { force: true });
    expect(counts?.payment_archived).toBeGreaterThanOrEqual(1);
    expect((await t.ctx.db.selectFrom('payment_order').select('id').execute()).length).toBe(
      ordersBefore.length,
    );
    const again = await runRetentionJobs(t.ctx, { force: true });
    expect(again?.payment_archived).toBe(0);
    expect(again?.medical_record_archived).toBe(0);
    expect(again?.audit_security_eligible_for_archive).toBeGreaterThan(0);
  });
});
