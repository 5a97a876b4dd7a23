/**
 * The regional laboratory's catalogue ([11/12], REMOTE-5): the panels a community doctor may request, with
 * their analytes — our code (as the analyser middleware sends it), LOINC, name, unit (SI as reported in
 * China), the adult reference range and the critical limits (危急值).
 *
 * Sources, cited per analyte by `src`:
 * - WS405: WS/T 405-2012《血细胞分析参考区间》(adults, venous blood, automated counts);
 * - WS404: WS/T 404.1–404.9《临床常用生化检验项目参考区间》(ALT…GGT, TP/ALB, K/Na/Cl, Ca, urea, creatinine,
 *   bilirubin; 20–79 years; creatinine by the enzymatic method);
 * - LIPID: 《中国血脂管理指南（2023年）》 (appropriate levels for primary prevention);
 * - DM: 《中国 2 型糖尿病防治指南（2020 年版）》 (fasting glucose, HbA1c);
 * - CRIT: 《检验危急值在急危重病临床应用的专家共识（成人）》(中华医学会检验医学分会 等, 2013) — K ≤ 2.5 or ≥ 6.5,
 *   Na ≤ 120 or ≥ 160, Ca ≤ 1.75 or ≥ 3.5, glucose ≤ 2.2 or ≥ 22.2 mmol/L, Hb ≤ 50 g/L, PLT ≤ 20 ×10^9/L,
 *   WBC ≤ 1.0 or ≥ 30 ×10^9/L, PT ≥ 30 s, APTT ≥ 70 s, fibrinogen ≤ 1.0 g/L, creatinine ≥ 707 μmol/L;
 * - KIT: the analyser's package insert (coagulation, thyroid, troponin ranges depend on the reagent; each
 *   laboratory verifies them before use, CNAS-CL02). The cTnI critical limit (≥ 1.0 μg/L) is the centre's
 *   own policy (the consensus leaves troponin to each laboratory): far above the 99th percentile (0.04), an
 *   acute myocardial injury the requesting doctor must act on at once.
 *
 * Codes are unique across the catalogue, so an HL7 OBX-3 names one analyte whichever panel it came in.
 */
import type { LabPanel } from '../../../../shared/remote.js';

export type AnalyteDef = LabPanel['analytes'][number] & {
  /** Where the range and the limits come from (the header lists them). */
  src: string;
};

export interface PanelDef extends LabPanel {
  containerEn: string;
  analytes: AnalyteDef[];
}

const EDTA = ['紫头管（EDTA-K2 抗凝全血）', 'Lavender top (EDTA-K2 whole blood)'] as const;
const SERUM = [
  '黄头管（分离胶促凝管，血清；或红头管）',
  'Gold/red top (serum, clot activator with gel)',
] as const;
const CITRATE = ['蓝头管（枸橼酸钠 1:9 抗凝）', 'Light-blue top (sodium citrate 1:9)'] as const;
const FLUORIDE = ['灰头管（氟化钠/草酸钾）', 'Grey top (sodium fluoride / potassium oxalate)'] as const;
const URINE_CUP = ['尿杯（晨尿中段 ≥ 10 mL）', 'Urine cup (first-morning midstream, ≥ 10 mL)'] as const;

type Range = [number | null, number | null];

/** A numeric analyte: [low, high] (men's when `female` is given), critical [low, high]. */
function num(
  code: string,
  loinc: string,
  name: string,
  nameEn: string,
  unit: string | null,
  ref: Range,
  src: string,
  crit: Range = [null, null],
  female?: Range,
): AnalyteDef {
  return {
    code,
    loinc,
    name,
    nameEn,
    unit,
    refLow: ref[0],
    refHigh: ref[1],
    criticalLow: crit[0],
    criticalHigh: crit[1],
    ...(female ? { refLowFemale: female[0], refHighFemale: female[1] } : {}),
    valueType: 'numeric',
    refText: null,
    src,
  };
}

const DIPSTICK = ['-', '±', '1+', '2+', '3+', '4+'];

/** A dipstick (ordinal) analyte: normal is '-' (阴性). */
function ord(code: string, loinc: string, name: string, nameEn: string, values = DIPSTICK): AnalyteDef {
  return {
    code,
    loinc,
    name,
    nameEn,
    unit: null,
    refLow: null,
    refHigh: null,
    criticalLow: null,
    criticalHigh: null,
    valueType: 'ordinal',
    values,
    refText: '-',
    src: 'KIT',
  };
}

function panel(
  code: string,
  name: string,
  nameEn: string,
  container: readonly [string, string],
  analytes: AnalyteDef[],
): PanelDef {
  return { code, name, nameEn, container: container[0], containerEn: container[1], analytes };
}

