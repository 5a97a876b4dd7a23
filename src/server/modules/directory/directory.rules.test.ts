import { describe, expect, it } from 'vitest';
import { cutPage, decodeCursor, encodeCursor } from '../../platform/paging.js';
import { PRACTITIONERS } from '../../seed/region-data.js';
import {
  likeContains,
  offersOnlineFirstVisit,
  type PractitionerFacts,
  practitionerProblem,
  TITLE_ORDER,
  TITLES,
} from './directory.rules.js';

const doctor: PractitionerFacts = {
  kind: 'doctor',
  title: 'attending',
  practiceSince: 2015,
  onlineFollowUpSince: 2022,
  offersOnline: true,
  firstVisitTrained: false,
};

describe('practitionerProblem', () => {
  it('accepts a well-formed doctor', () => {
    expect(practitionerProblem(doctor, 2026)).toBeNull();
  });

  it('a doctor needs a title; nurses and pharmacists have none', () => {
    expect(practitionerProblem({ ...doctor, title: null }, 2026)?.code).toBe('TITLE_REQUIRED');
    expect(practitionerProblem({ ...doctor, kind: 'nurse' }, 2026)?.code).toBe('TITLE_NOT_FOR_KIND');
    expect(practitionerProblem({ ...doctor, kind: 'nurse', title: null }, 2026)).toBeNull();
  });

  it('refuses years before 1950, in the future, or online before practice', () => {
    expect(practitionerProblem({ ...doctor, practiceSince: 1949 }, 2026)?.code).toBe('PRACTICE_YEAR_INVALID');
    expect(practitionerProblem({ ...doctor, practiceSince: 2027 }, 2026)?.code).toBe('PRACTICE_YEAR_INVALID');
    expect(practitionerProblem({ ...doctor, onlineFollowUpSince: 2014 }, 2026)?.code).toBe(
      'ONLINE_YEAR_INVALID',
    );
    expect(practitionerProblem({ ...doctor, onlineFollowUpSince: 2027 }, 2026)?.code).toBe(
      'ONLINE_YEAR_INVALID',
    );
  });

  it('ORG-1: online practice from the third year of independent practice', () => {
    expect(practitionerProblem({ ...doctor, practiceSince: 2024, onlineFollowUpSince: null }, 2026)).toEqual({
      code: 'ONLINE_PRACTICE_TOO_SHORT',
      field: 'offersOnline',
      years: 2,
    });
    expect(
      practitionerProblem({ ...doctor, practiceSince: 2023, onlineFollowUpSince: null }, 2026),
    ).toBeNull();
    // Not offering online: no bar.
    expect(
      practitionerProblem(
        { ...doctor, practiceSince: 2026, offersOnline: false, onlineFollowUpSince: null },
        2026,
      ),
    ).toBeNull();
    // Nurses' online nursing consultation is not a doctor's online practice.
    expect(
      practitionerProblem(
        { ...doctor, kind: 'nurse', title: null, practiceSince: 2025, onlineFollowUpSince: null },
        2026,
      ),
    ).toBeNull();
  });

  it('PILOT-2: the first-visit bar — attending or above, 3 years, 1 year online follow-up', () => {
    const trained = { ...doctor, firstVisitTrained: true };
    expect(practitionerProblem(trained, 2026)).toBeNull();
    expect(practitionerProblem({ ...trained, title: 'resident' }, 2026)?.code).toBe(
      'FIRST_VISIT_BAR_NOT_MET',
    );
    expect(practitionerProblem({ ...trained, onlineFollowUpSince: null }, 2026)?.code).toBe(
      'FIRST_VISIT_BAR_NOT_MET',
    );
    expect(practitionerProblem({ ...trained, onlineFollowUpSince: 2026 }, 2026)?.code).toBe(
      'FIRST_VISIT_BAR_NOT_MET',
    );
    expect(
      practitionerProblem(
        { ...trained, offersOnline: false, practiceSince: 2024, onlineFollowUpSince: 2024 },
        2026,
      )?.code,
    ).toBe('FIRST_VISIT_BAR_NOT_MET');
    expect(practitionerProblem({ ...trained, kind: 'pharmacist', title: null }, 2026)?.code).toBe(
      'FIRST_VISIT_NOT_FOR_KIND',
    );
  });

  it('every practitioner of the demo region passes (as of 2026)', () => {
    for (const p of PRACTITIONERS) {
      const facts: PractitionerFacts = {
        kind: p.kind,
        title: p.title,
        practiceSince: p.practiceSince,
        onlineFollowUpSince: p.onlineFollowUpSince ?? null,
        offersOnline: p.offersOnline,
        firstVisitTrained: p.firstVisitTrained ?? false,
      };
      expect(practitionerProblem(facts, 2026), p.code).toBeNull();
    }
  });
});

