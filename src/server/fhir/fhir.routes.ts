/**
 * `/fhir/R4`: the FHIR R4 API ([6/12]). Thin routes over the facade: parse (search.ts), the one access
 * check (reader.ts → records/care-access.ts, SEC-1, DJ-9), the providers, Bundles, OperationOutcomes.
 * Its own error and not-found handlers inside this plugin's scope: every error is an OperationOutcome
 * with the platform's stable code (outcome.ts); every answer is `application/fhir+json; charset=utf-8`.
 */
import type { Appointment } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import * as schedulingFhir from '../modules/scheduling/scheduling.fhir.js';
import { guardExport } from '../modules/security/export-guard.js';
import { actorOf, authOf } from '../platform/auth/access.js';
import type { AppContext } from '../platform/context.js';
import { platformErrors, prefersEnglish } from '../platform/errors.js';
import { capabilityStatement } from './capability.js';
import { patientEverything } from './everything.js';
import { fhirErrors } from './fhir.errors.js';
import { type OutcomeAnswer, outcomeFor, outcomeOf } from './outcome.js';
import { allProviders } from './providers.js';
import { isBadIdError, searchPage } from './query.js';
import { categoryOf, FhirReader } from './reader.js';
import { FHIR_ID, type Params, parseSearch } from './search.js';
import type { BookFromFhir, FhirProvider, Found } from './types.js';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** `_format` values (and Accept types) answered: JSON only. */
const JSON_FORMATS = ['json', 'application/json', 'application/fhir+json'];

/** Scheduling's booking, when it offers one (the CapabilityStatement lists `create` only then). */
export function bookingOf(): BookFromFhir | undefined {
  const fn = (schedulingFhir as unknown as { bookFromFhir?: unknown }).bookFromFhir;
  return typeof fn === 'function' ? (fn as BookFromFhir) : undefined;
}

/** The absolute base of links and fullUrls, as the client reached us (trustProxy decides forwarded headers). */
export const baseOf = (request: FastifyRequest, prefix: string) =>
  `${request.protocol}://${request.host}${prefix}`;

/** The query string's parameters in order, repeated ones kept. */
export function queryParams(url: string): Params {
  const q = url.indexOf('?');
  return q < 0 ? [] : [...new URLSearchParams(url.slice(q + 1)).entries()];
}

function sendOutcome(request: FastifyRequest, reply: FastifyReply, answer: OutcomeAnswer): FastifyReply {
  if (answer.status === 401) {
    const invalid = request.headers.authorization ? ', error="invalid_token"' : '';
    reply.header('www-authenticate', `Bearer realm="yunyi-fhir"${invalid}`);
  }
  return reply.status(answer.status).header('content-type', FHIR_JSON).send(answer.outcome);
}

/** Refuses formats other than JSON (`_format`, or an Accept header that excludes JSON): 406. */
function checkFormat(request: FastifyRequest): void {
  const format = queryParams(request.url).find(([n]) => n === '_format')?.[1];
  if (format !== undefined && !JSON_FORMATS.includes(format.split(';')[0]!.trim())) {
    throw fhirErrors.formatNotSupported(`不支持 _format=${format}；本服务只提供 JSON。`, {
      en: `_format=${format} is not supported; this server answers JSON only`,
    });
  }
  const accept = request.headers.accept;
  if (accept) {
    const types = accept.split(',').map((t) => t.split(';')[0]!.trim().toLowerCase());
    const ok = types.some((t) => t === '*/*' || t === 'application/*' || JSON_FORMATS.includes(t));
    if (!ok) {
      throw fhirErrors.formatNotSupported(
        `Accept: ${accept} 不含 JSON；本服务只提供 application/fhir+json。`,
        {
          en: `Accept: ${accept} excludes JSON; this server answers application/fhir+json only`,
        },
      );
    }
  }
}

function versionHeaders(reply: FastifyReply, found: Found): void {
  const meta = found.resource.meta;
  if (meta?.versionId) reply.header('etag', `W/"${meta.versionId}"`);
  if (meta?.lastUpdated) reply.header('last-modified', new Date(meta.lastUpdated).toUTCString());
}

