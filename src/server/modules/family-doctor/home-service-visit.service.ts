/**
 * The provider's work on a home-service order ([12/12], FD-5, FD-9): accept it (one provider; nursing only
 * by nurses who meet the FD-9 bar, visits only by doctors), report positions on the way and at the home,
 * check in at the door with the client's code (5 wrong codes lock check-in for 15 minutes), check out with
 * the service record, and press the panic button, which alerts the institution's administrators and the
 * team lead (in-app and SMS, without the resident's name or address); the institution handles the panic.
 *
 * Positions are personal data: stored in home_service_event, never written to the audit log or the logs.
 * A panic is an operational safety alarm for the institution, not an information-security event, so it is
 * not raised as a security alert.
 */
import type { Static } from 'typebox';
import type {
  CheckInBody,
  CheckOutBody,
  HandlePanicBody,
  HomeServiceView,
  PanicBody,
  Position,
} from '../../../shared/family-doctor.js';
import { shanghaiDate } from '../../../shared/identity.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import { institutionFacts, practitionerCredentials, practitionerFacts } from '../directory/directory.api.js';
import { accountOfPractitioner, staffAccountsAt } from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { familyDoctorErrors } from './family-doctor.errors.js';
import {
  CODE_LOCK_MS,
  CODE_MAX_FAILURES,
  clientCodeMatches,
  type HomeItemCategory,
  type HomeServiceAction,
  nextStatus,
  providerFeeMismatch,
  type TakeRefusal,
  takeRefusal,
} from './home-service.rules.js';
import { clientCodeKey, homeServiceViews } from './home-service.views.js';
import {
  type HomeServiceParty,
  type HomeServiceRow,
  homeServiceRow,
  requireInstitutionStaff,
  requireParty,
  requireProvider,
} from './home-service-access.js';
import { sightOf } from './home-services.service.js';

const REFUSAL_TEXT: Record<TakeRefusal, string> = {
  nurse_below_bar:
    '上门护理须由具有 5 年以上临床护理工作经验和护师及以上技术职称的护士提供（FD-9），您暂不符合条件。',
  nursing_needs_nurse: '上门护理项目须由符合条件的护士提供（FD-9）。',
  visit_needs_doctor: '上门巡诊和家庭病床查床须由医生提供（FD-5）。',
};

const STATE_TEXT: Partial<Record<HomeServiceAction, string>> = {
  accept: '只有已支付、尚无人接单的工单可以接单；该工单已被接单或已结束。',
  check_in: '只有已接单、尚未签到的工单可以签到。',
  position: '只有已接单或服务中的工单可以上报位置。',
  check_out: '只有已签到（服务中）的工单可以签退。',
  panic: '只有已接单或服务中的工单可以发起紧急求助。',
  handle_panic: '该工单没有待处理的紧急求助。',
};

const yuan = (fen: number) => (fen / 100).toFixed(fen % 100 === 0 ? 0 : 2);

const stateConflict = (action: HomeServiceAction) => familyDoctorErrors.homeServiceState(STATE_TEXT[action]);

/** Loads the order and the caller's standing to it (404 for strangers). */
async function partyOf(ctx: AppContext, auth: AuthContext, id: string) {
  const row = await homeServiceRow(ctx.db, id);
  return { row, party: await requireParty(ctx.db, auth, row) };
}

async function view(ctx: AppContext, row: HomeServiceRow, party: HomeServiceParty): Promise<HomeServiceView> {
  const [v] = await homeServiceViews(ctx, ctx.db, [row], () => sightOf(party));
  return v!;
}

/** The order locked in the command, refused (409) when `action` is not allowed in its status. */
async function lockFor(cmd: CommandScope, id: string, action: HomeServiceAction): Promise<HomeServiceRow> {
  const r = await homeServiceRow(cmd.trx, id, true);
  if (!nextStatus(r.status, action)) throw stateConflict(action);
  return r;
}