describe('offersOnlineFirstVisit', () => {
  it('needs a trained doctor at an internet hospital approved for first visits', () => {
    expect(offersOnlineFirstVisit('doctor', true, ['follow_up', 'first_visit'])).toBe(true);
    expect(offersOnlineFirstVisit('doctor', true, ['follow_up'])).toBe(false);
    expect(offersOnlineFirstVisit('doctor', true, null)).toBe(false);
    expect(offersOnlineFirstVisit('doctor', false, ['first_visit'])).toBe(false);
    expect(offersOnlineFirstVisit('nurse', true, ['first_visit'])).toBe(false);
  });
});

describe('title order', () => {
  it('puts chief first and gives every title its own rank', () => {
    const ranked = [...TITLES].sort((a, b) => TITLE_ORDER[a] - TITLE_ORDER[b]);
    expect(ranked).toEqual(['chief', 'associate_chief', 'attending', 'resident']);
  });
});

describe('likeContains', () => {
  it('escapes LIKE wildcards and the escape character', () => {
    expect(likeContains('心血管')).toBe('%心血管%');
    expect(likeContains('100%')).toBe('%100\\%%');
    expect(likeContains('a_b\\c')).toBe('%a\\_b\\\\c%');
  });
});

describe('cursors', () => {
  it('round-trip a key and refuse anything of another shape with 400', () => {
    const id = '01900000-0000-7000-8000-000000000000';
    const c = encodeCursor([1, '陈建国', id]);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c, ['number', 'string', 'uuid'])).toEqual([1, '陈建国', id]);
    expect(decodeCursor(undefined, ['string'])).toBeUndefined();
    for (const bad of [
      '%%%',
      encodeCursor(['a']),
      encodeCursor([1.5, 'a', id]),
      encodeCursor([1, 'a', 'x']),
    ]) {
      expect(() => decodeCursor(bad, ['number', 'string', 'uuid'])).toThrow(
        expect.objectContaining({ status: 400, code: 'VALIDATION_FAILED' }),
      );
    }
  });

  it('an instant key is a time as toISOString writes it; anything else is a 400, not an Invalid Date', () => {
    const id = '01900000-0000-7000-8000-000000000000';
    const at = '2026-11-22T02:00:00.123Z';
    expect(decodeCursor(encodeCursor([at, id]), ['instant', 'uuid'])).toEqual([at, id]);
    for (const bad of [
      'x',
      '',
      '2026-13-01T00:00:00.000Z',
      '2027-02-30T00:00:00.000Z',
      '2026-11-22',
      'NaN',
    ]) {
      expect(() => decodeCursor(encodeCursor([bad, id]), ['instant', 'uuid'])).toThrow(
        expect.objectContaining({ status: 400, code: 'VALIDATION_FAILED' }),
      );
    }
  });

  it('cut a page after its last row only when there is more', () => {
    expect(cutPage([1, 2], 2, (n) => [n])).toEqual({ rows: [1, 2], nextCursor: null });
    expect(cutPage([1, 2, 3], 2, (n) => [n])).toEqual({ rows: [1, 2], nextCursor: encodeCursor([2]) });
  });
});
