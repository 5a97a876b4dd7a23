/**
 * The data of smart triage (智能导诊, [8/12]): what the rules in triage.rules.ts read. Written by the project
 * from public patient-education material (which clinic treats which complaint) and emergency pre-triage
 * criteria (docs/triage.md names them). Nothing here is learnt from data: every weight can be read and
 * argued with. Weights: 3 = the usual department for the complaint, 2 = often, 1 = sometimes.
 */

/** A complaint the lexicon recognises: its synonyms and colloquial forms, and the departments that see it. */
export interface Symptom {
  id: string;
  /** How a reason names it (zh-CN). */
  label: string;
  terms: string[];
  departments: Record<string, number>;
}

const s = (id: string, label: string, terms: string[], departments: Record<string, number>): Symptom => ({
  id,
  label,
  terms,
  departments,
});

export const SYMPTOMS: Symptom[] = [
  // --- General and respiratory
  s('fever', '发热', ['发烧', '发热', '高烧', '低烧', '烧到', '体温高', '发高烧', '烧得', '烧了', '反复烧'], {
    全科医学科: 2,
    呼吸内科: 1,
    感染科: 1,
  }),
  s('cold', '感冒', ['感冒', '着凉', '受凉', '流感'], { 全科医学科: 2, 呼吸内科: 2 }),
  s('cough', '咳嗽', ['咳嗽', '干咳', '咳痰', '有痰', '老咳', '咳个不停', '咳得', '一直咳', '咳'], {
    呼吸内科: 3,
    全科医学科: 1,
  }),
  s('haemoptysis', '咯血', ['咯血', '痰中带血', '咳血', '痰里有血', '痰里带血丝'], { 呼吸内科: 3 }),
  s('wheeze', '气喘', ['哮喘', '气喘', '喘息', '气短', '喘', '气不够用', '一动就喘'], {
    呼吸内科: 3,
    心血管内科: 1,
  }),
  s('snore', '打鼾', ['打呼噜', '打鼾', '睡觉憋醒'], { 耳鼻咽喉科: 3, 呼吸内科: 1 }),
  s(
    'sore_throat',
    '咽痛',
    ['嗓子疼', '嗓子痛', '喉咙痛', '喉咙疼', '咽痛', '咽喉痛', '扁桃体', '咽炎', '嗓子发炎'],
    {
      耳鼻咽喉科: 3,
      呼吸内科: 1,
    },
  ),
  s('hoarse', '声音嘶哑', ['嗓子哑', '声音嘶哑', '声音哑', '失声'], { 耳鼻咽喉科: 3 }),
  s('nose', '鼻部不适', ['流鼻涕', '鼻塞', '打喷嚏', '鼻炎', '鼻子不通气', '鼻窦炎', '鼻子堵', '鼻涕'], {
    耳鼻咽喉科: 3,
  }),
  s('nosebleed', '鼻出血', ['流鼻血', '鼻出血', '鼻子出血'], { 耳鼻咽喉科: 3 }),
  s(
    'ear',
    '耳部不适',
    ['耳鸣', '耳朵疼', '耳朵痛', '听力下降', '听不清', '耳朵流脓', '中耳炎', '耳聋', '耳朵嗡嗡'],
    {
      耳鼻咽喉科: 3,
    },
  ),
  // --- Heart and vessels
  s(
    'chest_pain',
    '胸痛',
    ['胸痛', '胸口疼', '胸口痛', '心口疼', '心口痛', '心绞痛', '胸前疼', '胸部疼痛', '胸疼'],
    {
      心血管内科: 3,
      呼吸内科: 1,
    },
  ),
  s(
    'palpitation',
    '心慌胸闷',
    ['胸闷', '心慌', '心悸', '心跳快', '心跳不齐', '早搏', '心跳慢', '心跳得厉害', '心律不齐', '房颤'],
    {
      心血管内科: 3,
    },
  ),
  s('hypertension', '高血压', ['高血压', '血压高', '血压升高', '血压偏高', '降压药'], {
    心血管内科: 3,
    全科医学科: 1,
  }),
  s('lipids', '血脂异常', ['血脂高', '高血脂', '胆固醇高', '甘油三酯高'], { 心血管内科: 2, 内分泌科: 2 }),
  s('leg_swelling', '水肿', ['浮肿', '水肿', '腿肿', '脚肿', '下肢肿', '双腿肿'], {
    肾内科: 3,
    心血管内科: 2,
  }),
  // --- Nervous system and mind
  s('headache', '头痛', ['头痛', '头疼', '偏头痛', '脑袋疼', '头胀痛'], { 神经内科: 3 }),
  s('dizzy', '头晕', ['头晕', '眩晕', '头昏', '天旋地转', '发晕', '晕乎乎'], {
    神经内科: 3,
    耳鼻咽喉科: 1,
    心血管内科: 1,
  }),
  s('numb', '麻木', ['手麻', '脚麻', '手脚麻木', '麻木', '发麻'], { 神经内科: 3, 骨科: 1 }),
  s('tremor', '手抖', ['手抖', '震颤', '抖个不停'], { 神经内科: 3, 内分泌科: 1 }),
  s('memory', '记忆力下降', ['记忆力下降', '健忘', '老忘事', '痴呆', '记性差', '记不住事'], {
    神经内科: 3,
    老年医学科: 2,
  }),
  s('epilepsy', '癫痫', ['癫痫', '羊角风'], { 神经内科: 3 }),
  s('insomnia', '失眠', ['失眠', '睡不着', '睡不好', '多梦', '早醒', '入睡困难'], {
    精神心理科: 2,
    神经内科: 2,
  }),
  s(
    'mood',
    '情绪困扰',
    [
      '焦虑',
      '抑郁',
      '心情不好',
      '情绪低落',
      '烦躁',
      '压力大',
      '高兴不起来',
      '紧张',
      '恐惧',
      '老想哭',
      '没兴趣',
    ],
    {
      精神心理科: 3,
    },
  ),
  // --- Digestive
  s(
    'stomach',
    '胃部不适',
    ['胃疼', '胃痛', '胃不舒服', '胃胀', '反酸', '烧心', '嗳气', '打嗝', '胃炎', '胃溃疡', '消化不良'],
    {
      消化内科: 3,
    },
  ),
  s('abdominal_pain', '腹痛', ['肚子疼', '腹痛', '肚子痛', '肚脐周围疼', '小肚子疼', '肚子胀', '腹胀'], {
    消化内科: 3,
    普通外科: 1,
  }),
  s('rlq_pain', '右下腹痛', ['右下腹疼', '右下腹痛', '阑尾炎', '右下腹'], { 普通外科: 4, 消化内科: 1 }),
  s('gallbladder', '右上腹痛', ['右上腹疼', '右上腹痛', '胆结石', '胆囊炎'], { 普通外科: 3, 消化内科: 2 }),
  s('diarrhoea', '腹泻', ['拉肚子', '腹泻', '拉稀', '大便稀', '拉水'], { 消化内科: 3 }),
  s('constipation', '便秘', ['便秘', '大便干', '解不出大便', '几天没大便', '排便困难'], { 消化内科: 3 }),
  s('vomit', '恶心呕吐', ['恶心', '呕吐', '想吐', '吐了', '干呕', '上吐下泻'], { 消化内科: 3 }),
  s('stool_blood', '便血', ['便血', '大便带血', '大便出血', '黑便', '大便发黑'], {
    消化内科: 3,
    普通外科: 2,
  }),
  s('anal', '肛门不适', ['痔疮', '肛门疼', '肛门痒', '肛裂', '屁股疼', '肛周'], { 普通外科: 3 }),
  s('jaundice', '黄疸', ['黄疸', '皮肤发黄', '眼睛发黄', '眼白发黄'], { 消化内科: 3 }),
  s('liver', '肝病', ['肝炎', '乙肝', '转氨酶高', '脂肪肝', '肝功能异常', '大三阳', '小三阳'], {
    消化内科: 3,
    感染科: 1,
  }),
  s('appetite', '食欲差', ['吃不下', '没胃口', '食欲不振', '不想吃饭', '吃不下饭'], {
    消化内科: 2,
    全科医学科: 1,
  }),
  // --- Endocrine, kidney, urinary
  s('diabetes', '血糖高', ['糖尿病', '血糖高', '多饮多尿', '口渴多尿', '尿糖', '血糖'], { 内分泌科: 3 }),
  s('thyroid', '甲状腺问题', ['甲状腺', '甲亢', '甲减', '脖子粗', '甲状腺结节', '大脖子'], {
    内分泌科: 3,
    普通外科: 1,
  }),
  s('weight', '体重变化', ['消瘦', '体重下降', '肥胖', '减肥', '体重增加', '越来越瘦'], {
    内分泌科: 2,
    消化内科: 1,
  }),
  s('gout', '痛风', ['痛风', '尿酸高', '高尿酸'], { 内分泌科: 3, 骨科: 1 }),
  s(
    'urinary',
    '排尿不适',
    ['尿频', '尿急', '尿痛', '小便疼', '小便痛', '排尿困难', '尿不出来', '夜尿多', '尿不尽', '前列腺'],
    {
      泌尿外科: 3,
      肾内科: 1,
    },
  ),
  s('haematuria', '血尿', ['尿血', '血尿', '小便带血', '尿里有血'], { 泌尿外科: 3, 肾内科: 2 }),
  s('kidney', '肾病', ['肾炎', '蛋白尿', '肌酐高', '肾功能', '尿蛋白', '泡沫尿', '尿里有泡沫', '尿有泡沫'], {
    肾内科: 3,
  }),
  s('stone', '结石', ['肾结石', '输尿管结石', '尿路结石'], { 泌尿外科: 3 }),
  s('male', '男性生殖', ['阳痿', '早泄', '睾丸疼', '阴囊肿', '睾丸痛', '包皮'], { 泌尿外科: 3 }),
  // --- Bones, joints, rehabilitation
  s(
    'back_pain',
    '腰背痛',
    ['腰疼', '腰痛', '腰酸', '腰椎间盘', '腰椎', '腰间盘突出', '闪了腰', '后背疼', '背疼'],
    {
      骨科: 3,
      康复医学科: 1,
    },
  ),
  s('neck', '颈肩痛', ['颈椎病', '脖子疼', '肩膀疼', '肩周炎', '颈椎', '落枕', '肩膀痛'], {
    骨科: 3,
    康复医学科: 1,
  }),
  s(
    'joint',
    '关节痛',
    ['膝盖疼', '关节疼', '关节痛', '腿疼', '膝盖痛', '脚踝疼', '手腕疼', '膝关节', '半月板'],
    {
      骨科: 3,
      风湿免疫科: 1,
    },
  ),
  s('injury', '扭伤骨折', ['扭伤', '崴脚', '崴了', '骨折', '摔伤', '摔了一跤', '跌伤', '撞伤'], {
    骨科: 4,
    急诊科: 1,
  }),
  s('osteoporosis', '骨质疏松', ['骨质疏松', '缺钙'], { 骨科: 2, 内分泌科: 2 }),
  s('arthritis', '关节炎', ['关节肿', '关节变形', '晨僵', '类风湿', '风湿', '红斑狼疮'], {
    风湿免疫科: 3,
    骨科: 1,
  }),
  s('rehab', '康复', ['康复', '偏瘫', '术后恢复', '功能锻炼', '中风后'], { 康复医学科: 3 }),
  // --- Skin
  s('eczema', '湿疹', ['湿疹', '奶癣', '口水疹', '尿布疹', '特应性皮炎'], { 皮肤科: 4 }),
  s(
    'rash',
    '皮疹瘙痒',
    [
      '皮疹',
      '起疹子',
      '疹子',
      '荨麻疹',
      '风团',
      '皮肤痒',
      '瘙痒',
      '红疹',
      '皮炎',
      '起包',
      '痱子',
      '红点',
      '小疙瘩',
      '红疙瘩',
    ],
    {
      皮肤科: 3,
    },
  ),
  s('acne', '痤疮', ['痘痘', '青春痘', '痤疮', '长痘'], { 皮肤科: 3 }),
  s('hair', '脱发', ['脱发', '掉头发', '斑秃', '头皮屑'], { 皮肤科: 3 }),
  s('fungal', '癣', ['癣', '脚气', '灰指甲', '甲癣', '头癣'], { 皮肤科: 3 }),
  s(
    'skin_other',
    '皮肤病',
    [
      '牛皮癣',
      '银屑病',
      '白癜风',
      '长斑',
      '色斑',
      '痣',
      '起水泡',
      '带状疱疹',
      '疱疹',
      '鸡眼',
      '疣',
      '冻疮',
      '皮肤过敏',
    ],
    {
      皮肤科: 3,
    },
  ),
  // --- Eye, mouth
  s(
    'eye',
    '眼部不适',
    [
      '眼睛疼',
      '眼睛红',
      '眼红',
      '视力下降',
      '看不清',
      '视物模糊',
      '眼睛干',
      '眼干',
      '流眼泪',
      '近视',
      '眼屎多',
      '飞蚊症',
      '麦粒肿',
      '针眼',
      '白内障',
      '青光眼',
      '眼睛痒',
      '看东西模糊',
      '结膜炎',
      '黑影',
      '重影',
    ],
    {
      眼科: 3,
    },
  ),
  s(
    'teeth',
    '口腔问题',
    [
      '牙疼',
      '牙痛',
      '牙龈出血',
      '牙龈肿',
      '蛀牙',
      '龋齿',
      '口腔溃疡',
      '智齿',
      '牙齿松动',
      '口臭',
      '嘴里溃疡',
      '牙齿',
      '补牙',
      '洗牙',
    ],
    {
      口腔科: 3,
    },
  ),
  // --- Women, pregnancy, breast
  s(
    'menses',
    '月经问题',
    ['月经不调', '痛经', '月经量多', '月经推迟', '月经', '大姨妈', '闭经', '停经', '例假'],
    { 妇产科: 3 },
  ),
  s('gyn', '妇科问题', ['白带', '白带异常', '外阴瘙痒', '外阴痒', '阴道炎', '子宫肌瘤', '卵巢囊肿', '宫颈'], {
    妇产科: 3,
  }),
  s('vaginal_bleeding', '阴道出血', ['阴道出血', '下身出血', '同房出血', '见红', '下面出血', '下身流血'], {
    妇产科: 3,
  }),
  s(
    'pregnancy',
    '妊娠',
    [
      '怀孕',
      '孕期',
      '产检',
      '备孕',
      '不孕',
      '孕妇',
      '怀了',
      '早孕',
      '验孕',
      '流产',
      '胎动',
      '孕周',
      '怀孕了',
    ],
    {
      妇产科: 4,
    },
  ),
  s('menopause', '更年期', ['更年期', '潮热'], { 妇产科: 3, 内分泌科: 1 }),
  s('breast', '乳房问题', ['乳房胀痛', '乳房肿块', '乳腺增生', '乳腺结节', '乳头溢液', '乳房疼', '乳腺'], {
    乳腺外科: 3,
    妇产科: 1,
  }),
  // --- Surgery and the rest
  s('lump', '肿块', ['肿块', '包块', '疙瘩', '淋巴结肿大', '鼓包', '长了个包'], { 普通外科: 3 }),
  s('hernia', '疝气', ['疝气', '腹股沟'], { 普通外科: 3 }),
  s('wound', '外伤', ['外伤', '伤口', '割伤', '划伤', '烫伤', '烧伤', '刀割', '擦伤'], {
    普通外科: 2,
    急诊科: 2,
  }),
  s('bite', '动物咬伤', ['被狗咬', '狗咬', '猫抓', '被猫抓', '被咬', '狂犬疫苗'], {
    急诊科: 3,
    预防保健科: 2,
  }),
  s('fatigue', '乏力', ['乏力', '没劲', '没力气', '浑身无力', '容易累', '疲劳', '没精神'], {
    全科医学科: 2,
    内分泌科: 1,
  }),
  s('allergy', '过敏', ['过敏'], { 皮肤科: 2, 耳鼻咽喉科: 1 }),
  s('anaemia', '贫血', ['贫血', '脸色苍白', '血红蛋白低'], { 血液科: 3, 全科医学科: 1 }),
  s('discomfort', '不适', ['不舒服', '难受', '不太舒服'], { 全科医学科: 1 }),
  s('checkup', '体检和疫苗', ['体检', '疫苗', '打疫苗', '接种', '流感疫苗'], {
    预防保健科: 3,
    全科医学科: 1,
  }),
  s('refill', '开药', ['开药', '配药', '慢病', '拿药'], { 全科医学科: 3 }),
  s('cramp', '抽筋', ['抽筋', '腿抽筋'], { 骨科: 2, 神经内科: 1 }),
  s('dysphagia', '吞咽困难', ['吞咽困难', '噎', '咽不下去', '咽东西'], { 消化内科: 3, 耳鼻咽喉科: 2 }),
  s('nail', '甲病', ['甲沟炎', '嵌甲', '趾甲', '指甲'], { 普通外科: 2, 皮肤科: 2 }),
  s('attention', '注意力问题', ['多动', '坐不住', '注意力不集中', '抽动', '眨眼睛'], {
    精神心理科: 3,
    儿童生长发育科: 2,
  }),
  s('tcm', '中医调理', ['调理', '中药', '针灸', '推拿', '体质', '上火', '湿气重'], { 中医科: 3 }),
  s('falls', '跌倒', ['老是摔跤', '容易跌倒', '走路不稳'], { 老年医学科: 3, 神经内科: 2 }),
  // --- Children
  s('infant', '婴儿喂养', ['吐奶', '哭闹不止', '夜惊', '溢奶', '夜里哭闹', '不吃奶'], { 儿科: 3 }),
  s(
    'growth',
    '生长发育',
    [
      '长不高',
      '个子矮',
      '个子小',
      '身高',
      '发育慢',
      '性早熟',
      '发育早',
      '矮小',
      '比同龄人矮',
      '说话晚',
      '还不会说话',
      '不会走路',
      '发育迟缓',
    ],
    {
      儿童生长发育科: 4,
      小儿内分泌科: 2,
    },
  ),
  s('nutrition', '营养喂养', ['挑食', '厌食', '不爱吃饭', '营养不良', '偏瘦', '不长肉', '体重不长'], {
    儿童营养科: 4,
    儿科: 1,
  }),
  // --- Signs the red-flag rules read (departments for when no red flag fires, e.g. a mild allergy)
  s('sweating', '出冷汗', ['出冷汗', '冒冷汗', '冷汗', '大汗', '满头大汗', '出虚汗', '一身汗', '大汗淋漓'], {
    全科医学科: 1,
  }),
  s(
    'radiating',
    '疼痛放射',
    [
      '左臂',
      '左胳膊',
      '放射到',
      '牵扯到',
      '下巴疼',
      '后背也疼',
      '压榨',
      '压着一块石头',
      '压了块石头',
      '压得慌',
      '濒死感',
      '喘不过来',
    ],
    {
      心血管内科: 2,
    },
  ),
  s(
    'facial_droop',
    '口角歪斜',
    ['口角歪斜', '嘴歪', '嘴巴歪', '口歪眼斜', '脸歪', '半边脸', '口眼歪斜', '嘴角歪', '面瘫', '嘴角往一边'],
    {
      神经内科: 3,
    },
  ),
  s(
    'one_side_weak',
    '一侧肢体无力',
    [
      '一侧无力',
      '半边身子',
      '一边手脚',
      '单侧无力',
      '一侧手脚',
      '一只手没力',
      '一条腿没力',
      '半身不遂',
      '一边胳膊',
      '一侧肢体',
      '半边身体',
      '抬不起来',
      '一只手抬不起',
    ],
    {
      神经内科: 3,
    },
  ),
  s(
    'slurred',
    '言语不清',
    ['说话不清', '口齿不清', '说不出话', '言语不清', '大舌头', '说话含糊', '吐字不清', '舌头不灵'],
    {
      神经内科: 3,
    },
  ),
  s(
    'massive_bleeding',
    '大出血',
    ['大出血', '血止不住', '流血不止', '出血不止', '血流不止', '喷血', '止不住血', '出了很多血', '大量出血'],
    {
      急诊科: 3,
    },
  ),
  s('vomit_blood', '呕血', ['吐血', '呕血', '吐出血', '吐咖啡色'], { 急诊科: 3, 消化内科: 2 }),
  s(
    'dyspnoea',
    '呼吸困难',
    [
      '呼吸困难',
      '喘不上气',
      '喘不过气',
      '透不过气',
      '上不来气',
      '憋得慌',
      '憋气',
      '呼吸急促',
      '喘不动',
      '没法呼吸',
      '吸不进气',
      '呼吸不上来',
    ],
    {
      急诊科: 3,
      呼吸内科: 2,
    },
  ),
  s('cyanosis', '口唇青紫', ['嘴唇发紫', '嘴唇青紫', '口唇发绀', '脸发紫', '嘴唇发青'], { 急诊科: 3 }),
  s('seizure', '抽搐', ['抽搐', '抽风', '惊厥', '抽筋翻白眼', '翻白眼', '四肢抽动'], {
    急诊科: 3,
    神经内科: 2,
  }),
  s(
    'lethargy',
    '精神差',
    [
      '精神差',
      '精神很差',
      '精神特别差',
      '叫不太醒',
      '精神不好',
      '精神萎靡',
      '嗜睡',
      '蔫蔫的',
      '没反应',
      '反应差',
      '一直睡',
      '叫不醒',
      '昏睡',
      '软绵绵',
    ],
    {
      儿科: 2,
      全科医学科: 1,
    },
  ),
  s(
    'suicidal',
    '轻生念头',
    [
      '不想活',
      '想死',
      '自杀',
      '轻生',
      '割腕',
      '结束生命',
      '活着没意思',
      '跳楼',
      '寻死',
      '了结自己',
      '活不下去',
      '安眠药全吃',
    ],
    {
      精神心理科: 3,
    },
  ),
  s(
    'throat_swelling',
    '喉头发紧或唇舌肿胀',
    ['喉咙发紧', '喉头发紧', '喉头水肿', '舌头肿', '嘴唇肿', '嗓子肿得', '脖子发紧', '喉咙肿得'],
    {
      急诊科: 3,
    },
  ),
  s(
    'hives_all',
    '全身风团',
    ['全身起风团', '全身风团', '浑身起疹子', '全身起疹子', '全身红疹', '全身起包', '浑身起包'],
    { 皮肤科: 2 },
  ),
  s(
    'unconscious',
    '意识丧失',
    [
      '晕倒',
      '昏迷',
      '意识不清',
      '不省人事',
      '昏过去',
      '晕过去',
      '失去意识',
      '人事不省',
      '神志不清',
      '倒地不起',
      '突然倒地',
      '没有意识',
      '喊不应',
    ],
    {
      急诊科: 3,
    },
  ),
  s('poisoning', '中毒', ['农药', '中毒', '误服', '老鼠药', '煤气', '一氧化碳', '吃错药', '喝了消毒液'], {
    急诊科: 4,
  }),
  s(
    'major_trauma',
    '严重外伤',
    ['车祸', '高处摔下', '坠落', '从楼上', '骨头露出来', '被刀捅', '大面积烧伤', '大面积烫伤', '头部撞击后'],
    {
      急诊科: 4,
    },
  ),
  s('thunderclap', '突发剧烈头痛', ['剧烈头痛', '头痛欲裂', '炸裂', '这辈子最疼', '从来没这么疼'], {
    急诊科: 3,
    神经内科: 2,
  }),
  s('severe_abd', '剧烈腹痛', ['剧烈腹痛', '肚子疼得打滚', '疼得直不起腰', '肚子硬得像板'], {
    急诊科: 3,
    普通外科: 2,
  }),
];

