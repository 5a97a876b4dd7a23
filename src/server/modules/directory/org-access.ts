import type { AuthContext } from '../../platform/auth/access.js';
import { directoryErrors } from './directory.errors.js';

export const notYourInstitution = () => directoryErrors.notYourInstitution();

/**
 * The one check before an institution's staff change its data: an org_admin manages its own
 * institution only. Other modules (scheduling) call it too. Returns the caller's institution id.
 */
export function requireOwnInstitution(auth: AuthContext, institutionId?: string): string {
  const own = auth.institutionId;
  if (own === null || (institutionId !== undefined && institutionId !== own)) throw notYourInstitution();
  return own;
}
