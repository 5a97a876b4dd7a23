import type { AuthContext, Role } from '../../platform/auth/access.js';
import { STAFF_ROLES } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { randomToken, sm3Hex } from '../../platform/crypto/hash.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { sessionCacheOf } from './session-cache.js';

/** Only the hash of a session token is stored; the token itself is shown once, to its owner. */
const tokenHash = (token: string) => sm3Hex(`session:${token}`);

// Refresh last_seen_at at most this often, so a busy client does not write on every request.
const TOUCH_EVERY_MS = 60_000;

export function isStaff(roles: readonly string[]): boolean {
  return roles.some((r) => (STAFF_ROLES as readonly string[]).includes(r));
}

export async function createSession(
  ctx: AppContext,
  db: Executor,
  account: { id: string; roles: string[] },
  /** DJ-2: the session may only change the password until it has (access.ts). */
  opts: { passwordChangeRequired?: boolean } = {},
): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const token = randomToken();
  const now = ctx.clock.now();
  const staff = isStaff(account.roles);
  const ttl = staff ? ctx.config.auth.staffSessionTtlMs : ctx.config.auth.patientSessionTtlMs;
  const sessionId = newId();
  const expiresAt = new Date(now.getTime() + ttl);
  await db
    .insertInto('auth_session')
    .values({
      id: sessionId,
      token_hash: tokenHash(token),
      account_id: account.id,
      is_staff: staff,
      created_at: now,
      expires_at: expiresAt,
      last_seen_at: now,
      password_change_required: opts.passwordChangeRequired ?? false,
    })
    .execute();
  return { token, sessionId, expiresAt };
}

/**
 * The session a bearer token stands for, or null when it is unknown, revoked, expired, or (staff) idle
 * longer than the idle timeout (DJ-4) — a replayed token after logout is refused here.
 *
 * Answered from this node's session cache for up to `config.cluster.sessionCacheMs` ([9/12]: the booking
 * rush must not pay a round trip per request for it). Expiry and the staff idle timeout are judged on
 * every use; a revocation (logout, a disabled account, changed roles) reaches every node's cache over
 * `ctx.bus` at once (session-cache.ts). Only a valid session is cached, and a refusal is never answered
 * from the cache: an entry that is expired, idle or due for its last_seen touch is read again.
 */
export async function resolveSession(ctx: AppContext, token: string): Promise<AuthContext | null> {
  const key = tokenHash(token);
  const cache = sessionCacheOf(ctx);
  const now = ctx.clock.now().getTime();
  const cached = cache.get(key, now);
  if (cached) {
    const idle = now - cached.lastSeenAt;
    const valid =
      cached.expiresAt > now && !(cached.auth.isStaff && idle > ctx.config.auth.staffIdleTimeoutMs);
    if (valid && idle <= TOUCH_EVERY_MS) return cached.auth;
    // Past a limit by this node's copy (another node may have touched it since), or due for a touch.
    cache.forget(key);
  }
  const epoch = cache.epoch;
  const row = await ctx.db
    .selectFrom('auth_session as s')
    .innerJoin('account as a', 'a.id', 's.account_id')
    .select([
      's.id',
      's.account_id',
      's.is_staff',
      's.expires_at',
      's.last_seen_at',
      's.revoked_at',
      's.password_change_required',
      'a.roles',
      'a.status',
      'a.institution_id',
      'a.practitioner_id',
    ])
    .where('s.token_hash', '=', key)
    .executeTakeFirst();
  if (!row || row.revoked_at || row.status !== 'active') return null;
  if (row.expires_at.getTime() <= now) return null;
  if (row.is_staff && now - row.last_seen_at.getTime() > ctx.config.auth.staffIdleTimeoutMs) return null;
  let lastSeenAt = row.last_seen_at.getTime();
  if (now - lastSeenAt > TOUCH_EVERY_MS) {
    await ctx.db
      .updateTable('auth_session')
      .set({ last_seen_at: new Date(now) })
      .where('id', '=', row.id)
      .execute();
    lastSeenAt = now;
  }
  const auth: AuthContext = {
    accountId: row.account_id,
    sessionId: row.id,
    roles: row.roles as Role[],
    institutionId: row.institution_id,
    practitionerId: row.practitioner_id,
    isStaff: row.is_staff,
    passwordChangeRequired: row.password_change_required,
  };
  cache.put(key, { auth, expiresAt: row.expires_at.getTime(), lastSeenAt, readAt: now }, epoch);
  return auth;
}

export async function revokeSession(db: Executor, sessionId: string, at: Date): Promise<void> {
  await db
    .updateTable('auth_session')
    .set({ revoked_at: at })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}
