import { describe, expect, it } from 'vitest';
import { displayName, displayTitle, institutionDisplayName } from './names.js';

describe('names in the UI language ([8/12])', () => {
  const h01 = { name: '云川市第一人民医院', nameEn: 'Yunchuan First People’s Hospital', shortName: '市一院' };

  it('en-US shows the English name where there is one; zh-CN the Chinese', () => {
    expect(displayName(h01, 'en-US')).toBe('Yunchuan First People’s Hospital');
    expect(displayName(h01, 'zh-CN')).toBe('云川市第一人民医院');
    expect(displayName(h01, 'zh-CN', true)).toBe('市一院');
    expect(displayName({ name: '社区卫生服务中心', nameEn: null }, 'en-US')).toBe('社区卫生服务中心');
    expect(
      institutionDisplayName(
        { institutionName: '云川医院', institutionNameEn: 'Yunchuan Hospital' },
        'en-US',
      ),
    ).toBe('Yunchuan Hospital');
    expect(institutionDisplayName({ institutionName: '云川医院' }, 'en-US')).toBe('云川医院');
  });

  it('a known professional title is English in en-US; an unknown one stays as stored', () => {
    expect(displayTitle('主任医师', 'en-US')).toBe('Chief physician');
    expect(displayTitle('副主任医师', 'en-US')).toBe('Associate chief physician');
    expect(displayTitle('主任医师', 'zh-CN')).toBe('主任医师');
    expect(displayTitle('首席专家', 'en-US')).toBe('首席专家');
  });
});
