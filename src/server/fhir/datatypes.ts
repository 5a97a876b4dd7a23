/**
 * FHIR datatypes as the providers fill them ([6/12]): Chinese names, instants in the business calendar,
 * versions, and the identifier and code systems we declare (docs/fhir.md lists each URL). Pure; no table.
 */
import type { HumanName, Identifier, Meta, Resource } from '@medplum/fhirtypes';
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { or, referenceIds, uuidIn } from './sql.js';

/** Our own identifier namespaces (`Identifier.system`) and code systems (`Coding.system`). */
export const LOCAL_SID = 'https://yunyi.example.cn/fhir/sid';
export const LOCAL_CS = 'https://yunyi.example.cn/fhir/CodeSystem';

/**
 * 居民身份证号码 (resident identity card number, GB 11643). The OID is the one China's health-record
 * interoperability standards give the patient's ID-card number (WS/T 500 shared-document templates:
 * `<id root="2.16.156.10011.1.3" extension="…"/>` "患者身份证号标识"; Chinese FHIR integrations use it as
 * `urn:oid:2.16.156.10011.1.3`). Its type is v2-0203 `NI` (national unique individual identifier).
 */
export const RESIDENT_ID_SYSTEM = 'urn:oid:2.16.156.10011.1.3';
export const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

/** The v3 security label on a resource some of whose data is shown masked (a resident ID `1101**…1234`). */
export const MASKED_LABEL = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'MASKED',
  display: 'masked',
} as const;

/** A resident ID as an identifier: in full for the patient and their proxies, masked for everyone else. */
export function residentIdIdentifier(value: string): Identifier {
  return {
    use: 'official',
    type: { coding: [{ system: V2_0203, code: 'NI' }], text: '居民身份证' },
    system: RESIDENT_ID_SYSTEM,
    value,
  };
}

// Two-character surnames (复姓) that occur today; any other Han name's family name is its first character.
const COMPOUND_SURNAMES = new Set([
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '轩辕',
  '令狐',
  '钟离',
  '端木',
  '南宫',
  '西门',
  '独孤',
  '申屠',
  '百里',
  '呼延',
  '太史',
  '闻人',
  '万俟',
  '澹台',
  '公冶',
  '赫连',
  '濮阳',
  '拓跋',
]);

/**
 * A Chinese name as HumanName: `text` as written (张伟), `family` 张 and `given` 伟 for a Han name of two
 * to four characters (复姓 such as 欧阳 kept whole). Other names (买买提·艾力, Latin script) keep `text`
 * only: their parts cannot be told apart reliably.
 */
export function chineseName(name: string): HumanName {
  const han = /^[\u3400-\u9fff]{2,4}$/u.test(name);
  if (!han) return { use: 'official', text: name };
  const familyLength = name.length > 2 && COMPOUND_SURNAMES.has(name.slice(0, 2)) ? 2 : 1;
  return {
    use: 'official',
    text: name,
    family: name.slice(0, familyLength),
    given: [name.slice(familyLength)],
  };
}

/** An instant as FHIR `instant`/`dateTime` in the business calendar: `2026-11-23T08:00:00+08:00`. */
export function shanghaiDateTime(d: Date): string {
  const local = new Date(d.getTime() + 8 * 3600_000).toISOString();
  const ms = local.slice(19, 23);
  return `${local.slice(0, 19)}${ms === '.000' ? '' : ms}+08:00`;
}

/**
 * `meta` of a row last changed at `updated` (to the millisecond): versionId = base-36 of its epoch ms,
 * lastUpdated = that instant.
 */
export function versionMeta(updated: Date, masked = false): Meta {
  return {
    versionId: updated.getTime().toString(36),
    lastUpdated: updated.toISOString(),
    ...(masked ? { security: [{ ...MASKED_LABEL }] } : {}),
  };
}

/**
 * A row's last change to the millisecond (the precision of `versionId` and of a cursor), so a sort and a
 * keyset on it agree with the value the cursor carries. `greatest` skips nulls.
 */
export function lastChange(...columns: Expression<Date | null>[]): RawBuilder<Date> {
  return sql<Date>`date_trunc('milliseconds', greatest(${sql.join(columns)}))`;
}

/** A reference to one of our resources. */
export const ref = (type: string, id: string, display?: string | null) => ({
  reference: `${type}/${id}`,
  ...(display ? { display } : {}),
});

/** One `_sort` key of a provider: its SQL expression and how a cursor's value is bound. */
export interface SortKey {
  expr: Expression<unknown>;
  /** instant: a timestamp to the millisecond; text: text as is; id: the resource id (checked with validId). */
  kind: 'instant' | 'text' | 'id';
}

/**
 * The order and keyset of a page for the query's sort (`keys` by `_sort` name; the id breaks ties):
 * `after` is the condition "past the cursor" (false when a forged cursor cannot be bound), `sortKey` the
 * expression to select as the row's `sortValue` (see `sortValueOf`).
 */
