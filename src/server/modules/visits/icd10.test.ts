import { describe, expect, it } from 'vitest';
import { INSTITUTIONS } from '../../seed/region-data.js';
import { icd10Category, icd10Name, searchIcd10 } from './icd10.js';
import { ICD10, ICD10_ALIASES, ICD10_COMMON } from './icd10-data.js';
import { ALL_RECORD_TEMPLATES, recordTemplatesFor } from './record-templates.js';

const codes = (query: string, limit?: number) => searchIcd10(query, limit).map((entry) => entry.code);

describe('ICD-10 catalogue', () => {
  it('holds well-formed, unique codes with names', () => {
    expect(ICD10.length).toBeGreaterThanOrEqual(800);
    for (const [code, name] of ICD10) {
      expect(code).toMatch(/^[A-Z]\d\d(\.\d)?$/);
      expect(name.trim()).not.toBe('');
      expect(name).toBe(name.trim());
    }
    expect(new Set(ICD10.map(([code]) => code)).size).toBe(ICD10.length);
    expect(new Set(ICD10.map(([, name]) => name)).size).toBe(ICD10.length);
  });

  it('does not list a category beside its own subcategories', () => {
    const all = new Set(ICD10.map(([code]) => code));
    const categoriesWithChildren = new Set(
      ICD10.filter(([code]) => code.length > 3).map(([c]) => c.slice(0, 3)),
    );
    for (const code of all) if (code.length === 3) expect(categoriesWithChildren.has(code)).toBe(false);
  });

  it('lists common codes that it holds', () => {
    const all = new Set(ICD10.map(([code]) => code));
    for (const code of ICD10_COMMON) expect(all.has(code), code).toBe(true);
  });

  it('keys every alias to a category or code it holds', () => {
    const all = ICD10.map(([code]) => code);
    for (const key of Object.keys(ICD10_ALIASES)) {
      expect(
        all.some((code) => code === key || code.slice(0, 3) === key),
        key,
      ).toBe(true);
    }
  });

  it('names the codes the demo region and the brief rely on', () => {
    expect(icd10Name('I10')).toBe('原发性高血压');
    expect(icd10Name('E11.9')).toBe('2型糖尿病不伴有并发症');
    expect(icd10Name('E34.3')).toBe('矮小症');
    expect(icd10Name('e113')).toBe('2型糖尿病伴有眼的并发症');
    for (const code of ['R62.8', 'R62.9', 'E30.1', 'E66.9', 'E44.0', 'E46', 'D50.9', 'F90.0', 'Z09.9']) {
      expect(icd10Name(code), code).toBeDefined();
    }
    expect(icd10Name('Z76.0')).toBe('开具重复处方');
    expect(icd10Name('Z00.1')).toBe('儿童常规健康检查');
    expect(icd10Name('X99.9')).toBeUndefined();
  });
});

describe('icd10Category', () => {
  it('is the 3-character category', () => {
    expect(icd10Category('I10')).toBe('I10');
    expect(icd10Category('I10.x00')).toBe('I10');
    expect(icd10Category('E11.9')).toBe('E11');
    expect(icd10Category(' e119 ')).toBe('E11');
  });
});

describe('searchIcd10', () => {
  it('finds nothing for an empty query', () => {
    expect(searchIcd10('')).toEqual([]);
    expect(searchIcd10('   ')).toEqual([]);
  });

  it('matches a code query by prefix, in code order, any case, with or without the dot', () => {
    expect(codes('i10')[0]).toBe('I10');
    expect(searchIcd10('I10')[0]).toEqual({ code: 'I10', name: '原发性高血压' });
    const e11 = codes('E11');
    expect(e11).toEqual(ICD10.map(([code]) => code).filter((code) => code.startsWith('E11')));
    expect(e11).toEqual([...e11].sort());
    expect(codes('e11.2')).toEqual(['E11.2']);
    expect(codes('E112')).toEqual(['E11.2']);
    expect(codes('E1', 5)).toHaveLength(5);
    expect(codes('Z99.9')).toEqual([]);
  });

  it('offers 原发性高血压 first for 高血压', () => {
    const found = searchIcd10('高血压');
    expect(found[0]).toEqual({ code: 'I10', name: '原发性高血压' });
    expect(found.map((entry) => entry.code)).toContain('I11.9');
    for (const entry of found) expect(entry.name).toContain('高血压');
  });

  it('finds 矮小症 for 矮小', () => {
    expect(codes('矮小')[0]).toBe('E34.3');
  });

  it('requires every word of a multi-word query', () => {
    const found = searchIcd10('糖尿病 肾');
    const found_codes = found.map((entry) => entry.code);
    expect(found_codes).toEqual(expect.arrayContaining(['E10.2', 'E11.2', 'E14.2']));
    expect(found_codes).not.toContain('E11.9');
    for (const entry of found) expect(entry.name).toMatch(/糖尿病.*肾|肾.*糖尿病/);
  });

  it('ranks the exact name, then common codes, then names ending or starting with the query', () => {
    expect(searchIcd10('湿疹')[0]).toEqual({ code: 'L30.9', name: '湿疹' });
    expect(searchIcd10('荨麻疹')[0]).toEqual({ code: 'L50.9', name: '荨麻疹' });
    expect(codes('糖尿病')[0]).toBe('E11.9');
    expect(codes('皮炎')[0]).toBe('L20.9');
    // Among the rest, a name that starts with the query comes before one that only contains it.
    expect(codes('银屑病').slice(0, 2)).toEqual(['L40.9', 'L40.0']);
    const chronic = codes('慢性', 200);
    expect(chronic.indexOf('J31.0')).toBeGreaterThan(-1);
    expect(chronic.indexOf('J31.0')).toBeLessThan(chronic.indexOf('J41.0'));
  });

  it('understands the words doctors type (冠心病, 房颤, 甲亢, 多动症)', () => {
    expect(codes('冠心病')).toContain('I25.1');
    expect(codes('房颤')).toContain('I48.0');
    expect(codes('甲亢')).toContain('E05.9');
    expect(codes('多动症')).toContain('F90.0');
    expect(codes('adhd')).toContain('F90.0');
  });

  it('honours the limit', () => {
    expect(searchIcd10('炎', 5)).toHaveLength(5);
    expect(searchIcd10('炎').length).toBeLessThanOrEqual(20);
    expect(searchIcd10('炎', 0)).toEqual([]);
  });

  // How fast it answers is measured by `npm run bench:icd10` (a wall-clock limit here would fail on a busy
  // machine and prove nothing on a fast one); here, that repeated searches keep answering the same.
  it('answers each of the benchmark queries, and the same on every repeat', () => {
    const queries = ['高血压', '糖尿病 肾', 'E11', '炎', '矮小', '性早熟', 'i10', '皮炎'];
    const first = queries.map((query) => searchIcd10(query));
    for (const [i, found] of first.entries()) expect(found.length, queries[i]).toBeGreaterThan(0);
    for (let round = 0; round < 3; round++) {
      expect(queries.map((query) => searchIcd10(query))).toEqual(first);
    }
    expect(first[0]![0]).toEqual({ code: 'I10', name: '原发性高血压' });
    expect(first[4]![0]!.code).toBe('E34.3');
  });
});

