/** 注销账号 / 删除个人信息 ([10/12]; 个人信息保护法 第四十七条): the patient's page. */
export const privacyZh = {
  mine: { entry: '注销账号', entryDesc: '删除个人信息' },
  deletion: {
    title: '注销账号',
    intro:
      '注销后您将不能再用此账号登录，下列个人信息将被删除。依照法律法规须保存的病历、处方、缴费与审计记录将继续保存至期满，仅供依法调阅，不再对外展示。',
    removedTitle: '将删除的信息',
    keptTitle: '依法保留的信息',
    count: '{{count}} 项',
    keepFor: '保存 {{years}} 年 · 依据 {{rule}}',
    keepRule: '依据 {{rule}}',
    blockedTitle: '以下业务尚未完成，暂不能注销',
    blockedHint: '请先完成或取消后再来。',
    phoneReleased: '注销后，此手机号可重新注册一个新的账号（与原记录不关联）。',
    code: '短信验证码',
    codePlaceholder: '6 位验证码',
    sendCode: '获取验证码',
    resendIn: '{{seconds}} 秒后重发',
    devCodeHint: '演示模式：验证码为 {{code}}',
    codeRequired: '请输入 6 位短信验证码',
    submit: '确认注销',
    confirmTitle: '确定注销账号？',
    confirmBody: '注销后不可恢复，所有设备将立即退出登录。',
    confirmOk: '注销',
    cancel: '再想想',
    done: '账号已注销',
  },
};
