/**
 * `npm run cluster`: N API nodes behind nginx on this machine's PostgreSQL, NATS and Redis, until Ctrl-C
 * (docs/operations.md "Running a cluster").
 *   CLUSTER_NODES   nodes (default 2)
 *   CLUSTER_PORT    nginx's port (default 8080; 0 picks a free one)
 *   CLUSTER_LOG_DIR node and nginx logs (default data/cluster-logs)
 *   DATABASE_URL    default: database yunyi_cluster on postgres://postgres@127.0.0.1:5432, created if missing
 *   NATS_URL        default nats://127.0.0.1:4222 ("" runs without NATS)
 *   REDIS_URL       default redis://127.0.0.1:6379 ("" runs without Redis)
 */
import path from 'node:path';
import pg from 'pg';
import { startCluster } from './cluster.js';

const env = process.env;
const SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** DATABASE_URL as given, or `yunyi_cluster` on the local server (created the first time). */
async function clusterDatabase(): Promise<string> {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  try {
    const found = await admin.query("select 1 from pg_database where datname = 'yunyi_cluster'");
    if (found.rowCount === 0) await admin.query('create database yunyi_cluster');
  } finally {
    await admin.end();
  }
  const url = new URL(SERVER_URL);
  url.pathname = '/yunyi_cluster';
  return url.toString();
}

const setting = (name: string, fallback: string) => (env[name] === undefined ? fallback : env[name]);

async function main() {
  const nodes = Number(env.CLUSTER_NODES || 2);
  const logDir = path.resolve(env.CLUSTER_LOG_DIR || 'data/cluster-logs');
  const databaseUrl = await clusterDatabase();
  const natsUrl = setting('NATS_URL', 'nats://127.0.0.1:4222') || null;
  const redisUrl = setting('REDIS_URL', 'redis://127.0.0.1:6379') || null;
  console.log(
    `starting ${nodes} nodes on ${databaseUrl} (NATS ${natsUrl ?? 'off'}, Redis ${redisUrl ?? 'off'})…`,
  );
  const cluster = await startCluster({
    nodes,
    databaseUrl,
    natsUrl,
    redisUrl,
    port: Number(setting('CLUSTER_PORT', '8080')),
    logDir,
  });
  console.log(`云医 Yunyi cluster at ${cluster.url} (demo region, password Demo@2026)`);
  for (const n of cluster.nodes) console.log(`  ${n.id}  ${n.url}  pid ${n.pid}`);
  console.log(`logs in ${logDir}; Ctrl-C stops the nodes (graceful drain), then nginx`);

  // Says once when a node has gone down (its log says why); the nodes are not restarted for you.
  const reported = new Set<string>();
  const keepAlive = setInterval(() => {
    for (const n of cluster.nodes) {
      if (n.alive || reported.has(n.id)) continue;
      reported.add(n.id);
      console.error(`${n.id} is down (see ${logDir}/${n.id}.log)`);
    }
  }, 5_000);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  console.log(`${signal}: draining the nodes…`);
  await cluster.stop();
  console.log('stopped');
}

main().catch((err) => {
  console.error('the cluster did not start:', err);
  process.exit(1);
});
