/**
 * On-demand presence: a practitioner goes online in their department's queue (ORG-5: not while suspended),
 * and a department's on-demand queue shows who is online and how many wait.
 */
import type { OnDemandStatus, Presence } from '../../../shared/visits.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { practitionerActive, practitionerFacts } from '../directory/directory.api.js';
import { doctorNotAvailable, visitFeeFen } from './visit.rules.js';

const practitionersOnly = () => errors.forbidden('只有医生和护士可以设置在线接诊状态。');

export async function myPresence(ctx: AppContext, auth: AuthContext): Promise<Presence> {
  if (!auth.practitionerId) throw practitionersOnly();
  const p = await practitionerFacts(ctx.db, auth.practitionerId);
  if (!p) throw errors.notFound('医生');
  const presence = await ctx.db
    .selectFrom('practitioner_presence')
    .select('online')
    .where('practitioner_id', '=', auth.practitionerId)
    .executeTakeFirst();
  return { online: presence?.online === true, departmentId: p.departmentId };
}

export async function setPresence(
  ctx: AppContext,
  auth: AuthContext,
  online: boolean,
  actor: Actor,
): Promise<Presence> {
  if (!auth.practitionerId) throw practitionersOnly();
  const practitionerId = auth.practitionerId;
  const p = await practitionerFacts(ctx.db, practitionerId);
  if (!p) throw errors.notFound('医生');
  // ORG-5: a suspended practitioner cannot go online.
  if (online && p.status !== 'active')
    throw doctorNotAvailable('suspended', '已被暂停执业，不能上线接诊（ORG-5）。');
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    await trx
      .insertInto('practitioner_presence')
      .values({ practitioner_id: practitionerId, department_id: p.departmentId, online, changed_at: now })
      .onConflict((oc) =>
        oc.column('practitioner_id').doUpdateSet({ online, changed_at: now, department_id: p.departmentId }),
      )
      .execute();
    await audit({
      action: online ? 'presence.online' : 'presence.offline',
      resourceType: 'practitioner',
      resourceId: practitionerId,
    });
  });
  return { online, departmentId: p.departmentId };
}

/** Active practitioners online in a department's on-demand queue. */
export async function onlineCount(db: Executor, departmentId: string): Promise<number> {
  const row = await db
    .selectFrom('practitioner_presence as pr')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('pr.department_id', '=', departmentId)
    .where('pr.online', '=', true)
    .where((eb) => practitionerActive(eb.ref('pr.practitioner_id')))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** GET /departments/{id}/on-demand: whether the queue is open, who is online, how many wait untaken. */
export async function onDemandStatus(ctx: AppContext, departmentId: string): Promise<OnDemandStatus> {
  const online = await onlineCount(ctx.db, departmentId);
  const waiting = await ctx.db
    .selectFrom('visit')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('department_id', '=', departmentId)
    .where('practitioner_id', 'is', null)
    .where('status', '=', 'waiting')
    .executeTakeFirst();
  return {
    open: online > 0,
    onlineDoctors: online,
    waiting: Number(waiting?.n ?? 0),
    feeFen: visitFeeFen('follow_up', 'attending'),
  };
}
