/**
 * [8/12] Server-made text follows the reader's language: the same notification and the same chat system
 * line read with Accept-Language en-US are English and with zh-CN Chinese (and over the visit socket with
 * `lang=en-US`); the SMS stays zh-CN; a notification stored before the catalogue shows its stored text.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { noticeCatalogue } from '../../src/server/modules/notifications/notices.js';
import { systemLineCatalogue } from '../../src/server/modules/visits/system-lines.js';
import { newId } from '../../src/server/platform/ids.js';
import { TEXT_LANGUAGES } from '../../src/server/platform/texts.js';
import type { ServerFrame, VisitMessage } from '../../src/shared/visits.js';
import { chen, ids, paidVisit, setupVisitsApp, t, zhang } from '../support/visits.js';

setupVisitsApp();

const EN = { 'accept-language': 'en-US,en;q=0.9' };
const ZH = { 'accept-language': 'zh-CN,zh;q=0.9' };

let visitId: string;

beforeAll(async () => {
  visitId = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
  expect((await t.request('POST', `/api/v1/visits/${visitId}/start`, { token: chen })).statusCode).toBe(200);
  const dept = await t.ctx.db
    .selectFrom('practitioner')
    .select('department_id')
    .where('id', '=', ids.P001!)
    .executeTakeFirstOrThrow();
  const refer = await t.request('POST', `/api/v1/visits/${visitId}/refer-offline`, {
    token: chen,
    body: { reason: '胸痛加重，需要心电图检查', recommendation: { departmentId: dept.department_id } },
  });
  expect(refer.statusCode, refer.body).toBe(200);
  await t.sim!.settle();
  await t.ctx.outbox.drain();
}, 60_000);

const inbox = async (headers: Record<string, string>) =>
  (await t.request('GET', '/api/v1/notifications', { token: zhang, headers })).json().items as {
    kind: string;
    title: string;
    body: string;
    refId: string | null;
  }[];

const referralNotice = async (headers: Record<string, string>) =>
  (await inbox(headers)).find((n) => n.refId === visitId && n.kind === 'cancelled');

describe('notifications in the reader’s language', () => {
  it('the same notice is English with en-US and Chinese with zh-CN (and without a header)', async () => {
    const en = await referralNotice(EN);
    const zh = await referralNotice(ZH);
    const none = await referralNotice({});
    expect(en?.title).toBe('Please see a doctor in person');
    expect(en?.body).toMatch(/^The doctor thinks your condition should not be treated online/);
    expect(en?.body).not.toContain('就诊');
    expect(zh?.title).toBe('请到线下医院就诊');
    expect(zh?.body).toContain('建议到');
    expect(none).toEqual(zh);
  });

  it('the SMS of that notice stays zh-CN', async () => {
    const sms = t.sms.sent.filter((m) => m.template === 'notice' && m.params.title === '请到线下医院就诊');
    expect(sms.length).toBeGreaterThanOrEqual(1);
    expect(t.sms.sent.some((m) => String(m.params.title).startsWith('Please see'))).toBe(false);
  });

  it('a notice stored without a key (before the catalogue) shows its stored text in any language', async () => {
    const me = await t.ctx.db
      .selectFrom('notification')
      .select('account_id')
      .where('ref_id', '=', visitId)
      .executeTakeFirstOrThrow();
    const id = newId();
    await t.ctx.db
      .insertInto('notification')
      .values({
        id,
        account_id: me.account_id,
        patient_id: null,
        kind: 'reminder',
        title: '旧的提醒',
        body: '旧行没有键。',
        ref_type: null,
        ref_id: id,
        created_at: t.clock.now(),
      })
      .execute();
    const old = (await inbox(EN)).find((n) => n.refId === id);
    expect(old).toMatchObject({ title: '旧的提醒', body: '旧行没有键。' });
  });

  it('every catalogue key renders in both languages, and the en-US text is not the zh-CN text', () => {
    const facts = {
      patientName: '张伟',
      date: '2026-12-07',
      time: '09:00',
      startTime: '09:00:00',
      doctorName: '陈建国',
      tokenNumber: 3,
      paid: true,
      position: 2,
      reason: 'payment_timeout',
      refund: true,
      refunded: true,
      amountFen: 1200,
      refundFen: 1200,
      waybill: 'SF1',
      subject: 'patient',
    };
    for (const [key, r] of Object.entries(noticeCatalogue)) {
      const [zh, en] = TEXT_LANGUAGES.map((l) =>
        (r[l] as (p: unknown) => { title: string; body: string })(facts),
      );
      expect(zh!.title, key).toMatch(/[\u4e00-\u9fff]/);
      expect(en!.title, key).not.toMatch(/[\u4e00-\u9fff]/);
      expect(en!.body, key).not.toBe(zh!.body);
    }
    for (const [key, r] of Object.entries(systemLineCatalogue)) {
      const [zh, en] = TEXT_LANGUAGES.map((l) => (r[l] as (p: unknown) => string)(facts));
      expect(zh, key).toMatch(/[\u4e00-\u9fff]/);
      expect(en, key).toMatch(/^[A-Z]/);
    }
  });
});

describe('chat system lines in the reader’s language', () => {
  const lines = async (headers: Record<string, string>) =>
    (
      (await t.request('GET', `/api/v1/visits/${visitId}/messages`, { token: zhang, headers })).json()
        .items as VisitMessage[]
    ).filter((m) => m.kind === 'system');

  it('the messages API renders each system line in the Accept-Language', async () => {
    const en = await lines(EN);
    const zh = await lines(ZH);
    expect(en.map((m) => m.text)).toEqual([
      'Dr 陈建国 has started the visit.',
      expect.stringMatching(
        /^The doctor recommends seeing a doctor in person at .+: 胸痛加重，需要心电图检查\./,
      ),
    ]);
    expect(en.every((m) => m.senderName === 'System')).toBe(true);
    expect(zh.map((m) => m.text)).toEqual([
      '陈建国医生已接诊。',
      expect.stringMatching(/^医生建议您到.+线下就诊：胸痛加重/),
    ]);
    expect(zh.every((m) => m.senderName === '系统')).toBe(true);
    expect(en[0]).toMatchObject({ textKey: 'doctorStarted', textParams: { doctorName: '陈建国' } });
  });
});

describe('over the visit socket', () => {
  let base: string;
  beforeAll(async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `ws://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  });

  /** Resumes the visit from the start on a socket opened with `query` and answers the system lines replayed. */
  async function replay(query: string): Promise<string[]> {
    const ws = new WebSocket(`${base}/ws?token=${zhang}${query}`);
    const frames: ServerFrame[] = [];
    const done = new Promise<void>((resolve, reject) => {
      ws.on('message', (raw) => {
        const f = JSON.parse(String(raw)) as ServerFrame;
        frames.push(f);
        if (f.type === 'resumed') resolve();
        if (f.type === 'error') reject(new Error(JSON.stringify(f)));
      });
      ws.once('error', reject);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'resume', visits: [{ visitId, after: 0 }] }));
    await done;
    ws.close();
    return frames.flatMap((f) =>
      f.type === 'message' && f.message.kind === 'system' ? [f.message.text ?? ''] : [],
    );
  }

  it('a socket opened with lang=en-US gets English system lines; without it Chinese', async () => {
    const en = await replay('&lang=en-US');
    const zh = await replay('');
    expect(en[0]).toBe('Dr 陈建国 has started the visit.');
    expect(zh[0]).toBe('陈建国医生已接诊。');
  });
});
