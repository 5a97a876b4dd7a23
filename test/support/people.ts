import { insertVerifiedPatient } from '../../src/server/modules/identity/people.service.js';
import { createSession } from '../../src/server/modules/identity/session.service.js';
import { newId } from '../../src/server/platform/ids.js';
import { checkIdNumber, idCheckChar } from '../../src/shared/identity.js';
import type { TestApp } from './app.js';

let serial = 0;

/** A valid, unique resident ID number for test patients (fictional: region 110101, born 1980–1999). */
export function testIdNumber(n: number): string {
  const year = 1980 + (Math.floor(n / 999) % 20);
  const seq = String((n % 999) + 1).padStart(3, '0');
  const first17 = `110101${year}0615${seq}`;
  return first17 + idCheckChar(first17);
}

/**
 * Real-name verified patients with sessions, made straight in the database (fast enough for hundreds):
 * the same records the API would make.
 */
export async function makePatients(
  t: TestApp,
  count: number,
): Promise<{ accountId: string; patientId: string; token: string }[]> {
  const out: { accountId: string; patientId: string; token: string }[] = [];
  const now = t.clock.now();
  for (let i = 0; i < count; i++) {
    const n = 500_000 + serial++;
    const phone = `137${String(n).padStart(8, '0')}`;
    const accountId = newId();
    await t.ctx.db
      .insertInto('account')
      .values({
        id: accountId,
        phone_enc: t.ctx.cipher.encrypt(phone),
        phone_bidx: t.ctx.cipher.blindIndex('phone', phone),
        password_hash: null,
        name: `患者${n}`,
        roles: ['patient'],
        institution_id: null,
        practitioner_id: null,
        created_at: now,
      })
      .execute();
    const check = checkIdNumber(testIdNumber(n), now);
    if (!check.ok) throw new Error('bad test id');
    const patientId = await insertVerifiedPatient(t.ctx.cipher, t.ctx.db, accountId, `患者${n}`, check, now);
    const { token } = await createSession(t.ctx, t.ctx.db, { id: accountId, roles: ['patient'] });
    out.push({ accountId, patientId, token });
  }
  return out;
}
