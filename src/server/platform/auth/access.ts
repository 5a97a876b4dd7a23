import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ROLES, type Role } from '../../../shared/identity.js';
import type { Actor, AuditEntry } from '../audit/audit.js';
import { AppError, errors, platformErrors } from '../errors.js';

export { ROLES, type Role };
export const STAFF_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'patient');

/** Who may call a route (DJ-7): declared on every route under /api and checked before the handler. */
export type Access = 'public' | 'authenticated' | readonly Role[];

export interface AuthContext {
  accountId: string;
  sessionId: string;
  roles: Role[];
  institutionId: string | null;
  practitionerId: string | null;
  isStaff: boolean;
  /**
   * DJ-2: the session was opened with an initial or expired password: only routes that declare
   * `passwordChangeAllowed` (change the password, who am I, log out) answer; the rest 403 PASSWORD_CHANGE_REQUIRED.
   */
  passwordChangeRequired?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** DJ-2: also served to a session whose password must change first (AuthContext.passwordChangeRequired). */
    passwordChangeAllowed?: boolean;
  }
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

export type SessionResolver = (token: string, request: FastifyRequest) => Promise<AuthContext | null>;

function bearer(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(h);
  return m ? m[1]! : null;
}

/**
 * Declares and enforces access: a route under /api or /healthz without `config.access` fails at
 * start-up, so no route is left open by accident (DJ-7, DJ-9).
 */
export function registerAccessControl(app: FastifyInstance, resolve: SessionResolver): void {
  app.decorateRequest('auth', null);
  app.addHook('onRoute', (route) => {
    const url = route.url;
    const guarded = url.startsWith('/api/v1') || url === '/healthz';
    if (guarded && route.config?.access === undefined) {
      throw new Error(`route ${route.method} ${url} does not declare who may call it (config.access)`);
    }
  });
  app.addHook('preHandler', async (request) => {
    const access = request.routeOptions.config?.access;
    if (access === undefined || access === 'public') return;
    const token = bearer(request);
    const auth = token ? await resolve(token, request) : null;
    if (!auth) throw errors.unauthenticated();
    request.auth = auth;
    if (auth.passwordChangeRequired && !request.routeOptions.config?.passwordChangeAllowed) {
      throw platformErrors.passwordChangeRequired();
    }
    if (access !== 'authenticated' && !auth.roles.some((r) => access.includes(r))) {
      throw errors.forbidden('当前账号的角色无权调用此接口。');
    }
  });
}

/** The authenticated caller; only for routes that declared non-public access. */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw errors.unauthenticated();
  return request.auth;
}

export function actorOf(request: FastifyRequest): Actor {
  return { accountId: request.auth?.accountId ?? null, role: request.auth?.roles[0] ?? null, ip: request.ip };
}

// --- Refused access is a security event (DJ-12, DJ-17): audited even though the request changed nothing.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isId = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

// Where a path's collection has another name in the audit log than `<collection minus s>`.
const RESOURCE_NAMES: Record<string, string> = {
  doctors: 'practitioner',
  orders: 'payment_order',
  dependents: 'family_proxy',
};

const resourceName = (collection: string) =>
  RESOURCE_NAMES[collection] ?? collection.replace(/s$/, '').replace(/-/g, '_');

/**
 * The audit entry of a refused request: who tried to reach what, and whose data (DJ-12, DJ-17). The
 * resource is the one its path names (`/patients/:id` → patient and that id; a path without an id names
 * the collection); `params` keeps every id among the route's parameters; the patient is set when the
 * request names one — `/patients/:id`, or a `patientId` in the path, the query or the body — so a
 * regulator finds the attempt under that patient. Only UUID-shaped values are copied: no phone or ID
 * number, whatever a request carries, reaches the audit log (DJ-10).
 */
export function refusedAccessEntry(
  request: Pick<FastifyRequest, 'method' | 'params' | 'query' | 'body'> & { routeOptions: { url?: string } },
  code: string,
): AuditEntry {
  const route = request.routeOptions.url ?? '';
  const segments = route.split('/').filter(Boolean);
  const firstParam = segments.findIndex((s) => s.startsWith(':'));
  const collection = firstParam > 0 ? segments[firstParam - 1]! : (segments.at(-1) ?? '');
  const resourceType = resourceName(collection);
  const routeParams = (request.params ?? {}) as Record<string, unknown>;
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(routeParams)) if (isId(value)) params[name] = value;
  const resourceId = firstParam > 0 ? (params[segments[firstParam]!.slice(1)] ?? null) : null;
  const named = (part: unknown) =>
    part && typeof part === 'object' ? (part as Record<string, unknown>).patientId : undefined;
  const patientId = [
    resourceType === 'patient' ? resourceId : undefined,
    routeParams.patientId,
    named(request.query),
    named(request.body),
  ].find(isId);
  return {
    action: 'access.denied',
    outcome: 'failure',
    resourceType,
    resourceId,
    patientId: patientId ?? null,
    details: { code, method: request.method, route, params },
  };
}

/** Audits every 403 an authenticated caller is given (before the answer leaves, so a test sees the row). */
export function registerRefusalAudit(
  app: FastifyInstance,
  audit: (actor: Actor, entry: AuditEntry) => Promise<void>,
): void {
  app.addHook('onError', async (request, _reply, error) => {
    if (error instanceof AppError && error.status === 403 && request.auth) {
      await audit(actorOf(request), refusedAccessEntry(request, error.code)).catch((err) =>
        request.log.error({ err }, 'audit of refused access failed'),
      );
    }
  });
}
