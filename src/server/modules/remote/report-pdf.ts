/**
 * The printable remote-diagnosis report (A4, Noto Sans SC embedded via platform/pdf.ts): printed from the
 * signed document itself so the paper says exactly what was signed — the centre, the patient, the request,
 * the findings and conclusion (the results table for a laboratory report), the signer, the signing time, the
 * certificate serial, the SM3 — and a QR code carrying what a verifier needs (report-document.ts).
 */
import QRCode from 'qrcode';
import { chinesePdf } from '../../platform/pdf.js';
import { type ReportDocument, type ReportQrPayload, reportQrPayload } from './report-document.js';

const SEX_ZH: Record<string, string> = { male: '男', female: '女' };
const KIND_ZH: Record<string, string> = { ecg: '心电图', imaging: '影像', lab: '检验' };
const FLAG_MARK: Record<string, string> = { H: '↑', L: '↓', HH: '↑↑', LL: '↓↓', A: '*', N: '' };

/** Beijing time, 'YYYY-MM-DD HH:mm'. */
function beijing(iso: string): string {
  const shifted = new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}

export function reportQrPng(payload: ReportQrPayload): Promise<Buffer> {
  return QRCode.toBuffer(JSON.stringify(payload), { errorCorrectionLevel: 'M', margin: 1, scale: 4 });
}

export interface ReportPdfInput {
  archiveReportId: string;
  document: ReportDocument;
  contentHash: string;
  signature: string;
}

export async function reportPdf(input: ReportPdfInput): Promise<Buffer> {
  const d = input.document;
  const qr = await reportQrPng(
    reportQrPayload({
      archiveReportId: input.archiveReportId,
      contentHash: input.contentHash,
      signature: input.signature,
      certificateSerial: d.certificateSerial,
      signedAt: d.signedAt,
    }),
  );
  const { pdf, done, left, width } = chinesePdf({
    size: 'A4',
    margin: 48,
    info: { Title: `${d.centre.name} ${KIND_ZH[d.kind]}报告 ${d.accessionNo}`, Author: d.centre.name },
  });
  pdf.fontSize(16).text(d.centre.name, left, 48, { width, align: 'center' });
  pdf.fontSize(14).text(`${KIND_ZH[d.kind] ?? ''}诊断报告（远程诊断）`, { width, align: 'center' });
  pdf.moveDown(0.6);

  pdf.fontSize(10);
  const line = (text: string) => pdf.text(text, left, pdf.y, { width });
  line(
    `申请号：${d.accessionNo}    检查类别：${KIND_ZH[d.kind] ?? d.kind}${d.modality ? `（${d.modality}）` : ''}`,
  );
  line(
    `姓名：${d.patient.name}    性别：${SEX_ZH[d.patient.sex ?? ''] ?? '—'}    年龄：${
      d.patient.age !== null ? `${d.patient.age}岁` : '—'
    }`,
  );
  line(`申请机构：${d.requester.institution.name}    申请医生：${d.requester.practitioner.name}`);
  if (d.materialAt) line(`检查资料送达：${beijing(d.materialAt)}`);
  line(`临床问题：${d.question}`);
  if (d.history) line(`病史摘要：${d.history}`);
  pdf
    .moveTo(left, pdf.y + 4)
    .lineTo(left + width, pdf.y + 4)
    .stroke();
  pdf.moveDown(0.8);

  const section = (title: string, body: string) => {
    if (!body.trim()) return;
    pdf.fontSize(11).text(title, left, pdf.y, { width });
    pdf.fontSize(10).text(body, left + 12, pdf.y, { width: width - 12 });
    pdf.moveDown(0.5);
  };
  if (d.kind === 'ecg' && d.measurements) {
    const m = d.measurements as Record<string, unknown>;
    const parts = [
      typeof m.heartRate === 'number' ? `心率 ${Math.round(m.heartRate)} 次/分` : null,
      typeof m.prMs === 'number' ? `PR ${m.prMs} ms` : null,
      typeof m.qrsMs === 'number' ? `QRS ${m.qrsMs} ms` : null,
      typeof m.qtMs === 'number' ? `QT ${m.qtMs} ms` : null,
      typeof m.qtcMs === 'number' ? `QTc ${m.qtcMs} ms` : null,
      typeof m.rhythm === 'string' && m.rhythm ? `节律：${m.rhythm}` : null,
    ].filter((x): x is string => x !== null);
    section('测量', parts.join('    '));
  }
  if (d.kind === 'lab' && d.results.length > 0) {
    pdf.fontSize(11).text('检验结果', left, pdf.y, { width });
    const cols = [left, left + 150, left + 250, left + 320, left + 420];
    const row = (cells: string[], size = 9) => {
      const y = pdf.y;
      if (y > pdf.page.height - 220) pdf.addPage();
      const top = pdf.y;
      pdf.fontSize(size);
      for (const [i, c] of cells.entries())
        pdf.text(c, cols[i]!, top, { width: (cols[i + 1] ?? left + width) - cols[i]! - 4 });
      pdf.y = Math.max(pdf.y, top + size + 4);
    };
    row(['项目', '结果', '单位', '参考范围', '提示'], 9);
    for (const r of d.results) {
      const range =
        r.refText ?? (r.refLow !== null || r.refHigh !== null ? `${r.refLow ?? ''}–${r.refHigh ?? ''}` : '');
      row([
        r.name,
        r.value,
        r.unit ?? '',
        range,
        `${FLAG_MARK[r.flag ?? ''] ?? ''}${r.critical ? ' 危急值' : ''}`,
      ]);
    }
    pdf.moveDown(0.5);
  }
  section('检查所见', d.findings);
  section('诊断意见', d.conclusion);
  section('建议', d.recommendations);
  if (d.critical) section('危急值', d.criticalNote ?? '已通知申请医生');

  // The signature block and the QR code at the foot.
  const footTop = pdf.page.height - 48 - 140;
  if (pdf.y > footTop - 8) pdf.addPage();
  pdf
    .moveTo(left, footTop)
    .lineTo(left + width, footTop)
    .stroke();
  const textWidth = width - 130;
  pdf
    .fontSize(10)
    .text(
      `报告医师：${d.reader.name}${d.reader.title ? `（${d.reader.title}）` : ''}（电子签名）`,
      left,
      footTop + 8,
      { width: textWidth },
    );
  pdf.text(`签发时间：${beijing(d.signedAt)}`, left, pdf.y, { width: textWidth });
  pdf.text(`出具机构：${d.centre.name}`, left, pdf.y, { width: textWidth });
  pdf.fontSize(7).fillColor('#555');
  pdf.text(
    `签名算法：SM2/SM3（签名者 ID 1234567812345678）  证书序列号：${d.certificateSerial}`,
    left,
    pdf.y + 4,
    { width: textWidth },
  );
  pdf.text(`SM3：${input.contentHash}`, left, pdf.y, { width: textWidth });
  pdf.text('扫描右侧二维码核验报告签名（报告编号、摘要、签名、证书序列号、签发时间）。', left, pdf.y, {
    width: textWidth,
  });
  pdf.fillColor('black');
  pdf.image(qr, left + width - 120, footTop + 8, { width: 120, height: 120 });
  pdf.end();
  return done;
}
