/**
 * Running a parsed search against the providers ([6/12]): the access filter (`readable`), keyset paging
 * (ask for one more than a page), `_include` through the same access check, and the audit of what was
 * returned. Used by the search routes and by $everything.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { type Entry, searchset, searchUrl } from './bundle.js';
import type { FhirReader, ReadItem } from './reader.js';
import { encodeCursor, type Params, type ParsedSearch } from './search.js';
import type { FhirEnv, FhirProvider, Found, IncludeDef, ProviderQuery } from './types.js';

/** Postgres 22P02 (invalid text representation): an id of the wrong shape for its column matches nothing. */
export function isBadIdError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '22P02';
}

/**
 * The provider's rows for a query, `readable` applied by the provider; `shown` marks those the facade's
 * own check lets through (defence in depth, and resources whose own category is not the provider's).
 * Paging counts the provider's rows, so a page may show fewer than `_count` but the next link is exact.
 */
export async function findAll(
  reader: FhirReader,
  env: FhirEnv,
  provider: FhirProvider,
  query: Omit<ProviderQuery, 'readable'>,
): Promise<{ found: Found; shown: boolean }[]> {
  const readable = await reader.readable(provider);
  if (readable !== 'any' && readable.length === 0) return [];
  let rows: Found[];
  try {
    rows = await provider.search(env, { ...query, readable });
  } catch (err) {
    if (isBadIdError(err)) return [];
    throw err;
  }
  const out: { found: Found; shown: boolean }[] = [];
  for (const found of rows) out.push({ found, shown: await reader.visible(provider, found) });
  return out;
}

/** The resources `_include`d by `matches`, each through the same access check; none twice, no match again. */
export async function included(
  reader: FhirReader,
  env: FhirEnv,
  providers: ReadonlyMap<string, FhirProvider>,
  provider: FhirProvider,
  includes: readonly IncludeDef[],
  matches: readonly Found[],
): Promise<ReadItem[]> {
  const seen = new Set(matches.map((m) => `${provider.type}/${m.resource.id}`));
  const out: ReadItem[] = [];
  for (const inc of includes) {
    const target = providers.get(inc.target);
    if (!target) continue;
    const ids = [...new Set(matches.flatMap((m) => inc.ids(m.resource)))].filter(
      (id) => !seen.has(`${target.type}/${id}`),
    );
    if (ids.length === 0) continue;
    const rows = await findAll(reader, env, target, {
      ids,
      lastUpdated: [],
      date: [],
      identifier: [],
      code: [],
      params: {},
      sort: { param: (target.sorts[0] ?? '_id').replace(/^-/, ''), desc: false },
      limit: ids.length,
    });
    for (const { found, shown } of rows) {
      if (!shown) continue;
      const key = `${target.type}/${found.resource.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ provider: target, found });
    }
  }
  return out;
}

/** One page of a search as a searchset Bundle, audited. */
export async function searchPage(
  reader: FhirReader,
  env: FhirEnv,
  providers: ReadonlyMap<string, FhirProvider>,
  provider: FhirProvider,
  parsed: ParsedSearch,
  params: Params,
): Promise<Bundle> {
  const rows = parsed.empty
    ? []
    : await findAll(reader, env, provider, { ...parsed.query, limit: parsed.count + 1 });
  const last = rows.length > parsed.count ? rows[parsed.count - 1]?.found : undefined;
  const next = last
    ? encodeCursor(parsed.query.sort, { value: last.sortValue, id: last.resource.id })
    : undefined;
  const page = rows
    .slice(0, parsed.count)
    .filter((r) => r.shown)
    .map((r) => r.found);
  const extra = await included(reader, env, providers, provider, parsed.includes, page);
  await reader.audit([...page.map((found) => ({ provider, found })), ...extra]);
  const cursor = params.find(([n]) => n === '_cursor')?.[1];
  const links = [{ relation: 'self', url: searchUrl(env.base, provider.type, params, cursor) }];
  if (next) links.push({ relation: 'next', url: searchUrl(env.base, provider.type, params, next) });
  const entries: Entry[] = [
    ...page.map((f): Entry => ({ resource: f.resource, mode: 'match' })),
    ...extra.map((i): Entry => ({ resource: i.found.resource, mode: 'include' })),
  ];
  return searchset(env.base, entries, links);
}
