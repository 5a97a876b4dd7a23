/**
 * The simulated courier (demo mode and tests only), modelled on the simulated payment gateway: the remote
 * side keeps its own shipments and, after a shipment is created, pushes signed status callbacks —
 * picked_up → in_transit → delivered, or failed when the recipient refuses (an address whose detail
 * contains 拒收, or the failDelivery fault). Like real couriers it misbehaves on request: delays,
 * duplicated pushes, pushes out of order. A push the platform does not accept (not 2xx) is retried.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { CourierCallback } from '../../../shared/prescriptions.js';
import {
  type CourierAdapter,
  courierSignature,
  type ShipmentRequest,
  SIGNATURE_HEADERS,
  verifyCourierPush,
} from './courier.js';

export interface CourierFaults {
  /** Wait before each push. */
  delayMs: number;
  /** Push every callback twice (same event id). */
  duplicate: boolean;
  /** Push picked_up after in_transit (an older status arriving after a newer one). */
  outOfOrder: boolean;
  /** The delivery fails (the recipient is not reached), whatever the address says. */
  failDelivery: boolean;
  /** Push nothing by itself: tests send the callbacks by hand (`callbackFor`). */
  hold: boolean;
}

/** Sends a signed push to the platform: real HTTP in the server, app.inject in tests. */
export type CourierDeliver = (headers: Record<string, string>, body: string) => Promise<void>;

interface SimShipment {
  reference: string;
  waybillNo: string;
  request: ShipmentRequest;
  state: 'created' | 'picked_up' | 'in_transit' | 'delivered' | 'failed' | 'cancelled';
  pushed: CourierCallback[];
}

const RETRIES = 5;

export class SimCourier {
  readonly name = 'sim';
  private readonly key = randomBytes(32);
  private readonly byReference = new Map<string, SimShipment>();
  private readonly byWaybill = new Map<string, SimShipment>();
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;
  private seq = 0;
  faults: CourierFaults = {
    delayMs: 500,
    duplicate: false,
    outOfOrder: false,
    failDelivery: false,
    hold: false,
  };
  deliver: CourierDeliver = async () => {};

  constructor(private readonly now: () => Date) {}

  /** The key the platform's adapter verifies pushes with (shared out of band with a real courier). */
  get sharedKey(): Buffer {
    return this.key;
  }

  /** Creates a shipment, or answers the one already made for this reference (idempotent). */
  createShipment(request: ShipmentRequest): { waybillNo: string } {
    const existing = this.byReference.get(request.reference);
    if (existing) return { waybillNo: existing.waybillNo };
    this.seq += 1;
    const waybillNo = `SIM${Date.now().toString().slice(-7)}${String(this.seq).padStart(5, '0')}`;
    const shipment: SimShipment = {
      reference: request.reference,
      waybillNo,
      request,
      state: 'created',
      pushed: [],
    };
    this.byReference.set(request.reference, shipment);
    this.byWaybill.set(waybillNo, shipment);
    if (!this.faults.hold) this.track(this.run(shipment));
    return { waybillNo };
  }

  cancel(waybillNo: string): void {
    const s = this.byWaybill.get(waybillNo);
    if (s && (s.state === 'created' || s.state === 'picked_up')) s.state = 'cancelled';
  }

  shipment(waybillNo: string): Readonly<SimShipment> | undefined {
    return this.byWaybill.get(waybillNo);
  }

  /** How the courier's journey ends for this shipment. */
  outcome(s: SimShipment): 'delivered' | 'failed' {
    return this.faults.failDelivery || s.request.to.address.includes('拒收') ? 'failed' : 'delivered';
  }

  /** A callback as the courier would push it (tests send, replay and reorder these by hand). */
  callbackFor(waybillNo: string, status: CourierCallback['status'], eventId = randomUUID()): CourierCallback {
    return { eventId, waybillNo, status, occurredAt: this.now().toISOString() };
  }

  /** A signed push of a callback, as the platform receives it. */
  signed(callback: CourierCallback): { headers: Record<string, string>; body: string } {
    const body = JSON.stringify(callback);
    const timestamp = String(Math.floor(this.now().getTime() / 1000));
    const nonce = randomUUID();
    return {
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADERS.timestamp]: timestamp,
        [SIGNATURE_HEADERS.nonce]: nonce,
        [SIGNATURE_HEADERS.signature]: courierSignature(this.key, timestamp, nonce, body),
      },
      body,
    };
  }

  private async run(s: SimShipment): Promise<void> {
    const end = this.outcome(s);
    const steps: CourierCallback['status'][] = ['picked_up', 'in_transit', end];
    const events = steps.map((status) => this.callbackFor(s.waybillNo, status));
    const order = this.faults.outOfOrder ? [events[1]!, events[0]!, events[2]!] : events;
    for (const event of order) {
      await sleep(this.faults.delayMs);
      if (this.stopped || s.state === 'cancelled') return;
      s.state = event.status;
      s.pushed.push(event);
      await this.push(event);
      if (this.faults.duplicate) await this.push(event);
    }
  }

  /** One push, retried (with a growing pause) until the platform takes it, as couriers do. */
  private async push(event: CourierCallback): Promise<void> {
    for (let attempt = 0; attempt < RETRIES && !this.stopped; attempt++) {
      const { headers, body } = this.signed(event);
      try {
        await this.deliver(headers, body);
        return;
      } catch {
        await sleep(Math.max(this.faults.delayMs, 20) * 2 ** attempt);
      }
    }
  }

  private track(p: Promise<void>): void {
    const tracked = p.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Waits for every push in flight (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Stops pushing (the app is closing). */
  stop(): void {
    this.stopped = true;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The platform's adapter for the simulated courier: calls its API and verifies its pushes. */
export class SimCourierAdapter implements CourierAdapter {
  readonly name = 'sim';
  constructor(
    private readonly sim: SimCourier,
    private readonly now: () => Date,
  ) {}

  async createShipment(request: ShipmentRequest): Promise<{ waybillNo: string }> {
    return this.sim.createShipment(request);
  }

  async cancel(waybillNo: string): Promise<void> {
    this.sim.cancel(waybillNo);
  }

  parseCallback(headers: Record<string, string | string[] | undefined>, rawBody: string) {
    return verifyCourierPush(this.sim.sharedKey, headers, rawBody, this.now());
  }
}
