/**
 * The e-receipt (电子票据) of a paid order: A5, Chinese font embedded (Noto Sans SC, subset by pdfkit to the
 * glyphs used, as the 处方笺 does), amounts in yuan with two decimals, the insurance split, the payment and
 * every refund, a clear 已退款 mark on a refunded order, and a QR code with what a counter needs to look
 * the order up (receipt number, order id, amount, paid time).
 */
import QRCode from 'qrcode';
import type { OrderPayment, OrderRefundLine } from '../../../shared/orders.js';
import type { OrderLine, OrderStatus } from '../../../shared/payments.js';
import { chinesePdf } from '../../platform/pdf.js';

export const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/** Beijing time, 'YYYY-MM-DD HH:mm'. */
function beijing(iso: string): string {
  const shifted = new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}

const CHANNELS: Record<string, string> = {
  sim: '模拟支付（演示）',
  wechat: '微信支付',
  alipay: '支付宝',
  unionpay: '银联',
  insurance: '医保结算',
};
const METHODS: Record<OrderPayment['method'], string> = {
  gateway: '个人现金支付',
  insurance_fund: '医保统筹支付',
  insurance_account: '医保个人账户支付',
};
const REFUND_STATES: Record<OrderRefundLine['status'], string> = {
  pending: '退款中',
  succeeded: '已退回',
  failed: '退款失败',
};
const ORDER_STATES: Partial<Record<OrderStatus, string>> = {
  paid: '已支付',
  partially_refunded: '部分退款',
  refunded: '已退款',
};

export interface ReceiptInput {
  receiptNo: string;
  orderId: string;
  institutionName: string;
  payerName: string;
  patientName: string;
  /** Masked (1101**********1234), or null when none is on file. */
  patientIdNumber: string | null;
  title: string;
  lines: Pick<OrderLine, 'name' | 'quantity' | 'unitPriceFen' | 'amountFen'>[];
  amountFen: number;
  refundedFen: number;
  status: OrderStatus;
  paidAt: string;
  channel: string | null;
  insurance: { status: string; fundFen: number; accountFen: number; cashFen: number } | null;
  payments: OrderPayment[];
  refunds: OrderRefundLine[];
  issuedAt: string;
}

export async function orderReceiptPdf(r: ReceiptInput): Promise<Buffer> {
  const qr = await QRCode.toBuffer(
    JSON.stringify({
      t: 'yunyi-receipt/1',
      no: r.receiptNo,
      order: r.orderId,
      fen: r.amountFen,
      paidAt: r.paidAt,
    }),
    { errorCorrectionLevel: 'M', margin: 1, scale: 3 },
  );
  const { pdf, done, left, width } = chinesePdf({
    size: 'A5',
    margin: 36,
    info: { Title: `电子票据 ${r.receiptNo}`, Author: r.institutionName, Subject: 'yunyi-receipt/1' },
  });
  const rule = () => {
    pdf
      .moveTo(left, pdf.y + 3)
      .lineTo(left + width, pdf.y + 3)
      .stroke();
    pdf.moveDown(0.5);
  };
  // Beside the QR code (the heading block) lines stop short of it; below it they use the full width.
  let lineWidth = width - 80;
  const line = (text: string) => pdf.text(text, left, pdf.y, { width: lineWidth });

  pdf.fontSize(14).text(r.institutionName, left, 36, { width, align: 'center' });
  pdf.fontSize(15).text('医疗缴费电子票据', { width, align: 'center' });
  pdf.moveDown(0.4);
  pdf.image(qr, left + width - 72, pdf.y, { width: 72 });

  pdf.fontSize(9);
  line(`票据号码：${r.receiptNo}`);
  line(`开具时间：${beijing(r.issuedAt)}`);
  line(`订单编号：${r.orderId}`);
  line(`交款人：${r.payerName}`);
  line(`就诊人：${r.patientName}${r.patientIdNumber ? `    证件号：${r.patientIdNumber}` : ''}`);
  line(`收款单位：${r.institutionName}`);
  pdf.y = Math.max(pdf.y, 36 + 60 + 80);
  lineWidth = width;
  rule();

  // Items: name, quantity, unit price, amount.
  const cols = [left, left + width * 0.56, left + width * 0.68, left + width * 0.84];
  const row = (cells: string[]) => {
    const y = pdf.y;
    cells.forEach((c, i) => {
      const w = (cols[i + 1] ?? left + width) - cols[i]! - 4;
      pdf.text(c, cols[i]!, y, { width: w, align: i === 0 ? 'left' : 'right' });
    });
    pdf.x = left;
  };
  row(['项目', '数量', '单价', '金额']);
  const items =
    r.lines.length > 0
      ? r.lines
      : [{ name: r.title, quantity: 1, unitPriceFen: r.amountFen, amountFen: r.amountFen }];
  for (const i of items) row([i.name, String(i.quantity), yuan(i.unitPriceFen), yuan(i.amountFen)]);
  rule();

  pdf.fontSize(11).text(`合计：${yuan(r.amountFen)}`, left, pdf.y, { width, align: 'right' });
  pdf.fontSize(9);
  if (r.insurance) {
    pdf.text(
      `医保统筹支付 ${yuan(r.insurance.fundFen)}    个人账户支付 ${yuan(r.insurance.accountFen)}    个人现金支付 ${yuan(r.insurance.cashFen)}`,
      left,
      pdf.y,
      { width, align: 'right' },
    );
  }
  pdf.moveDown(0.4);
  line(`支付时间：${beijing(r.paidAt)}`);
  line(`支付方式：${r.channel ? (CHANNELS[r.channel] ?? r.channel) : r.insurance ? '医保结算' : '—'}`);
  for (const p of r.payments) line(`${METHODS[p.method]}：${yuan(p.amountFen)}`);

  if (r.refunds.length > 0 || r.refundedFen > 0) {
    rule();
    pdf.fontSize(10).text('退款记录', left, pdf.y, { width });
    pdf.fontSize(9);
    for (const f of r.refunds)
      line(
        `${beijing(f.createdAt)}  ${f.reasonText}  -${yuan(f.amountFen)}  ${REFUND_STATES[f.status]}` +
          (f.finishedAt ? `（${beijing(f.finishedAt)} 到账）` : ''),
      );
    // An insured order is refunded whole: the cash part above, insurance's part by reversing its settlement.
    const insured = r.insurance ? r.insurance.fundFen + r.insurance.accountFen : 0;
    if (
      r.insurance &&
      insured > 0 &&
      (r.insurance.status === 'reversing' || r.insurance.status === 'reversed')
    )
      line(
        `医保支付部分 ${yuan(insured)} 撤销结算（${r.insurance.status === 'reversed' ? '已退回医保' : '办理中'}）`,
      );
    line(`已退金额：${yuan(r.refundedFen)}`);
  }

  rule();
  const state = ORDER_STATES[r.status] ?? r.status;
  const refunded = r.status === 'refunded' || r.status === 'partially_refunded';
  pdf
    .fontSize(16)
    .fillColor(refunded ? '#b42318' : '#1f2328')
    .text(`票据状态：${state}`, left, pdf.y, { width, align: 'center' });
  pdf.fillColor('#1f2328').fontSize(8);
  pdf.moveDown(0.6);
  pdf.text('本票据由云医平台根据支付记录生成，可扫描二维码核对票据号码、订单与金额。', left, pdf.y, {
    width,
  });
  pdf.end();
  return done;
}
