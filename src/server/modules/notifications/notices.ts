/**
 * The one catalogue of notification texts ([8/12]): every notice a module sends, by key, in zh-CN and
 * en-US, made from the same params. A module sends one with a one-liner,
 * `notify(cmd, notices.booked({ accountId, patientId, refId }, { … }))`; the row keeps the zh-CN text
 * (what the SMS says) and the key with its params, and the message centre renders the key in the reader's
 * language (Accept-Language). Params are facts (dates, names, numbers, reason codes), JSON: never text
 * in one language, so both languages can be made from them. Keys are stored: rename one only with its
 * old key kept (a removed key shows the stored zh-CN text).
 */
import { dayText, type Rendering, renderStored, type TextLanguage, yuanText } from '../../platform/texts.js';
import { insuranceErrors } from '../insurance/insurance.errors.js';
import { rejectReasonText } from '../remote/lab/specimen.rules.js';
import type { Notice, NotificationKind } from './notification.service.js';

export interface NoticeText {
  title: string;
  body: string;
}

interface NoticeSpec<P> extends Rendering<P, NoticeText> {
  kind: NotificationKind;
  refType: string;
  /** Also sent by SMS (in zh-CN) unless the call says otherwise. */
  sms?: boolean;
}

const spec = <P>(s: NoticeSpec<P>) => s;

/** “，请在 15 分钟内完成支付” after a booking that must be paid. */
const payWithin = (paid: boolean, lang: TextLanguage) =>
  paid ? (lang === 'zh-CN' ? '，请在 15 分钟内完成支付' : '; please pay within 15 minutes') : '';

const RX_END: Record<string, [string, string]> = {
  pharmacy_cancelled: ['药房无法调配，订单已取消', 'The pharmacy cannot fill it; the order is cancelled'],
  patient_cancelled: ['您已取消取药订单', 'You cancelled the medicine order'],
  payment_timeout: [
    '取药订单未在 30 分钟内支付，已取消',
    'The medicine order was not paid within 30 minutes and is cancelled',
  ],
  prescription_expired: [
    '处方已过有效期，取药订单已取消',
    'The prescription has expired; the medicine order is cancelled',
  ],
};
const RX_PAID_AFTER_END: Record<string, [string, string]> = {
  prescription_expired: [
    '支付时处方已过有效期，取药订单已取消',
    'The prescription had expired when you paid, so the medicine order is cancelled',
  ],
  payment_timeout: [
    '支付到账时取药订单已因超时取消',
    'Your payment arrived after the medicine order had timed out',
  ],
  patient_cancelled: [
    '支付到账时取药订单已取消',
    'Your payment arrived after the medicine order was cancelled',
  ],
  pharmacy_cancelled: [
    '支付到账时药房已取消订单',
    'Your payment arrived after the pharmacy had cancelled the order',
  ],
};
const RX_PAID_AFTER_END_OTHER: [string, string] = [
  '支付到账时取药订单已结束',
  'Your payment arrived after the medicine order had ended',
];
const pick = (pair: [string, string] | undefined, lang: TextLanguage) =>
  pair ? pair[lang === 'zh-CN' ? 0 : 1] : '';

type Subject = { subject: 'patient' | 'practitioner' };
const REMOTE_KIND_ZH: Record<string, string> = { ecg: '心电图', imaging: '影像', lab: '检验' };
const REMOTE_KIND_EN: Record<string, string> = { ecg: 'ECG', imaging: 'imaging', lab: 'laboratory' };
const blockedSpec = (s: Subject['subject']) =>
  (s === 'patient' ? insuranceErrors.blockedPatient : insuranceErrors.blockedPractitioner).spec;

