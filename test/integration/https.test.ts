/**
 * DJ-5: the server serves HTTPS itself when YUNYI_TLS_CERT/KEY are set (a self-signed certificate made
 * with openssl here), sends HSTS, and its redirect port answers plain HTTP with 301 to the HTTPS origin.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/platform/config.js';
import type { Database } from '../../src/server/platform/db/database.js';
import { type RunningServer, startServer } from '../../src/server/server.js';
import { freshDatabase } from '../support/db.js';

const dir = mkdtempSync(path.join(tmpdir(), 'yunyi-tls-'));
const certFile = path.join(dir, 'cert.pem');
const keyFile = path.join(dir, 'key.pem');
let database: Database;
let server: RunningServer;
let ca: Buffer;
let port: number;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(
  lib: typeof http | typeof https,
  url: string,
  opts: https.RequestOptions & { body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { agent: false, ...opts }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

beforeAll(async () => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  ca = readFileSync(certFile);
  database = await freshDatabase();
  server = await startServer(
    loadConfig({
      YUNYI_DEMO: '0',
      YUNYI_FIELD_KEY: '00112233445566778899aabbccddeeff',
      YUNYI_INDEX_KEY: 'ab'.repeat(32),
      DATA_DIR: dir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      YUNYI_TLS_CERT: certFile,
      YUNYI_TLS_KEY: keyFile,
      YUNYI_HTTP_REDIRECT_PORT: '0',
      YUNYI_HSTS_MAX_AGE: '86400',
    }),
    { database },
  );
  port = Number(new URL(server.url).port);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('DJ-5: HTTPS served by the server', () => {
  it('DJ-5: answers over TLS with the configured certificate, with HSTS', async () => {
    expect(server.url).toMatch(/^https:\/\//);
    const res = await get(https, `https://127.0.0.1:${port}/healthz`, { ca });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
    expect(res.headers['strict-transport-security']).toBe('max-age=86400; includeSubDomains');
    // A login attempt (credentials in the body, DJ-5) travels over TLS and is answered as usual.
    const login = await get(https, `https://127.0.0.1:${port}/api/v1/auth/login`, {
      ca,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '13800000001', password: 'Wrong-Passw0rd' }),
    });
    expect(login.status).toBeGreaterThanOrEqual(400);
    expect(login.status).toBeLessThan(500);
    expect(login.headers['strict-transport-security']).toBe('max-age=86400; includeSubDomains');
  });

  it('DJ-5: a client that does not trust the certificate is refused by TLS, not served', async () => {
    await expect(get(https, `https://127.0.0.1:${port}/healthz`)).rejects.toThrow(/self-signed|certificate/i);
  });

  it('DJ-5: plain HTTP on the redirect port answers 301 to the HTTPS origin, path and query kept', async () => {
    expect(server.redirectPort).toBeGreaterThan(0);
    const res = await get(http, `http://127.0.0.1:${server.redirectPort}/api/v1/auth/login?next=%2Fpatient`);
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(`https://127.0.0.1:${port}/api/v1/auth/login?next=%2Fpatient`);
    const named = await get(http, `http://127.0.0.1:${server.redirectPort}/`, {
      headers: { host: 'yunyi.example.cn' },
    });
    expect(named.headers.location).toBe(`https://yunyi.example.cn:${port}/`);
    const bad = await get(http, `http://127.0.0.1:${server.redirectPort}/`, {
      headers: { host: 'evil.example/x' },
    });
    expect(bad.status).toBe(400);
  });
});
