import i18next, { type TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { prescriptionsPatientEn } from '../../i18n/prescriptions-patient.en-US.js';
import { prescriptionsPatientZh } from '../../i18n/prescriptions-patient.zh-CN.js';
import {
  canChoosePharmacy,
  dosageText,
  formatLeft,
  formatNumber,
  fullTime,
  isFulfilmentStatus,
  listTag,
  rxNumber,
  shortHash,
  shownStatus,
  splitDuration,
} from './rx.js';

/** The real strings of this folder, through a real i18next. */
function rxT(lng: 'zh-CN' | 'en-US'): TFunction {
  const instance = i18next.createInstance();
  void instance.init({
    resources: {
      'zh-CN': { translation: { rxPatient: prescriptionsPatientZh } },
      'en-US': { translation: { rxPatient: prescriptionsPatientEn } },
    },
    lng,
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return instance.t as TFunction;
}
const zh = rxT('zh-CN');
const en = rxT('en-US');

const amlodipine = { dose: 5, doseUnit: 'mg', frequency: 'qd', days: 7, route: 'oral' } as const;

describe('dosageText', () => {
  it('says the dose, frequency, route and days in words, zh-CN and en-US', () => {
    expect(dosageText(amlodipine, zh)).toBe('每次 5mg，每日一次，口服，共 7 天');
    expect(dosageText(amlodipine, en)).toBe('5 mg each time, once daily, by mouth, for 7 days');
  });

  it('names Chinese units in English and keeps fractional doses short', () => {
    const half = { dose: 0.5, doseUnit: '片', frequency: 'bid', days: 14, route: 'oral' } as const;
    expect(dosageText(half, zh)).toBe('每次 0.5片，每日两次，口服，共 14 天');
    expect(dosageText(half, en)).toBe('0.5 tab each time, twice daily, by mouth, for 14 days');
  });

  it('gives a one-off (st) no days, and shows an unknown route as it is', () => {
    const once = { dose: 1, doseUnit: '支', frequency: 'st', days: 1, route: 'buccal' } as const;
    expect(dosageText(once, zh)).toBe('每次 1支，立即，buccal');
  });

  it('has a zh-CN and an en-US word for every frequency code', () => {
    for (const code of Object.keys(prescriptionsPatientZh.frequency)) {
      const item = { ...amlodipine, frequency: code as typeof amlodipine.frequency };
      expect(dosageText(item, zh)).not.toContain('rxPatient.');
      expect(dosageText(item, en)).not.toContain('rxPatient.');
    }
  });
});

describe('formatNumber', () => {
  it('drops trailing zeros and keeps at most three decimals', () => {
    expect(formatNumber(5)).toBe('5');
    expect(formatNumber(0.25)).toBe('0.25');
    expect(formatNumber(1.5)).toBe('1.5');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(0.3333333)).toBe('0.333');
  });
});

describe('validity (RX-6)', () => {
  const until = '2026-11-24T15:59:59.000Z'; // 11-24 23:59:59 in Shanghai
  const approved = { status: 'approved', validUntil: until, fulfilmentId: null } as const;

  it('shows an approved prescription past its validity as expired, before the server sweeps it', () => {
    expect(shownStatus(approved, new Date('2026-11-24T15:59:00Z'))).toBe('approved');
    expect(shownStatus(approved, new Date('2026-11-24T16:00:00Z'))).toBe('expired');
    expect(shownStatus({ ...approved, status: 'dispensed' }, new Date('2026-12-01T00:00:00Z'))).toBe(
      'dispensed',
    );
  });

  it('RX-3, RX-13: lets the patient choose a pharmacy only when approved, valid and not yet being filled', () => {
    const before = new Date('2026-11-24T10:00:00Z');
    expect(canChoosePharmacy(approved, before)).toBe(true);
    expect(canChoosePharmacy({ ...approved, status: 'pending_review' }, before)).toBe(false);
    expect(canChoosePharmacy({ ...approved, status: 'rejected' }, before)).toBe(false);
    expect(canChoosePharmacy({ ...approved, fulfilmentId: 'f1' }, before)).toBe(false);
    expect(canChoosePharmacy(approved, new Date('2026-11-25T00:00:00Z'))).toBe(false);
  });

  it('shows valid-until in Asia/Shanghai whatever the zone of the browser', () => {
    expect(fullTime(until)).toBe('2026-11-24 23:59');
  });

  it('splits what is left into days, hours and minutes, rounded up to the minute', () => {
    expect(splitDuration(0)).toEqual({ days: 0, hours: 0, minutes: 0 });
    expect(splitDuration(-5000)).toEqual({ days: 0, hours: 0, minutes: 0 });
    expect(splitDuration(1)).toEqual({ days: 0, hours: 0, minutes: 1 });
    expect(splitDuration((26 * 60 + 5) * 60_000)).toEqual({ days: 1, hours: 2, minutes: 5 });
    expect(formatLeft((3 * 60 + 12) * 60_000, zh)).toBe('3 小时 12 分');
    expect(formatLeft(59 * 60_000, zh)).toBe('59 分钟');
    expect(formatLeft((49 * 60 + 30) * 60_000, en)).toBe('2 d 1 h');
  });
});

describe('short forms', () => {
  it('shortens a digest to its first and last 8 characters', () => {
    const hash = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
    expect(shortHash(hash)).toBe('a1b2c3d4…6d7e8f90');
    expect(shortHash('abc')).toBe('abc');
  });

  it('numbers a prescription by the random tail of its id, not the shared timestamp head', () => {
    expect(rxNumber('01a24a6b-3d62-7668-a65e-9961a6eee8f1')).toBe('9961A6EEE8F1'.slice(-10));
    expect(rxNumber('01a24a6b-3d62-7668-a65e-9961a6eee8f1')).not.toBe(
      rxNumber('01a24a6b-3d70-7000-8000-000000000001'),
    );
  });

  it('knows a fulfilment status from any other text', () => {
    expect(isFulfilmentStatus('shipping')).toBe(true);
    expect(isFulfilmentStatus('approved')).toBe(false);
    expect(isFulfilmentStatus(null)).toBe(false);
  });
});

describe('listTag', () => {
  it('shows how the filling goes once a pharmacy is chosen, the prescription state otherwise', () => {
    expect(listTag('approved', null)).toEqual({ kind: 'rx', status: 'approved' });
    expect(listTag('approved', 'awaiting_payment')).toEqual({
      kind: 'fulfilment',
      status: 'awaiting_payment',
    });
    expect(listTag('dispensed', 'shipping')).toEqual({ kind: 'fulfilment', status: 'shipping' });
    expect(listTag('approved', 'cancelled')).toEqual({ kind: 'rx', status: 'approved' });
    expect(listTag('expired', 'cancelled')).toEqual({ kind: 'rx', status: 'expired' });
    expect(listTag('rejected', null)).toEqual({ kind: 'rx', status: 'rejected' });
  });
});
