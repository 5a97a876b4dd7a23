import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors.js';
import {
  COUNT_DEFAULT,
  COUNT_MAX,
  decodeCursor,
  encodeCursor,
  includeValues,
  type Params,
  parseDate,
  parsePatientRef,
  parseSearch,
  parseToken,
  sortValues,
  splitOr,
} from './search.js';
import type { FhirProvider } from './types.js';

const P1 = '0192a1b2-0000-7000-8000-000000000001';
const P2 = '0192a1b2-0000-7000-8000-000000000002';

const provider: FhirProvider = {
  type: 'Observation',
  category: 'labs',
  common: ['patient', 'subject', 'date', 'status', 'code'],
  searchParams: [{ name: 'category', type: 'token', documentation: 'laboratory | vital-signs' }],
  sorts: ['-date', '_lastUpdated', '_id'],
  includes: [
    { param: 'patient', target: 'Patient', ids: () => [] },
    { param: 'performer', target: 'Practitioner', ids: () => [] },
    { param: 'performer', target: 'Organization', ids: () => [] },
  ],
  read: async () => null,
  search: async () => [],
};

const p = (query: string): Params => [...new URLSearchParams(query).entries()];
const parse = (query: string) => parseSearch(provider, p(query));

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return `${err.status} ${err.code}`;
    throw err;
  }
  return 'no error';
}

describe('FHIR search parsing (strict handling, DJ-18)', () => {
  it('refuses a parameter the type does not declare with 400 FHIR_UNKNOWN_PARAMETER', () => {
    expect(codeOf(() => parse('foo=1'))).toBe('400 FHIR_UNKNOWN_PARAMETER');
    expect(codeOf(() => parse('code:text=x'))).toBe('400 FHIR_UNKNOWN_PARAMETER');
    expect(codeOf(() => parse('identifier=x'))).toBe('400 FHIR_UNKNOWN_PARAMETER'); // not in this type's common
    expect(codeOf(() => parse('category=laboratory&_id=x&_lastUpdated=2026&_format=json'))).toBe('no error');
  });

  it('ignores a parameter given without a value (FHIR: empty is ignored)', () => {
    expect(parse('status=&patient=').query.status).toBeUndefined();
  });

  it('pages 20 by default, at most 100, and refuses a count that is not a positive integer', () => {
    expect(parse('').count).toBe(COUNT_DEFAULT);
    expect(parse('_count=5').count).toBe(5);
    expect(parse('_count=1000').count).toBe(COUNT_MAX);
    for (const bad of ['0', '-1', 'x', '1.5']) {
      expect(codeOf(() => parse(`_count=${bad}`))).toBe('400 FHIR_INVALID_PARAMETER');
    }
    expect(codeOf(() => parse('_count=1&_count=2'))).toBe('400 FHIR_INVALID_PARAMETER');
  });

  it('sorts by one declared key, "-" descending; the default is the first declared, with its direction', () => {
    expect(parse('').query.sort).toEqual({ param: 'date', desc: true });
    expect(parse('_sort=date').query.sort).toEqual({ param: 'date', desc: false });
    expect(parse('_sort=-_lastUpdated').query.sort).toEqual({ param: '_lastUpdated', desc: true });
    expect(codeOf(() => parse('_sort=status'))).toBe('400 FHIR_INVALID_PARAMETER');
    expect(codeOf(() => parse('_sort=date,_id'))).toBe('400 FHIR_INVALID_PARAMETER');
    expect(sortValues(provider)).toEqual(['date', '-date', '_lastUpdated', '-_lastUpdated', '_id', '-_id']);
  });

  it('reads patient and subject as Patient/x or x, commas OR, repeats AND (with each other too)', () => {
    expect(parse(`patient=Patient/${P1},${P2}`).query.patients).toEqual([P1, P2]);
    expect(parse(`patient=${P1},${P2}&subject=Patient/${P2}`).query.patients).toEqual([P2]);
    const none = parse(`patient=${P1}&patient=${P2}`);
    expect(none.query.patients).toEqual([]);
    expect(none.empty).toBe(true);
    expect(parse('patient=Patient/not-a-uuid').empty).toBe(true);
    expect(codeOf(() => parse(`subject=Group/${P1}`))).toBe('400 FHIR_INVALID_PARAMETER');
    expect(parsePatientRef('patient', `http://h/fhir/R4/Patient/${P1}`)).toBe(P1);
  });

  it('reads _id as an OR list; ids that cannot exist match nothing', () => {
    expect(parse(`_id=${P1},${P2}`).query.ids).toEqual([P1, P2]);
    expect(parse('_id=a b').empty).toBe(true);
  });

  it('reads status as OR within one parameter and AND across repeats', () => {
    expect(parse('status=final,amended').query.status).toEqual(['final', 'amended']);
    expect(parse('status=final,amended&status=final').query.status).toEqual(['final']);
  });

  it('reads tokens as system|code, |code and code; escaped commas and bars are data', () => {
    expect(parseToken('code', 'http://loinc.org|8480-6')).toEqual({
      system: 'http://loinc.org',
      code: '8480-6',
    });
    expect(parseToken('code', '|X1')).toEqual({ system: '', code: 'X1' });
    expect(parseToken('code', '8480-6')).toEqual({ code: '8480-6' });
    expect(parseToken('code', 'a\\|b')).toEqual({ code: 'a|b' });
    expect(codeOf(() => parseToken('code', 'http://loinc.org|'))).toBe('400 FHIR_INVALID_PARAMETER');
    const q = parse('code=http://loinc.org|1,http://loinc.org|2&code=3').query;
    expect(q.code).toEqual([
      [
        { system: 'http://loinc.org', code: '1' },
        { system: 'http://loinc.org', code: '2' },
      ],
      [{ code: '3' }],
    ]);
    expect(splitOr('a\\,b,c')).toEqual(['a,b', 'c']);
  });

  it('keeps the parameters the type declared beyond the common ones, raw', () => {
    expect(parse('category=laboratory&category=vital-signs').query.params).toEqual({
      category: ['laboratory', 'vital-signs'],
    });
  });

  it('offers _include values the type declares, with a target where a parameter has several', () => {
    expect(includeValues(provider)).toEqual([
      'Observation:patient',
      'Observation:performer:Practitioner',
      'Observation:performer:Organization',
    ]);
    expect(parse('_include=Observation:patient').includes.map((i) => i.target)).toEqual(['Patient']);
    expect(parse('_include=Observation:performer').includes.map((i) => i.target)).toEqual([
      'Practitioner',
      'Organization',
    ]);
    expect(parse('_include=Observation:performer:Organization').includes).toHaveLength(1);
    for (const bad of ['*', 'Observation:subject', 'Condition:patient', 'Observation:patient:Group']) {
      expect(codeOf(() => parse(`_include=${bad}`))).toBe('400 FHIR_INVALID_PARAMETER');
    }
  });
});

