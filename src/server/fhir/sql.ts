/**
 * SQL pieces the FHIR providers share ([6/12]): FHIR date-prefix semantics, keyset positions, id lists and
 * token matching — written once so every `<module>.fhir.ts` answers `date=ge2026-01`, `_lastUpdated=lt…`
 * and `code=system|value` the same way. Pure builders over Kysely `sql`; no table is named here.
 */
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { After, DateFilter, TokenFilter } from './types.js';

const TRUE = sql<SqlBool>`true`;
const FALSE = sql<SqlBool>`false`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

/** `ap` (approximately): the searched range widened by 10 % of its distance from now, at least a day. */
function approximate(f: DateFilter, now: Date): { start: Date; end: Date } {
  const gap = Math.max(
    Math.abs(now.getTime() - f.start.getTime()),
    Math.abs(now.getTime() - f.end.getTime()),
  );
  const pad = Math.max(gap * 0.1, 86_400_000);
  return { start: new Date(f.start.getTime() - pad), end: new Date(f.end.getTime() + pad) };
}

/**
 * One date filter against a target range [start, end] (R4 search "date" prefixes, the search value being
 * [f.start, f.end)): for a single instant pass the same column twice (or omit `end`); an end that is null
 * means the range is still open (an encounter in progress).
 *   eq  the search range contains the target   ne  it does not
 *   lt  the target starts before the search    gt  the target ends after it
 *   le  the target starts before its end       ge  the target ends at or after its start
 *   sa  the target starts after the search     eb  the target ends before it
 *   ap  overlaps the search range widened by 10 % of its distance from now
 */
export function dateSql(
  f: DateFilter,
  start: Expression<Date>,
  end: Expression<Date | null> = start,
  now: Date = new Date(),
): RawBuilder<SqlBool> {
  const a = f.start;
  const b = f.end;
  switch (f.prefix) {
    case 'eq':
      return sql<SqlBool>`(${start} >= ${a} and ${end} is not null and ${end} < ${b})`;
    case 'ne':
      return sql<SqlBool>`(${start} < ${a} or ${end} is null or ${end} >= ${b})`;
    case 'lt':
    case 'eb':
      return f.prefix === 'lt'
        ? sql<SqlBool>`(${start} < ${a})`
        : sql<SqlBool>`(${end} is not null and ${end} < ${a})`;
    case 'le':
      return sql<SqlBool>`(${start} < ${b})`;
    case 'gt':
      return sql<SqlBool>`(${end} is null or ${end} >= ${b})`;
    case 'ge':
      return sql<SqlBool>`(${end} is null or ${end} >= ${a})`;
    case 'sa':
      return sql<SqlBool>`(${start} >= ${b})`;
    case 'ap': {
      const w = approximate(f, now);
      return sql<SqlBool>`(${start} < ${w.end} and (${end} is null or ${end} >= ${w.start}))`;
    }
  }
}

/** Every filter (AND); true when there is none. */
export function datesSql(
  filters: readonly DateFilter[],
  start: Expression<Date>,
  end: Expression<Date | null> = start,
  now: Date = new Date(),
): RawBuilder<SqlBool> {
  if (filters.length === 0) return TRUE;
  return sql<SqlBool>`(${sql.join(
    filters.map((f) => dateSql(f, start, end, now)),
    sql` and `,
  )})`;
}

/** `column = any(ids)` for a uuid column; false for an empty list. Ids that are not uuids are dropped. */
export function uuidIn(column: Expression<string | null>, ids: readonly string[]): RawBuilder<SqlBool> {
  const valid = [...new Set(ids.filter(isUuid))];
  if (valid.length === 0) return FALSE;
  return sql<SqlBool>`${column} = any(${valid}::uuid[])`;
}

/** `column = any(values)` for a text column; false for an empty list. */
export function textIn(column: Expression<string | null>, values: readonly string[]): RawBuilder<SqlBool> {
  if (values.length === 0) return FALSE;
  return sql<SqlBool>`${column} = any(${[...new Set(values)]}::text[])`;
}

/**
 * The patient filter of a patient-data provider: `readable` (who the reader may see: 'any', or a list
 * that may be empty) AND `patients` (patient/subject, OR). Null when nothing can match — the caller then
 * answers [] without a query.
 */
export function patientScope(
  readable: string[] | 'any',
  patients: string[] | undefined,
): string[] | 'any' | null {
  let scope: string[] | 'any' = readable === 'any' ? 'any' : readable.filter(isUuid);
  if (patients) {
    const wanted = patients.filter(isUuid);
    scope = scope === 'any' ? wanted : scope.filter((p) => wanted.includes(p));
  }
  if (scope !== 'any' && scope.length === 0) return null;
  return scope;
}

