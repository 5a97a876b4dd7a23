/**
 * 智能监管 (INS-4): one sentence of what a rule saw, rendered from an alert's evidence at read time in the
 * reader's language (zh-CN, or en-US when Accept-Language prefers English). Pure.
 */
import { shanghaiDay } from './policy-store.js';

const HOUR_MS = 3_600_000;

export type SummaryLang = 'zh-CN' | 'en-US';

const VISIT_STATUS: Record<string, [string, string]> = {
  requested: ['待支付', 'awaiting payment'],
  paid: ['已支付待接诊', 'paid, not yet seen'],
  waiting: ['候诊中', 'waiting'],
  in_progress: ['进行中', 'in progress'],
  completed: ['已完成', 'completed'],
  cancelled: ['已取消', 'cancelled'],
  expired: ['已过期', 'expired'],
  referred_offline: ['已转线下就诊', 'referred offline'],
};

const yuan = (fen: unknown) => (Number(fen) / 100).toFixed(2);
/** HH:MM in Asia/Shanghai of an ISO instant. */
const clock = (iso: unknown) =>
  new Date(new Date(String(iso)).getTime() + 8 * HOUR_MS).toISOString().slice(11, 16);
const day = (iso: unknown) => shanghaiDay(new Date(String(iso)));
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v : []);

export function alertSummary(rule: string, e: Record<string, unknown>, lang: SummaryLang): string {
  const en = lang === 'en-US';
  switch (rule) {
    case 'overlapping_supply': {
      const drug = (e.drug ?? {}) as { name?: string; code?: string };
      const parts = list(e.supplies).map((x) =>
        en
          ? `${x.institutionName} from ${x.from}, ${x.daysSupply} days`
          : `${x.institutionName} ${x.from} 起 ${x.daysSupply} 天`,
      );
      return en
        ? `${drug.name} (${drug.code}) settled at ${e.institutions} institutions with supplies overlapping by ${e.overlapDays} days: ${parts.join('; ')}.`
        : `${drug.name}（${drug.code}）在 ${e.institutions} 家机构结算，用药时段重叠 ${e.overlapDays} 天：${parts.join('；')}。`;
    }
    case 'over_day_limit': {
      const parts = list(e.lines).map((l) =>
        en ? `${l.name} ${l.daysSupply} days` : `${l.name} ${l.daysSupply} 天`,
      );
      return en
        ? `Drugs insured beyond the ${e.maxDaysSupply}-day limit at ${e.institutionName}: ${parts.join('; ')}.`
        : `${e.institutionName}的处方药品超过 ${e.maxDaysSupply} 天用量上限：${parts.join('；')}。`;
    }
    case 'no_completed_visit': {
      const status = typeof e.visitStatus === 'string' ? VISIT_STATUS[e.visitStatus] : undefined;
      const label = status ? status[en ? 1 : 0] : String(e.visitStatus ?? '');
      if (e.visitStatus === null || e.visitStatus === undefined)
        return en
          ? `A prescription settled on ${day(e.settledAt)} has no online visit behind it.`
          : `${day(e.settledAt)} 结算的处方没有对应的线上问诊。`;
      if (e.samePatient === false)
        return en
          ? `A prescription settled on ${day(e.settledAt)} comes from another patient's visit.`
          : `${day(e.settledAt)} 结算的处方所属问诊的就诊人与参保人不一致。`;
      return e.stage === 'batch'
        ? en
          ? `A prescription settled on ${day(e.settledAt)}: its visit ended without being completed (${label}).`
          : `${day(e.settledAt)} 结算的处方，其问诊最终未完成（${label}）。`
        : en
          ? `A prescription was settled on ${day(e.settledAt)} while its visit was not completed (${label}).`
          : `${day(e.settledAt)} 结算处方时其问诊未完成（${label}）。`;
    }
    case 'doctor_hourly_volume':
      return en
        ? `${e.count} insured prescriptions within 60 minutes, above the limit of ${e.limit} (${day(e.windowTo)} ${clock(e.windowFrom)}–${clock(e.windowTo)}).`
        : `60 分钟内开具医保结算处方 ${e.count} 张，超过上限 ${e.limit} 张（${day(e.windowTo)} ${clock(e.windowFrom)}–${clock(e.windowTo)}）。`;
    case 'out_of_region_high_value': {
      const claims = list(e.claims);
      const parts = claims.map((c) =>
        en
          ? `${c.institutionName} (${c.district}) ${yuan(c.totalFen)} yuan on ${c.day}`
          : `${c.day} ${c.institutionName}（${c.district}）${yuan(c.totalFen)} 元`,
      );
      return en
        ? `Insured in ${e.insuringRegionName}, ${claims.length} claims of ${yuan(e.thresholdFen)} yuan or more outside it within 30 days: ${parts.join('; ')}.`
        : `参保地为${e.insuringRegionName}，30 天内在参保地以外 ${claims.length} 次单笔 ${yuan(e.thresholdFen)} 元以上的结算：${parts.join('；')}。`;
    }
    case 'after_death':
      return en
        ? `Settled on ${e.settledDay} at ${e.institutionName}, after the recorded date of death ${e.deathDate}.`
        : `${e.settledDay} 在${e.institutionName}结算，晚于登记的死亡日期 ${e.deathDate}。`;
    default:
      return rule;
  }
}
