/**
 * The attachment stores: local disk, and S3-compatible storage against a simulated S3 endpoint that checks
 * what a real one checks first (SigV4 authorisation header, signed date and payload hash, bucket path).
 */

import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDiskStore, S3Store } from './blob-store.js';

describe('LocalDiskStore', () => {
  it('stores and reads bytes by key, answers null for a missing key and refuses keys that climb out', async () => {
    const store = new LocalDiskStore(mkdtempSync(path.join(tmpdir(), 'yunyi-blob-')));
    await store.put('2026/11/22/abc-thumb', Buffer.from('hello'), 'image/jpeg');
    expect((await store.get('2026/11/22/abc-thumb'))?.toString()).toBe('hello');
    expect(await store.get('2026/11/22/missing')).toBeNull();
    await expect(store.put('../../etc/passwd', Buffer.from('x'), 'text/plain')).rejects.toThrow(
      /bad blob key/,
    );
  });
});

describe('S3Store', () => {
  const objects = new Map<string, { body: Buffer; type: string }>();
  const seen: { method: string; url: string; auth: string }[] = [];
  let server: Server;
  let endpoint: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const auth = String(req.headers.authorization ?? '');
        seen.push({ method: req.method ?? '', url: req.url ?? '', auth });
        const ok =
          /^AWS4-HMAC-SHA256 Credential=AKDEMO\/\d{8}\/cn-north-1\/s3\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/.test(
            auth,
          ) &&
          typeof req.headers['x-amz-date'] === 'string' &&
          typeof req.headers['x-amz-content-sha256'] === 'string';
        if (!ok) {
          res
            .writeHead(403, { 'content-type': 'application/xml' })
            .end('<Error><Code>AccessDenied</Code></Error>');
          return;
        }
        const key = decodeURIComponent(req.url ?? '');
        if (req.method === 'PUT') {
          objects.set(key, { body: Buffer.concat(chunks), type: String(req.headers['content-type']) });
          res.writeHead(200).end();
        } else if (req.method === 'GET') {
          const o = objects.get(key);
          if (!o)
            res
              .writeHead(404, { 'content-type': 'application/xml' })
              .end('<Error><Code>NoSuchKey</Code></Error>');
          else res.writeHead(200, { 'content-type': o.type }).end(o.body);
        } else res.writeHead(405).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const settings = (secret = 'secret') => ({
    endpoint,
    bucket: 'yunyi-attachments',
    region: 'cn-north-1',
    accessKeyId: 'AKDEMO',
    secretAccessKey: secret,
  });

  it('puts and gets objects path-style under the bucket with signed requests', async () => {
    const store = new S3Store(settings());
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01]);
    await store.put('2026/11/22/pic', bytes, 'image/jpeg');
    expect(objects.get('/yunyi-attachments/2026/11/22/pic')).toMatchObject({ type: 'image/jpeg' });
    expect((await store.get('2026/11/22/pic'))?.equals(bytes)).toBe(true);
    expect(await store.get('2026/11/22/none')).toBeNull();
    expect(seen.every((r) => r.auth.startsWith('AWS4-HMAC-SHA256'))).toBe(true);
  });

  it('surfaces a refusal of the storage as an error, never as an empty file', async () => {
    const store = new S3Store({ ...settings(), accessKeyId: 'WRONG' });
    await expect(store.put('k', Buffer.from('x'), 'image/png')).rejects.toThrow(/403/);
    await expect(store.get('k')).rejects.toThrow(/403/);
  });
});