async function addEvent(
  cmd: CommandScope,
  serviceId: string,
  kind: 'check_in' | 'position' | 'check_out' | 'panic' | 'panic_handled',
  position: Position | undefined,
  note: string | null,
): Promise<void> {
  await cmd.trx
    .insertInto('home_service_event')
    .values({
      id: newId(),
      service_id: serviceId,
      kind,
      latitude: position?.latitude ?? null,
      longitude: position?.longitude ?? null,
      accuracy_m: position?.accuracyM ?? null,
      at: cmd.now,
      by_account_id: cmd.actor.accountId!,
      note,
    })
    .execute();
}

/** Audit of a change to an order: ids and facts, never a position or the address (DJ-10). */
const auditChange = (
  cmd: CommandScope,
  r: HomeServiceRow,
  what: string,
  details: Record<string, unknown> = {},
) =>
  cmd.audit({
    action: `family_doctor.home_service_${what}`,
    resourceType: 'home_service',
    resourceId: r.id,
    patientId: r.patient_id,
    details: { serviceNo: r.service_no, ...details },
  });

/**
 * POST /home-services/{id}/accept: a doctor or nurse of the serving institution takes a paid order (FD-9:
 * 403 NURSE_NOT_QUALIFIED for a nurse below the bar, or the wrong profession for the item; FD-5: 403
 * PROVIDER_FEE_MISMATCH for a doctor whose title charges another visit fee than the one paid). The row's lock
 * makes it one provider: of two at once, the second finds it accepted (409).
 */
export async function acceptHomeService(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<HomeServiceView> {
  const { row: before, party } = await partyOf(ctx, auth, id);
  const staff = requireInstitutionStaff(party);
  const item = await ctx.db
    .selectFrom('home_service_item')
    .select(['name', 'category', 'item_fee_fen'])
    .where('code', '=', before.item_code)
    .executeTakeFirstOrThrow();
  const category = item.category as HomeItemCategory;
  const creds = await practitionerCredentials(ctx.db, staff.practitionerId);
  const year = Number(shanghaiDate(ctx.clock.now()).slice(0, 4));
  const refusal = creds
    ? takeRefusal(category, creds, year, ctx.config.familyDoctor.nursing)
    : 'nursing_needs_nurse';
  if (refusal) throw familyDoctorErrors.nurseNotQualified(REFUSAL_TEXT[refusal], { reason: refusal });
  // FD-5: the order's fee is the visit fee priced at request time plus the item's own fee.
  const pricedVisitFen = before.fee_fen - item.item_fee_fen;
  const mismatch = providerFeeMismatch(
    category,
    creds?.title ?? null,
    pricedVisitFen,
    ctx.config.familyDoctor.visitFees,
  );
  if (mismatch)
    throw familyDoctorErrors.providerFeeMismatch(
      `该上门巡诊已按 ${yuan(pricedVisitFen)} 元的上门巡诊费收费（按签约团队长职称定价，FD-5），您的职称对应 ${yuan(mismatch.providerVisitFen)} 元，不能接单；请由职称相应的医生接单。`,
      { pricedVisitFeeFen: pricedVisitFen, providerVisitFeeFen: mismatch.providerVisitFen },
    );
  const row = await runCommand(ctx, actor, async (cmd) => {
    const r = await lockFor(cmd, id, 'accept');
    if (r.provider_practitioner_id) throw stateConflict('accept');
    await cmd.trx
      .updateTable('home_service')
      .set({
        status: nextStatus(r.status, 'accept')!,
        provider_practitioner_id: staff.practitionerId,
        accepted_at: cmd.now,
        updated_at: cmd.now,
      })
      .where('id', '=', r.id)
      .execute();
    await auditChange(cmd, r, 'accept', { practitionerId: staff.practitionerId, itemCode: r.item_code });
    const provider = await practitionerFacts(cmd.trx, staff.practitionerId);
    const time = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Shanghai',
      hour: '2-digit',
      minute: '2-digit',
    }).format(r.window_start);
    await notify(
      cmd,
      notices.fdHomeAccepted(
        { accountId: r.requested_by, patientId: r.patient_id, refId: r.id },
        {
          serviceNo: r.service_no,
          itemName: item.name,
          providerName: provider?.name ?? '',
          date: shanghaiDate(r.window_start),
          time,
        },
      ),
    );
    return homeServiceRow(cmd.trx, id);
  });
  return view(ctx, row, { ...party, provider: true });
}

