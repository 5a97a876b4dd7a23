/**
 * What a settlement is about, gathered once by the checkout (settlement.service.ts) and handed to the
 * fraud screen (fraud.service.ts) — the contract between the two.
 */
import type { FeeLine, PersonInfo } from './platform.js';

export interface SettlementFacts {
  settlementId: string;
  orderId: string;
  patientId: string;
  /** The prescribing doctor (prescription orders) or the visit's doctor (visit fees). */
  practitionerId: string | null;
  institutionId: string;
  /** The institution's district (compared with the person's insuring region name, out-of-region rule). */
  institutionDistrict: string;
  prescriptionId: string | null;
  visitId: string | null;
  /** The visit's status at settlement (`completed`, `in_progress`, …), or null without a visit. */
  visitStatus: string | null;
  person: PersonInfo;
  lines: FeeLine[];
  totalFen: number;
  fundFen: number;
  at: Date;
}