export function pageOrder(
  sort: { param: string; desc: boolean },
  after: { value: string | number; id: string } | undefined,
  keys: Record<string, SortKey>,
  id: Expression<string>,
  validId: (id: string) => boolean,
): { sortKey: SortKey; after: RawBuilder<SqlBool>; order: RawBuilder<unknown>[] } {
  const sortKey = keys[sort.param] ?? Object.values(keys)[0]!;
  const dir = sort.desc ? sql`desc` : sql`asc`;
  const order = [sql`${sortKey.expr} ${dir}`, sql`${id} ${dir}`];
  if (!after) return { sortKey, after: sql<SqlBool>`true`, order };
  let value: unknown;
  if (sortKey.kind === 'instant') {
    const at = typeof after.value === 'string' ? new Date(after.value) : undefined;
    value = at && Number.isFinite(at.getTime()) ? at : undefined;
  } else value = typeof after.value === 'string' ? after.value : undefined;
  // A cursor that cannot be bound (forged, or of another key) has nothing after it.
  const bindable =
    value !== undefined && validId(after.id) && (sortKey.kind !== 'id' || validId(String(value)));
  if (!bindable) return { sortKey, after: sql<SqlBool>`false`, order };
  const cmp = sort.desc ? sql`<` : sql`>`;
  return { sortKey, after: sql<SqlBool>`((${sortKey.expr}, ${id}) ${cmp} (${value}, ${after.id}))`, order };
}

/** A row's `sortValue` from the selected sort key (ISO text for an instant). */
export function sortValueOf(key: SortKey, value: unknown): string {
  return key.kind === 'instant' ? (value as Date).toISOString() : String(value);
}

/** A LIKE pattern for FHIR string search's default, "starts with" (`%`, `_`, `\` taken literally). */
export const startsWith = (value: string): string => `${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The values of one occurrence of a declared parameter (commas are OR; FHIR's `\,` escapes kept simple). */
export const orValues = (raw: string): string[] =>
  raw
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** The ids a resource's references name for `type` (`Patient/1` → '1'), for `_include`. */
export function referencedIds(refs: readonly ({ reference?: string } | undefined)[], type: string): string[] {
  return refs.flatMap((r) =>
    r?.reference?.startsWith(`${type}/`) ? [r.reference.slice(type.length + 1)] : [],
  );
}

/** 诊疗科目: a department's licensed specialty (ORG-3), as the directory names it (心血管内科专业). */
export const SPECIALTY_SYSTEM = `${LOCAL_CS}/specialty`;

/** A string parameter (each occurrence ANDs, commas OR): starts with, case-insensitive, on any column. */
export function stringParam(
  values: readonly string[] | undefined,
  columns: readonly Expression<string | null>[],
): RawBuilder<SqlBool>[] {
  return (values ?? []).map((raw) =>
    or(
      orValues(raw).flatMap((v) =>
        columns.map((c) => sql<SqlBool>`lower(${c}) like ${startsWith(v.toLowerCase())}`),
      ),
    ),
  );
}

/** A CodeableConcept of one 诊疗科目. */
export const specialtyConcept = (s: string) => ({
  coding: [{ system: SPECIALTY_SYSTEM, code: s, display: s }],
  text: s,
});

/**
 * An `identifier` group (OR) against our columns, by system: a token matches a column when it names that
 * column's system or none; `|code` (no system) and other systems match nothing.
 */
export function identifierParam(
  group: readonly { system?: string; code: string }[],
  columns: Record<string, Expression<string | null>>,
): RawBuilder<SqlBool> {
  return or(
    group.flatMap((t) =>
      Object.entries(columns)
        .filter(([system]) => t.system === undefined || t.system === system)
        .map(([, column]) => sql<SqlBool>`${column} = ${t.code}`),
    ),
  );
}

/** A page of rows (each with its selected `sort_key`) as Found, for data that is about no patient. */
export async function publicPage<R extends { sort_key: unknown }>(
  rows: R[],
  key: SortKey,
  toResources: (rows: R[]) => Promise<(Resource & { id: string })[]> | (Resource & { id: string })[],
): Promise<{ resource: Resource & { id: string }; patientId: null; sortValue: string }[]> {
  const resources = await toResources(rows);
  return rows.map((r, i) => ({
    resource: resources[i]!,
    patientId: null,
    sortValue: sortValueOf(key, r.sort_key),
  }));
}

/** A reference parameter (each occurrence ANDs, commas OR) on a uuid column: `Type/id`, `id` or an absolute URL. */
export function referenceParam(
  values: readonly string[] | undefined,
  type: string,
  column: Expression<string | null>,
): RawBuilder<SqlBool>[] {
  return (values ?? []).map((v) => uuidIn(column, referenceIds([v], type)));
}
