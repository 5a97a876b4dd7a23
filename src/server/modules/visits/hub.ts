import type { ServerFrame } from '../../../shared/visits.js';
import type { Bus, BusMessage } from '../../platform/bus.js';

/** A connected WebSocket as the hub sees it. */
export interface HubClient {
  accountId: string;
  send(frame: ServerFrame): void;
}

export type ParticipantRole = 'patient' | 'doctor';

/** What one node tells the others about a visit, on the bus subject `hub.visit.<visitId>`. */
type HubWire = { frame: ServerFrame } | { dropOtherDoctors: string };

const SUBJECT = 'hub.visit.';
/** A visit id is a UUID; anything else (a test's `v1`) is fine too, as long as it is one subject token. */
const TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * Fan-out of visit frames to the sockets following each visit, on every API node ([9/12]). A node holds
 * its own sockets; `publish` sends to them at once and puts the frame on the bus (`hub.visit.<id>`), and
 * every other node hands it to its own followers of that visit. A node skips what it published itself —
 * its sockets already have it — so each socket gets each frame once. Without NATS_URL the bus is in
 * process and only this node's sockets exist.
 *
 * The bus is best effort: a frame lost while NATS is away is not resent. Nothing is lost for good: every
 * message and read position is in PostgreSQL, and a client that reconnects resumes from its last id
 * (visit-socket.ts). Typing and signalling are live only, as they are on one node.
 */
export class VisitHub {
  private readonly subs = new Map<string, Map<HubClient, ParticipantRole>>();
  private readonly unsubscribe: (() => void) | null;

  constructor(private readonly bus?: Bus) {
    // One subscription per node for every visit: each node hears all hub traffic, which a handful of nodes
    // carry easily (docs/visits.md); per-visit subscriptions would race a socket's follow against the
    // subscription reaching the server.
    this.unsubscribe = bus ? bus.subscribe<HubWire>(`${SUBJECT}>`, (m) => this.fromBus(m)) : null;
  }

  follow(visitId: string, client: HubClient, role: ParticipantRole): void {
    let m = this.subs.get(visitId);
    if (!m) {
      m = new Map();
      this.subs.set(visitId, m);
    }
    m.set(client, role);
  }

  roleOf(visitId: string, client: HubClient): ParticipantRole | undefined {
    return this.subs.get(visitId)?.get(client);
  }

  /**
   * Stops pushing a visit to the practitioners who are no longer its participants (a colleague took an
   * on-demand visit they were previewing): every doctor-side follower except `keepAccountId`, on every
   * node. Sent on the visit's subject before the frames that follow it, so no node pushes the taken
   * visit's next frames to a colleague (a publisher's messages on one subject arrive in order).
   */
  dropOtherDoctors(visitId: string, keepAccountId: string): void {
    this.dropLocal(visitId, keepAccountId);
    this.toBus(visitId, { dropOtherDoctors: keepAccountId });
  }

  /** The visits a socket follows. */
  followed(client: HubClient): string[] {
    return [...this.subs].filter(([, m]) => m.has(client)).map(([visitId]) => visitId);
  }

  unfollow(visitId: string, client: HubClient): void {
    const m = this.subs.get(visitId);
    m?.delete(client);
    if (m?.size === 0) this.subs.delete(visitId);
  }

  leave(client: HubClient): void {
    for (const [visitId, m] of this.subs) {
      m.delete(client);
      if (m.size === 0) this.subs.delete(visitId);
    }
  }

  /**
   * Sends to everyone following the visit on any node, except `except` (typing and signalling go to the
   * others). `except` is a socket of this node, so it matters only here.
   */
  publish(visitId: string, frame: ServerFrame, except?: HubClient): void {
    this.deliver(visitId, frame, except);
    this.toBus(visitId, { frame });
  }

  /** Followers of the visit on this node. */
  followers(visitId: string): number {
    return this.subs.get(visitId)?.size ?? 0;
  }

  /** Stops hearing the other nodes (the app closes; the bus itself belongs to the server). */
  close(): void {
    this.unsubscribe?.();
  }

  private deliver(visitId: string, frame: ServerFrame, except?: HubClient): void {
    const m = this.subs.get(visitId);
    if (!m) return;
    for (const client of m.keys()) {
      if (client !== except) client.send(frame);
    }
  }

  private dropLocal(visitId: string, keepAccountId: string): void {
    const m = this.subs.get(visitId);
    if (!m) return;
    for (const [client, role] of m)
      if (role === 'doctor' && client.accountId !== keepAccountId) m.delete(client);
  }

  private toBus(visitId: string, wire: HubWire): void {
    if (this.bus && TOKEN.test(visitId)) this.bus.publish(SUBJECT + visitId, wire);
  }

  private fromBus(m: BusMessage<HubWire>): void {
    if (m.origin === this.bus?.nodeId) return; // delivered locally when it was published
    const visitId = m.subject.slice(SUBJECT.length);
    const wire = m.data;
    if (!wire || typeof wire !== 'object') return;
    if ('frame' in wire) this.deliver(visitId, wire.frame);
    else if (typeof wire.dropOtherDoctors === 'string') this.dropLocal(visitId, wire.dropOtherDoctors);
  }
}
