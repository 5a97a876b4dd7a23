import { defineErrors } from '../../platform/errors.js';

/** Security's refusals ([10/12]): export and bulk-read limits (DJ-30), console addresses (DJ-19), alerts (DJ-17). */
export const securityErrors = defineErrors('security', {
  exportRateLimited: {
    status: 429,
    code: 'EXPORT_RATE_LIMITED',
    title: '导出次数超过限制',
    en: 'Export limit reached',
    detail: '本账号一小时内的导出次数已达上限（DJ-30），此次导出被拒绝并已告警。',
    action: '一小时后再试；确有批量导出需要，请联系安全管理员。',
  },
  bulkReadRateLimited: {
    status: 429,
    code: 'BULK_READ_RATE_LIMITED',
    title: '调阅患者数量超过限制',
    en: 'Bulk read limit reached',
    detail: '本账号一小时内调阅的患者数量远超常规（DJ-30），此次调阅被拒绝并已告警。',
    action: '一小时后再试；确有需要，请联系安全管理员。',
  },
  addressNotAllowed: {
    status: 403,
    code: 'ADDRESS_NOT_ALLOWED',
    title: '当前网络地址不允许访问管理功能',
    en: 'Address not allowed',
    detail: '员工接口和管理控制台只能从配置的地址范围访问（DJ-19），此次访问已记录。',
    action: '请在院内网络或通过单位 VPN 访问；如需开通，请联系系统管理员。',
  },
  alertNotFound: {
    status: 404,
    code: 'SECURITY_ALERT_NOT_FOUND',
    title: '告警不存在',
    en: 'Alert not found',
    detail: '没有这个编号的安全告警。',
    action: '刷新告警列表后重试。',
  },
  alertClosed: {
    status: 409,
    code: 'SECURITY_ALERT_CLOSED',
    title: '告警已关闭',
    en: 'Alert already closed',
    detail: '该告警已关闭，不能再确认或关闭。',
    action: '刷新告警列表查看最新状态。',
  },
});
