/** Shapes of the pilot-scope and whitelist answers (PILOT-1, PILOT-2) the oversight pages read. */

export const PILOT_STATUSES = ['active', 'not_started', 'ended', 'revoked'] as const;
export type PilotStatus = (typeof PILOT_STATUSES)[number];

/** GET /pilot-scopes: where the regulator opened online first visits. */
export interface PilotScope {
  id: string;
  institutionId: string;
  institutionName: string;
  specialty: string;
  startsOn: string;
  endsOn: string;
  status: PilotStatus;
  createdAt?: string;
  revokedAt?: string | null;
}

/** The first-visit bar (PILOT-2), in the order the whitelist shows it. */
export const BAR_CONDITIONS = [
  'licence',
  'practice_years',
  'title',
  'online_follow_up_years',
  'training',
] as const;
export type BarCondition = (typeof BAR_CONDITIONS)[number];

export interface BarCheck {
  condition: BarCondition;
  met: boolean;
  /** What the server measured (years of practice, the title…), shown on hover. */
  detail?: string;
}

/** GET /institutions/{id}/first-visit-whitelist: one doctor and the bar checked now. */
export interface WhitelistEntry {
  practitionerId: string;
  name: string;
  professionalTitle?: string;
  departmentName?: string;
  addedAt?: string;
  /** Every condition of the bar holds today. */
  eligible: boolean;
  bar: BarCheck[];
}