/**
 * Body parts and sensations: "头有点疼", "肚子一阵阵地痛" name the part and the feeling a few words apart;
 * the rules join them (a sensation at most three tokens after the part, in the same clause) into a symptom.
 */
export interface BodyPart {
  id: string;
  terms: string[];
  /** The symptom a sensation about this part means (`pain`, `itch`, …), or `any`. */
  as: Partial<Record<Sensation | 'any', string>>;
}
export type Sensation = 'pain' | 'itch' | 'swell' | 'numb' | 'tight' | 'bloat' | 'discomfort' | 'bleed';

export const SENSATIONS: Record<Sensation, string[]> = {
  pain: ['疼', '痛', '疼痛', '胀痛', '刺痛', '隐痛', '绞痛', '酸痛', '闷痛', '酸', '疼得'],
  itch: ['痒', '发痒', '瘙痒'],
  swell: ['肿', '肿了', '肿胀'],
  numb: ['麻', '发麻', '麻木'],
  tight: ['闷', '发闷', '憋'],
  bloat: ['胀', '发胀', '胀气'],
  discomfort: ['不舒服', '难受', '不对劲'],
  bleed: ['出血', '流血', '带血'],
};

export const BODY_PARTS: BodyPart[] = [
  {
    id: 'head',
    terms: ['头', '脑袋', '头部', '太阳穴', '后脑勺'],
    as: { pain: 'headache', discomfort: 'dizzy' },
  },
  {
    id: 'chest',
    terms: ['胸', '胸口', '胸部', '心口', '胸前', '心脏'],
    as: { pain: 'chest_pain', tight: 'palpitation', discomfort: 'palpitation' },
  },
  {
    id: 'belly',
    terms: ['肚子', '腹部', '小肚子', '肚脐', '上腹', '下腹', '小腹', '肚皮'],
    as: { pain: 'abdominal_pain', bloat: 'abdominal_pain', discomfort: 'abdominal_pain' },
  },
  { id: 'stomach', terms: ['胃', '胃里', '胃部'], as: { any: 'stomach' } },
  { id: 'waist', terms: ['腰', '后背', '背', '腰部'], as: { pain: 'back_pain', discomfort: 'back_pain' } },
  { id: 'neck', terms: ['脖子', '颈部', '肩膀', '肩'], as: { pain: 'neck', swell: 'lump' } },
  {
    id: 'limb',
    terms: ['膝盖', '脚踝', '手腕', '手指', '关节', '胳膊', '手臂', '脚后跟', '手'],
    as: { pain: 'joint', swell: 'joint', numb: 'numb', itch: 'rash' },
  },
  {
    id: 'leg',
    terms: ['腿', '脚', '大腿', '小腿', '双腿', '两条腿'],
    as: { pain: 'joint', swell: 'leg_swelling', numb: 'numb', itch: 'rash' },
  },
  { id: 'eye', terms: ['眼睛', '眼', '眼皮', '眼角'], as: { any: 'eye' } },
  { id: 'ear', terms: ['耳朵', '耳'], as: { any: 'ear' } },
  { id: 'throat', terms: ['嗓子', '喉咙', '咽喉'], as: { any: 'sore_throat' } },
  { id: 'nose', terms: ['鼻子'], as: { bleed: 'nosebleed', any: 'nose' } },
  { id: 'mouth', terms: ['牙', '牙齿', '牙龈', '嘴里', '口腔', '舌头'], as: { any: 'teeth' } },
  {
    id: 'skin',
    terms: ['皮肤', '身上', '脸上', '头皮', '后背上', '脖子上'],
    as: { itch: 'rash', any: 'rash' },
  },
  { id: 'anus', terms: ['肛门', '屁股'], as: { any: 'anal' } },
  { id: 'breast', terms: ['乳房', '乳头'], as: { any: 'breast' } },
  { id: 'vulva', terms: ['下身', '私处', '阴道', '外阴'], as: { bleed: 'vaginal_bleeding', any: 'gyn' } },
  {
    id: 'urine',
    terms: ['小便', '尿道', '排尿'],
    as: { pain: 'urinary', bleed: 'haematuria', any: 'urinary' },
  },
];

