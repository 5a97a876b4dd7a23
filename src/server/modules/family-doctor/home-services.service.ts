/**
 * Home visits and home nursing, the resident's side and the lists ([12/12], FD-5, FD-9): the catalogue
 * with its fees, a request for a time window at the resident's home (paid through payments, [2/6]), the
 * lists of residents and of the serving institution's staff, and one order with its trace. Cancellation,
 * the payment's arrival and the end of unpaid holds are home-service-end.service.ts; the provider's work —
 * accept, check in, trace, check out, the panic button — home-service-visit.service.ts.
 *
 * Decisions (docs/family-doctor.md): only residents with a contract in force may ask (422 NOT_CONTRACTED;
 * the pilot's nursing could be opened to every resident of the district later), and the order goes to the
 * institution of their contract team. The fee is fixed at request time (home-service.rules.ts).
 */
import { type SqlBool, sql } from 'kysely';
import type { Static } from 'typebox';
import type {
  CreateHomeServiceBody,
  HomeServiceDetail,
  HomeServiceItemList,
  HomeServiceQuery,
  HomeServiceView,
} from '../../../shared/family-doctor.js';
import type { Page } from '../../../shared/http.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { cutPage, decodeCursor } from '../../platform/paging.js';
import { practitionerFacts } from '../directory/directory.api.js';
import { patientsOfAccount, requirePatientAccess } from '../identity/identity.api.js';
import { createOrder } from '../payments/payments.api.js';
import { familyDoctorErrors } from './family-doctor.errors.js';
import {
  clientCode,
  clientCodeHash,
  serviceFeeFen,
  type WindowProblem,
  windowProblem,
} from './home-service.rules.js';
import {
  clientCodeKey,
  homeServiceDetail,
  homeServiceViews,
  type ItemRow,
  itemView,
} from './home-service.views.js';
import { type HomeServiceParty, homeServiceRow, homeStaffOf, requireParty } from './home-service-access.js';
import { dailySequence } from './sequence.js';
import { activeContract } from './team-access.js';

type CreateBody = Static<typeof CreateHomeServiceBody>;
type ListQuery = Static<typeof HomeServiceQuery>;

/** The institution the resident's contract team belongs to, and the title of its lead (FD-5 pricing). */
async function contractTeam(
  db: Executor,
  patientId: string,
): Promise<{ teamId: string; institutionId: string; leadTitle: string | null }> {
  const contract = await activeContract(db, patientId);
  if (!contract)
    throw familyDoctorErrors.notContracted(
      '上门巡诊和上门护理面向已签约家庭医生的居民，由签约团队所在机构提供：请先签约家庭医生团队。',
    );
  const team = await db
    .selectFrom('family_team')
    .select('lead_practitioner_id')
    .where('id', '=', contract.team_id)
    .executeTakeFirstOrThrow();
  const lead = await practitionerFacts(db, team.lead_practitioner_id);
  return { teamId: contract.team_id, institutionId: contract.institution_id, leadTitle: lead?.title ?? null };
}

const ITEM_COLUMNS = ['code', 'name', 'category', 'item_fee_fen', 'description'] as const;

/**
 * GET /family-doctor/home-service-items: the active catalogue in its order, each with the visit fee it
 * adds (FD-5); with `patientId`, doctor visits priced by that resident's team lead's title.
 */
export async function listItems(
  ctx: AppContext,
  auth: AuthContext,
  query: { patientId?: string | undefined },
): Promise<Static<typeof HomeServiceItemList>> {
  let leadTitle: string | null = null;
  if (query.patientId) {
    await requirePatientAccess(ctx.db, auth, query.patientId);
    const contract = await activeContract(ctx.db, query.patientId);
    if (contract) leadTitle = (await contractTeam(ctx.db, query.patientId)).leadTitle;
  }
  const rows = (await ctx.db
    .selectFrom('home_service_item')
    .select(ITEM_COLUMNS)
    .where('status', '=', 'active')
    .orderBy('sort')
    .orderBy('code')
    .execute()) as ItemRow[];
  const fees = ctx.config.familyDoctor.visitFees;
  return {
    items: rows.map((i) =>
      itemView(
        i,
        serviceFeeFen({ category: i.category, itemFeeFen: i.item_fee_fen }, leadTitle, fees).visitFeeFen,
      ),
    ),
  };
}

