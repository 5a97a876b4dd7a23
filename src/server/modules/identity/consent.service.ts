/**
 * SEC-1 (个人信息保护法 第十四、二十八、二十九条): the consent a patient account gives to the user agreement,
 * the privacy policy and — separately — the processing of sensitive personal information (health data).
 * Each agreement is a row of `account_consent` with the text version and time, audited; the newest row
 * is the version in force. A version other than CONSENT_VERSION is asked again (GET /me says `required`).
 */
import { CONSENT_VERSION, type ConsentBody, type ConsentState } from '../../../shared/consent.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { identityErrors } from './identity.errors.js';

/** SEC-1: all three agreements, to the text in force; anything less is PRIVACY_CONSENT_REQUIRED. */
export function validConsent(consent: ConsentBody | undefined): consent is ConsentBody {
  return (
    consent !== undefined &&
    consent.version === CONSENT_VERSION &&
    consent.terms &&
    consent.privacy &&
    consent.sensitive
  );
}

export const consentRequired = () =>
  identityErrors.privacyConsentRequired(undefined, { currentVersion: CONSENT_VERSION });

/** Writes one agreement (and its audit row) in the caller's transaction; the consent must be valid. */
export async function recordConsent(
  db: Executor,
  actor: Actor,
  accountId: string,
  consent: ConsentBody,
  now: Date,
): Promise<void> {
  await db
    .insertInto('account_consent')
    .values({
      id: newId(),
      account_id: accountId,
      version: consent.version,
      terms: consent.terms,
      privacy: consent.privacy,
      sensitive: consent.sensitive,
      agreed_at: now,
    })
    .execute();
  await recordAudit(
    db,
    { ...actor, accountId },
    {
      action: 'consent.agree',
      resourceType: 'account',
      resourceId: accountId,
      details: { version: consent.version, terms: true, privacy: true, sensitive: true },
    },
    now,
  );
}

/** The version an account agreed to last (null: never). */
export async function agreedConsent(
  db: Executor,
  accountId: string,
): Promise<{ version: string; agreedAt: Date } | null> {
  const row = await db
    .selectFrom('account_consent')
    .select(['version', 'agreed_at'])
    .where('account_id', '=', accountId)
    .orderBy('agreed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { version: row.version, agreedAt: row.agreed_at } : null;
}

export async function consentState(db: Executor, accountId: string): Promise<ConsentState> {
  const agreed = await agreedConsent(db, accountId);
  return {
    currentVersion: CONSENT_VERSION,
    agreedVersion: agreed?.version ?? null,
    agreedAt: agreed?.agreedAt.toISOString() ?? null,
    required: agreed?.version !== CONSENT_VERSION,
  };
}

/** POST /me/consent: the logged-in account agrees to the current texts (asked again after a change). */
export async function giveConsent(
  ctx: AppContext,
  auth: AuthContext,
  consent: ConsentBody,
  actor: Actor,
): Promise<ConsentState> {
  if (!validConsent(consent)) throw consentRequired();
  return runCommand(ctx, actor, async ({ trx, now }) => {
    await recordConsent(trx, actor, auth.accountId, consent, now);
    return consentState(trx, auth.accountId);
  });
}

/**
 * Demo seed: the seeded accounts count as having agreed to the current texts, so the demo (and the
 * journeys that log them in many times) is not interrupted by the consent page.
 */
export async function seedConsent(db: Executor, accountId: string, now: Date): Promise<void> {
  await db
    .insertInto('account_consent')
    .values({
      id: newId(),
      account_id: accountId,
      version: CONSENT_VERSION,
      terms: true,
      privacy: true,
      sensitive: true,
      agreed_at: now,
    })
    .execute();
}
