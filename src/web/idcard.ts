// Form checks before the API answers: the same GB 11643 rules (ID-2) the server enforces.
import { checkIdNumber } from '../shared/identity.js';

export { ADULT_AGE, ageOn, checkIdNumber } from '../shared/identity.js';

export function isValidIdNumber(id: string): boolean {
  return checkIdNumber(id, new Date()).ok;
}
