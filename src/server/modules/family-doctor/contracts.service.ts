/**
 * Making family-doctor contracts ([12/12], FD-1…FD-3): a resident signs themself and/or family members
 * they act for (ID-6) to a team — one basic package and optional ones each person is eligible for, 1–3
 * years, the fee split between the insurance fund, the public-health fund and the resident — or renews the
 * contract in force near its end, possibly with another team (a switch). Each person gets a contract
 * (pending_signature) with the agreement text and its SM3 hash; a family signing shares one group and one
 * order for the residents' parts; the signer gets an SMS code to confirm (contract-sign.ts).
 *
 * FD-1 "one team at a time": a transaction-scoped lock per resident (sorted) serialises the check and the
 * insert, and the partial unique indexes family_contract_current/next refuse what the check might miss.
 */
import type { CreateContractBody, CreatedContract } from '../../../shared/family-doctor.js';
import { shanghaiDate } from '../../../shared/identity.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { maskIdNumber } from '../../platform/crypto/mask.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { institutionFacts, practitionerFacts } from '../directory/directory.api.js';
import {
  accountNames,
  accountPhone,
  identityErrors,
  isActiveGuardian,
  issueOtp,
  ownPatientId,
  patientIdNumber,
  patientNames,
  patientProfiles,
  requirePatientAccess,
} from '../identity/identity.api.js';
import { createOrder } from '../payments/payments.api.js';
import { agreementHash, agreementText } from './agreement.js';
import {
  feeProblem,
  fullYears,
  perYear,
  selectionProblem,
  teamWouldOverflow,
  termEnd,
  termTotals,
  timesSplit,
} from './contract.rules.js';
import {
  type ContractRow,
  contractViews,
  lockResidents,
  lockTeam,
  nextContractNo,
  withOneTeamBackstop,
} from './contract-store.js';
import { familyDoctorErrors } from './family-doctor.errors.js';
import { eligibilityOf, packageFacts, packageRows, personFacts } from './packages.service.js';
import { activeTeam, occupiedPlaces, PLACE_STATUSES, type TeamRow } from './teams.service.js';

type PackageRow = Awaited<ReturnType<typeof packageRows>>[number];

/** ID-6: a child under 14 is signed by their guardian (an active proxy marked guardian), not any proxy. */
const GUARDIAN_AGE = 14;

/**
 * Who may be signed by the caller: themself and family members they act for (ID-6) — each checked
 * (403 NOT_YOUR_PATIENT) — and a child under 14 only by a guardian (422 GUARDIAN_REQUIRED).
 */
export async function signablePatients(
  ctx: AppContext,
  auth: AuthContext,
  patientIds: readonly string[],
): Promise<string[]> {
  const ids = [...new Set(patientIds)];
  const profiles = await patientProfiles(ctx.db, ids);
  const today = ctx.clock.now();
  for (const id of ids) {
    const relation = await requirePatientAccess(ctx.db, auth, id);
    const birth = profiles.get(id)?.birthDate;
    if (relation === 'proxy' && birth && fullYears(birth, shanghaiDate(today)) < GUARDIAN_AGE)
      if (!(await isActiveGuardian(ctx.db, auth.accountId, id)))
        throw identityErrors.guardianRequired('未满 14 周岁儿童的家庭医生签约须由其监护人办理（ID-6）。');
  }
  return ids;
}

/**
 * FD-2, FD-3: the packages for a contract with `team` — the choice stands (one basic, on sale, offered
 * there), every person is eligible for every package on `today`, and a person-year costs at least the
 * minimum with the split adding up. 422 PACKAGE_INVALID / PACKAGE_NOT_ELIGIBLE / CONTRACT_FEE_TOO_LOW.
 */
export async function choosePackages(
  ctx: AppContext,
  packageIds: readonly string[],
  team: TeamRow,
  patientIds: readonly string[],
  today: string,
): Promise<PackageRow[]> {
  const rows = await packageRows(ctx.db, packageIds);
  const problem = selectionProblem(packageIds, rows.map(packageFacts), team.institution_id);
  if (problem) throw familyDoctorErrors.packageInvalid(problem);
  const chosen = packageIds.map((id) => rows.find((r) => r.id === id)!);
  const [people, names] = await Promise.all([
    personFacts(ctx.db, patientIds),
    patientNames(ctx.db, patientIds),
  ]);
  for (const pid of patientIds)
    for (const p of chosen) {
      const no = eligibilityOf(packageFacts(p), people.get(pid)!, today);
      if (no)
        throw familyDoctorErrors.packageNotEligible(
          `${names.get(pid) ?? ''}不能选择“${p.name}”：${no.text}（FD-2）。`,
        );
    }
  const fee = feeProblem(perYear(chosen.map(packageFacts)), ctx.config.familyDoctor.minFeePerYearFen);
  if (fee) throw familyDoctorErrors.feeBelowMinimum(fee);
  return chosen;
}