/**
 * Negation cues (a whole jieba token, so 不停 / 不断 / 不舒服 are not negations): a cue negates the
 * symptoms after it up to the end of its clause or a contrast word ("不发烧但是咳嗽": only 发烧).
 */
export const NEGATIONS = new Set([
  '不',
  '没',
  '没有',
  '无',
  '未',
  '否认',
  '并不',
  '从不',
  '不是',
  '没什么',
  '并没有',
  '也没有',
  '也不',
  '都没有',
  '都没',
  '也没',
]);
export const CONTRASTS = new Set([
  '但',
  '但是',
  '可是',
  '不过',
  '却',
  '就是',
  '只是',
  '而是',
  '然而',
  '倒是',
]);

/** Words that say the complaint is about a child (age in years assumed when the text gives none). */
export const CHILD_WORDS: [string, number][] = [
  ['新生儿', 0.05],
  ['刚出生', 0.05],
  ['婴儿', 0.5],
  ['宝宝', 1],
  ['娃娃', 2],
  ['小宝', 2],
  ['幼儿', 2],
  ['小孩', 5],
  ['孩子', 5],
  ['小朋友', 5],
  ['儿子', 6],
  ['女儿', 6],
  ['闺女', 6],
  ['娃', 4],
  ['小儿', 4],
];
export const ELDER_WORDS = [
  '老人',
  '老年人',
  '奶奶',
  '爷爷',
  '外婆',
  '外公',
  '姥姥',
  '姥爷',
  '老爷子',
  '老太太',
];
export const FEMALE_WORDS = [
  '我老婆',
  '我妻子',
  '我妈',
  '我母亲',
  '女儿',
  '闺女',
  '奶奶',
  '外婆',
  '姥姥',
  '老太太',
  '孕妇',
];
export const MALE_WORDS = ['我老公', '我丈夫', '我爸', '我父亲', '儿子', '爷爷', '外公', '姥爷', '老爷子'];

