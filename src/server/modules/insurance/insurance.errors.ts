import { defineErrors } from '../../platform/errors.js';

/**
 * The insurance module's refusals ([7/12]): linking with the e-voucher (ID-3), settlement (INS-1..3),
 * blocks from confirmed fraud hits (INS-4), policy editing and reconciliation. Helpers add codes here,
 * each defined once with one status.
 */
export const insuranceErrors = defineErrors('insurance', {
  voucherInvalid: {
    status: 422,
    code: 'INSURANCE_VOUCHER_INVALID',
    title: '医保电子凭证无效或已过期',
    en: 'The insurance e-voucher is invalid or has expired',
    detail: '医保电子凭证每次结算都须重新出示，有效期数分钟；该凭证无效、已过期或不属于该就诊人（ID-3）。',
    action: '在医保电子凭证中重新出示凭证后再试。',
  },
  notLinked: {
    status: 409,
    code: 'INSURANCE_NOT_LINKED',
    title: '就诊人尚未绑定医保',
    en: 'This patient has not linked their insurance',
    detail: '使用医保结算前，须先用医保电子凭证完成医保绑定（ID-3）。',
    action: '在“我的-医保”中用医保电子凭证绑定后再结算，或选择自费支付。',
  },
  notDesignated: {
    status: 422,
    code: 'INSURANCE_NOT_DESIGNATED',
    title: '该机构的互联网诊疗服务暂未纳入医保支付',
    en: 'This institution is not designated for insured internet services',
    detail: '只有签订了互联网医疗服务医保补充协议的定点医疗机构，其线上服务才能使用医保结算（INS-1）。',
    action: '选择自费支付，或到已纳入医保支付的机构就诊。',
  },
  notInsurable: {
    status: 422,
    code: 'INSURANCE_NOT_INSURABLE',
    title: '该订单不能使用医保结算',
    en: 'This order cannot be settled by insurance',
    detail: '医保在线结算适用于线上复诊诊查费和复诊处方药品费（INS-2）；预约挂号费等请在线自费支付。',
    action: '选择自费支付。',
  },
  platformUnavailable: {
    status: 503,
    code: 'INSURANCE_PLATFORM_UNAVAILABLE',
    title: '医保平台暂时无法结算',
    en: 'The insurance platform is not answering',
    detail: '医保结算平台没有及时应答；订单未重复结算，结果确认后会自动更新。',
    action: '稍后在订单中查看结算结果后再支付，或选择自费支付。',
  },
  blockedPatient: {
    status: 403,
    code: 'INSURANCE_BLOCKED_PATIENT',
    title: '您的医保结算已被暂停',
    en: 'Insurance settlement is suspended for this person',
    detail: '医保部门经智能审核确认了与您相关的异常结算，在核查解除前暂停医保结算（INS-4）。',
    action: '可选择自费支付；如有异议请联系参保地医保经办机构。',
  },
  blockedPractitioner: {
    status: 403,
    code: 'INSURANCE_BLOCKED_PRACTITIONER',
    title: '开方医生的医保结算资格已被暂停',
    en: 'Insurance settlement is suspended for the prescribing doctor',
    detail: '医保部门经智能审核确认了该医生的异常处方，在核查解除前其处方不能使用医保结算（INS-4）。',
    action: '可选择自费支付，或请其他医生复诊开方。',
  },
});
