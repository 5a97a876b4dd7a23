import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationIdOf, registerRouteContracts } from '../../src/server/platform/http.js';
import { createTestApp, type TestApp } from '../support/app.js';

// Interoperable means checked by someone else's code (style): the document at /api/openapi.json is linted
// by Redocly CLI with its `recommended` rules, and client generators get servers and operationIds.
let t: TestApp;
let doc: OpenApi;
beforeAll(async () => {
  t = await createTestApp();
  const res = await t.request('GET', '/api/openapi.json');
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(async () => t.close());

interface OpenApi {
  openapi: string;
  servers?: { url: string }[];
  paths: Record<string, Record<string, { operationId?: string }>>;
}

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer?: string }[];
}

const operations = () =>
  Object.entries(doc.paths).flatMap(([p, item]) =>
    Object.entries(item).map(([method, op]) => ({
      where: `${method.toUpperCase()} ${p}`,
      id: op.operationId,
    })),
  );

/** Runs the Redocly CLI (the maintained linter, no network: telemetry and update check off). */
async function redoclyLint(file: string): Promise<LintProblem[]> {
  const cli = path.join(
    path.dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')),
    'bin/cli.js',
  );
  const run = promisify(execFile);
  const args = [cli, 'lint', '--extends=recommended', '--format=json', file];
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  // Exit 1 when it finds errors; the JSON report on stdout is what we read either way.
  const { stdout } = await run(process.execPath, args, { env, maxBuffer: 64 * 1024 * 1024 }).catch(
    (err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }),
  );
  return (JSON.parse(stdout) as { problems: LintProblem[] }).problems;
}

describe('the OpenAPI document', () => {
  it('names a server', () => {
    expect(doc.servers?.length).toBeGreaterThan(0);
    expect(doc.servers?.[0]?.url).toBe('/');
  });

  it('gives every operation a unique camelCase operationId', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(50);
    for (const op of ops) expect(op.id, op.where).toMatch(/^[a-z][A-Za-z0-9]*$/);
    expect(new Set(ops.map((op) => op.id)).size).toBe(ops.length);
    expect(doc.paths['/api/v1/visits/{id}/messages']?.get?.operationId).toBe('getVisitsByIdMessages');
    expect(doc.paths['/api/v1/notifications']?.get?.operationId).toBe('getNotifications');
  });

  it("passes Redocly's recommended rules with no error", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'yunyi-openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const problems = await redoclyLint(file);
    const errors = problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId} ${p.location.map((l) => l.pointer).join(' ')}: ${p.message}`);
    expect(errors).toEqual([]);
  }, 60_000);

  it('is linted for real: the same linter reports a document without servers and operationIds', async () => {
    const bare = structuredClone(doc);
    delete bare.servers;
    for (const item of Object.values(bare.paths)) for (const op of Object.values(item)) delete op.operationId;
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'yunyi-openapi-')), 'bare.json');
    writeFileSync(file, JSON.stringify(bare));
    const rules = new Set((await redoclyLint(file)).map((p) => `${p.severity} ${p.ruleId}`));
    expect(rules).toContain('error no-empty-servers');
    expect(rules).toContain('warn operation-operationId');
  }, 60_000);
});

describe('operationIds, derived in one place', () => {
  it('is the verb and the path, parameters as By<Name>, without /api/v1', () => {
    expect(operationIdOf('GET', '/api/v1/visits')).toBe('getVisits');
    expect(operationIdOf('GET', '/api/v1/visits/:id')).toBe('getVisitsById');
    expect(operationIdOf('POST', '/api/v1/visits/:id/calls/:callId/end')).toBe(
      'postVisitsByIdCallsByCallIdEnd',
    );
    expect(operationIdOf('POST', '/api/v1/me/real-name')).toBe('postMeRealName');
    expect(operationIdOf('GET', '/healthz')).toBe('getHealthz');
    expect(operationIdOf('GET', '/api/v2/visits')).toBe('getApiV2Visits');
  });

  it('keeps an id a route sets, and refuses two routes with one id at start-up', async () => {
    const app = Fastify();
    registerRouteContracts(app);
    app.get('/api/v1/a', { schema: { operationId: 'listThings' } }, async () => []);
    expect(() => app.get('/api/v1/b', { schema: { operationId: 'listThings' } }, async () => [])).toThrow(
      /share the operationId listThings/,
    );
    await app.close();
  });
});
