import { describe, expect, it } from 'vitest';
import { triage } from './triage.rules.js';

const first = (text: string, age?: number, sex?: 'male' | 'female') =>
  triage({ text, age, sex }).departments[0]?.name;

describe('red flags come first (急危重症 → 120)', () => {
  it.each([
    ['胸口疼出冷汗', 'chest_pain_sweating'],
    ['胸痛，疼到左胳膊', 'chest_pain_sweating'],
    ['我妈突然嘴歪了', 'stroke'],
    ['一侧手脚没力气', 'stroke'],
    ['说话不清楚', 'stroke'],
    ['手割破了血止不住', 'severe_bleeding'],
    ['喘不上气，嘴唇发紫', 'breathing'],
    ['我不想活了', 'suicidal'],
    ['吃了花生喉咙发紧', 'anaphylaxis'],
    ['爸爸突然晕倒了', 'unconscious'],
    ['怀孕两个月，下身出血', 'pregnancy_bleeding'],
  ])('%s → redFlag (%s), 120 advice first, 急诊科 first', (text, id) => {
    const r = triage({ text });
    expect(r.redFlag).toBe(true);
    expect(r.redFlags.map((f) => f.id)).toContain(id);
    expect(r.advice.startsWith('请立即拨打 120 或前往急诊')).toBe(true);
    expect(r.departments[0]!.name).toBe('急诊科');
  });

  it('suicidal thoughts also give the national psychological aid hotline 12356', () => {
    expect(triage({ text: '活着没意思，想结束生命' }).advice).toContain('12356');
    expect(triage({ text: '胸口疼出冷汗' }).advice).not.toContain('12356');
  });

  it('fever under 3 months is a red flag; at 2 years alone it is not, with 抽搐 or 精神差 it is', () => {
    expect(triage({ text: '发烧38度', age: 0.2 }).redFlag).toBe(true);
    expect(triage({ text: '宝宝两个月，发烧了' }).redFlag).toBe(true);
    expect(triage({ text: '发烧38度', age: 2 }).redFlag).toBe(false);
    expect(triage({ text: '发烧39度，抽搐了', age: 2 }).redFlag).toBe(true);
    expect(triage({ text: '孩子发烧，精神很差', age: 3 }).redFlag).toBe(true);
  });

  it('chest pain alone is not an emergency by these rules: 心血管内科 first', () => {
    const r = triage({ text: '活动后胸口疼，休息就好' });
    expect(r.redFlag).toBe(false);
    expect(r.departments[0]!.name).toBe('心血管内科');
  });
});

describe('departments', () => {
  it('小孩湿疹 → 儿童皮肤科 (the region’s paediatric dermatology) first', () => {
    const r = triage({ text: '小孩湿疹' });
    expect(r.redFlag).toBe(false);
    expect(r.departments[0]!.name).toBe('儿童皮肤科');
    expect(r.departments[0]!.reason).toContain('湿疹');
  });

  it.each([
    ['咳嗽两周，有黄痰', '呼吸内科'],
    ['牙疼睡不着', '口腔科'],
    ['膝盖疼，上下楼梯明显', '骨科'],
    ['反酸烧心', '消化内科'],
    ['血糖高', '内分泌科'],
    ['头有点疼', '神经内科'],
    ['眼睛红痒', '眼科'],
  ])('%s → %s', (text, dept) => expect(first(text)).toBe(dept));

  it('nothing recognised → 全科医学科 (a child: 儿科), never an empty list', () => {
    expect(first('说不上来')).toBe('全科医学科');
    expect(first('说不上来', 5)).toBe('儿科');
  });
});

describe('negation: "不发烧" does not count', () => {
  it('不发烧但是咳嗽 counts the cough only', () => {
    const r = triage({ text: '不发烧但是咳嗽' });
    expect(r.departments[0]!.name).toBe('呼吸内科');
    expect(triage({ text: '发烧' }).departments.map((d) => d.name)).toContain('全科医学科');
    expect(r.departments.map((d) => d.name)).not.toContain('感染科');
  });

  it('a negated red-flag sign raises no flag: 没有胸痛也没有出冷汗', () => {
    expect(triage({ text: '没有胸痛，也没有出冷汗，就是胃不舒服' }).redFlag).toBe(false);
    expect(triage({ text: '宝宝两个月，不发烧，吐奶' }).redFlag).toBe(false);
  });

  it('头不疼 negates the body part + sensation pair; 不停咳嗽 is not a negation', () => {
    expect(first('头不疼，嗓子疼')).toBe('耳鼻咽喉科');
    expect(first('不停地咳嗽')).toBe('呼吸内科');
  });
});

describe('age and sex modifiers', () => {
  it('a child’s adult department becomes its paediatric variant; a newborn’s 儿科 becomes 新生儿科', () => {
    expect(first('咳嗽有痰', 4)).toBe('小儿呼吸科');
    expect(first('拉肚子', 2)).toBe('儿科');
    expect(first('拉肚子', 0.05)).toBe('新生儿科');
    expect(first('咳嗽有痰', 40)).toBe('呼吸内科');
  });

  it('the age stated in the text wins over the request: 我儿子3岁 is a child', () => {
    expect(first('我儿子3岁，咳嗽', 40)).toBe('小儿呼吸科');
  });

  it('children-only departments become adult ones for an adult (长不高 at 30 → 内分泌科)', () => {
    expect(first('个子矮', 8)).toBe('儿童生长发育科');
    expect(first('个子矮', 30)).toBe('内分泌科');
  });

  it('pregnancy sends to 妇产科 first; a man is never sent to 妇产科', () => {
    expect(first('孕5个月，腿抽筋')).toBe('妇产科');
    expect(triage({ text: '小肚子疼', sex: 'male' }).departments.map((d) => d.name)).not.toContain('妇产科');
  });

  it('65 and over: 老年医学科 is offered after an internal-medicine department', () => {
    const names = triage({ text: '胸闷心慌', age: 72 }).departments.map((d) => d.name);
    expect(names[0]).toBe('心血管内科');
    expect(names).toContain('老年医学科');
    expect(triage({ text: '胸闷心慌', age: 40 }).departments.map((d) => d.name)).not.toContain('老年医学科');
  });

  it('scores are shares between 0 and 1, best first', () => {
    const r = triage({ text: '头晕，胸闷' });
    const scores = r.departments.map((d) => d.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const s of scores) expect(s).toBeGreaterThan(0);
  });
});
