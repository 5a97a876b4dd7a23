import { sql } from 'kysely';
import type { AppointmentGuide } from '../../../shared/scheduling.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { departmentFacts, institutionContacts } from '../directory/directory.api.js';
import { requirePatientAccess } from '../identity/identity.api.js';
import { shanghaiInstant } from './schedule.rules.js';
import { policyOf } from './schedule.service.js';

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const shanghaiToday = (now: Date) => new Date(now.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

/**
 * 就诊须知 of one appointment (ID-6: the patient or an active proxy): the institution's address and
 * switchboard, the real cancellation deadline and no-show rule of the institution's booking policy (the
 * ones cancelAppointment and booking enforce), and on the visit day the session's queue as far as the
 * platform knows it. There is no calling system (叫号): the queue is the token number, how many live
 * appointments with a smaller number are not yet seen, and how many of the session were seen.
 */
export async function appointmentGuide(
  ctx: AppContext,
  auth: AuthContext,
  appointmentId: string,
): Promise<AppointmentGuide> {
  const db = ctx.db;
  const a = await db
    .selectFrom('appointment as a')
    .innerJoin('schedule as s', 's.id', 'a.schedule_id')
    .select([
      'a.id',
      'a.patient_id',
      'a.status',
      'a.schedule_id',
      'a.token_number',
      'a.date',
      's.start_time',
      's.mode',
      's.institution_id',
      's.department_id',
    ])
    .where('a.id', '=', appointmentId)
    .executeTakeFirst();
  if (!a) throw errors.notFound('预约');
  await requirePatientAccess(db, auth, a.patient_id);
  const [policy, contacts, departments] = await Promise.all([
    policyOf(db, a.institution_id),
    institutionContacts(db, [a.institution_id]),
    departmentFacts(db, [a.department_id]),
  ]);
  const contact = contacts.get(a.institution_id);
  const start = shanghaiInstant(a.date, a.start_time);
  const now = ctx.clock.now();
  const live = a.status === 'confirmed' || a.status === 'checked_in';
  let queue: AppointmentGuide['queue'] = null;
  if (live && a.mode === 'offline' && a.date === shanghaiToday(now)) {
    const counts = await sql<{ ahead: number | string; seen: number | string }>`
      select count(*) filter (where status in ('confirmed', 'checked_in') and token_number < ${a.token_number}) as ahead,
             count(*) filter (where status = 'completed') as seen
      from appointment where schedule_id = ${a.schedule_id}`.execute(db);
    const c = counts.rows[0]!;
    queue = {
      tokenNumber: a.token_number,
      ahead: Number(c.ahead),
      seen: Number(c.seen),
      checkedIn: a.status === 'checked_in',
    };
  }
  return {
    appointmentId: a.id,
    institutionName: contact?.name ?? '',
    institutionAddress: contact?.address ?? null,
    institutionPhone: contact?.phone ?? null,
    departmentName: departments.get(a.department_id)?.name ?? '',
    cancelDeadline: new Date(start.getTime() - policy.cancelCutoffMinutes * 60_000).toISOString(),
    cancelCutoffMinutes: policy.cancelCutoffMinutes,
    noShow: {
      limit: policy.noShowLimit,
      windowDays: policy.noShowWindowDays,
      suspensionDays: policy.suspensionDays,
    },
    queue,
  };
}
