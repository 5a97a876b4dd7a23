/**
 * FHIR search parsing ([6/12]): pure, so every rule is unit-tested without HTTP. Strict handling
 * (FHIR `Prefer: handling=strict`, always): a parameter the type does not declare is refused with 400
 * FHIR_UNKNOWN_PARAMETER rather than silently ignored, so a client never mistakes an unfiltered answer
 * for a filtered one (DJ-18). Dates without a time zone are read in Asia/Shanghai (UTC+8).
 */
import { fhirErrors } from './fhir.errors.js';
import type {
  After,
  DateFilter,
  FhirProvider,
  IncludeDef,
  Prefix,
  ProviderQuery,
  TokenFilter,
} from './types.js';

export const COUNT_DEFAULT = 20;
export const COUNT_MAX = 100;

/** Query parameters as they came, in order: name → each occurrence's raw value. */
export type Params = [name: string, value: string][];

/** Parameters every type accepts (the result and paging parameters, and the two common filters). */
export const RESULT_PARAMS = ['_count', '_sort', '_include', '_cursor', '_format'] as const;

export interface ParsedSearch {
  /** The provider's query, without `readable` (the facade's access check) and `limit`. */
  query: Omit<ProviderQuery, 'readable' | 'limit'>;
  count: number;
  includes: IncludeDef[];
  /** True when an OR list became empty (e.g. `_id=a&_id=b`): nothing can match, the provider is not asked. */
  empty: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** FHIR's id syntax (R4 `id` datatype). */
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

export const isUuid = (value: string): boolean => UUID.test(value);

const invalid = (name: string, why: string, en: string) =>
  fhirErrors.invalidParameter(`参数 ${name}：${why}`, { en: `Parameter ${name}: ${en}`, parameter: name });

/** Splits on commas that are not escaped (`\,`), keeping the escapes. */
function splitRaw(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length) {
      current += c + value[i + 1];
      i++;
    } else if (c === ',') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

const unescapeFhir = (s: string) => s.replace(/\\(.)/g, '$1');

/** Splits on commas that are not escaped (`\,`), then unescapes FHIR's `\,` `\|` `\$` `\\`. */
export function splitOr(value: string): string[] {
  return splitRaw(value).map(unescapeFhir);
}

/** `system|code`, `|code` (no system), or `code` (any system); `system|` (every code) is not supported. */
export function parseToken(name: string, raw: string): TokenFilter {
  // The first unescaped bar separates system and code.
  let bar = -1;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\') i++;
    else if (raw[i] === '|') {
      bar = i;
      break;
    }
  }
  if (bar < 0) {
    if (raw === '') throw invalid(name, '取值为空', 'empty value');
    return { code: unescapeFhir(raw) };
  }
  const system = unescapeFhir(raw.slice(0, bar));
  const code = unescapeFhir(raw.slice(bar + 1));
  if (code === '') {
    throw invalid(name, '须给出编码（不支持 system| 形式）', 'a code is required (system| is not supported)');
  }
  return { system, code };
}

/** One token parameter's occurrence: OR of tokens. */
const tokenList = (name: string, raw: string): TokenFilter[] => splitRaw(raw).map((v) => parseToken(name, v));

const PREFIXES: readonly Prefix[] = ['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'sa', 'eb', 'ap'];
const DATE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;
const SHANGHAI = '+08:00';

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A date parameter's value: its prefix (default eq) and the range its precision covers, [start, end):
 * `2026` is the whole year, `2026-03` the month, `2026-03-05` the day (in Asia/Shanghai unless a zone is
 * given with a time), `2026-03-05T08:30` the minute, with seconds the second, with a fraction the
 * millisecond. What each prefix means against a resource's date is the providers' `dateSql` (sql.ts).
 */
export function parseDate(name: string, raw: string): DateFilter {
  let prefix: Prefix = 'eq';
  let text = raw;
  const head = raw.slice(0, 2);
  if (/^[a-z]{2}/.test(head)) {
    if (!(PREFIXES as readonly string[]).includes(head)) {
      throw invalid(
        name,
        `不支持的前缀 ${head}（支持 ${PREFIXES.join(' ')}）`,
        `unsupported prefix ${head} (supported: ${PREFIXES.join(' ')})`,
      );
    }
    prefix = head as Prefix;
    text = raw.slice(2);
  }
  // An unencoded '+' of a time zone arrives as a space.
  const m = DATE.exec(text.replace(/ (\d{2}:\d{2})$/, '+$1'));
  const bad = () =>
    invalid(
      name,
      `日期格式不正确：${raw}（例：2026-03-05、ge2026-03-05T08:00:00+08:00）`,
      `invalid date ${raw} (e.g. 2026-03-05, ge2026-03-05T08:00:00+08:00)`,
    );
  if (!m) throw bad();
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo ? Number(mo) : 1;
  const day = d ? Number(d) : 1;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) throw bad();
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || (s !== undefined && Number(s) > 59))) {
    throw bad();
  }
  const tz = zone ?? SHANGHAI;
  const at = (yy: number, mm: number, dd: number, time = '00:00:00') =>
    new Date(`${pad(yy, 4)}-${pad(mm)}-${pad(dd)}T${time}${tz}`);
  let start: Date;
  let end: Date;
  if (h !== undefined) {
    const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
    start = new Date(at(year, month, day, `${h}:${mi}:${s ?? '00'}`).getTime() + ms);
    const step = frac ? 1 : s !== undefined ? 1000 : 60_000;
    end = new Date(start.getTime() + step);
  } else if (d) {
    start = at(year, month, day);
    end = new Date(start.getTime() + 86_400_000);
  } else if (mo) {
    start = at(year, month, 1);
    end = month === 12 ? at(year + 1, 1, 1) : at(year, month + 1, 1);
  } else {
    start = at(year, 1, 1);
    end = at(year + 1, 1, 1);
  }
  if (!Number.isFinite(start.getTime()) || !Number.isFinite(end.getTime())) throw bad();
  return { prefix, start, end };
}

