import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../../shared/visits.js';
import { type HubClient, VisitHub } from './hub.js';

const client = (accountId: string) => {
  const got: ServerFrame[] = [];
  const c: HubClient & { got: ServerFrame[] } = { accountId, got, send: (f) => got.push(f) };
  return c;
};

describe('VisitHub', () => {
  it('sends a visit frame to its followers only, and typing or signalling not back to the sender', () => {
    const hub = new VisitHub();
    const [p, d, other] = [client('p'), client('d'), client('x')];
    hub.follow('v1', p, 'patient');
    hub.follow('v1', d, 'doctor');
    hub.follow('v2', other, 'patient');
    hub.publish('v1', { type: 'typing', visitId: 'v1', role: 'patient' }, p);
    expect(p.got).toHaveLength(0);
    expect(d.got).toHaveLength(1);
    expect(other.got).toHaveLength(0);
  });

  it('stops pushing an on-demand visit to colleagues once one of them took it', () => {
    const hub = new VisitHub();
    const [p, taker, colleague] = [client('p'), client('doc-a'), client('doc-b')];
    hub.follow('v', p, 'patient');
    hub.follow('v', taker, 'doctor');
    hub.follow('v', colleague, 'doctor');
    hub.dropOtherDoctors('v', 'doc-a');
    hub.publish('v', { type: 'visit', visitId: 'v', status: 'in_progress' });
    expect(colleague.got).toHaveLength(0);
    expect(taker.got).toHaveLength(1);
    expect(p.got).toHaveLength(1);
    expect(hub.roleOf('v', colleague)).toBeUndefined();
  });

  it('forgets a socket that closed', () => {
    const hub = new VisitHub();
    const p = client('p');
    hub.follow('v', p, 'patient');
    hub.leave(p);
    expect(hub.followers('v')).toBe(0);
  });
});
