import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { errors } from './errors.js';

/** One page of a keyset-paged list: the shape every list endpoint answers. */
export type { Page } from '../../shared/http.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/**
 * Cursors are opaque to clients: base64url of the JSON array of the last row's sort key. Paging by key
 * (not offset) has no duplicates or gaps when rows are added between pages, and each page is an index
 * range scan however deep the client goes.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

const badCursor = () =>
  errors.validationFailed('query.cursor：分页游标无效', {
    fields: [{ field: 'query.cursor', message: '分页游标无效，请从第一页重新查询', keyword: 'cursor' }],
  });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A key element's type: `instant` is a timestamp as `Date#toISOString` writes it (a string that parses to
 * a real time and prints back the same), so a query may compare it with a timestamp column.
 */
type KeyType = 'string' | 'number' | 'uuid' | 'instant';
type KeyOf<K extends readonly KeyType[]> = { [I in keyof K]: K[I] extends 'number' ? number : string };

/** Years 0001–9999 as `toISOString` writes them: PostgreSQL refuses year 0 and the ±YYYYYY forms (a 500). */
const ISO_INSTANT = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function isInstant(value: string): boolean {
  const at = new Date(value);
  return ISO_INSTANT.test(value) && Number.isFinite(at.getTime()) && at.toISOString() === value;
}

function fits(value: unknown, type: KeyType): boolean {
  // Safe integers only: a crafted 1e21 would fail the database's bigint cast (a 500) instead of a 400.
  if (type === 'number') return typeof value === 'number' && Number.isSafeInteger(value);
  if (type === 'uuid') return typeof value === 'string' && UUID.test(value);
  if (type === 'instant') return typeof value === 'string' && isInstant(value);
  return typeof value === 'string';
}

/**
 * Decodes a cursor whose key has exactly the given element types; anything else is a 400, never a
 * 500 (a client may send a cursor from another list, or garbage; a uuid that is not one, or a time that
 * is no time, would make the database refuse the query).
 */
export function decodeCursor<const K extends readonly KeyType[]>(
  cursor: string | undefined,
  types: K,
): KeyOf<K> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(key) || key.length !== types.length || key.some((v, i) => !fits(v, types[i]!))) {
    throw badCursor();
  }
  return key as KeyOf<K>;
}

/** Cuts the `limit + 1` rows a query fetched down to one page, with the cursor after its last row. */
export function cutPage<R>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => readonly (string | number)[],
): { rows: R[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: encodeCursor(keyOf(page[limit - 1]!)) };
}

/**
 * The keyset condition of a newest-first list ordered by `(column desc, id desc)`: the rows past the cursor's
 * `[instant, id]`, as one row comparison (an index on `(column desc, id desc)` serves it); every row when
 * there is no cursor. `idColumn` names the id where a join makes `id` ambiguous.
 */
export function olderThan(
  column: string,
  key: readonly [string | Date, string] | undefined,
  idColumn = 'id',
): RawBuilder<SqlBool> {
  if (!key) return sql<SqlBool>`true`;
  return sql<SqlBool>`(${sql.ref(column)}, ${sql.ref(idColumn)}) < (${new Date(key[0])}, ${key[1]})`;
}
