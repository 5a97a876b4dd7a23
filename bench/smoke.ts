/**
 * Smoke mode (`BENCH_SMOKE=1`, run by scripts/bench-smoke.sh in CI): the same benchmark end to end — the
 * real server, the same phases, the same verification, the JSON line and the exit code — with tiny counts,
 * in a few seconds, so a benchmark that stopped working fails CI instead of being found broken months later.
 * Its numbers mean nothing.
 */
export const SMOKE = process.env.BENCH_SMOKE === '1';

/**
 * A numeric knob: the environment variable when set (a smoke run honours it too), otherwise the full run's
 * default, or the smoke default in smoke mode.
 */
export function knob(name: string, full: number, smoke: number, env = process.env): number {
  const raw = env[name];
  if (raw !== undefined && raw !== '') {
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new Error(`${name}=${raw} is not a number`);
    return value;
  }
  return SMOKE ? smoke : full;
}