const WINDOW_TEXT: Record<WindowProblem, string> = {
  unparsable: '上门时间段的开始和结束须为有效的时间。',
  past: '上门时间段须在将来。',
  reversed: '上门时间段的结束须晚于开始。',
  too_long: '上门时间段不能超过 4 小时。',
  too_far: '只能预约 30 天以内的上门服务。',
};

/** POST /home-services: the resident or a proxy asks for an item at home in a window; an order to pay. */
export async function requestHomeService(
  ctx: AppContext,
  auth: AuthContext,
  body: CreateBody,
  actor: Actor,
): Promise<HomeServiceView> {
  await requirePatientAccess(ctx.db, auth, body.patientId);
  const item = (await ctx.db
    .selectFrom('home_service_item')
    .select(ITEM_COLUMNS)
    .where('code', '=', body.itemCode)
    .where('status', '=', 'active')
    .executeTakeFirst()) as ItemRow | undefined;
  if (!item) throw familyDoctorErrors.homeItemNotFound();
  const start = new Date(body.window.start);
  const end = new Date(body.window.end);
  const problem = windowProblem(start, end, ctx.clock.now());
  if (problem) throw familyDoctorErrors.serviceWindowInvalid(WINDOW_TEXT[problem], { problem });
  const team = await contractTeam(ctx.db, body.patientId);
  const fee = serviceFeeFen(
    { category: item.category, itemFeeFen: item.item_fee_fen },
    team.leadTitle,
    ctx.config.familyDoctor.visitFees,
  );
  const row = await runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const id = newId();
    const serviceNo = await dailySequence(trx, 'HS', now);
    const free = fee.totalFen === 0;
    await trx
      .insertInto('home_service')
      .values({
        id,
        service_no: serviceNo,
        patient_id: body.patientId,
        requested_by: auth.accountId,
        institution_id: team.institutionId,
        team_id: team.teamId,
        item_code: item.code,
        window_start: start,
        window_end: end,
        address_enc: ctx.cipher.encrypt(body.address.trim()),
        note: body.note?.trim() || null,
        fee_fen: fee.totalFen,
        order_id: null,
        status: free ? 'requested' : 'pending_payment',
        client_code_hash: clientCodeHash(clientCodeKey(ctx), id, clientCode(clientCodeKey(ctx), id)),
        created_at: now,
        updated_at: now,
      })
      .execute();
    if (!free) {
      const orderId = await createOrder(trx, {
        patientId: body.patientId,
        accountId: auth.accountId,
        purpose: 'home_service',
        refId: id,
        institutionId: team.institutionId,
        description: `上门服务：${item.name}（${serviceNo}）`,
        amountFen: fee.totalFen,
        expiresAt: new Date(now.getTime() + ctx.config.familyDoctor.holdMinutes * 60_000),
        now,
        lines: [
          {
            kind: 'service',
            ref: id,
            name: item.category === 'nursing' ? '护士上门服务费' : item.name,
            quantity: 1,
            unitPriceFen: fee.visitFeeFen,
            amountFen: fee.visitFeeFen,
            insuranceCategory: null,
          },
          ...(fee.itemFeeFen > 0
            ? [
                {
                  kind: 'service' as const,
                  ref: item.code,
                  name: item.name,
                  quantity: 1,
                  unitPriceFen: fee.itemFeeFen,
                  amountFen: fee.itemFeeFen,
                  insuranceCategory: null,
                },
              ]
            : []),
        ],
      });
      await trx.updateTable('home_service').set({ order_id: orderId }).where('id', '=', id).execute();
    }
    // Ids and facts only: never the address (DJ-10).
    await cmd.audit({
      action: 'family_doctor.home_service_request',
      resourceType: 'home_service',
      resourceId: id,
      patientId: body.patientId,
      details: {
        serviceNo,
        itemCode: item.code,
        institutionId: team.institutionId,
        feeFen: fee.totalFen,
        windowStart: start.toISOString(),
      },
    });
    return homeServiceRow(trx, id);
  });
  const [view] = await homeServiceViews(ctx, ctx.db, [row], () => ({ resident: true, provider: false }));
  return view!;
}

/**
 * GET /home-services. Residents: their own and their family's orders, newest first. Staff (doctors and
 * nurses) of the serving institutions: `open` (paid, waiting for a provider), `mine` (accepted by me) —
 * both soonest window first — or `all` (latest window first); administrators see their institution's.
 */
