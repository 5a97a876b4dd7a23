import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Which node does the work only one node may do ([9/12]): the outbox relay and the background jobs
 * (holds, reminders, reconciliation, the insurance batches, the audit sealer). Whoever holds a PostgreSQL
 * session advisory lock on its own connection is the leader. A node that crashes or loses its connection
 * loses the lock with it, and a follower, trying every `intervalMs`, takes over.
 *
 * Between a leader's connection dying and the leader noticing (at its next heartbeat), another node may
 * already lead: every leader task tolerates an overlap of one run (the relay publishes with message ids
 * JetStream de-duplicates; the jobs take their rows with SKIP LOCKED or their own advisory locks).
 */
export interface Leadership {
  isLeader(): boolean;
  /** Gives the lock up (a clean shutdown hands over at once instead of at the next follower's try). */
  stop(): Promise<void>;
}

/** Any constant every node shares; 7_283_001 is the migrations' lock. */
export const LEADER_LOCK_KEY = 7_283_002;

/** One process on PGlite (or a database handed in without its URL): it is the only node, so it leads. */
export function soleLeader(): Leadership {
  return { isLeader: () => true, stop: async () => {} };
}

export interface LeaderOptions {
  /** The connection is opened from this URL, outside the pool: it lives as long as the leadership. */
  databaseUrl: string;
  nodeId: string;
  intervalMs: number;
  log: FastifyBaseLogger;
  key?: number;
  /** Told on every change (metrics, logs). */
  onChange?: (leader: boolean) => void;
}

export function startLeaderElection(opts: LeaderOptions): Leadership {
  const key = opts.key ?? LEADER_LOCK_KEY;
  let client: pg.Client | null = null;
  let leader = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const setLeader = (value: boolean) => {
    if (value === leader) return;
    leader = value;
    opts.log.info({ node: opts.nodeId }, value ? 'leader: elected' : 'leader: stepped down');
    opts.onChange?.(value);
  };
  const drop = () => {
    const c = client;
    client = null;
    setLeader(false);
    c?.end().catch(() => {});
  };

  const tick = async () => {
    if (!client) {
      const c = new pg.Client({
        connectionString: opts.databaseUrl,
        application_name: `yunyi-leader ${opts.nodeId}`.slice(0, 63),
        // A leader whose host vanished (no FIN, no RST) must lose the lock in seconds, not after the kernel's
        // two hours: the server probes this session's socket (keepalives every 5 s, 3 misses), and this side
        // gives up a heartbeat that does not answer, stepping down (`drop`) rather than leading blind.
        options: '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3',
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
        connectionTimeoutMillis: 5000,
        query_timeout: Math.max(5000, opts.intervalMs * 5),
      });
      // A server restart or a terminated backend: the lock is gone with the session.
      c.on('error', (err) => {
        if (client === c) {
          opts.log.warn({ err }, 'leader: connection lost');
          drop();
        }
      });
      await c.connect();
      if (stopped) {
        await c.end();
        return;
      }
      client = c;
    }
    const c = client;
    if (leader) {
      // The heartbeat: a session that answers still holds its session lock.
      await c.query('select 1');
      return;
    }
    const r = await c.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [key]);
    if (r.rows[0]?.ok && !stopped) setLeader(true);
  };

  const schedule = (delay: number) => {
    timer = setTimeout(() => {
      running = tick()
        .catch((err) => {
          opts.log.warn({ err }, 'leader: election failed; retrying');
          drop();
        })
        .finally(() => {
          if (!stopped) schedule(opts.intervalMs);
        });
    }, delay);
    timer.unref();
  };
  schedule(0);

  return {
    isLeader: () => leader && !stopped,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      const c = client;
      client = null;
      setLeader(false);
      if (c) {
        // Unlocking before ending hands over without waiting for the server to notice the session end.
        await c.query('select pg_advisory_unlock_all()').catch(() => {});
        await c.end().catch(() => {});
      }
    },
  };
}

/**
 * Wraps a periodic task so that it runs on the leader only, and shows it: `yunyi_leader` (1 on the
 * leader) and `yunyi_leader_task_runs_total{task}` (which node did the work, and how often).
 */
export function leaderGate(
  leadership: Leadership,
  registry: Registry,
): (task: string, run: () => Promise<unknown>) => () => Promise<unknown> {
  new Gauge({
    name: 'yunyi_leader',
    help: 'Whether this node runs the outbox relay and the background jobs (1) or not (0)',
    registers: [registry],
    collect() {
      this.set(leadership.isLeader() ? 1 : 0);
    },
  });
  const runs = new Counter({
    name: 'yunyi_leader_task_runs_total',
    help: 'Runs of a leader-only background task on this node',
    labelNames: ['task'],
    registers: [registry],
  });
  return (task, run) => async () => {
    if (!leadership.isLeader()) return;
    runs.inc({ task });
    return run();
  };
}
