import { describe, expect, it } from 'vitest';
import {
  afterDeath,
  type CheckedSettlement,
  doctorHourlyVolume,
  noCompletedVisit,
  outOfRegionHighValue,
  overDayLimit,
  overlappingSupply,
  type PriorClaim,
  type PriorSupply,
} from './fraud.rules.js';
import { alertSummary } from './fraud.summary.js';

// 智能监管 (INS-4): each rule fires once and does not fire once, with a frozen clock (Asia/Shanghai days).
const DAY = 86_400_000;
const MIN = 60_000;
const AT = new Date('2026-11-21T02:00:00Z'); // 10:00 in Shanghai
const ago = (days: number) => new Date(AT.getTime() - days * DAY);

const settlement = (over: Partial<CheckedSettlement> = {}): CheckedSettlement => ({
  settlementId: 's-now',
  patientId: 'pat-1',
  practitionerId: 'doc-1',
  institutionId: 'inst-C01',
  institutionName: '青石街道社区卫生服务中心',
  institutionDistrict: '云川区',
  insuringRegionName: '云川区',
  totalFen: 11_400,
  at: AT,
  prescriptionId: 'rx-1',
  visitId: 'visit-1',
  deathDate: null,
  lines: [{ line: 1, kind: 'drug', itemCode: 'YY0001', itemName: '苯磺酸氨氯地平片', daysSupply: 28 }],
  ...over,
});

const supply = (over: Partial<PriorSupply> = {}): PriorSupply => ({
  settlementId: 's-before',
  institutionId: 'inst-H01',
  institutionName: '云川医院',
  itemCode: 'YY0001',
  itemName: '苯磺酸氨氯地平片',
  daysSupply: 28,
  at: ago(7),
  ...over,
});

describe('overlapping_supply (INS-4)', () => {
  it('INS-4: the same drug settled at another institution while the first supply lasts is one hit on the patient', () => {
    const hits = overlappingSupply(settlement(), [supply()]);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      rule: 'overlapping_supply',
      subjectKind: 'patient',
      subjectId: 'pat-1',
      settlementId: 's-now',
      dedupeKey: 'overlapping_supply:s-now:YY0001',
      evidence: { drug: { code: 'YY0001' }, institutions: 2, overlapDays: 21 },
    });
    const supplies = hits[0]!.evidence.supplies as { from: string; until: string }[];
    // 28 days from 11-14 cover 11-14 … 12-11 (Shanghai days).
    expect(supplies[0]).toMatchObject({ from: '2026-11-14', until: '2026-12-11', overlapDays: 21 });
    expect(supplies[1]).toMatchObject({ from: '2026-11-21', until: '2026-12-18' });
  });

  it('INS-4: a supply that ran out, the same institution, or another drug is no hit', () => {
    expect(overlappingSupply(settlement(), [supply({ at: ago(28) })])).toEqual([]);
    expect(overlappingSupply(settlement(), [supply({ institutionId: 'inst-C01' })])).toEqual([]);
    expect(overlappingSupply(settlement(), [supply({ itemCode: 'YY0002' })])).toEqual([]);
    // A later settlement is not history of this one (the batch hands only the earlier ones, but guard it).
    expect(overlappingSupply(settlement(), [supply({ at: new Date(AT.getTime() + MIN) })])).toEqual([]);
  });

  it('INS-4: one day of overlap is enough; several earlier supplies are one hit listing them all', () => {
    expect(overlappingSupply(settlement(), [supply({ at: new Date(ago(28).getTime() + MIN) })])).toHaveLength(
      1,
    );
    const hits = overlappingSupply(settlement(), [
      supply(),
      supply({ settlementId: 's-b2', institutionId: 'inst-H02', at: ago(2) }),
    ]);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.evidence).toMatchObject({ institutions: 3, overlapDays: 26 });
  });
});

describe('over_day_limit (INS-4)', () => {
  it('INS-4: a drug line beyond maxDaysSupply is one hit on the prescriber', () => {
    const s = settlement({
      lines: [
        { line: 1, kind: 'drug', itemCode: 'YY0001', itemName: '苯磺酸氨氯地平片', daysSupply: 56 },
        { line: 2, kind: 'drug', itemCode: 'YY0003', itemName: '二甲双胍', daysSupply: 30 },
        { line: 3, kind: 'delivery', itemCode: null, itemName: '配送费', daysSupply: null },
      ],
    });
    const hits = overDayLimit(s, 30);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      rule: 'over_day_limit',
      subjectKind: 'practitioner',
      subjectId: 'doc-1',
      dedupeKey: 'over_day_limit:s-now',
      evidence: { maxDaysSupply: 30, lines: [{ line: 1, code: 'YY0001', daysSupply: 56 }] },
    });
  });

  it('INS-4: exactly the limit is no hit', () => {
    expect(overDayLimit(settlement({ lines: [{ ...settlement().lines[0]!, daysSupply: 30 }] }), 30)).toEqual(
      [],
    );
  });
});

