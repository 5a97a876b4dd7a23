/**
 * `npm run drill:restore` (DJ-27): the restore drill on the demo region, printing one JSON line with how long
 * the backup and the restore took. With DRILL_DATABASE_URL (an administrator's connection to a PostgreSQL
 * server; CI passes PG_ADMIN_URL) the demo region is seeded into a new database there, backed up with
 * pg_dump, restored with pg_restore into another new database and compared; without it, on PGlite. Exits 1
 * when the restored database differs from the backup point or its audit chain does not verify.
 */

import { systemClock } from '../src/server/platform/clock.js';
import { loadConfig } from '../src/server/platform/config.js';
import { FieldCipher } from '../src/server/platform/crypto/fields.js';
import { openDatabase } from '../src/server/platform/db/database.js';
import { migrate } from '../src/server/platform/db/migrate.js';
import { emptyPostgresDatabase, runRestoreDrill } from '../src/server/platform/restore-drill.js';
import { seedDemoRegion } from '../src/server/seed/demo-region.js';

const adminUrl = process.env.DRILL_DATABASE_URL || undefined;
const config = loadConfig({ YUNYI_DEMO: '1' });
const cipher = new FieldCipher(config.fieldKeys, config.currentFieldKeyId, config.blindIndexKey);
const source = adminUrl ? await emptyPostgresDatabase(adminUrl, 'yunyi_drill') : null;
const database = await openDatabase(source ? { databaseUrl: source.url, poolSize: 4 } : {});
let code = 0;
try {
  await migrate(database);
  await seedDemoRegion(database.db, cipher, systemClock);
  const r = await runRestoreDrill(database, {
    backupKey: config.security.backupKey!,
    clock: systemClock,
    ...(adminUrl ? { adminUrl } : {}),
  });
  const ok = r.equal && r.restore.chainOk && r.restore.headMatches;
  console.log(
    JSON.stringify({
      drill: 'restore',
      engine: r.engine,
      ok,
      tables: r.tables,
      rows: r.rows,
      auditEvents: r.auditEvents,
      backupBytes: r.bytes,
      backupMs: r.backupMs,
      restoreMs: r.restoreMs,
      auditHeadSeq: r.restore.header.auditHead.lastSeq,
      ...(r.differing.length ? { differing: r.differing } : {}),
      ...(r.restore.problem ? { problem: r.restore.problem } : {}),
    }),
  );
  if (!ok) code = 1;
} finally {
  await database.close();
  await source?.drop();
}
process.exit(code);
