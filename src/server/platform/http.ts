import type { FastifyInstance } from 'fastify';
import { type TSchema, Type } from 'typebox';
import { Uuid } from '../../shared/http.js';

// The building blocks of the API contracts live in src/shared/http.ts (the contracts in src/shared/ use
// them too); re-exported for the routes.
export { Limit, page, QueryInt, Uuid } from '../../shared/http.js';

/**
 * Schemas shared by every module's routes. The one open object on output: RFC 9457 lets a problem carry
 * extension members (`fields`, `reason`, `releaseAt`…, each listed with its code in docs/errors.md), and
 * a closed schema would make the serializer drop them.
 */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    code: Type.String(),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details (application/problem+json)' },
);

/** Problem responses a route may give, for the OpenAPI document. */
export function problems(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ProblemSchema]));
}

export const IdParams = Type.Object({ id: Uuid });
export const Empty = Type.Null({ description: 'No content' });

// --- Numbers in the query string and the path: parsed in one place (QueryInt, Limit in src/shared/http.ts).

interface RouteSchemas {
  url: string;
  method: string | string[];
  schema?: { querystring?: unknown; params?: unknown };
}

/** Fails start-up when a numeric query or path parameter is not a `QueryInt` (so not re-checked). */
export function checkNumericParams(route: RouteSchemas): void {
  for (const part of ['querystring', 'params'] as const) {
    const properties = (route.schema?.[part] as { properties?: Record<string, JsonSchema> } | undefined)
      ?.properties;
    for (const [name, schema] of Object.entries(properties ?? {})) {
      const numeric = schema.type === 'integer' || schema.type === 'number';
      const finite = schema.allOf?.some((s) => s.type === 'integer');
      if (numeric && !finite) {
        throw new Error(
          `route ${String(route.method)} ${route.url}: ${part} parameter '${name}' is a number; declare it with QueryInt() from src/shared/http.ts`,
        );
      }
    }
  }
}

interface JsonSchema {
  type?: unknown;
  allOf?: JsonSchema[];
}

// --- OpenAPI operation ids, derived in one place.

const pascal = (words: string) =>
  words
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

/**
 * A stable camelCase operationId from the method and the path, for client generators: the HTTP verb,
 * then each path segment, a parameter as `By<Name>` — `GET /api/v1/visits/:id/messages` is
 * `getVisitsByIdMessages`. The `/api/v1` prefix is left out (a later `/api/v2` keeps its prefix, so its
 * ids differ). A route may set `schema.operationId` itself; app.ts refuses two routes with one id.
 */
export function operationIdOf(method: string, url: string): string {
  const segments = url
    .replace(/^\/api\/v1(?=\/|$)/, '')
    .split('/')
    .filter(Boolean)
    .map((s) => (s.startsWith(':') ? `By${pascal(s.slice(1))}` : pascal(s)));
  return method.toLowerCase() + segments.join('');
}

/**
 * What every route gets from one place: numeric query and path parameters declared with `QueryInt`
 * (checked here, so none is left unbounded), and a unique OpenAPI operationId derived from its method
 * and path unless it sets one (client generators need both). Register before the routes.
 */
export function registerRouteContracts(app: FastifyInstance): void {
  const operationIds = new Map<string, string>();
  app.addHook('onRoute', (route) => {
    checkNumericParams(route);
    // HEAD twins of GET routes are left out of the document; hidden routes are not in it.
    if (route.method === 'HEAD' || route.schema?.hide) return;
    const method = String(route.method);
    route.schema ??= {};
    route.schema.operationId ??= operationIdOf(method, route.url);
    const id = route.schema.operationId;
    const other = operationIds.get(id);
    if (other) throw new Error(`routes ${other} and ${method} ${route.url} share the operationId ${id}`);
    operationIds.set(id, `${method} ${route.url}`);
  });
}
