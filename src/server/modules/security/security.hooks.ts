/**
 * The request hooks of the security module:
 *
 * - DJ-19: staff API routes and the staff console pages answer only addresses in
 *   `config.security.consoleRanges`. A staff route is one whose access list admits no patient (refused before
 *   authentication, so probing from outside learns nothing); on any other non-public route a caller without
 *   the patient role (staff using an `authenticated` or a mixed route) is refused after authentication. The
 *   console pages are the SPA's staff paths. Refused: 403 ADDRESS_NOT_ALLOWED, audited as
 *   `access.address_refused` with the address, and counted (detectors.ts raises `address_refused` when
 *   repeated). The address is `request.ip`: behind a proxy, TRUST_PROXY=1 and the proxy must set
 *   X-Forwarded-For (docs/security.md).
 * - DJ-30: staff reads of one patient's data count towards the bulk-read limit (export-guard.ts).
 * - DJ-17: refusals (403/404) naming a patient count towards the enumeration detector.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recordAudit } from '../../platform/audit/audit.js';
import { actorOf, refusedAccessEntry } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { noteAddressRefused, noteRefusal } from './detectors.js';
import { guardBulkRead } from './export-guard.js';
import { rangeMatcher } from './ip-ranges.js';
import { securityErrors } from './security.errors.js';

/** The SPA's staff consoles (src/web/roles.ts). */
export const CONSOLE_PREFIXES = [
  '/clinic',
  '/admin',
  '/regulator',
  '/insurer',
  '/system',
  '/security',
  '/audit',
] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const pathOf = (url: string) => url.split('?')[0]!.slice(0, 200);

export function isConsolePath(url: string): boolean {
  const path = pathOf(url);
  return CONSOLE_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

/** A route no patient may call: its access list names roles and none is `patient`. */
function isStaffRoute(request: FastifyRequest): boolean {
  const access = request.routeOptions.config?.access;
  return Array.isArray(access) && !access.includes('patient');
}

/** The patient a request names: `/patients/:id`, a `patientId` anywhere, or FHIR `Patient/:id`. */
export function patientIdOf(request: FastifyRequest): string | null {
  const route = request.routeOptions.url ?? '';
  const params = (request.params ?? {}) as Record<string, unknown>;
  if (route.startsWith('/fhir/R4/Patient/:id') && typeof params.id === 'string' && UUID.test(params.id)) {
    return params.id;
  }
  return refusedAccessEntry(request, '').patientId ?? null;
}

// Parsed once per list (a list given at start-up is parsed at start-up; a replaced list is parsed again).
const matchers = new WeakMap<readonly string[], (ip: string) => boolean>();

/** DJ-19: whether `ip` is in the configured console ranges (the visit socket asks this for staff too). */
export function consoleAddressAllowed(ctx: AppContext, ip: string): boolean {
  const ranges = ctx.config.security.consoleRanges;
  let matcher = matchers.get(ranges);
  if (!matcher) {
    matcher = rangeMatcher(ranges);
    matchers.set(ranges, matcher);
  }
  return matcher(ip);
}

export function registerSecurityHooks(app: FastifyInstance, ctx: AppContext): void {
  const allowed = (ip: string) => consoleAddressAllowed(ctx, ip);

  const refuseAddress = async (request: FastifyRequest): Promise<never> => {
    const now = ctx.clock.now();
    const path = pathOf(request.url);
    await ctx.db
      .transaction()
      .execute(async (trx) => {
        await recordAudit(
          trx,
          actorOf(request),
          {
            action: 'access.address_refused',
            outcome: 'failure',
            resourceType: 'route',
            details: {
              code: securityErrors.addressNotAllowed.spec.code,
              address: request.ip,
              method: request.method,
              route: request.routeOptions.url ?? path,
            },
          },
          now,
        );
        await noteAddressRefused(ctx, trx, request.ip, request.routeOptions.url ?? path, now);
      })
      .catch((err) => request.log.error({ err }, 'audit of a refused address failed'));
    throw securityErrors.addressNotAllowed();
  };

  // Before authentication: staff-only routes and the console pages.
  app.addHook('onRequest', async (request) => {
    if (allowed(request.ip)) return;
    if (isStaffRoute(request) || (!request.url.startsWith('/api') && isConsolePath(request.url))) {
      await refuseAddress(request);
    }
  });

  // After authentication (registerAccessControl's preHandler runs first): staff on shared routes, then
  // the bulk-read count of staff reads of a patient.
  app.addHook('preHandler', async (request) => {
    const auth = request.auth;
    if (!auth) return;
    if (!auth.roles.includes('patient') && !allowed(request.ip)) await refuseAddress(request);
    if (auth.isStaff && request.method === 'GET') {
      const patientId = patientIdOf(request);
      if (patientId) await guardBulkRead(ctx, actorOf(request), patientId);
    }
  });

  // Before the answer leaves (a test sees the rows): refusals naming a patient, for the enumeration detector.
  app.addHook('onSend', async (request, reply, payload) => {
    const status = reply.statusCode;
    if ((status === 403 || status === 404) && request.auth) {
      const patientId = patientIdOf(request);
      if (patientId) {
        const { accountId } = request.auth;
        const now = ctx.clock.now();
        await ctx.db
          .transaction()
          .execute((trx) => noteRefusal(ctx, trx, accountId, request.ip, patientId, status, now))
          .catch((err) => request.log.error({ err }, 'enumeration detector failed'));
      }
    }
    return payload;
  });
}
