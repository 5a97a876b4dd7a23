import { beforeAll, describe, expect, it } from 'vitest';
import {
  addSchedule,
  allPages,
  free,
  get,
  institutionId,
  type Listed,
  practitioner,
  setupDirectoryApp,
  t,
} from '../support/directory.js';

// When a doctor can next be seen, and which doctors see patients on a date or in a mode.
setupDirectoryApp();

describe('availability: date, mode and nextAvailable', () => {
  let chen: string;
  beforeAll(async () => {
    chen = (await practitioner('P001')).id;
    // Yesterday, with free tokens: past.
    await addSchedule('P001', { date: '2026-11-21', mode: 'offline', tokens: free(3) });
    // This morning: the last token's window is over at 10:00, the others too — nothing left today.
    await addSchedule('P001', {
      date: '2026-11-22',
      mode: 'offline',
      start: '08:00',
      end: '10:00',
      tokens: free(2),
    });
    // Tomorrow: public tokens all taken; a referral token free is not for the public.
    await addSchedule('P001', {
      date: '2026-11-23',
      mode: 'offline',
      tokens: [{ status: 'booked' }, { status: 'held' }, { channel: 'referral' }],
    });
    // The day after: 2 free public tokens, one held, one booked — the next available.
    await addSchedule('P001', {
      date: '2026-11-24',
      mode: 'online_follow_up',
      start: '14:00',
      end: '16:00',
      tokens: [{}, { status: 'held' }, {}, { status: 'booked' }],
    });
    // A video session not released until 2026-11-23 08:00.
    await addSchedule('P001', {
      date: '2026-11-25',
      mode: 'video',
      releaseAt: '2026-11-23T00:00:00Z',
      tokens: free(4),
    });
    // A stopped session (停诊).
    await addSchedule('P001', { date: '2026-11-26', mode: 'offline', status: 'stopped', tokens: free(5) });
  });

  it('nextAvailable is the earliest released session from today with free public tokens', async () => {
    const res = await get(`/api/v1/doctors/${chen}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().nextAvailable).toEqual({ date: '2026-11-24', mode: 'online_follow_up', available: 2 });
    const listed = (await get(`/api/v1/doctors?q=${encodeURIComponent('陈建国')}`)).json().items[0];
    expect(listed.nextAvailable).toEqual({ date: '2026-11-24', mode: 'online_follow_up', available: 2 });
    // Doctors without sessions have none.
    const liu = (await get(`/api/v1/doctors?q=${encodeURIComponent('刘慧敏')}`)).json().items[0];
    expect(liu.nextAvailable).toBeNull();
  });

  it('a session counts once its tokens are released', async () => {
    const video = (await get('/api/v1/doctors?mode=video')).json().items.find((d: Listed) => d.id === chen);
    expect(video.nextAvailable).toBeNull();
    const before = t.clock.now();
    t.clock.set('2026-11-23T00:00:00Z');
    try {
      const after = (await get('/api/v1/doctors?mode=video')).json().items.find((d: Listed) => d.id === chen);
      expect(after.nextAvailable).toEqual({ date: '2026-11-25', mode: 'video', available: 4 });
    } finally {
      t.clock.set(before);
    }
  });

  it('date and mode restrict the list to doctors with an open session then', async () => {
    const ids = async (query: string) =>
      (await allPages(`/api/v1/doctors?${query}`, 100)).map((d) => d.id as string);
    expect(await ids('date=2026-11-24')).toEqual([chen]);
    expect(await ids('date=2026-11-24&mode=online_follow_up')).toEqual([chen]);
    expect(await ids('date=2026-11-24&mode=offline')).toEqual([]);
    // Sessions that are full or not yet released still show that the doctor sees patients that day.
    expect(await ids('date=2026-11-23')).toEqual([chen]);
    expect(await ids('date=2026-11-25&mode=video')).toEqual([chen]);
    // A stopped session does not.
    expect(await ids('date=2026-11-26')).toEqual([]);
    // A mode alone means from today on: yesterday's session does not count.
    expect(await ids('mode=video')).toEqual([chen]);
    expect(await ids('mode=online_first_visit')).toEqual([]);
    // With a site: the session must be at that site.
    expect(await ids(`date=2026-11-24&institutionId=${await institutionId('YC-H01')}`)).toEqual([chen]);
    expect(await ids(`date=2026-11-24&institutionId=${await institutionId('YC-C01')}`)).toEqual([]);
  });
});
