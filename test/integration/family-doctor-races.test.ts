/**
 * [12/12] FD-1 under concurrency, on PostgreSQL only (PGlite serialises transactions): two family proxies
 * of 王秀英 sign her to two different teams at the same moment — exactly one 201, the other 409
 * CONTRACT_ALREADY_ACTIVE, and exactly one current contract. Round after round.
 *
 * What makes it hold: the per-resident advisory lock (contract-store.ts lockResidents) serialises the check
 * and the insert, and the partial unique index family_contract_current refuses a second current contract
 * (mapped to the same 409). Either alone keeps the answer right; with both removed both requests pass the
 * check before either commits and both insert — two 201s, two current rows — and this test fails.
 *
 * Then an early switch signed while the contract it replaces is being terminated: signing locks the new
 * group's order, the resident, and refunds the old contract's order; terminating locks the old order, the
 * resident, and cancels the switch (its order). contract-sign.ts lockGroup locks every order of the move
 * (own, predecessors', successors') newest first before the resident, so they queue: one 200, one 409,
 * never a deadlock (500).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { loadConfig } from '../../src/server/platform/config.js';
import { newId } from '../../src/server/platform/ids.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { payOrder } from '../support/circulation.js';
import { describeOnPostgres, itOnPostgres } from '../support/db.js';
import { FD_PHONE, packageIdsOf, TEAM, teamIdOf } from '../support/family-doctor.js';
import { makePatients } from '../support/people.js';

let t: TestApp;
let wang = '';
const teams = { long: '', duan: '' };
let basic = '';
const tokens = { daughter: '', second: '' };

describeOnPostgres('family-doctor contract races (PostgreSQL)', () => {
  beforeAll(async () => {
    const base = loadConfig({ YUNYI_DEMO: '1' });
    t = await createTestApp({
      seed: true,
      // An early switch allowed at once (the policy's months: 0), for the switch-versus-terminate race.
      config: { familyDoctor: { ...base.familyDoctor, demoContracts: false, earlySwitchAfterMonths: 0 } },
    });
    wang = (
      await t.ctx.db.selectFrom('patient').select('id').where('name', '=', '王秀英').executeTakeFirstOrThrow()
    ).id;
    teams.long = await teamIdOf(t, TEAM.long);
    teams.duan = await teamIdOf(t, TEAM.duan);
    [basic] = (await packageIdsOf(t, ['BASIC'])) as [string];
    tokens.daughter = await t.login(FD_PHONE.daughter);
    // A second family proxy of 王秀英 (another child of hers), active like 陈静.
    const [son] = await makePatients(t, 1);
    await t.ctx.db
      .insertInto('family_proxy')
      .values({
        id: newId(),
        proxy_account_id: son!.accountId,
        patient_id: wang,
        relationship: 'parent',
        is_guardian: false,
        confirm_phone_enc: null,
        status: 'active',
        confirmed_at: t.clock.now(),
        revoked_at: null,
        created_at: t.clock.now(),
      })
      .execute();
    tokens.second = son!.token;
  }, 240_000);
  afterAll(async () => t?.close());

  itOnPostgres(
    'FD-1: two proxies sign 王秀英 to two teams at once — one 201, one 409, one current contract',
    async () => {
      for (let round = 0; round < 5; round++) {
        const sign = (token: string, teamId: string) =>
          t.request('POST', '/api/v1/family-doctor/contracts', {
            token,
            body: { teamId, packageIds: [basic], years: 1, patientIds: [wang] },
          });
        const [a, b] = await Promise.all([
          sign(tokens.daughter, teams.long),
          sign(tokens.second, teams.duan),
        ]);
        const statuses = [a!.statusCode, b!.statusCode].sort();
        expect(statuses, `round ${round}: ${a!.body} ${b!.body}`).toEqual([201, 409]);
        const winner = a!.statusCode === 201 ? a! : b!;
        const loser = a!.statusCode === 409 ? a! : b!;
        expect(loser.json().code).toBe('CONTRACT_ALREADY_ACTIVE');
        const current = await t.ctx.db
          .selectFrom('family_contract')
          .select(['id', 'team_id'])
          .where('patient_id', '=', wang)
          .where('status', 'in', ['pending_signature', 'pending_payment', 'active'])
          .execute();
        expect(current.map((c) => c.id)).toEqual([winner.json().id]);
        // Withdraw it for the next round; the SMS resend interval per phone passes.
        const token = winner === a ? tokens.daughter : tokens.second;
        const cancel = await t.request(
          'POST',
          `/api/v1/family-doctor/contracts/${winner.json().id}/terminate`,
          {
            token,
            body: { reason: '测试下一轮' },
          },
        );
        expect(cancel.statusCode, cancel.body).toBe(200);
        t.clock.advance(61_000);
      }
    },
  );

  itOnPostgres(
    'an early switch signed while the old contract is terminated: one 200, one 409, no deadlock',
    async () => {
      const api = (token: string, url: string, body?: unknown) =>
        t.request('POST', `/api/v1/family-doctor${url}`, { token, ...(body === undefined ? {} : { body }) });
      for (let round = 0; round < 3; round++) {
        t.clock.advance(61_000);
        // Each round sends the daughter two SMS codes; with the first race's rounds that passes the daily
        // cap per phone (OTP_DAILY_LIMIT, 10): the codes sent so far are forgotten, not the cap.
        await t.ctx.db.deleteFrom('otp_code').execute();
        const made = await api(tokens.daughter, '/contracts', {
          teamId: teams.long,
          packageIds: [basic],
          years: 1,
          patientIds: [wang],
        });
        expect(made.statusCode, made.body).toBe(201);
        const a = made.json();
        expect((await api(tokens.daughter, `/contracts/${a.id}/sign`, { code: a.demoCode })).statusCode).toBe(
          200,
        );
        if (a.orderId) await payOrder(t, tokens.daughter, a.orderId);
        t.clock.advance(61_000);
        const sw = await api(tokens.daughter, `/contracts/${a.id}/renew`, { years: 1, teamId: teams.duan });
        expect(sw.statusCode, sw.body).toBe(201);
        const b = sw.json();
        expect(b.orderId, 'the switch has a resident part to pay').toBeTruthy();
        // Paid before the signature: the signature brings it into force (and refunds the old contract).
        await payOrder(t, tokens.daughter, b.orderId);
        const [sign, end] = await Promise.all([
          api(tokens.daughter, `/contracts/${b.id}/sign`, { code: b.demoCode }),
          api(tokens.second, `/contracts/${a.id}/terminate`, { reason: '测试并发' }),
        ]);
        expect(
          [sign!.statusCode, end!.statusCode].sort(),
          `round ${round}: ${sign!.body} ${end!.body}`,
        ).toEqual([200, 409]);
        const rows = await t.ctx.db
          .selectFrom('family_contract')
          .select(['id', 'status'])
          .where('id', 'in', [a.id, b.id])
          .execute();
        const status = Object.fromEntries(rows.map((r) => [r.id, r.status]));
        if (sign!.statusCode === 200) expect(status).toEqual({ [a.id]: 'terminated', [b.id]: 'active' });
        else expect(status).toEqual({ [a.id]: 'terminated', [b.id]: 'cancelled' });
        // Clear the way for the next round.
        const current = rows.find((r) => r.status === 'active');
        if (current)
          expect(
            (await api(tokens.daughter, `/contracts/${current.id}/terminate`, { reason: '下一轮' }))
              .statusCode,
          ).toBe(200);
      }
    },
  );
});
