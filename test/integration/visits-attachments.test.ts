/**
 * The visit chat and its attachments: a resent clientId is stored once, images get thumbnails, strangers
 * read neither messages nor attachments (DJ-9), and an attachment is typed by its content, not its label.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cancelOpen, chen, ids, lina, paidVisit, setupVisitsApp, su, t, zhang } from '../support/visits.js';

setupVisitsApp();

describe('chat and attachments', () => {
  it('a resent clientId is stored once; strangers cannot read messages or attachments', async () => {
    const id = await paidVisit(zhang, { type: 'follow_up', doctorId: ids.P001, conditionCode: 'I10' });
    await t.request('POST', `/api/v1/visits/${id}/start`, { token: chen });
    const body = { clientId: 'c-1', kind: 'text', text: '医生好' };
    const first = await t.request('POST', `/api/v1/visits/${id}/messages`, { token: zhang, body });
    const again = await t.request('POST', `/api/v1/visits/${id}/messages`, { token: zhang, body });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);

    const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#c33' } })
      .jpeg()
      .toBuffer();
    const up = await t.request('POST', '/api/v1/attachments', {
      token: zhang,
      body: jpeg,
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(up.json()).toMatchObject({ mime: 'image/jpeg', hasThumbnail: true });
    const pic = await t.request('POST', `/api/v1/visits/${id}/messages`, {
      token: zhang,
      body: { clientId: 'c-2', kind: 'image', attachmentId: up.json().id },
    });
    expect(pic.json().attachment).toMatchObject({ id: up.json().id });
    const thumb = await t.request('GET', `/api/v1/attachments/${up.json().id}?thumb=1`, { token: chen });
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(thumb.rawPayload).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(320);

    for (const stranger of [lina, su]) {
      const a = await t.request('GET', `/api/v1/attachments/${up.json().id}`, { token: stranger });
      expect(a.statusCode).toBe(403);
      const m = await t.request('GET', `/api/v1/visits/${id}/messages`, { token: stranger });
      expect(m.statusCode).toBe(403);
    }
    await cancelOpen(zhang, id);
    await t.request('POST', `/api/v1/visits/${id}/refer-offline`, {
      token: chen,
      body: { reason: '结束测试', recommendation: { note: '线下复诊' } },
    });
  });

  it('attachments are typed by content: a text file called PNG and a broken image are refused', async () => {
    const fake = await t.request('POST', '/api/v1/attachments', {
      token: zhang,
      body: Buffer.from('MZ this is not an image'),
      headers: { 'content-type': 'image/png' },
    });
    expect(fake.statusCode).toBe(415);
    expect(fake.json().code).toBe('UNSUPPORTED_ATTACHMENT');
    const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const mislabelled = await t.request('POST', '/api/v1/attachments', {
      token: zhang,
      body: png,
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(mislabelled.statusCode).toBe(415);
    const broken = await t.request('POST', '/api/v1/attachments', {
      token: zhang,
      body: Buffer.concat([png.subarray(0, 40), Buffer.alloc(200, 7)]),
      headers: { 'content-type': 'image/png' },
    });
    expect(broken.statusCode).toBe(422);
    expect(broken.json().code).toBe('IMAGE_UNREADABLE');
  });
});
