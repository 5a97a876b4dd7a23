/**
 * Signing and coming into force ([12/12], FD-1): the signer confirms the agreement with the SMS code sent
 * when the contracts were made; the group then waits for the residents' part (pending_payment) or, with
 * nothing to pay, comes into force — a contract whose first day has come is active, a renewal starting
 * later is scheduled. The payment ([2/6], `payments.order_paid`) does the same for a signed group; a
 * payment before the signature is kept (paid_at) and the group comes into force on signing.
 *
 * Coming into force ends the contract it follows: a renewal's predecessor has run its term (expired); an
 * early switch's is terminated (switched) with the resident's part of its unused whole years refunded.
 * Lock order (docs/payments.md): the orders first — the group's own, its predecessors' and successors',
 * newest first (descending id: UUIDv7 ids grow with time, and a payment's subscriber necessarily holds the
 * newest, the one paid, before it refunds a predecessor's) — then the residents, then the contracts.
 */
import { CONDITIONS, type Condition, type ContractView } from '../../../shared/family-doctor.js';
import { shanghaiDate } from '../../../shared/identity.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import {
  accountPhone,
  consumeOtp,
  identityErrors,
  issueOtp,
  patientNames,
  patientProfiles,
} from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { lockOrder, type OrderPaid, requestRefund } from '../payments/payments.api.js';
import { statusWhenInForce, terminationRefundFen, unusedWholeYears } from './contract.rules.js';
import {
  type ContractRow,
  contractRow,
  contractViews,
  groupRows,
  lockResidents,
  readableContract,
} from './contract-store.js';
import { familyDoctorErrors } from './family-doctor.errors.js';
import { endTeamCare, startFollowupPlans } from './followup-plans.js';

const GROUP_TO_CONDITION: Record<string, Condition> = { hypertension: 'hypertension', diabetes: 'diabetes' };

/** The unpaid hold is over: the contracts made this long ago and still pending are let go (contract-jobs.ts). */
export const holdOver = (ctx: AppContext, row: { created_at: Date }, now: Date) =>
  now.getTime() >= row.created_at.getTime() + ctx.config.familyDoctor.holdMinutes * 60_000;

/**
 * A contract ended early (by the resident, the team, or a switch) gives back the resident's part of its
 * contract years not yet begun, from the order that paid it (a family's order in part). Null when nothing.
 */
export async function refundUnusedYears(cmd: CommandScope, row: ContractRow, today: string): Promise<number> {
  if (!row.order_id || !row.paid_at) return 0;
  const unused = unusedWholeYears(String(row.starts_on), row.years, today);
  const amount = terminationRefundFen(row.resident_fen, row.years, unused);
  if (amount <= 0) return 0;
  const refundNo = await requestRefund(cmd, row.order_id, amount, `contract_ended:${row.contract_no}`);
  return refundNo ? amount : 0;
}

/** Who is told of a contract: the resident's own account and the signer (a proxy), each once. */
async function tellResident(
  cmd: CommandScope,
  row: ContractRow,
  notice: (to: { accountId: string; patientId: string; refId: string }) => Parameters<typeof notify>[1],
): Promise<void> {
  const patient = (await patientProfiles(cmd.trx, [row.patient_id])).get(row.patient_id);
  for (const accountId of new Set([patient?.accountId, row.signer_account_id]))
    if (accountId) await notify(cmd, notice({ accountId, patientId: row.patient_id, refId: row.id }));
}

