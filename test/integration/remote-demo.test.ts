/**
 * [11/12] The demo region's remote-diagnosis requests (REMOTE-5; docs/remote-diagnosis.md "Demo"): on the first
 * start in demo mode the server makes them through its own API from the shared test data, one or more in each
 * state, and the MI ECG's critical value has been raised and acknowledged. A second start adds nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/platform/config.js';
import type { Database } from '../../src/server/platform/db/database.js';
import { startServer } from '../../src/server/server.js';
import { freshDatabase } from '../support/db.js';

let database: Database;

const config = () =>
  loadConfig({
    YUNYI_DEMO: '1',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'yunyi-remote-demo-')),
    YUNYI_DEMO_REMOTE: '1',
    YUNYI_DEMO_TESTDATA: path.resolve('../shared/testdata'),
  });

beforeAll(async () => {
  database = await freshDatabase();
  const server = await startServer(config(), { database });
  await server.close();
}, 240_000);
afterAll(async () => database?.close());

const statuses = async () =>
  (
    await database.db
      .selectFrom('diagnostic_request')
      .select(['kind', 'status', 'urgency', 'patient_id', 'id'])
      .orderBy('created_at')
      .execute()
  ).map((r) => `${r.kind}:${r.status}`);

describe('the demo remote-diagnosis requests (REMOTE-5)', () => {
  it('has requests in every state, made through the API with their material, signatures and archive reports', async () => {
    expect(await statuses()).toEqual([
      'ecg:signed',
      'ecg:ready',
      'imaging:signed',
      'imaging:ready',
      'lab:signed',
      'lab:redraw',
      'ecg:requested',
      'lab:cancelled',
    ]);
    const signed = await database.db
      .selectFrom('remote_report')
      .select(['status', 'signature', 'archive_report_id', 'critical'])
      .where('status', '=', 'signed')
      .execute();
    expect(signed).toHaveLength(3);
    for (const r of signed) {
      expect(r.signature).toBeTruthy();
      expect(r.archive_report_id).toBeTruthy();
    }
    const archive = await database.db
      .selectFrom('diagnostic_report')
      .select(['kind'])
      .where('source', '=', 'remote')
      .execute();
    expect(archive.map((a) => a.kind).sort()).toEqual(['ecg', 'imaging', 'lab']);
    expect(await database.db.selectFrom('ecg_record').select('id').execute()).toHaveLength(2);
    expect(await database.db.selectFrom('imaging_instance').select('id').execute()).toHaveLength(2);
  });

  it('the MI ECG raised a critical value the community doctor acknowledged; the rejected specimen says why', async () => {
    const alerts = await database.db.selectFrom('critical_alert').selectAll().execute();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.acknowledged_at).not.toBeNull();
    const rejected = await database.db
      .selectFrom('specimen')
      .select(['status', 'reject_reason'])
      .where('status', '=', 'rejected')
      .execute();
    expect(rejected).toEqual([
      { status: 'rejected', reject_reason: expect.stringMatching(/haemolysed|溶血/) },
    ]);
  });

  it('a second start adds nothing', async () => {
    const before = (await statuses()).length;
    const server = await startServer(config(), { database });
    await server.close();
    expect((await statuses()).length).toBe(before);
  }, 120_000);
});