/** Paediatric departments: under 14 (the usual age limit of 儿科 in China) an adult department becomes these. */
export const CHILD_AGE_LIMIT = 14;
export const PAEDIATRIC_VARIANT: Record<string, string> = {
  皮肤科: '儿童皮肤科',
  呼吸内科: '小儿呼吸科',
  神经内科: '小儿神经科',
  内分泌科: '小儿内分泌科',
  普通外科: '小儿外科',
  泌尿外科: '小儿外科',
  乳腺外科: '小儿外科',
  骨科: '小儿外科',
  心血管内科: '儿科',
  消化内科: '儿科',
  肾内科: '儿科',
  全科医学科: '儿科',
  感染科: '儿科',
  血液科: '儿科',
  老年医学科: '儿科',
  风湿免疫科: '儿科',
  康复医学科: '儿科',
  中医科: '中医儿科',
  预防保健科: '预防保健科',
};
/** Under 28 days (a newborn) the general paediatric departments become neonatology. */
export const NEWBORN_AGE = 28 / 365;
/** Children-only departments: an adult with such a complaint goes to the adult department. */
export const ADULT_VARIANT: Record<string, string> = {
  儿童生长发育科: '内分泌科',
  儿童营养科: '全科医学科',
  儿科: '全科医学科',
  儿童皮肤科: '皮肤科',
};

