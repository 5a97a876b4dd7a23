import { describe, expect, it } from 'vitest';
import { canOpen, homePath } from './roles.js';

describe('role homes', () => {
  it('sends each role to its console, the first staff role winning over patient', () => {
    expect(homePath(['patient'])).toBe('/patient');
    expect(homePath(['pharmacy_staff'])).toBe('/clinic');
    expect(homePath(['patient', 'doctor'])).toBe('/clinic');
    expect(homePath(['org_admin', 'doctor'])).toBe('/admin');
    expect(homePath(['regulator'])).toBe('/regulator');
    expect(homePath(['insurer'])).toBe('/insurer');
  });

  it('lets only the roles a console serves open it', () => {
    expect(canOpen('clinic', ['nurse'])).toBe(true);
    expect(canOpen('clinic', ['patient'])).toBe(false);
    expect(canOpen('admin', ['doctor'])).toBe(false);
    expect(canOpen('patient', ['doctor', 'patient'])).toBe(true);
  });
});
