import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkNumericParams, Limit, QueryInt } from '../../src/server/platform/http.js';
import { createTestApp, type TestApp } from '../support/app.js';

// DJ-18: a number the API cannot use is a clear 400 in zh-CN, never a 500 — in every list's query.
let t: TestApp;
let patient: string;
let regulator: string;
beforeAll(async () => {
  t = await createTestApp({ seed: true });
  patient = await t.login('13800000001');
  regulator = await t.login('13500000001');
});
afterAll(async () => t.close());

const BAD_NUMBERS = ['1e309', '-1e309', '-1', 'abc', '1.5', ''];

async function expectRefused(url: string, param: string, token: string) {
  const res = await t.request('GET', url, { token });
  expect({ url, status: res.statusCode }).toEqual({ url, status: 400 });
  expect(res.headers['content-type']).toContain('application/problem+json');
  const body = res.json();
  expect(body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', title: '请求参数校验失败' });
  expect(body.fields.map((f: { field: string }) => f.field)).toContain(`querystring.${param}`);
  // The message is zh-CN (DJ-18), naming the field.
  expect(body.detail).toMatch(new RegExp(`querystring\\.${param}：.*[\\u4e00-\\u9fff]`));
}

describe('NUL characters (PostgreSQL text cannot hold them)', () => {
  it('DJ-18: ?q=%00 on the public search and a NUL in a JSON body are 400 VALIDATION_FAILED, not 500', async () => {
    for (const url of ['/api/v1/search?q=%00', '/api/v1/institutions?q=a%00b']) {
      const res = await t.request('GET', url);
      expect({ url, status: res.statusCode, code: res.json().code }).toEqual({
        url,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(res.json().fields[0].field).toBe('querystring.q');
    }
    const res = await t.request('POST', '/api/v1/triage', { token: patient, body: { text: '头疼\u0000' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      detail: 'body.text：不能包含空字符（U+0000）',
    });
  });
});

describe('numeric query parameters (one definition: QueryInt / Limit)', () => {
  it('GET /notifications?limit=1e309 is 400 VALIDATION_FAILED, not 500', async () => {
    await expectRefused('/api/v1/notifications?limit=1e309', 'limit', patient);
  });

  it.each(BAD_NUMBERS)('every list endpoint refuses limit=%s with 400', async (bad) => {
    const q = encodeURIComponent(bad);
    const lists: [string, string][] = [
      [`/api/v1/notifications?limit=${q}`, patient],
      [`/api/v1/institutions?limit=${q}`, patient],
      [`/api/v1/doctors?limit=${q}`, patient],
      [`/api/v1/visits?limit=${q}`, regulator],
      [`/api/v1/visits/${randomUUID()}/messages?limit=${q}`, patient],
      [`/api/v1/icd10?q=${encodeURIComponent('高血压')}&limit=${q}`, patient],
    ];
    for (const [url, token] of lists) await expectRefused(url, 'limit', token);
  });

  it('refuses an overflowing message cursor (after=1e309) too', async () => {
    await expectRefused(`/api/v1/visits/${randomUUID()}/messages?after=1e309`, 'after', patient);
  });

  it('still accepts a number in range, and the bounds themselves', async () => {
    for (const limit of ['1', '100']) {
      const res = await t.request('GET', `/api/v1/notifications?limit=${limit}`, { token: patient });
      expect(res.statusCode).toBe(200);
    }
    expect(
      (await t.request('GET', '/api/v1/institutions?limit=101', { token: patient })).json(),
    ).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'querystring.limit：不能大于 100' });
  });

  it('every GET with a numeric query parameter in the OpenAPI document refuses 1e309', async () => {
    const doc = (await t.request('GET', '/api/openapi.json')).json() as OpenApi;
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      const op = item.get;
      if (!op) continue;
      const params = op.parameters ?? [];
      const numeric = params.filter((p) => p.in === 'query' && p.schema.type === 'integer');
      for (const target of numeric) {
        const url = path.replace(/\{[^}]+\}/g, () => randomUUID());
        const query = params
          .filter((p) => p.in === 'query' && p.required && p.name !== target.name)
          .map((p) => `${p.name}=${encodeURIComponent(sampleOf(p.schema))}`);
        query.push(`${target.name}=1e309`);
        await expectRefused(`${url}?${query.join('&')}`, target.name, regulator);
        checked++;
      }
    }
    // The lists above at least (notifications, institutions, departments, doctors, visits, messages, icd10).
    expect(checked).toBeGreaterThanOrEqual(8);
  });
});

describe('checkNumericParams', () => {
  it('refuses at start-up a route whose numeric query parameter is not a QueryInt', async () => {
    const app = Fastify();
    app.addHook('onRoute', checkNumericParams);
    expect(() =>
      app.get(
        '/api/v1/things',
        { schema: { querystring: Type.Object({ limit: Type.Integer() }) } },
        async () => [],
      ),
    ).toThrow(/parameter 'limit' is a number; declare it with QueryInt/);
    expect(() =>
      app.get(
        '/api/v1/others',
        {
          schema: {
            querystring: Type.Object({
              limit: Type.Optional(Limit(10)),
              at: QueryInt({ minimum: 0, maximum: 9 }),
            }),
          },
        },
        async () => [],
      ),
    ).not.toThrow();
    await app.close();
  });
});

interface OpenApiParameter {
  in: string;
  name: string;
  required?: boolean;
  schema: { type?: string; format?: string; enum?: string[]; pattern?: string };
}
interface OpenApi {
  paths: Record<string, Record<string, { parameters?: OpenApiParameter[] } | undefined>>;
}

function sampleOf(schema: OpenApiParameter['schema']): string {
  if (schema.enum?.length) return schema.enum[0]!;
  if (schema.format === 'uuid') return randomUUID();
  if (schema.format === 'date' || schema.pattern?.startsWith('^\\d{4}-')) return '2026-11-22';
  return 'a';
}
