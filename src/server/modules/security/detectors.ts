/**
 * The intrusion detectors (DJ-17). Each counts in security_counter and raises at most one alert per incident
 * (alerts.service.ts dedupes within the window). They write in the transaction they are given: the login
 * detectors in the login's own command (identity/auth.service.ts), so the count commits with the refusal;
 * the request detectors (security.hooks.ts) in a short transaction of their own.
 * Evidence holds counts, ids, the window and addresses — a phone is counted by its blind index and never
 * shown (DJ-10).
 */
import type { AlertEvidence } from '../../../shared/security.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { countEvent, distinctInWindow, eventsInWindow, lockSubject, raiseAlert } from './alerts.service.js';
import { networkOf } from './ip-ranges.js';

const evidence = (
  count: number,
  threshold: number,
  since: Date,
  now: Date,
  ids: string[],
  addresses: string[],
  details: AlertEvidence['details'] = {},
): AlertEvidence => ({
  count,
  threshold,
  windowStart: since.toISOString(),
  windowEnd: now.toISOString(),
  ids: ids.slice(0, 50),
  addresses: addresses.slice(0, 50),
  details,
});

/**
 * (a) Brute force across accounts: failed logins on `bruteForceAccounts` different phones from one address
 * within `bruteForceWindowMs`. Called for every refused login with the phone's blind index and, when the
 * phone has an account, its id (the evidence lists known account ids only).
 */
export async function noteLoginFailure(
  ctx: AppContext,
  trx: Executor,
  ip: string | null,
  phoneBidx: string,
  accountId: string | null,
  now: Date,
): Promise<void> {
  if (!ip) return;
  const { bruteForceAccounts: threshold, bruteForceWindowMs: windowMs } = ctx.config.security.alerts;
  await lockSubject(trx, 'login_failure', ip);
  await countEvent(trx, 'login_failure', ip, accountId ? `${phoneBidx}|${accountId}` : phoneBidx, now);
  const since = new Date(now.getTime() - windowMs);
  const seen = await distinctInWindow(trx, 'login_failure', ip, since);
  // One phone may appear with and without its account id (an unknown phone registered later): count phones.
  const phones = new Set(seen.items.map((i) => i.split('|')[0]));
  if (phones.size < threshold) return;
  const accounts = [...new Set(seen.items.map((i) => i.split('|')[1]).filter((a): a is string => !!a))];
  await raiseAlert(
    trx,
    {
      kind: 'brute_force',
      severity: 'high',
      dedupeKey: ip,
      windowMs,
      subject: { type: 'address', accountId: null, address: ip },
      evidence: evidence(phones.size, threshold, since, now, accounts, [ip], {
        failures: await eventsInWindow(trx, 'login_failure', ip, since),
      }),
    },
    now,
  );
}

/**
 * (b) ID enumeration: one account refused (403/404) on `enumerationIds` different patient ids within
 * `enumerationWindowMs`.
 */
export async function noteRefusal(
  ctx: AppContext,
  trx: Executor,
  accountId: string,
  ip: string | null,
  patientId: string,
  status: number,
  now: Date,
): Promise<void> {
  const { enumerationIds: threshold, enumerationWindowMs: windowMs } = ctx.config.security.alerts;
  await lockSubject(trx, 'refusal', accountId);
  await countEvent(trx, 'refusal', accountId, patientId, now);
  const since = new Date(now.getTime() - windowMs);
  const seen = await distinctInWindow(trx, 'refusal', accountId, since);
  if (seen.count < threshold) return;
  await raiseAlert(
    trx,
    {
      kind: 'id_enumeration',
      severity: 'high',
      dedupeKey: accountId,
      windowMs,
      subject: { type: 'account', accountId, address: ip },
      evidence: evidence(seen.count, threshold, since, now, seen.items.slice(-50), ip ? [ip] : [], {
        lastStatus: status,
      }),
    },
    now,
  );
}

/**
 * (d) A staff login from a network the account has not used before (the bundled table, ip-ranges.ts). The
 * first login ever records the network without an alert; patients are not tracked.
 */
export async function noteStaffLogin(
  // The same first argument as the other detectors (the caller's context); the table needs no setting.
  _ctx: AppContext,
  trx: Executor,
  accountId: string,
  roles: readonly string[],
  ip: string | null,
  now: Date,
): Promise<void> {
  if (!ip || roles.every((r) => r === 'patient')) return;
  const { network, country } = networkOf(ip);
  const known = await trx
    .selectFrom('security_login_network')
    .select(['network', 'country'])
    .where('account_id', '=', accountId)
    .execute();
  if (known.some((k) => k.network === network)) {
    await trx
      .updateTable('security_login_network')
      .set({ last_seen_at: now })
      .where('account_id', '=', accountId)
      .where('network', '=', network)
      .execute();
    return;
  }
  await trx
    .insertInto('security_login_network')
    .values({ account_id: accountId, network, country, first_seen_at: now, last_seen_at: now })
    .onConflict((oc) => oc.columns(['account_id', 'network']).doUpdateSet({ last_seen_at: now }))
    .execute();
  if (known.length === 0) return;
  await raiseAlert(
    trx,
    {
      kind: 'new_network',
      severity: country !== '--' && known.every((k) => k.country !== country) ? 'high' : 'medium',
      dedupeKey: `${accountId}|${network}`,
      windowMs: 24 * 3_600_000,
      subject: { type: 'account', accountId, address: ip },
      evidence: evidence(1, 1, now, now, [accountId], [ip], {
        network,
        country,
        knownNetworks: known.map((k) => k.network).join(','),
      }),
    },
    now,
  );
}

/**
 * DJ-19: refusals by address, counted per address; `bruteForceAccounts` refusals within
 * `bruteForceWindowMs` from one address raise `address_refused` (one per incident).
 */
export async function noteAddressRefused(
  ctx: AppContext,
  trx: Executor,
  ip: string,
  path: string,
  now: Date,
): Promise<void> {
  const { bruteForceAccounts: threshold, bruteForceWindowMs: windowMs } = ctx.config.security.alerts;
  await lockSubject(trx, 'address_refused', ip);
  await countEvent(trx, 'address_refused', ip, path, now);
  const since = new Date(now.getTime() - windowMs);
  const count = await eventsInWindow(trx, 'address_refused', ip, since);
  if (count < threshold) return;
  const paths = await distinctInWindow(trx, 'address_refused', ip, since);
  await raiseAlert(
    trx,
    {
      kind: 'address_refused',
      severity: 'medium',
      dedupeKey: ip,
      windowMs,
      subject: { type: 'address', accountId: null, address: ip },
      evidence: evidence(count, threshold, since, now, paths.items, [ip]),
    },
    now,
  );
}
