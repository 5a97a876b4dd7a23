/**
 * What one chat message costs the database ([9/12], docs/performance.md "Chat over WebSocket"): a text
 * message is three statements between `begin` and `commit` — the visit locked with the sender's standing
 * and name, the insert with the visit's `last_message_at` (one statement), the audit row — and a resent
 * clientId is answered from the unique index without a second message. Counted on the app's own Kysely
 * with a plugin that sees every statement a command sends (begin and commit are not statements here).
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from 'kysely';
import { describe, expect, it } from 'vitest';
import { postMessage } from '../../src/server/modules/visits/messages.service.js';
import type { AuthContext } from '../../src/server/platform/auth/access.js';
import { chen, ids, paidVisit, setupVisitsApp, t, zhang } from '../support/visits.js';

setupVisitsApp();

function counting() {
  const seen: string[] = [];
  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs) {
      seen.push(args.node.kind);
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs) {
      return args.result;
    },
  };
  return { ctx: { ...t.ctx, db: t.ctx.db.withPlugin(plugin) }, seen };
}

describe('chat round trips', () => {
  it('a message is 3 statements in its transaction; a resend stores nothing and answers the first', async () => {
    const visitId = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    expect((await t.request('POST', `/api/v1/visits/${visitId}/start`, { token: chen })).statusCode).toBe(
      200,
    );
    const patient = await t.ctx.db
      .selectFrom('patient')
      .select('account_id')
      .where('name', '=', '张伟')
      .executeTakeFirstOrThrow();
    const auth: AuthContext = {
      accountId: patient.account_id!,
      sessionId: 'test',
      roles: ['patient'],
      institutionId: null,
      practitionerId: null,
      isStaff: false,
    };
    const actor = { accountId: auth.accountId, role: 'patient', ip: null };
    const input = { clientId: 'rt-1', kind: 'text' as const, text: '  今天血压 130/85  ' };

    const first = counting();
    const sent = await postMessage(first.ctx, auth, visitId, input, actor);
    expect(first.seen).toEqual(['SelectQueryNode', 'SelectQueryNode', 'InsertQueryNode']);
    expect(sent).toMatchObject({ created: true, role: 'patient' });
    expect(sent.message).toMatchObject({ text: '今天血压 130/85', senderName: '张伟', clientId: 'rt-1' });

    // The answer built from `returning` is what a reader gets from the table.
    const listed = await t.request('GET', `/api/v1/visits/${visitId}/messages`, { token: zhang });
    expect(listed.json().items.find((m: { id: number }) => m.id === sent.message.id)).toEqual(sent.message);
    const v = await t.ctx.db
      .selectFrom('visit')
      .select('last_message_at')
      .where('id', '=', visitId)
      .executeTakeFirstOrThrow();
    expect(v.last_message_at?.toISOString()).toBe(sent.message.createdAt);
    const audits = await t.ctx.db
      .selectFrom('audit_event')
      .select('details')
      .where('action', '=', 'visit.message')
      .where('resource_id', '=', visitId)
      .execute();
    expect(audits.map((a) => a.details)).toEqual([{ messageId: sent.message.id, kind: 'text' }]);

    const again = counting();
    const resent = await postMessage(again.ctx, auth, visitId, { ...input, text: '另一段文字' }, actor);
    expect(again.seen).toEqual(['SelectQueryNode', 'SelectQueryNode', 'SelectQueryNode']);
    expect(resent).toEqual({ message: sent.message, created: false, role: 'patient' });
    const stored = await t.ctx.db
      .selectFrom('visit_message')
      .select('id')
      .where('visit_id', '=', visitId)
      .where('client_id', '=', 'rt-1')
      .execute();
    expect(stored).toHaveLength(1);
    const audited = await t.ctx.db
      .selectFrom('audit_event')
      .select('id')
      .where('action', '=', 'visit.message')
      .where('resource_id', '=', visitId)
      .execute();
    expect(audited).toHaveLength(1);
  });
});
