/**
 * AuditEvent.action from our action names ([6/12]): the verb decides (R for reads, lists and exports, E for
 * sign-ins, refusals and break-glass, C for creations, D for removals, U for the rest), and the SQL used by
 * `action=` searches applies the same rules in the same order.
 */
import { describe, expect, it } from 'vitest';
import { ACTION_RULES, auditActionCode } from './audit.fhir.js';

describe('auditActionCode', () => {
  it.each([
    ['record.read', 'R'],
    ['visit.timeline.read', 'R'],
    ['prescription.list', 'R'],
    ['record.export', 'R'],
    ['access.denied', 'E'],
    ['auth.login', 'E'],
    ['record.break_glass', 'E'],
    ['payment.notification.forged', 'E'],
    ['fulfilment.pickup_code_wrong', 'E'],
    ['visit.create', 'C'],
    ['family_proxy.add', 'C'],
    ['attachment.upload', 'C'],
    ['offline_diagnosis.record', 'C'],
    ['formulary.remove', 'D'],
    ['prescription.sign', 'U'],
    ['fulfilment.dispense', 'U'],
    ['family_proxy.revoke', 'U'],
  ])('%s → %s', (action, code) => {
    expect(auditActionCode(action)).toBe(code);
  });

  it('the patterns are valid in both JavaScript and PostgreSQL syntax (no lookarounds, no \\d shortcuts)', () => {
    for (const [, pattern] of ACTION_RULES) expect(pattern).not.toMatch(/\(\?|\\d|\\w/);
  });
});
