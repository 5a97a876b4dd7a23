/**
 * Home-service orders as the API shows them ([12/12], FD-5, FD-9): one query per kind of fact for a whole
 * page (patients, items, institutions, providers, open panics). What a viewer sees depends on who they are
 * to the order: the full address only to the resident (and proxies) and the accepted provider, masked to
 * other staff (DJ-10); the client code only to the resident; positions only to staff.
 */
import type {
  HomeServiceDetail,
  HomeServiceItemView,
  HomeServiceView,
} from '../../../shared/family-doctor.js';
import { ageOn } from '../../../shared/identity.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { institutionFacts, practitionerProfiles } from '../directory/directory.api.js';
import { patientProfiles } from '../identity/identity.api.js';
import { clientCode, deriveClientCodeKey, type HomeItemCategory, maskAddress } from './home-service.rules.js';
import type { HomeServiceRow } from './home-service-access.js';

const keys = new WeakMap<Buffer, Buffer>();
/** The client-code key, derived from the blind-index secret for this one purpose (DJ-25). */
export function clientCodeKey(ctx: AppContext): Buffer {
  let key = keys.get(ctx.config.blindIndexKey);
  if (!key) {
    key = deriveClientCodeKey(ctx.config.blindIndexKey);
    keys.set(ctx.config.blindIndexKey, key);
  }
  return key;
}

export interface ItemRow {
  code: string;
  name: string;
  category: HomeItemCategory;
  item_fee_fen: number;
  description: string;
}

export const itemView = (i: ItemRow, visitFeeFen: number): HomeServiceItemView => ({
  code: i.code,
  name: i.name,
  category: i.category,
  itemFeeFen: i.item_fee_fen,
  visitFeeFen,
  description: i.description,
});

/** What one viewer may see of each order of a page: by order id, or the same for all. */
export interface Sight {
  resident: boolean;
  provider: boolean;
}

/** The statuses in which the resident's app shows the code: paid and waiting for the provider at the door. */
const CODE_SHOWN = new Set(['requested', 'accepted']);

/** Orders with a panic no one has handled yet: the latest panic or handling event is a panic. */
async function openPanics(db: Executor, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('home_service_event')
    .select(['service_id', 'kind'])
    .distinctOn('service_id')
    .where('service_id', 'in', ids)
    .where('kind', 'in', ['panic', 'panic_handled'])
    .orderBy('service_id')
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return new Set(rows.filter((r) => r.kind === 'panic').map((r) => r.service_id));
}

export async function homeServiceViews(
  ctx: AppContext,
  db: Executor,
  rows: readonly HomeServiceRow[],
  sight: (row: HomeServiceRow) => Sight,
): Promise<HomeServiceView[]> {
  if (rows.length === 0) return [];
  const now = ctx.clock.now();
  const [patients, items, institutions, providers, panics] = await Promise.all([
    patientProfiles(
      db,
      rows.map((r) => r.patient_id),
    ),
    db
      .selectFrom('home_service_item')
      .select(['code', 'name', 'category', 'item_fee_fen', 'description'])
      .where('code', 'in', [...new Set(rows.map((r) => r.item_code))])
      .execute(),
    institutionFacts(
      db,
      rows.map((r) => r.institution_id),
    ),
    practitionerProfiles(
      db,
      rows.flatMap((r) => (r.provider_practitioner_id ? [r.provider_practitioner_id] : [])),
    ),
    openPanics(
      db,
      rows.map((r) => r.id),
    ),
  ]);
  const itemByCode = new Map(items.map((i) => [i.code, i]));
  const key = clientCodeKey(ctx);
  return rows.map((r) => {
    const s = sight(r);
    const p = patients.get(r.patient_id);
    const item = itemByCode.get(r.item_code)!;
    const address = ctx.cipher.decrypt(r.address_enc);
    const provider = r.provider_practitioner_id ? providers.get(r.provider_practitioner_id) : undefined;
    return {
      id: r.id,
      serviceNo: r.service_no,
      status: r.status,
      patient: {
        id: r.patient_id,
        name: p?.name ?? '',
        sex: p?.sex === 'male' || p?.sex === 'female' ? p.sex : null,
        age: p?.birthDate ? ageOn(p.birthDate, now) : null,
      },
      // What was charged: the visit fee is the fee less the item's own.
      item: itemView(item, Math.max(0, r.fee_fen - item.item_fee_fen)),
      institutionId: r.institution_id,
      institutionName: institutions.get(r.institution_id)?.name ?? '',
      window: { start: r.window_start.toISOString(), end: r.window_end.toISOString() },
      address: s.resident || s.provider ? address : maskAddress(address),
      note: r.note,
      feeFen: r.fee_fen,
      orderId: r.order_id,
      provider: provider
        ? {
            practitionerId: provider.id,
            name: provider.name,
            professionalTitle: provider.professionalTitle,
          }
        : null,
      clientCode: s.resident && CODE_SHOWN.has(r.status) ? clientCode(key, r.id) : null,
      record: r.record,
      acceptedAt: r.accepted_at?.toISOString() ?? null,
      checkedInAt: r.checked_in_at?.toISOString() ?? null,
      checkedOutAt: r.checked_out_at?.toISOString() ?? null,
      panic: panics.has(r.id),
      createdAt: r.created_at.toISOString(),
    };
  });
}

/**
 * One order with its events, oldest first. The positions of the provider's trace are shown to staff only:
 * the resident sees when the provider checked in and out, not the coordinates.
 */
export async function homeServiceDetail(
  ctx: AppContext,
  db: Executor,
  row: HomeServiceRow,
  sight: Sight & { positions: boolean },
): Promise<HomeServiceDetail> {
  const [view] = await homeServiceViews(ctx, db, [row], () => sight);
  const events = await db
    .selectFrom('home_service_event')
    .select(['kind', 'latitude', 'longitude', 'at', 'note'])
    .where('service_id', '=', row.id)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return {
    ...view!,
    events: events.map((e) => ({
      kind: e.kind,
      latitude: sight.positions ? e.latitude : null,
      longitude: sight.positions ? e.longitude : null,
      at: e.at.toISOString(),
      note: e.note,
    })),
  };
}
