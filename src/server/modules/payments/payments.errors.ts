import { defineErrors } from '../../platform/errors.js';

/** Payments' refusals: paying an order, and gateway notifications that cannot be trusted. */
export const paymentErrors = defineErrors('payments', {
  channelUnavailable: {
    status: 422,
    code: 'PAYMENT_CHANNEL_UNAVAILABLE',
    title: '支付方式不可用',
    en: 'Payment method unavailable',
    detail: '该支付渠道未开通。',
    action: '换用其他支付方式。',
  },
  orderNotPayable: {
    status: 409,
    code: 'ORDER_NOT_PAYABLE',
    title: '订单不可支付',
    en: 'The order cannot be paid',
    detail: '订单已支付、已关闭或已退款。',
    action: '在订单中心查看订单状态；已关闭的订单请重新预约或发起问诊。',
  },
  orderExpired: {
    status: 409,
    code: 'ORDER_EXPIRED',
    title: '订单已超时',
    en: 'The order has expired',
    detail: '支付时限已过，号源已释放，请重新预约。',
    action: '重新预约或重新发起问诊后在时限内支付。',
  },
  receiptUnavailable: {
    status: 409,
    code: 'RECEIPT_NOT_AVAILABLE',
    title: '暂无电子票据',
    en: 'No e-receipt for this order',
    detail: '订单尚未支付，没有电子票据。',
    action: '支付完成后可在缴费记录中下载电子票据。',
  },
  invalidSignature: {
    status: 401,
    code: 'INVALID_SIGNATURE',
    title: '通知验签失败',
    en: 'Invalid signature',
    detail: '支付通知的签名无效或已过期，已拒绝。',
    action: '支付渠道的通知须带有效签名；平台不会处理未验签的通知。',
  },
});
