import { describe, expect, it } from 'vitest';
import type { Hl7MatchView } from '../../../shared/records.js';
import { edited, matchOrder, replayOutcome, toEditable, toWire } from './hl7.js';

const RAW =
  'MSH|^~\\&|HIS|YC-H01|YUNYI|YUNYI|20261124090000||ADT^A04|MSG001|P|2.5\rPID|1||110101199003071234^^^^ID||张^伟\rPV1|1|O\r';

describe('HL7 message editor', () => {
  it('shows one segment per line and sends carriage returns back', () => {
    expect(toEditable(RAW).split('\n')).toHaveLength(3);
    expect(toEditable(RAW)).not.toContain('\r');
    expect(toWire(toEditable(RAW))).toBe(RAW.replace(/\r$/, ''));
  });

  it('accepts any line ending a person or a paste brings, and drops blank lines', () => {
    expect(toWire('MSH|a\r\nPID|b\n\n  \nPV1|c\n')).toBe('MSH|a\rPID|b\rPV1|c');
  });

  it('keeps a segment exactly as typed, trailing field separators included', () => {
    expect(toWire('PID|1||| \nOBX|1|NM|')).toBe('PID|1||| \rOBX|1|NM|');
  });

  it('sees a fix, but not a change of line endings, as an edit', () => {
    expect(edited(RAW, toEditable(RAW))).toBe(false);
    expect(edited(RAW, toEditable(RAW).replace('ADT^A04', 'ADT^A01'))).toBe(true);
  });

  it('reports how a replay ended', () => {
    expect(replayOutcome({ status: 'applied' })).toBe('applied');
    expect(replayOutcome({ status: 'replayed' })).toBe('applied');
    expect(replayOutcome({ status: 'held' })).toBe('held');
    expect(replayOutcome({ status: 'dead' })).toBe('failed');
  });
});

describe('match queue', () => {
  const m = (id: string, status: Hl7MatchView['status'], createdAt: string) =>
    ({ id, status, createdAt }) as Hl7MatchView;

  it('shows the longest-waiting pending match first, resolved ones after, newest first', () => {
    const order = matchOrder([
      m('r1', 'matched', '2026-11-01T00:00:00Z'),
      m('p2', 'pending', '2026-11-03T00:00:00Z'),
      m('r2', 'rejected', '2026-11-04T00:00:00Z'),
      m('p1', 'pending', '2026-11-02T00:00:00Z'),
    ]).map((x) => x.id);
    expect(order).toEqual(['p1', 'p2', 'r2', 'r1']);
  });
});
