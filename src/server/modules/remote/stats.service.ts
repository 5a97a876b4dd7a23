/**
 * GET /remote-diagnosis/stats ([11/12] §6): per centre and per requesting institution — volumes, signed
 * reports, turnaround against the target, critical values, rejected specimens — and signed reports per day
 * per kind, over the requests made in [from, to] (Asia/Shanghai days; the last 30 days by default). An
 * org_admin sees the requests their institution made or read; the regulator sees the region.
 */
import { shanghaiDate } from '../../../shared/identity.js';
import type { RemoteKind, RemoteStats } from '../../../shared/remote.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { institutionFacts } from '../directory/directory.api.js';

const DAY = 86_400_000;
const KIND_OF_CENTRE: Record<string, RemoteKind> = {
  ecg_centre: 'ecg',
  imaging_centre: 'imaging',
  lab_centre: 'lab',
};

const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function remoteStats(
  ctx: AppContext,
  auth: AuthContext,
  query: { from?: string; to?: string },
): Promise<RemoteStats> {
  const now = ctx.clock.now();
  const to = query.to ?? shanghaiDate(now);
  const from = query.from ?? shanghaiDate(new Date(dayStart(to).getTime() - 29 * DAY));
  for (const [name, day] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (Number.isNaN(dayStart(day).getTime()) || shanghaiDate(dayStart(day)) !== day)
      throw errors.validationFailed(`query.${name}：日期 ${day} 不存在`);
  if (from > to) throw errors.validationFailed('query.from：开始日期不能晚于结束日期');
  if (dayStart(to).getTime() - dayStart(from).getTime() > 366 * DAY)
    throw errors.validationFailed('query.from：统计区间最长一年');
  const all = auth.roles.includes('regulator');
  const own = auth.institutionId;
  if (!all && !own) return { from, to, centres: [], requesters: [], daily: [] };
  const requests = await ctx.db
    .selectFrom('diagnostic_request')
    .select([
      'id',
      'kind',
      'status',
      'centre_institution_id',
      'requester_institution_id',
      'material_at',
      'target_at',
      'signed_at',
    ])
    .where('created_at', '>=', dayStart(from))
    .where('created_at', '<', new Date(dayStart(to).getTime() + DAY))
    .$if(!all, (q) =>
      q.where((eb) =>
        eb.or([eb('centre_institution_id', '=', own!), eb('requester_institution_id', '=', own!)]),
      ),
    )
    .execute();
  const ids = requests.map((r) => r.id);
  const [alerts, rejected, agreements] = await Promise.all([
    ids.length === 0
      ? Promise.resolve([])
      : ctx.db.selectFrom('critical_alert').select('request_id').where('request_id', 'in', ids).execute(),
    ids.length === 0
      ? Promise.resolve([])
      : ctx.db
          .selectFrom('specimen')
          .select('request_id')
          .where('status', '=', 'rejected')
          .where('request_id', 'in', ids)
          .execute(),
    // The centres in view even before their first request: the agreements in scope.
    ctx.db
      .selectFrom('service_agreement')
      .select('centre_institution_id')
      .$if(!all, (q) =>
        q.where((eb) =>
          eb.or([eb('centre_institution_id', '=', own!), eb('requester_institution_id', '=', own!)]),
        ),
      )
      .execute(),
  ]);
  const criticalOf = new Map<string, number>();
  for (const a of alerts) criticalOf.set(a.request_id, (criticalOf.get(a.request_id) ?? 0) + 1);
  const rejectedOf = new Map<string, number>();
  for (const s of rejected) rejectedOf.set(s.request_id, (rejectedOf.get(s.request_id) ?? 0) + 1);

  const centreIds = new Set([
    ...agreements.map((a) => a.centre_institution_id),
    ...requests.map((r) => r.centre_institution_id),
  ]);
  const requesterIds = new Set(requests.map((r) => r.requester_institution_id));
  const facts = await institutionFacts(ctx.db, [...centreIds, ...requesterIds]);

  const centres: RemoteStats['centres'] = [];
  for (const id of centreIds) {
    const f = facts.get(id);
    const kind = f ? KIND_OF_CENTRE[f.type] : undefined;
    if (!f || !kind) continue;
    const mine = requests.filter((r) => r.centre_institution_id === id);
    const signed = mine.filter((r) => r.status === 'signed' && r.signed_at && r.material_at);
    const turnaround = signed.map((r) => (r.signed_at!.getTime() - r.material_at!.getTime()) / 60_000);
    const onTarget = signed.filter((r) => r.target_at && r.signed_at!.getTime() <= r.target_at.getTime());
    centres.push({
      id,
      name: f.name,
      kind,
      institutionsServed: new Set(mine.map((r) => r.requester_institution_id)).size,
      requests: mine.length,
      signed: signed.length,
      medianTurnaroundMinutes: median(turnaround),
      onTargetRate: signed.length > 0 ? onTarget.length / signed.length : null,
      critical: mine.reduce((n, r) => n + (criticalOf.get(r.id) ?? 0), 0),
      rejectedSpecimens: mine.reduce((n, r) => n + (rejectedOf.get(r.id) ?? 0), 0),
    });
  }
  centres.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name, 'zh-CN'));

  const requesters: RemoteStats['requesters'] = [...requesterIds]
    .map((id) => {
      const mine = requests.filter((r) => r.requester_institution_id === id);
      return {
        id,
        name: facts.get(id)?.name ?? '',
        requests: mine.length,
        signed: mine.filter((r) => r.status === 'signed').length,
        critical: mine.reduce((n, r) => n + (criticalOf.get(r.id) ?? 0), 0),
        rejectedSpecimens: mine.reduce((n, r) => n + (rejectedOf.get(r.id) ?? 0), 0),
      };
    })
    .sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name, 'zh-CN'));

  // Signed reports by the day they were signed (Asia/Shanghai), every day of the period present.
  const daily = new Map<string, { day: string; ecg: number; imaging: number; lab: number }>();
  for (let t = dayStart(from).getTime(); t <= dayStart(to).getTime(); t += DAY) {
    const day = shanghaiDate(new Date(t));
    daily.set(day, { day, ecg: 0, imaging: 0, lab: 0 });
  }
  for (const r of requests) {
    if (r.status !== 'signed' || !r.signed_at) continue;
    const day = shanghaiDate(r.signed_at);
    const d = daily.get(day) ?? { day, ecg: 0, imaging: 0, lab: 0 };
    d[r.kind as RemoteKind] += 1;
    daily.set(day, d);
  }
  return {
    from,
    to,
    centres,
    requesters,
    daily: [...daily.values()].sort((a, b) => a.day.localeCompare(b.day)),
  };
}
