/**
 * Circulation (处方流转, RX-13): the patient chooses where an approved prescription is filled — the issuing
 * hospital's pharmacy or any retail pharmacy on the platform — for pick-up or delivery. Choosing reserves
 * the stock and creates the itemised order in one command; the payment (an outbox event) marks it paid.
 */
import { randomInt } from 'node:crypto';
import type { FulfilmentBody, FulfilmentCreated, PharmacyOffer } from '../../../shared/prescriptions.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { mapUniqueViolation } from '../../platform/db/unique.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { institutionContacts, institutionFacts } from '../directory/directory.api.js';
import { requirePatientAccess } from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { createOrder, lockOrder, type OrderLineInput, type OrderPaid } from '../payments/payments.api.js';
import {
  type PharmacySite,
  pharmacySites,
  releaseReservation,
  reserveStock,
  stockOffers,
} from '../pharmacy/pharmacy.api.js';
import { recordVisitEvent } from '../visits/visits.api.js';
import { addressOf } from './addresses.service.js';
import { liveFulfilment } from './fulfilment-store.js';
import { prescriptionErrors } from './prescriptions.errors.js';
import {
  fillLines,
  isPastValidity,
  lockPrescription,
  readPrescription,
  requireFillable,
} from './rx-filling.js';
import { distanceM } from './subdistricts.js';

/** An unpaid fulfilment holds its stock this long (or until the prescription's validity ends, if sooner). */
export const PAYMENT_WINDOW_MS = 30 * 60_000;

/**
 * The pharmacies that may fill a prescription: every active retail pharmacy on the platform and the
 * issuing institution's own pharmacy (RX-13).
 */
async function eligiblePharmacies(
  db: Executor,
  issuingInstitutionId: string,
): Promise<{ site: PharmacySite; name: string; type: string }[]> {
  const sites = await pharmacySites(db);
  const facts = await institutionFacts(
    db,
    sites.map((s) => s.id),
  );
  return sites.flatMap((site) => {
    const f = facts.get(site.id);
    if (f?.status !== 'active') return [];
    if (f.type !== 'pharmacy' && site.id !== issuingInstitutionId) return [];
    return [{ site, name: f.name, type: f.type === 'pharmacy' ? 'pharmacy' : 'hospital' }];
  });
}

const methodsOf = (s: PharmacySite) => [
  ...(s.pickup ? (['pickup'] as const) : []),
  ...(s.delivery ? (['delivery'] as const) : []),
];

/**
 * The pharmacies a patient may choose for an approved prescription, with per-drug stock and price, the
 * totals, the delivery fee and the distance from the address (the default one when none is named):
 * those that have everything first, nearest first.
 */
export async function pharmacyOffers(
  ctx: AppContext,
  auth: AuthContext,
  prescriptionId: string,
  addressId: string | undefined,
): Promise<{ items: PharmacyOffer[] }> {
  const p = await readPrescription(ctx.db, prescriptionId);
  await requirePatientAccess(ctx.db, auth, p.patient_id);
  requireFillable(p, ctx.clock.now());
  const address = await addressOf(ctx.db, auth.accountId, addressId);
  if (addressId && !address) throw errors.notFound('收货地址');
  const lines = await fillLines(ctx.db, p.id);
  const pharmacies = await eligiblePharmacies(ctx.db, p.institution_id);
  const ids = pharmacies.map((x) => x.site.id);
  const [stock, contacts] = await Promise.all([
    stockOffers(
      ctx.db,
      ids,
      lines.map((l) => l.drugId),
    ),
    institutionContacts(ctx.db, ids),
  ]);
  const offers = pharmacies.map(({ site, name, type }): PharmacyOffer => {
    const items = lines.map((l) => {
      const s = stock.find((o) => o.pharmacyId === site.id && o.drugId === l.drugId);
      return {
        drugId: l.drugId,
        quantity: l.quantity,
        inStock: !!s && s.available >= l.quantity,
        priceFen: s ? s.priceFen : null,
      };
    });
    const available = items.every((i) => i.inStock);
    const contact = contacts.get(site.id);
    return {
      pharmacyId: site.id,
      name,
      type,
      address: contact?.address ?? '',
      phone: contact?.phone ?? null,
      distanceM: address ? distanceM(address, site) : null,
      available,
      items,
      drugFen: items.every((i) => i.priceFen !== null)
        ? items.reduce((sum, i) => sum + i.priceFen! * i.quantity, 0)
        : null,
      deliveryFeeFen: site.delivery ? site.deliveryFeeFen : 0,
      methods: methodsOf(site),
      openingHours: site.openingHours,
    };
  });
  offers.sort(
    (a, b) =>
      Number(b.available) - Number(a.available) ||
      (a.distanceM ?? Number.MAX_SAFE_INTEGER) - (b.distanceM ?? Number.MAX_SAFE_INTEGER) ||
      a.name.localeCompare(b.name, 'zh-CN'),
  );
  return { items: offers };
}

