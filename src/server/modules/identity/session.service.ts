import type { AuthContext, Role } from '../../platform/auth/access.js';
import { STAFF_ROLES } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { randomToken, sm3Hex } from '../../platform/crypto/hash.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';

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
    })
    .execute();
  return { token, sessionId, expiresAt };
}

/**
 * The session a bearer token stands for, or null when it is unknown, revoked, expired, or (staff) idle
 * longer than the idle timeout (DJ-4) — a replayed token after logout is refused here.
 */
export async function resolveSession(ctx: AppContext, token: string): Promise<AuthContext | null> {
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
      'a.roles',
      'a.status',
      'a.institution_id',
      'a.practitioner_id',
    ])
    .where('s.token_hash', '=', tokenHash(token))
    .executeTakeFirst();
  if (!row || row.revoked_at || row.status !== 'active') return null;
  const now = ctx.clock.now();
  if (row.expires_at.getTime() <= now.getTime()) return null;
  if (row.is_staff && now.getTime() - row.last_seen_at.getTime() > ctx.config.auth.staffIdleTimeoutMs)
    return null;
  if (now.getTime() - row.last_seen_at.getTime() > TOUCH_EVERY_MS) {
    await ctx.db.updateTable('auth_session').set({ last_seen_at: now }).where('id', '=', row.id).execute();
  }
  return {
    accountId: row.account_id,
    sessionId: row.id,
    roles: row.roles as Role[],
    institutionId: row.institution_id,
    practitionerId: row.practitioner_id,
    isStaff: row.is_staff,
  };
}

export async function revokeSession(db: Executor, sessionId: string, at: Date): Promise<void> {
  await db
    .updateTable('auth_session')
    .set({ revoked_at: at })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}
