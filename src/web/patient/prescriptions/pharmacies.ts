/** Choosing where to fill a prescription (RX-13): which offers can be chosen, their order, their totals. */
import type { FulfilmentBody, PharmacyOffer } from '../../../shared/prescriptions.js';

export type Method = FulfilmentBody['method'];

/** Why an offer cannot be chosen: an item out of stock (缺货), or the method not offered; null when it can. */
export type OfferBlock = 'out_of_stock' | 'no_delivery' | 'no_pickup' | null;

export function offerBlock(offer: PharmacyOffer, method: Method): OfferBlock {
  if (!offer.available || offer.items.some((item) => !item.inStock)) return 'out_of_stock';
  if (!offer.methods.includes(method)) return method === 'delivery' ? 'no_delivery' : 'no_pickup';
  return null;
}

/** What the patient pays at this pharmacy: the drugs, plus the delivery fee when delivered. */
export function offerTotal(offer: PharmacyOffer, method: Method): number | null {
  if (offer.drugFen === null) return null;
  return offer.drugFen + (method === 'delivery' ? offer.deliveryFeeFen : 0);
}

/** Choosable offers first; then the nearest (unknown distances last); then the cheapest; then by name. */
export function sortOffers(offers: readonly PharmacyOffer[], method: Method): PharmacyOffer[] {
  const key = (offer: PharmacyOffer) => [
    offerBlock(offer, method) === null ? 0 : 1,
    offer.distanceM ?? Number.POSITIVE_INFINITY,
    offerTotal(offer, method) ?? Number.POSITIVE_INFINITY,
  ];
  return offers.slice().sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i += 1) {
      const d = (ka[i] as number) - (kb[i] as number);
      if (d !== 0 && !Number.isNaN(d)) return d;
    }
    return a.name.localeCompare(b.name, 'zh-CN');
  });
}

/** A distance as shown: metres below a kilometre, then kilometres (one decimal below 10 km). */
export function distanceParts(metres: number): { unit: 'm' | 'km'; value: string } {
  const m = Math.max(0, Math.round(metres));
  if (m < 1000) return { unit: 'm', value: String(m) };
  const km = m / 1000;
  return { unit: 'km', value: km < 10 ? String(Number(km.toFixed(1))) : String(Math.round(km)) };
}