/** A contract comes into force today: its predecessor ends, its follow-up plans start, the resident is told. */
async function activate(cmd: CommandScope, row: ContractRow, today: string): Promise<void> {
  const { trx, now, audit } = cmd;
  if (row.previous_contract_id) {
    const prev = await contractRow(trx, row.previous_contract_id, true);
    if (prev?.status === 'active') {
      const switched = String(row.starts_on) <= String(prev.ends_on);
      await trx
        .updateTable('family_contract')
        .set(
          switched
            ? { status: 'terminated', terminated_at: now, terminate_reason: 'switched', updated_at: now }
            : { status: 'expired', updated_at: now },
        )
        .where('id', '=', prev.id)
        .execute();
      const refundFen = switched ? await refundUnusedYears(cmd, prev, today) : 0;
      // SEC-1, FD-1: another team takes over — the former team's plans, follow-ups and alerts end here
      // (a renewal with the same team keeps them).
      const care =
        prev.team_id === row.team_id
          ? null
          : await endTeamCare(trx, { patientId: prev.patient_id, teamId: prev.team_id, now });
      await audit({
        action: switched ? 'family_doctor.contract_terminate' : 'family_doctor.contract_expire',
        resourceType: 'family_contract',
        resourceId: prev.id,
        patientId: prev.patient_id,
        details: {
          contractNo: prev.contract_no,
          reason: switched ? 'switched' : 'term_over',
          next: row.id,
          refundFen,
          careEnded: care,
        },
      });
    }
  }
  await trx
    .updateTable('family_contract')
    .set({ status: 'active', updated_at: now })
    .where('id', '=', row.id)
    .execute();
  const groups = await trx
    .selectFrom('family_contract_package as cp')
    .innerJoin('service_package as p', 'p.id', 'cp.package_id')
    .select('p.group_code')
    .where('cp.contract_id', '=', row.id)
    .execute();
  const conditions = [
    ...new Set(groups.map((g) => GROUP_TO_CONDITION[g.group_code]).filter((c) => c !== undefined)),
  ].filter((c) => (CONDITIONS as readonly string[]).includes(c));
  await startFollowupPlans(trx, {
    patientId: row.patient_id,
    teamId: row.team_id,
    conditions,
    startsOn: String(row.starts_on),
    now,
    settings: cmd.ctx.config.familyDoctor,
  });
  await audit({
    action: 'family_doctor.contract_activate',
    resourceType: 'family_contract',
    resourceId: row.id,
    patientId: row.patient_id,
    details: {
      contractNo: row.contract_no,
      teamId: row.team_id,
      startsOn: row.starts_on,
      endsOn: row.ends_on,
      conditions,
    },
  });
  const [team, names] = await Promise.all([
    trx.selectFrom('family_team').select('name').where('id', '=', row.team_id).executeTakeFirst(),
    patientNames(trx, [row.patient_id]),
  ]);
  await tellResident(cmd, row, (to) =>
    notices.fdContractActive(to, {
      patientName: names.get(row.patient_id) ?? '',
      teamName: team?.name ?? '',
      startsOn: String(row.starts_on),
      endsOn: String(row.ends_on),
    }),
  );
}

/**
 * Signed and paid (or free): each contract of the group is active from its first day, or scheduled until
 * then (a renewal). Also the job's path for a scheduled contract whose day has come.
 */
export async function bringIntoForce(cmd: CommandScope, rows: readonly ContractRow[]): Promise<void> {
  const today = shanghaiDate(cmd.now);
  for (const row of rows) {
    if (statusWhenInForce(String(row.starts_on), today) === 'active') {
      await activate(cmd, row, today);
      continue;
    }
    if (row.status === 'scheduled') continue;
    await cmd.trx
      .updateTable('family_contract')
      .set({ status: 'scheduled', updated_at: cmd.now })
      .where('id', '=', row.id)
      .execute();
    await cmd.audit({
      action: 'family_doctor.contract_schedule',
      resourceType: 'family_contract',
      resourceId: row.id,
      patientId: row.patient_id,
      details: { contractNo: row.contract_no, startsOn: row.starts_on },
    });
    const [team, names] = await Promise.all([
      cmd.trx.selectFrom('family_team').select('name').where('id', '=', row.team_id).executeTakeFirst(),
      patientNames(cmd.trx, [row.patient_id]),
    ]);
    await tellResident(cmd, row, (to) =>
      notices.fdContractScheduled(to, {
        patientName: names.get(row.patient_id) ?? '',
        teamName: team?.name ?? '',
        startsOn: String(row.starts_on),
      }),
    );
  }
}

