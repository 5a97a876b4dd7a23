/**
 * Pure directory rules: the doctor titles and their order, what a practitioner record must satisfy
 * (ORG-1), and who offers online first visits. No database or clock here: callers pass the year.
 */

import type { PractitionerKind, Title } from '../../../shared/directory.js';

// The directory's names are part of its API contract, defined once in src/shared/.
export {
  type DirectoryStatus,
  INSTITUTION_LEVELS,
  INSTITUTION_TYPES,
  type InstitutionLevel,
  type InstitutionType,
  PRACTITIONER_KINDS,
  type PractitionerKind,
  TITLES,
  type Title,
} from '../../../shared/directory.js';
export type { Sex } from '../../../shared/http.js';
export type { Mode as ScheduleMode } from '../../../shared/scheduling.js';

/**
 * Listing order of doctors: chief first. Mirrors the generated column practitioner.title_order
 * (0005_directory.sql), which the database sorts on; the two must stay in step.
 */
export const TITLE_ORDER: Record<Title, number> = {
  chief: 1,
  associate_chief: 2,
  attending: 3,
  resident: 4,
};

/** ORG-1: years of independent clinical practice before a doctor may practise online. */
export const MIN_YEARS_BEFORE_ONLINE = 3;
/** PILOT-2: years of online follow-up practice before a doctor may join the first-visit pilot. */
export const MIN_ONLINE_YEARS_BEFORE_FIRST_VISIT = 1;
/** No licensed practitioner started practising before this year; earlier is a typing mistake. */
export const EARLIEST_PRACTICE_YEAR = 1950;

export interface PractitionerFacts {
  kind: PractitionerKind;
  title: Title | null;
  practiceSince: number;
  onlineFollowUpSince: number | null;
  offersOnline: boolean;
  firstVisitTrained: boolean;
}

export type PractitionerProblem =
  | { code: 'TITLE_REQUIRED'; field: 'title' }
  | { code: 'TITLE_NOT_FOR_KIND'; field: 'title' }
  | { code: 'PRACTICE_YEAR_INVALID'; field: 'practiceSince' }
  | { code: 'ONLINE_YEAR_INVALID'; field: 'onlineFollowUpSince' }
  | { code: 'FIRST_VISIT_NOT_FOR_KIND'; field: 'firstVisitTrained' }
  | { code: 'ONLINE_PRACTICE_TOO_SHORT'; field: 'offersOnline'; years: number }
  | { code: 'FIRST_VISIT_BAR_NOT_MET'; field: 'firstVisitTrained' };

/**
 * What a practitioner record must satisfy, given the current year (Asia/Shanghai). Returns the first
 * problem, or null. Shape problems (a title on a nurse, a year in the future) come before the
 * regulation (ORG-1), so a typing mistake is not reported as a breach of the rule.
 */
export function practitionerProblem(p: PractitionerFacts, currentYear: number): PractitionerProblem | null {
  // Titles 住院医师…主任医师 are doctors' titles; nurses and pharmacists carry theirs in professionalTitle.
  if (p.kind === 'doctor' && p.title === null) return { code: 'TITLE_REQUIRED', field: 'title' };
  if (p.kind !== 'doctor' && p.title !== null) return { code: 'TITLE_NOT_FOR_KIND', field: 'title' };
  if (p.practiceSince < EARLIEST_PRACTICE_YEAR || p.practiceSince > currentYear) {
    return { code: 'PRACTICE_YEAR_INVALID', field: 'practiceSince' };
  }
  if (
    p.onlineFollowUpSince !== null &&
    (p.onlineFollowUpSince < p.practiceSince || p.onlineFollowUpSince > currentYear)
  ) {
    return { code: 'ONLINE_YEAR_INVALID', field: 'onlineFollowUpSince' };
  }
  // The online first-visit pilot trains doctors (PILOT-2); nobody else sees patients first online.
  if (p.kind !== 'doctor' && p.firstVisitTrained) {
    return { code: 'FIRST_VISIT_NOT_FOR_KIND', field: 'firstVisitTrained' };
  }
  // ORG-1: a doctor practises online only after 3 years of independent clinical practice.
  const years = currentYear - p.practiceSince;
  if (p.kind === 'doctor' && p.offersOnline && years < MIN_YEARS_BEFORE_ONLINE) {
    return { code: 'ONLINE_PRACTICE_TOO_SHORT', field: 'offersOnline', years };
  }
  // PILOT-2: the first-visit bar — 3 years of practice, 主治医师 or above, 1 year of online follow-up.
  if (
    p.firstVisitTrained &&
    (years < MIN_YEARS_BEFORE_ONLINE ||
      p.title === 'resident' ||
      p.onlineFollowUpSince === null ||
      currentYear - p.onlineFollowUpSince < MIN_ONLINE_YEARS_BEFORE_FIRST_VISIT)
  ) {
    return { code: 'FIRST_VISIT_BAR_NOT_MET', field: 'firstVisitTrained' };
  }
  return null;
}

/**
 * A doctor offers online first visits (the 2026 pilot, PILOT-1/2) when trained for it and when their
 * institution's internet hospital is approved for first visits.
 */
export function offersOnlineFirstVisit(
  kind: string,
  firstVisitTrained: boolean,
  internetHospitalServices: readonly string[] | null,
): boolean {
  return kind === 'doctor' && firstVisitTrained && (internetHospitalServices ?? []).includes('first_visit');
}

/** Escapes a user's keyword for `ILIKE '%…%'`: `%`, `_` and the escape character itself match literally. */
export function likeContains(keyword: string): string {
  return `%${keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
