/**
 * Clinically recognised severe drug–drug interactions between catalogue ingredients (drug-data.ts), used by
 * the pre-screening of RX-10: two items whose ingredients form one of these pairs fail unless the doctor
 * states an override reason. Pairs are unordered; each names the mechanism and the harm.
 */
import type { SevereInteraction } from './drug.types.js';

/** Serotonergic antidepressants that with tramadol risk serotonin syndrome and seizures. */
const SEROTONERGIC = ['舍曲林', '艾司西酞普兰', '氟西汀', '帕罗西汀', '文拉法辛', '度洛西汀'];
/** ACE inhibitors: contraindicated with sacubitril (angioedema; 36 hours apart). */
const ACE_INHIBITORS = ['依那普利', '贝那普利', '培哚普利', '卡托普利', '福辛普利'];

// biome-ignore format: a data table, one interaction per line
export const SEVERE_INTERACTIONS: SevereInteraction[] = [
  // Bleeding with warfarin
  { a: '华法林', b: '阿司匹林', effect: '抗凝与抗血小板作用叠加，出血风险显著增加', effectEn: 'Additive anticoagulant and antiplatelet effects: markedly increased bleeding risk' },
  { a: '华法林', b: '布洛芬', effect: '抗血小板作用叠加并损伤胃黏膜，消化道出血风险增加', effectEn: 'Antiplatelet effect and gastric injury add up: gastrointestinal bleeding' },
  { a: '华法林', b: '甲硝唑', effect: '甲硝唑抑制华法林代谢（CYP2C9），INR 升高，可致严重出血', effectEn: 'Metronidazole inhibits warfarin metabolism (CYP2C9): INR rises, serious bleeding' },
  { a: '华法林', b: '磺胺甲噁唑', effect: '磺胺甲噁唑抑制华法林代谢并置换蛋白结合，INR 明显升高', effectEn: 'Sulfamethoxazole inhibits warfarin metabolism and displaces it from proteins: INR rises sharply' },
  { a: '华法林', b: '氟康唑', effect: '氟康唑抑制 CYP2C9，华法林血药浓度升高，出血风险增加', effectEn: 'Fluconazole inhibits CYP2C9: warfarin levels and bleeding risk rise' },
  { a: '华法林', b: '胺碘酮', effect: '胺碘酮抑制华法林代谢，INR 升高可持续数月，需减量并监测', effectEn: 'Amiodarone inhibits warfarin metabolism: INR rises for months; reduce the dose and monitor' },
  { a: '利伐沙班', b: '伊曲康唑', effect: '伊曲康唑强效抑制 CYP3A4 和 P-gp，利伐沙班浓度升高，出血风险增加，不推荐合用', effectEn: 'Itraconazole strongly inhibits CYP3A4 and P-gp: rivaroxaban levels and bleeding risk rise; avoid' },
  // Statins and strong CYP3A4 inhibitors: myopathy and rhabdomyolysis
  { a: '辛伐他汀', b: '克拉霉素', effect: '克拉霉素强效抑制 CYP3A4，辛伐他汀浓度大幅升高，横纹肌溶解风险，禁止合用', effectEn: 'Clarithromycin strongly inhibits CYP3A4: simvastatin levels soar, rhabdomyolysis; contraindicated' },
  { a: '辛伐他汀', b: '红霉素', effect: '红霉素抑制 CYP3A4，辛伐他汀浓度升高，肌病和横纹肌溶解风险，禁止合用', effectEn: 'Erythromycin inhibits CYP3A4: simvastatin levels rise, myopathy and rhabdomyolysis; contraindicated' },
  { a: '辛伐他汀', b: '伊曲康唑', effect: '伊曲康唑强效抑制 CYP3A4，辛伐他汀浓度大幅升高，横纹肌溶解风险，禁止合用', effectEn: 'Itraconazole strongly inhibits CYP3A4: simvastatin levels soar, rhabdomyolysis; contraindicated' },
  { a: '辛伐他汀', b: '环孢素', effect: '环孢素升高辛伐他汀浓度，肌病和横纹肌溶解风险，禁止合用', effectEn: 'Ciclosporin raises simvastatin levels: myopathy and rhabdomyolysis; contraindicated' },
  // Colchicine toxicity
  { a: '秋水仙碱', b: '克拉霉素', effect: '克拉霉素抑制 CYP3A4 和 P-gp，秋水仙碱蓄积中毒，可致死亡', effectEn: 'Clarithromycin inhibits CYP3A4 and P-gp: colchicine accumulates, potentially fatal toxicity' },
  { a: '秋水仙碱', b: '环孢素', effect: '环孢素抑制 P-gp，秋水仙碱浓度升高，肌病和神经肌肉毒性', effectEn: 'Ciclosporin inhibits P-gp: colchicine levels rise, myopathy and neuromuscular toxicity' },
  // PDE5 inhibitors and nitrates: severe hypotension
  { a: '西地那非', b: '硝酸甘油', effect: '协同扩张血管，可致严重低血压，禁止合用', effectEn: 'Synergistic vasodilation: severe hypotension; contraindicated' },
  { a: '西地那非', b: '单硝酸异山梨酯', effect: '协同扩张血管，可致严重低血压，禁止合用', effectEn: 'Synergistic vasodilation: severe hypotension; contraindicated' },
  { a: '西地那非', b: '硝酸异山梨酯', effect: '协同扩张血管，可致严重低血压，禁止合用', effectEn: 'Synergistic vasodilation: severe hypotension; contraindicated' },
  { a: '他达拉非', b: '硝酸甘油', effect: '协同扩张血管，可致严重低血压，禁止合用（停用他达拉非 48 小时内）', effectEn: 'Synergistic vasodilation: severe hypotension; contraindicated (within 48 hours of tadalafil)' },
  { a: '他达拉非', b: '单硝酸异山梨酯', effect: '协同扩张血管，可致严重低血压，禁止合用', effectEn: 'Synergistic vasodilation: severe hypotension; contraindicated' },
  // Reduced antiplatelet effect, antiplatelet overexposure
  { a: '氯吡格雷', b: '奥美拉唑', effect: '奥美拉唑抑制 CYP2C19，氯吡格雷活性代谢物减少，抗血小板作用减弱，应避免合用', effectEn: 'Omeprazole inhibits CYP2C19: less active clopidogrel metabolite, weaker antiplatelet effect; avoid' },
  { a: '氯吡格雷', b: '艾司奥美拉唑', effect: '艾司奥美拉唑抑制 CYP2C19，氯吡格雷抗血小板作用减弱，应避免合用', effectEn: 'Esomeprazole inhibits CYP2C19: weaker antiplatelet effect of clopidogrel; avoid' },
  { a: '替格瑞洛', b: '克拉霉素', effect: '克拉霉素强效抑制 CYP3A4，替格瑞洛浓度大幅升高，出血风险，禁止合用', effectEn: 'Clarithromycin strongly inhibits CYP3A4: ticagrelor levels soar, bleeding; contraindicated' },
  // Hyperkalaemia
  { a: '依那普利', b: '螺内酯', effect: 'ACEI 与保钾利尿剂合用，可致严重高钾血症，需监测血钾和肾功能', effectEn: 'ACE inhibitor with a potassium-sparing diuretic: severe hyperkalaemia; monitor potassium and renal function' },
  { a: '贝那普利', b: '螺内酯', effect: 'ACEI 与保钾利尿剂合用，可致严重高钾血症，需监测血钾和肾功能', effectEn: 'ACE inhibitor with a potassium-sparing diuretic: severe hyperkalaemia; monitor potassium and renal function' },
  { a: '螺内酯', b: '氯化钾', effect: '保钾利尿剂合用补钾，可致严重高钾血症', effectEn: 'Potassium supplement with a potassium-sparing diuretic: severe hyperkalaemia' },
  // QT prolongation
  { a: '左氧氟沙星', b: '胺碘酮', effect: '两药均延长 QT 间期，可致尖端扭转型室速', effectEn: 'Both prolong the QT interval: torsades de pointes' },
  { a: '莫西沙星', b: '胺碘酮', effect: '两药均延长 QT 间期，可致尖端扭转型室速，禁止合用', effectEn: 'Both prolong the QT interval: torsades de pointes; contraindicated' },
  { a: '多潘立酮', b: '克拉霉素', effect: '克拉霉素抑制 CYP3A4 升高多潘立酮浓度，两药均延长 QT 间期，禁止合用', effectEn: 'Clarithromycin raises domperidone levels (CYP3A4) and both prolong QT; contraindicated' },
  { a: '多潘立酮', b: '伊曲康唑', effect: '伊曲康唑抑制 CYP3A4，多潘立酮浓度升高，QT 间期延长，禁止合用', effectEn: 'Itraconazole inhibits CYP3A4: domperidone levels rise, QT prolongation; contraindicated' },
  // Digoxin
  { a: '地高辛', b: '胺碘酮', effect: '胺碘酮抑制 P-gp，地高辛浓度约翻倍，可致中毒（心动过缓、传导阻滞），地高辛需减半', effectEn: 'Amiodarone inhibits P-gp: digoxin levels roughly double, toxicity (bradycardia, block); halve digoxin' },
  // Bone-marrow suppression
  { a: '甲氨蝶呤', b: '磺胺甲噁唑', effect: '叠加抗叶酸作用并减少甲氨蝶呤排泄，可致严重骨髓抑制', effectEn: 'Additive antifolate effect and reduced methotrexate clearance: severe bone-marrow suppression' },
  { a: '甲氨蝶呤', b: '甲氧苄啶', effect: '甲氧苄啶抑制二氢叶酸还原酶，与甲氨蝶呤叠加，可致全血细胞减少', effectEn: 'Trimethoprim adds dihydrofolate-reductase inhibition: pancytopenia' },
  { a: '别嘌醇', b: '硫唑嘌呤', effect: '别嘌醇抑制黄嘌呤氧化酶，硫唑嘌呤代谢受阻，可致严重骨髓抑制（需减至 1/4 剂量）', effectEn: 'Allopurinol blocks xanthine oxidase: azathioprine accumulates, severe marrow suppression (cut to a quarter)' },
  { a: '非布司他', b: '硫唑嘌呤', effect: '非布司他抑制黄嘌呤氧化酶，硫唑嘌呤蓄积，骨髓抑制，禁止合用', effectEn: 'Febuxostat blocks xanthine oxidase: azathioprine accumulates, marrow suppression; contraindicated' },
  // CNS
  { a: '替扎尼定', b: '环丙沙星', effect: '环丙沙星抑制 CYP1A2，替扎尼定浓度升高十倍，严重低血压和过度镇静，禁止合用', effectEn: 'Ciprofloxacin inhibits CYP1A2: tizanidine levels rise tenfold, severe hypotension and sedation; contraindicated' },
  { a: '碳酸锂', b: '氢氯噻嗪', effect: '噻嗪类减少锂排泄，血锂升高，可致锂中毒', effectEn: 'Thiazides reduce lithium excretion: lithium toxicity' },
  { a: '卡马西平', b: '克拉霉素', effect: '克拉霉素抑制 CYP3A4，卡马西平浓度升高，可致中毒（共济失调、眩晕）', effectEn: 'Clarithromycin inhibits CYP3A4: carbamazepine toxicity (ataxia, dizziness)' },
  { a: '吗啡', b: '地西泮', effect: '阿片类与苯二氮䓬类合用，可致严重呼吸抑制、昏迷甚至死亡', effectEn: 'Opioid with a benzodiazepine: profound respiratory depression, coma, death' },
  { a: '羟考酮', b: '阿普唑仑', effect: '阿片类与苯二氮䓬类合用，可致严重呼吸抑制、昏迷甚至死亡', effectEn: 'Opioid with a benzodiazepine: profound respiratory depression, coma, death' },
  // Serotonin syndrome with tramadol
  ...SEROTONERGIC.map((drug) => ({ a: drug, b: '曲马多', effect: '5-羟色胺能作用叠加，可致 5-羟色胺综合征，并降低癫痫发作阈值', effectEn: 'Additive serotonergic effect: serotonin syndrome, and a lower seizure threshold' })),
  // Angioedema with sacubitril
  ...ACE_INHIBITORS.map((drug) => ({ a: '沙库巴曲', b: drug, effect: '脑啡肽酶抑制剂与 ACEI 合用，血管性水肿风险，禁止合用（间隔至少 36 小时）', effectEn: 'Neprilysin inhibitor with an ACE inhibitor: angioedema; contraindicated (at least 36 hours apart)' })),
];
