/**
 * Messages between API nodes ([9/12]): fire-and-forget fan-out to every node, this one included — the
 * visit hub's frames, a revoked session. Not for anything that must not be lost: that is an outbox event
 * (platform/outbox.ts), which PostgreSQL keeps until it is delivered. `LocalBus` serves one process; with
 * NATS_URL the nodes share NATS core subjects (platform/nats.ts).
 *
 * Subjects are NATS subjects: dot-separated tokens, `*` matches one token and `>` the rest
 * (`yunyi.hub.visit.>`).
 */
export interface BusMessage<T = unknown> {
  subject: string;
  data: T;
  /** The node that published it (`config.cluster.nodeId`): a node skips what it already did locally. */
  origin: string;
}

export type BusHandler<T = unknown> = (message: BusMessage<T>) => void;

export interface Bus {
  readonly nodeId: string;
  /** Sends to every subscriber on every node. Never throws; a message no node hears is gone. */
  publish(subject: string, data: unknown): void;
  /** Returns the unsubscribe function. */
  subscribe<T = unknown>(subject: string, handler: BusHandler<T>): () => void;
  /**
   * Whether this node's messages reach the other nodes and theirs reach it now. While false, whatever the
   * others publish (a revoked session) may be missing here: code that relies on hearing it stops trusting
   * what it holds (the session cache stops caching and clears itself on every change).
   */
  readonly connected: boolean;
  /** Called with the new state when `connected` changes; returns the unsubscribe function. */
  onStatus(listener: (connected: boolean) => void): () => void;
  close(): Promise<void>;
}

/** The listeners of a bus's connection state (NatsBus, RedisBus). */
export class StatusListeners {
  private readonly listeners = new Set<(connected: boolean) => void>();

  add(listener: (connected: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(connected: boolean): void {
    for (const l of this.listeners) {
      try {
        l(connected);
      } catch {
        // A listener's failure is its own.
      }
    }
  }
}

/** Whether a NATS subject pattern (`a.*.c`, `a.>`) matches a subject. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** One process: delivery in the same tick order, on a microtask, so a publisher never re-enters itself. */
export class LocalBus implements Bus {
  private readonly subs = new Set<{ pattern: string; handler: BusHandler }>();

  readonly connected = true;

  constructor(readonly nodeId: string) {}

  onStatus(): () => void {
    return () => {};
  }

  publish(subject: string, data: unknown): void {
    const message: BusMessage = { subject, data, origin: this.nodeId };
    for (const sub of this.subs) {
      if (!subjectMatches(sub.pattern, subject)) continue;
      queueMicrotask(() => {
        try {
          sub.handler(message);
        } catch {
          // A subscriber's failure is its own; the bus keeps delivering to the others.
        }
      });
    }
  }

  subscribe<T = unknown>(subject: string, handler: BusHandler<T>): () => void {
    const sub = { pattern: subject, handler: handler as BusHandler };
    this.subs.add(sub);
    return () => {
      this.subs.delete(sub);
    };
  }

  async close(): Promise<void> {
    this.subs.clear();
  }
}
