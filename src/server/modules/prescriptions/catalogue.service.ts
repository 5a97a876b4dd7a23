/**
 * The drug catalogue and institutions' online formularies: search by Chinese name, brand or pinyin
 * (initials or full), and org_admin's list of the drugs its doctors may prescribe online (RX-4 keeps
 * specially managed drugs out of it).
 */
import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import type { Drug } from '../../../shared/prescriptions.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import type { DB, DrugTable } from '../../platform/db/schema.js';
import { errors } from '../../platform/errors.js';
import { cutPage, decodeCursor, type Page } from '../../platform/paging.js';
import { requireOwnInstitution } from '../directory/directory.api.js';
import { prescriptionErrors } from './prescriptions.errors.js';

export type DrugRow = Selectable<DrugTable>;

/** 规格: "5mg×7片/盒", "100ml:2g/瓶". */
export function drugSpec(
  d: Pick<DrugRow, 'strength' | 'strength_unit' | 'unit' | 'package_size' | 'package_unit'>,
) {
  const strength = `${trimNumber(d.strength)}${d.strength_unit}`;
  return `${strength}×${d.package_size}${d.unit}/${d.package_unit}`;
}

const trimNumber = (n: number) => String(Number(n.toFixed(4)));

export function drugView(d: DrugRow, inFormulary?: boolean): Drug {
  return {
    id: d.id,
    genericName: d.generic_name,
    brandName: d.brand_name,
    nameEn: d.name_en,
    kind: d.kind as Drug['kind'],
    dosageForm: d.dosage_form,
    strength: d.strength,
    strengthUnit: d.strength_unit,
    unit: d.unit,
    packageSize: d.package_size,
    packageUnit: d.package_unit,
    spec: drugSpec(d),
    route: d.route,
    usualDailyDose: d.usual_daily_dose,
    maxDailyDose: d.max_daily_dose,
    maxDailyDosePerKg: d.max_daily_dose_per_kg,
    minAgeYears: d.min_age_years,
    priceFen: d.price_fen,
    insuranceCategory: d.insurance_category as Drug['insuranceCategory'],
    otc: d.otc,
    antimicrobial: d.antimicrobial as Drug['antimicrobial'],
    specialFlags: d.special_flags as Drug['specialFlags'],
    ingredients: d.ingredients,
    chronic: d.chronic,
    ...(inFormulary === undefined ? {} : { inFormulary }),
  };
}

/** Drugs by id (the rules and the views need their facts). */
export async function drugsById(db: Executor, ids: readonly string[]): Promise<Map<string, DrugRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('drug')
    .selectAll()
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** The drug ids in an institution's online formulary. */
export async function formularyOf(db: Executor, institutionId: string, drugIds?: readonly string[]) {
  let q = db.selectFrom('formulary').select('drug_id').where('institution_id', '=', institutionId);
  if (drugIds) {
    if (drugIds.length === 0) return new Set<string>();
    q = q.where('drug_id', 'in', [...new Set(drugIds)]);
  }
  return new Set((await q.execute()).map((r) => r.drug_id));
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The generic or brand name containing the text; or, for Latin text, the pinyin initials or full pinyin
 * containing it — people type the initials of the part they remember ("aldp" for 苯磺酸氨氯地平片, whose
 * initials are bhsaldpp). One Latin letter matches initials at the start only, or it would match half
 * the catalogue.
 */
export function matchesText(eb: ExpressionBuilder<DB, 'drug'>, text: string) {
  const any = `%${escapeLike(text)}%`;
  const latin = text.toLowerCase().replace(/\s+/g, '');
  const names = [eb('drug.generic_name', 'like', any), eb('drug.brand_name', 'like', any)];
  if (!/^[a-z0-9]+$/.test(latin)) return eb.or(names);
  const pinyin =
    latin.length === 1
      ? [eb('drug.pinyin_initials', 'like', `${latin}%`), eb('drug.pinyin_initials', 'like', `% ${latin}%`)]
      : [eb('drug.pinyin_initials', 'like', `%${latin}%`), eb('drug.pinyin_full', 'like', `%${latin}%`)];
  return eb.or([...names, ...pinyin]);
}

/**
 * Search: the generic or brand name containing the text, or pinyin initials / full pinyin starting with
 * it ("aldp", "anludiping"). Names that start with the text come first, then shorter names.
 */
export async function searchDrugs(
  ctx: AppContext,
  auth: AuthContext,
  query: { q?: string | undefined; formulary?: string | undefined; limit?: number | undefined },
): Promise<{ items: Drug[] }> {
  const limit = query.limit ?? 20;
  const text = (query.q ?? '').trim();
  let q = ctx.db.selectFrom('drug').selectAll('drug').where('drug.active', '=', true);
  if (text) q = q.where((eb) => matchesText(eb, text));
  if (query.formulary) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('formulary')
          .select('formulary.drug_id')
          .whereRef('formulary.drug_id', '=', 'drug.id')
          .where('formulary.institution_id', '=', query.formulary!),
      ),
    );
  }
  const starts = `${escapeLike(text)}%`;
  const rows = await q
    .orderBy(sql`case when ${sql.ref('drug.generic_name')} like ${starts} then 0 else 1 end`)
    .orderBy(sql`length(${sql.ref('drug.generic_name')})`)
    .orderBy('drug.id')
    .limit(limit)
    .execute();
  // A doctor sees whether each drug is in their institution's formulary.
  const own = auth.institutionId;
  const inFormulary =
    own && !query.formulary
      ? await formularyOf(
          ctx.db,
          own,
          rows.map((r) => r.id),
        )
      : null;
  return {
    items: rows.map((r) =>
      drugView(r, query.formulary ? true : inFormulary ? inFormulary.has(r.id) : undefined),
    ),
  };
}

