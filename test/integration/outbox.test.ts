import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notify } from '../../src/server/modules/notifications/notify.js';
import { systemActor } from '../../src/server/platform/audit/audit.js';
import { runCommand } from '../../src/server/platform/command.js';
import type { Database } from '../../src/server/platform/db/database.js';
import { newId } from '../../src/server/platform/ids.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { freshDatabase, onPostgres, POSTGRES_ONLY } from '../support/db.js';

/**
 * The transactional outbox (architecture.md, "A command's path"): an event written in a command's
 * transaction is delivered after the commit — also when the process died between the commit and the
 * delivery, also when a subscriber failed the first time — and each subscriber's effect happens once.
 */
let database: Database;
let t: TestApp;
let accountId: string;
const PHONE = '13955550001';

beforeAll(async () => {
  database = await freshDatabase();
  t = await createTestApp({ database });
  accountId = newId();
  await t.ctx.db
    .insertInto('account')
    .values({
      id: accountId,
      phone_enc: t.ctx.cipher.encrypt(PHONE),
      phone_bidx: t.ctx.cipher.blindIndex('phone', PHONE),
      name: '测试患者',
      roles: ['patient'],
      institution_id: null,
      practitioner_id: null,
      password_hash: null,
      created_at: t.clock.now(),
    })
    .execute();
});
afterAll(async () => {
  await t.close();
  await database.close();
});

/** A command that tells the account something by SMS (an in-app notice and a `notifications.sms` event). */
const tellBySms = (app: TestApp, refId: string) =>
  runCommand(app.ctx, systemActor, (cmd) =>
    notify(cmd, {
      accountId,
      kind: 'reminder',
      title: '就诊提醒',
      body: '您明天上午有一个预约。',
      refType: 'appointment',
      refId,
      sms: true,
    }),
  );

const notices = (refId: string) =>
  t.ctx.db.selectFrom('notification').select('id').where('ref_id', '=', refId).execute();

describe('delivery after a crash between commit and delivery', () => {
  it('an SMS whose process died after the commit is sent once by the next process, and only once', async () => {
    const first = await createTestApp({ database, now: t.clock.now().toISOString() });
    const refId = newId();
    // The dispatcher never runs: the process "dies" right after the command commits.
    first.ctx.outbox.paused = true;
    await tellBySms(first, refId);
    await first.close();
    expect(first.sms.sent).toHaveLength(0);
    expect(await notices(refId)).toHaveLength(1); // the change itself committed
    const pending = await t.ctx.db
      .selectFrom('outbox')
      .select(['id', 'delivered_at'])
      .where('topic', '=', 'notifications.sms')
      .where('delivered_at', 'is', null)
      .execute();
    expect(pending).toHaveLength(1);

    // A new process on the same database: its dispatcher finds the event and delivers it.
    const next = await createTestApp({ database, now: t.clock.now().toISOString() });
    try {
      expect(await next.ctx.outbox.drain()).toBe(1);
      expect(next.sms.sent).toEqual([
        { phone: PHONE, template: 'notice', params: { title: '就诊提醒', body: '您明天上午有一个预约。' } },
      ]);
      expect(await next.ctx.outbox.drain()).toBe(0);
      expect(next.sms.sent).toHaveLength(1);
      const row = await t.ctx.db
        .selectFrom('outbox')
        .select(['delivered_at', 'attempts'])
        .where('id', '=', pending[0]!.id)
        .executeTakeFirstOrThrow();
      expect(row.delivered_at).not.toBeNull();
      expect(row.attempts).toBe(1);
    } finally {
      await next.close();
    }
  });

  it('a command that rolls back sends nothing', async () => {
    const refId = newId();
    await expect(
      runCommand(t.ctx, systemActor, async (cmd) => {
        await notify(cmd, { accountId, kind: 'reminder', title: '不应发送', body: '回滚', refId, sms: true });
        throw new Error('the command fails after notifying');
      }),
    ).rejects.toThrow('the command fails');
    expect(await t.ctx.outbox.drain()).toBe(0);
    expect(t.sms.sent.some((m) => m.params.title === '不应发送')).toBe(false);
    expect(await notices(refId)).toHaveLength(0);
  });

  it('without a crash, the SMS goes out right after the commit', async () => {
    const before = t.sms.sent.length;
    await tellBySms(t, newId());
    expect(t.sms.sent).toHaveLength(before + 1);
    expect(await t.ctx.outbox.drain()).toBe(0);
  });
});