/** The largest order amount the money columns hold (int4): 2^31 − 1 fen. */
export const MAX_ORDER_FEN = 2_147_483_647;

/** A six-digit pick-up code (取药码), from the CSPRNG. */
const pickupCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

/**
 * The patient chooses a pharmacy (RX-13), in one command: the prescription is locked and must be approved,
 * unexpired and not yet filled elsewhere (RX_ALREADY_FILLED, backed by the unique index `fulfilment_live`);
 * the stock is reserved drug by drug (RX_OUT_OF_STOCK when any is short: nothing stays reserved); the
 * order is created with one line per drug (its insurance category) and the delivery fee.
 */
export async function chooseFulfilment(
  ctx: AppContext,
  auth: AuthContext,
  prescriptionId: string,
  body: FulfilmentBody,
  actor: Actor,
): Promise<FulfilmentCreated> {
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const p = await lockPrescription(trx, prescriptionId);
    await requirePatientAccess(trx, auth, p.patient_id);
    requireFillable(p, now);
    if (await liveFulfilment(trx, p.id)) throw prescriptionErrors.alreadyFilled();
    const pharmacy = (await eligiblePharmacies(trx, p.institution_id)).find(
      (x) => x.site.id === body.pharmacyId,
    );
    if (!pharmacy) throw prescriptionErrors.pharmacyUnavailable('该药店不在平台上，或不能接收本院处方。');
    if (!methodsOf(pharmacy.site).includes(body.method))
      throw prescriptionErrors.pharmacyUnavailable(
        body.method === 'delivery' ? '该药房不提供配送，请选择到店自取。' : '该药房不提供到店自取。',
      );
    const address =
      body.method === 'delivery' ? await addressOf(trx, auth.accountId, body.addressId) : undefined;
    if (body.method === 'delivery' && !address) throw prescriptionErrors.addressRequired();

    const fulfilmentId = newId();
    const lines = await fillLines(trx, p.id);
    const reserved = await reserveStock(trx, {
      pharmacyId: pharmacy.site.id,
      fulfilmentId,
      items: lines.map((l) => ({ drugId: l.drugId, quantity: l.quantity })),
      now,
    });
    if (!reserved.ok) {
      const short = lines.find((l) => l.drugId === reserved.drugId);
      throw prescriptionErrors.outOfStock(
        `${pharmacy.name}的${short?.card.genericName ?? reserved.drugId}库存不足。`,
        {
          drugId: reserved.drugId,
        },
      );
    }
    const orderLines: OrderLineInput[] = reserved.lines.map((r) => {
      const card = lines.find((l) => l.drugId === r.drugId)!.card;
      return {
        kind: 'drug',
        ref: r.drugId,
        name: `${card.genericName} ${card.spec}`,
        quantity: r.quantity,
        unitPriceFen: r.priceFen,
        amountFen: r.priceFen * r.quantity,
        insuranceCategory: card.insuranceCategory,
      };
    });
    const drugFen = orderLines.reduce((s, l) => s + l.amountFen, 0);
    const deliveryFeeFen = body.method === 'delivery' ? pharmacy.site.deliveryFeeFen : 0;
    if (deliveryFeeFen > 0)
      orderLines.push({
        kind: 'delivery',
        ref: fulfilmentId,
        name: '配送费',
        quantity: 1,
        unitPriceFen: deliveryFeeFen,
        amountFen: deliveryFeeFen,
        insuranceCategory: null,
      });
    // Amounts are integer fen in int4 columns: a price of up to ¥10,000 a package (ReceiveBatchBody) times
    // the packages of up to 20 items can pass 2^31 − 1; refused here rather than a 500 from the database.
    if (drugFen + deliveryFeeFen > MAX_ORDER_FEN)
      throw prescriptionErrors.orderTooLarge(
        `${pharmacy.name}的药费合计 ¥${((drugFen + deliveryFeeFen) / 100).toFixed(2)} 超出单笔订单上限。`,
        { amountFen: drugFen + deliveryFeeFen, maxFen: MAX_ORDER_FEN },
      );
    const window = new Date(now.getTime() + PAYMENT_WINDOW_MS);
    const expiresAt = p.valid_until && p.valid_until < window ? p.valid_until : window;
    const orderId = await createOrder(trx, {
      patientId: p.patient_id,
      accountId: auth.accountId,
      purpose: 'prescription',
      refId: fulfilmentId,
      institutionId: p.institution_id,
      description: `处方药费 · ${pharmacy.name}`,
      amountFen: drugFen + deliveryFeeFen,
      expiresAt,
      now,
      lines: orderLines,
    });
    const code = body.method === 'pickup' ? pickupCode() : null;
    await mapUniqueViolation(
      trx
        .insertInto('fulfilment')
        .values({
          id: fulfilmentId,
          prescription_id: p.id,
          patient_id: p.patient_id,
          account_id: auth.accountId,
          pharmacy_id: pharmacy.site.id,
          method: body.method,
          address: address ? JSON.stringify(address) : null,
          status: 'awaiting_payment',
          order_id: orderId,
          drug_fen: drugFen,
          delivery_fee_fen: deliveryFeeFen,
          pickup_code: code,
          created_at: now,
        })
        .execute(),
      (constraint) => (constraint === 'fulfilment_live' ? prescriptionErrors.alreadyFilled() : undefined),
    );
    const facts = {
      prescriptionId: p.id,
      fulfilmentId,
      pharmacyId: pharmacy.site.id,
      method: body.method,
      amountFen: drugFen + deliveryFeeFen,
    };
    await cmd.audit({
      action: 'fulfilment.create',
      resourceType: 'fulfilment',
      resourceId: fulfilmentId,
      patientId: p.patient_id,
      details: { ...facts, orderId, reserved: reserved.lines.map((l) => `${l.drugId}×${l.quantity}`) },
    });
    await recordVisitEvent(trx, p.visit_id, 'rx_fulfilment_chosen', actor, facts, now);
    return { id: fulfilmentId, orderId, ...(code ? { pickupCode: code } : {}) };
  });
}

