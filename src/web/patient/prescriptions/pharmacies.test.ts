import { describe, expect, it } from 'vitest';
import type { PharmacyOffer } from '../../../shared/prescriptions.js';
import { distanceParts, offerBlock, offerTotal, sortOffers } from './pharmacies.js';

const offer = (over: Partial<PharmacyOffer> = {}): PharmacyOffer => ({
  pharmacyId: '00000000-0000-4000-8000-000000000001',
  name: '康济大药房',
  type: 'pharmacy',
  address: '青石街道 1 号',
  phone: null,
  distanceM: 1200,
  available: true,
  items: [{ drugId: 'YY0001', quantity: 2, inStock: true, priceFen: 2850 }],
  drugFen: 5700,
  deliveryFeeFen: 800,
  methods: ['pickup', 'delivery'],
  openingHours: '08:00–21:00',
  ...over,
});

describe('offerBlock (RX-13)', () => {
  it('refuses a pharmacy missing any item (缺货)', () => {
    const missing = offer({
      available: false,
      items: [{ drugId: 'YY0001', quantity: 2, inStock: false, priceFen: null }],
      drugFen: null,
    });
    expect(offerBlock(missing, 'pickup')).toBe('out_of_stock');
    expect(offerBlock(missing, 'delivery')).toBe('out_of_stock');
  });

  it('refuses a pharmacy marked available when one line is out of stock all the same', () => {
    const line = { drugId: 'YY0002', quantity: 1, inStock: false, priceFen: null };
    expect(offerBlock(offer({ items: [...offer().items, line] }), 'pickup')).toBe('out_of_stock');
  });

  it('refuses a method the pharmacy does not offer, and accepts the others', () => {
    const hospital = offer({ type: 'hospital', methods: ['pickup'] });
    expect(offerBlock(hospital, 'delivery')).toBe('no_delivery');
    expect(offerBlock(hospital, 'pickup')).toBeNull();
    expect(offerBlock(offer({ methods: ['delivery'] }), 'pickup')).toBe('no_pickup');
  });
});

describe('offerTotal', () => {
  it('adds the delivery fee only for delivery', () => {
    expect(offerTotal(offer(), 'pickup')).toBe(5700);
    expect(offerTotal(offer(), 'delivery')).toBe(6500);
    expect(offerTotal(offer({ drugFen: null }), 'delivery')).toBeNull();
  });
});

describe('sortOffers', () => {
  it('puts the choosable first, then the nearest, unknown distances last, then the cheapest', () => {
    const far = offer({ pharmacyId: 'far', name: '远', distanceM: 5000 });
    const near = offer({ pharmacyId: 'near', name: '近', distanceM: 300 });
    const unknown = offer({ pharmacyId: 'unknown', name: '未知', distanceM: null });
    const nearButOut = offer({ pharmacyId: 'out', name: '缺', distanceM: 100, available: false });
    const sameCheaper = offer({ pharmacyId: 'cheap', name: '廉', distanceM: 5000, drugFen: 5000 });
    const sorted = sortOffers([unknown, nearButOut, far, near, sameCheaper], 'pickup');
    expect(sorted.map((o) => o.pharmacyId)).toEqual(['near', 'cheap', 'far', 'unknown', 'out']);
  });

  it('sorts by the method chosen: a pick-up-only pharmacy drops behind for delivery', () => {
    const hospital = offer({ pharmacyId: 'h', distanceM: 100, methods: ['pickup'] });
    const retail = offer({ pharmacyId: 'r', distanceM: 900 });
    expect(sortOffers([retail, hospital], 'pickup').map((o) => o.pharmacyId)).toEqual(['h', 'r']);
    expect(sortOffers([hospital, retail], 'delivery').map((o) => o.pharmacyId)).toEqual(['r', 'h']);
  });
});

describe('distanceParts', () => {
  it('shows metres below a kilometre', () => {
    expect(distanceParts(0)).toEqual({ unit: 'm', value: '0' });
    expect(distanceParts(850.4)).toEqual({ unit: 'm', value: '850' });
    expect(distanceParts(999.4)).toEqual({ unit: 'm', value: '999' });
  });

  it('switches to kilometres at 1 km, one decimal below 10 km, whole above', () => {
    expect(distanceParts(999.6)).toEqual({ unit: 'km', value: '1' });
    expect(distanceParts(1000)).toEqual({ unit: 'km', value: '1' });
    expect(distanceParts(1250)).toEqual({ unit: 'km', value: '1.3' });
    expect(distanceParts(9940)).toEqual({ unit: 'km', value: '9.9' });
    expect(distanceParts(12_345)).toEqual({ unit: 'km', value: '12' });
  });
});
