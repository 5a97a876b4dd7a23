/**
 * DJ-21: uploads are scanned by clamd (here a simulated clamd speaking the real protocol over TCP) before
 * anything is kept: an infected file, or one the scanner cannot scan (timeout, refused connection, ERROR,
 * garbage), is refused with a 4xx problem and leaves no trace — no file under the attachment directory,
 * no attachment row — but an `upload.refused` audit event. Executable content is refused by its bytes.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClamdScanner, instreamFrames, parseReply } from '../../src/server/platform/uploads/clamd.js';
import { executableKind } from '../../src/server/platform/uploads/scan.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { type ClamdSim, closedPort, eicar, SIM_SIGNATURE, startClamdSim } from '../support/clamd-sim.js';

let t: TestApp;
let sim: ClamdSim;
let zhang: string;
let jpeg: Buffer;

/** Every file under the attachment directory, with its size (the store writes there in this config). */
function filesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(`${path.relative(dir, p)}:${statSync(p).size}`);
    }
  };
  walk(dir);
  return out.sort();
}

const attachmentRows = async () =>
  (await t.ctx.db.selectFrom('attachment').select('id').orderBy('id').execute()).map((r) => r.id);

const upload = (body: Buffer, type = 'image/jpeg') =>
  t.request('POST', '/api/v1/attachments', { token: zhang, body, headers: { 'content-type': type } });

const scanWith = (port: number, timeoutMs = 2000) => {
  t.ctx.config.security.clamd = { host: '127.0.0.1', port, timeoutMs };
};

beforeAll(async () => {
  sim = await startClamdSim({ maxStreamBytes: 4 * 1024 * 1024 });
  t = await createTestApp({ seed: true });
  zhang = await t.login('13800000001');
  jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
    .jpeg()
    .toBuffer();
}, 60_000);

afterAll(async () => {
  await t?.close();
  await sim?.close();
});

beforeEach(() => {
  sim.fault = 'none';
  scanWith(sim.port);
});

describe('DJ-21: virus scanning of uploads', () => {
  it('DJ-21: a clean file is scanned by clamd (the bytes reach it whole) and kept', async () => {
    const before = sim.scanned.length;
    const res = await upload(jpeg);
    expect(res.statusCode).toBe(201);
    expect(sim.scanned.length).toBe(before + 1);
    expect(sim.scanned.at(-1)!.equals(jpeg)).toBe(true);
  });

  it('DJ-21: an image carrying the EICAR string is refused with UPLOAD_INFECTED and kept nowhere', async () => {
    const dir = t.ctx.config.visits.attachmentDir;
    const filesBefore = filesIn(dir);
    const rowsBefore = await attachmentRows();
    // A valid JPEG (passes the type checks and decodes) with the test signature after its end.
    const res = await upload(Buffer.concat([jpeg, eicar()]));
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'UPLOAD_INFECTED', title: '文件未通过病毒扫描' });
    expect(res.json().detail).toContain(SIM_SIGNATURE);
    expect(filesIn(dir)).toEqual(filesBefore);
    expect(await attachmentRows()).toEqual(rowsBefore);
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'upload.refused')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.outcome).toBe('failure');
    expect(JSON.stringify(audit.details)).toContain(SIM_SIGNATURE);
  });

  it('DJ-21: the bare EICAR file is refused by its type before any scan', async () => {
    const before = sim.scanned.length;
    const res = await upload(eicar(), 'application/octet-stream');
    expect(res.statusCode).toBe(415);
    expect(sim.scanned.length).toBe(before);
  });

  for (const fault of ['timeout', 'error', 'garbage', 'close'] as const) {
    it(`DJ-21: scanner fault "${fault}": refused with UPLOAD_SCAN_UNAVAILABLE (4xx) and kept nowhere`, async () => {
      sim.fault = fault;
      scanWith(sim.port, 300);
      const dir = t.ctx.config.visits.attachmentDir;
      const filesBefore = filesIn(dir);
      const rowsBefore = await attachmentRows();
      const res = await upload(jpeg);
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('UPLOAD_SCAN_UNAVAILABLE');
      expect(filesIn(dir)).toEqual(filesBefore);
      expect(await attachmentRows()).toEqual(rowsBefore);
    });
  }

  it("DJ-21: a refused connection and a stream over clamd's limit are refused the same way", async () => {
    scanWith(await closedPort());
    const refused = await upload(jpeg);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('UPLOAD_SCAN_UNAVAILABLE');
    const small = await startClamdSim({ maxStreamBytes: 100 });
    try {
      scanWith(small.port);
      const big = await upload(jpeg);
      expect(big.statusCode).toBe(422);
      expect(big.json().code).toBe('UPLOAD_SCAN_UNAVAILABLE');
    } finally {
      await small.close();
    }
  });

  it('DJ-21: without YUNYI_CLAMD no scan is made (type checks only)', async () => {
    t.ctx.config.security.clamd = null;
    const before = sim.scanned.length;
    expect((await upload(jpeg)).statusCode).toBe(201);
    expect(sim.scanned.length).toBe(before);
  });

  it('DJ-21: executable content is refused whatever its declared type', async () => {
    const samples: [string, Buffer][] = [
      ['MZ', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64, 0x90)])],
      ['ELF', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(64)])],
      ['shebang', Buffer.from('#!/bin/sh\nrm -rf /\n')],
      ['html', Buffer.from('  <script>alert(1)</script>')],
    ];
    for (const [name, bytes] of samples) {
      expect(executableKind(bytes), name).not.toBeNull();
      for (const type of ['image/jpeg', 'application/octet-stream']) {
        const res = await upload(bytes, type);
        expect(res.statusCode, `${name} as ${type}`).toBe(415);
        expect(res.json().code).toBe('UNSUPPORTED_ATTACHMENT');
      }
    }
    expect(executableKind(jpeg)).toBeNull();
  });
});

