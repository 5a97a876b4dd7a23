import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { itOnPostgres } from '../support/db.js';

// The drug catalogue (search by Chinese name, brand and pinyin) and an institution's online formulary,
// which its org_admin keeps (RX-4: specially managed drugs never enter it).
let t: TestApp;
let doctor: string;
let admin: string;
let otherAdmin: string;
let patient: string;
let h01: string;

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  [doctor, admin, otherAdmin, patient] = await Promise.all([
    t.login('13900000001'),
    t.login('13600000001'),
    t.login('13600000002'),
    t.login('13800000001'),
  ]);
  h01 = (
    await t.ctx.db
      .selectFrom('institution')
      .select('id')
      .where('code', '=', 'YC-H01')
      .executeTakeFirstOrThrow()
  ).id;
}, 120_000);
afterAll(() => t?.close());

const names = (res: { json(): { items: { genericName: string }[] } }) =>
  res.json().items.map((d) => d.genericName);

describe('catalogue search', () => {
  it('finds amlodipine by a part of its Chinese name, its brand, and its pinyin initials or full pinyin', async () => {
    for (const q of ['氨氯地平', '络活喜', 'aldp', 'bhsaldpp', 'lhx', 'anlvdiping']) {
      const res = await t.request('GET', `/api/v1/drugs?q=${encodeURIComponent(q)}`, { token: doctor });
      expect(res.statusCode, q).toBe(200);
      expect(names(res), q).toContain('苯磺酸氨氯地平片');
    }
  });

  it('answers what a prescriber needs: spec, price in fen, insurance category, Rx/OTC, grades, formulary', async () => {
    const res = await t.request('GET', '/api/v1/drugs?q=%E7%BB%9C%E6%B4%BB%E5%96%9C', { token: doctor });
    const amlodipine = res.json().items.find((d: { id: string }) => d.id === 'YY0001');
    expect(amlodipine).toMatchObject({
      genericName: '苯磺酸氨氯地平片',
      brandName: '络活喜',
      spec: '5mg×7片/盒',
      insuranceCategory: 'A',
      otc: false,
      antimicrobial: 'none',
      specialFlags: [],
      inFormulary: true,
    });
    expect(Number.isInteger(amlodipine.priceFen)).toBe(true);
  });

  it('ranks names that start with the text first and pages by limit', async () => {
    const res = await t.request('GET', '/api/v1/drugs?q=%E9%98%BF&limit=5', { token: doctor });
    expect(res.statusCode).toBe(200);
    const items = names(res);
    expect(items).toHaveLength(5);
    expect(items[0]!.startsWith('阿')).toBe(true);
  });

  it('finds nothing for text in no name, and treats % and _ as text', async () => {
    for (const q of ['zzzz', '%', '_']) {
      const res = await t.request('GET', `/api/v1/drugs?q=${encodeURIComponent(q)}`, { token: doctor });
      expect(res.statusCode).toBe(200);
      expect(res.json().items, q).toEqual([]);
    }
  });

  it('is for staff: a patient is refused', async () => {
    const res = await t.request('GET', '/api/v1/drugs?q=aldp', { token: patient });
    expect(res.statusCode).toBe(403);
  });
});