describe('FHIR date search values (prefixes and precision; Asia/Shanghai when no zone)', () => {
  const range = (raw: string) => {
    const f = parseDate('date', raw);
    return [f.prefix, f.start.toISOString(), f.end.toISOString()];
  };

  it('covers the year, the month, the day of the value in Asia/Shanghai', () => {
    expect(range('2026')).toEqual(['eq', '2025-12-31T16:00:00.000Z', '2026-12-31T16:00:00.000Z']);
    expect(range('2026-02')).toEqual(['eq', '2026-01-31T16:00:00.000Z', '2026-02-28T16:00:00.000Z']);
    expect(range('2026-12')).toEqual(['eq', '2026-11-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z']);
    expect(range('ge2026-03-05')).toEqual(['ge', '2026-03-04T16:00:00.000Z', '2026-03-05T16:00:00.000Z']);
  });

  it('covers the minute, the second or the millisecond of a time; honours a given zone', () => {
    expect(range('lt2026-03-05T08:30')).toEqual([
      'lt',
      '2026-03-05T00:30:00.000Z',
      '2026-03-05T00:31:00.000Z',
    ]);
    expect(range('gt2026-03-05T08:30:15Z')).toEqual([
      'gt',
      '2026-03-05T08:30:15.000Z',
      '2026-03-05T08:30:16.000Z',
    ]);
    expect(range('le2026-03-05T08:30:15.25+01:00')).toEqual([
      'le',
      '2026-03-05T07:30:15.250Z',
      '2026-03-05T07:30:15.251Z',
    ]);
    // An unencoded '+' arrives as a space.
    expect(range('2026-03-05T08:30:00 08:00')).toEqual([
      'eq',
      '2026-03-05T00:30:00.000Z',
      '2026-03-05T00:30:01.000Z',
    ]);
  });

  it('takes every prefix FHIR defines and refuses others and impossible dates', () => {
    for (const prefix of ['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'sa', 'eb', 'ap']) {
      expect(parseDate('date', `${prefix}2026-01-01`).prefix).toBe(prefix);
    }
    for (const bad of [
      'xx2026',
      '2026-13',
      '2026-02-30',
      '2026-1-1',
      '26-01-01',
      '2026-01-01T25:00',
      'today',
    ]) {
      expect(
        codeOf(() => parseDate('date', bad)),
        bad,
      ).toBe('400 FHIR_INVALID_PARAMETER');
    }
  });

  it('ANDs repeated date and _lastUpdated parameters', () => {
    const q = parse('date=ge2026-01&date=lt2026-02&_lastUpdated=gt2026-01-15').query;
    expect(q.date.map((d) => d.prefix)).toEqual(['ge', 'lt']);
    expect(q.lastUpdated.map((d) => d.prefix)).toEqual(['gt']);
  });
});

describe('the keyset paging cursor', () => {
  const sort = { param: 'date', desc: true };

  it('carries the sort value and the id, and only for the search it was made for', () => {
    const c = encodeCursor(sort, { value: '2026-03-05T00:00:00.000Z', id: P1 });
    expect(decodeCursor(c, sort)).toEqual({ value: '2026-03-05T00:00:00.000Z', id: P1 });
    expect(parse(`_cursor=${c}`).query.after).toEqual({ value: '2026-03-05T00:00:00.000Z', id: P1 });
    expect(codeOf(() => decodeCursor(c, { param: 'date', desc: false }))).toBe('400 FHIR_INVALID_CURSOR');
    expect(codeOf(() => parse(`_sort=_id&_cursor=${c}`))).toBe('400 FHIR_INVALID_CURSOR');
    expect(codeOf(() => decodeCursor('garbage!', sort))).toBe('400 FHIR_INVALID_CURSOR');
    const forged = Buffer.from(JSON.stringify(['date', 1, {}, P1])).toString('base64url');
    expect(codeOf(() => decodeCursor(forged, sort))).toBe('400 FHIR_INVALID_CURSOR');
  });
});
