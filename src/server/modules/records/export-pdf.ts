/**
 * The health-record summary a patient downloads (个人信息可携带, 个人信息保护法 第四十五条; REC-3): A4, the
 * Chinese font embedded exactly as the prescription PDF embeds it (Noto Sans SC, subset by pdfkit to the
 * glyphs used): demographics, chronic conditions, allergies, history and lifestyle, vaccinations, visits,
 * recent results marked ↑ ↓ the way Chinese lab reports mark them, reports and prescriptions. Pure
 * rendering: export.service.ts gathers what the reader may see.
 */
import type { AbnormalFlag } from '../../../shared/records.js';
import { chinesePdf } from '../../platform/pdf.js';
import { flagMark, rangeText } from './records.rules.js';

const SEX_ZH: Record<string, string> = { male: '男', female: '女' };
const SMOKING_ZH: Record<string, string> = { never: '从不吸烟', former: '已戒烟', current: '吸烟' };
const DRINKING_ZH: Record<string, string> = { never: '不饮酒', occasional: '偶尔饮酒', regular: '经常饮酒' };

/** Beijing time, 'YYYY-MM-DD HH:mm' (or the day only). */
function beijing(at: Date, dayOnly = false): string {
  const shifted = new Date(at.getTime() + 8 * 3600_000).toISOString();
  return dayOnly ? shifted.slice(0, 10) : `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}

export interface SummaryResult {
  name: string;
  value: string;
  unit: string | null;
  refLow: number | null;
  refHigh: number | null;
  refText: string | null;
  flag: AbnormalFlag | null;
  at: Date;
}

/** What the summary prints; a section the export could not read is null (never the case for the patient). */
export interface HealthSummary {
  generatedAt: Date;
  patient: {
    name: string;
    sex: string | null;
    birthDate: string | null;
    age: number | null;
    idNumberMasked: string | null;
  };
  chronic: { icd10: string; name: string; since: string; institution: string | null }[] | null;
  allergies: { substance: string; reaction: string | null }[] | null;
  history: {
    bloodType: string | null;
    past: string;
    surgical: string;
    family: string;
    lifestyle: Record<string, string>;
  } | null;
  vaccinations:
    | { vaccine: string; dose: string | null; givenOn: string; institution: string | null }[]
    | null;
  encounters:
    | { at: Date; title: string; institution: string | null; doctor: string | null; diagnoses: string[] }[]
    | null;
  results: SummaryResult[] | null;
  reports:
    | {
        at: Date;
        name: string;
        institution: string | null;
        conclusion: string | null;
        abnormal: SummaryResult[];
        signedBy: string | null;
      }[]
    | null;
  prescriptions: { at: Date; drugs: string[]; diagnoses: string[]; institution: string | null }[] | null;
}

/** A value as a report prints it: `152 ↑`, `阴性 异常`. */
export function markedValue(r: Pick<SummaryResult, 'value' | 'flag'>): string {
  const mark = flagMark(r.flag);
  return mark ? `${r.value} ${mark}` : r.value;
}

export async function healthSummaryPdf(s: HealthSummary): Promise<Buffer> {
  const { pdf, done, left, width } = chinesePdf({
    size: 'A4',
    margin: 48,
    info: { Title: `健康档案摘要 ${s.patient.name}`, Author: '云医', Subject: 'yunyi-health-summary/1' },
  });
  const line = (text: string, opts: { size?: number; color?: string; indent?: number } = {}) => {
    pdf
      .fontSize(opts.size ?? 10)
      .fillColor(opts.color ?? 'black')
      .text(text, left + (opts.indent ?? 0), pdf.y, { width: width - (opts.indent ?? 0) });
    pdf.fillColor('black');
  };
  const heading = (text: string) => {
    if (pdf.y > pdf.page.height - 120) pdf.addPage();
    pdf.moveDown(0.6);
    line(text, { size: 13 });
    pdf
      .moveTo(left, pdf.y + 1)
      .lineTo(left + width, pdf.y + 1)
      .lineWidth(0.5)
      .stroke();
    pdf.moveDown(0.3);
  };
  const none = (text = '无记录') => line(text, { color: '#666' });

  pdf.fontSize(18).text('居民健康档案摘要', left, 48, { width, align: 'center' });
  pdf
    .fontSize(9)
    .fillColor('#555')
    .text(`导出时间：${beijing(s.generatedAt)}（北京时间）    云医互联网医院平台`, {
      width,
      align: 'center',
    });
  pdf.fillColor('black');

  const p = s.patient;
  heading('基本信息');
  line(
    `姓名：${p.name}    性别：${SEX_ZH[p.sex ?? ''] ?? '—'}    年龄：${p.age ?? '—'}岁    出生日期：${p.birthDate ?? '—'}`,
  );
  if (p.idNumberMasked) line(`身份证号：${p.idNumberMasked}`);
  if (s.history?.bloodType) line(`血型：${s.history.bloodType}`);

  if (s.chronic) {
    heading('慢性病');
    if (s.chronic.length === 0) none('无慢性病诊断');
    for (const c of s.chronic)
      line(`${c.name}（${c.icd10}）  确诊于 ${c.since}${c.institution ? `  ${c.institution}` : ''}`);
  }

  if (s.allergies) {
    heading('过敏史');
    if (s.allergies.length === 0) none('无已知过敏');
    for (const a of s.allergies) line(`${a.substance}${a.reaction ? `：${a.reaction}` : ''}`);
  }

  if (s.history) {
    heading('既往史、家族史与生活方式');
    line(`既往史：${s.history.past || '无'}`);
    line(`手术史：${s.history.surgical || '无'}`);
    line(`家族史：${s.history.family || '无'}`);
    const l = s.history.lifestyle;
    const habits = [
      l.smoking ? (SMOKING_ZH[l.smoking] ?? l.smoking) : null,
      l.drinking ? (DRINKING_ZH[l.drinking] ?? l.drinking) : null,
      l.exercise ? `运动：${l.exercise}` : null,
      l.diet ? `饮食：${l.diet}` : null,
    ].filter(Boolean);
    line(`生活方式：${habits.join('；') || '未填写'}`);
  }

  if (s.vaccinations) {
    heading('预防接种');
    if (s.vaccinations.length === 0) none();
    for (const v of s.vaccinations)
      line(
        `${v.givenOn}  ${v.vaccine}${v.dose ? `（${v.dose}）` : ''}${v.institution ? `  ${v.institution}` : ''}`,
      );
  }

  if (s.encounters) {
    heading('就诊记录');
    if (s.encounters.length === 0) none();
    for (const e of s.encounters) {
      line(`${beijing(e.at, true)}  ${e.title}${e.institution ? `  ${e.institution}` : ''}`);
      const who = [e.doctor ? `${e.doctor}医生` : null, e.diagnoses.join('、') || null].filter(Boolean);
      if (who.length > 0) line(who.join('  诊断：'), { indent: 16, color: '#444' });
    }
  }

  if (s.results) {
    heading('近期检验结果（↑ 偏高  ↓ 偏低  ↑↑/↓↓ 危急值）');
    if (s.results.length === 0) none();
    for (const r of s.results) {
      const range = rangeText(r.refLow, r.refHigh, r.refText);
      line(
        `${beijing(r.at, true)}  ${r.name}：${markedValue(r)}${r.unit ? ` ${r.unit}` : ''}${range ? `  （参考范围 ${range}）` : ''}`,
        { color: r.flag && r.flag !== 'N' ? '#b00020' : 'black' },
      );
    }
  }

  if (s.reports) {
    heading('检验检查报告');
    if (s.reports.length === 0) none();
    for (const r of s.reports) {
      line(`${beijing(r.at, true)}  ${r.name}${r.institution ? `  ${r.institution}` : ''}`);
      for (const a of r.abnormal)
        line(`${a.name}：${markedValue(a)}${a.unit ? ` ${a.unit}` : ''}`, { indent: 16, color: '#b00020' });
      if (r.conclusion)
        line(`结论：${r.conclusion}${r.signedBy ? `（${r.signedBy} 电子签名）` : ''}`, {
          indent: 16,
          color: '#444',
        });
    }
  }

  if (s.prescriptions) {
    heading('处方记录');
    if (s.prescriptions.length === 0) none();
    for (const rx of s.prescriptions) {
      line(`${beijing(rx.at, true)}  ${rx.drugs.join('、')}${rx.institution ? `  ${rx.institution}` : ''}`);
      if (rx.diagnoses.length > 0) line(`诊断：${rx.diagnoses.join('、')}`, { indent: 16, color: '#444' });
    }
  }

  pdf.moveDown(1.2);
  line(
    '本摘要由云医平台根据您的健康档案生成，供个人保存和就医时参考；诊疗以医疗机构出具的原始病历和报告为准。',
    {
      size: 8,
      color: '#666',
    },
  );
  pdf.end();
  return done;
}
