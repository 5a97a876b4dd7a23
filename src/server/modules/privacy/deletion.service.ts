import type {
  DeletionBlocker,
  DeletionItem,
  DeletionPreview,
  DeletionRequestBody,
  DeletionResult,
} from '../../../shared/privacy.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { maskPhone } from '../../platform/crypto/mask.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { countAuditAbout, forgetAccountIdempotency } from '../../platform/retention.js';
import { consumeOtp, issueOtp } from '../identity/otp.service.js';
import {
  type AccountForDeletion,
  accountForDeletion,
  announceAccountClosed,
  checkAccountPassword,
  forgetAccountIdentity,
  identityFootprint,
} from '../identity/privacy.js';
import { endWalletLinks, insuranceFootprint } from '../insurance/privacy.js';
import { forgetNotifications, notificationCount } from '../notifications/privacy.js';
import { paymentsFootprint, unpaidOrdersOf } from '../payments/privacy.js';
import {
  forgetDeliveryAddresses,
  pendingFulfilmentsOf,
  prescriptionsFootprint,
} from '../prescriptions/privacy.js';
import { recordsFootprint, revokePatientGrants } from '../records/privacy.js';
import { forgetWaitlist, openAppointmentsOf, schedulingFootprint } from '../scheduling/privacy.js';
import { openVisitsOf, visitsFootprint } from '../visits/privacy.js';
import { privacyErrors } from './privacy.errors.js';
import { type RetentionKind, scheduleEntry } from './retention.schedule.js';

/**
 * The patient's deletion request (个人信息保护法 第四十七条; REC-4: nothing under retention is hard-deleted).
 * What goes: preferences, consents (noted first), the health card, family-proxy links, saved addresses,
 * notifications, waiting-list places, sessions and codes; the account is closed (no name, no phone, no
 * password; the phone's blind index released so it may register anew). What stays, with the rule: medical
 * records and process records (REC-1), prescriptions (RX-12, REC-1), payments, appointments and insurance
 * settlements (会计档案), the patient's identity on those records (REC-1), and the audit (DJ-16).
 */

const removeItem = (
  kind: string,
  label: string,
  labelEn: string,
  count: number,
  why: string,
  whyEn: string,
) =>
  ({
    kind,
    label,
    labelEn,
    action: 'remove',
    count,
    rule: null,
    years: null,
    why,
    whyEn,
  }) satisfies DeletionItem;

function keepItem(kind: RetentionKind, count: number, label?: string, labelEn?: string): DeletionItem {
  const e = scheduleEntry(kind);
  return {
    kind,
    label: label ?? e.label,
    labelEn: labelEn ?? e.labelEn,
    action: 'keep',
    count,
    rule: e.rule,
    years: e.months === null ? null : e.months / 12,
    why: e.why,
    whyEn: e.whyEn,
  };
}

interface Assessment {
  account: AccountForDeletion;
  removed: DeletionItem[];
  kept: DeletionItem[];
  blockers: DeletionBlocker[];
}