/**
 * The orders a group's move may touch: its own, its predecessors' (an early switch refunds one) and its
 * successors' (ending a contract cancels its renewal) — newest first (see the lock order above).
 */
async function groupOrders(db: Executor, groupId: string): Promise<string[]> {
  const rows = await groupRows(db, groupId);
  const prev = rows.map((r) => r.previous_contract_id).filter((id): id is string => id !== null);
  const linked = await db
    .selectFrom('family_contract')
    .select('order_id')
    .where('order_id', 'is not', null)
    .where((eb) =>
      eb.or([
        eb(
          'previous_contract_id',
          'in',
          rows.map((r) => r.id),
        ),
        ...(prev.length > 0 ? [eb('id', 'in', prev)] : []),
      ]),
    )
    .execute();
  const ids = [...rows.map((r) => r.order_id), ...linked.map((l) => l.order_id)];
  return [...new Set(ids.filter((id): id is string => id !== null))].sort().reverse();
}

/**
 * The group of a contract locked for a move: its orders (groupOrders), then its residents, then its rows
 * (docs/payments.md). A renewal made in between (a new order not locked first) is 409: try again.
 */
export async function lockGroup(cmd: CommandScope, row: ContractRow): Promise<ContractRow[]> {
  const orders = await groupOrders(cmd.trx, row.group_id);
  for (const orderId of orders) await lockOrder(cmd.trx, orderId);
  const ids = await groupRows(cmd.trx, row.group_id);
  await lockResidents(
    cmd.trx,
    ids.map((r) => r.patient_id),
  );
  if ((await groupOrders(cmd.trx, row.group_id)).some((o) => !orders.includes(o)))
    throw familyDoctorErrors.contractState('该签约刚有续约变动，请刷新后重试。');
  return groupRows(cmd.trx, row.group_id, true);
}

async function signerPhone(ctx: AppContext, accountId: string): Promise<string> {
  const phone = await accountPhone(ctx, ctx.db, accountId);
  if (!phone) throw familyDoctorErrors.signerPhoneMissing();
  return phone;
}

/** A resident's (or proxy's) contract still waiting for its signature, within its hold. */
async function awaitingSignature(ctx: AppContext, auth: AuthContext, id: string): Promise<ContractRow> {
  const { row, reader } = await readableContract(ctx.db, auth, id);
  if (reader.kind !== 'resident') throw familyDoctorErrors.contractNotFound();
  if (row.status !== 'pending_signature')
    throw familyDoctorErrors.contractState('该签约已签名、已生效或已取消，不能再签名。');
  if (holdOver(ctx, row, ctx.clock.now()))
    throw familyDoctorErrors.contractState(
      `签约须在 ${ctx.config.familyDoctor.holdMinutes} 分钟内签名并支付；已超时，请重新办理签约。`,
    );
  return row;
}

/**
 * POST /family-doctor/contracts/{id}/sign {code}: the SMS code sent to the signer confirms the agreement
 * for every contract of the group (FD-1). The code check commits on its own, so a wrong code counts as an
 * attempt whatever follows; then the group waits for payment, or comes into force (nothing to pay, or paid
 * already).
 */
