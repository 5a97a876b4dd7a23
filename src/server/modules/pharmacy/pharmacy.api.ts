/**
 * What other modules may ask of pharmacy (style.md: a module owns its tables; others call these functions
 * with their own transaction): where the pharmacies are and what they offer, what they have in stock, and
 * the stock reservation of a fulfilment — reserved when the patient chooses the pharmacy, released when
 * the fulfilment ends unfilled, consumed when the pharmacy dispenses.
 *
 * Stock never goes negative (RX-11, the "50 patients, last 10 boxes"): a reservation is one
 * conditional update per drug (`on_hand - reserved >= n`), which takes the row's lock and re-checks the
 * condition on the committed value, so concurrent choosers are counted one at a time; the table's check
 * `reserved <= on_hand` is the backstop. Rows are locked sorted by drug id, so two reservations of the
 * same drugs never deadlock.
 */
import { sql } from 'kysely';
import type { Executor, Tx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';

/** A pharmacy's counter: where it is and what it offers (hospital pharmacies too). */
export interface PharmacySite {
  id: string;
  lat: number;
  lng: number;
  pickup: boolean;
  delivery: boolean;
  deliveryFeeFen: number;
  openingHours: string | null;
}

/** Every pharmacy's site, or those of the given institutions. */
export async function pharmacySites(db: Executor, ids?: readonly string[]): Promise<PharmacySite[]> {
  if (ids && ids.length === 0) return [];
  let q = db.selectFrom('pharmacy_site').selectAll();
  if (ids) q = q.where('institution_id', 'in', [...new Set(ids)]);
  const rows = await q.orderBy('institution_id').execute();
  return rows.map((r) => ({
    id: r.institution_id,
    lat: r.lat,
    lng: r.lng,
    pickup: r.pickup,
    delivery: r.delivery,
    deliveryFeeFen: r.delivery_fee_fen,
    openingHours: r.opening_hours,
  }));
}

/** What a pharmacy has of a drug: its price and how much is free to reserve (on hand − reserved). */
export interface StockOffer {
  pharmacyId: string;
  drugId: string;
  priceFen: number;
  available: number;
}

/** Stock of these drugs at these pharmacies (a drug a pharmacy never stocked has no row). */
export async function stockOffers(
  db: Executor,
  pharmacyIds: readonly string[],
  drugIds: readonly string[],
): Promise<StockOffer[]> {
  if (pharmacyIds.length === 0 || drugIds.length === 0) return [];
  const rows = await db
    .selectFrom('stock_item')
    .select(['pharmacy_id', 'drug_id', 'price_fen', 'on_hand', 'reserved'])
    .where('pharmacy_id', 'in', [...new Set(pharmacyIds)])
    .where('drug_id', 'in', [...new Set(drugIds)])
    .execute();
  return rows.map((r) => ({
    pharmacyId: r.pharmacy_id,
    drugId: r.drug_id,
    priceFen: r.price_fen,
    available: r.on_hand - r.reserved,
  }));
}

export interface ReservedLine {
  drugId: string;
  quantity: number;
  /** The pharmacy's price per package at the moment of the reservation (fen). */
  priceFen: number;
}

export type ReserveResult = { ok: true; lines: ReservedLine[] } | { ok: false; drugId: string };

/**
 * Reserves a fulfilment's drugs at a pharmacy, in the caller's transaction: one conditional update per
 * drug, sorted by drug id. Answers the first drug that is short; the caller then refuses the command and
 * its transaction rolls back the drugs reserved before it.
 */
export async function reserveStock(
  trx: Tx,
  input: {
    pharmacyId: string;
    fulfilmentId: string;
    items: readonly { drugId: string; quantity: number }[];
    now: Date;
  },
): Promise<ReserveResult> {
  const wanted = new Map<string, number>();
  for (const i of input.items) wanted.set(i.drugId, (wanted.get(i.drugId) ?? 0) + i.quantity);
  const lines: ReservedLine[] = [];
  for (const drugId of [...wanted.keys()].sort()) {
    const n = wanted.get(drugId)!;
    const row = await trx
      .updateTable('stock_item')
      .set({ reserved: sql`reserved + ${n}` })
      .where('pharmacy_id', '=', input.pharmacyId)
      .where('drug_id', '=', drugId)
      .where(sql<boolean>`on_hand - reserved >= ${n}`)
      .returning('price_fen')
      .executeTakeFirst();
    if (!row) return { ok: false, drugId };
    await trx
      .insertInto('stock_reservation')
      .values({
        id: newId(),
        pharmacy_id: input.pharmacyId,
        drug_id: drugId,
        fulfilment_id: input.fulfilmentId,
        quantity: n,
        status: 'held',
        created_at: input.now,
      })
      .execute();
    lines.push({ drugId, quantity: n, priceFen: row.price_fen });
  }
  return { ok: true, lines };
}

/**
 * Gives a fulfilment's held stock back (it lapsed unpaid, was cancelled, or its prescription expired).
 * Idempotent: only `held` reservations are released. Answers how many drugs were released.
 */
export async function releaseReservation(trx: Tx, fulfilmentId: string, now: Date): Promise<number> {
  const held = await trx
    .updateTable('stock_reservation')
    .set({ status: 'released', settled_at: now })
    .where('fulfilment_id', '=', fulfilmentId)
    .where('status', '=', 'held')
    .returning(['pharmacy_id', 'drug_id', 'quantity'])
    .execute();
  held.sort((a, b) => a.drug_id.localeCompare(b.drug_id));
  for (const r of held) {
    await trx
      .updateTable('stock_item')
      .set({ reserved: sql`reserved - ${r.quantity}` })
      .where('pharmacy_id', '=', r.pharmacy_id)
      .where('drug_id', '=', r.drug_id)
      .execute();
  }
  return held.length;
}

/** Boxes handed out of one batch of one drug. */
export interface BoxesFromBatch {
  drugId: string;
  batchNo: string;
  count: number;
}

export type ConsumeResult =
  | { ok: true }
  | { ok: false; problem: 'not_reserved'; drugId: string }
  | {
      ok: false;
      problem: 'unknown_batch' | 'batch_short' | 'batch_expired';
      drugId: string;
      batchNo: string;
    };

/**
 * Dispensing takes the reserved boxes out of stock (RX-11), in the caller's transaction: the held
 * reservation is consumed, `on_hand` and `reserved` go down by the reserved quantity, and each batch
 * named goes down by its boxes — a batch that is unknown at this pharmacy, short, or past its expiry date
 * (`today`, Asia/Shanghai) is answered, and the caller refuses the command (its transaction rolls back).
 * The boxes per drug must add up to the reservation (the caller checks them against the prescription).
 */
export async function consumeReservation(
  trx: Tx,
  input: {
    pharmacyId: string;
    fulfilmentId: string;
    boxes: readonly BoxesFromBatch[];
    now: Date;
    today: string;
  },
): Promise<ConsumeResult> {
  const held = await trx
    .updateTable('stock_reservation')
    .set({ status: 'consumed', settled_at: input.now })
    .where('fulfilment_id', '=', input.fulfilmentId)
    .where('pharmacy_id', '=', input.pharmacyId)
    .where('status', '=', 'held')
    .returning(['drug_id', 'quantity'])
    .execute();
  const reserved = new Map(held.map((r) => [r.drug_id, r.quantity]));
  const perDrug = new Map<string, number>();
  for (const b of input.boxes) perDrug.set(b.drugId, (perDrug.get(b.drugId) ?? 0) + b.count);
  // The boxes must be exactly what was reserved, drug by drug (the caller checked them against the
  // prescription, which the reservation was made from).
  for (const drugId of new Set([...perDrug.keys(), ...reserved.keys()]))
    if (perDrug.get(drugId) !== reserved.get(drugId)) return { ok: false, problem: 'not_reserved', drugId };
  // Stock rows first (sorted by drug id, the order reservations lock them in), then the batches.
  for (const [drugId, quantity] of [...reserved].sort(([a], [b]) => a.localeCompare(b))) {
    await trx
      .updateTable('stock_item')
      .set({ on_hand: sql`on_hand - ${quantity}`, reserved: sql`reserved - ${quantity}` })
      .where('pharmacy_id', '=', input.pharmacyId)
      .where('drug_id', '=', drugId)
      .execute();
  }
  const sorted = [...input.boxes].sort(
    (a, b) => a.drugId.localeCompare(b.drugId) || a.batchNo.localeCompare(b.batchNo),
  );
  for (const b of sorted) {
    const taken = await trx
      .updateTable('stock_batch')
      .set({ quantity: sql`quantity - ${b.count}` })
      .where('pharmacy_id', '=', input.pharmacyId)
      .where('drug_id', '=', b.drugId)
      .where('batch_no', '=', b.batchNo)
      .where('quantity', '>=', b.count)
      .where('expires_on', '>=', input.today)
      .returning('id')
      .executeTakeFirst();
    if (taken) continue;
    const batch = await trx
      .selectFrom('stock_batch')
      .select(['quantity', 'expires_on'])
      .where('pharmacy_id', '=', input.pharmacyId)
      .where('drug_id', '=', b.drugId)
      .where('batch_no', '=', b.batchNo)
      .executeTakeFirst();
    const problem = !batch
      ? 'unknown_batch'
      : batch.expires_on < input.today
        ? 'batch_expired'
        : 'batch_short';
    return { ok: false, problem, drugId: b.drugId, batchNo: b.batchNo };
  }
  return { ok: true };
}

/** A fulfilment's reservations (the counter and the tests read them). */
export async function reservationsOf(
  db: Executor,
  fulfilmentId: string,
): Promise<{ drugId: string; quantity: number; status: string }[]> {
  const rows = await db
    .selectFrom('stock_reservation')
    .select(['drug_id', 'quantity', 'status'])
    .where('fulfilment_id', '=', fulfilmentId)
    .orderBy('drug_id')
    .execute();
  return rows.map((r) => ({ drugId: r.drug_id, quantity: r.quantity, status: r.status }));
}

/** A drug's stock row at a pharmacy (undefined when never stocked). */
export async function stockLevel(
  db: Executor,
  pharmacyId: string,
  drugId: string,
): Promise<{ onHand: number; reserved: number; priceFen: number } | undefined> {
  const r = await db
    .selectFrom('stock_item')
    .select(['on_hand', 'reserved', 'price_fen'])
    .where('pharmacy_id', '=', pharmacyId)
    .where('drug_id', '=', drugId)
    .executeTakeFirst();
  return r ? { onHand: r.on_hand, reserved: r.reserved, priceFen: r.price_fen } : undefined;
}