/**
 * POST /home-services/{id}/check-in: the provider at the door types the code the resident's app shows
 * (FD-9). A wrong code changes nothing but the count of wrong codes (422 CLIENT_CODE_INVALID); the 5th in a
 * row locks check-in for 15 minutes (409 HOME_SERVICE_CODE_LOCKED), the right code included.
 */
export async function checkIn(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  body: Static<typeof CheckInBody>,
  actor: Actor,
): Promise<HomeServiceView> {
  const { party } = await partyOf(ctx, auth, id);
  requireProvider(party);
  // A wrong code is counted in the same command, on the locked row, and committed before the 422 is
  // thrown: parallel wrong codes queue on the lock, so the 5th locks check-in and no 6th gets through.
  const result = await runCommand(ctx, actor, async (cmd) => {
    const r = await lockFor(cmd, id, 'check_in');
    if (r.code_locked_until && r.code_locked_until > cmd.now)
      throw familyDoctorErrors.clientCodeLocked(undefined, {
        lockedUntil: r.code_locked_until.toISOString(),
      });
    if (!clientCodeMatches(clientCodeKey(ctx), r.id, body.clientCode, r.client_code_hash))
      return { refused: await countWrongCode(cmd, r) };
    await cmd.trx
      .updateTable('home_service')
      .set({
        status: nextStatus(r.status, 'check_in')!,
        checked_in_at: cmd.now,
        code_failures: 0,
        code_locked_until: null,
        updated_at: cmd.now,
      })
      .where('id', '=', r.id)
      .execute();
    await addEvent(cmd, r.id, 'check_in', body.position, null);
    await auditChange(cmd, r, 'check_in', { identity: 'client_code' });
    return { row: await homeServiceRow(cmd.trx, id) };
  });
  if ('refused' in result) throw result.refused;
  return view(ctx, result.row, party);
}

/**
 * Counts a wrong client code on the locked row and audits it; nothing else changes. Answers the refusal
 * (422 CLIENT_CODE_INVALID) for the caller to throw once the count is committed.
 */
async function countWrongCode(cmd: CommandScope, r: HomeServiceRow): Promise<Error> {
  const failures = r.code_failures + 1;
  const locked = failures >= CODE_MAX_FAILURES;
  const lockedUntil = locked ? new Date(cmd.now.getTime() + CODE_LOCK_MS) : null;
  await cmd.trx
    .updateTable('home_service')
    .set(locked ? { code_failures: 0, code_locked_until: lockedUntil } : { code_failures: failures })
    .where('id', '=', r.id)
    .execute();
  await cmd.audit({
    action: 'family_doctor.home_service_code_wrong',
    resourceType: 'home_service',
    resourceId: r.id,
    patientId: r.patient_id,
    outcome: 'failure',
    details: { failures, ...(lockedUntil ? { lockedUntil: lockedUntil.toISOString() } : {}) },
  });
  return familyDoctorErrors.clientCodeInvalid(
    locked
      ? '核验码连续错误 5 次，签到已锁定 15 分钟。'
      : `核验码与工单不符，还可再试 ${CODE_MAX_FAILURES - failures} 次。`,
    {
      attemptsLeft: locked ? 0 : CODE_MAX_FAILURES - failures,
      ...(lockedUntil ? { lockedUntil: lockedUntil.toISOString() } : {}),
    },
  );
}

/** POST /home-services/{id}/position: the provider's trace, on the way and at the home (FD-9). */
export async function reportPosition(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  position: Position,
  actor: Actor,
): Promise<HomeServiceView> {
  const { party } = await partyOf(ctx, auth, id);
  requireProvider(party);
  const row = await runCommand(ctx, actor, async (cmd) => {
    const r = await lockFor(cmd, id, 'position');
    await addEvent(cmd, r.id, 'position', position, null);
    await auditChange(cmd, r, 'position');
    return r;
  });
  return view(ctx, row, party);
}

