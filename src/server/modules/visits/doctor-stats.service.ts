/**
 * [8/12] Prices up front: what a doctor's page shows about their online visits — the average rating of
 * rated visits, how many visits they completed, and the fee of an online visit started from their page
 * (图文 and 视频 are priced alike: the fee follows the visit type and the doctor's title, INS-3).
 * The directory's GET /doctors/{id} composes these; it reads none of visits' tables.
 */
import type { DoctorStats, OnlineVisitFees } from '../../../shared/directory.js';
import type { Executor } from '../../platform/db/database.js';
import { doctorFacts } from './doctor-eligibility.js';
import { doctorRefusal, visitFeeFen } from './visit.rules.js';

/** Ratings and completed visits of one doctor (served by the index visit (practitioner_id, status)). */
export async function doctorStats(db: Executor, practitionerId: string): Promise<DoctorStats> {
  const row = await db
    .selectFrom('visit')
    .select((eb) => [
      eb.fn.count<string>('id').as('completed'),
      eb.fn.count<string>('rating_stars').as('rated'),
      eb.fn.sum<string | null>('rating_stars').as('stars'),
    ])
    .where('practitioner_id', '=', practitionerId)
    .where('status', '=', 'completed')
    .executeTakeFirstOrThrow();
  const rated = Number(row.rated);
  const stars = Number(row.stars ?? 0);
  return {
    ratingAverage: rated > 0 ? Math.round((stars / rated) * 10) / 10 : null,
    ratingCount: rated,
    completedVisits: Number(row.completed),
  };
}

/**
 * The online visit a patient starts from the doctor's page and its fee, as the visit form picks it: a
 * follow-up (复诊) where the doctor offers it, else a consultation (咨询; a first visit in the pilot is
 * asked for by name, PILOT-2). Null when the doctor takes no online visits now (suspended, licence, not
 * registered online: ORG-1, ORG-5).
 */
export async function onlineVisitFees(
  db: Executor,
  doctor: {
    id: string;
    institutionId: string;
    offersOnlineFollowUp: boolean;
    offersOnlineFirstVisit: boolean;
  },
  now: Date,
): Promise<OnlineVisitFees | null> {
  if (!doctor.offersOnlineFollowUp && !doctor.offersOnlineFirstVisit) return null;
  const facts = await doctorFacts(db, doctor.id, doctor.institutionId, now);
  if (!facts || doctorRefusal(facts, 'follow_up') !== null) return null;
  const type = doctor.offersOnlineFollowUp ? 'follow_up' : 'consultation';
  const fee = visitFeeFen(type, facts.title);
  return { type, textFeeFen: fee, videoFeeFen: fee };
}
