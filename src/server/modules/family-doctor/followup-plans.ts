/**
 * What the rest of the module asks of chronic follow-up ([12/12], FD-7, FD-8), in the caller's transaction:
 * a contract that comes into force starts a management plan for each condition its packages cover, and a
 * downward referral's care plan becomes follow-up tasks on the team's worklist. Stubs until the follow-up
 * part fills them in.
 */
import type { Condition } from '../../../shared/family-doctor.js';
import type { FamilyDoctorSettings } from '../../platform/config.js';
import type { Executor } from '../../platform/db/database.js';

/**
 * Starts (or keeps) a plan per condition for a resident whose contract with `teamId` is now in force, and
 * schedules its follow-ups (≥ settings.followupsPerYear a year). Idempotent: a live plan for the condition is
 * moved to the team, not doubled.
 */
export async function startFollowupPlans(
  _trx: Executor,
  _input: {
    patientId: string;
    teamId: string;
    conditions: readonly Condition[];
    startsOn: string;
    now: Date;
    settings: FamilyDoctorSettings;
  },
): Promise<void> {}

/** A downward referral's care plan: one follow-up per task (reason care_plan) on the resident's team's worklist. */
export async function addCarePlanTasks(
  _trx: Executor,
  _input: {
    patientId: string;
    teamId: string;
    referralId: string;
    tasks: readonly { title: string; dueInDays: number }[];
    today: string;
    now: Date;
  },
): Promise<void> {}
