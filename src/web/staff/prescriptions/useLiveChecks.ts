import { useCallback, useEffect, useRef, useState } from 'react';
import type { CheckResult, PrescriptionBody, RuleCheck } from '../../../shared/prescriptions.js';
import { post } from '../../api.js';
import { violationsOf } from './checks.js';

/** Live checking waits this long after the last keystroke. */
const CHECK_DELAY_MS = 400;

export interface LiveChecks {
  checks: RuleCheck[];
  checking: boolean;
  /** A refusal that is not a rule failure (the visit closed, the network). */
  error: unknown;
  /** The last save or sign was refused by the rules (422). */
  refused: boolean;
  /** What a save or sign answered: its checks, or the violations of its 422. */
  report(checks: RuleCheck[], refused: boolean): void;
}

/**
 * Live rule feedback: the body is sent to the dry-run check (`path`) 400 ms after it last changed;
 * only the newest answer is kept. Null while the editor's lines are incomplete: nothing is asked.
 */
export function useLiveChecks(path: string, body: PrescriptionBody | null, initial: RuleCheck[]): LiveChecks {
  const [checks, setChecks] = useState<RuleCheck[]>(initial);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<unknown>();
  const [refused, setRefused] = useState(false);
  const asked = useRef(0);
  const bodyKey = body ? JSON.stringify(body) : '';

  useEffect(() => {
    if (!bodyKey) return;
    const mine = ++asked.current;
    const timer = window.setTimeout(async () => {
      setChecking(true);
      try {
        const result = await post<CheckResult>(path, JSON.parse(bodyKey));
        if (mine !== asked.current) return;
        setChecks(result.checks);
        setError(undefined);
        setRefused(false);
      } catch (failure) {
        if (mine !== asked.current) return;
        const violations = violationsOf(failure);
        if (violations.length > 0) setChecks(violations);
        setError(violations.length > 0 ? undefined : failure);
      } finally {
        if (mine === asked.current) setChecking(false);
      }
    }, CHECK_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [bodyKey, path]);

  const report = useCallback((next: RuleCheck[], wasRefused: boolean) => {
    setChecks(next);
    setRefused(wasRefused);
  }, []);

  return { checks, checking, error, refused, report };
}
