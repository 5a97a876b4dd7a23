/**
 * Patient/$everything ([6/12]): the Patient and every resource of their compartment from every provider,
 * all pages, in one `searchset` Bundle (the type the operation's definition gives its result) — used by
 * `GET /fhir/R4/Patient/{id}/$everything` and by the archive export (个人信息可携带, FHIR JSON).
 *
 * Access (SEC-1): the one check, per category — a category the reader may not read is left out; a reader
 * who may read no category of the patient is refused 403 NO_CARE_RELATIONSHIP. Each type returned is
 * audited once (record.read, channel 'export' by default, or 'fhir' for the API's operation).
 */
import type { Bundle } from '@medplum/fhirtypes';
import { RECORD_CATEGORIES, type RecordCategory } from '../../shared/records.js';
import type { Actor } from '../platform/audit/audit.js';
import type { AuthContext } from '../platform/auth/access.js';
import type { AppContext } from '../platform/context.js';
import { type Entry, searchset } from './bundle.js';
import { allProviders } from './providers.js';
import { isBadIdError } from './query.js';
import { categoryOf, FhirReader, type ReadItem } from './reader.js';
import type { FhirEnv, FhirProvider, Found, ProviderQuery } from './types.js';

const PAGE = 100;

export interface EverythingOptions {
  /** The absolute base of `fullUrl`s (http://host/fhir/R4); without one, `urn:uuid:<id>`. */
  base?: string;
  /** What the audit entries say: channel 'export' / what 'export:fhir' (default), or the API's 'fhir'. */
  channel?: 'fhir' | 'export';
  /** Set false when the caller audits the read itself. Default true. */
  audit?: boolean;
  providers?: ReadonlyMap<string, FhirProvider>;
}

/** Whether a provider's resources belong to a patient's compartment (filtered by patient/subject). */
export function inCompartment(p: FhirProvider): boolean {
  return (
    p.type === 'Patient' ||
    (p.category !== null && (p.common.includes('patient') || p.common.includes('subject')))
  );
}

async function allOf(env: FhirEnv, provider: FhirProvider, patientId: string): Promise<Found[]> {
  const sort = { param: (provider.sorts[0] ?? '_id').replace(/^-/, ''), desc: false };
  const base: Omit<ProviderQuery, 'limit' | 'after'> = {
    ...(provider.type === 'Patient' ? { ids: [patientId] } : { patients: [patientId] }),
    readable: [patientId],
    lastUpdated: [],
    date: [],
    identifier: [],
    code: [],
    params: {},
    sort,
  };
  const out: Found[] = [];
  let after: ProviderQuery['after'];
  for (;;) {
    let rows: Found[];
    try {
      rows = await provider.search(env, { ...base, limit: PAGE + 1, ...(after ? { after } : {}) });
    } catch (err) {
      if (isBadIdError(err)) return [];
      throw err;
    }
    // Only this patient's resources, whatever a provider answers.
    out.push(...rows.slice(0, PAGE).filter((r) => r.patientId === patientId));
    if (rows.length <= PAGE) return out;
    const last = rows[PAGE - 1]!;
    // A position that does not advance would loop for ever (a provider's broken keyset): stop.
    if (after && after.id === last.resource.id && after.value === last.sortValue) return out;
    after = { value: last.sortValue, id: last.resource.id };
  }
}

export async function patientEverything(
  ctx: AppContext,
  auth: AuthContext,
  actor: Actor,
  patientId: string,
  now: Date,
  opts: EverythingOptions = {},
): Promise<Bundle> {
  const providers = opts.providers ?? allProviders();
  const reader = new FhirReader(ctx, auth, actor, now);
  const env = await reader.env(opts.base ?? 'urn:uuid');
  const compartment = [...providers.values()].filter(inCompartment);
  // The categories the reader may read of this patient; none at all is a refusal (403).
  const allowed = new Set<RecordCategory>();
  let refusal: unknown;
  for (const category of RECORD_CATEGORIES) {
    try {
      await reader.decision(patientId, category);
      allowed.add(category);
    } catch (err) {
      refusal = err;
    }
  }
  if (allowed.size === 0 && refusal) throw refusal;
  const items: ReadItem[] = [];
  // The Patient first, then the other types in the order the providers are registered.
  const ordered = [
    ...compartment.filter((p) => p.type === 'Patient'),
    ...compartment.filter((p) => p.type !== 'Patient'),
  ];
  for (const provider of ordered) {
    for (const found of await allOf(env, provider, patientId)) {
      const category = categoryOf(provider, found);
      if (category !== null && allowed.has(category)) items.push({ provider, found });
    }
  }
  if (opts.audit !== false) {
    const channel = opts.channel ?? 'export';
    // The export: one entry per category (what 'export:fhir'); the API: one per type, as a search.
    if (channel === 'export') await reader.audit(items, 'export', 'export:fhir', 'category');
    else await reader.audit(items, 'fhir');
  }
  const entries = items.map((i): Entry => ({ resource: i.found.resource, mode: 'match' }));
  const bundle = searchset(env.base, entries, []);
  if (opts.base) bundle.link = [{ relation: 'self', url: `${opts.base}/Patient/${patientId}/$everything` }];
  else delete bundle.link;
  return bundle;
}
