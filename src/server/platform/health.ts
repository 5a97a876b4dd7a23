/**
 * Liveness, readiness and draining of one API node ([9/12], docs/operations.md "Health, metrics and
 * draining"). `/healthz` answers while the process runs (no dependency: a database outage must not get
 * every node restarted). `/readyz` runs the checks registered here — the database always, NATS and Redis
 * where they are configured, by whoever opens them: `ctx.readiness.add('nats', () => …)` — and answers 503
 * while any fails, or once the node drains, so the load balancer sends it nothing new.
 */

/** A check passes when it resolves; a throw or a hang past the timeout fails it. */
export type ReadinessCheck = () => Promise<unknown>;

export type CheckOutcome = 'ok' | 'failed' | 'timeout';

export interface ReadinessReport {
  ready: boolean;
  draining: boolean;
  checks: Record<string, CheckOutcome>;
}

/** How long one check may take: a hung dependency answers "not ready", not a hung probe. */
export const CHECK_TIMEOUT_MS = 2_000;

export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly drainListeners = new Set<() => unknown>();
  private drainStarted = false;

  /** Registers a check under a name (one per name; the last one wins). Returns its removal. */
  add(name: string, check: ReadinessCheck): () => void {
    this.checks.set(name, check);
    return () => {
      if (this.checks.get(name) === check) this.checks.delete(name);
    };
  }

  /** Told once when the node starts draining (before its listener closes): sockets say goodbye there. */
  onDrain(listener: () => unknown): () => void {
    this.drainListeners.add(listener);
    return () => {
      this.drainListeners.delete(listener);
    };
  }

  get draining(): boolean {
    return this.drainStarted;
  }

  /** Marks the node draining (`/readyz` 503 from now on) and tells the listeners; idempotent. */
  async drain(): Promise<void> {
    if (this.drainStarted) return;
    this.drainStarted = true;
    await Promise.allSettled([...this.drainListeners].map(async (listener) => listener()));
  }

  /** Runs every check at once, each bounded by `timeoutMs`. */
  async check(timeoutMs = CHECK_TIMEOUT_MS): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await bounded(check, timeoutMs)] as const),
    );
    const checks = Object.fromEntries(entries) as Record<string, CheckOutcome>;
    const ready = !this.drainStarted && entries.every(([, outcome]) => outcome === 'ok');
    return { ready, draining: this.drainStarted, checks };
  }
}

async function bounded(check: ReadinessCheck, timeoutMs: number): Promise<CheckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(check)
        .then(
          () => 'ok' as const,
          () => 'failed' as const,
        ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A NATS connection is ready when it is open and the server answers a round trip (`flush` is a PING). */
export function natsReady(nc: { isClosed(): boolean; flush(): Promise<void> }): ReadinessCheck {
  return async () => {
    if (nc.isClosed()) throw new Error('nats connection closed');
    await nc.flush();
  };
}

/** A Redis client is ready when it answers PING (ioredis queues commands while reconnecting: bounded above). */
export function redisReady(client: { ping(): Promise<string> }): ReadinessCheck {
  return async () => {
    const pong = await client.ping();
    if (pong !== 'PONG') throw new Error(`redis answered ${pong}`);
  };
}
