import { describe, expect, it } from 'vitest';
import { sniffType } from './attachments.service.js';
import {
  canMove,
  type DoctorFacts,
  doctorRefusal,
  firstVisitBarRefusal,
  fullYears,
  icdCategory,
  mayDiagnose,
  pilotRefusal,
  referRefundFen,
} from './visit.rules.js';

const doctor: DoctorFacts = {
  kind: 'doctor',
  title: 'attending',
  status: 'active',
  institutionStatus: 'active',
  offersOnline: true,
  registeredAtInstitution: true,
  internetHospital: true,
  licenceValid: true,
  practiceSince: '2017-07-01',
  onlineFollowUpSince: 2022,
  firstVisitTrained: true,
};

describe('PILOT-2: the first-visit bar, condition by condition', () => {
  const today = '2026-11-22';
  it('accepts a doctor who meets every condition', () => {
    expect(firstVisitBarRefusal(doctor, today)).toBeNull();
  });
  it('counts whole years of independent practice (≥3)', () => {
    expect(fullYears('2023-11-22', today)).toBe(3);
    expect(fullYears('2023-11-23', today)).toBe(2);
    expect(firstVisitBarRefusal({ ...doctor, practiceSince: '2024-01-01' }, today)).toBe('practice_years');
    expect(firstVisitBarRefusal({ ...doctor, licenceValid: false }, today)).toBe('practice_years');
  });
  it('needs 主治医师 or above', () => {
    expect(firstVisitBarRefusal({ ...doctor, title: 'resident' }, today)).toBe('title');
    expect(firstVisitBarRefusal({ ...doctor, title: 'chief' }, today)).toBeNull();
  });
  it('needs ≥1 year of online follow-up practice and the training', () => {
    expect(firstVisitBarRefusal({ ...doctor, onlineFollowUpSince: 2026 }, today)).toBe(
      'online_follow_up_years',
    );
    expect(firstVisitBarRefusal({ ...doctor, onlineFollowUpSince: null }, today)).toBe(
      'online_follow_up_years',
    );
    expect(firstVisitBarRefusal({ ...doctor, firstVisitTrained: false }, today)).toBe('training');
  });
});

describe('PILOT-1: pilot scopes by date', () => {
  const scope = { startsOn: '2026-01-01', endsOn: '2026-12-31', revoked: false };
  it('is open inside the period, including its first and last day', () => {
    expect(pilotRefusal([scope], '2026-01-01')).toBeNull();
    expect(pilotRefusal([scope], '2026-12-31')).toBeNull();
  });
  it('names why it is closed', () => {
    expect(pilotRefusal([], '2026-06-01')).toBe('no_pilot_scope');
    expect(pilotRefusal([scope], '2025-12-31')).toBe('pilot_not_started');
    expect(pilotRefusal([scope], '2027-01-01')).toBe('pilot_ended');
    expect(pilotRefusal([{ ...scope, revoked: true }], '2026-06-01')).toBe('no_pilot_scope');
  });
});

describe('ORG-1, ORG-2, ORG-5: who may see patients online', () => {
  it('refuses suspended, unlicensed and unregistered practitioners, in that order', () => {
    expect(doctorRefusal(doctor, 'follow_up')).toBeNull();
    expect(doctorRefusal({ ...doctor, status: 'suspended', licenceValid: false }, 'follow_up')).toBe(
      'suspended',
    );
    expect(doctorRefusal({ ...doctor, institutionStatus: 'suspended' }, 'follow_up')).toBe(
      'institution_suspended',
    );
    expect(doctorRefusal({ ...doctor, licenceValid: false }, 'follow_up')).toBe('licence');
    expect(doctorRefusal({ ...doctor, registeredAtInstitution: false }, 'follow_up')).toBe(
      'not_registered_online',
    );
    expect(doctorRefusal({ ...doctor, offersOnline: false }, 'follow_up')).toBe('not_registered_online');
  });
  it('nursing consultations go to nurses, the others to doctors', () => {
    expect(doctorRefusal(doctor, 'nursing_consultation')).toBe('wrong_kind');
    expect(doctorRefusal({ ...doctor, kind: 'nurse', title: null }, 'nursing_consultation')).toBeNull();
    expect(doctorRefusal({ ...doctor, kind: 'nurse', title: null }, 'consultation')).toBe('wrong_kind');
  });
});

describe('lifecycle and records', () => {
  it('allows each move only from its states', () => {
    expect(canMove('start', 'waiting')).toBe(true);
    expect(canMove('start', 'paid')).toBe(false);
    expect(canMove('cancel', 'in_progress')).toBe(false);
    expect(canMove('referOffline', 'in_progress')).toBe(true);
    expect(canMove('expire', 'completed')).toBe(false);
  });
  it('VISIT-6: only follow-ups and first visits carry a diagnosis', () => {
    expect(mayDiagnose('consultation')).toBe(false);
    expect(mayDiagnose('nursing_consultation')).toBe(false);
    expect(mayDiagnose('follow_up')).toBe(true);
  });
  it('matches conditions on the ICD-10 category', () => {
    expect(icdCategory('i10')).toBe('I10');
    expect(icdCategory('E11.900')).toBe('E11');
  });
  it('refunds on referral by percentage, never more than the fee', () => {
    expect(referRefundFen(10_000, 100)).toBe(10_000);
    expect(referRefundFen(5_000, 50)).toBe(2_500);
    expect(referRefundFen(5_000, 150)).toBe(5_000);
  });
});

describe('attachments are typed by their bytes', () => {
  const box = (brand: string) =>
    Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from(`ftyp${brand}`), Buffer.alloc(12)]);
  it('recognises JPEG, PNG, HEIC, WebM, Ogg and M4A', () => {
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
    expect(sniffType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffType(box('heic'))).toBe('image/heic');
    expect(sniffType(box('mif1'))).toBe('image/heic');
    expect(sniffType(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 1]))).toBe('audio/webm');
    expect(sniffType(Buffer.from('OggS\0\x02'))).toBe('audio/ogg');
    expect(sniffType(box('M4A '))).toBe('audio/mp4');
  });
  it('refuses anything else, whatever it is called', () => {
    expect(sniffType(Buffer.from('%PDF-1.7'))).toBeNull();
    expect(sniffType(Buffer.from('MZ\x90\0'))).toBeNull();
    expect(sniffType(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffType(Buffer.alloc(0))).toBeNull();
  });
});
