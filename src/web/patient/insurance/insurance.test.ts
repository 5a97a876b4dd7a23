import { describe, expect, it } from 'vitest';
import type { InsuranceMe, InsuredPerson, WalletLink } from '../../../shared/insurance.js';
import type { Order } from '../../../shared/payments.js';
import { accountHolders, checksOutWithInsurance, orderReturnPath, walletPayers } from './insurance.js';

const WANG = '00000000-0000-4000-8000-000000000001';
const SON = '00000000-0000-4000-8000-000000000002';
const STRANGER = '00000000-0000-4000-8000-000000000003';

const person = (patientId: string, scheme: InsuredPerson['scheme']): InsuredPerson => ({
  patientId,
  name: patientId === WANG ? '王秀英' : '张伟',
  psnNoMasked: '5301****0001',
  scheme,
  insuringRegion: '530102',
  insuringRegionName: '云川区',
  balanceFen: 80_000,
  ytdTotalFen: 0,
  ytdFundFen: 0,
  ytdDeductibleFen: 0,
  linkedAt: '2026-01-05T02:00:00.000Z',
  asOf: '2026-01-05T02:00:00.000Z',
});

const link = (status: WalletLink['status'], beneficiaryPatientId = WANG): WalletLink => ({
  id: `00000000-0000-4000-8000-00000000010${status.length}`,
  payerPatientId: SON,
  payerName: '张伟',
  beneficiaryPatientId,
  beneficiaryName: '王秀英',
  status,
  canConfirm: false,
  requestedAt: '2026-01-05T02:00:00.000Z',
  confirmedAt: status === 'active' ? '2026-01-05T03:00:00.000Z' : null,
});

const order = (patch: Partial<Order> = {}): Order => ({
  id: '00000000-0000-4000-8000-000000000200',
  patientId: WANG,
  purpose: 'visit',
  refId: '00000000-0000-4000-8000-000000000300',
  description: '线上复诊（内分泌科）',
  amountFen: 3_000,
  cashFen: 3_000,
  refundedFen: 0,
  status: 'created',
  channel: null,
  expiresAt: '2026-01-05T03:00:00.000Z',
  paidAt: null,
  ...patch,
});

const me = (persons: InsuredPerson[], walletLinks: WalletLink[] = []): InsuranceMe => ({
  persons,
  walletLinks,
});

describe('which payments start at the insurance checkout (INS-2, ID-3)', () => {
  it('INS-2: an insured patient’s follow-up fee and prescription drugs go to the checkout', () => {
    const linked = me([person(WANG, 'employee')]);
    expect(checksOutWithInsurance(linked, order())).toBe(true);
    expect(checksOutWithInsurance(linked, order({ purpose: 'prescription' }))).toBe(true);
  });

  it('INS-2: an appointment fee, an order already paid, or a patient not linked pays at the cashier as before', () => {
    const linked = me([person(WANG, 'employee')]);
    expect(checksOutWithInsurance(linked, order({ purpose: 'appointment' }))).toBe(false);
    expect(checksOutWithInsurance(linked, order({ status: 'paid' }))).toBe(false);
    expect(checksOutWithInsurance(linked, order({ patientId: STRANGER }))).toBe(false);
    expect(checksOutWithInsurance(me([]), order())).toBe(false);
  });

  it('returns to the page that polls the order: the visit, the fulfilment or the appointment', () => {
    expect(orderReturnPath({ purpose: 'visit', refId: 'v1' })).toBe('/patient/visits/v1');
    expect(orderReturnPath({ purpose: 'prescription', refId: 'f1' })).toBe('/patient/fulfilments/f1');
    expect(orderReturnPath({ purpose: 'appointment', refId: 'a1' })).toBe('/patient/appointments/a1');
    expect(orderReturnPath({ purpose: 'other', refId: 'x' })).toBe('/patient/mine');
  });
});

describe('家庭共济 (INS-2: an employee’s personal account pays for family)', () => {
  it('INS-2: only active links to this patient offer another payer', () => {
    const links = [link('active'), link('requested'), link('revoked'), link('active', STRANGER)];
    expect(walletPayers(me([], links), WANG).map((l) => l.status)).toEqual(['active']);
    expect(walletPayers(me([], links), SON)).toEqual([]);
  });

  it('INS-2: residents have no personal account, so only employees can pay for family', () => {
    const persons = [person(WANG, 'resident'), person(SON, 'employee')];
    expect(accountHolders(persons).map((p) => p.patientId)).toEqual([SON]);
  });
});
