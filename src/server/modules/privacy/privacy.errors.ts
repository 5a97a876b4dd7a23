import { defineErrors } from '../../platform/errors.js';

/** Retention and the patient's deletion request ([10/12]; DJ-16, REC-4; 个人信息保护法 第四十七条). */
export const privacyErrors = defineErrors('privacy', {
  belowFloor: {
    status: 422,
    code: 'RETENTION_BELOW_FLOOR',
    title: '保存期限低于法定下限',
    en: 'The retention is below the legal minimum',
    detail: '审计记录在线保存不得少于 6 个月（网络安全法 第二十一条），病历相关审计不得少于 15 年（REC-1）。',
    action: '按提示的下限（floorMonths）或更长的月数重新设置。',
  },
  blocked: {
    status: 409,
    code: 'DELETION_BLOCKED',
    title: '尚有未完成的业务，暂不能注销',
    en: 'Open business prevents closing the account',
    detail: '进行中的问诊、待支付的订单、未完成的处方配送或未就诊的预约须先完成或取消。',
    action: '完成或取消列出的业务（blockers）后再申请注销。',
  },
  confirmationRequired: {
    status: 422,
    code: 'DELETION_CONFIRMATION_REQUIRED',
    title: '请先验证身份',
    en: 'Confirm it is you',
    detail: '注销账号须输入发送到本人手机的短信验证码或登录密码（二者之一）。',
    action: '获取短信验证码后输入，或输入登录密码。',
  },
  confirmationFailed: {
    status: 422,
    code: 'DELETION_CONFIRMATION_FAILED',
    title: '验证码或密码不正确',
    en: 'The code or password is wrong',
    detail: '验证码错误、已过期或已使用，或密码不正确；账号未注销。',
    action: '重新获取验证码后再试。',
  },
});