// The patient's notice of each reason is notices.rxPaidAfterEnd (notifications/notices.ts).

/**
 * A payment that landed after its fulfilment ended (issue §9): payments refunds it in full once the
 * subscriber answers false, in the same transaction — so the visit's timeline gets `rx_refunded` (with the
 * reason) and the patient is told, here. Only when the order is still `paid`: one already refunded (a
 * cancellation raced the payment and refunded it, with its own `rx_refunded`) has nothing more to give back.
 */
async function recordPaidAfterEnd(
  cmd: CommandScope,
  f: { id: string; prescription_id: string; patient_id: string; account_id: string },
  paid: OrderPaid,
  reason: string,
): Promise<void> {
  const { trx, now } = cmd;
  if ((await lockOrder(trx, paid.orderId)) !== 'paid') return;
  const p = await readPrescription(trx, f.prescription_id);
  const details = {
    prescriptionId: p.id,
    fulfilmentId: f.id,
    reason,
    paidAfterEnd: true,
    refundFen: paid.amountFen,
  };
  await recordVisitEvent(trx, p.visit_id, 'rx_refunded', cmd.actor, details, now);
  const to = { accountId: f.account_id, patientId: f.patient_id, refId: f.id };
  await notify(cmd, notices.rxPaidAfterEnd(to, { reason, amountFen: paid.amountFen }));
}

/**
 * `payments.order_paid` of a prescription order: the fulfilment is paid. Answers false — and the payment
 * is refunded in full by payments — when the fulfilment is gone (it lapsed or was cancelled before the
 * payment arrived) or its prescription's validity has passed meanwhile (then it is cancelled here and its
 * stock released; the expiry job marks the prescription). Such a refund is on the visit's timeline
 * (`rx_refunded`) and told to the patient (`recordPaidAfterEnd`).
 */
export async function fulfilmentPaid(paid: OrderPaid, cmd: CommandScope): Promise<boolean> {
  const { trx, now } = cmd;
  const f = await trx
    .selectFrom('fulfilment')
    .selectAll()
    .where('id', '=', paid.refId)
    .forUpdate()
    .executeTakeFirst();
  if (!f) return false;
  if (f.status === 'cancelled') {
    await recordPaidAfterEnd(cmd, f, paid, (f.cancel_reason ?? '').split(':')[0]!);
    return false;
  }
  if (f.status !== 'awaiting_payment') return true; // a second delivery of the same payment
  const p = await readPrescription(trx, f.prescription_id);
  if (p.status !== 'approved' || isPastValidity(p, now)) {
    await releaseReservation(trx, f.id, now);
    await trx
      .updateTable('fulfilment')
      .set({ status: 'cancelled', cancelled_at: now, cancel_reason: 'prescription_expired' })
      .where('id', '=', f.id)
      .execute();
    await cmd.audit({
      action: 'fulfilment.cancel',
      resourceType: 'fulfilment',
      resourceId: f.id,
      patientId: f.patient_id,
      details: { reason: 'prescription_expired', paidAfterExpiry: true },
    });
    await recordPaidAfterEnd(cmd, f, paid, 'prescription_expired');
    return false;
  }
  await trx.updateTable('fulfilment').set({ status: 'paid', paid_at: now }).where('id', '=', f.id).execute();
  await cmd.audit({
    action: 'fulfilment.paid',
    resourceType: 'fulfilment',
    resourceId: f.id,
    patientId: f.patient_id,
    details: { orderId: f.order_id, amountFen: paid.amountFen },
  });
  await recordVisitEvent(
    trx,
    p.visit_id,
    'rx_paid',
    cmd.actor,
    { prescriptionId: p.id, fulfilmentId: f.id, amountFen: paid.amountFen },
    now,
  );
  return true;
}
