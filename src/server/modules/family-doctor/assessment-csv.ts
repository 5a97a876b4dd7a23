/**
 * The assessment as a CSV file (seed 002 (十五), 考核导出): UTF-8 with a BOM (Excel opens it as is), zh-CN
 * headers, a row per team and the total, then the signed residents per month — the same numbers the JSON
 * answers, rates as percentages to one decimal.
 */
import { type Assessment, PACKAGE_GROUPS, type TeamAssessment } from '../../../shared/family-doctor.js';
import { percentText } from './assessment.rules.js';

const GROUP_HEADERS: Record<(typeof PACKAGE_GROUPS)[number], string> = {
  basic: '基础包',
  elderly: '老年人',
  children: '0–6岁儿童',
  pregnancy: '孕产妇',
  disability: '残疾人',
  hypertension: '高血压',
  diabetes: '2型糖尿病',
  personalised: '个性化',
};

export const ASSESSMENT_HEADERS = [
  '机构',
  '团队',
  '在约居民',
  ...PACKAGE_GROUPS.map((g) => `签约人群·${GROUP_HEADERS[g]}`),
  '续约率',
  '完成随访',
  '按时随访',
  '随访及时率',
  '高血压控制率',
  '糖尿病控制率',
  '上转',
  '下转',
  '上门服务',
  '满意度（平均星级）',
  '评价数',
];

/** One CSV cell: quoted, and a leading = + - @ made inert so a spreadsheet does not run it as a formula. */
function cell(value: string | number): string {
  const text = String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

function row(t: TeamAssessment): (string | number)[] {
  return [
    t.institutionName,
    t.teamName,
    t.signed,
    ...PACKAGE_GROUPS.map((g) => t.byGroup[g] ?? 0),
    percentText(t.renewalRate),
    t.followupsDone,
    t.followupsOnTime,
    percentText(t.onTimeRate),
    percentText(t.hypertensionControlRate),
    percentText(t.diabetesControlRate),
    t.referralsUp,
    t.referralsDown,
    t.homeServices,
    t.satisfaction === null ? '' : t.satisfaction.toFixed(2),
    t.ratings,
  ];
}

export function assessmentCsv(a: Assessment): string {
  const lines: (string | number)[][] = [
    [`统计区间 ${a.from} 至 ${a.to}（北京时间）`],
    ASSESSMENT_HEADERS,
    ...a.teams.map(row),
    row(a.total),
    [],
    ['月份', '月末在约居民'],
    ...a.signedByMonth.map((m) => [m.month, m.signed]),
  ];
  return `\uFEFF${lines.map((l) => l.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266: an ASCII fallback and the Chinese name). */
export function assessmentDisposition(a: Assessment): string {
  const ascii = `family-doctor-assessment-${a.from}-${a.to}.csv`;
  const utf8 = `家庭医生签约服务考核-${a.total.institutionName}-${a.from}-${a.to}.csv`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(utf8)}`;
}
