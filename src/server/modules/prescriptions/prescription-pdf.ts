/**
 * The printable prescription (处方笺, after 处方管理办法 附件 prescription forms): A5, Chinese font embedded
 * (Noto Sans SC, subset by pdfkit to the glyphs used), printed from the signed document itself so the paper
 * says exactly what was signed, with the pharmacist's review, the signature's hash and certificate, the
 * validity (RX-6) and a QR code carrying what a pharmacy needs to check it offline (prescription-document.ts
 * `qrPayload`).
 */
import QRCode from 'qrcode';
import { chinesePdf } from '../../platform/pdf.js';
import { FREQUENCIES } from './prescription.rules.js';
import {
  type PrescriptionDocument,
  type QrPayload,
  qrPayload,
  type ReviewDocument,
} from './prescription-document.js';

const ROUTES_ZH: Record<string, string> = {
  oral: '口服',
  topical: '外用',
  inhalation: '吸入',
  injection: '注射',
  ophthalmic: '滴眼',
  rectal: '直肠给药',
  sublingual: '舌下含服',
  nasal: '鼻用',
};
const SEX_ZH: Record<string, string> = { male: '男', female: '女' };

/** Beijing time, 'YYYY-MM-DD HH:mm'. */
function beijing(iso: string): string {
  const shifted = new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}

/** Age as a 处方笺 writes it: whole years, or months under one year. */
function ageText(years: number): string {
  return years >= 1 ? `${Math.floor(years)}岁` : `${Math.max(1, Math.floor(years * 12))}月`;
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/** The QR code's image (PNG) of a prescription's payload: compact JSON, error correction M. */
export function qrPng(payload: QrPayload): Promise<Buffer> {
  return QRCode.toBuffer(JSON.stringify(payload), { errorCorrectionLevel: 'M', margin: 1, scale: 4 });
}

export interface PdfInput {
  document: PrescriptionDocument;
  contentHash: string;
  signature: string;
  totalFen: number;
  review: (ReviewDocument & { pharmacistName: string }) | null;
  status: string;
}

export async function prescriptionPdf(input: PdfInput): Promise<Buffer> {
  const d = input.document;
  const qr = await qrPng(
    qrPayload({
      id: d.id,
      contentHash: input.contentHash,
      signature: input.signature,
      certificateSerial: d.certificateSerial,
      validUntil: d.validUntil,
    }),
  );
  const { pdf, done, left, width } = chinesePdf({
    size: 'A5',
    margin: 36,
    info: { Title: `处方笺 ${d.id}`, Author: d.institution.name, Subject: 'yunyi-prescription/1' },
  });

  // Heading: institution, form, kind box (普通 / 儿科, after the colour-coded forms of 处方管理办法).
  const kind = d.patient.ageYears < 14 ? '儿科处方' : '普通处方';
  pdf.fontSize(14).text(d.institution.name, left, 36, { width, align: 'center' });
  pdf.fontSize(16).text('处 方 笺', { width, align: 'center' });
  const afterTitle = pdf.y;
  pdf.rect(left + width - 64, 36, 64, 20).stroke();
  pdf.fontSize(10).text(kind, left + width - 64, 41, { width: 64, align: 'center' });
  pdf.y = afterTitle + 8;

  pdf.fontSize(9);
  const line = (text: string) => pdf.text(text, left, pdf.y, { width });
  line(`处方编号：${d.id}`);
  line(`开具日期：${beijing(d.issuedAt)}    版本：${d.version}${d.replacesId ? '（修改版）' : ''}`);
  line(
    `姓名：${d.patient.name}    性别：${SEX_ZH[d.patient.sex ?? ''] ?? '—'}    年龄：${ageText(d.patient.ageYears)}` +
      (d.patient.weightKg !== null ? `    体重：${d.patient.weightKg}kg` : ''),
  );
  line(`科别：${d.department.name}`);
  line(`临床诊断：${d.diagnoses.map((x) => `${x.name}（${x.icd10}）`).join('；')}`);
  pdf
    .moveTo(left, pdf.y + 4)
    .lineTo(left + width, pdf.y + 4)
    .stroke();
  pdf.moveDown(0.6);

  // Rp: one line per drug (RX-8), then its usage.
  pdf.fontSize(18).text('Rp', left, pdf.y);
  pdf.fontSize(10);
  for (const item of d.items) {
    pdf.text(
      `${item.line}. ${item.genericName}  ${item.spec}    × ${item.quantity}${item.packageUnit}`,
      left + 12,
      pdf.y,
      {
        width: width - 12,
      },
    );
    const freq = FREQUENCIES[item.frequency as keyof typeof FREQUENCIES]?.zh ?? item.frequency;
    const usage = `用法：每次 ${item.dose}${item.doseUnit}  ${ROUTES_ZH[item.route] ?? item.route}  ${freq}  共 ${item.days} 天`;
    pdf
      .fillColor('#444')
      .text(usage, left + 24, pdf.y, { width: width - 24 })
      .fillColor('black');
    if (item.note)
      pdf
        .fillColor('#444')
        .text(`备注：${item.note}`, left + 24, pdf.y)
        .fillColor('black');
    if (item.interactionOverrideReason)
      pdf
        .fillColor('#444')
        .text(`相互作用说明：${item.interactionOverrideReason}`, left + 24, pdf.y)
        .fillColor('black');
    pdf.moveDown(0.3);
  }
  if (d.longTermReason) pdf.fontSize(9).text(`长期处方理由：${d.longTermReason}`, left, pdf.y);
  pdf.fontSize(9).text('（以下空白）', left, pdf.y + 4, { width, align: 'center' });

  // Signatures, review, validity and the QR code at the foot of the page.
  const footTop = pdf.page.height - 36 - 150;
  // A long list (5 drugs with notes) continues the foot on a second page rather than overprint it.
  if (pdf.y > footTop - 8) pdf.addPage();
  pdf
    .moveTo(left, footTop)
    .lineTo(left + width, footTop)
    .stroke();
  const textWidth = width - 120;
  pdf
    .fontSize(9)
    .text(`医师：${d.doctor.name}（电子签名）    金额：${yuan(input.totalFen)}`, left, footTop + 6, {
      width: textWidth,
    });
  const r = input.review;
  pdf.text(
    r
      ? `审核药师：${r.pharmacistName}（${r.decision === 'approve' ? '审核通过' : '审核不通过'}，${beijing(r.reviewedAt)}）`
      : '审核药师：待审核（药师审核通过后方可调配，RX-2）',
    left,
    pdf.y,
    { width: textWidth },
  );
  pdf.text(`有效期至：${beijing(d.validUntil)}（${d.validDays} 天）`, left, pdf.y, { width: textWidth });
  pdf.fontSize(7).fillColor('#555');
  pdf.text(
    `签名算法：SM2/SM3（签名者 ID 1234567812345678）  证书序列号：${d.certificateSerial}`,
    left,
    pdf.y + 4,
    {
      width: textWidth,
    },
  );
  pdf.text(`SM3：${input.contentHash}`, left, pdf.y, { width: textWidth });
  pdf.text('扫描右侧二维码核验处方签名（处方编号、摘要、签名、证书序列号、有效期）。', left, pdf.y, {
    width: textWidth,
  });
  pdf.fillColor('black');
  pdf.image(qr, left + width - 112, footTop + 6, { width: 112, height: 112 });
  pdf.fontSize(7).text('扫码核验', left + width - 112, footTop + 120, { width: 112, align: 'center' });
  pdf.end();
  return done;
}