export async function listFormulary(
  ctx: AppContext,
  auth: AuthContext,
  institutionId: string,
  query: { q?: string | undefined; limit?: number | undefined; cursor?: string | undefined },
): Promise<Page<{ drug: Drug; addedAt: string }>> {
  requireReader(auth, institutionId);
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, ['string'] as const);
  let q = ctx.db
    .selectFrom('formulary')
    .innerJoin('drug', 'drug.id', 'formulary.drug_id')
    .selectAll('drug')
    .select('formulary.added_at')
    .where('formulary.institution_id', '=', institutionId);
  const text = (query.q ?? '').trim();
  if (text) q = q.where((eb) => matchesText(eb, text));
  if (after) q = q.where('drug.id', '>', after[0]);
  const rows = await q
    .orderBy('drug.id')
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [r.id]);
  return {
    items: page.rows.map((r) => ({ drug: drugView(r, true), addedAt: r.added_at.toISOString() })),
    nextCursor: page.nextCursor,
  };
}

/** Staff of the institution read its formulary; the regulator reads any. */
function requireReader(auth: AuthContext, institutionId: string) {
  if (auth.roles.includes('regulator')) return;
  requireOwnInstitution(auth, institutionId);
}

export async function addToFormulary(
  ctx: AppContext,
  auth: AuthContext,
  institutionId: string,
  drugId: string,
  actor: Actor,
): Promise<{ drug: Drug; addedAt: string }> {
  requireOwnInstitution(auth, institutionId);
  return runCommand(ctx, actor, async (cmd) => {
    const drug = await cmd.trx.selectFrom('drug').selectAll().where('id', '=', drugId).executeTakeFirst();
    if (!drug) throw errors.notFound('药品');
    // RX-4: specially managed drugs and 特殊使用级 antimicrobials are never prescribed online.
    if (drug.special_flags.length > 0 || drug.antimicrobial === 'special')
      throw prescriptionErrors.specialDrugOnlineForbidden(
        `${drug.generic_name}属于特殊管理药品或特殊使用级抗菌药物，不能列入线上处方目录（RX-4）。`,
        { drugId, rule: 'RX-4' },
      );
    // Two admins adding the same drug at once: the second insert does nothing (no 500 on the primary
    // key); the answer is the row as stored, and only the insert that wrote it is audited.
    const inserted = await cmd.trx
      .insertInto('formulary')
      .values({ institution_id: institutionId, drug_id: drugId, added_by: auth.accountId, added_at: cmd.now })
      .onConflict((oc) => oc.columns(['institution_id', 'drug_id']).doNothing())
      .returning('added_at')
      .executeTakeFirst();
    if (!inserted) {
      const existing = await cmd.trx
        .selectFrom('formulary')
        .select('added_at')
        .where('institution_id', '=', institutionId)
        .where('drug_id', '=', drugId)
        .executeTakeFirstOrThrow();
      return { drug: drugView(drug, true), addedAt: existing.added_at.toISOString() };
    }
    await cmd.audit({
      action: 'formulary.add',
      resourceType: 'institution',
      resourceId: institutionId,
      details: { drugId },
    });
    return { drug: drugView(drug, true), addedAt: inserted.added_at.toISOString() };
  });
}

export async function removeFromFormulary(
  ctx: AppContext,
  auth: AuthContext,
  institutionId: string,
  drugId: string,
  actor: Actor,
): Promise<void> {
  requireOwnInstitution(auth, institutionId);
  await runCommand(ctx, actor, async (cmd) => {
    const removed = await cmd.trx
      .deleteFrom('formulary')
      .where('institution_id', '=', institutionId)
      .where('drug_id', '=', drugId)
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw errors.notFound('目录中的药品');
    // The formulary is configuration, not a medical record: the audit event keeps who removed what.
    await cmd.audit({
      action: 'formulary.remove',
      resourceType: 'institution',
      resourceId: institutionId,
      details: { drugId },
    });
  });
}
