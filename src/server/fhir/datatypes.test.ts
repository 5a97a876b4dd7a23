import { describe, expect, it } from 'vitest';
import { chineseName, residentIdIdentifier, shanghaiDateTime, versionMeta } from './datatypes.js';

describe('chineseName: HumanName of a Chinese name ([6/12])', () => {
  it('splits a Han name into family (first character) and given, keeping the text as written', () => {
    expect(chineseName('张伟')).toEqual({ use: 'official', text: '张伟', family: '张', given: ['伟'] });
    expect(chineseName('陈建国')).toEqual({ use: 'official', text: '陈建国', family: '陈', given: ['建国'] });
  });

  it('keeps a two-character surname (复姓) whole, but not in a two-character name', () => {
    expect(chineseName('欧阳修文')).toMatchObject({ family: '欧阳', given: ['修文'] });
    expect(chineseName('司马光')).toMatchObject({ family: '司马', given: ['光'] });
    expect(chineseName('欧阳')).toMatchObject({ family: '欧', given: ['阳'] });
  });

  it('leaves names it cannot split reliably as text only', () => {
    expect(chineseName('买买提·艾力')).toEqual({ use: 'official', text: '买买提·艾力' });
    expect(chineseName('Li Na')).toEqual({ use: 'official', text: 'Li Na' });
    expect(chineseName('张')).toEqual({ use: 'official', text: '张' });
  });
});

describe('instants and versions', () => {
  it('writes instants in Asia/Shanghai with +08:00, milliseconds only when there are some', () => {
    expect(shanghaiDateTime(new Date('2026-11-24T00:00:00Z'))).toBe('2026-11-24T08:00:00+08:00');
    expect(shanghaiDateTime(new Date('2026-11-23T16:30:00.250Z'))).toBe('2026-11-24T00:30:00.250+08:00');
  });

  it('versionId is base-36 of the epoch ms of lastUpdated; MASKED label on request', () => {
    const at = new Date('2026-11-22T02:00:00.123Z');
    expect(versionMeta(at)).toEqual({
      versionId: at.getTime().toString(36),
      lastUpdated: '2026-11-22T02:00:00.123Z',
    });
    expect(versionMeta(at, true).security?.[0]?.code).toBe('MASKED');
  });

  it('a resident ID identifier carries the national OID and type NI', () => {
    expect(residentIdIdentifier('1101**********031X')).toMatchObject({
      system: 'urn:oid:2.16.156.10011.1.3',
      type: { coding: [{ code: 'NI' }] },
      value: '1101**********031X',
    });
  });
});
