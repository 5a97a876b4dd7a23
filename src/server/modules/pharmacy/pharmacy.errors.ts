import { defineErrors } from '../../platform/errors.js';

/** The pharmacy module's refusals: receiving stock in batches. */
export const pharmacyErrors = defineErrors('pharmacy', {
  batchExpired: {
    status: 422,
    code: 'STOCK_BATCH_EXPIRED',
    title: '批次已过效期',
    en: 'The batch has expired',
    detail: '不能入库已过效期的药品批次。',
    action: '核对药盒上的有效期；过期药品按规定销毁，不入库。',
  },
  batchDateInvalid: {
    status: 422,
    code: 'STOCK_BATCH_DATE_INVALID',
    title: '有效期不是真实的日期',
    en: 'The expiry date is not a real date',
    detail: '有效期须为真实存在的日期（YYYY-MM-DD），例如没有 2 月 30 日。',
    action: '核对药盒上的有效期后重新填写。',
  },
  batchExpiryMismatch: {
    status: 422,
    code: 'STOCK_BATCH_EXPIRY_MISMATCH',
    title: '同一批号的有效期不一致',
    en: 'The batch is on record with another expiry date',
    detail: '该药品的此批号已入库，且有效期与本次填写的不同。',
    action: '核对批号和有效期；同一批号的药品有效期相同。',
  },
});