export async function listHomeServices(
  ctx: AppContext,
  auth: AuthContext,
  query: ListQuery,
  actor: Actor,
): Promise<Page<HomeServiceView>> {
  const limit = query.limit ?? 20;
  const staff = await homeStaffOf(ctx.db, auth);
  const admin = auth.roles.includes('org_admin') && auth.institutionId ? auth.institutionId : null;
  if (!staff && !admin) return residentList(ctx, auth, query, limit);
  const box = query.box ?? (staff ? 'open' : 'all');
  if (box === 'mine' && !staff) return { items: [], nextCursor: null };
  const institutions = staff ? staff.institutionIds : [admin!];
  const ascending = box !== 'all';
  const key = decodeCursor(query.cursor, ['instant', 'uuid'] as const);
  let q = ctx.db.selectFrom('home_service').selectAll();
  if (box === 'mine') q = q.where('provider_practitioner_id', '=', staff!.practitionerId);
  else q = q.where('institution_id', 'in', institutions);
  if (box === 'open') q = q.where('status', '=', 'requested').where('provider_practitioner_id', 'is', null);
  else if (query.status) q = q.where('status', '=', query.status);
  if (query.patientId) q = q.where('patient_id', '=', query.patientId);
  if (key) {
    const at = new Date(key[0]);
    q = q.where(
      ascending
        ? sql<SqlBool>`(window_start, id) > (${at}, ${key[1]})`
        : sql<SqlBool>`(window_start, id) < (${at}, ${key[1]})`,
    );
  }
  const dir = ascending ? 'asc' : 'desc';
  const rows = await q
    .orderBy('window_start', dir)
    .orderBy('id', dir)
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [r.window_start.toISOString(), r.id]);
  const me = staff?.practitionerId ?? null;
  const items = await homeServiceViews(ctx, ctx.db, page.rows, (r) => ({
    resident: false,
    provider: me !== null && r.provider_practitioner_id === me,
  }));
  // The staff's list shows residents' names and ages: audited as a read of the list (DJ-12), ids only.
  if (items.length > 0)
    await runCommand(ctx, actor, (cmd) =>
      cmd.audit({
        action: 'family_doctor.home_service_list',
        resourceType: 'home_service',
        details: { box, serviceIds: items.map((i) => i.id) },
      }),
    );
  return { items, nextCursor: page.nextCursor };
}

async function residentList(
  ctx: AppContext,
  auth: AuthContext,
  query: ListQuery,
  limit: number,
): Promise<Page<HomeServiceView>> {
  let patients: string[];
  if (query.patientId) {
    await requirePatientAccess(ctx.db, auth, query.patientId);
    patients = [query.patientId];
  } else patients = await patientsOfAccount(ctx.db, auth.accountId);
  if (patients.length === 0) return { items: [], nextCursor: null };
  const key = decodeCursor(query.cursor, ['instant', 'uuid'] as const);
  let q = ctx.db.selectFrom('home_service').selectAll().where('patient_id', 'in', patients);
  if (query.status) q = q.where('status', '=', query.status);
  if (key) q = q.where(sql<SqlBool>`(created_at, id) < (${new Date(key[0])}, ${key[1]})`);
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [r.created_at.toISOString(), r.id]);
  const items = await homeServiceViews(ctx, ctx.db, page.rows, () => ({ resident: true, provider: false }));
  return { items, nextCursor: page.nextCursor };
}

/** GET /home-services/{id}: the parties only (404 for anyone else); every read audited (DJ-12). */
export async function getHomeService(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<HomeServiceDetail> {
  const row = await homeServiceRow(ctx.db, id);
  const party = await requireParty(ctx.db, auth, row);
  const detail = await homeServiceDetail(ctx, ctx.db, row, sightOf(party));
  await runCommand(ctx, actor, (cmd) =>
    cmd.audit({
      action: 'family_doctor.home_service_read',
      resourceType: 'home_service',
      resourceId: row.id,
      patientId: row.patient_id,
      details: {
        as: party.resident ? 'resident' : party.provider ? 'provider' : party.staff ? 'staff' : 'admin',
      },
    }),
  );
  return detail;
}

export const sightOf = (party: HomeServiceParty) => ({
  resident: party.resident,
  provider: party.provider,
  positions: !!party.staff || party.admin,
});