/** A sort key's type: how a cursor's value is checked and bound. */
export type SortKind = 'instant' | 'text' | 'number';

/** The cursor value bound as the column's type; undefined when the value does not fit (a forged cursor). */
export function sortParam(value: string | number, kind: SortKind): Date | string | number | undefined {
  if (kind === 'number') return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  if (kind === 'text') return value;
  const at = new Date(value);
  return Number.isFinite(at.getTime()) ? at : undefined;
}

/**
 * The keyset condition "after this position" for ORDER BY k1, k2, … (all ascending, or all descending):
 * `(k1, k2, …) > (v1, v2, …)` — one row comparison an index on the same columns serves. Values are
 * bound parameters; the caller has checked their types (sortParam, isUuid).
 */
export function rowAfter(
  keys: readonly Expression<unknown>[],
  values: readonly unknown[],
  desc: boolean,
): RawBuilder<SqlBool> {
  const left = sql.join(keys);
  const right = sql.join(values.map((v) => sql`${v}`));
  return desc ? sql<SqlBool>`(${left}) < (${right})` : sql<SqlBool>`(${left}) > (${right})`;
}

/**
 * `after` for the usual key (sort value, uuid id): the condition, or false when the cursor's values do
 * not fit (nothing follows a position that cannot exist), or true when there is no cursor.
 */
export function afterUuid(
  sortKey: Expression<unknown>,
  idKey: Expression<string>,
  after: After | undefined,
  desc: boolean,
  kind: SortKind,
): RawBuilder<SqlBool> {
  if (!after) return TRUE;
  const v = sortParam(after.value, kind);
  if (v === undefined || !isUuid(after.id)) return FALSE;
  return rowAfter([sortKey, sql`${idKey}`], [v, after.id], desc);
}

/** ISO text of an instant for `sortValue` (the value a cursor carries back). */
export const instantText = (d: Date): string => d.toISOString();

/**
 * The codes of `filters` (OR) that a column of one code system can hold: a token with no system, or with
 * a system in `systems`, contributes its code; a token naming another system, or `|code` (no system),
 * contributes none. An empty result means no row can match.
 */
export function codesFor(filters: readonly TokenFilter[], systems: readonly string[]): string[] {
  return filters
    .filter((t) => t.system === undefined || (t.system !== '' && systems.includes(t.system)))
    .map((t) => t.code);
}

/**
 * A token (OR) against a (system, code) column pair: `code` alone matches any system; `system|code` that
 * system (and its aliases, e.g. HL7 v2 'LN' for LOINC); `|code` a row with no system.
 */
export function tokenMatches(
  filters: readonly TokenFilter[],
  systemCol: Expression<string | null>,
  codeCol: Expression<string>,
  aliases: (system: string) => readonly string[] = (s) => [s],
): RawBuilder<SqlBool> {
  if (filters.length === 0) return FALSE;
  return sql<SqlBool>`(${sql.join(
    filters.map((t) => {
      if (t.system === undefined) return sql`${codeCol} = ${t.code}`;
      if (t.system === '') return sql`(${codeCol} = ${t.code} and coalesce(${systemCol}, '') = '')`;
      return sql`(${codeCol} = ${t.code} and ${textIn(systemCol, aliases(t.system))})`;
    }),
    sql` or `,
  )})`;
}

/** Token values of a declared parameter (commas are OR), as filters. */
export function tokenValues(values: readonly string[]): TokenFilter[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map((v) => {
      const bar = v.indexOf('|');
      return bar < 0 ? { code: v } : { system: v.slice(0, bar), code: v.slice(bar + 1) };
    });
}

/** Bare ids of reference values (`Patient/1`, `1`, `http://…/Patient/1`) whose type is `type`. */
export function referenceIds(values: readonly string[], type: string): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .flatMap((v) => {
      const parts = v.split('/');
      if (parts.length === 1) return [v];
      const [t, id] = parts.slice(-2);
      return t === type && id ? [id] : [];
    });
}

/** Conditions joined with AND (true when none). */
export const and = (parts: readonly RawBuilder<SqlBool>[]): RawBuilder<SqlBool> =>
  parts.length === 0 ? TRUE : sql<SqlBool>`(${sql.join(parts, sql` and `)})`;

/** Conditions joined with OR (false when none). */
export const or = (parts: readonly RawBuilder<SqlBool>[]): RawBuilder<SqlBool> =>
  parts.length === 0 ? FALSE : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
