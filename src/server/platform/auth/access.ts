import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ROLES, type Role } from '../../../shared/identity.js';
import type { Actor } from '../audit/audit.js';
import { AppError, errors } from '../errors.js';

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
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
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
    if (access !== 'authenticated' && !auth.roles.some((r) => access.includes(r))) {
      throw new AppError(403, 'FORBIDDEN', '无权访问', '当前账号的角色无权调用此接口。');
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
