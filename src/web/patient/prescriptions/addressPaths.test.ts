import { describe, expect, it } from 'vitest';
import { safeReturn, withAddress } from './addressPaths.js';

describe('address form return', () => {
  it('returns only to a page of the patient H5', () => {
    expect(safeReturn('/patient/prescriptions/p1/pharmacies?method=delivery', '/patient/addresses')).toBe(
      '/patient/prescriptions/p1/pharmacies?method=delivery',
    );
    expect(safeReturn('https://evil.example/', '/patient/addresses')).toBe('/patient/addresses');
    expect(safeReturn('/admin', '/patient/addresses')).toBe('/patient/addresses');
    expect(safeReturn(null, '/patient/addresses')).toBe('/patient/addresses');
  });

  it('hands the new address back, replacing any address chosen before', () => {
    expect(withAddress('/patient/x?method=delivery', 'a2')).toBe('/patient/x?method=delivery&addressId=a2');
    expect(withAddress('/patient/x?addressId=a1&method=delivery', 'a2')).toBe(
      '/patient/x?addressId=a2&method=delivery',
    );
    expect(withAddress('/patient/addresses', 'a2')).toBe('/patient/addresses?addressId=a2');
  });
});
