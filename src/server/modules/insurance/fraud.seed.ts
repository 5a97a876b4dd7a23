/**
 * The demo's overlapping-prescription case (智能监管, INS-4), for the insurer's journey: 张伟 (employee
 * scheme) had his amlodipine — 4 boxes, 28 days — settled by insurance at the tertiary hospital YC-H01
 * (陈建国) ten days ago, and again at the Qingshi community centre YC-C01 (龙晓梅) three days ago, while
 * the first supply still had 21 days to run. Both settlements are written as the checkout leaves them
 * (an order paid in full by insurance: fund + personal account, no cash), with the simulated platform's
 * matching ledger (its person, its settlements, the person's year-to-date and balance), so reconciliation
 * of those days balances; the open alert is the one the screen raises for the second (source `seed`).
 *
 * Called from src/server/seed/demo-insurance.ts in the demo seed's transaction, after the policies
 * (seedInsurance) and the drug catalogue (seedPrescribing). Not for 王秀英: her journey starts clean.
 */
import { randomBytes } from 'node:crypto';
import { recordAudit, systemActor } from '../../platform/audit/audit.js';
import type { Tx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { DEMO_PATIENTS } from '../../seed/region-data.js';
import { institutionFacts } from '../directory/directory.api.js';
import { patientCard } from '../identity/identity.api.js';
import { attachSettlement, createOrder, markSeededOrderPaid } from '../payments/payments.api.js';
import { DRUGS } from '../prescriptions/drug-data.js';
import { type CheckedSettlement, overlappingSupply } from './fraud.rules.js';
import { insertAlert, raisedDetails } from './fraud.service.js';
import { computeSplit } from './insurance.rules.js';
import { policyInForce, shanghaiDay } from './policy-store.js';
import { psnNoOf, yearOf, ytdOf } from './sim/sim-ledger.js';
import { DEMO_INSURED, simIdHash } from './sim/sim-persons.js';

const DAY_MS = 86_400_000;
const PATIENT = '张伟';
const DRUG_ID = 'YY0001'; // 苯磺酸氨氯地平片 5 mg × 7, category A
const BOXES = 4;
const DAYS = 28;

export interface FraudDemoIds {
  /** Institution ids by code (YC-H01 …). */
  institutions: Map<string, string>;
  /** Practitioner ids by code (P001 …). */
  practitioners: Map<string, string>;
  /** Patient ids by name (张伟 …). */
  patients: Map<string, string>;
}

export interface FraudDemoResult {
  alertId: string;
  settlementIds: [string, string];
}

interface DemoSettlement {
  institution: string;
  practitioner: string;
  daysAgo: number;
}

const SETTLEMENTS: [DemoSettlement, DemoSettlement] = [
  { institution: 'YC-H01', practitioner: 'P001', daysAgo: 10 },
  { institution: 'YC-C01', practitioner: 'P048', daysAgo: 3 },
];

export async function seedFraudDemo(trx: Tx, ids: FraudDemoIds, now: Date): Promise<FraudDemoResult> {
  const seed = DEMO_PATIENTS.find((p) => p.name === PATIENT);
  const insured = seed ? DEMO_INSURED[seed.idNumber] : undefined;
  const patientId = ids.patients.get(PATIENT);
  const drug = DRUGS.find((d) => d.id === DRUG_ID);
  if (!seed || !insured || !patientId || !drug)
    throw new Error(`fraud demo: ${PATIENT} or ${DRUG_ID} is not seeded`);
  const accountId = (await patientCard(trx, { patientId }))?.accountId;
  if (!accountId) throw new Error(`fraud demo: ${PATIENT} has no account`);

  // The platform's person (as the simulator makes them on the first e-voucher), then their ledger.
  const idHash = simIdHash(seed.idNumber);
  const psnNo = psnNoOf(idHash);
  await trx
    .insertInto('inssim_person')
    .values({
      psn_no: psnNo,
      id_hash: idHash,
      name: PATIENT,
      scheme: insured.scheme,
      insuring_region: insured.insuringRegion,
      insuring_region_name: insured.insuringRegionName,
      balance_fen: insured.balanceFen,
      ytd_year: yearOf(now),
      ytd_total_fen: insured.ytdTotalFen,
      ytd_deductible_fen: insured.ytdDeductibleFen,
      ytd_fund_fen: insured.ytdFundFen,
      death_date: insured.deathDate,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();

  const facts = await institutionFacts(trx, [...ids.institutions.values()]);
  const unitFen = drug.priceFen;
  const totalFen = unitFen * BOXES;
  const made: CheckedSettlement[] = [];
  for (const spec of SETTLEMENTS) {
    const institutionId = ids.institutions.get(spec.institution)!;
    const place = facts.get(institutionId)!;
    const level = (place.level ?? 'primary') as 'primary' | 'secondary' | 'tertiary';
    const at = new Date(now.getTime() - spec.daysAgo * DAY_MS);
    const day = shanghaiDay(at);
    const policy =
      (await policyInForce(trx, insured.scheme, level, day)) ??
      (await policyInForce(trx, insured.scheme, level, shanghaiDay(now)));
    if (!policy) throw new Error(`fraud demo: no ${insured.scheme} policy at ${level}`);
    const person = await trx
      .selectFrom('inssim_person')
      .selectAll()
      .where('psn_no', '=', psnNo)
      .executeTakeFirstOrThrow();
    const year = yearOf(at);
    const ytd = ytdOf({ ...person, balance_fen: Number(person.balance_fen) }, year);
    const balanceFen = Number(person.balance_fen);
    const split = computeSplit({
      rules: policy.rules,
      institutionLevel: level,
      person: {
        scheme: insured.scheme,
        ytdDeductibleFen: ytd.ytdDeductibleFen,
        ytdFundFen: ytd.ytdFundFen,
        accountBalanceFen: balanceFen,
      },
      lines: [{ line: 1, kind: 'drug', category: drug.insuranceCategory, totalFen }],
    });
    // Paid in full by insurance (fund + account): no gateway, so nothing else needs to agree.
    if (split.cashFen !== 0) throw new Error('fraud demo: the split left a cash part');

    const orderId = await createOrder(trx, {
      patientId,
      accountId,
      purpose: 'prescription',
      // A purchase of the past: the demo keeps its settlement, not the prescription behind it.
      refId: newId(),
      institutionId,
      description: `处方药品：${drug.genericName}`,
      amountFen: totalFen,
      expiresAt: new Date(at.getTime() + 30 * 60_000),
      now: new Date(at.getTime() - 2 * 60_000),
      lines: [
        {
          kind: 'drug',
          ref: drug.id,
          name: drug.genericName,
          quantity: BOXES,
          unitPriceFen: unitFen,
          amountFen: totalFen,
          insuranceCategory: drug.insuranceCategory,
        },
      ],
    });
    const settlementId = newId();
    const msgId = newId();
    const setlId = `SETL${day.replace(/-/g, '')}${randomBytes(8).toString('hex').toUpperCase()}`;
    const line = split.lines[0]!;
    await trx
      .insertInto('insurance_settlement')
      .values({
        id: settlementId,
        order_id: orderId,
        patient_id: patientId,
        institution_id: institutionId,
        psn_no: psnNo,
        scheme: insured.scheme,
        insuring_region: insured.insuringRegion,
        account_payer_patient_id: null,
        policy_id: policy.id,
        policy_version: policy.version,
        status: 'settled',
        msg_id: msgId,
        platform_setl_id: setlId,
        total_fen: split.totalFen,
        fund_fen: split.fundFen,
        account_fen: split.accountFen,
        cash_fen: split.cashFen,
        basis: JSON.stringify({ ...ytd, balanceFen }),
        practitioner_id: ids.practitioners.get(spec.practitioner)!,
        requested_at: new Date(at.getTime() - 1_000),
        settled_at: at,
      })
      .execute();
    await trx
      .insertInto('insurance_settlement_line')
      .values({
        settlement_id: settlementId,
        line: 1,
        kind: 'drug',
        item_code: drug.id,
        item_name: drug.genericName,
        category: drug.insuranceCategory,
        quantity: BOXES,
        days_supply: DAYS,
        total_fen: line.totalFen,
        fund_fen: line.fundFen,
        account_fen: line.accountFen,
        cash_fen: line.cashFen,
      })
      .execute();
    await attachSettlement(trx, orderId, { id: settlementId, cashFen: 0 });
    await markSeededOrderPaid(trx, orderId, at, 'insurance');
    // The simulated platform's side of the same settlement, and the person's year and balance after it.
    await trx
      .insertInto('inssim_settlement')
      .values({
        setl_id: setlId,
        msg_id: msgId,
        psn_no: psnNo,
        institution_code: spec.institution,
        order_ref: orderId,
        total_fen: split.totalFen,
        fund_fen: split.fundFen,
        account_fen: split.accountFen,
        cash_fen: split.cashFen,
        account_payer_psn_no: null,
        deductible_fen: split.deductibleFen,
        status: 'settled',
        settled_at: at,
      })
      .execute();
    await trx
      .updateTable('inssim_person')
      .set({
        balance_fen: balanceFen - split.accountFen,
        ...(year >= Number(person.ytd_year)
          ? {
              ytd_year: year,
              ytd_total_fen: ytd.ytdTotalFen + split.totalFen,
              ytd_deductible_fen: ytd.ytdDeductibleFen + split.deductibleFen,
              ytd_fund_fen: ytd.ytdFundFen + split.fundFen,
            }
          : {}),
      })
      .where('psn_no', '=', psnNo)
      .execute();
    made.push({
      settlementId,
      patientId,
      practitionerId: ids.practitioners.get(spec.practitioner)!,
      institutionId,
      institutionName: place.name,
      institutionDistrict: place.district,
      insuringRegionName: insured.insuringRegionName,
      totalFen: split.totalFen,
      at,
      prescriptionId: null,
      visitId: null,
      deathDate: null,
      lines: [{ line: 1, kind: 'drug', itemCode: drug.id, itemName: drug.genericName, daysSupply: DAYS }],
    });
  }

  // The alert the screen raises for the second settlement: the same rule, the same evidence and key.
  const [first, second] = made as [CheckedSettlement, CheckedSettlement];
  const [hit] = overlappingSupply(second, [
    { ...first, itemCode: drug.id, itemName: drug.genericName, daysSupply: DAYS },
  ]);
  if (!hit) throw new Error('fraud demo: the overlapping case raised no hit');
  const alertId = await insertAlert(trx, hit, 'seed', second.at);
  if (!alertId) throw new Error('fraud demo: the alert exists already');
  await recordAudit(
    trx,
    systemActor,
    {
      action: 'insurance.alert_raised',
      resourceType: 'insurance_alert',
      resourceId: alertId,
      patientId,
      details: raisedDetails(hit, 'seed'),
    },
    now,
  );
  return { alertId, settlementIds: [first.settlementId, second.settlementId] };
}
