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
  // --- Policy administration, linking and 家庭共济 (helper G)
  policyBackdated: {
    status: 422,
    code: 'INSURANCE_POLICY_BACKDATED',
    title: '新政策版本的生效日期须晚于今天',
    en: 'A new policy version must take effect after today',
    detail:
      '政策版本一经发布不可更改；今天及以前的结算已按当时有效的版本计算，新版本最早从明天起生效，以免改变已结算费用所依据的政策。',
    action: '把生效日期改为明天或以后再发布。',
  },
  policyBeforeLatest: {
    status: 422,
    code: 'INSURANCE_POLICY_BEFORE_LATEST',
    title: '生效日期早于该类政策最新版本的生效日期',
    en: 'The new version would take effect before the latest version of this policy',
    detail:
      '同一险种、同一医疗机构级别的政策版本按发布顺序依次生效；新版本的生效日期不得早于已发布的最新版本（同一天生效则以新版本为准）。',
    action: '把生效日期改为不早于最新版本的生效日期；要替换尚未生效的版本，按同一生效日期发布新版本。',
  },
  policyRulesInvalid: {
    status: 422,
    code: 'INSURANCE_POLICY_RULES_INVALID',
    title: '政策参数相互矛盾',
    en: 'The policy rules contradict each other',
    detail:
      '政策参数各自在允许范围内，但组合起来不成立（例如城乡居民医保没有个人账户，不能由个人账户支付自付部分）。',
    action: '按提示修改政策参数后再发布。',
  },
  designationDatesInvalid: {
    status: 422,
    code: 'INSURANCE_DESIGNATION_DATES_INVALID',
    title: '定点协议的起止日期无效',
    en: 'The designation dates are invalid',
    detail:
      '协议终止日期须晚于生效日期；今天以前各天的定点状态不能更改（已发生的线上服务是否可医保结算不能事后改变，INS-1），已终止的协议可由今天起生效的新协议替代。',
    action: '修改协议的起止日期后重试。',
  },
  walletPayerNotEmployee: {
    status: 422,
    code: 'INSURANCE_WALLET_PAYER_NOT_EMPLOYEE',
    title: '只有职工医保参保人可以为家人共济',
    en: 'Only employees can pay for family from their personal account',
    detail: '家庭共济由职工医保个人账户支付（INS-2）；城乡居民医保没有个人账户。',
    action: '由绑定了职工医保的家人发起家庭共济。',
  },
  walletBeneficiaryNotFound: {
    status: 422,
    code: 'INSURANCE_WALLET_BENEFICIARY_NOT_FOUND',
    title: '没有找到该家人',
    en: 'No such family member was found',
    detail: '没有与所填姓名和身份证号相符的已实名认证用户。',
    action: '核对家人的姓名和身份证号；家人须先在云医完成实名认证（或由监护人添加为就诊人）。',
  },
  walletSelf: {
    status: 422,
    code: 'INSURANCE_WALLET_SELF',
    title: '不能为本人申请家庭共济',
    en: 'A personal account cannot be linked to its own holder',
    detail: '本人的个人账户本来就可以支付本人的费用，家庭共济用于为家人支付。',
    action: '填写要为其支付的家人的姓名和身份证号。',
  },
  walletLinkExists: {
    status: 409,
    code: 'INSURANCE_WALLET_LINK_EXISTS',
    title: '已有相同的家庭共济关系',
    en: 'This family wallet link already exists',
    detail: '该付款人为该家人支付的家庭共济已在待确认或已生效状态。',
    action: '在“我的-医保”中查看；如需重新申请，先解除原有关系。',
  },
  walletLinkNotPending: {
    status: 409,
    code: 'INSURANCE_WALLET_LINK_NOT_PENDING',
    title: '该家庭共济申请已不是待确认状态',
    en: 'This family wallet request is no longer pending',
    detail: '该申请已被同意、拒绝或解除，不能再同意或拒绝。',
    action: '刷新“我的-医保”查看当前状态。',
  },
  walletNotBeneficiary: {
    status: 403,
    code: 'INSURANCE_WALLET_NOT_BENEFICIARY',
    title: '须由受益的家人确认家庭共济',
    en: 'Only the beneficiary (or whoever acts for them) can answer this request',
    detail: '家庭共济须双方同意：由付款人发起，由受益人本人或其代理人（如未成年人的监护人）同意或拒绝。',
    action: '请受益的家人在其账号中同意或拒绝；付款人可撤回申请。',
  },
  // --- Reconciliation (对账, helper E)
  reconciliationUnavailable: {
    status: 503,
    code: 'INSURANCE_RECONCILIATION_UNAVAILABLE',
    title: '对账数据暂时无法取得',
    en: 'The insurance platform or the payment gateway did not answer the reconciliation',
    detail: '医保平台或支付渠道没有及时应答对账查询；本次没有生成对账单，已有的对账单保持不变。',
    action: '稍后重试；夜间对账任务也会自动重试。',
  },
  // --- Checkout: pre-settlement and insured payment (helper C)
  settlementRejected: {
    status: 422,
    code: 'INSURANCE_SETTLEMENT_REJECTED',
    title: '医保平台拒绝了本次结算',
    en: 'The insurance platform refused this settlement',
    detail: '医保结算平台审核后拒绝了本次结算（INS-4），订单未作医保结算。',
    action: '查看原因；可选择自费支付，或咨询参保地医保经办机构。',
  },
  selfPayStarted: {
    status: 409,
    code: 'INSURANCE_SELF_PAY_STARTED',
    title: '该订单已发起自费支付',
    en: 'Self-pay has already been started for this order',
    detail: '收银台已按订单全额发起自费支付，不能再改用医保结算，以免重复支付。',
    action: '在收银台完成自费支付；或等订单超时关闭后重新下单并选择医保结算。',
  },
  cashPrepayFailed: {
    status: 503,
    code: 'INSURANCE_CASH_PREPAY_FAILED',
    title: '现金部分暂时无法支付',
    en: 'The cash part cannot be paid now',
    detail:
      '医保部分已结算，但支付渠道没有受理现金部分的支付；为避免只付一半，医保结算已撤销（或正在撤销），订单仍待支付。',
    action: '稍后重新支付（需重新出示医保电子凭证），或换用其他支付方式。',
  },
  walletNotActive: {
    status: 409,
    code: 'INSURANCE_WALLET_NOT_ACTIVE',
    title: '没有生效的家庭共济关系',
    en: 'There is no active family wallet link with this payer',
    detail: '只有双方都已确认、且付款人仍绑定职工医保的家庭共济关系，才能用付款人的个人账户支付（INS-2）。',
    action: '在“我的-医保”中查看家庭共济关系，或由本人个人账户支付。',
  },
  // --- Fraud alerts (智能监管, INS-4, helper D)
  alertDecisionNotAllowed: {
    status: 409,
    code: 'INSURANCE_ALERT_DECISION_NOT_ALLOWED',
    title: '该告警当前不能做此处理',
    en: 'This decision is not possible for the alert in its current state',
    detail:
      '待处理的告警可以确认或排除；已确认的告警（已暂停结算）只能解除；已排除或已解除的告警不再处理（INS-4）。',
    action: '刷新告警列表查看当前状态。',
  },
  // --- Linking (ID-3): a platform refusal other than a bad voucher
  linkRefused: {
    status: 422,
    code: 'INSURANCE_LINK_REFUSED',
    title: '医保平台拒绝了本次绑定',
    en: 'The insurance platform refused to link this person',
    detail: '医保平台核验电子凭证后拒绝提供该参保人的信息（如参保状态异常），本次未绑定医保（ID-3）。',
    action: '可先自费支付；如有疑问请咨询参保地医保经办机构。',
  },
});