interface Person {
  patientId: string;
  startsOn: string;
  previous: ContractRow | null;
}

interface Made {
  groupId: string;
  rows: ContractRow[];
  demoCode: string | undefined;
}

/**
 * The contracts of one signing, in the caller's command (the residents already locked and checked): the
 * team's capacity under its lock (TEAM_FULL), a contract per person with its agreement and packages at
 * today's prices, one order for the residents' parts when there is anything to pay, and the SMS code.
 */
export async function makeContracts(
  cmd: CommandScope,
  signer: { accountId: string },
  team: TeamRow,
  pkgs: readonly PackageRow[],
  years: number,
  persons: readonly Person[],
): Promise<Made> {
  const { ctx, trx, now, audit } = cmd;
  await lockTeam(trx, team.id);
  const occupied = await occupiedPlaces(
    trx,
    team.id,
    persons.map((p) => p.patientId),
  );
  if (teamWouldOverflow(occupied, persons.length, team.capacity))
    throw familyDoctorErrors.teamFull(
      `该团队最多签约 ${team.capacity} 位居民，目前已满（或剩余名额不足 ${persons.length} 位）。`,
    );
  const groupId = newId();
  const split = pkgs.map(packageFacts);
  const totals = termTotals(split, years);
  const ids = persons.map((p) => p.patientId);
  const [names, signerNames, lead, institution] = await Promise.all([
    patientNames(trx, ids),
    accountNames(trx, [signer.accountId]),
    practitionerFacts(trx, team.lead_practitioner_id),
    institutionFacts(trx, [team.institution_id]).then((m) => m.get(team.institution_id)),
  ]);
  const ownPatient = await ownPatientId(trx, signer.accountId);
  const rows: ContractRow[] = [];
  for (const person of persons) {
    const id = newId();
    const contractNo = await nextContractNo(trx, now);
    const endsOn = termEnd(person.startsOn, years);
    const idNumber = await patientIdNumber(ctx, trx, person.patientId);
    const text = agreementText({
      contractNo,
      residentName: names.get(person.patientId) ?? '',
      residentIdMasked: idNumber ? maskIdNumber(idNumber) : null,
      signerName: signerNames.get(signer.accountId) ?? '',
      signerIsProxy: ownPatient !== person.patientId,
      teamName: team.name,
      leadName: lead?.name ?? '',
      institutionName: institution?.name ?? '',
      packages: pkgs.map((p) => ({ ...packageFacts(p), name: p.name, services: p.services })),
      years,
      startsOn: person.startsOn,
      endsOn,
      totals,
      previousContractNo: person.previous?.contract_no ?? null,
    });
    const row = await withOneTeamBackstop(
      trx
        .insertInto('family_contract')
        .values({
          id,
          contract_no: contractNo,
          patient_id: person.patientId,
          team_id: team.id,
          institution_id: team.institution_id,
          signer_account_id: signer.accountId,
          years,
          starts_on: person.startsOn,
          ends_on: endsOn,
          status: 'pending_signature',
          previous_contract_id: person.previous?.id ?? null,
          fee_fen: totals.feeFen,
          insurance_fen: totals.insuranceFen,
          public_health_fen: totals.publicHealthFen,
          resident_fen: totals.residentFen,
          order_id: null,
          group_id: groupId,
          agreement_text: text,
          agreement_hash: agreementHash(text),
          signed_at: null,
          paid_at: null,
          terminated_at: null,
          terminate_reason: null,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    await trx
      .insertInto('family_contract_package')
      .values(
        pkgs.map((p) => ({
          contract_id: id,
          package_id: p.id,
          fee_fen: p.fee_fen,
          insurance_fen: p.insurance_fen,
          public_health_fen: p.public_health_fen,
          resident_fen: p.resident_fen,
        })),
      )
      .execute();
    rows.push(row);
  }
  // One order for the residents' parts of the whole family (none when the residents pay nothing).
  const group = timesSplit(totals, persons.length);
  let orderId: string | null = null;
  if (group.residentFen > 0) {
    orderId = await createOrder(trx, {
      patientId: ids.includes(ownPatient ?? '') ? ownPatient! : ids[0]!,
      accountId: signer.accountId,
      purpose: 'contract',
      refId: groupId,
      institutionId: team.institution_id,
      description: `家庭医生签约服务费（${team.name}，${years} 年，${persons.length} 人）`,
      amountFen: group.residentFen,
      expiresAt: new Date(now.getTime() + ctx.config.familyDoctor.holdMinutes * 60_000),
      now,
      lines: rows.map((r) => ({
        kind: 'service' as const,
        ref: r.id,
        name: `${names.get(r.patient_id) ?? ''} 家庭医生签约（${years} 年）`,
        quantity: 1,
        unitPriceFen: r.resident_fen,
        amountFen: r.resident_fen,
        insuranceCategory: null,
      })),
    });
    await trx
      .updateTable('family_contract')
      .set({ order_id: orderId })
      .where('group_id', '=', groupId)
      .execute();
    for (const r of rows) r.order_id = orderId;
  }
  for (const r of rows)
    await audit({
      action: r.previous_contract_id ? 'family_doctor.contract_renew' : 'family_doctor.contract_create',
      resourceType: 'family_contract',
      resourceId: r.id,
      patientId: r.patient_id,
      details: {
        contractNo: r.contract_no,
        teamId: team.id,
        years,
        startsOn: r.starts_on,
        packages: pkgs.map((p) => p.code),
        feeFen: r.fee_fen,
        residentFen: r.resident_fen,
        groupId,
        orderId,
        previousContractId: r.previous_contract_id,
        agreementSm3: r.agreement_hash,
      },
    });
  const phone = await accountPhone(ctx, trx, signer.accountId);
  if (!phone) throw familyDoctorErrors.signerPhoneMissing();
  const { code } = await issueOtp(ctx, trx, phone, 'contract_sign', groupId);
  return { groupId, rows, demoCode: ctx.config.demo ? code : undefined };
}

export async function created(ctx: AppContext, made: Made): Promise<CreatedContract> {
  const views = await contractViews(ctx.db, made.rows, ctx.clock.now(), {
    renewalWindowDays: ctx.config.familyDoctor.renewalWindowDays,
  });
  const first = made.rows[0]!;
  return {
    id: first.id,
    status: first.status,
    orderId: first.order_id,
    contracts: views,
    agreementText: first.agreement_text,
    ...(made.demoCode ? { demoCode: made.demoCode } : {}),
  };
}

/** FD-1: the residents' contracts holding them now (being signed or paid, in force, or waiting to start). */
export async function heldBy(db: Executor, patientIds: readonly string[]): Promise<ContractRow[]> {
  return db
    .selectFrom('family_contract')
    .selectAll()
    .where('patient_id', 'in', [...patientIds])
    .where('status', 'in', PLACE_STATUSES)
    .execute();
}

/**
 * POST /family-doctor/contracts: the caller signs themself and/or family members they act for to a team
 * (FD-1…FD-3). 201 pending_signature with the agreement and, when the residents pay anything, the order.
 */
export async function createContracts(
  ctx: AppContext,
  auth: AuthContext,
  body: CreateContractBody,
  actor: Actor,
): Promise<CreatedContract> {
  let wanted = body.patientIds;
  if (!wanted) {
    const own = await ownPatientId(ctx.db, auth.accountId);
    if (!own) throw identityErrors.realNameRequired();
    wanted = [own];
  }
  const patientIds = await signablePatients(ctx, auth, wanted);
  const team = await activeTeam(ctx.db, body.teamId);
  const today = shanghaiDate(ctx.clock.now());
  const pkgs = await choosePackages(ctx, body.packageIds, team, patientIds, today);
  const made = await runCommand(ctx, actor, async (cmd) => {
    await lockResidents(cmd.trx, patientIds);
    const held = await heldBy(cmd.trx, patientIds);
    if (held.length > 0) {
      const names = await patientNames(
        cmd.trx,
        held.map((h) => h.patient_id),
      );
      throw familyDoctorErrors.contractAlreadyActive(
        `${[...new Set(held.map((h) => names.get(h.patient_id) ?? ''))].join('、')}已有在约或待完成的家庭医生签约（FD-1）。`,
      );
    }
    const startsOn = shanghaiDate(cmd.now);
    return makeContracts(
      cmd,
      { accountId: auth.accountId },
      team,
      pkgs,
      body.years,
      patientIds.map((patientId) => ({ patientId, startsOn, previous: null })),
    );
  });
  return created(ctx, made);
}
