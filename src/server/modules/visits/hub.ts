import type { ServerFrame } from '../../../shared/visits.js';

/** A connected WebSocket as the hub sees it. */
export interface HubClient {
  accountId: string;
  send(frame: ServerFrame): void;
}

export type ParticipantRole = 'patient' | 'doctor';

/**
 * In-process fan-out of visit frames to the sockets following each visit. One server process holds all
 * sockets of the demo and small deployments; several processes would relay through NATS (docs/visits.md).
 */
export class VisitHub {
  private readonly subs = new Map<string, Map<HubClient, ParticipantRole>>();

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
   * on-demand visit they were previewing): every doctor-side follower except `keepAccountId`.
   */
  dropOtherDoctors(visitId: string, keepAccountId: string): void {
    const m = this.subs.get(visitId);
    if (!m) return;
    for (const [client, role] of m)
      if (role === 'doctor' && client.accountId !== keepAccountId) m.delete(client);
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

  /** Sends to everyone following the visit, except `except` (typing and signalling go to the others). */
  publish(visitId: string, frame: ServerFrame, except?: HubClient): void {
    const m = this.subs.get(visitId);
    if (!m) return;
    for (const client of m.keys()) {
      if (client !== except) client.send(frame);
    }
  }

  followers(visitId: string): number {
    return this.subs.get(visitId)?.size ?? 0;
  }
}