/** `Patient/x` or `x` (a patient's id; anything but a Patient reference is refused). */
export function parsePatientRef(name: string, raw: string): string {
  const m = /^(?:(?:https?:\/\/[^?#]*\/)?Patient\/)?([^/]+)$/.exec(raw);
  if (!m) {
    throw invalid(name, `应为 Patient/编号 或 编号：${raw}`, `expected Patient/id or id: ${raw}`);
  }
  return m[1]!;
}

// --- The paging cursor: opaque base64url of [sort param, desc, sort value, id]. Keyset, never offset.

export function encodeCursor(sort: { param: string; desc: boolean }, after: After): string {
  return Buffer.from(JSON.stringify([sort.param, sort.desc ? 1 : 0, after.value, after.id]), 'utf8').toString(
    'base64url',
  );
}

export function decodeCursor(raw: string, sort: { param: string; desc: boolean }): After {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw fhirErrors.invalidCursor(undefined, { en: '_cursor is not a cursor this server gave' });
  }
  const ok =
    Array.isArray(key) &&
    key.length === 4 &&
    key[0] === sort.param &&
    key[1] === (sort.desc ? 1 : 0) &&
    (typeof key[2] === 'string' || (typeof key[2] === 'number' && Number.isFinite(key[2]))) &&
    typeof key[3] === 'string' &&
    FHIR_ID.test(key[3]);
  if (!ok) {
    throw fhirErrors.invalidCursor('_cursor 与这次查询的排序不符，或已损坏。', {
      en: '_cursor does not belong to this search (other sort) or is damaged',
    });
  }
  const [, , value, id] = key as [string, number, string | number, string];
  return { value, id };
}

/** The includes a type offers, as `_include` values: `Type:param`, or `Type:param:Target` when a param has several targets. */
export function includeValues(provider: FhirProvider): string[] {
  const out: string[] = [];
  for (const inc of provider.includes) {
    const several = provider.includes.filter((i) => i.param === inc.param).length > 1;
    out.push(several ? `${provider.type}:${inc.param}:${inc.target}` : `${provider.type}:${inc.param}`);
  }
  return [...new Set(out)];
}

/** The `_sort` values a type accepts: each declared key, ascending and descending. */
export function sortValues(provider: FhirProvider): string[] {
  return provider.sorts.flatMap((s) => {
    const key = s.replace(/^-/, '');
    return [key, `-${key}`];
  });
}

/** Intersects the OR lists of repeated occurrences (AND); undefined when the parameter was absent. */
function intersect(lists: string[][]): string[] | undefined {
  if (lists.length === 0) return undefined;
  let acc = [...new Set(lists[0])];
  for (const list of lists.slice(1)) acc = acc.filter((v) => list.includes(v));
  return acc;
}

const one = (name: string, values: string[]): string => {
  if (values.length > 1) throw invalid(name, '只能出现一次', 'may appear only once');
  return values[0]!;
};

/** Parses a search on `provider`'s type; throws FHIR_UNKNOWN_PARAMETER / FHIR_INVALID_PARAMETER / FHIR_INVALID_CURSOR. */
export function parseSearch(provider: FhirProvider, params: Params): ParsedSearch {
  const byName = new Map<string, string[]>();
  for (const [name, value] of params) {
    // FHIR: a parameter without a value is ignored.
    if (value === '') continue;
    byName.set(name, [...(byName.get(name) ?? []), value]);
  }
  const common = new Set<string>(provider.common);
  const declared = new Map(provider.searchParams.map((p) => [p.name, p]));
  const known = (name: string) =>
    (RESULT_PARAMS as readonly string[]).includes(name) ||
    name === '_id' ||
    name === '_lastUpdated' ||
    common.has(name) ||
    declared.has(name);
  for (const name of byName.keys()) {
    if (!known(name)) {
      throw fhirErrors.unknownParameter(`${provider.type} 不支持查询参数 ${name}（严格模式）。`, {
        en: `${provider.type} does not support the search parameter ${name} (strict handling)`,
        parameter: name,
      });
    }
  }
  const get = (name: string) => byName.get(name) ?? [];

  // _count
  let count = COUNT_DEFAULT;
  if (byName.has('_count')) {
    const raw = one('_count', get('_count'));
    if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1) {
      throw invalid('_count', '应为正整数', 'must be a positive integer');
    }
    count = Math.min(Number(raw), COUNT_MAX);
  }

  // _sort: one key the type declared; '-' for descending. The default: the first declared key.
  const first = provider.sorts[0] ?? '_id';
  let sort = { param: first.replace(/^-/, ''), desc: first.startsWith('-') };
  if (byName.has('_sort')) {
    const raw = one('_sort', get('_sort'));
    if (raw.includes(',')) throw invalid('_sort', '只支持一个排序键', 'only one sort key is supported');
    const key = raw.replace(/^-/, '');
    if (!provider.sorts.some((s) => s.replace(/^-/, '') === key)) {
      throw invalid(
        '_sort',
        `不支持按 ${key} 排序（可用：${sortValues(provider).join(', ')}）`,
        `cannot sort by ${key} (allowed: ${sortValues(provider).join(', ')})`,
      );
    }
    sort = { param: key, desc: raw.startsWith('-') };
  }

  const after = byName.has('_cursor') ? decodeCursor(one('_cursor', get('_cursor')), sort) : undefined;

  // _include=Type:param[:Target]
  const includes: IncludeDef[] = [];
  for (const raw of get('_include')) {
    const [type, param, target, ...rest] = raw.split(':');
    const matching = provider.includes.filter(
      (i) => i.param === param && (target === undefined || i.target === target),
    );
    if (type !== provider.type || rest.length > 0 || matching.length === 0) {
      throw invalid(
        '_include',
        `不支持 ${raw}（可用：${includeValues(provider).join(', ') || '无'}）`,
        `${raw} is not supported (allowed: ${includeValues(provider).join(', ') || 'none'})`,
      );
    }
    for (const m of matching) if (!includes.includes(m)) includes.push(m);
  }

  let empty = false;
  const orList = (lists: string[][]): string[] | undefined => {
    const out = intersect(lists);
    if (out && out.length === 0) empty = true;
    return out;
  };

  // _id: ids that cannot exist (not FHIR id syntax) match nothing.
  const ids = orList(get('_id').map((v) => splitOr(v).filter((id) => FHIR_ID.test(id))));

  // patient / subject (both are AND-ed): patient ids are UUIDs; another shape matches nothing.
  const patientLists: string[][] = [];
  for (const name of ['patient', 'subject'] as const) {
    if (!common.has(name)) continue;
    for (const v of get(name)) {
      patientLists.push(
        splitOr(v)
          .map((ref) => parsePatientRef(name, ref))
          .filter(isUuid),
      );
    }
  }
  const patients = orList(patientLists);

  const status = common.has('status') ? orList(get('status').map((v) => splitOr(v))) : undefined;

  const dates = (name: string) => get(name).map((v) => parseDate(name, v));
  const tokens = (name: string) => get(name).map((v) => tokenList(name, v));

  // Type-specific parameters the provider declared (and the common ones it did not take as common).
  const rest: Record<string, string[]> = {};
  for (const [name, values] of byName) {
    if (declared.has(name) && !common.has(name) && !['_id', '_lastUpdated'].includes(name)) {
      rest[name] = values;
    }
  }

  const query: ParsedSearch['query'] = {
    lastUpdated: dates('_lastUpdated'),
    date: common.has('date') ? dates('date') : [],
    identifier: common.has('identifier') ? tokens('identifier') : [],
    code: common.has('code') ? tokens('code') : [],
    params: rest,
    sort,
    ...(ids ? { ids } : {}),
    ...(patients ? { patients } : {}),
    ...(status ? { status } : {}),
    ...(after ? { after } : {}),
  };
  return { query, count, includes, empty };
}
