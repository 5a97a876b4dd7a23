import pg from 'pg';

export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  url: string;
  /** True when the bench created the database (and so drops it at the end). */
  owned: boolean;
  drop(): Promise<void>;
}

/**
 * The database a benchmark runs in: DATABASE_URL as given (left in place afterwards), or a fresh
 * `<prefix>_<timestamp>` database on the local server, dropped by `drop()`.
 */
export async function benchDatabase(prefix: string, env = process.env): Promise<BenchDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, owned: false, drop: async () => {} };
  const serverUrl = env.BENCH_SERVER_URL || DEFAULT_SERVER_URL;
  const name = `${prefix}_${Date.now()}`;
  await withClient(serverUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    owned: true,
    async drop() {
      await withClient(serverUrl, async (c) => {
        // Wait for the pools' sessions to end, so forcing the drop never kills a closing socket.
        for (let i = 0; i < 50; i++) {
          const r = await c.query('select count(*)::int as n from pg_stat_activity where datname = $1', [
            name,
          ]);
          if (r.rows[0].n === 0) break;
          await new Promise((res) => setTimeout(res, 100));
        }
        await c.query(`drop database if exists ${name} with (force)`);
      });
    },
  };
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** PostgreSQL's version string, for the report. */
export async function serverVersion(url: string): Promise<string> {
  return withClient(url, async (c) => (await c.query('show server_version')).rows[0].server_version);
}