describe('no_completed_visit (INS-2, INS-4)', () => {
  it('INS-4: at settlement, a visit neither completed nor in progress is a hit on the prescriber', () => {
    const hits = noCompletedVisit(settlement(), { status: 'waiting', patientId: 'pat-1' }, 'settlement');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      rule: 'no_completed_visit',
      subjectKind: 'practitioner',
      subjectId: 'doc-1',
      dedupeKey: 'no_completed_visit:rx-1',
      evidence: { visitStatus: 'waiting', samePatient: true, stage: 'settlement' },
    });
  });

  it('INS-4: at settlement, a completed or in-progress visit of the same patient is no hit', () => {
    expect(noCompletedVisit(settlement(), { status: 'completed', patientId: 'pat-1' }, 'settlement')).toEqual(
      [],
    );
    expect(
      noCompletedVisit(settlement(), { status: 'in_progress', patientId: 'pat-1' }, 'settlement'),
    ).toEqual([]);
  });

  it("INS-4: another patient's visit, or none, is a hit; a visit fee (no prescription) is never one", () => {
    expect(
      noCompletedVisit(settlement(), { status: 'in_progress', patientId: 'pat-2' }, 'settlement')[0]
        ?.evidence,
    ).toMatchObject({ samePatient: false });
    expect(noCompletedVisit(settlement(), undefined, 'settlement')[0]?.evidence).toMatchObject({
      visitStatus: null,
    });
    expect(noCompletedVisit(settlement({ prescriptionId: null }), undefined, 'settlement')).toEqual([]);
  });

  it('INS-4: in the batch, a visit that ended uncompleted is a hit; one still open is left for later', () => {
    expect(
      noCompletedVisit(settlement(), { status: 'referred_offline', patientId: 'pat-1' }, 'batch'),
    ).toHaveLength(1);
    expect(noCompletedVisit(settlement(), { status: 'in_progress', patientId: 'pat-1' }, 'batch')).toEqual(
      [],
    );
    expect(noCompletedVisit(settlement(), { status: 'completed', patientId: 'pat-1' }, 'batch')).toEqual([]);
  });
});

describe('doctor_hourly_volume (INS-4)', () => {
  const at = (minutes: number, i: number) => ({
    settlementId: `s-${String(i).padStart(3, '0')}`,
    at: new Date(AT.getTime() + minutes * MIN),
  });

  it('INS-4: limit + 1 insured prescriptions within 60 minutes is one hit, keyed by the doctor and day', () => {
    const settled = Array.from({ length: 4 }, (_, i) => at(i * 19, i)); // 0, 19, 38, 57 minutes
    const hits = doctorHourlyVolume('doc-1', settled, 3);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      rule: 'doctor_hourly_volume',
      subjectKind: 'practitioner',
      subjectId: 'doc-1',
      settlementId: 's-003',
      dedupeKey: 'doctor_hourly_volume:doc-1:2026-11-21',
      evidence: { limit: 3, count: 4, windowFrom: AT.toISOString() },
    });
  });

  it('INS-4: the same number spread over more than 60 minutes, or exactly the limit, is no hit', () => {
    expect(
      doctorHourlyVolume(
        'doc-1',
        Array.from({ length: 4 }, (_, i) => at(i * 20, i)),
        3,
      ),
    ).toEqual([]);
    expect(
      doctorHourlyVolume(
        'doc-1',
        Array.from({ length: 3 }, (_, i) => at(i, i)),
        3,
      ),
    ).toEqual([]);
  });

  it('INS-4: the batch skips windows ending before its day', () => {
    const settled = Array.from({ length: 4 }, (_, i) => at(i - 30, i));
    expect(doctorHourlyVolume('doc-1', settled, 3)).toHaveLength(1);
    expect(doctorHourlyVolume('doc-1', settled, 3, AT)).toEqual([]);
  });
});