async function assess(ctx: AppContext, db: Executor, accountId: string, now: Date): Promise<Assessment> {
  const account = await accountForDeletion(ctx, db, accountId);
  if (account?.status !== 'active') throw errors.unauthenticated();
  const pid = account.patientId;
  const id = await identityFootprint(db, accountId, pid);
  const rx = pid ? await prescriptionsFootprint(db, pid, accountId) : null;
  const addresses = rx?.addresses ?? 0;
  const visits = pid ? await visitsFootprint(db, pid) : { visits: 0, records: 0, messages: 0 };
  const records = pid ? await recordsFootprint(db, pid, now) : { encounters: 0, reports: 0, liveGrants: 0 };
  const pay = pid ? await paymentsFootprint(db, pid) : { orders: 0 };
  const sched = pid ? await schedulingFootprint(db, pid) : { appointments: 0, waitlist: 0 };
  const ins = pid ? await insuranceFootprint(db, pid) : { settlements: 0, walletLinks: 0 };
  const removed: DeletionItem[] = [
    removeItem(
      'account',
      '账号：手机号、昵称、登录密码',
      'Account: phone, name, password',
      1,
      '账号注销后不能再登录；仅保留不含个人信息的注销标记。手机号释放，可重新注册一个新的空账号（与原记录不关联）。',
      'The account is closed and can no longer log in; only a marker without personal data remains. The phone is released and may register a new, empty account (not linked to the old records).',
    ),
    removeItem(
      'preferences',
      '个人设置（长辈模式、当前就诊人）',
      'Settings (elderly mode, current patient)',
      id.preferences,
      '无法定保存期限。',
      'No legal retention.',
    ),
    removeItem(
      'consents',
      '用户协议与隐私政策同意记录',
      'Consents to the terms and privacy policy',
      id.consents,
      '同意的版本与时间先记入本次注销记录，再删除。',
      'The versions and times agreed are noted in this request first, then deleted.',
    ),
    removeItem(
      'health_card',
      '电子健康卡',
      'Electronic health card',
      id.healthCards,
      '无法定保存期限；二维码随即失效。',
      'No legal retention; its QR code stops working.',
    ),
    removeItem(
      'family_links',
      '家庭成员代理关系',
      'Family-member links',
      id.familyLinks,
      '您代理的和代理您的关系均解除；家庭成员自己的就诊记录不受影响。',
      'Links both ways end; family members’ own records are not affected.',
    ),
    removeItem(
      'addresses',
      '收货地址',
      'Delivery addresses',
      addresses,
      '无法定保存期限；已配送订单自带的地址随配送记录保留。',
      'No legal retention; a delivered order keeps its own copy with the delivery record.',
    ),
    removeItem(
      'notifications',
      '站内消息',
      'In-app messages',
      await notificationCount(db, accountId),
      '无法定保存期限。',
      'No legal retention.',
    ),
    removeItem(
      'waitlist',
      '候补登记',
      'Waiting-list places',
      sched.waitlist,
      '无法定保存期限。',
      'No legal retention.',
    ),
    removeItem(
      'sessions',
      '登录会话与验证码',
      'Sessions and codes',
      id.sessions,
      '所有设备立即退出登录。',
      'Every device is logged out at once.',
    ),
    {
      ...removeItem(
        'grants',
        '病历调阅授权（撤销）',
        'Record access authorisations (revoked)',
        records.liveGrants,
        '有效授权立即撤销；授权记录本身作为调阅依据随病历审计保存。',
        'Live authorisations end at once; the grants stay as the reason for past reads.',
      ),
      action: 'anonymise',
    },
    {
      ...removeItem(
        'wallet_links',
        '医保家庭共济关系（解除）',
        'Family insurance-wallet links (ended)',
        ins.walletLinks,
        '关系解除；已发生的结算所依据的关系随结算记录保存。',
        'Links end; those past settlements used stay with them.',
      ),
      action: 'anonymise',
    },
  ];
  const kept: DeletionItem[] = [
    keepItem(
      'medical_record',
      visits.visits + visits.records + records.encounters + records.reports + id.allergies,
    ),
    keepItem('visit_process', visits.messages),
    keepItem('prescription', rx?.prescriptions ?? 0),
    keepItem('payment', pay.orders + sched.appointments + ins.settlements),
    keepItem('patient_identity', pid ? 1 : 0),
    keepItem('audit_medical', await countAuditAbout(db, accountId, pid), '审计记录', 'Audit records'),
  ];
  const blockers: DeletionBlocker[] = [];
  if (pid) {
    for (const v of await openVisitsOf(db, pid))
      blockers.push({ kind: 'open_visit', id: v.id, label: '进行中的问诊', labelEn: 'A visit in progress' });
    for (const o of await unpaidOrdersOf(db, pid, now))
      blockers.push({ kind: 'unpaid_order', id: o.id, label: '待支付的订单', labelEn: 'An unpaid order' });
    for (const f of await pendingFulfilmentsOf(db, pid))
      blockers.push({
        kind: 'pending_fulfilment',
        id: f.id,
        label: '未完成的处方取药或配送',
        labelEn: 'A prescription not yet collected or delivered',
      });
    for (const a of await openAppointmentsOf(db, pid))
      blockers.push({
        kind: 'open_appointment',
        id: a.id,
        label: `未就诊的预约（${a.date}）`,
        labelEn: `An appointment to come (${a.date})`,
      });
  }
  return { account, removed, kept, blockers };
}

/** GET /me/deletion-request/preview: what would be removed, what must be kept and why, what is open. */
export async function previewDeletion(
  ctx: AppContext,
  auth: AuthContext,
  actor: Actor,
): Promise<DeletionPreview> {
  return runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const a = await assess(ctx, trx, auth.accountId, now);
    await audit({
      action: 'account.deletion_preview',
      resourceType: 'account',
      resourceId: auth.accountId,
      patientId: a.account.patientId,
      details: { blockers: a.blockers.length },
    });
    return {
      removed: a.removed,
      kept: a.kept,
      blockers: a.blockers,
      canDelete: a.blockers.length === 0,
      phoneReleased: true,
    };
  });
}

