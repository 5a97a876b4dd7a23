import { describe, expect, it } from 'vitest';
import { INSTITUTIONS } from '../../seed/region-data.js';
import { matchConditions } from './search.conditions.js';
import { pinyinKeys } from './search.keys.js';
import { isClinicalSpecialty, readQuery } from './search.rules.js';

describe('search rules', () => {
  it('reads Latin letters as pinyin, ignoring spaces, capitals and apostrophes', () => {
    expect(readQuery(' Chen Jianguo ')).toEqual({ kind: 'pinyin', text: 'chenjianguo' });
    expect(readQuery("xi'an")).toEqual({ kind: 'pinyin', text: 'xian' });
    expect(readQuery('陈 建国')).toEqual({ kind: 'text', text: '陈 建国' });
    expect(readQuery('   ')).toBeNull();
  });

  it('computes pinyin keys, with surname readings for people only', () => {
    expect(pinyinKeys('陈建国', 'person')).toEqual({ pinyin_initials: 'cjg', pinyin_full: 'chenjianguo' });
    expect(pinyinKeys('单志强', 'person').pinyin_full).toBe('shanzhiqiang');
    expect(pinyinKeys('X线诊断室', 'place').pinyin_initials).toBe('xxzds');
  });

  it('classifies the demo departments: 检验, 影像, 药剂 are not clinical; everything else is', () => {
    const nonClinical = new Set<string>();
    for (const i of INSTITUTIONS) {
      for (const d of i.departments) if (!isClinicalSpecialty(d.specialty)) nonClinical.add(d.name);
    }
    expect([...nonClinical].sort()).toEqual(
      [
        'CT诊断室',
        'X线诊断室',
        '临床免疫检验室',
        '临床化学检验室',
        '临床微生物检验室',
        '临床血液体液检验室',
        '处方调剂部',
        '心电诊断室',
        '检验科',
        '医学影像科',
        '磁共振诊断室',
        '药剂科',
        '超声诊断室',
      ].sort(),
    );
  });

  it('finds conditions in a complaint, by part of a name, and by pinyin', () => {
    const names = (q: string) => matchConditions(readQuery(q)!, 5).map((c) => c.name);
    expect(names('高血压')[0]).toBe('高血压');
    expect(names('小孩湿疹')[0]).toBe('湿疹');
    expect(names('血压')).toContain('高血压');
    expect(names('拉肚子')[0]).toBe('腹泻');
    expect(names('gxy')[0]).toBe('高血压');
    expect(names('g')).toEqual([]); // one letter matches too much
    expect(names('陈建国')).toEqual([]);
  });
});