/**
 * Where a suggested department can be booked in the region: the directory's department names that serve
 * it, best first (a district hospital's 内科 sees what 全科医学科 sees). Departments without an entry are
 * looked up by their own name only. Names with no match in the region are suggested without a link.
 */
export const REGION_NAMES: Record<string, string[]> = {
  全科医学科: ['全科医学科', '内科'],
  儿科: ['儿科', '普通儿科'],
  普通外科: ['普通外科', '外科'],
  泌尿外科: ['泌尿外科', '普通外科', '外科'],
  乳腺外科: ['乳腺外科', '普通外科', '外科'],
  精神心理科: ['精神心理科', '精神科', '心理科'],
  中医科: ['中医科', '中医内科'],
  中医儿科: ['中医儿科'],
  血液科: ['血液科', '全科医学科', '内科'],
  风湿免疫科: ['风湿免疫科', '全科医学科', '内科'],
  感染科: ['感染科', '全科医学科', '内科'],
  儿童皮肤科: ['儿童皮肤科', '小儿皮肤科'],
};

/** The red flags (急危重症信号): any one sends the patient to 120 or the emergency department first. */
export interface RedFlagRule {
  id: string;
  label: string;
  /** Every group must have at least one of its symptoms present (not negated). */
  all: string[][];
  /** Only at an age (years) below this; the age comes from the text, the request or the patient. */
  maxAge?: number;
  /** The department suggested after the call to 120. */
  department: string;
  source: string;
}