describe('formulary (org_admin, own institution)', () => {
  it('lists the formulary, filtered by text', async () => {
    const res = await t.request('GET', `/api/v1/institutions/${h01}/formulary?q=aldp&limit=10`, {
      token: admin,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((e: { drug: { id: string } }) => e.drug.id)).toContain('YY0001');
  });

  it('refuses a specially managed drug (RX-4) and changes nothing', async () => {
    const res = await t.request('PUT', `/api/v1/institutions/${h01}/formulary/YY0007`, { token: admin });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('RX_SPECIAL_DRUG_ONLINE_FORBIDDEN');
    const row = await t.ctx.db
      .selectFrom('formulary')
      .select('drug_id')
      .where('institution_id', '=', h01)
      .where('drug_id', '=', 'YY0007')
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('removes a drug, which doctors then see outside the formulary, and adds it back (audited)', async () => {
    const removed = await t.request('DELETE', `/api/v1/institutions/${h01}/formulary/YY0002`, {
      token: admin,
    });
    expect(removed.statusCode).toBe(204);
    const search = await t.request('GET', '/api/v1/drugs?q=%E7%A1%9D%E8%8B%AF%E5%9C%B0%E5%B9%B3', {
      token: doctor,
    });
    expect(search.json().items.find((d: { id: string }) => d.id === 'YY0002')?.inFormulary).toBe(false);
    const only = await t.request('GET', `/api/v1/drugs?q=bxt&formulary=${h01}`, { token: doctor });
    expect(only.json().items.map((d: { id: string }) => d.id)).not.toContain('YY0002');

    const again = await t.request('DELETE', `/api/v1/institutions/${h01}/formulary/YY0002`, { token: admin });
    expect(again.statusCode).toBe(404);

    const added = await t.request('PUT', `/api/v1/institutions/${h01}/formulary/YY0002`, { token: admin });
    expect(added.statusCode).toBe(200);
    expect(added.json().drug.id).toBe('YY0002');
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select('action')
      .where('action', 'in', ['formulary.add', 'formulary.remove'])
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['formulary.add', 'formulary.remove']);
  });

  it("refuses another institution's admin", async () => {
    const res = await t.request('PUT', `/api/v1/institutions/${h01}/formulary/YY0002`, { token: otherAdmin });
    expect(res.statusCode).toBe(403);
    const del = await t.request('DELETE', `/api/v1/institutions/${h01}/formulary/YY0001`, {
      token: otherAdmin,
    });
    expect(del.statusCode).toBe(403);
  });

  it('answers 404 for a drug not in the catalogue', async () => {
    const res = await t.request('PUT', `/api/v1/institutions/${h01}/formulary/YY9999`, { token: admin });
    expect(res.statusCode).toBe(404);
  });

  const addAudits = async (drugId: string) =>
    (
      await t.ctx.db
        .selectFrom('audit_event')
        .select('details')
        .where('action', '=', 'formulary.add')
        .where('resource_id', '=', h01)
        .execute()
    ).filter((a) => (a.details as { drugId?: string }).drugId === drugId);

  it('RX-1: adding a drug already in the formulary answers it as stored, and audits nothing', async () => {
    const before = await addAudits('YY0001');
    const stored = await t.ctx.db
      .selectFrom('formulary')
      .select('added_at')
      .where('institution_id', '=', h01)
      .where('drug_id', '=', 'YY0001')
      .executeTakeFirstOrThrow();
    const res = await t.request('PUT', `/api/v1/institutions/${h01}/formulary/YY0001`, { token: admin });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().addedAt).toBe(stored.added_at.toISOString());
    expect(await addAudits('YY0001')).toHaveLength(before.length);
  });

  itOnPostgres(
    'RX-1: admins adding the same drug at once all get 200 and one row; only the insert is audited',
    async () => {
      const drugId = 'YY0003';
      expect(
        (await t.request('DELETE', `/api/v1/institutions/${h01}/formulary/${drugId}`, { token: admin }))
          .statusCode,
      ).toBe(204);
      const before = await addAudits(drugId);
      const all = await Promise.all(
        Array.from({ length: 8 }, () =>
          t.request('PUT', `/api/v1/institutions/${h01}/formulary/${drugId}`, { token: admin }),
        ),
      );
      expect(all.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
      expect(new Set(all.map((r) => r.json().addedAt)).size).toBe(1);
      const rows = await t.ctx.db
        .selectFrom('formulary')
        .select('drug_id')
        .where('institution_id', '=', h01)
        .where('drug_id', '=', drugId)
        .execute();
      expect(rows).toHaveLength(1);
      expect(await addAudits(drugId)).toHaveLength(before.length + 1);
    },
  );
});
