import { describe, expect, it } from 'vitest';
import { differingKeys, evidenceRows, evidenceText, recordColumns, type Words } from './evidence.js';

const words: Words = {
  labels: { drug: '药品', code: '编码', name: '名称', thresholdFen: '金额阈值', supplies: '用药记录' },
  yes: '是',
  no: '否',
  none: '—',
  separator: '、',
};

describe('reading an alert’s evidence (INS-4) and a mismatch’s records as words', () => {
  it('INS-4: shows …Fen amounts in yuan, instants in Shanghai time, flags and empties in words', () => {
    expect(evidenceText('thresholdFen', 50_000, words)).toBe('¥500.00');
    expect(evidenceText('overlapDays', 12, words)).toBe('12');
    expect(evidenceText('settledAt', '2026-03-01T16:30:00.000Z', words)).toBe('2026-03-02 00:30:00');
    expect(evidenceText('from', '2026-03-02', words)).toBe('2026-03-02');
    expect(evidenceText('samePatient', false, words)).toBe('否');
    expect(evidenceText('overlapDays', null, words)).toBe('—');
    expect(evidenceText('settlementIds', ['s1', 's2'], words)).toBe('s1、s2');
  });

  it('INS-4: a nested record reads as label：value pairs', () => {
    expect(evidenceText('drug', { code: 'X01', name: '二甲双胍' }, words)).toBe('编码：X01，名称：二甲双胍');
  });

  it('INS-4: a list of records becomes a table of its own, its columns every key in first-seen order', () => {
    const rows = evidenceRows(
      {
        drug: { code: 'X01', name: '二甲双胍' },
        supplies: [
          { institutionName: '云川医院', daysSupply: 30 },
          { institutionName: '社区中心', from: '2026-03-02', daysSupply: 28 },
        ],
      },
      words,
    );
    expect(rows.map((r) => r.label)).toEqual(['药品', '用药记录']);
    expect(rows[0]?.records).toBeUndefined();
    expect(rows[1]?.records).toHaveLength(2);
    expect(recordColumns(rows[1]?.records ?? [])).toEqual(['institutionName', 'daysSupply', 'from']);
  });

  it('shows a field no label is known for by its own name', () => {
    expect(evidenceRows({ visitStatus: 'cancelled' }, words)).toEqual([
      { key: 'visitStatus', label: 'visitStatus', records: undefined, text: 'cancelled' },
    ]);
  });
});

describe('a reconciliation mismatch’s two records', () => {
  it('marks the fields ours and theirs disagree on, and none when one side is missing', () => {
    const ours = { status: 'settled', fundFen: 6510, accountFen: 5330, msgId: 'M1' };
    const theirs = { status: 'settled', fundFen: 6500, accountFen: 5340, msgId: 'M1', orderRef: 'o' };
    expect([...differingKeys(ours, theirs)].sort()).toEqual(['accountFen', 'fundFen']);
    expect(differingKeys(ours, null).size).toBe(0);
  });

  it('shows a name rather than the id beside it', () => {
    const rows = evidenceRows(
      { institutionId: 'u-1', institutionName: '云川医院', settlementId: 's-1' },
      words,
    );
    expect(rows.map((r) => r.key)).toEqual(['institutionName', 'settlementId']);
  });
});
