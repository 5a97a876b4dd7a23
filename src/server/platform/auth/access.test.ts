import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../errors.js';
import { registerAccessControl } from './access.js';

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
