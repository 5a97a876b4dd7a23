/**
 * How the access check weighs several relationships with one patient (SEC-1): one decision per
 * relationship, strongest first, categories united, the latest end kept.
 */
import { describe, expect, it } from 'vitest';
import { type CareDecision, covers, mergeDecisions } from './care-access.js';

const at = (iso: string) => new Date(iso);

describe('mergeDecisions (SEC-1)', () => {
  it('orders relationships strongest first: self, proxy, visit, …, authorisation, break_glass last', () => {
    const merged = mergeDecisions([
      { relationship: 'break_glass', categories: null, until: at('2026-11-23T00:00:00Z') },
      { relationship: 'authorisation', categories: ['labs'], until: at('2026-11-29T00:00:00Z') },
      { relationship: 'visit', categories: null, until: null },
    ]);
    expect(merged.map((d) => d.relationship)).toEqual(['visit', 'authorisation', 'break_glass']);
  });

  it('unites the categories of two authorisations, in the contract’s order, and keeps the later expiry', () => {
    const merged = mergeDecisions([
      { relationship: 'authorisation', categories: ['exams'], until: at('2026-11-29T00:00:00Z') },
      { relationship: 'authorisation', categories: ['labs', 'basic'], until: at('2026-12-22T00:00:00Z') },
    ]);
    expect(merged).toEqual([
      {
        relationship: 'authorisation',
        categories: ['basic', 'labs', 'exams'],
        until: at('2026-12-22T00:00:00Z'),
      },
    ]);
  });

  it('an all-categories grant and an open visit win over narrower and ending ones', () => {
    const merged = mergeDecisions([
      { relationship: 'authorisation', categories: ['labs'], until: at('2026-12-22T00:00:00Z') },
      { relationship: 'authorisation', categories: null, until: at('2026-11-29T00:00:00Z') },
      { relationship: 'visit', categories: null, until: at('2026-12-01T00:00:00Z') },
      { relationship: 'visit', categories: null, until: null },
    ]);
    expect(merged).toEqual([
      { relationship: 'visit', categories: null, until: null },
      { relationship: 'authorisation', categories: null, until: at('2026-12-22T00:00:00Z') },
    ]);
  });

  it('does not change the decisions it was given', () => {
    const given: CareDecision[] = [
      { relationship: 'authorisation', categories: ['exams'], until: at('2026-11-29T00:00:00Z') },
      { relationship: 'authorisation', categories: ['labs'], until: at('2026-12-22T00:00:00Z') },
    ];
    mergeDecisions(given);
    expect(given[0]!.categories).toEqual(['exams']);
  });

  it('covers: null is every category; a list only its own', () => {
    expect(covers({ relationship: 'visit', categories: null, until: null }, 'exams')).toBe(true);
    expect(covers({ relationship: 'authorisation', categories: ['labs'], until: null }, 'labs')).toBe(true);
    expect(covers({ relationship: 'authorisation', categories: ['labs'], until: null }, 'basic')).toBe(false);
  });
});
