import type { AppError } from '../errors.js';

/** PostgreSQL's unique_violation (SQLSTATE 23505), optionally of one named constraint or index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string } | null;
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/**
 * Runs a write whose unique index is the last word on a conflict (style.md: back a check with a
 * constraint) and answers the conflict with the caller's error. `toError` gets the violated constraint's
 * name and may return undefined to let an unexpected violation through as the bug it is.
 */
export async function mapUniqueViolation<T>(
  write: PromiseLike<T>,
  toError: AppError | ((constraint: string | undefined) => AppError | undefined),
): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const mapped =
      typeof toError === 'function' ? toError((err as { constraint?: string }).constraint) : toError;
    throw mapped ?? err;
  }
}