export function fhirRoutes(
  ctx: AppContext,
  providers: ReadonlyMap<string, FhirProvider> = allProviders(),
): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const prefix = app.prefix;
    const book = bookingOf();

    app.addContentTypeParser(
      'application/fhir+json',
      { parseAs: 'string' },
      app.getDefaultJsonParser('error', 'error'),
    );
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, [...new URLSearchParams(String(body)).entries()]),
    );

    app.setErrorHandler((err, request, reply) => sendOutcome(request, reply, outcomeFor(err, request)));
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0]!.slice(prefix.length).split('/').filter(Boolean);
      const type = path[0]?.slice(0, 64);
      const err =
        type && type !== 'metadata' && !providers.has(type)
          ? fhirErrors.unknownType(`本服务不提供资源类型 ${type}。`, {
              en: `Resource type ${type} is not served`,
            })
          : fhirErrors.operationNotSupported(`不支持 ${request.method} ${request.url.split('?')[0]}。`, {
              en: `${request.method} ${request.url.split('?')[0]} is not supported`,
            });
      return sendOutcome(request, reply, outcomeOf(err, prefersEnglish(request)));
    });
    app.addHook('onRequest', async (request) => checkFormat(request));
    app.addHook('onSend', async (request, reply, payload) => {
      reply.header('content-type', FHIR_JSON);
      if (!request.url.startsWith(`${prefix}/metadata`)) reply.header('cache-control', 'no-store');
      return payload;
    });

    const readerOf = (request: FastifyRequest) =>
      new FhirReader(ctx, authOf(request), actorOf(request), ctx.clock.now());

    app.get('/metadata', {
      config: { access: 'public' },
      schema: { hide: true },
      handler: async (request) =>
        capabilityStatement(providers, {
          base: baseOf(request, prefix),
          date: ctx.clock.now(),
          canBook: !!book,
        }),
    });

    for (const provider of providers.values()) {
      const type = provider.type;

      const search = async (request: FastifyRequest, params: Params) => {
        const parsed = parseSearch(provider, params);
        const reader = readerOf(request);
        const patientData =
          provider.category !== null ||
          parsed.includes.some((i) => providers.get(i.target)?.category !== null);
        const env = await reader.env(baseOf(request, prefix), patientData);
        return searchPage(reader, env, providers, provider, parsed, params);
      };

      app.get(`/${type}`, {
        config: { access: 'authenticated' },
        schema: { hide: true },
        handler: async (request) => search(request, queryParams(request.url)),
      });

      app.post(`/${type}/_search`, {
        config: { access: 'authenticated' },
        schema: { hide: true },
        handler: async (request) => {
          // FHIR: the parameters of a POST search are a form; any other body would be silently ignored.
          if (request.body !== undefined && request.body !== null && !Array.isArray(request.body)) {
            throw platformErrors.unsupportedMediaType(
              '_search 的请求体应为 application/x-www-form-urlencoded 表单。',
              { en: 'The body of _search must be an application/x-www-form-urlencoded form' },
            );
          }
          const form = (request.body as Params | undefined) ?? [];
          return search(request, [...queryParams(request.url), ...form]);
        },
      });

      app.get<{ Params: { id: string } }>(`/${type}/:id`, {
        config: { access: 'authenticated' },
        schema: { hide: true },
        handler: async (request, reply) => {
          const { id } = request.params;
          const reader = readerOf(request);
          const env = await reader.env(baseOf(request, prefix), provider.category !== null);
          let found: Found | null = null;
          if (FHIR_ID.test(id)) {
            try {
              found = await provider.read(env, id);
            } catch (err) {
              if (!isBadIdError(err)) throw err;
            }
          }
          if (!found) {
            throw fhirErrors.resourceNotFound(`${type}/${id} 不存在。`, {
              en: `${type}/${id} does not exist`,
            });
          }
          // SEC-1: another patient's resource is refused 403 NO_CARE_RELATIONSHIP (audited by the refusal hook).
          const category = categoryOf(provider, found);
          if (category !== null && found.patientId !== null) await reader.decision(found.patientId, category);
          await reader.audit([{ provider, found }]);
          versionHeaders(reply, found);
          return found.resource;
        },
      });

      if (type === 'Patient') {
        app.get<{ Params: { id: string } }>('/Patient/:id/$everything', {
          config: { access: 'authenticated' },
          schema: { hide: true },
          handler: async (request) => {
            const auth = authOf(request);
            const params = queryParams(request.url).filter(([n, v]) => n !== '_format' && v !== '');
            if (params.length > 0) {
              throw fhirErrors.unknownParameter(`$everything 不支持参数 ${params[0]![0]}。`, {
                en: `$everything does not support the parameter ${params[0]![0]}`,
              });
            }
            // DJ-30: $everything is an export: exports are rate-limited per account (429 EXPORT_RATE_LIMITED beyond the hourly limit).
            await guardExport(ctx, actorOf(request), 'fhir_everything');
            return patientEverything(ctx, auth, actorOf(request), request.params.id, ctx.clock.now(), {
              base: baseOf(request, prefix),
              channel: 'fhir',
              providers,
            });
          },
        });
      }

      if (type === 'Appointment' && book) {
        app.post('/Appointment', {
          config: { access: 'authenticated' },
          schema: { hide: true },
          handler: async (request, reply) => {
            const body = request.body as Appointment | undefined;
            if (
              !body ||
              typeof body !== 'object' ||
              Array.isArray(body) ||
              body.resourceType !== 'Appointment'
            ) {
              throw fhirErrors.invalidResource('请求体应为 resourceType 为 Appointment 的 FHIR 资源。', {
                en: 'The body must be a FHIR resource with resourceType Appointment',
              });
            }
            const reader = readerOf(request);
            const env = await reader.env(baseOf(request, prefix));
            const found = await book(env, reader.auth, reader.actor, body);
            versionHeaders(reply, found);
            reply.header('location', `${env.base}/Appointment/${found.resource.id}`);
            return reply.status(201).send(found.resource);
          },
        });
      }
    }
  };
}
