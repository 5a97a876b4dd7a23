/**
 * The simulated courier (demo mode and tests only), modelled on the simulated payment gateway: the remote
 * side keeps its own shipments and, after a shipment is created, pushes signed status callbacks —
 * picked_up → in_transit → delivered, or failed when the recipient refuses (an address whose detail
 * contains 拒收, or the failDelivery fault). Like real couriers it misbehaves on request: delays,
 * duplicated pushes, pushes out of order. A push the platform does not accept (not 2xx) is retried.
 *
 * [9/12] Its shipments and its push key live in its own tables (`couriersim_*`, 0030), so every API node
 * sees them: a shipment created through one node is cancelled or advanced (`advance`) through another,
 * and a push signed by one node verifies on every node. The journey's timed pushes run on the node that
 * created the shipment; the faults are per node (test knobs).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { CourierCallback } from '../../../shared/prescriptions.js';
import type { Db } from '../../platform/db/database.js';
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
  /** Push nothing by itself: tests send the callbacks by hand (`callbackFor`, `advance`). */
  hold: boolean;
}

/** Sends a signed push to the platform: real HTTP in the server, app.inject in tests. */
export type CourierDeliver = (headers: Record<string, string>, body: string) => Promise<void>;

export type SimShipmentState = 'created' | 'picked_up' | 'in_transit' | 'delivered' | 'failed' | 'cancelled';

export interface SimShipment {
  reference: string;
  waybillNo: string;
  request: ShipmentRequest;
  state: SimShipmentState;
}

const RETRIES = 5;

/** The waybill number of a reference: a repeated request answers the same one without reading anything. */
export function simWaybillNo(reference: string): string {
  return `SIM${createHash('sha256').update(reference).digest('hex').slice(0, 12).toUpperCase()}`;
}

export class SimCourier {
  readonly name = 'sim';
  private key: Buffer | null = null;
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;
  faults: CourierFaults = {
    delayMs: 500,
    duplicate: false,
    outOfOrder: false,
    failDelivery: false,
    hold: false,
  };
  deliver: CourierDeliver = async () => {};

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    /** Told about a failure of the courier's own background work (a shipment it could not record). */
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Reads the push key, made by the first node that starts: every node signs and verifies with it. */
  async init(): Promise<void> {
    const read = () =>
      this.db.selectFrom('couriersim_key').select('secret').where('id', '=', 1).executeTakeFirst();
    let row = await read();
    if (!row) {
      await this.db
        .insertInto('couriersim_key')
        .values({ id: 1, secret: randomBytes(32) })
        .onConflict((oc) => oc.column('id').doNothing()) // another node made it first: use theirs
        .execute();
      row = await read();
    }
    this.key = Buffer.from(row!.secret);
  }

  /** The key the platform's adapter verifies pushes with (shared out of band with a real courier). */
  get sharedKey(): Buffer {
    if (!this.key) throw new Error('SimCourier.init() was not awaited');
    return this.key;
  }

  /**
   * Creates a shipment, or answers the one already made for this reference (idempotent). The platform
   * asks inside its own transaction, so the answer does not wait for the courier's ledger (on PGlite, one
   * connection, it would wait forever): the waybill is a function of the reference, and the shipment is
   * recorded — and its journey started — right after (`settle` waits for it).
   */
  createShipment(request: ShipmentRequest): { waybillNo: string } {
    const waybillNo = simWaybillNo(request.reference);
    // What the journey will be is decided when it is asked for, as the faults stand then.
    const plan = {
      hold: this.faults.hold,
      end: this.outcome(request),
      outOfOrder: this.faults.outOfOrder,
    };
    this.track(this.record(request, waybillNo, plan));
    return { waybillNo };
  }

  private async record(
    request: ShipmentRequest,
    waybillNo: string,
    plan: { hold: boolean; end: 'delivered' | 'failed'; outOfOrder: boolean },
  ): Promise<void> {
    const now = this.now();
    const inserted = await this.db
      .insertInto('couriersim_shipment')
      .values({
        waybill_no: waybillNo,
        reference: request.reference,
        request: JSON.stringify(request),
        state: 'created',
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('reference').doNothing())
      .returning('waybill_no')
      .executeTakeFirst();
    // A repeated request starts no second journey.
    if (inserted && !plan.hold) await this.run(waybillNo, plan);
  }

  async cancel(waybillNo: string): Promise<void> {
    await this.db
      .updateTable('couriersim_shipment')
      .set({ state: 'cancelled', updated_at: this.now() })
      .where('waybill_no', '=', waybillNo)
      .where('state', 'in', ['created', 'picked_up'])
      .execute();
  }

  async shipment(waybillNo: string): Promise<SimShipment | undefined> {
    const row = await this.db
      .selectFrom('couriersim_shipment')
      .selectAll()
      .where('waybill_no', '=', waybillNo)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      reference: row.reference,
      waybillNo: row.waybill_no,
      request: (typeof row.request === 'string' ? JSON.parse(row.request) : row.request) as ShipmentRequest,
      state: row.state,
    };
  }

  /** How the courier's journey ends for this shipment. */
  outcome(request: ShipmentRequest): 'delivered' | 'failed' {
    return this.faults.failDelivery || request.to.address.includes('拒收') ? 'failed' : 'delivered';
  }

  /**
   * Moves a shipment one step along its journey and pushes that status, from any node: a held journey
   * driven by hand, or one whose node went away. Answers the status pushed, or null when the shipment is
   * unknown, at its end, or was moved by someone else meanwhile.
   */
  async advance(waybillNo: string): Promise<CourierCallback['status'] | null> {
    const s = await this.shipment(waybillNo);
    if (!s) return null;
    const next: Partial<Record<SimShipmentState, CourierCallback['status']>> = {
      created: 'picked_up',
      picked_up: 'in_transit',
      in_transit: this.outcome(s.request),
    };
    const status = next[s.state];
    if (!status) return null;
    const moved = await this.db
      .updateTable('couriersim_shipment')
      .set({ state: status, updated_at: this.now() })
      .where('waybill_no', '=', waybillNo)
      .where('state', '=', s.state)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) return null;
    await this.push(this.callbackFor(waybillNo, status));
    return status;
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
        [SIGNATURE_HEADERS.signature]: courierSignature(this.sharedKey, timestamp, nonce, body),
      },
      body,
    };
  }

  private async run(
    waybillNo: string,
    plan: { end: 'delivered' | 'failed'; outOfOrder: boolean },
  ): Promise<void> {
    const steps: CourierCallback['status'][] = ['picked_up', 'in_transit', plan.end];
    const events = steps.map((status) => this.callbackFor(waybillNo, status));
    const order = plan.outOfOrder ? [events[1]!, events[0]!, events[2]!] : events;
    for (const event of order) {
      await sleep(this.faults.delayMs);
      if (this.stopped) return;
      // Cancelled on any node: the journey stops there.
      const moved = await this.db
        .updateTable('couriersim_shipment')
        .set({ state: event.status, updated_at: this.now() })
        .where('waybill_no', '=', waybillNo)
        .where('state', '!=', 'cancelled')
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return;
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

  private track(work: Promise<void>): void {
    const tracked: Promise<void> = work
      .catch((err) => {
        if (!this.stopped) this.onError(err); // after stop the database may be closing under it
      })
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Waits for every shipment being recorded and every push in flight (tests, shutdown). */
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
    await this.sim.cancel(waybillNo);
  }

  parseCallback(headers: Record<string, string | string[] | undefined>, rawBody: string) {
    return verifyCourierPush(this.sim.sharedKey, headers, rawBody, this.now());
  }
}