export const RED_FLAGS: RedFlagRule[] = [
  {
    id: 'chest_pain_sweating',
    label: '胸痛伴出汗、放射痛或气促（疑似急性冠脉综合征）',
    all: [
      ['chest_pain', 'palpitation'],
      ['sweating', 'radiating', 'dyspnoea'],
    ],
    department: '心血管内科',
    source: '急诊预检分诊专家共识 (2018); 中国胸痛中心认证标准',
  },
  {
    id: 'stroke',
    label: '口角歪斜、一侧肢体无力或言语不清（疑似卒中，“中风120”）',
    all: [['facial_droop', 'one_side_weak', 'slurred']],
    department: '神经内科',
    source: '中国卒中学会“中风120”识别法',
  },
  {
    id: 'severe_bleeding',
    label: '大量出血或呕血',
    all: [['massive_bleeding', 'vomit_blood']],
    department: '急诊科',
    source: '急诊预检分诊专家共识 (2018)',
  },
  {
    id: 'pregnancy_bleeding',
    label: '孕期阴道出血或剧烈腹痛',
    all: [['pregnancy'], ['vaginal_bleeding', 'severe_abd', 'massive_bleeding']],
    department: '妇产科',
    source: '需紧急救治的急危重伤病标准及诊疗规范 (国家卫生健康委, 2019)',
  },
  {
    id: 'breathing',
    label: '呼吸困难或口唇青紫',
    all: [['dyspnoea', 'cyanosis']],
    department: '急诊科',
    source: '急诊预检分诊专家共识 (2018)',
  },
  {
    id: 'infant_fever',
    label: '3 个月以下婴儿发热',
    all: [['fever']],
    maxAge: 0.25,
    department: '儿科',
    source: 'NICE NG143 Fever in under 5s (traffic-light system: under 3 months, 38 °C or higher is red)',
  },
  {
    id: 'child_fever_danger',
    label: '儿童发热伴精神差或抽搐',
    all: [['fever'], ['lethargy', 'seizure']],
    maxAge: 14,
    department: '儿科',
    source: 'NICE NG143 Fever in under 5s; WHO IMCI general danger signs',
  },
  {
    id: 'infant_lethargy',
    label: '婴儿精神差、叫不醒',
    all: [['lethargy']],
    maxAge: 1,
    department: '儿科',
    source: 'WHO IMCI general danger signs (lethargic or unconscious)',
  },
  {
    id: 'seizure',
    label: '抽搐',
    all: [['seizure']],
    department: '急诊科',
    source: '急诊预检分诊专家共识 (2018)',
  },
  {
    id: 'suicidal',
    label: '轻生或自伤念头',
    all: [['suicidal']],
    department: '精神心理科',
    source: '全国统一心理援助热线 12356（国家卫生健康委, 2024-12-25 公布）',
  },
  {
    id: 'anaphylaxis',
    label: '严重过敏反应（喉头发紧、唇舌肿胀）',
    all: [['throat_swelling']],
    department: '急诊科',
    source: 'WAO Anaphylaxis Guidance 2020',
  },
  {
    id: 'anaphylaxis_hives',
    label: '严重过敏反应（全身风团伴头晕、心慌或意识改变）',
    all: [
      ['hives_all', 'allergy'],
      ['dizzy', 'unconscious', 'palpitation', 'cyanosis'],
    ],
    department: '急诊科',
    source: 'WAO Anaphylaxis Guidance 2020',
  },
  {
    id: 'unconscious',
    label: '意识丧失或叫不醒',
    all: [['unconscious']],
    department: '急诊科',
    source: '急诊预检分诊专家共识 (2018)',
  },
  {
    id: 'poisoning',
    label: '中毒或误服',
    all: [['poisoning']],
    department: '急诊科',
    source: '需紧急救治的急危重伤病标准及诊疗规范 (国家卫生健康委, 2019)',
  },
  {
    id: 'major_trauma',
    label: '严重外伤（车祸、坠落、大面积烧烫伤）',
    all: [['major_trauma']],
    department: '急诊科',
    source: '急诊预检分诊专家共识 (2018)',
  },
  {
    id: 'thunderclap_headache',
    label: '突发剧烈头痛',
    all: [['thunderclap']],
    department: '神经内科',
    source: '急诊预检分诊专家共识 (2018)',
  },
  {
    id: 'severe_abdominal_pain',
    label: '剧烈腹痛',
    all: [['severe_abd']],
    department: '普通外科',
    source: '急诊预检分诊专家共识 (2018)',
  },
];

export const EMERGENCY_ADVICE = '请立即拨打 120 或前往急诊';
export const SUICIDE_ADVICE = '如有轻生或自伤的念头，也可拨打全国统一心理援助热线 12356，你并不孤单。';