describe('DJ-21: the clamd adapter', () => {
  it('DJ-21: frames INSTREAM as 4-byte big-endian length chunks with a zero terminator', () => {
    const frames = instreamFrames(Buffer.alloc(70_000, 1));
    expect(frames[0]!.toString('latin1')).toBe('zINSTREAM\0');
    expect(frames[1]!.readUInt32BE(0)).toBe(65_536);
    expect(frames[3]!.readUInt32BE(0)).toBe(70_000 - 65_536);
    expect(frames.at(-1)!.equals(Buffer.alloc(4))).toBe(true);
  });

  it('DJ-21: reads OK, FOUND, ERROR and anything else', () => {
    expect(parseReply('stream: OK\0')).toEqual({ verdict: 'clean' });
    expect(parseReply('stream: Win.Test.EICAR_HDB-1 FOUND')).toEqual({
      verdict: 'infected',
      signature: 'Win.Test.EICAR_HDB-1',
    });
    expect(parseReply('INSTREAM size limit exceeded. ERROR')).toMatchObject({
      verdict: 'unavailable',
      reason: 'error',
    });
    expect(parseReply('\xde\xad')).toMatchObject({ verdict: 'unavailable', reason: 'garbage' });
    expect(parseReply('stream: OK?')).toMatchObject({ verdict: 'unavailable', reason: 'garbage' });
  });

  it('DJ-21: scans over a Unix socket too, and a large file in many chunks', async () => {
    const scanner = new ClamdScanner({ host: '127.0.0.1', port: sim.port, timeoutMs: 2000 });
    const big = Buffer.concat([Buffer.alloc(300_000, 7), eicar(), Buffer.alloc(10, 1)]);
    expect(await scanner.scan(big)).toEqual({ verdict: 'infected', signature: SIM_SIGNATURE });
    expect(sim.scanned.at(-1)!.equals(big)).toBe(true);
    const socketPath = path.join(t.ctx.config.dataDir, 'clamd.sock');
    const missing = new ClamdScanner({ socketPath, timeoutMs: 500 });
    expect(await missing.scan(jpeg)).toMatchObject({ verdict: 'unavailable', reason: 'connection' });
    const local = await startClamdSim({ socketPath });
    try {
      const viaSocket = new ClamdScanner({ socketPath, timeoutMs: 2000 });
      expect(await viaSocket.scan(jpeg)).toEqual({ verdict: 'clean' });
      expect(await viaSocket.scan(eicar())).toEqual({ verdict: 'infected', signature: SIM_SIGNATURE });
    } finally {
      await local.close();
    }
  });
});
