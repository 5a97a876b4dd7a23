/**
 * What the HL7 module knows at run time besides the database: the configured feeds (ctx.config.hl7.feeds)
 * and the listener's state, which the admin routes report. The state is kept per app context (a WeakMap
 * keyed by ctx, not a global), so several apps in one process — tests — each see their own listener.
 */
import type { Hl7Feed } from '../../platform/config.js';
import type { AppContext } from '../../platform/context.js';

export interface ListenerState {
  listening: boolean;
  port: number | null;
}

const listeners = new WeakMap<AppContext, ListenerState>();

export function listenerState(ctx: AppContext): ListenerState {
  return listeners.get(ctx) ?? { listening: false, port: null };
}

export function setListenerState(ctx: AppContext, state: ListenerState): void {
  listeners.set(ctx, state);
}

/** `::ffff:10.0.0.5` (an IPv4 peer on a dual-stack socket) → `10.0.0.5`; other addresses as they are. */
export function normaliseAddress(address: string | null | undefined): string {
  const a = (address ?? '').trim().toLowerCase();
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/**
 * The feed a message may come from: the one whose sending facility is MSH-4 AND whose address list holds
 * the peer. Both must hold — a listed address sending as another facility is refused, and so is the right
 * facility from an unlisted address.
 */
export function feedOf(ctx: AppContext, sendingFacility: string, peer: string): Hl7Feed | undefined {
  const address = normaliseAddress(peer);
  return ctx.config.hl7.feeds.find(
    (f) => f.sendingFacility === sendingFacility && f.addresses.some((a) => normaliseAddress(a) === address),
  );
}

/** The feeds that list an address (to keep an unparseable message from a known sender). */
export function feedsOfAddress(ctx: AppContext, peer: string): Hl7Feed[] {
  const address = normaliseAddress(peer);
  return ctx.config.hl7.feeds.filter((f) => f.addresses.some((a) => normaliseAddress(a) === address));
}

/** The feed named by a sending facility, whatever its addresses (replays, the status page). */
export function feedNamed(ctx: AppContext, sendingFacility: string): Hl7Feed | undefined {
  return ctx.config.hl7.feeds.find((f) => f.sendingFacility === sendingFacility);
}
