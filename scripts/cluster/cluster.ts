/**
 * A real cluster on this machine ([9/12]): N API nodes (`node --import tsx src/server/main.ts`, one child
 * process each) behind Debian's nginx, on one PostgreSQL, with NATS and Redis when given. Used by
 * `npm run cluster` (scripts/cluster/main.ts), the fault tests (test/cluster/) and the cluster benchmarks.
 * Node 0 starts alone first, so the migrations and the demo seed run once; the others start after it.
 * How to run it and what each setting does: docs/operations.md "Running a cluster".
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nginxBinary, nginxConf } from './nginx.js';
import { type Child, freePort, spawnChild, stopChild, tail, waitFor } from './process.js';

export { type ServiceHandle, startNats, startRedis } from './services.js';

export interface ClusterOptions {
  nodes: number;
  databaseUrl: string;
  natsUrl?: string | null;
  redisUrl?: string | null;
  /** nginx listen port, 0 = pick a free one */
  port?: number;
  env?: Record<string, string>;
  logDir?: string;
}

export interface ClusterNode {
  id: string;
  url: string;
  pid: number;
  alive: boolean;
}

export interface Cluster {
  /** nginx front */
  url: string;
  nodes: ClusterNode[];
  /** Signals node `index` (default SIGKILL) and waits until its process is gone. */
  kill(index: number, signal?: NodeJS.Signals): Promise<void>;
  /** (Re)starts a node that is not running; waits until /readyz (or /healthz) answers 200. */
  start(index: number): Promise<void>;
  stop(): Promise<void>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The first start of node 0 migrates and seeds the demo region: a minute on a slow, shared machine. */
const FIRST_START_MS = 180_000;
const START_MS = 90_000;

/**
 * Whether the node is ready: /readyz (database, NATS, Redis reachable) answers 200, or — on a build
 * without /readyz — /healthz does.
 */
async function nodeReady(url: string): Promise<boolean> {
  const get = (p: string) => fetch(`${url}${p}`, { signal: AbortSignal.timeout(2000) });
  const ready = await get('/readyz');
  if (ready.status === 404) return (await get('/healthz')).status === 200;
  return ready.status === 200;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  if (!Number.isInteger(opts.nodes) || opts.nodes < 1) throw new Error('a cluster needs at least one node');
  const nginx = nginxBinary();
  const logDir = path.resolve(opts.logDir ?? mkdtempSync(path.join(os.tmpdir(), 'yunyi-cluster-logs-')));
  mkdirSync(logDir, { recursive: true });
  const ports: number[] = [];
  for (let i = 0; i < opts.nodes; i++) ports.push(await freePort());
  const frontPort = opts.port || (await freePort());

  const children: (Child | null)[] = ports.map(() => null);
  const nodes: ClusterNode[] = ports.map((port, i) => ({
    id: `node-${i}`,
    url: `http://127.0.0.1:${port}`,
    pid: -1,
    alive: false,
  }));

  const nodeEnv = (i: number): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOG_LEVEL: process.env.LOG_LEVEL || 'info',
      ...opts.env,
      PORT: String(ports[i]),
      HOST: '127.0.0.1',
      YUNYI_NODE_ID: nodes[i]!.id,
      DATABASE_URL: opts.databaseUrl,
      YUNYI_DEMO: '1',
      // nginx is the only client: X-Forwarded-For names the caller (rate limits, audit rows).
      TRUST_PROXY: '1',
    };
    // Unset means "not used" (in-process events, counters in PostgreSQL): never inherit the caller's.
    if (opts.natsUrl) env.NATS_URL = opts.natsUrl;
    else delete env.NATS_URL;
    if (opts.redisUrl) env.REDIS_URL = opts.redisUrl;
    else delete env.REDIS_URL;
    return env;
  };

  const startNode = async (i: number, timeoutMs: number) => {
    const existing = children[i];
    if (existing?.alive()) return;
    const logFile = path.join(logDir, `${nodes[i]!.id}.log`);
    const child = spawnChild(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: root,
      env: nodeEnv(i),
      logFile,
    });
    children[i] = child;
    const node = nodes[i]!;
    node.pid = child.pid;
    node.alive = true;
    void child.exited.then(() => {
      if (children[i] === child) node.alive = false;
    });
    await waitFor(`${node.id} at ${node.url}`, () => nodeReady(node.url), { child, logFile, timeoutMs });
  };

  // nginx in its own prefix: config, pid, logs and temp files all under it.
  const prefix = mkdtempSync(path.join(os.tmpdir(), 'yunyi-nginx-'));
  for (const d of ['logs', 'temp']) mkdirSync(path.join(prefix, d));
  writeFileSync(
    path.join(prefix, 'nginx.conf'),
    nginxConf({ listenPort: frontPort, upstreamPorts: ports, maxBodyMb: 200, logDir }),
  );
  const nginxLog = path.join(logDir, 'nginx.log');
  const nginxErrors = path.join(logDir, 'nginx-error.log');
  let front: Child | null = null;

  const stopAll = async () => {
    // Nodes first, gracefully (their drain answers what nginx still sends), then nginx.
    await Promise.all(children.map((c) => (c ? stopChild(c, 'SIGTERM', 30_000) : undefined)));
    if (front) await stopChild(front, 'SIGQUIT', 10_000);
    for (const n of nodes) n.alive = false;
    rmSync(prefix, { recursive: true, force: true });
  };

  try {
    await startNode(0, FIRST_START_MS);
    await Promise.all(nodes.slice(1).map((_, k) => startNode(k + 1, START_MS)));
    front = spawnChild(
      nginx,
      ['-p', `${prefix}/`, '-c', 'nginx.conf', '-e', nginxErrors, '-g', 'daemon off;'],
      { cwd: prefix, logFile: nginxLog },
    );
    const url = `http://127.0.0.1:${frontPort}`;
    await waitFor(
      `nginx at ${url}`,
      async () => (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).status === 200,
      { child: front, logFile: nginxErrors, timeoutMs: 20_000 },
    );

    let stopped = false;
    return {
      url,
      nodes,
      async kill(index, signal = 'SIGKILL') {
        const child = children[index];
        if (!child) throw new Error(`no node ${index}`);
        // A SIGTERM drains (docs/operations.md): give it the drain time and more before forcing.
        await stopChild(child, signal, signal === 'SIGKILL' ? 10_000 : 60_000);
        nodes[index]!.alive = false;
      },
      async start(index) {
        if (index < 0 || index >= nodes.length) throw new Error(`no node ${index}`);
        await startNode(index, START_MS);
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopAll();
      },
    };
  } catch (err) {
    if (err instanceof Error && front && !front.alive()) err.message += `\nnginx: ${tail(nginxErrors)}`;
    await stopAll().catch(() => {});
    throw err;
  }
}
