/**
 * Response shapes of the prescription contract that src/shared/prescriptions.ts declares as schemas only:
 * derived from those schemas (never retyped), so a change there shows here.
 */
import type { Static } from 'typebox';
import type {
  AddressList as AddressListSchema,
  AllergyList as AllergyListSchema,
  Allergy as AllergySchema,
  PharmacyOffers as PharmacyOffersSchema,
  Subdistricts as SubdistrictsSchema,
} from '../../../shared/prescriptions.js';

export type AddressList = Static<typeof AddressListSchema>;
export type PharmacyOffers = Static<typeof PharmacyOffersSchema>;
export type SubdistrictList = Static<typeof SubdistrictsSchema>;
export type Allergy = Static<typeof AllergySchema>;
export type AllergyList = Static<typeof AllergyListSchema>;
