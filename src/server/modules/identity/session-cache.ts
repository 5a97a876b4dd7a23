import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';

/**
 * Revoked sessions, announced to every API node on `ctx.bus` ([9/12]): a logout, a disabled account or
 * changed roles. Every node's session cache drops them on receipt, so a revocation takes effect within
 * the bus's delivery time (milliseconds), not after the cache's time to live.
 */
export const SESSIONS_REVOKED = 'yunyi.identity.sessions_revoked';

export interface SessionsRevoked {
  sessionIds?: string[];
  accountIds?: string[];
}

/** What resolveSession read from the database, kept as read: expiry and idle time are judged on each use. */
export interface CachedSession {
  auth: AuthContext;
  expiresAt: number;
  lastSeenAt: number;
  /** When it was read (ctx.clock): it is read again `config.cluster.sessionCacheMs` later. */
  readAt: number;
}

// Enough for every session active on a busy node; the oldest entry goes first when it is full.
const MAX_ENTRIES = 100_000;

/**
 * The per-node cache of resolved sessions, keyed by the token's hash (the token itself is not kept).
 * Only sessions that were valid when read are kept; anything else is asked of the database every time.
 */
export class SessionCache {
  private readonly entries = new Map<string, CachedSession>();
  private readonly keyOfSession = new Map<string, string>();
  /**
   * Counts revocations seen. A read that started before a revocation arrived may have read the row from
   * before it was committed: such a read is answered but not cached (`put` with its starting epoch).
   */
  private revocations = 0;
  private readonly unsubscribe: () => void;
  private readonly unwatch: () => void;
  /** Revocations this node made while its bus was away: announced when it is back. */
  private unannounced: SessionsRevoked[] = [];

  constructor(
    private readonly ttlMs: number,
    private readonly bus: AppContext['bus'],
  ) {
    this.unsubscribe = bus.subscribe<SessionsRevoked>(SESSIONS_REVOKED, (message) => this.drop(message.data));
    // While the bus is away this node may miss another node's revocation: it caches nothing, and whatever
    // it held is dropped both when the bus goes and when it comes back (a revocation may have been missed
    // in between). What it revoked itself meanwhile is announced on reconnect.
    this.unwatch = bus.onStatus((connected) => {
      this.clear();
      if (!connected) return;
      const pending = this.unannounced;
      this.unannounced = [];
      for (const revoked of pending) bus.publish(SESSIONS_REVOKED, revoked);
    });
  }

  /** Tells every node (this one already dropped them); kept for the reconnect while the bus is away. */
  announce(revoked: SessionsRevoked): void {
    if (this.bus.connected) this.bus.publish(SESSIONS_REVOKED, revoked);
    else if (this.unannounced.length < 10_000) this.unannounced.push(revoked);
  }

  private clear(): void {
    this.revocations++;
    this.entries.clear();
    this.keyOfSession.clear();
  }

  get epoch(): number {
    return this.revocations;
  }

  /** A fresh entry (read less than the time to live ago), or undefined. */
  get(key: string, now: number): CachedSession | undefined {
    if (!this.bus.connected) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (now - entry.readAt >= this.ttlMs || now < entry.readAt) {
      this.remove(key, entry);
      return undefined;
    }
    return entry;
  }

  put(key: string, entry: CachedSession, epoch: number): void {
    if (this.ttlMs <= 0 || epoch !== this.revocations || !this.bus.connected) return;
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value as string;
      this.remove(oldest, this.entries.get(oldest)!);
    }
    this.entries.set(key, entry);
    this.keyOfSession.set(entry.auth.sessionId, key);
  }

  forget(key: string): void {
    const entry = this.entries.get(key);
    if (entry) this.remove(key, entry);
  }

  /** Drops the named sessions and every session of the named accounts. */
  drop(revoked: SessionsRevoked): void {
    this.revocations++;
    for (const id of revoked.sessionIds ?? []) {
      const key = this.keyOfSession.get(id);
      if (key) this.forget(key);
    }
    if (revoked.accountIds?.length) {
      const accounts = new Set(revoked.accountIds);
      // Rare (an account disabled, its roles changed): a scan is cheaper than a second index kept up always.
      for (const [key, entry] of this.entries)
        if (accounts.has(entry.auth.accountId)) this.remove(key, entry);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    this.unsubscribe();
    this.unwatch();
    this.entries.clear();
    this.keyOfSession.clear();
  }

  private remove(key: string, entry: CachedSession): void {
    this.entries.delete(key);
    if (this.keyOfSession.get(entry.auth.sessionId) === key) this.keyOfSession.delete(entry.auth.sessionId);
  }
}

// One cache per app (per AppContext), made on first use so that every caller of resolveSession shares it.
const caches = new WeakMap<AppContext, SessionCache>();

export function sessionCacheOf(ctx: AppContext): SessionCache {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new SessionCache(ctx.config.cluster.sessionCacheMs, ctx.bus);
    caches.set(ctx, cache);
  }
  return cache;
}

/** Stops listening to the bus (the app is closing). */
export function closeSessionCache(ctx: AppContext): void {
  caches.get(ctx)?.close();
  caches.delete(ctx);
}

/**
 * Announces revoked sessions to every node, this one at once. Call it after the revocation committed: a
 * node that reads the session again before the commit would cache the row as it was.
 */
export function announceSessionsRevoked(ctx: AppContext, revoked: SessionsRevoked): void {
  const cache = sessionCacheOf(ctx);
  cache.drop(revoked);
  cache.announce(revoked);
}
