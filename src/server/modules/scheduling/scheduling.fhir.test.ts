import { describe, expect, it } from 'vitest';
import { APPOINTMENT_STATUSES } from '../../../shared/scheduling.js';
import { parsePractitionerRoleId, practitionerRoleId } from '../directory/directory.api.js';
import { chinaAddress } from '../directory/places.fhir.js';
import { APPOINTMENT_STATUS } from './appointment.fhir.js';
import { slotStatus } from './sessions.fhir.js';

describe('FHIR status mappings of scheduling ([6/12])', () => {
  it('maps every appointment status to a code of the required appointmentstatus binding', () => {
    const fhir = [
      'proposed',
      'pending',
      'booked',
      'arrived',
      'fulfilled',
      'cancelled',
      'noshow',
      'entered-in-error',
      'checked-in',
      'waitlist',
    ];
    for (const s of APPOINTMENT_STATUSES) expect(fhir, s).toContain(APPOINTMENT_STATUS[s]);
    expect(APPOINTMENT_STATUS).toMatchObject({
      pending_payment: 'pending',
      confirmed: 'booked',
      checked_in: 'arrived',
      completed: 'fulfilled',
      cancelled: 'cancelled',
      no_show: 'noshow',
    });
  });

  it('a token is free, busy-tentative (held for payment), busy, or busy-unavailable (stopped, or its session stopped)', () => {
    expect(slotStatus('free', 'open')).toBe('free');
    expect(slotStatus('held', 'open')).toBe('busy-tentative');
    expect(slotStatus('booked', 'open')).toBe('busy');
    expect(slotStatus('stopped', 'open')).toBe('busy-unavailable');
    expect(slotStatus('free', 'stopped')).toBe('busy-unavailable');
  });
});

describe('directory mappings used by scheduling', () => {
  it('a PractitionerRole id is both uuids without dashes (64 characters) and reads back', () => {
    const p = '01a24b27-27be-7cff-a570-ed9d8f536d92';
    const d = '01a24b27-27be-7cff-a570-ed9996ab4769';
    const id = practitionerRoleId(p, d);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(parsePractitionerRoleId(id)).toEqual({ practitionerId: p, departmentId: d });
    expect(parsePractitionerRoleId(p)).toBeUndefined();
  });

  it('an address in China keeps its text, with city, district and street part', () => {
    expect(chinaAddress('云澜市云川区望川路88号', '云川区')).toEqual({
      use: 'work',
      type: 'physical',
      text: '云澜市云川区望川路88号',
      line: ['望川路88号'],
      city: '云澜市',
      district: '云川区',
      country: 'CN',
    });
    expect(chinaAddress('云溪县城关镇1号', '云溪县')).toMatchObject({
      district: '云溪县',
      line: ['城关镇1号'],
    });
  });
});
