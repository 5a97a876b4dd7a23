/**
 * What the pharmacy module asks of the drug catalogue (style.md: a module owns its tables; others call
 * these functions): a drug's label as a stock list, a counter and an order line show it, and the drugs a
 * stock search text matches.
 */
import type { Executor } from '../../platform/db/database.js';
import { drugSpec, drugsById, matchesText } from './catalogue.service.js';

export interface DrugCard {
  id: string;
  genericName: string;
  brandName: string | null;
  /** 规格, e.g. 5mg×7片/盒. */
  spec: string;
  packageUnit: string;
  /** Reference retail price per package (fen). */
  priceFen: number;
  insuranceCategory: 'A' | 'B' | 'C';
}

export async function drugCards(db: Executor, ids: readonly string[]): Promise<Map<string, DrugCard>> {
  const rows = await drugsById(db, ids);
  return new Map(
    [...rows.values()].map((d) => [
      d.id,
      {
        id: d.id,
        genericName: d.generic_name,
        brandName: d.brand_name,
        spec: drugSpec(d),
        packageUnit: d.package_unit,
        priceFen: d.price_fen,
        insuranceCategory: d.insurance_category as DrugCard['insuranceCategory'],
      },
    ]),
  );
}

/** Ids of the drugs a search text matches, as the catalogue search matches them (`matchesText`), or by code. */
export async function drugIdsMatching(db: Executor, text: string, limit = 500): Promise<string[]> {
  const rows = await db
    .selectFrom('drug')
    .select('id')
    .where((eb) => eb.or([matchesText(eb, text.trim()), eb('id', '=', text.trim().toUpperCase())]))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