const CATALOGUE = {
  // --- scheduling ---------------------------------------------------------------------------------
  booked: spec<{
    patientName: string;
    date: string;
    time: string;
    doctorName: string;
    tokenNumber: number;
    paid: boolean;
  }>({
    kind: 'booked',
    refType: 'appointment',
    'zh-CN': (p) => ({
      title: '预约成功',
      body: `${p.patientName} ${dayText(p.date, 'zh-CN')} ${p.time} ${p.doctorName}（${p.tokenNumber} 号）${payWithin(p.paid, 'zh-CN')}`,
    }),
    'en-US': (p) => ({
      title: 'Appointment booked',
      body: `${p.patientName}, ${dayText(p.date, 'en-US')} ${p.time}, ${p.doctorName} (No. ${p.tokenNumber})${payWithin(p.paid, 'en-US')}`,
    }),
  }),
  paid: spec<{ date: string; tokenNumber: number }>({
    kind: 'paid',
    refType: 'appointment',
    'zh-CN': (p) => ({
      title: '支付成功',
      body: `${dayText(p.date, 'zh-CN')} ${p.tokenNumber} 号的挂号费已支付，预约已确认。`,
    }),
    'en-US': (p) => ({
      title: 'Payment received',
      body: `The fee for No. ${p.tokenNumber} on ${dayText(p.date, 'en-US')} is paid; your appointment is confirmed.`,
    }),
  }),
  cancelled: spec<{ date: string; refund: boolean }>({
    kind: 'cancelled',
    refType: 'appointment',
    'zh-CN': (p) => ({
      title: '预约已取消',
      body: `${dayText(p.date, 'zh-CN')} 的预约已取消${p.refund ? '，挂号费将原路退回' : ''}`,
    }),
    'en-US': (p) => ({
      title: 'Appointment cancelled',
      body: `Your appointment on ${dayText(p.date, 'en-US')} is cancelled${p.refund ? '; the fee will be refunded to where it came from' : ''}.`,
    }),
  }),
  holdExpired: spec<{ date: string }>({
    kind: 'hold_expired',
    refType: 'appointment',
    'zh-CN': (p) => ({
      title: '预约已失效',
      body: `${dayText(p.date, 'zh-CN')} 的预约未在时限内支付，号源已释放。`,
    }),
    'en-US': (p) => ({
      title: 'Booking lapsed',
      body: `Your booking for ${dayText(p.date, 'en-US')} was not paid in time and has been released.`,
    }),
  }),
  reminder: spec<{ date: string; tokenNumber: number }>({
    kind: 'reminder',
    refType: 'appointment',
    sms: true,
    'zh-CN': (p) => ({
      title: '就诊提醒',
      body: `您预约的 ${dayText(p.date, 'zh-CN')} ${p.tokenNumber} 号明天就诊，请按时到院或上线。`,
    }),
    'en-US': (p) => ({
      title: 'Appointment reminder',
      body: `Your appointment No. ${p.tokenNumber} is tomorrow, ${dayText(p.date, 'en-US')}. Please be on time.`,
    }),
  }),
  scheduleStopped: spec<{ doctorName: string; date: string; reason: string; tokenNumber: number }>({
    kind: 'schedule_stopped',
    refType: 'appointment',
    sms: true,
    'zh-CN': (p) => ({
      title: '医生停诊通知',
      body: `很抱歉，${p.doctorName} ${dayText(p.date, 'zh-CN')} 停诊（${p.reason}），您的 ${p.tokenNumber} 号预约已取消，挂号费将全额退回。`,
    }),
    'en-US': (p) => ({
      title: 'Session cancelled by the hospital',
      body: `Sorry: ${p.doctorName} does not see patients on ${dayText(p.date, 'en-US')} (${p.reason}). Your appointment No. ${p.tokenNumber} is cancelled and the fee will be refunded in full.`,
    }),
  }),
  waitlistPromoted: spec<{ date: string; doctorName: string; tokenNumber: number; paid: boolean }>({
    kind: 'waitlist_promoted',
    refType: 'appointment',
    sms: true,
    'zh-CN': (p) => ({
      title: '候补成功',
      body: `您候补的 ${dayText(p.date, 'zh-CN')} ${p.doctorName} 已为您预约 ${p.tokenNumber} 号${payWithin(p.paid, 'zh-CN')}`,
    }),
    'en-US': (p) => ({
      title: 'Booked from the waitlist',
      body: `A token came free: you are booked with ${p.doctorName} on ${dayText(p.date, 'en-US')}, No. ${p.tokenNumber}${payWithin(p.paid, 'en-US')}.`,
    }),
  }),
  waitlistJoined: spec<{ date: string; startTime: string; doctorName: string; position?: number }>({
    kind: 'waitlist_joined',
    refType: 'waitlist',
    'zh-CN': (p) => ({
      title: `已加入候补，当前第 ${p.position} 位`,
      body: `您已候补 ${dayText(p.date, 'zh-CN')} ${p.startTime.slice(0, 5)} ${p.doctorName} 的号源，当前第 ${p.position} 位。有号退回时将按顺序自动为您预约，并通知您支付。`,
    }),
    'en-US': (p) => ({
      title: 'Added to the waitlist',
      body: `Waitlisted for ${p.doctorName}, ${dayText(p.date, 'en-US')} ${p.startTime.slice(0, 5)}; you are number ${p.position} in line. If a token is returned it is booked for you and you are told to pay.`,
    }),
  }),
  waitlistCancelled: spec<{ date: string; startTime: string; doctorName: string }>({
    kind: 'waitlist_cancelled',
    refType: 'waitlist',
    'zh-CN': (p) => ({
      title: '候补已取消',
      body: `您已取消 ${dayText(p.date, 'zh-CN')} ${p.startTime.slice(0, 5)} ${p.doctorName} 的候补。`,
    }),
    'en-US': (p) => ({
      title: 'Waitlist entry cancelled',
      body: `Your waitlist entry for ${p.doctorName}, ${dayText(p.date, 'en-US')} ${p.startTime.slice(0, 5)} is cancelled.`,
    }),
  }),
  // --- visits -------------------------------------------------------------------------------------
  visitCompleted: spec<{ doctorName: string }>({
    kind: 'paid',
    refType: 'visit',
    'zh-CN': (p) => ({
      title: '问诊已完成',
      body: `${p.doctorName}医生已完成诊疗并签署病历，可在“我的问诊”中查看。`,
    }),
    'en-US': (p) => ({
      title: 'Visit completed',
      body: `Dr ${p.doctorName} has finished the visit and signed the record; see it in My visits.`,
    }),
  }),
  visitExpired: spec<{ refund: boolean }>({
    kind: 'cancelled',
    refType: 'visit',
    sms: true,
    'zh-CN': (p) => ({
      title: '问诊已超时',
      body: `医生未能在规定时间内接诊，问诊已关闭${p.refund ? '，费用将全额退回' : ''}。`,
    }),
    'en-US': (p) => ({
      title: 'Visit timed out',
      body: `No doctor could see you in time, so the visit is closed${p.refund ? ' and the fee will be refunded in full' : ''}.`,
    }),
  }),
  visitReferredOffline: spec<{ institutionName?: string; departmentName?: string }>({
    kind: 'cancelled',
    refType: 'visit',
    sms: true,
    'zh-CN': (p) => ({
      title: '请到线下医院就诊',
      body: `医生认为您的情况不适合继续线上诊疗，建议到${p.institutionName ? `${p.institutionName}${p.departmentName ?? ''}` : '线下医院'}就诊。`,
    }),
    'en-US': (p) => ({
      title: 'Please see a doctor in person',
      body: `The doctor thinks your condition should not be treated online and recommends a visit to ${p.institutionName ? `${p.institutionName}${p.departmentName ? ` (${p.departmentName})` : ''}` : 'a hospital'}.`,
    }),
  }),
  // --- prescriptions ------------------------------------------------------------------------------
  rxToReview: spec<Record<string, never>>({
    kind: 'prescription',
    refType: 'prescription',
    'zh-CN': () => ({ title: '新的待审处方', body: '有一张线上处方已由医生签名，等待审核（审方队列）。' }),
    'en-US': () => ({
      title: 'New prescription to review',
      body: 'A doctor has signed an online prescription; it is waiting in the review queue.',
    }),
  }),
  rxRejected: spec<Record<string, never>>({
    kind: 'prescription',
    refType: 'prescription',
    'zh-CN': () => ({
      title: '处方被药师驳回',
      body: '药师审核未通过您开具的处方，请查看理由并修改后重新签名。',
    }),
    'en-US': () => ({
      title: 'Prescription rejected by the pharmacist',
      body: 'The pharmacist did not approve your prescription. See the reason, change it and sign again.',
    }),
  }),
  rxApproved: spec<Record<string, never>>({
    kind: 'prescription',
    refType: 'prescription',
    sms: true,
    'zh-CN': () => ({
      title: '处方已审核通过',
      body: '您的处方已由药师审核通过，请在有效期内选择药房取药或配送。',
    }),
    'en-US': () => ({
      title: 'Prescription approved',
      body: 'A pharmacist has approved your prescription. Choose a pharmacy pickup or delivery before it expires.',
    }),
  }),
  rxUnreviewedExpiredDoctor: spec<Record<string, never>>({
    kind: 'prescription',
    refType: 'prescription',
    'zh-CN': () => ({
      title: '处方未审核已过期',
      body: '您开具的处方在有效期内未完成药师审核，已过期（RX-6）；如患者仍需用药，请重新开具。',
    }),
    'en-US': () => ({
      title: 'Prescription expired before review',
      body: 'Your prescription was not reviewed by a pharmacist before it expired (RX-6); if the patient still needs it, prescribe again.',
    }),
  }),
  rxUnreviewedExpired: spec<Record<string, never>>({
    kind: 'prescription',
    refType: 'prescription',
    'zh-CN': () => ({
      title: '处方已过期',
      body: '您的处方在有效期内未完成药师审核，已过期，不能取药；如仍需用药，请联系医生重新开具。',
    }),
    'en-US': () => ({
      title: 'Prescription expired',
      body: 'Your prescription was not reviewed before it expired and can no longer be filled; ask your doctor for a new one if you still need it.',
    }),
  }),
  rxPickedUpAtPharmacy: spec<Record<string, never>>({
    kind: 'prescription',
    refType: 'fulfilment',
    'zh-CN': () => ({ title: '已取药', body: '您的处方药品已在药房取走。请按医嘱用药。' }),
    'en-US': () => ({
      title: 'Medicine collected',
      body: 'Your medicine has been collected at the pharmacy. Take it as your doctor advised.',
    }),
  }),
  rxShipped: spec<{ waybill: string }>({
    kind: 'prescription',
    refType: 'fulfilment',
    'zh-CN': (p) => ({ title: '药品已发出', body: `药房已发药并交给快递，运单号 ${p.waybill}。` }),
    'en-US': (p) => ({
      title: 'Medicine sent',
      body: `The pharmacy has handed your medicine to the courier; waybill ${p.waybill}.`,
    }),
  }),
  rxCourierPickedUp: spec<{ waybill: string }>({
    kind: 'prescription',
    refType: 'fulfilment',
    'zh-CN': (p) => ({ title: '快递已揽收', body: `您的处方药品已由快递员揽收，运单号 ${p.waybill}。` }),
    'en-US': (p) => ({
      title: 'Picked up by the courier',
      body: `The courier has picked up your medicine; waybill ${p.waybill}.`,
    }),
  }),
  rxDelivered: spec<Record<string, never>>({
    kind: 'prescription',
    refType: 'fulfilment',
    sms: true,
    'zh-CN': () => ({ title: '药品已送达', body: '您的处方药品已送达，请在应用中确认收货。' }),
    'en-US': () => ({
      title: 'Medicine delivered',
      body: 'Your medicine has been delivered; please confirm receipt in the app.',
    }),
  }),
  rxDeliveryFailed: spec<Record<string, never>>({
    kind: 'prescription',
    refType: 'fulfilment',
    sms: true,
    'zh-CN': () => ({ title: '药品配送失败', body: '快递未能送达，药品已退回药房，药房将与您联系。' }),
    'en-US': () => ({
      title: 'Delivery failed',
      body: 'The courier could not deliver your medicine; it has gone back to the pharmacy, which will contact you.',
    }),
  }),
  /** A fulfilment ended (`reason`: pharmacy_cancelled, patient_cancelled, payment_timeout, prescription_expired). */
  rxEnded: spec<{ reason: string; note?: string; refunded: boolean }>({
    kind: 'prescription',
    refType: 'fulfilment',
    'zh-CN': (p) => ({
      title: p.refunded ? '取药订单已取消，药费原路退回' : '取药订单已取消',
      body: `${pick(RX_END[p.reason], 'zh-CN')}${p.note ? `（${p.note}）` : ''}。${p.refunded ? '已支付的费用将原路退回。' : ''}`,
    }),
    'en-US': (p) => ({
      title: p.refunded ? 'Medicine order cancelled and refunded' : 'Medicine order cancelled',
      body: `${pick(RX_END[p.reason], 'en-US')}${p.note ? ` (${p.note})` : ''}.${p.refunded ? ' What you paid will be refunded to where it came from.' : ''}`,
    }),
  }),
  rxPaidAfterEnd: spec<{ reason: string; amountFen: number }>({
    kind: 'prescription',
    refType: 'fulfilment',
    sms: true,
    'zh-CN': (p) => ({
      title: '药费将原路退回',
      body: `${pick(RX_PAID_AFTER_END[p.reason] ?? RX_PAID_AFTER_END_OTHER, 'zh-CN')}，已支付的 ${yuanText(p.amountFen)} 将原路退回。`,
    }),
    'en-US': (p) => ({
      title: 'Your payment will be refunded',
      body: `${pick(RX_PAID_AFTER_END[p.reason] ?? RX_PAID_AFTER_END_OTHER, 'en-US')}; the ${yuanText(p.amountFen)} you paid will be refunded to where it came from.`,
    }),
  }),
  // --- insurance (INS-4) --------------------------------------------------------------------------
  insuranceBlocked: spec<Subject>({
    kind: 'insurance',
    refType: 'insurance_alert',
    sms: true,
    'zh-CN': (p) => {
      const s = blockedSpec(p.subject);
      return { title: s.title, body: `${s.detail}${s.action ?? ''}（${s.code}）` };
    },
    'en-US': (p) => {
      const s = blockedSpec(p.subject);
      return {
        title: s.en,
        body: `${
          p.subject === 'patient'
            ? 'The insurance office confirmed irregular settlements involving you; insurance settlement is suspended until the review is closed (INS-4). You can pay yourself; to object, contact your insurance office.'
            : 'The insurance office confirmed irregular prescriptions of this doctor; they cannot be settled by insurance until the review is closed (INS-4). Pay yourself, or see another doctor for the prescription.'
        } (${s.code})`,
      };
    },
  }),
  // --- remote diagnosis ([11/12]) -------------------------------------------------------------------
  remoteCriticalValue: spec<{
    patientName: string;
    accessionNo: string;
    centreName: string;
    reason: string;
  }>({
    kind: 'remote',
    refType: 'diagnostic_request',
    sms: true,
    'zh-CN': (p) => ({
      title: '危急值通知',
      // Also the SMS: no name and no result leave the platform (DJ-10); the alert on the page carries them.
      body: `${p.centreName}报告申请号 ${p.accessionNo} 出现危急值，请立即登录平台查看、处理并确认接收。`,
    }),
    'en-US': (p) => ({
      title: 'Critical value',
      body: `${p.centreName} reports a critical value on accession ${p.accessionNo}. Please open the platform now, act and acknowledge it.`,
    }),
  }),
  remoteReportSigned: spec<{ patientName: string; accessionNo: string; centreName: string; kind: string }>({
    kind: 'remote',
    refType: 'diagnostic_request',
    'zh-CN': (p) => ({
      title: '远程诊断报告已签发',
      body: `${p.centreName}已签发 ${p.patientName} 的${REMOTE_KIND_ZH[p.kind] ?? ''}报告（申请号 ${p.accessionNo}），可查看和打印。`,
    }),
    'en-US': (p) => ({
      title: 'Remote diagnosis report signed',
      body: `${p.centreName} has signed the ${REMOTE_KIND_EN[p.kind] ?? ''} report for ${p.patientName} (accession ${p.accessionNo}); you can view and print it.`,
    }),
  }),
  remoteReportReady: spec<{ centreName: string; kind: string }>({
    kind: 'remote',
    refType: 'diagnostic_report',
    'zh-CN': (p) => ({
      title: '您的检查报告已出',
      body: `${p.centreName}出具的${REMOTE_KIND_ZH[p.kind] ?? ''}报告已签发，可在“健康档案 · 报告”中查看（REC-3）。`,
    }),
    'en-US': (p) => ({
      title: 'Your report is ready',
      body: `Your ${REMOTE_KIND_EN[p.kind] ?? ''} report from ${p.centreName} is signed; see it under Health record · Reports.`,
    }),
  }),
  remoteSpecimenRejected: spec<{
    patientName: string;
    accessionNo: string;
    barcode: string;
    centreName: string;
    reason: string;
  }>({
    kind: 'remote',
    refType: 'diagnostic_request',
    sms: true,
    'zh-CN': (p) => ({
      title: '标本被拒收，请重新采集',
      body: `${p.centreName}拒收了条码 ${p.barcode} 的检验标本（申请号 ${p.accessionNo}），原因：${rejectReasonText(p.reason, 'zh-CN')}。请尽快重新采集送检。`,
    }),
    'en-US': (p) => ({
      title: 'Specimen rejected: please re-draw',
      body: `${p.centreName} rejected the specimen with barcode ${p.barcode} (accession ${p.accessionNo}): ${rejectReasonText(p.reason, 'en-US')}. Please collect a new specimen and send it.`,
    }),
  }),
  // --- family doctor ([12/12]) ---------------------------------------------------------------------
  fdUrgentReading: spec<{ teamName: string }>({
    kind: 'family_doctor',
    refType: 'reading_alert',
    sms: true,
    'zh-CN': (p) => ({
      title: '签约居民危急读数预警',
      // Also the SMS: no name and no value leave the platform (DJ-10); the worklist carries them.
      body: `${p.teamName}的一位签约居民上传了危急的血压或血糖读数（FD-7/FD-8），请立即登录平台查看工作清单并处理。`,
    }),
    'en-US': (p) => ({
      title: 'Urgent reading from a contracted resident',
      body: `A resident contracted with ${p.teamName} submitted an urgent blood-pressure or glucose reading (FD-7/FD-8). Please open the worklist now and act.`,
    }),
  }),
  fdArticlePushed: spec<{ title: string; teamName: string }>({
    kind: 'family_doctor',
    refType: 'health_article',
    'zh-CN': (p) => ({
      title: '家庭医生推送了健康知识',
      body: `${p.teamName}为您推送了《${p.title}》，请在“我的家庭医生 · 健康教育”中阅读。`,
    }),
    'en-US': (p) => ({
      title: 'Your family doctor sent you a health article',
      body: `${p.teamName} sent you "${p.title}"; read it under My family doctor · Health education.`,
    }),
  }),
  fdHomePanic: spec<{ serviceNo: string; institutionName: string; providerName: string }>({
    kind: 'family_doctor',
    refType: 'home_service',
    sms: true,
    'zh-CN': (p) => ({
      title: '上门服务紧急求助',
      // Also the SMS: no resident's name or address leaves the platform (DJ-10); the order's page shows where.
      body: `${p.institutionName}上门服务人员${p.providerName}在工单 ${p.serviceNo} 按下了紧急求助，请立即登录平台查看位置并处置。`,
    }),
    'en-US': (p) => ({
      title: 'Home service: panic button pressed',
      body: `${p.providerName} of ${p.institutionName} pressed the panic button on home service ${p.serviceNo}. Please open the platform now, see where and act.`,
    }),
  }),
  fdHomeAccepted: spec<{
    serviceNo: string;
    itemName: string;
    providerName: string;
    date: string;
    time: string;
  }>({
    kind: 'family_doctor',
    refType: 'home_service',
    'zh-CN': (p) => ({
      title: '上门服务已接单',
      body: `${p.providerName}已接单：${p.itemName}（工单 ${p.serviceNo}），${dayText(p.date, 'zh-CN')} ${p.time} 起上门。请在上门时向服务人员出示“上门服务”中的核验码。`,
    }),
    'en-US': (p) => ({
      title: 'Home service accepted',
      body: `${p.providerName} accepted ${p.itemName} (order ${p.serviceNo}) and will come on ${dayText(p.date, 'en-US')} from ${p.time}. Show the client code under Home services at the door.`,
    }),
  }),
  // Sent by SMS too (home-service-end.ts): the order number only — the item (导尿管护理, …) is a health
  // fact and stays in the app (DJ-10). `itemName` is optional for notices stored before.
  fdHomeCancelled: spec<{ serviceNo: string; itemName?: string; refunded: boolean }>({
    kind: 'family_doctor',
    refType: 'home_service',
    'zh-CN': (p) => ({
      title: '上门服务已被机构取消',
      body: `机构取消了您的上门服务工单 ${p.serviceNo}${p.refunded ? '，费用将原路退回' : ''}。详情请在“上门服务”中查看，如有疑问请联系您的家庭医生团队。`,
    }),
    'en-US': (p) => ({
      title: 'Home service cancelled by the institution',
      body: `The institution cancelled your home service order ${p.serviceNo}${p.refunded ? '; the fee will be refunded' : ''}. See Home services for details, and contact your family-doctor team with any questions.`,
    }),
  }),
  // FD-4 two-way referral (family-doctor/referrals.service.ts). No patient name in an SMS (DJ-10).
  fdReferralReceived: spec<{ referralNo: string; direction: 'up' | 'down'; fromName: string }>({
    kind: 'family_doctor',
    refType: 'referral',
    'zh-CN': (p) => ({
      title: p.direction === 'up' ? '收到上转患者' : '收到下转患者',
      body: `${p.fromName}转来一位患者（转诊单 ${p.referralNo}），请在“双向转诊 · 转入”中查看病情摘要并接收（FD-4）。`,
    }),
    'en-US': (p) => ({
      title: p.direction === 'up' ? 'Patient referred up to you' : 'Patient referred back to you',
      body: `${p.fromName} referred a patient to you (referral ${p.referralNo}). See the summary under Referrals · Incoming and accept it (FD-4).`,
    }),
  }),
  fdReferralAccepted: spec<{ referralNo: string; direction: 'up' | 'down'; toName: string }>({
    kind: 'family_doctor',
    refType: 'referral',
    'zh-CN': (p) => ({
      title: '转诊已被接收',
      body:
        p.direction === 'up'
          ? `${p.toName}已接收您的转诊（${p.referralNo}），将为您预约转诊号源，预约后请按通知支付挂号费。`
          : `${p.toName}已接收您的转诊（${p.referralNo}），您的家庭医生团队将按康复方案为您随访。`,
    }),
    'en-US': (p) => ({
      title: 'Referral accepted',
      body:
        p.direction === 'up'
          ? `${p.toName} accepted your referral (${p.referralNo}). A referral appointment will be booked for you; pay the fee when you are told.`
          : `${p.toName} accepted your referral (${p.referralNo}). Your family-doctor team will follow you up under the care plan.`,
    }),
  }),
  fdReferralBooked: spec<{
    referralNo: string;
    hospitalName: string;
    doctorName: string;
    date: string;
    time: string;
    tokenNumber: number;
    payBy: string | null;
  }>({
    kind: 'family_doctor',
    refType: 'appointment',
    sms: true,
    'zh-CN': (p) => ({
      title: '已为您预约转诊号',
      body: `已为您预约${p.hospitalName} ${p.doctorName} ${dayText(p.date, 'zh-CN')} ${p.time}（${p.tokenNumber} 号，转诊单 ${p.referralNo}）${p.payBy ? `，请于 ${p.payBy} 前在“我的预约”中支付挂号费，逾期号源将释放` : ''}。`,
    }),
    'en-US': (p) => ({
      title: 'Referral appointment booked for you',
      body: `You are booked with ${p.doctorName}, ${p.hospitalName}, ${dayText(p.date, 'en-US')} ${p.time} (No. ${p.tokenNumber}, referral ${p.referralNo})${p.payBy ? `. Please pay the fee under My appointments by ${p.payBy}, or the slot is released` : ''}.`,
    }),
  }),
  fdReferralDeclined: spec<{ referralNo: string; toName: string; reason: string }>({
    kind: 'family_doctor',
    refType: 'referral',
    'zh-CN': (p) => ({
      title: '转诊未被接收',
      body: `${p.toName}未接收转诊单 ${p.referralNo}，原因：${p.reason}`,
    }),
    'en-US': (p) => ({
      title: 'Referral declined',
      body: `${p.toName} declined referral ${p.referralNo}: ${p.reason}`,
    }),
  }),
  fdReferralToTeam: spec<{ referralNo: string; fromName: string; teamName: string }>({
    kind: 'family_doctor',
    refType: 'referral',
    'zh-CN': (p) => ({
      title: '签约居民下转回社区',
      body: `${p.fromName}将${p.teamName}的一位签约居民下转回社区（转诊单 ${p.referralNo}），附康复随访方案；接收后随访任务进入团队工作清单（FD-4）。`,
    }),
    'en-US': (p) => ({
      title: 'A contracted resident is referred back',
      body: `${p.fromName} referred a resident contracted with ${p.teamName} back to the community (referral ${p.referralNo}) with a care plan; once accepted, its tasks go on the team's worklist (FD-4).`,
    }),
  }),
  // `patientName` is not rendered: the text is also the SMS, and no name leaves the platform (DJ-10); the
  // app shows whose contract it is on the contract itself. Kept optional for callers and stored rows.
  fdContractActive: spec<{ patientName?: string; teamName: string; startsOn: string; endsOn: string }>({
    kind: 'family_doctor',
    refType: 'family_contract',
    sms: true,
    'zh-CN': (p) => ({
      title: '家庭医生签约已生效',
      body: `与${p.teamName}的家庭医生签约已生效（${p.startsOn} 至 ${p.endsOn}，FD-1）。可在“我的家庭医生”中联系团队、查看随访计划。`,
    }),
    'en-US': (p) => ({
      title: 'Family-doctor contract in force',
      body: `The contract with ${p.teamName} is in force (${p.startsOn} to ${p.endsOn}, FD-1). Open "My family doctor" to contact the team and see the follow-up plan.`,
    }),
  }),
  fdContractScheduled: spec<{ patientName: string; teamName: string; startsOn: string }>({
    kind: 'family_doctor',
    refType: 'family_contract',
    'zh-CN': (p) => ({
      title: '家庭医生续约已办理',
      body: `${p.patientName}与${p.teamName}的续约已签名并支付，将于 ${p.startsOn} 生效（FD-1）。`,
    }),
    'en-US': (p) => ({
      title: 'Family-doctor renewal done',
      body: `${p.patientName}'s renewal with ${p.teamName} is signed and paid and comes into force on ${p.startsOn} (FD-1).`,
    }),
  }),
  insuranceRestored: spec<Subject>({
    kind: 'insurance',
    refType: 'insurance_alert',
    sms: true,
    'zh-CN': (p) => ({
      title: p.subject === 'patient' ? '您的医保结算已恢复' : '您的处方已恢复医保结算',
      body: '医保部门已完成核查并解除暂停，此后可以正常使用医保结算（INS-4）。',
    }),
    'en-US': (p) => ({
      title:
        p.subject === 'patient'
          ? 'Your insurance settlement is restored'
          : 'Your prescriptions can be settled by insurance again',
      body: 'The insurance office has closed its review and lifted the suspension; insurance settlement works again (INS-4).',
    }),
  }),
};