/** POST /me/deletion-request/otp: an SMS code to the account's own phone, to re-confirm. */
export async function sendDeletionCode(
  ctx: AppContext,
  auth: AuthContext,
  actor: Actor,
): Promise<{ sent: boolean; devCode?: string }> {
  return runCommand(ctx, actor, async ({ trx, audit }) => {
    const account = await accountForDeletion(ctx, trx, auth.accountId);
    if (!account) throw errors.unauthenticated();
    const { code } = await issueOtp(ctx, trx, account.phone, 'account_delete');
    await audit({
      action: 'account.deletion_code',
      resourceType: 'account',
      resourceId: auth.accountId,
      details: { phone: maskPhone(account.phone) },
    });
    return { sent: true, ...(ctx.config.demo ? { devCode: code } : {}) };
  });
}

/**
 * POST /me/deletion-request (个人信息保护法 第四十七条; REC-4). Re-confirmed by the SMS code or the password;
 * refused (409 DELETION_BLOCKED) while business is open. In one command: every module removes what it may,
 * the request is recorded with the consents noted, and it is audited; then every node drops the sessions.
 */
export async function requestDeletion(
  ctx: AppContext,
  auth: AuthContext,
  actor: Actor,
  body: DeletionRequestBody,
): Promise<DeletionResult> {
  if (!body.otp && !body.password) throw privacyErrors.confirmationRequired();
  const now0 = ctx.clock.now();
  const first = await assess(ctx, ctx.db, auth.accountId, now0);
  const refuse = async (reason: string, extra: Record<string, unknown> = {}) =>
    recordAudit(
      ctx.db,
      actor,
      {
        action: 'account.close',
        outcome: 'failure',
        resourceType: 'account',
        resourceId: auth.accountId,
        patientId: first.account.patientId,
        details: { reason, ...extra },
      },
      now0,
    );
  if (first.blockers.length > 0) {
    await refuse('blocked', { blockers: first.blockers.map((b) => b.kind) });
    throw privacyErrors.blocked(undefined, { blockers: first.blockers });
  }
  // The check commits on its own, so a wrong code counts as an attempt whatever follows.
  const confirmed = body.otp
    ? (await ctx.db
        .transaction()
        .execute((trx) => consumeOtp(ctx, trx, first.account.phone, 'account_delete', body.otp ?? ''))) ===
      'ok'
    : await checkAccountPassword(ctx.db, auth.accountId, body.password ?? '');
  if (!confirmed) {
    await refuse(body.otp ? 'bad_otp' : 'bad_password');
    throw privacyErrors.confirmationFailed();
  }
  const result = await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const a = await assess(ctx, trx, auth.accountId, now);
    if (a.blockers.length > 0) throw privacyErrors.blocked(undefined, { blockers: a.blockers });
    const pid = a.account.patientId;
    if (pid) {
      await forgetWaitlist(trx, pid);
      await revokePatientGrants(trx, pid, auth.accountId, now);
      await endWalletLinks(trx, pid, now);
    }
    await forgetDeliveryAddresses(trx, auth.accountId);
    await forgetNotifications(trx, auth.accountId);
    await forgetAccountIdempotency(trx, auth.accountId);
    const { consents, sessionIds } = await forgetAccountIdentity(ctx, trx, a.account, now);
    await trx
      .insertInto('deletion_request')
      .values({
        id: newId(),
        account_id: auth.accountId,
        patient_id: pid,
        confirmed_by: body.otp ? 'otp' : 'password',
        requested_at: now,
        consents: JSON.stringify(consents),
        removed: JSON.stringify(a.removed.map(({ kind, action, count }) => ({ kind, action, count }))),
        kept: JSON.stringify(a.kept.map(({ kind, count, rule, years }) => ({ kind, count, rule, years }))),
      })
      .execute();
    await audit({
      action: 'account.close',
      resourceType: 'account',
      resourceId: auth.accountId,
      patientId: pid,
      details: {
        phone: maskPhone(a.account.phone),
        confirmedBy: body.otp ? 'otp' : 'password',
        removed: Object.fromEntries(a.removed.map((i) => [i.kind, i.count])),
        kept: Object.fromEntries(a.kept.map((i) => [i.kind, i.count])),
        consentsNoted: consents.length,
      },
    });
    return {
      sessionIds,
      body: { closedAt: now.toISOString(), removed: a.removed, kept: a.kept, phoneReleased: true },
    };
  });
  announceAccountClosed(ctx, auth.accountId, result.sessionIds);
  return result.body;
}
