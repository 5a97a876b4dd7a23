/**
 * `npm run bench:icd10` — how long one ICD-10 search takes (the doctor's diagnosis box searches on every
 * keystroke, so the budget is well under a millisecond). Measured here rather than asserted in a unit test:
 * wall-clock limits fail on a busy machine and prove nothing on a fast one. Progress goes to stderr; stdout
 * is one JSON line. Exits non-zero only when a search answers wrongly, never for being slow.
 */
import { searchIcd10 } from '../src/server/modules/visits/icd10.js';
import { knob } from './smoke.js';
import { percentile, progress, round } from './stats.js';

/** What a doctor types: a name, two words, a code prefix, one character, lower-case code. */
const QUERIES = ['高血压', '糖尿病 肾', 'E11', '炎', '矮小', '性早熟', 'i10', '皮炎'];
const ROUNDS = knob('BENCH_ROUNDS', 2000, 20);
const BUDGET_MS = 1;

function main(): number {
  // A wrong answer makes the timing meaningless.
  if (searchIcd10('高血压')[0]?.code !== 'I10' || searchIcd10('E11').length === 0) {
    process.stderr.write('[bench] icd10 search answers wrongly\n');
    return 1;
  }
  for (const query of QUERIES) searchIcd10(query); // warm up
  progress(`${ROUNDS} rounds of ${QUERIES.length} queries`);
  const perRound: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    for (const query of QUERIES) searchIcd10(query);
    perRound.push((performance.now() - start) / QUERIES.length);
  }
  const mean = perRound.reduce((a, b) => a + b, 0) / perRound.length;
  const result = {
    bench: 'icd10',
    searches: ROUNDS * QUERIES.length,
    meanMs: round(mean, 4),
    p50Ms: round(percentile(perRound, 0.5), 4),
    p99Ms: round(percentile(perRound, 0.99), 4),
    budgetMs: BUDGET_MS,
    withinBudget: mean < BUDGET_MS,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

process.exitCode = main();
