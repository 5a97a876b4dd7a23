import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../errors.js';
import { refusedAccessEntry, registerAccessControl } from './access.js';

describe('DJ-7: every API route declares who may call it', () => {
  it('refuses to start with an undeclared /api/v1 route', async () => {
    const app = Fastify();
    registerAccessControl(app, async () => null);
    expect(() => app.get('/api/v1/forgotten', async () => 'open')).toThrow(
      /does not declare who may call it/,
    );
    await app.close();
  });

  it('checks the role before the handler runs', async () => {
    const app = Fastify();
    registerErrorHandling(app);
    let ran = false;
    registerAccessControl(app, async () => ({
      accountId: 'a',
      sessionId: 's',
      roles: ['patient'],
      institutionId: null,
      practitionerId: null,
      isStaff: false,
    }));
    app.get('/api/v1/staff-only', { config: { access: ['regulator'] } }, async () => {
      ran = true;
      return 'secret';
    });
    const res = await app.inject({
      url: '/api/v1/staff-only',
      headers: { authorization: `Bearer ${'t'.repeat(43)}` },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
    expect(ran).toBe(false);
    await app.close();
  });
});

describe('DJ-12, DJ-17: what a refused request is audited with', () => {
  const P = '0190a000-0000-7000-8000-00000000000a';
  const V = '0190a000-0000-7000-8000-00000000000b';
  const C = '0190a000-0000-7000-8000-00000000000c';
  const req = (url: string, method: string, parts: { params?: object; query?: object; body?: unknown }) => ({
    method,
    routeOptions: { url },
    params: parts.params ?? {},
    query: parts.query ?? {},
    body: parts.body,
  });

  it('names the resource of the path and, for /patients/:id, the patient', () => {
    expect(
      refusedAccessEntry(req('/api/v1/patients/:id', 'GET', { params: { id: P } }), 'NOT_YOUR_PATIENT'),
    ).toEqual({
      action: 'access.denied',
      outcome: 'failure',
      resourceType: 'patient',
      resourceId: P,
      patientId: P,
      details: { code: 'NOT_YOUR_PATIENT', method: 'GET', route: '/api/v1/patients/:id', params: { id: P } },
    });
  });

  it('takes the first id of a nested path as the resource and keeps every id parameter', () => {
    const e = refusedAccessEntry(
      req('/api/v1/visits/:id/calls/:callId/end', 'POST', { params: { id: V, callId: C } }),
      'FORBIDDEN',
    );
    expect(e).toMatchObject({ resourceType: 'visit', resourceId: V, patientId: null });
    expect(e.details).toMatchObject({ params: { id: V, callId: C } });
    expect(
      refusedAccessEntry(req('/api/v1/pilot-scopes/:id/revoke', 'POST', { params: { id: V } }), 'X'),
    ).toMatchObject({ resourceType: 'pilot_scope', resourceId: V });
    expect(refusedAccessEntry(req('/api/v1/orders/:id', 'GET', { params: { id: V } }), 'X')).toMatchObject({
      resourceType: 'payment_order',
    });
  });

  it('records the patient a request names in its query or body; a path without an id names its collection', () => {
    expect(refusedAccessEntry(req('/api/v1/visits', 'GET', { query: { patientId: P } }), 'X')).toMatchObject({
      resourceType: 'visit',
      resourceId: null,
      patientId: P,
    });
    expect(
      refusedAccessEntry(req('/api/v1/appointments', 'POST', { body: { scheduleId: V, patientId: P } }), 'X'),
    ).toMatchObject({ resourceType: 'appointment', resourceId: null, patientId: P });
  });

  it('copies no value that is not an id: no phone or ID number reaches the audit log (DJ-10)', () => {
    const e = refusedAccessEntry(
      req('/api/v1/things/:phone', 'POST', {
        params: { phone: '13800000001' },
        query: { patientId: '11010519491231002X' },
        body: { patientId: '13800000002', idNumber: '11010519491231002X' },
      }),
      'FORBIDDEN',
    );
    expect(e).toMatchObject({ resourceType: 'thing', resourceId: null, patientId: null });
    expect(JSON.stringify(e)).not.toMatch(/138000000|11010519491231002X/);
  });
});
