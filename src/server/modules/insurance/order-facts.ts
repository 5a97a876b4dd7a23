/**
 * What an order is, as insurance settles it ([7/12]): its fee lines as the platform takes them (2204), the
 * institution that sold it (INS-1) and who and what it is about, for the fraud screen (facts.ts, INS-4).
 * Read through the owning modules' apis: payments (the order and its lines), visits, prescriptions,
 * directory. Insurable: an online follow-up's fee (purpose `visit`, one service line, INS-3), the drugs
 * and delivery of a follow-up's prescription (purpose `prescription`, INS-2), and the registration fee of
 * an appointment booked on a family doctor's upward referral (purpose `appointment`, one service line,
 * FD-4, FD-6); nothing else.
 */
import type { InstitutionLevel } from '../../../shared/insurance.js';
import type { Executor } from '../../platform/db/database.js';
import { institutionCodes, institutionFacts } from '../directory/directory.api.js';
import { familyDoctorFacts, upwardReferralOfAppointment } from '../family-doctor/family-doctor.api.js';
import { orderLines } from '../payments/payments.api.js';
import { fulfilmentForInsurance } from '../prescriptions/prescriptions.api.js';
import { appointmentForVisit } from '../scheduling/scheduling.api.js';
import { visitForInsurance } from '../visits/visits.api.js';
import type { SettlementFacts } from './facts.js';
import { insuranceErrors } from './insurance.errors.js';
import type { FeeLine, PersonInfo } from './platform.js';

/** The item code of an online follow-up's fee line (医疗服务项目: 互联网复诊). */
export const FOLLOW_UP_ITEM_CODE = 'ONLINE_FOLLOW_UP';
/** The item code of a referred outpatient visit's registration fee (FD-4, FD-6: 转诊门诊). */
export const REFERRAL_ITEM_CODE = 'REFERRAL_OUTPATIENT';

/** An order as settlement needs it (payments' row, the columns read here). */
export interface OrderForSettlement {
  id: string;
  patient_id: string;
  purpose: string;
  ref_id: string;
  description: string;
  amount_fen: number;
  institution_id: string | null;
}

/** What an insurable order is about. */
export interface OrderSubject {
  orderId: string;
  patientId: string;
  institutionId: string;
  practitionerId: string | null;
  prescriptionId: string | null;
  visitId: string | null;
  visitStatus: string | null;
  /** The appointment of a referred visit (purpose `appointment`), for FD-6's facts. */
  appointmentId: string | null;
  lines: FeeLine[];
  totalFen: number;
}

/**
 * The order's fee lines and facts; INSURANCE_NOT_INSURABLE for an appointment's registration fee, a visit
 * that is not a follow-up (INS-2: only follow-ups of an offline diagnosis are insured online), or an
 * order made before orders named their institution.
 */
