import type { AuthContext } from '../../platform/auth/access.js';
import { AppError } from '../../platform/errors.js';

export const notYourInstitution = () =>
  new AppError(403, 'NOT_YOUR_INSTITUTION', '无权管理该机构', '机构管理员只能管理本机构的科室、人员和排班。');

/**
 * The one check before an institution's staff change its data: an org_admin manages its own
 * institution only. Other modules (scheduling) call it too. Returns the caller's institution id.
 */
export function requireOwnInstitution(auth: AuthContext, institutionId?: string): string {
  const own = auth.institutionId;
  if (own === null || (institutionId !== undefined && institutionId !== own)) throw notYourInstitution();
  return own;
}
