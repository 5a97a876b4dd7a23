/**
 * Bundles the FHIR API answers ([6/12]): a `searchset` with absolute `self`/`next` links (every original
 * parameter kept, `_cursor` replaced), `fullUrl` per entry and `search.mode` match/include.
 */
import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';
import type { Params } from './search.js';

export interface Entry {
  resource: Resource & { id: string };
  mode: 'match' | 'include';
}

/** `base` + `/Type/id`; a base that is a URN (no server) gives `urn:uuid:<id>`-style URLs. */
export function fullUrlOf(base: string, resource: Resource & { id: string }): string {
  return base.startsWith('urn:')
    ? `urn:uuid:${resource.id}`
    : `${base}/${resource.resourceType}/${resource.id}`;
}

/** `base/Type?params` with `_cursor` set to `cursor` (or left out). */
export function searchUrl(base: string, type: string, params: Params, cursor?: string): string {
  const q = new URLSearchParams();
  for (const [name, value] of params) if (name !== '_cursor') q.append(name, value);
  if (cursor) q.append('_cursor', cursor);
  const text = q.toString();
  return `${base}/${type}${text ? `?${text}` : ''}`;
}

export function searchset(base: string, entries: readonly Entry[], links: BundleLink[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    link: links,
    entry: entries.map(
      (e): BundleEntry => ({
        fullUrl: fullUrlOf(base, e.resource),
        resource: e.resource,
        search: { mode: e.mode },
      }),
    ),
  };
}