describe('out_of_region_high_value (INS-2, INS-4)', () => {
  const t = { outOfRegionHighValueFen: 50_000, outOfRegionRepeat: 3 };
  const away = settlement({
    insuringRegionName: '云溪县',
    institutionDistrict: '云川区',
    totalFen: 62_000,
  });
  const claim = (days: number, over: Partial<PriorClaim> = {}): PriorClaim => ({
    settlementId: `c-${days}`,
    institutionName: '云川医院',
    district: '云川区',
    totalFen: 58_000,
    at: ago(days),
    ...over,
  });

  it('INS-4: the third high claim outside the insuring region within 30 days is one hit on the patient', () => {
    const hits = outOfRegionHighValue(away, [claim(20), claim(5)], t);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      rule: 'out_of_region_high_value',
      subjectKind: 'patient',
      subjectId: 'pat-1',
      dedupeKey: 'out_of_region_high_value:pat-1:c-20',
      evidence: { insuringRegionName: '云溪县', thresholdFen: 50_000, repeat: 3 },
    });
    expect((hits[0]!.evidence.claims as unknown[]).length).toBe(3);
  });

  it('INS-4: claims older than 30 days, below the threshold, in the region, or a low claim now, are no hit', () => {
    expect(outOfRegionHighValue(away, [claim(31), claim(5)], t)).toEqual([]);
    expect(outOfRegionHighValue(away, [claim(20, { totalFen: 49_999 }), claim(5)], t)).toEqual([]);
    expect(outOfRegionHighValue(away, [claim(20, { district: '云溪县' }), claim(5)], t)).toEqual([]);
    expect(outOfRegionHighValue({ ...away, totalFen: 40_000 }, [claim(20), claim(5)], t)).toEqual([]);
    expect(outOfRegionHighValue({ ...away, insuringRegionName: '云川区' }, [claim(20), claim(5)], t)).toEqual(
      [],
    );
  });
});

describe('after_death (INS-4)', () => {
  it('INS-4: a settlement on a day after the recorded death is one hit on the patient', () => {
    const hits = afterDeath(settlement({ deathDate: '2026-11-20' }));
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      rule: 'after_death',
      subjectKind: 'patient',
      dedupeKey: 'after_death:s-now',
      evidence: { deathDate: '2026-11-20', settledDay: '2026-11-21' },
    });
  });

  it('INS-4: on the day of death (Shanghai), or without a recorded death, no hit', () => {
    expect(afterDeath(settlement({ deathDate: '2026-11-21' }))).toEqual([]);
    // 16:30 on the 20th UTC is already 00:30 on the 21st in Shanghai: the day compared is Shanghai's.
    expect(
      afterDeath(settlement({ deathDate: '2026-11-20', at: new Date('2026-11-20T16:30:00Z') })),
    ).toHaveLength(1);
    expect(afterDeath(settlement({ deathDate: '2026-11-20', at: new Date('2026-11-20T15:30:00Z') }))).toEqual(
      [],
    );
    expect(afterDeath(settlement())).toEqual([]);
  });
});

describe('alert summaries', () => {
  it('INS-4: the overlapping case reads in zh-CN and en-US from its evidence', () => {
    const [hit] = overlappingSupply(settlement(), [supply()]);
    expect(alertSummary('overlapping_supply', hit!.evidence, 'zh-CN')).toBe(
      '苯磺酸氨氯地平片（YY0001）在 2 家机构结算，用药时段重叠 21 天：云川医院 2026-11-14 起 28 天；青石街道社区卫生服务中心 2026-11-21 起 28 天。',
    );
    expect(alertSummary('overlapping_supply', hit!.evidence, 'en-US')).toMatch(
      /^苯磺酸氨氯地平片 \(YY0001\) settled at 2 institutions with supplies overlapping by 21 days: 云川医院 from 2026-11-14, 28 days;/,
    );
  });

  it('INS-4: every rule has a summary in both languages naming what was seen', () => {
    const s = settlement({ deathDate: '2026-11-01', insuringRegionName: '云溪县', totalFen: 60_000 });
    const hits = [
      ...overDayLimit({ ...s, lines: [{ ...s.lines[0]!, daysSupply: 60 }] }, 30),
      ...noCompletedVisit(s, { status: 'cancelled', patientId: 'pat-1' }, 'batch'),
      ...doctorHourlyVolume(
        'doc-1',
        [
          { settlementId: 'a', at: AT },
          { settlementId: 'b', at: AT },
        ],
        1,
      ),
      ...outOfRegionHighValue(s, [], { outOfRegionHighValueFen: 50_000, outOfRegionRepeat: 1 }),
      ...afterDeath(s),
    ];
    const zh = hits.map((h) => alertSummary(h.rule, h.evidence, 'zh-CN'));
    const en = hits.map((h) => alertSummary(h.rule, h.evidence, 'en-US'));
    expect(zh).toEqual([
      '青石街道社区卫生服务中心的处方药品超过 30 天用量上限：苯磺酸氨氯地平片 60 天。',
      '2026-11-21 结算的处方，其问诊最终未完成（已取消）。',
      '60 分钟内开具医保结算处方 2 张，超过上限 1 张（2026-11-21 10:00–10:00）。',
      '参保地为云溪县，30 天内在参保地以外 1 次单笔 500.00 元以上的结算：2026-11-21 青石街道社区卫生服务中心（云川区）600.00 元。',
      '2026-11-21 在青石街道社区卫生服务中心结算，晚于登记的死亡日期 2026-11-01。',
    ]);
    expect(en[1]).toBe(
      'A prescription settled on 2026-11-21: its visit ended without being completed (cancelled).',
    );
    expect(en[4]).toBe(
      'Settled on 2026-11-21 at 青石街道社区卫生服务中心, after the recorded date of death 2026-11-01.',
    );
  });
});