describe('recordTemplatesFor', () => {
  const departments = INSTITUTIONS.flatMap((institution) => institution.departments);

  it('offers the cardiology templates, 高血压复诊 carrying I10', () => {
    const templates = recordTemplatesFor('心血管内科专业', '心血管内科');
    expect(templates.map((t) => t.name)).toEqual([
      '高血压复诊',
      '冠心病复诊',
      '心衰随访',
      '慢病复诊',
      '一般咨询',
    ]);
    const hypertension = templates.find((t) => t.name === '高血压复诊');
    expect(hypertension?.content.diagnoses).toEqual([{ icd10: 'I10', name: '原发性高血压' }]);
  });

  it('matches the seeded departments by specialty', () => {
    const namesFor = (code: string) => {
      const dept = departments.find((d) => d.code === code);
      expect(dept, code).toBeDefined();
      return recordTemplatesFor(dept!.specialty, dept!.name).map((t) => t.name);
    };
    expect(namesFor('CARD')).toContain('高血压复诊');
    expect(namesFor('ENDO')).toContain('糖尿病复诊');
    expect(namesFor('GROW')).toEqual(expect.arrayContaining(['儿童生长发育首诊', '儿童营养咨询']));
    expect(namesFor('NUTR')).toContain('儿童营养咨询');
    expect(namesFor('PEND')).toContain('儿童生长发育首诊');
    expect(namesFor('PEND')).not.toContain('糖尿病复诊');
    expect(namesFor('PAED')).toContain('儿童生长发育首诊');
    expect(namesFor('DERM')).toContain('皮肤科复诊');
    expect(namesFor('GP')).toEqual(expect.arrayContaining(['高血压复诊', '糖尿病复诊']));
    expect(namesFor('RESP')).toEqual(['慢病复诊', '一般咨询']);
  });

  it('always ends with 慢病复诊 and 一般咨询, without duplicates', () => {
    for (const dept of departments) {
      const templates = recordTemplatesFor(dept.specialty, dept.name);
      expect(templates.slice(-2).map((t) => t.name)).toEqual(['慢病复诊', '一般咨询']);
      expect(new Set(templates.map((t) => t.id)).size).toBe(templates.length);
    }
    expect(recordTemplatesFor('', '').map((t) => t.name)).toEqual(['慢病复诊', '一般咨询']);
  });

  it('carries only catalogue diagnoses, under the catalogue name', () => {
    expect(new Set(ALL_RECORD_TEMPLATES.map((t) => t.id)).size).toBe(ALL_RECORD_TEMPLATES.length);
    for (const template of ALL_RECORD_TEMPLATES) {
      expect(template.content.chiefComplaint, template.id).toBeTruthy();
      for (const dx of template.content.diagnoses ?? []) {
        expect(icd10Name(dx.icd10), `${template.id} ${dx.icd10}`).toBe(dx.name);
      }
    }
    expect(ALL_RECORD_TEMPLATES.find((t) => t.id === 'diabetes-follow-up')?.content.diagnoses).toEqual([
      { icd10: 'E11.9', name: '2型糖尿病不伴有并发症' },
    ]);
  });

  it('returns copies a caller may edit', () => {
    const first = recordTemplatesFor('心血管内科专业', '心血管内科');
    first[0].content.diagnoses?.push({ icd10: 'E78.5', name: '高脂血症' });
    const again = recordTemplatesFor('心血管内科专业', '心血管内科');
    expect(again[0].content.diagnoses).toHaveLength(1);
  });
});