export async function signContract(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  code: string,
  actor: Actor,
): Promise<ContractView> {
  const row = await awaitingSignature(ctx, auth, id);
  const phone = await signerPhone(ctx, row.signer_account_id);
  const check = await ctx.db
    .transaction()
    .execute((trx) => consumeOtp(ctx, trx, phone, 'contract_sign', code, row.group_id));
  if (check === 'wrong') throw identityErrors.invalidOtp('验证码不正确，请核对签约人手机收到的短信。');
  if (check === 'expired_or_missing') throw identityErrors.otpExpired('验证码已过期或已使用，请重新获取。');
  await runCommand(ctx, actor, async (cmd) => {
    const rows = await lockGroup(cmd, row);
    if (rows.some((r) => r.status !== 'pending_signature'))
      throw familyDoctorErrors.contractState('该签约已签名、已生效或已取消，不能再签名。');
    const paid = row.order_id === null || rows.every((r) => r.paid_at !== null);
    await cmd.trx
      .updateTable('family_contract')
      .set({ status: 'pending_payment', signed_at: cmd.now, updated_at: cmd.now })
      .where('group_id', '=', row.group_id)
      .execute();
    for (const r of rows)
      await cmd.audit({
        action: 'family_doctor.contract_sign',
        resourceType: 'family_contract',
        resourceId: r.id,
        patientId: r.patient_id,
        details: {
          contractNo: r.contract_no,
          agreementSm3: r.agreement_hash,
          paidBefore: r.paid_at !== null,
        },
      });
    if (paid) await bringIntoForce(cmd, await groupRows(cmd.trx, row.group_id));
  });
  const after = await contractRow(ctx.db, id);
  const [view] = await contractViews(ctx.db, [after!], ctx.clock.now(), {
    renewalWindowDays: ctx.config.familyDoctor.renewalWindowDays,
  });
  return view!;
}

/** POST /family-doctor/contracts/{id}/code: a new SMS code to the signer (the last one expired or was lost). */
export async function resendContractCode(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<{ demoCode?: string }> {
  const row = await awaitingSignature(ctx, auth, id);
  const phone = await signerPhone(ctx, row.signer_account_id);
  return runCommand(ctx, actor, async ({ trx, audit }) => {
    const { code } = await issueOtp(ctx, trx, phone, 'contract_sign', row.group_id);
    await audit({
      action: 'family_doctor.contract_code',
      resourceType: 'family_contract',
      resourceId: row.id,
      patientId: row.patient_id,
      details: { contractNo: row.contract_no },
    });
    return ctx.config.demo ? { demoCode: code } : {};
  });
}

/**
 * `payments.order_paid` for a contract order (its ref is the group): a signed group comes into force; an
 * unsigned one keeps the payment (paid_at) and comes into force on signing. False — the payment is then
 * refunded in full — when the group is no longer waiting (cancelled, or let go when its hold ran out).
 */
export async function contractPaid(cmd: CommandScope, paid: OrderPaid): Promise<boolean> {
  const ids = await groupRows(cmd.trx, paid.refId);
  const mine = ids.filter((r) => r.order_id === paid.orderId);
  if (mine.length === 0) return false;
  // The paid order is locked already (the newest); a predecessor's, which an early switch refunds, next.
  for (const orderId of await groupOrders(cmd.trx, paid.refId))
    if (orderId !== paid.orderId) await lockOrder(cmd.trx, orderId);
  await lockResidents(
    cmd.trx,
    mine.map((r) => r.patient_id),
  );
  const rows = (await groupRows(cmd.trx, paid.refId, true)).filter((r) => r.order_id === paid.orderId);
  const waiting = rows.every((r) => r.status === 'pending_payment' || r.status === 'pending_signature');
  if (!waiting) return false;
  await cmd.trx
    .updateTable('family_contract')
    .set({ paid_at: new Date(paid.paidAt), updated_at: cmd.now })
    .where('group_id', '=', paid.refId)
    .execute();
  for (const r of rows)
    await cmd.audit({
      action: 'family_doctor.contract_paid',
      resourceType: 'family_contract',
      resourceId: r.id,
      patientId: r.patient_id,
      details: { contractNo: r.contract_no, orderId: paid.orderId, signed: r.status === 'pending_payment' },
    });
  if (rows.every((r) => r.status === 'pending_payment')) await bringIntoForce(cmd, rows);
  return true;
}