export async function orderSubject(db: Executor, order: OrderForSettlement): Promise<OrderSubject> {
  if (!order.institution_id) throw insuranceErrors.notInsurable('该订单没有记录开单机构，不能使用医保结算。');
  const base = { orderId: order.id, patientId: order.patient_id, institutionId: order.institution_id };
  if (order.purpose === 'visit') {
    const v = await visitForInsurance(db, order.ref_id);
    if (v?.type !== 'follow_up')
      throw insuranceErrors.notInsurable('医保在线结算只适用于线上复诊（INS-2）；本次问诊请自费支付。');
    // INS-3: one service line, the follow-up's fee; the policy pays it like the offline ordinary fee.
    const line: FeeLine = {
      line: 1,
      kind: 'service',
      itemCode: FOLLOW_UP_ITEM_CODE,
      itemName: order.description,
      category: null,
      quantity: 1,
      daysSupply: null,
      totalFen: order.amount_fen,
    };
    return {
      ...base,
      practitionerId: v.practitionerId,
      prescriptionId: null,
      visitId: v.id,
      visitStatus: v.status,
      appointmentId: null,
      lines: [line],
      totalFen: order.amount_fen,
    };
  }
  if (order.purpose === 'appointment') {
    // FD-4, FD-6: only a visit a family doctor referred up (the referral booked this appointment) is
    // insured online; any other registration fee is paid at the hospital's own counter.
    const referral = await upwardReferralOfAppointment(db, order.ref_id);
    const a = referral ? await appointmentForVisit(db, order.ref_id) : undefined;
    if (!referral || a?.patientId !== order.patient_id)
      throw insuranceErrors.notInsurable(
        '挂号费只有家庭医生上转预约的转诊号可以使用医保在线结算（FD-4）；本次请自费支付。',
      );
    const line: FeeLine = {
      line: 1,
      kind: 'service',
      itemCode: REFERRAL_ITEM_CODE,
      itemName: order.description,
      category: null,
      quantity: 1,
      daysSupply: null,
      totalFen: order.amount_fen,
    };
    return {
      ...base,
      practitionerId: a.practitionerId,
      prescriptionId: null,
      visitId: null,
      visitStatus: null,
      appointmentId: a.id,
      lines: [line],
      totalFen: order.amount_fen,
    };
  }
  if (order.purpose === 'prescription') {
    const f = await fulfilmentForInsurance(db, order.ref_id);
    if (!f) throw insuranceErrors.notInsurable('没有找到该订单对应的处方。');
    const v = await visitForInsurance(db, f.visitId);
    if (v?.type !== 'follow_up')
      throw insuranceErrors.notInsurable(
        '医保在线结算只适用于线上复诊开具的处方（INS-2）；本处方请自费支付。',
      );
    const lines: FeeLine[] = (await orderLines(db, order.id)).map((l) => ({
      line: l.line,
      kind: l.kind,
      itemCode: l.kind === 'drug' ? l.ref : null,
      itemName: l.name,
      category: l.kind === 'drug' ? l.insuranceCategory : null,
      quantity: l.quantity,
      daysSupply: l.kind === 'drug' && l.ref ? (f.daysByDrug.get(l.ref) ?? null) : null,
      totalFen: l.amountFen,
    }));
    if (lines.length === 0) throw insuranceErrors.notInsurable('该订单没有费用明细。');
    return {
      ...base,
      practitionerId: f.practitionerId,
      prescriptionId: f.prescriptionId,
      visitId: f.visitId,
      visitStatus: v.status,
      appointmentId: null,
      lines,
      totalFen: order.amount_fen,
    };
  }
  throw insuranceErrors.notInsurable();
}

/**
 * FD-6's facts a settlement carries (2206, 2207): for a referred visit's registration fee, the person's
 * contract and age and whether a family doctor referred them (the +1 yuan at the hospital); for an online
 * follow-up at a community institution, the contract and age (the community self-pay cut by 1 yuan).
 * Nothing for other orders (FD-6 touches service fees only). Judged as on `at`, the settlement's time, so
 * every resend of a 2207 carries the same facts.
 */
export async function familyDoctorOf(
  db: Executor,
  subject: Pick<OrderSubject, 'patientId' | 'appointmentId' | 'visitId' | 'prescriptionId'>,
  level: InstitutionLevel,
  at: Date,
): Promise<{ familyDoctor?: { contractedElderly: boolean; referredByFamilyDoctor: boolean } }> {
  if (subject.appointmentId)
    return { familyDoctor: await familyDoctorFacts(db, subject.patientId, at, subject.appointmentId) };
  if (subject.visitId && !subject.prescriptionId && level === 'primary')
    return { familyDoctor: await familyDoctorFacts(db, subject.patientId, at) };
  return {};
}

/** The institution as the platform knows it: its code (定点医药机构编号) and level, and where it is. */
export interface SettlementInstitution {
  id: string;
  name: string;
  code: string;
  level: InstitutionLevel;
  district: string;
}

/** INSURANCE_NOT_DESIGNATED when the institution has no level the policy knows (INS-1 applies to hospitals). */
export async function settlementInstitution(
  db: Executor,
  institutionId: string,
): Promise<SettlementInstitution> {
  const facts = (await institutionFacts(db, [institutionId])).get(institutionId);
  const code = (await institutionCodes(db, [institutionId])).get(institutionId);
  const level = facts?.level;
  if (!facts || !code || (level !== 'primary' && level !== 'secondary' && level !== 'tertiary'))
    throw insuranceErrors.notDesignated();
  return { id: institutionId, name: facts.name, code, level, district: facts.district };
}

/** The fraud screen's facts of a settlement (facts.ts), from the order and the person as 1101 reported. */
export function settlementFacts(
  subject: OrderSubject,
  institution: SettlementInstitution,
  person: PersonInfo,
  settlement: { id: string; totalFen: number; fundFen: number; at: Date },
): SettlementFacts {
  return {
    settlementId: settlement.id,
    orderId: subject.orderId,
    patientId: subject.patientId,
    practitionerId: subject.practitionerId,
    institutionId: institution.id,
    institutionDistrict: institution.district,
    prescriptionId: subject.prescriptionId,
    visitId: subject.visitId,
    visitStatus: subject.visitStatus,
    person,
    lines: subject.lines,
    totalFen: settlement.totalFen,
    fundFen: settlement.fundFen,
    at: settlement.at,
  };
}
