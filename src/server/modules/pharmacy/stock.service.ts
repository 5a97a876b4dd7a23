/**
 * A pharmacy's own stock: the list its staff see (per drug: price, on hand, reserved, batches with their
 * expiry dates) and receiving a batch (入库). Every change is audited.
 */
import { sql } from 'kysely';
import { shanghaiDate } from '../../../shared/identity.js';
import type { ReceiveBatchBody, StockLine } from '../../../shared/prescriptions.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { cutPage, decodeCursor, type Page } from '../../platform/paging.js';
import { requireOwnInstitution } from '../directory/directory.api.js';
import { drugCards, drugIdsMatching } from '../prescriptions/drug-cards.api.js';
import { prescriptionErrors } from '../prescriptions/prescriptions.errors.js';
import { pharmacySites } from './pharmacy.api.js';
import { pharmacyErrors } from './pharmacy.errors.js';

/** Only the pharmacy's own staff (pharmacy_staff, pharmacist, its org_admin) see and change its stock. */
async function requireOwnPharmacy(db: Executor, auth: AuthContext, pharmacyId: string): Promise<void> {
  requireOwnInstitution(auth, pharmacyId);
  if ((await pharmacySites(db, [pharmacyId])).length === 0) throw errors.notFound('药房');
}

async function stockLines(db: Executor, pharmacyId: string, drugIds: string[]): Promise<StockLine[]> {
  if (drugIds.length === 0) return [];
  const [items, batches, cards] = await Promise.all([
    db
      .selectFrom('stock_item')
      .selectAll()
      .where('pharmacy_id', '=', pharmacyId)
      .where('drug_id', 'in', drugIds)
      .execute(),
    db
      .selectFrom('stock_batch')
      .select(['drug_id', 'batch_no', 'expires_on', 'quantity'])
      .where('pharmacy_id', '=', pharmacyId)
      .where('drug_id', 'in', drugIds)
      .where('quantity', '>', 0)
      .orderBy('expires_on')
      .orderBy('batch_no')
      .execute(),
    drugCards(db, drugIds),
  ]);
  const byDrug = new Map(items.map((i) => [i.drug_id, i]));
  return drugIds.flatMap((id) => {
    const i = byDrug.get(id);
    const card = cards.get(id);
    if (!i || !card) return [];
    return [
      {
        drugId: id,
        genericName: card.genericName,
        spec: card.spec,
        priceFen: i.price_fen,
        onHand: i.on_hand,
        reserved: i.reserved,
        batches: batches
          .filter((b) => b.drug_id === id)
          .map((b) => ({ batchNo: b.batch_no, expiresOn: String(b.expires_on), quantity: b.quantity })),
      },
    ];
  });
}

/** The pharmacy's stock by drug code, paged; `q` matches the drug's name, brand, code or pinyin. */
export async function listStock(
  ctx: AppContext,
  auth: AuthContext,
  pharmacyId: string,
  query: { q?: string | undefined; limit?: number | undefined; cursor?: string | undefined },
): Promise<Page<StockLine>> {
  await requireOwnPharmacy(ctx.db, auth, pharmacyId);
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, ['string'] as const);
  const text = (query.q ?? '').trim();
  const matching = text ? await drugIdsMatching(ctx.db, text) : null;
  if (matching && matching.length === 0) return { items: [], nextCursor: null };
  let q = ctx.db.selectFrom('stock_item').select('drug_id').where('pharmacy_id', '=', pharmacyId);
  if (matching) q = q.where('drug_id', 'in', matching);
  if (after) q = q.where('drug_id', '>', after[0]);
  const rows = await q
    .orderBy('drug_id')
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [r.drug_id]);
  return {
    items: await stockLines(
      ctx.db,
      pharmacyId,
      page.rows.map((r) => r.drug_id),
    ),
    nextCursor: page.nextCursor,
  };
}

/** Whether `YYYY-MM-DD` names a day of the calendar (not 2027-02-30): it must survive a round trip. */
export function isCalendarDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const at = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return at.toISOString().slice(0, 10) === date;
}

/**
 * Receives a batch (入库): its boxes join the drug's stock (`on_hand`) and the batch (a new one, or more
 * of a batch already on record with the same expiry date); the price changes when one is given. An
 * expired batch is refused, and so is an expiry date that is no day of the calendar (the schema's
 * pattern lets 2027-02-30 through; the database would refuse it with a 500).
 */
export async function receiveBatch(
  ctx: AppContext,
  auth: AuthContext,
  pharmacyId: string,
  body: ReceiveBatchBody,
  actor: Actor,
): Promise<StockLine> {
  await requireOwnPharmacy(ctx.db, auth, pharmacyId);
  if (!isCalendarDate(body.expiresOn))
    throw pharmacyErrors.batchDateInvalid(
      `批号 ${body.batchNo} 的有效期 ${body.expiresOn} 不是真实的日期。`,
      {
        expiresOn: body.expiresOn,
      },
    );
  const card = (await drugCards(ctx.db, [body.drugId])).get(body.drugId);
  if (!card) throw prescriptionErrors.unknownDrug(`药品目录中没有 ${body.drugId}。`);
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    if (body.expiresOn < shanghaiDate(now))
      throw pharmacyErrors.batchExpired(`批号 ${body.batchNo} 的有效期 ${body.expiresOn} 已过。`);
    // The stock row first, then the batch: the order dispensing locks them in.
    await trx
      .insertInto('stock_item')
      .values({
        pharmacy_id: pharmacyId,
        drug_id: body.drugId,
        price_fen: body.priceFen ?? card.priceFen,
        on_hand: body.quantity,
        reserved: 0,
      })
      .onConflict((oc) =>
        oc.columns(['pharmacy_id', 'drug_id']).doUpdateSet({
          on_hand: sql`stock_item.on_hand + ${body.quantity}`,
          ...(body.priceFen !== undefined ? { price_fen: body.priceFen } : {}),
        }),
      )
      .execute();
    const batch = await trx
      .insertInto('stock_batch')
      .values({
        id: newId(),
        pharmacy_id: pharmacyId,
        drug_id: body.drugId,
        batch_no: body.batchNo,
        expires_on: body.expiresOn,
        quantity: body.quantity,
        received_at: now,
      })
      .onConflict((oc) =>
        oc
          .columns(['pharmacy_id', 'drug_id', 'batch_no'])
          .doUpdateSet({ quantity: sql`stock_batch.quantity + ${body.quantity}` }),
      )
      .returning(['id', 'expires_on'])
      .executeTakeFirstOrThrow();
    if (String(batch.expires_on) !== body.expiresOn)
      throw pharmacyErrors.batchExpiryMismatch(
        `批号 ${body.batchNo} 已登记的有效期为 ${String(batch.expires_on)}。`,
      );
    await cmd.audit({
      action: 'stock.batch_received',
      resourceType: 'stock_batch',
      resourceId: batch.id,
      details: {
        pharmacyId,
        drugId: body.drugId,
        batchNo: body.batchNo,
        expiresOn: body.expiresOn,
        quantity: body.quantity,
        ...(body.priceFen !== undefined ? { priceFen: body.priceFen } : {}),
      },
    });
    const [line] = await stockLines(trx, pharmacyId, [body.drugId]);
    return line!;
  });
}
