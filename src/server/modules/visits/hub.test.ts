import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../../shared/visits.js';
import { type Bus, type BusHandler, subjectMatches } from '../../platform/bus.js';
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

/**
 * Two nodes' hubs joined by one in-memory bus that, like NATS, delivers every message to every node —
 * the publishing one included — each stamped with the node that published it.
 */
function twoNodes() {
  const subs: { node: string; handler: BusHandler }[] = [];
  const busOf = (nodeId: string): Bus => ({
    nodeId,
    connected: true,
    onStatus: () => () => {},
    publish(subject, data) {
      // JSON on the way, as on the wire: a frame must survive it.
      const copy = JSON.parse(JSON.stringify(data));
      for (const s of [...subs]) s.handler({ subject, data: copy, origin: nodeId });
    },
    subscribe(pattern, handler) {
      const s = {
        node: nodeId,
        handler: ((m) => subjectMatches(pattern, m.subject) && handler(m as never)) as BusHandler,
      };
      subs.push(s);
      return () => subs.splice(subs.indexOf(s), 1);
    },
    async close() {},
  });
  return { a: new VisitHub(busOf('node-a')), b: new VisitHub(busOf('node-b')) };
}

describe('VisitHub across nodes', () => {
  it('delivers a frame once to each follower on either node, the sender included for messages', () => {
    const { a, b } = twoNodes();
    const [doctor, patient, stranger] = [client('d'), client('p'), client('x')];
    a.follow('v', doctor, 'doctor');
    b.follow('v', patient, 'patient');
    b.follow('w', stranger, 'patient');
    a.publish('v', { type: 'read', visitId: 'v', role: 'doctor', lastReadId: 7 });
    b.publish('v', { type: 'read', visitId: 'v', role: 'patient', lastReadId: 8 });
    expect(doctor.got).toEqual([
      { type: 'read', visitId: 'v', role: 'doctor', lastReadId: 7 },
      { type: 'read', visitId: 'v', role: 'patient', lastReadId: 8 },
    ]);
    expect(patient.got).toEqual(doctor.got);
    expect(stranger.got).toHaveLength(0);
  });

  it('keeps typing and signalling from the sender (a socket of the publishing node) and gives them to the other node', () => {
    const { a, b } = twoNodes();
    const [doctor, doctorTab, patient] = [client('d'), client('d'), client('p')];
    a.follow('v', doctor, 'doctor');
    a.follow('v', doctorTab, 'doctor');
    b.follow('v', patient, 'patient');
    a.publish('v', { type: 'signal', visitId: 'v', from: 'doctor', data: { sdp: 'offer' } }, doctor);
    expect(doctor.got).toHaveLength(0);
    expect(doctorTab.got).toHaveLength(1);
    expect(patient.got).toEqual([{ type: 'signal', visitId: 'v', from: 'doctor', data: { sdp: 'offer' } }]);
  });

  it('drops the colleagues of the doctor who took a visit on every node, before the frames that follow', () => {
    const { a, b } = twoNodes();
    const [taker, colleagueA, colleagueB, patient] = [
      client('doc-a'),
      client('doc-b'),
      client('doc-c'),
      client('p'),
    ];
    a.follow('v', taker, 'doctor');
    a.follow('v', colleagueA, 'doctor');
    b.follow('v', colleagueB, 'doctor');
    b.follow('v', patient, 'patient');
    a.dropOtherDoctors('v', 'doc-a');
    a.publish('v', { type: 'visit', visitId: 'v', status: 'in_progress' });
    expect(colleagueA.got).toHaveLength(0);
    expect(colleagueB.got).toHaveLength(0);
    expect(b.roleOf('v', colleagueB)).toBeUndefined();
    expect(taker.got).toHaveLength(1);
    expect(patient.got).toHaveLength(1);
  });

  it('stops hearing the other nodes once closed', () => {
    const { a, b } = twoNodes();
    const p = client('p');
    b.follow('v', p, 'patient');
    b.close();
    a.publish('v', { type: 'typing', visitId: 'v', role: 'doctor' });
    expect(p.got).toHaveLength(0);
  });
});
