/**
 * Linking a patient's medical insurance with the e-voucher (医保电子凭证, ID-3), "我的医保", and unlinking.
 *
 * The platform answers a person's balance and year-to-date figures (1101) only to a fresh e-voucher, so
 * `GET /insurance/me` shows them as they were last reported — at the link and after each settlement
 * (`recordInsuredFigures`) — with that time (`asOf`), rather than pretending they are live.
 */
import type {
  InsuranceLinkBody,
  InsuranceMe,
  InsuredPerson,
  Scheme,
  WalletLink,
} from '../../../shared/insurance.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import {
  identityErrors,
  patientCard,
  patientIdNumber,
  patientNames,
  patientRelationsOfAccount,
  requirePatientAccess,
} from '../identity/identity.api.js';
import { insuranceErrors } from './insurance.errors.js';
import type { InsuranceRuntime } from './insurance.runtime.js';
import { actingPatient, type InsuredFigures, maskPsnNo } from './insured-person.js';
import { InsurancePlatformRefusal, InsurancePlatformUnavailable, type PersonInfo } from './platform.js';
import { shanghaiDay } from './policy-store.js';
import { walletLinkViews } from './wallet.service.js';

const figuresOf = (p: PersonInfo): InsuredFigures => ({
  ytdYear: p.ytdYear,
  balanceFen: p.balanceFen,
  ytdTotalFen: p.ytdTotalFen,
  ytdDeductibleFen: p.ytdDeductibleFen,
  ytdFundFen: p.ytdFundFen,
});

interface InsuredRow {
  patient_id: string;
  psn_no: string;
  scheme: Scheme;
  insuring_region: string;
  insuring_region_name: string;
  linked_at: Date;
  figures: Record<string, unknown> | null;
  figures_at: Date | null;
}

function personView(r: InsuredRow, name: string, now: Date): InsuredPerson {
  const f = (r.figures ?? {}) as Partial<InsuredFigures>;
  // A new year starts the year-to-date figures again; the balance carries over.
  const thisYear = f.ytdYear === Number(shanghaiDay(now).slice(0, 4));
  return {
    patientId: r.patient_id,
    name,
    psnNoMasked: maskPsnNo(r.psn_no),
    scheme: r.scheme,
    insuringRegion: r.insuring_region,
    insuringRegionName: r.insuring_region_name,
    balanceFen: f.balanceFen ?? 0,
    ytdTotalFen: thisYear ? (f.ytdTotalFen ?? 0) : 0,
    ytdFundFen: thisYear ? (f.ytdFundFen ?? 0) : 0,
    ytdDeductibleFen: thisYear ? (f.ytdDeductibleFen ?? 0) : 0,
    linkedAt: r.linked_at.toISOString(),
    asOf: (r.figures_at ?? r.linked_at).toISOString(),
  };
}

/**
 * What the patient is told when 1101 does not answer a person (ID-3): a refusal is always a 4xx — a bad,
 * expired or someone else's voucher, or an unknown person, is INSURANCE_VOUCHER_INVALID; any other
 * business refusal ('rejected', 'not_settled') is INSURANCE_LINK_REFUSED — and anything else, the platform
 * not answering, no adapter configured or an adapter failing in a way it should not, is 503
 * INSURANCE_PLATFORM_UNAVAILABLE (nothing was linked; trying later may work). An unexpected failure is
 * logged with its cause, which the 503 does not show.
 */
function linkRefusal(ctx: AppContext, err: unknown): Error {
  if (err instanceof InsurancePlatformRefusal) {
    switch (err.reason) {
      case 'voucher_invalid':
      case 'voucher_mismatch':
      case 'person_not_found':
        return insuranceErrors.voucherInvalid();
      case 'rejected':
      case 'not_settled':
        return insuranceErrors.linkRefused();
      default: {
        const never: never = err.reason;
        return insuranceErrors.linkRefused(`医保平台拒绝了本次绑定（${String(never)}）。`);
      }
    }
  }
  if (!(err instanceof InsurancePlatformUnavailable))
    ctx.log.error({ err }, 'insurance platform adapter failed on 1101; answered as unavailable');
  return insuranceErrors.platformUnavailable();
}

/**
 * ID-3: links the caller's own patient, or a dependent they act for, with the e-voucher. The platform
 * (1101) is asked with the patient's ID number, so a voucher of anyone else is refused. Linking again
 * updates the person number, scheme and region and clears an unlink. The ID number goes only to the
 * platform: never into the audit log or the logs.
 */