export const LAB_PANELS: readonly PanelDef[] = [
  panel('CBC', '血常规', 'Complete blood count', EDTA, [
    num('WBC', '6690-2', '白细胞计数', 'White blood cells', '×10^9/L', [3.5, 9.5], 'WS405', [1.0, 30]),
    num(
      'RBC',
      '789-8',
      '红细胞计数',
      'Red blood cells',
      '×10^12/L',
      [4.3, 5.8],
      'WS405',
      [null, null],
      [3.8, 5.1],
    ),
    num('HGB', '718-7', '血红蛋白', 'Haemoglobin', 'g/L', [130, 175], 'WS405', [50, null], [115, 150]),
    num('HCT', '4544-3', '红细胞压积', 'Haematocrit', '%', [40, 50], 'WS405', [null, null], [35, 45]),
    num('MCV', '787-2', '平均红细胞体积', 'Mean corpuscular volume', 'fL', [82, 100], 'WS405'),
    num('MCH', '785-6', '平均红细胞血红蛋白量', 'Mean corpuscular haemoglobin', 'pg', [27, 34], 'WS405'),
    num('MCHC', '786-4', '平均红细胞血红蛋白浓度', 'MCHC', 'g/L', [316, 354], 'WS405'),
    num('PLT', '777-3', '血小板计数', 'Platelets', '×10^9/L', [125, 350], 'WS405', [20, null]),
    num('NEUT%', '770-8', '中性粒细胞百分比', 'Neutrophils %', '%', [40, 75], 'WS405'),
    num('LYMPH%', '736-9', '淋巴细胞百分比', 'Lymphocytes %', '%', [20, 50], 'WS405'),
    num('NEUT#', '751-8', '中性粒细胞绝对值', 'Neutrophils', '×10^9/L', [1.8, 6.3], 'WS405'),
    num('LYMPH#', '731-0', '淋巴细胞绝对值', 'Lymphocytes', '×10^9/L', [1.1, 3.2], 'WS405'),
  ]),
  panel('LFT', '肝功能', 'Liver function', SERUM, [
    num('ALT', '1742-6', '丙氨酸氨基转移酶', 'ALT', 'U/L', [9, 50], 'WS404', [null, null], [7, 40]),
    num('AST', '1920-8', '天门冬氨酸氨基转移酶', 'AST', 'U/L', [15, 40], 'WS404', [null, null], [13, 35]),
    num(
      'ALP',
      '6768-6',
      '碱性磷酸酶',
      'Alkaline phosphatase',
      'U/L',
      [45, 125],
      'WS404',
      [null, null],
      [35, 100],
    ),
    num('GGT', '2324-2', 'γ-谷氨酰转移酶', 'GGT', 'U/L', [10, 60], 'WS404', [null, null], [7, 45]),
    num(
      'TBIL',
      '1975-2',
      '总胆红素',
      'Total bilirubin',
      'μmol/L',
      [null, 26],
      'WS404',
      [null, null],
      [null, 21],
    ),
    num('DBIL', '1968-7', '直接胆红素', 'Direct bilirubin', 'μmol/L', [null, 8], 'WS404'),
    num('TP', '2885-2', '总蛋白', 'Total protein', 'g/L', [65, 85], 'WS404'),
    num('ALB', '1751-7', '白蛋白', 'Albumin', 'g/L', [40, 55], 'WS404'),
  ]),
  panel('RENAL', '肾功能', 'Renal function', SERUM, [
    num('UREA', '22664-7', '尿素', 'Urea', 'mmol/L', [3.1, 8.0], 'WS404', [null, null], [2.6, 7.5]),
    num('CREA', '14682-9', '肌酐', 'Creatinine', 'μmol/L', [57, 97], 'WS404', [null, 707], [41, 73]),
    num('UA', '14933-6', '尿酸', 'Uric acid', 'μmol/L', [208, 428], 'KIT', [null, null], [155, 357]),
  ]),
  panel('ELEC', '电解质', 'Electrolytes', SERUM, [
    num('K', '2823-3', '钾', 'Potassium', 'mmol/L', [3.5, 5.3], 'WS404', [2.5, 6.5]),
    num('NA', '2951-2', '钠', 'Sodium', 'mmol/L', [137, 147], 'WS404', [120, 160]),
    num('CL', '2075-0', '氯', 'Chloride', 'mmol/L', [99, 110], 'WS404'),
    num('CA', '2000-8', '钙', 'Calcium', 'mmol/L', [2.11, 2.52], 'WS404', [1.75, 3.5]),
  ]),
  panel('LIPID', '血脂', 'Lipid profile', SERUM, [
    num('TC', '14647-2', '总胆固醇', 'Total cholesterol', 'mmol/L', [null, 5.2], 'LIPID'),
    num('TG', '14927-8', '甘油三酯', 'Triglycerides', 'mmol/L', [null, 1.7], 'LIPID'),
    num('HDL-C', '14646-4', '高密度脂蛋白胆固醇', 'HDL cholesterol', 'mmol/L', [1.0, null], 'LIPID'),
    num('LDL-C', '22748-8', '低密度脂蛋白胆固醇', 'LDL cholesterol', 'mmol/L', [null, 3.4], 'LIPID'),
  ]),
  panel('FBG', '空腹血糖', 'Fasting glucose', FLUORIDE, [
    num('GLU', '14771-0', '空腹血糖', 'Fasting glucose', 'mmol/L', [3.9, 6.1], 'DM', [2.2, 22.2]),
  ]),
  panel('HBA1C', '糖化血红蛋白', 'Glycated haemoglobin', EDTA, [
    num('HBA1C', '4548-4', '糖化血红蛋白', 'HbA1c', '%', [4.0, 6.0], 'DM'),
  ]),
  panel('COAG', '凝血四项', 'Coagulation screen', CITRATE, [
    num('PT', '5902-2', '凝血酶原时间', 'Prothrombin time', 's', [10.0, 14.0], 'KIT', [null, 30]),
    num('INR', '6301-6', '国际标准化比值', 'INR', null, [0.8, 1.2], 'KIT'),
    num('APTT', '14979-9', '活化部分凝血活酶时间', 'APTT', 's', [22.0, 38.0], 'KIT', [null, 70]),
    num('TT', '3243-3', '凝血酶时间', 'Thrombin time', 's', [14.0, 21.0], 'KIT'),
    num('FIB', '3255-7', '纤维蛋白原', 'Fibrinogen', 'g/L', [2.0, 4.0], 'KIT', [1.0, null]),
  ]),
  panel('THYROID', '甲状腺功能', 'Thyroid function', SERUM, [
    num('TSH', '3016-3', '促甲状腺激素', 'TSH', 'mIU/L', [0.27, 4.2], 'KIT'),
    num('FT3', '14928-6', '游离三碘甲状腺原氨酸', 'Free T3', 'pmol/L', [3.1, 6.8], 'KIT'),
    num('FT4', '14920-3', '游离甲状腺素', 'Free T4', 'pmol/L', [12.0, 22.0], 'KIT'),
  ]),
  panel('CARDIAC', '心肌标志物', 'Cardiac markers', SERUM, [
    num('CTNI', '10839-9', '心肌肌钙蛋白 I', 'Troponin I (cardiac)', 'μg/L', [null, 0.04], 'KIT', [
      null,
      1.0,
    ]),
    num('CKMB', '13969-1', '肌酸激酶同工酶 MB（质量）', 'CK-MB mass', 'μg/L', [null, 5.0], 'KIT'),
  ]),
  panel('URINE', '尿常规', 'Urinalysis', URINE_CUP, [
    ord('UPRO', '20454-5', '尿蛋白', 'Protein (dipstick)'),
    ord('UGLU', '25428-4', '尿糖', 'Glucose (dipstick)'),
    ord('UBLD', '5794-3', '尿隐血', 'Blood (dipstick)'),
    ord('ULEU', '5799-2', '白细胞酯酶', 'Leukocyte esterase'),
    ord('UNIT', '5802-4', '亚硝酸盐', 'Nitrite', ['-', '+']),
    ord('UKET', '2514-8', '尿酮体', 'Ketones (dipstick)'),
    num('UPH', '5803-2', '尿酸碱度', 'Urine pH', null, [4.5, 8.0], 'KIT'),
    num('USG', '5811-5', '尿比重', 'Specific gravity', null, [1.003, 1.03], 'KIT'),
  ]),
  panel('CRP', 'C反应蛋白', 'C-reactive protein', SERUM, [
    num('CRP', '1988-5', 'C反应蛋白', 'C-reactive protein', 'mg/L', [null, 10], 'KIT'),
  ]),
];

const BY_CODE = new Map(LAB_PANELS.map((p) => [p.code, p]));

export const panelOf = (code: string): PanelDef | undefined => BY_CODE.get(code);

/** The catalogue as the API shows it (GET /lab-panels): without the source tags. */
export function panelViews(): LabPanel[] {
  return LAB_PANELS.map((p) => ({ ...p, analytes: p.analytes.map(({ src: _src, ...a }) => a) }));
}

/** Every analyte of the panels, with its panel code, in catalogue order. */
export function analytesOf(panels: readonly string[]): { panel: string; analyte: AnalyteDef }[] {
  return panels.flatMap((code) =>
    (BY_CODE.get(code)?.analytes ?? []).map((analyte) => ({ panel: code, analyte })),
  );
}
