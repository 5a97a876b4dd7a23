import { describe, expect, it } from 'vitest';
import type { SpecimenStep } from '../../../../shared/remote.js';
import { refuseStep, type Side, type StepRefusal, specimenBarcode } from './specimen.rules.js';

// REMOTE-5 (基层采样、上级检验) and REC-2 (every step a record): the chain of custody, every (step, status,
// side) combination against a table written here independently of the rules' own.
const CHAIN: SpecimenStep[] = ['collected', 'packed', 'picked_up', 'received', 'tested', 'reported'];
const STATUSES: SpecimenStep[] = [...CHAIN, 'rejected'];
const SIDES: Side[] = ['requester', 'centre'];
type Step = Exclude<SpecimenStep, 'collected'>;
const STEPS: Step[] = ['packed', 'picked_up', 'received', 'tested', 'reported', 'rejected'];
/** Who scans what: the community packs; the centre's courier picks up; the centre does the rest. */
const OWNER: Record<Step, Side> = {
  packed: 'requester',
  picked_up: 'centre',
  received: 'centre',
  tested: 'centre',
  reported: 'centre',
  rejected: 'centre',
};

/** The steps recorded when a specimen has a status (a rejected one was received first). */
const doneAt = (status: SpecimenStep): SpecimenStep[] =>
  status === 'rejected'
    ? ['collected', 'packed', 'picked_up', 'received', 'rejected']
    : CHAIN.slice(0, CHAIN.indexOf(status) + 1);

function expected(step: Step, status: SpecimenStep, side: Side, via: 'scan' | 'signing', reason: boolean) {
  if (step === 'reported' && via === 'scan') return 'reported_by_signing';
  if (OWNER[step] !== side) return 'wrong_institution';
  if (status === 'rejected') return 'rejected';
  if (step === 'rejected') {
    if (status !== 'received' && status !== 'tested') return 'out_of_order';
    return reason ? null : 'reason_required';
  }
  const at = CHAIN.indexOf(status);
  const want = CHAIN.indexOf(step);
  if (at >= want) return 'repeated';
  return at === want - 1 ? null : 'out_of_order';
}

const cases: [Step, SpecimenStep, Side, 'scan' | 'signing', boolean, StepRefusal | null][] = [];
for (const step of STEPS)
  for (const status of STATUSES)
    for (const side of SIDES)
      for (const via of step === 'reported' ? (['scan', 'signing'] as const) : (['scan'] as const))
        for (const reason of step === 'rejected' ? [true, false] : [false])
          cases.push([step, status, side, via, reason, expected(step, status, side, via, reason)]);

describe('REMOTE-5 chain of custody: every step × status × side', () => {
  it.each(cases)('%s from %s by %s (%s, reason %s) → %s', (step, status, side, via, reason, want) => {
    expect(
      refuseStep({
        step,
        status,
        done: doneAt(status),
        sides: [side],
        via,
        reason: reason ? 'haemolysed' : undefined,
      }),
    ).toBe(want);
  });

  it('covers the whole table, and exactly seven (step, status) pairs are allowed', () => {
    expect(cases).toHaveLength(4 * 7 * 2 + 7 * 2 * 2 + 7 * 2 * 2);
    const allowed = cases.filter((c) => c[5] === null).map((c) => `${c[0]}@${c[1]}/${c[2]}/${c[3]}`);
    expect(allowed.sort()).toEqual(
      [
        'packed@collected/requester/scan',
        'picked_up@packed/centre/scan',
        'received@picked_up/centre/scan',
        'rejected@received/centre/scan',
        'rejected@tested/centre/scan',
        'reported@tested/centre/signing',
        'tested@received/centre/scan',
      ].sort(),
    );
  });

  it('a doctor practising at both institutions scans either side’s step', () => {
    const both: Side[] = ['requester', 'centre'];
    expect(
      refuseStep({ step: 'packed', status: 'collected', done: ['collected'], sides: both, via: 'scan' }),
    ).toBeNull();
    expect(
      refuseStep({
        step: 'picked_up',
        status: 'packed',
        done: ['collected', 'packed'],
        sides: both,
        via: 'scan',
      }),
    ).toBeNull();
  });

  it('a step recorded already is refused as repeated even when the status says otherwise (the event is the record)', () => {
    expect(
      refuseStep({
        step: 'tested',
        status: 'received',
        done: ['received', 'tested'],
        sides: ['centre'],
        via: 'results',
      }),
    ).toBe('repeated');
  });
});

describe('barcodes: printable, ^[A-Z0-9-]{6,32}$, unique per request and re-draw', () => {
  it.each([
    ['L20261122-0001', 1, 'SL202611220001-1'],
    ['L20261122-0001', 2, 'SL202611220001-2'],
    ['ab', 1, 'S00AB-1'],
    ['X'.repeat(40), 12, `S${'X'.repeat(28)}-12`],
  ])('%s #%i → %s', (accession, seq, barcode) => {
    const made = specimenBarcode(accession, seq);
    expect(made).toBe(barcode);
    expect(made).toMatch(/^[A-Z0-9-]{6,32}$/);
  });
});
