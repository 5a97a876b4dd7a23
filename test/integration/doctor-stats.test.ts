import { describe, expect, it } from 'vitest';
import type { Practitioner } from '../../src/shared/directory.js';
import { chen, finish, ids, paidVisit, setupVisitsApp, t, zhang } from '../support/visits.js';

// [8/12] Prices up front: a doctor's page shows the online-visit fee, the average rating of rated visits
// and the number of completed visits — visits' figures, composed into GET /doctors/{id}.
setupVisitsApp();

const doctor = async (id: string): Promise<Practitioner> => {
  const res = await t.request('GET', `/api/v1/doctors/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

async function completedFollowUp(stars?: number): Promise<void> {
  const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
  expect((await t.request('POST', `/api/v1/visits/${id}/start`, { token: chen })).statusCode).toBe(200);
  await finish(id);
  if (stars !== undefined) {
    const rated = await t.request('POST', `/api/v1/visits/${id}/rating`, { token: zhang, body: { stars } });
    expect(rated.statusCode, rated.body).toBe(200);
  }
}

describe('GET /doctors/{id}: stats and online fees', () => {
  it('counts completed visits and averages the rated ones (unrated visits count, but not in the average)', async () => {
    const before = (await doctor(ids.P001)).stats!;
    await completedFollowUp(5);
    await completedFollowUp(4);
    await completedFollowUp();
    const after = (await doctor(ids.P001)).stats!;
    expect(after.completedVisits).toBe(before.completedVisits + 3);
    expect(after.ratingCount).toBe(before.ratingCount + 2);
    const total = (before.ratingAverage ?? 0) * before.ratingCount + 9;
    expect(after.ratingAverage).toBeCloseTo(Math.round((total / after.ratingCount) * 10) / 10, 5);
    if (before.ratingCount === 0) expect(after.ratingAverage).toBe(4.5);
  });

  it('a doctor nobody has rated: no average (the page says 暂无评价)', async () => {
    const p = await doctor(ids.P004);
    expect(p.stats).toMatchObject({ ratingAverage: null, ratingCount: 0 });
  });

  it("the online-visit fee is the follow-up's, as the visit will charge it (图文 and 视频 alike)", async () => {
    const p = await doctor(ids.P001);
    expect(p.offersOnlineFollowUp).toBe(true);
    expect(p.onlineFees).toEqual({ type: 'follow_up', textFeeFen: 10_000, videoFeeFen: 10_000 });
    // The same price the visit is charged.
    const created = await t.request('POST', '/api/v1/visits', {
      token: zhang,
      body: {
        consent: true,
        description: '复诊',
        type: 'follow_up',
        doctorId: ids.P001,
        conditionCode: 'I10',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const visit = (await t.request('GET', `/api/v1/visits/${created.json().id}`, { token: zhang })).json();
    expect(visit.feeFen).toBe(10_000);
    await t.request('POST', `/api/v1/visits/${created.json().id}/cancel`, { token: zhang, body: {} });
  });

  it('a doctor who takes no online visits has no online fee; the doctor list stays without stats', async () => {
    const list = (await t.request('GET', '/api/v1/doctors?limit=100')).json().items as Practitioner[];
    const offline = list.find((d) => !d.offersOnlineFollowUp && !d.offersOnlineFirstVisit);
    expect(offline).toBeDefined();
    expect((await doctor(offline!.id)).onlineFees).toBeNull();
    expect(list[0]!.stats).toBeUndefined();
  });
});