describe('retry of a failing subscriber', () => {
  it('is retried by the dispatcher after its backoff, and its database effect happens once', async () => {
    let calls = 0;
    const refId = newId();
    t.ctx.outbox.subscribe<{ refId: string }>('test.flaky', 'test.flaky-writer', async (event, cmd) => {
      calls += 1;
      // The effect is written first, then the first attempt fails: the failure rolls it back.
      await cmd.trx
        .insertInto('notification')
        .values({
          id: newId(),
          account_id: accountId,
          patient_id: null,
          kind: 'reminder',
          title: '重试',
          body: event.id,
          ref_type: 'test',
          ref_id: event.payload.refId,
          created_at: cmd.now,
        })
        .execute();
      if (calls === 1) throw new Error('subscriber down the first time');
    });
    const eventId = await runCommand(t.ctx, systemActor, (cmd) => cmd.emit('test.flaky', { refId }));
    expect(calls).toBe(1); // delivered after the commit, and failed
    expect(await notices(refId)).toHaveLength(0);
    const failed = await t.ctx.db
      .selectFrom('outbox')
      .select(['attempts', 'last_error', 'available_at', 'delivered_at'])
      .where('id', '=', eventId)
      .executeTakeFirstOrThrow();
    expect(failed).toMatchObject({
      attempts: 1,
      last_error: 'subscriber down the first time',
      delivered_at: null,
    });
    expect(failed.available_at.getTime()).toBeGreaterThan(t.clock.now().getTime());

    // Not before the backoff…
    expect(await t.ctx.outbox.drain()).toBe(0);
    expect(calls).toBe(1);
    // …then once more, successfully.
    t.clock.advance(failed.available_at.getTime() - t.clock.now().getTime());
    expect(await t.ctx.outbox.drain()).toBe(1);
    expect(calls).toBe(2);
    expect(await notices(refId)).toHaveLength(1);
    expect(await t.ctx.outbox.drain()).toBe(0);
    t.clock.advance(3600_000);
    expect(await t.ctx.outbox.drain()).toBe(0);
    expect(calls).toBe(2);
    const done = await t.ctx.db
      .selectFrom('outbox')
      .select(['attempts', 'last_error', 'delivered_at'])
      .where('id', '=', eventId)
      .executeTakeFirstOrThrow();
    expect(done).toMatchObject({ attempts: 2, last_error: null });
    expect(done.delivered_at).not.toBeNull();
  });
});

describe('concurrent dispatchers', () => {
  it.runIf(onPostgres)(
    `two nodes draining at once deliver each event once ${POSTGRES_ONLY}`,
    async () => {
      // Another node on the same database, its clock where ours is.
      const other = await createTestApp({ database, now: t.clock.now().toISOString() });
      try {
        const handled: string[] = [];
        for (const app of [t, other]) {
          app.ctx.outbox.subscribe<{ n: number }>('test.race', 'test.race-writer', async (event, cmd) => {
            handled.push(event.id);
            // Slow enough for the two dispatchers to overlap.
            await new Promise((r) => setTimeout(r, 5));
            await cmd.trx
              .insertInto('notification')
              .values({
                id: newId(),
                account_id: accountId,
                patient_id: null,
                kind: 'reminder',
                title: '并发',
                body: String(event.payload.n),
                ref_type: 'test.race',
                ref_id: event.id,
                created_at: cmd.now,
              })
              .execute();
          });
        }
        t.ctx.outbox.paused = true;
        const ids: string[] = [];
        for (let n = 0; n < 40; n++)
          ids.push(await runCommand(t.ctx, systemActor, (cmd) => cmd.emit('test.race', { n })));
        t.ctx.outbox.paused = false;

        const [a, b] = await Promise.all([t.ctx.outbox.drain(10), other.ctx.outbox.drain(10)]);
        expect(a + b).toBe(40);
        expect(a).toBeGreaterThan(0);
        expect(b).toBeGreaterThan(0);
        expect([...handled].sort()).toEqual([...ids].sort());
        const effects = await t.ctx.db
          .selectFrom('notification')
          .select('ref_id')
          .where('ref_type', '=', 'test.race')
          .execute();
        expect(effects.map((e) => e.ref_id).sort()).toEqual([...ids].sort());
        const left = await t.ctx.db
          .selectFrom('outbox')
          .select('id')
          .where('topic', '=', 'test.race')
          .where('delivered_at', 'is', null)
          .execute();
        expect(left).toEqual([]);
      } finally {
        t.ctx.outbox.paused = false;
        await other.close();
      }
    },
    60_000,
  );
});

describe('events of a topic this node does not know', () => {
  it('stay pending for a node that subscribes to them, instead of being marked delivered', async () => {
    const id = await runCommand(t.ctx, systemActor, (cmd) =>
      cmd.emit('newer-module.something_happened', { what: 'a newer node emitted this' }),
    );
    await t.ctx.outbox.drain();
    const row = await t.ctx.db
      .selectFrom('outbox')
      .select(['delivered_at', 'attempts'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ delivered_at: null, attempts: 0 });

    // A node that knows the topic delivers it.
    const seen: string[] = [];
    t.ctx.outbox.subscribe('newer-module.something_happened', 'test.newer-subscriber', async (event) => {
      seen.push(event.id);
    });
    await t.ctx.outbox.drain();
    expect(seen).toEqual([id]);
    const after = await t.ctx.db
      .selectFrom('outbox')
      .select('delivered_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(after.delivered_at).not.toBeNull();
  });
});
