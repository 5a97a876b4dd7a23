import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/server/platform/db/database.js';
import { listMigrations, migrate } from '../../src/server/platform/db/migrate.js';
import { newId } from '../../src/server/platform/ids.js';
import { freshDatabase, itOnPostgres } from '../support/db.js';

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => database.close());

describe('database', () => {
  it('has applied every migration once; running again applies nothing', async () => {
    const applied = await database.db
      .selectFrom('schema_migration')
      .select('version')
      .orderBy('version')
      .execute();
    expect(applied.map((r) => r.version)).toEqual(listMigrations().map((m) => m.version));
    expect(await migrate(database)).toEqual([]);
  });

  itOnPostgres('three nodes starting at once apply a new migration once (advisory lock)', async () => {
    const extra = [...listMigrations(), { version: '9998_race', sql: 'create table race_once (id int);' }];
    const runs = await Promise.all([1, 2, 3].map(() => migrate(database, extra)));
    expect(runs.map((r) => r.join()).sort()).toEqual(['', '', '9998_race']);
  });

  it('a failing migration leaves nothing half-done', async () => {
    await expect(
      migrate(database, [
        { version: '9999_broken', sql: 'create table half_done (id int); select no_such_function();' },
      ]),
    ).rejects.toThrow(/9999_broken/);
    const t = await sql<{ n: string | null }>`select to_regclass('half_done')::text as n`.execute(
      database.db,
    );
    expect(t.rows[0]?.n).toBeNull();
  });

  it('concurrent transactions do not see or undo each other (one-connection PGlite is serialised)', async () => {
    const inst = newId();
    await database.db
      .insertInto('institution')
      .values({
        id: inst,
        code: `T-${inst}`,
        name: '测试机构',
        type: 'hospital',
        level: 'tertiary',
        district: '云川区',
        name_en: null,
        short_name: null,
        address: null,
        phone: null,
        alliance_of: null,
        internet_hospital: 'null',
      })
      .execute();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        database.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('department')
            .values({
              id: newId(),
              institution_id: inst,
              code: `D${i}`,
              name: `科室${i}`,
              name_en: null,
              specialty: 'x',
            })
            .execute();
          await new Promise((r) => setTimeout(r, 2));
          if (i % 2 === 1) throw new Error('roll back');
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    const rows = await database.db
      .selectFrom('department')
      .select('code')
      .where('institution_id', '=', inst)
      .execute();
    expect(rows.map((r) => Number(r.code.slice(1))).sort((a, b) => a - b)).toEqual([
      0, 2, 4, 6, 8, 10, 12, 14, 16, 18,
    ]);
  });
});