export type NoticeKey = keyof typeof CATALOGUE;
type ParamsOf<K extends NoticeKey> = Parameters<(typeof CATALOGUE)[K]['zh-CN']>[0];

/** Whom a notice goes to and what it is about. */
export interface NoticeTo {
  accountId: string;
  patientId?: string | null;
  refId: string;
  /** Overrides the catalogue's SMS default (e.g. only when money goes back). */
  sms?: boolean;
}

function build<K extends NoticeKey>(key: K, to: NoticeTo, params: ParamsOf<K>): Notice {
  const s: NoticeSpec<ParamsOf<K>> = CATALOGUE[key] as never;
  return {
    accountId: to.accountId,
    patientId: to.patientId ?? null,
    kind: s.kind,
    ...s['zh-CN'](params),
    refType: s.refType,
    refId: to.refId,
    sms: to.sms ?? s.sms ?? false,
    key,
    params: params as Record<string, unknown>,
  };
}

/** `notices.booked(to, params)`: a Notice ready for `notify`, with its zh-CN text and its key. */
export const notices = Object.fromEntries(
  (Object.keys(CATALOGUE) as NoticeKey[]).map((key) => [
    key,
    (to: NoticeTo, params: ParamsOf<typeof key>) => build(key, to, params),
  ]),
) as { [K in NoticeKey]: (to: NoticeTo, params: ParamsOf<K>) => Notice };

/** A stored notice in `lang`, or undefined when it has no (known) key: show the stored text then. */
export function renderNotice(
  key: string | null,
  params: unknown,
  lang: TextLanguage,
): NoticeText | undefined {
  return renderStored(
    CATALOGUE as unknown as Record<string, Rendering<never, NoticeText>>,
    key,
    params,
    lang,
  );
}

/** Every key with its spec, for the catalogue test (each key renders in both languages). */
export const noticeCatalogue: Readonly<Record<NoticeKey, Rendering<never, NoticeText>>> = CATALOGUE as never;
