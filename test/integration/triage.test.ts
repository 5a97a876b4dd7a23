import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriageResult } from '../../src/shared/triage.js';
import { createTestApp, type TestApp } from '../support/app.js';

// [8/12] Smart triage over HTTP: red flags first, departments linked to the region's bookable departments,
// a family member's age used only for those one acts for (ID-6), the complaint never stored.
let t: TestApp;
const token = { zhang: '', lina: '' };
const pid = { zhang: '', xiaobao: '' };

const post = (tok: string, body: Record<string, unknown>) =>
  t.request('POST', '/api/v1/triage', { token: tok, body });

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  token.zhang = await t.login('13800000001');
  token.lina = await t.login('13800000002');
  const rows = await t.ctx.db.selectFrom('patient').select(['id', 'name']).execute();
  pid.zhang = rows.find((r) => r.name === '张伟')!.id;
  pid.xiaobao = rows.find((r) => r.name === '李小宝')!.id;
}, 240_000); // the demo seed on a busy machine
afterAll(async () => t.close());

describe('POST /api/v1/triage', () => {
  it('胸口疼出冷汗: redFlag with the 120 advice first, the emergency department first', async () => {
    const res = await post(token.zhang, { text: '胸口疼出冷汗' });
    expect(res.statusCode).toBe(200);
    const r: TriageResult = res.json();
    expect(r.redFlag).toBe(true);
    expect(r.advice.startsWith('请立即拨打 120 或前往急诊')).toBe(true);
    expect(r.departments[0]!.name).toBe('急诊科');
    // The region has an emergency department (云川区人民医院): linked for booking.
    expect(r.departments[0]!.departmentId).toBeDefined();
  });

  it('小孩湿疹: 儿童皮肤科 of the children’s hospital first, with its institution and department', async () => {
    const r: TriageResult = (await post(token.zhang, { text: '小孩湿疹' })).json();
    expect(r.redFlag).toBe(false);
    const d = r.departments[0]!;
    expect(d.name).toBe('儿童皮肤科');
    const dept = await t.ctx.db
      .selectFrom('department')
      .select(['name', 'institution_id'])
      .where('id', '=', d.departmentId!)
      .executeTakeFirstOrThrow();
    expect(dept).toEqual({ name: '儿童皮肤科', institution_id: d.institutionId });
  });

  it('ID-6: a dependent’s age is used for the proxy (李小宝 is a child → 小儿呼吸科); another account gets 403', async () => {
    const mine: TriageResult = (await post(token.lina, { text: '咳嗽有痰', patientId: pid.xiaobao })).json();
    expect(mine.departments[0]!.name).toBe('小儿呼吸科');
    const adult: TriageResult = (await post(token.lina, { text: '咳嗽有痰' })).json();
    expect(adult.departments[0]!.name).toBe('呼吸内科');
    const foreign = await post(token.zhang, { text: '咳嗽有痰', patientId: pid.xiaobao });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().code).toBe('NOT_YOUR_PATIENT');
  });

  it('bad input: empty → TRIAGE_TEXT_EMPTY, over 500 characters → TRIAGE_TEXT_TOO_LONG (problem+json)', async () => {
    const empty = await post(token.zhang, { text: '   ' });
    expect(empty.statusCode).toBe(422);
    expect(empty.headers['content-type']).toContain('application/problem+json');
    expect(empty.json().code).toBe('TRIAGE_TEXT_EMPTY');
    const long = await post(token.zhang, { text: '咳'.repeat(501) });
    expect(long.json().code).toBe('TRIAGE_TEXT_TOO_LONG');
    expect((await post(token.zhang, { text: '咳'.repeat(500) })).statusCode).toBe(200);
  });

  it('only signed-in patients may call it', async () => {
    const res = await t.request('POST', '/api/v1/triage', { body: { text: '头疼' } });
    expect(res.statusCode).toBe(401);
  });

  it('the call is audited for the patient without the complaint’s text', async () => {
    await post(token.zhang, { text: '最近膝盖疼得厉害' });
    const rows = await t.ctx.db
      .selectFrom('audit_event')
      .select(['patient_id', 'details'])
      .where('action', '=', 'triage.run')
      .execute();
    expect(rows.some((r) => r.patient_id === pid.zhang)).toBe(true);
    for (const r of rows) expect(JSON.stringify(r.details)).not.toMatch(/膝盖|湿疹|冷汗|咳嗽/);
    expect(JSON.stringify(rows.map((r) => r.details))).toContain('骨科');
  });
});
