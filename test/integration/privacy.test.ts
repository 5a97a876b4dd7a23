import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idCheckChar } from '../../src/server/modules/identity/identity.rules.js';
import { DEMO_PATIENTS, DEMO_STAFF } from '../../src/server/seed/region-data.js';
import { agreeToCurrent } from '../../src/shared/consent.js';
import { createTestApp, type TestApp } from '../support/app.js';

// DJ-10, DJ-23: no full ID number or phone in any API response or log line; both encrypted at rest.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ seed: true, logSms: true });
});
afterAll(async () => t.close());

const id = (first17: string) => first17 + idCheckChar(first17);

describe('personal information', () => {
  it('never shows a full phone or ID number in responses or logs', async () => {
    const phones = [
      '13844440001',
      '13844440002',
      ...DEMO_PATIENTS.map((p) => p.phone),
      ...DEMO_STAFF.map((s) => s.phone),
    ];
    const idNumbers = [id('51010719920202003'), id('51010720180303002'), id('51010719600101001')];
    for (const p of DEMO_PATIENTS) idNumbers.push(p.idNumber, ...(p.dependents ?? []).map((d) => d.idNumber));

    // A full flow: SMS registration, real-name, dependents (minor and adult), reads, bad input, logins.
    const { devCode } = (
      await t.request('POST', '/api/v1/auth/otp', { body: { phone: '13844440001' } })
    ).json();
    const token = (
      await t.request('POST', '/api/v1/auth/login', {
        body: { phone: '13844440001', otp: devCode, consent: agreeToCurrent() },
      })
    ).json().token;
    await t.request('POST', '/api/v1/me/real-name', {
      token,
      body: { name: '吴敏', idNumber: idNumbers[0] },
    });
    await t.request('POST', '/api/v1/me/real-name', {
      token,
      body: { name: '吴敏', idNumber: `${idNumbers[0]!.slice(0, 17)}9` },
    });
    await t.request('POST', '/api/v1/me/dependents', {
      token,
      body: { name: '吴小敏', idNumber: idNumbers[1], relationship: 'child' },
    });
    await t.request('POST', '/api/v1/me/dependents', {
      token,
      body: { name: '吴父', idNumber: idNumbers[2], relationship: 'parent', phone: '13844440002' },
    });
    await t.request('POST', '/api/v1/me/dependents', {
      token,
      body: { name: '吴父', idNumber: 'not-an-id', relationship: 'parent', phone: '1384444' },
    });
    const list = (await t.request('GET', '/api/v1/me/dependents', { token })).json();
    for (const d of list.items) await t.request('GET', `/api/v1/patients/${d.patientId}`, { token });
    await t.request('GET', '/api/v1/me', { token });
    for (const phone of phones) {
      const tk = await t.request('POST', '/api/v1/auth/login', { body: { phone, password: 'Demo@2026' } });
      if (tk.statusCode === 200) await t.request('GET', '/api/v1/me', { token: tk.json().token });
    }
    await t.request('POST', '/api/v1/auth/login', { body: { phone: '13844440002', password: 'wrong' } });

    expect(t.responses.length).toBeGreaterThan(20);
    expect(t.logLines.length).toBeGreaterThan(20);
    expect(t.logLines.some((l) => l.includes('"sms sent"') && l.includes('138****0002'))).toBe(true);
    const haystacks = [
      ...t.responses.map((r) => ['response', r] as const),
      ...t.logLines.map((l) => ['log', l] as const),
    ];
    for (const [where, text] of haystacks) {
      for (const p of phones)
        expect(text.includes(p), `${where} contains phone ${p.slice(0, 3)}…: ${text.slice(0, 200)}`).toBe(
          false,
        );
      for (const n of idNumbers)
        expect(text.toUpperCase().includes(n), `${where} contains an ID number`).toBe(false);
    }
    // …and the masked forms are what people see.
    const me = (await t.request('GET', '/api/v1/me', { token })).json();
    expect(me.phone).toBe('138****0001');
    expect(me.idNumber).toBe(`5101**********${idNumbers[0]!.slice(-4)}`);
  });

  it('stores phones and ID numbers encrypted (SM4) with a blind index', async () => {
    const account = await t.ctx.db
      .selectFrom('account')
      .select(['phone_enc', 'phone_bidx'])
      .where('phone_bidx', '=', t.ctx.cipher.blindIndex('phone', '13800000001'))
      .executeTakeFirstOrThrow();
    expect(account.phone_enc).not.toContain('13800000001');
    expect(account.phone_enc).toMatch(/^v1\.[a-z0-9]+\./);
    expect(t.ctx.cipher.decrypt(account.phone_enc)).toBe('13800000001');
    const raw = await t.ctx.db.selectFrom('patient').select(['id_number_enc']).execute();
    const dump = JSON.stringify(raw);
    for (const p of DEMO_PATIENTS) expect(dump).not.toContain(p.idNumber);
  });

  it('detects a tampered ciphertext instead of decrypting garbage', () => {
    const enc = t.ctx.cipher.encrypt('13800000001');
    const parts = enc.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[3] = ct.toString('base64url');
    expect(() => t.ctx.cipher.decrypt(parts.join('.'))).toThrow(/altered/);
  });
});
