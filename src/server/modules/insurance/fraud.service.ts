/**
 * 智能监管 (INS-4): fraud and misuse rules on every settlement and in a nightly batch; alerts with their
 * evidence; a confirmed hit blocks its subject from settlement until cleared. (helper D)
 */
import type { CommandScope } from '../../platform/command.js';
import type { Executor } from '../../platform/db/database.js';
import type { SettlementFacts } from './facts.js';

/** Runs every rule on one settlement, in the settlement's command; hits become open alerts. */
export async function screenSettlement(_cmd: CommandScope, _facts: SettlementFacts): Promise<void> {}

/**
 * Refuses settlement for a person or a doctor with a confirmed, uncleared hit:
 * INSURANCE_BLOCKED_PATIENT / INSURANCE_BLOCKED_PRACTITIONER.
 */
export async function assertNotBlocked(
  _db: Executor,
  _subjects: { patientId: string; practitionerId: string | null },
): Promise<void> {}
