/**
 * The demo region's pharmacies ([5/12]): where each pharmacy is, what it charges for delivery, and its
 * stock in batches (batch number, expiry date, quantity). One retail pharmacy lacks an item, so the
 * chooser has something to exclude: 安和堂药店 (YC-R03) has no amlodipine (YY0001), the drug of 张伟's
 * follow-up prescription.
 *
 * - Retail pharmacies (YC-R01..R03) stock the common and chronic-disease drugs (every drug a community
 *   centre's formulary has: chronic, OTC or 甲类), at their own prices, and offer pick-up and delivery.
 * - Hospital pharmacies stock their own online formulary at the catalogue price (零加成). YC-H01..H05
 *   deliver too (by courier, 1000 fen); 云溪县人民医院 (YC-H06), out in the county, is pick-up only.
 *
 * Quantities, prices and batches are derived from the codes (deterministic, no randomness): every seeded
 * database has the same stock. Coordinates are invented, in the same frame as subdistricts.ts.
 */
import { createHash } from 'node:crypto';
import type { Tx } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';

interface SiteSeed {
  lat: number;
  lng: number;
  pickup: boolean;
  delivery: boolean;
  deliveryFeeFen: number;
  openingHours: string;
  /** Retail price as a share of the catalogue's reference price (hospitals: 1, no mark-up). */
  priceFactor: number;
  retail: boolean;
  /** Drugs this pharmacy does not stock. */
  lacks?: string[];
}

const HOSPITAL_HOURS = '门诊药房 07:30–17:30，急诊药房 24 小时';

export const PHARMACY_SITES: Record<string, SiteSeed> = {
  'YC-R01': {
    lat: 30.0635,
    lng: 119.9502,
    pickup: true,
    delivery: true,
    deliveryFeeFen: 600,
    openingHours: '08:00–22:00',
    priceFactor: 1,
    retail: true,
  },
  'YC-R02': {
    lat: 30.0441,
    lng: 119.9745,
    pickup: true,
    delivery: true,
    deliveryFeeFen: 500,
    openingHours: '24 小时营业',
    priceFactor: 0.95,
    retail: true,
  },
  'YC-R03': {
    lat: 30.0528,
    lng: 119.9162,
    pickup: true,
    delivery: true,
    deliveryFeeFen: 800,
    openingHours: '08:30–20:30',
    priceFactor: 1.03,
    retail: true,
    lacks: ['YY0001'],
  },
  'YC-H01': hospital(30.0628, 119.9486),
  'YC-H02': hospital(30.0712, 119.9871),
  'YC-H03': hospital(30.0505, 119.9138),
  'YC-H04': hospital(30.0794, 119.9668),
  'YC-H05': hospital(30.0318, 119.9337),
  'YC-H06': { ...hospital(30.215, 119.812), delivery: false, deliveryFeeFen: 0 },
};

function hospital(lat: number, lng: number): SiteSeed {
  return {
    lat,
    lng,
    pickup: true,
    delivery: true,
    deliveryFeeFen: 1000,
    openingHours: HOSPITAL_HOURS,
    priceFactor: 1,
    retail: false,
  };
}

/** A number in [0, n) from a text, the same on every run. */
const pick = (text: string, n: number) => createHash('sha256').update(text).digest().readUInt32BE(0) % n;

const BATCH = 1000;
async function insertChunks<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH));
}

export async function seedPharmacy(
  trx: Tx,
  ids: { institutions: Map<string, string> },
  now: Date,
): Promise<void> {
  const drugs = await trx
    .selectFrom('drug')
    .select(['id', 'price_fen', 'chronic', 'otc', 'insurance_category', 'kind'])
    .where('active', '=', true)
    .execute();
  const byId = new Map(drugs.map((d) => [d.id, d]));
  // What a retail pharmacy carries: what the community centres' formularies have (common and chronic).
  const communityIds = [...ids.institutions].filter(([code]) => code.startsWith('YC-C')).map(([, id]) => id);
  const formularies = await trx.selectFrom('formulary').select(['institution_id', 'drug_id']).execute();
  const retailRange = new Set(
    formularies.filter((f) => communityIds.includes(f.institution_id)).map((f) => f.drug_id),
  );
  // Without formularies (a catalogue seeded alone), the chronic and OTC drugs.
  if (retailRange.size === 0) for (const d of drugs) if (d.chronic || d.otc) retailRange.add(d.id);

  const sites = [];
  const items = [];
  const batches = [];
  const year = now.getUTCFullYear();
  for (const [code, site] of Object.entries(PHARMACY_SITES)) {
    const pharmacyId = ids.institutions.get(code);
    if (!pharmacyId) continue;
    sites.push({
      institution_id: pharmacyId,
      lat: site.lat,
      lng: site.lng,
      pickup: site.pickup,
      delivery: site.delivery,
      delivery_fee_fen: site.deliveryFeeFen,
      opening_hours: site.openingHours,
    });
    const range = site.retail
      ? [...retailRange]
      : formularies.filter((f) => f.institution_id === pharmacyId).map((f) => f.drug_id);
    for (const drugId of range.sort()) {
      const d = byId.get(drugId);
      if (!d || site.lacks?.includes(drugId)) continue;
      // 20–199 boxes, in an older batch (expires next year) and a newer one (the year after).
      const total = 20 + pick(`${code}:${drugId}:qty`, 180);
      const older = Math.max(1, Math.floor(total * 0.4));
      const price = Math.max(1, Math.round(d.price_fen * site.priceFactor));
      items.push({ pharmacy_id: pharmacyId, drug_id: drugId, price_fen: price, on_hand: total, reserved: 0 });
      const lot = (y: number, salt: string) =>
        `${String(y - 1).slice(-2)}${String(1 + pick(`${code}:${drugId}:${salt}m`, 12)).padStart(2, '0')}${String(pick(`${code}:${drugId}:${salt}`, 9000) + 1000)}`;
      const month = (salt: string) => String(1 + pick(`${code}:${drugId}:${salt}e`, 12)).padStart(2, '0');
      batches.push(
        {
          id: newId(),
          pharmacy_id: pharmacyId,
          drug_id: drugId,
          batch_no: lot(year, 'a'),
          expires_on: `${year + 1}-${month('a')}-28`,
          quantity: older,
          received_at: now,
        },
        {
          id: newId(),
          pharmacy_id: pharmacyId,
          drug_id: drugId,
          batch_no: lot(year + 1, 'b'),
          expires_on: `${year + 2}-${month('b')}-28`,
          quantity: total - older,
          received_at: now,
        },
      );
    }
  }
  if (sites.length > 0) await trx.insertInto('pharmacy_site').values(sites).execute();
  await insertChunks(items, (b) => trx.insertInto('stock_item').values(b).execute());
  await insertChunks(batches, (b) => trx.insertInto('stock_batch').values(b).execute());
}