export async function linkInsurance(
  ctx: AppContext,
  rt: InsuranceRuntime,
  auth: AuthContext,
  body: InsuranceLinkBody,
  actor: Actor,
): Promise<InsuredPerson> {
  const patientId = await actingPatient(ctx.db, auth, body.patientId);
  const card = await patientCard(ctx.db, { patientId });
  const idNumber = card?.verifiedAt ? await patientIdNumber(ctx, ctx.db, patientId) : null;
  if (!card || !idNumber) {
    throw identityErrors.realNameRequired(
      '绑定医保须以实名身份进行（ID-1, ID-3）：该就诊人尚未完成实名认证。',
    );
  }
  // The remote call is outside any transaction; the link is written after it answers.
  let info: PersonInfo;
  try {
    info = await rt.platform.personInfo({ msgId: newId(), voucher: body.voucher, idNumber });
  } catch (err) {
    throw linkRefusal(ctx, err);
  }
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const before = await trx
      .selectFrom('insured_person')
      .select(['psn_no', 'unlinked_at'])
      .where('patient_id', '=', patientId)
      .forUpdate()
      .executeTakeFirst();
    const row: InsuredRow = {
      patient_id: patientId,
      psn_no: info.psnNo,
      scheme: info.scheme,
      insuring_region: info.insuringRegion,
      insuring_region_name: info.insuringRegionName,
      linked_at: now,
      figures: { ...figuresOf(info) },
      figures_at: now,
    };
    const values = {
      psn_no: row.psn_no,
      scheme: row.scheme,
      insuring_region: row.insuring_region,
      insuring_region_name: row.insuring_region_name,
      linked_by: auth.accountId,
      linked_at: now,
      unlinked_at: null,
      figures: JSON.stringify(row.figures),
      figures_at: now,
    };
    await trx
      .insertInto('insured_person')
      .values({ patient_id: patientId, ...values })
      .onConflict((oc) => oc.column('patient_id').doUpdateSet(values))
      .execute();
    await cmd.audit({
      action: 'insurance.linked',
      resourceType: 'insured_person',
      resourceId: patientId,
      patientId,
      details: {
        psnNoMasked: maskPsnNo(info.psnNo),
        scheme: info.scheme,
        insuringRegion: info.insuringRegion,
        relinked: before !== undefined,
        psnNoChanged: before !== undefined && before.psn_no !== info.psnNo,
      },
    });
    return personView(row, card.name, now);
  });
}

/**
 * Ends a link (the person number is kept for the settlements that name it; linking again restores it).
 * Unlinking an unlinked person changes nothing; a patient never linked is INSURANCE_NOT_LINKED.
 */
export async function unlinkInsurance(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  actor: Actor,
): Promise<void> {
  await requirePatientAccess(ctx.db, auth, patientId);
  await runCommand(ctx, actor, async (cmd) => {
    const row = await cmd.trx
      .selectFrom('insured_person')
      .select(['psn_no', 'unlinked_at'])
      .where('patient_id', '=', patientId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw insuranceErrors.notLinked();
    if (row.unlinked_at !== null) return;
    await cmd.trx
      .updateTable('insured_person')
      .set({ unlinked_at: cmd.now })
      .where('patient_id', '=', patientId)
      .execute();
    await cmd.audit({
      action: 'insurance.unlinked',
      resourceType: 'insured_person',
      resourceId: patientId,
      patientId,
      details: { psnNoMasked: maskPsnNo(row.psn_no) },
    });
  });
}

/**
 * "我的医保": the linked persons among the caller's own patient and the dependents they act for (self
 * first), with their figures as last reported, and the live 家庭共济 links on either side of any of them.
 */
export async function insuranceMe(ctx: AppContext, auth: AuthContext): Promise<InsuranceMe> {
  const now = ctx.clock.now();
  const relations = await patientRelationsOfAccount(ctx.db, auth.accountId);
  const ids = [...relations.keys()];
  if (ids.length === 0) return { persons: [], walletLinks: [] };
  const rows = (await ctx.db
    .selectFrom('insured_person')
    .select([
      'patient_id',
      'psn_no',
      'scheme',
      'insuring_region',
      'insuring_region_name',
      'linked_at',
      'figures',
      'figures_at',
    ])
    .where('patient_id', 'in', ids)
    .where('unlinked_at', 'is', null)
    .orderBy('linked_at')
    .orderBy('patient_id')
    .execute()) as InsuredRow[];
  const links = await ctx.db
    .selectFrom('family_wallet_link')
    .selectAll()
    .where('status', 'in', ['requested', 'active'])
    .where((eb) => eb.or([eb('payer_patient_id', 'in', ids), eb('beneficiary_patient_id', 'in', ids)]))
    .orderBy('requested_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const names = await patientNames(
    ctx.db,
    rows.map((r) => r.patient_id),
  );
  const self = (id: string) => (relations.get(id) === 'self' ? 0 : 1);
  const persons = rows
    .sort((a, b) => self(a.patient_id) - self(b.patient_id))
    .map((r) => personView(r, names.get(r.patient_id) ?? '', now));
  const walletLinks: WalletLink[] = await walletLinkViews(ctx.db, links, new Set(ids));
  return { persons, walletLinks };
}