/** POST /home-services/{id}/check-out: the provider leaves with the service record (服务记录) → completed. */
export async function checkOut(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  body: Static<typeof CheckOutBody>,
  actor: Actor,
): Promise<HomeServiceView> {
  const { party } = await partyOf(ctx, auth, id);
  requireProvider(party);
  const row = await runCommand(ctx, actor, async (cmd) => {
    const r = await lockFor(cmd, id, 'check_out');
    await cmd.trx
      .updateTable('home_service')
      .set({
        status: nextStatus(r.status, 'check_out')!,
        checked_out_at: cmd.now,
        record: JSON.stringify(body.record),
        updated_at: cmd.now,
      })
      .where('id', '=', r.id)
      .execute();
    await addEvent(cmd, r.id, 'check_out', body.position, null);
    await auditChange(cmd, r, 'check_out');
    return homeServiceRow(cmd.trx, id);
  });
  return view(ctx, row, party);
}

/**
 * POST /home-services/{id}/panic: the provider on the order asks for help. The institution's
 * administrators and the lead of the resident's team get an in-app notice and an SMS naming the order and
 * the provider only; the position is on the order's page for the institution.
 */
export async function panic(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  body: Static<typeof PanicBody>,
  actor: Actor,
): Promise<HomeServiceView> {
  const { party } = await partyOf(ctx, auth, id);
  const staff = requireProvider(party);
  const row = await runCommand(ctx, actor, async (cmd) => {
    const r = await lockFor(cmd, id, 'panic');
    await addEvent(cmd, r.id, 'panic', body.position, body.note?.trim() || null);
    const lead = r.team_id
      ? await cmd.trx
          .selectFrom('family_team')
          .select('lead_practitioner_id')
          .where('id', '=', r.team_id)
          .executeTakeFirst()
      : undefined;
    const leadAccount = lead ? await accountOfPractitioner(cmd.trx, lead.lead_practitioner_id) : undefined;
    const admins = await staffAccountsAt(cmd.trx, r.institution_id, 'org_admin');
    const to = [...new Set([...admins, ...(leadAccount ? [leadAccount] : [])])].filter(
      (a) => a !== staff.accountId,
    );
    const [institution, provider] = await Promise.all([
      institutionFacts(cmd.trx, [r.institution_id]),
      practitionerFacts(cmd.trx, staff.practitionerId),
    ]);
    for (const accountId of to)
      await notify(
        cmd,
        notices.fdHomePanic(
          // No patientId: the notice is about the provider's safety, not the resident's care.
          { accountId, refId: r.id },
          {
            serviceNo: r.service_no,
            institutionName: institution.get(r.institution_id)?.name ?? '',
            providerName: provider?.name ?? '',
          },
        ),
      );
    await auditChange(cmd, r, 'panic', { notified: to.length });
    return r;
  });
  return view(ctx, row, party);
}

/** POST /home-services/{id}/panic/handle: the institution's staff or administrator closes the open panic. */
export async function handlePanic(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  body: Static<typeof HandlePanicBody>,
  actor: Actor,
): Promise<HomeServiceView> {
  const { party } = await partyOf(ctx, auth, id);
  if (!party.staff && !party.admin)
    throw familyDoctorErrors.notProvider('只有服务机构的人员可以处理紧急求助。');
  const row = await runCommand(ctx, actor, async (cmd) => {
    const r = await lockFor(cmd, id, 'handle_panic');
    const last = await cmd.trx
      .selectFrom('home_service_event')
      .select('kind')
      .where('service_id', '=', r.id)
      .where('kind', 'in', ['panic', 'panic_handled'])
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (last?.kind !== 'panic') throw stateConflict('handle_panic');
    await addEvent(cmd, r.id, 'panic_handled', undefined, body.note?.trim() || null);
    await auditChange(cmd, r, 'panic_handle');
    return r;
  });
  return view(ctx, row, party);
}
