import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/server/platform/config.js';
import type { Database } from '../../src/server/platform/db/database.js';
import { startServer } from '../../src/server/server.js';
import { freshDatabase } from './db.js';

/**
 * The real server for browser journeys: HTTP on a random loopback port, demo region seeded, the built SPA
 * (dist/web, made by `npm run build:web`) served at /.
 */
export async function startTestServer(
  opts: { demo?: boolean; env?: Record<string, string> } = {},
): Promise<{ url: string; database: Database; close(): Promise<void> }> {
  const webDir = path.resolve(process.env.YUNYI_WEB_OUT || 'dist/web');
  if (!existsSync(path.join(webDir, 'index.html'))) {
    throw new Error('dist/web is missing: run `npm run build:web` before the browser journeys');
  }
  const database = await freshDatabase();
  const config = loadConfig({
    YUNYI_DEMO: opts.demo === false ? '0' : '1',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'yunyi-e2e-')),
    WEB_DIR: webDir,
    // The demo's remote-diagnosis requests only for the journeys that ask (they log several people in).
    YUNYI_DEMO_REMOTE: '0',
    // The demo's family-doctor contract and year of readings likewise (the family-doctor journey signs anew).
    YUNYI_DEMO_FAMILY_DOCTOR: '0',
    ...(opts.demo === false
      ? { YUNYI_FIELD_KEY: '00112233445566778899aabbccddeeff', YUNYI_INDEX_KEY: 'ab'.repeat(32) }
      : {}),
    // More settings for one journey file (the HL7 listener and its feeds).
    ...opts.env,
  });
  const server = await startServer(config, { database });
  return {
    url: server.url.replace('[::1]', '127.0.0.1'),
    /** The server's database, for a journey that must age data the API cannot (a password's date, DJ-2). */
    database,
    async close() {
      await server.close();
      await database.close();
    },
  };
}
