/**
 * `npm run bench:triage` — how well smart triage (src/server/modules/triage/triage.rules.ts) sends the
 * labelled complaints of bench/data/triage-complaints.jsonl (bench/data/README.md says where each comes
 * from) to their departments, and how long one triage takes. A complaint counts as right at top-1 when the
 * first suggested department is one of its expected ones, at top-3 when one of the first three is.
 * Red-flag recall must be 100 % on the whole set: a missed emergency makes the bench exit non-zero.
 * Metrics are printed for the whole set and for the held-out `test` split (rules are tuned on `dev` only).
 * Progress and misses go to stderr; stdout is one JSON line.
 */
import { readFileSync } from 'node:fs';
import { triage } from '../src/server/modules/triage/triage.rules.js';
import { knob, SMOKE } from './smoke.js';
import { percentile, progress, round } from './stats.js';

interface Complaint {
  text: string;
  age?: number;
  sex?: 'male' | 'female';
  expected: string[];
  redFlag: boolean;
  source: string;
  split: 'dev' | 'test';
}

const ROUNDS = knob('BENCH_ROUNDS', 20, 1);

function load(): Complaint[] {
  const raw = readFileSync(new URL('./data/triage-complaints.jsonl', import.meta.url), 'utf8');
  return raw
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Complaint);
}

function score(items: Complaint[]) {
  let top1 = 0;
  let top3 = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const misses: string[] = [];
  for (const c of items) {
    const r = triage({ text: c.text, age: c.age, sex: c.sex });
    const names = r.departments.map((d) => d.name);
    if (c.expected.includes(names[0]!)) top1++;
    else
      misses.push(
        `${c.split} top1 ${c.text} → ${names.slice(0, 3).join(',')} (want ${c.expected.join('/')})`,
      );
    if (names.slice(0, 3).some((n) => c.expected.includes(n))) top3++;
    if (r.redFlag && c.redFlag) tp++;
    if (r.redFlag && !c.redFlag) {
      fp++;
      misses.push(`${c.split} FALSE ALARM ${c.text}`);
    }
    if (!r.redFlag && c.redFlag) {
      fn++;
      misses.push(`${c.split} MISSED RED FLAG ${c.text}`);
    }
  }
  const n = items.length;
  return {
    metrics: {
      count: n,
      top1: round(top1 / n, 3),
      top3: round(top3 / n, 3),
      redFlagRecall: tp + fn === 0 ? 1 : round(tp / (tp + fn), 3),
      redFlagPrecision: tp + fp === 0 ? 1 : round(tp / (tp + fp), 3),
      falseAlarmRate: round(fp / Math.max(1, items.filter((c) => !c.redFlag).length), 3),
      redFlags: tp + fn,
    },
    misses,
    missedRedFlags: fn,
  };
}

function main(): number {
  const all = load();
  const startLoad = performance.now();
  triage({ text: '头疼' }); // loads the tokenizer
  const loadMs = performance.now() - startLoad;
  const whole = score(all);
  const test = score(all.filter((c) => c.split === 'test'));
  const dev = score(all.filter((c) => c.split === 'dev'));
  if (process.env.BENCH_VERBOSE === '1') for (const m of whole.misses) progress(m);
  progress(`${all.length} complaints; ${whole.misses.length} misses (BENCH_VERBOSE=1 lists them)`);

  progress(`${ROUNDS} timing rounds`);
  const perCall: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    for (const c of all) {
      const start = performance.now();
      triage({ text: c.text, age: c.age, sex: c.sex });
      perCall.push(performance.now() - start);
    }
  }
  const result = {
    bench: 'triage',
    ...(SMOKE ? { smoke: true } : {}),
    ...whole.metrics,
    test: test.metrics,
    dev: dev.metrics,
    tokenizerLoadMs: round(loadMs, 1),
    p50Ms: round(percentile(perCall, 0.5), 4),
    p99Ms: round(percentile(perCall, 0.99), 4),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // Every red flag of the set must be caught (the bar); accuracy is reported, not enforced.
  return whole.missedRedFlags > 0 ? 1 : 0;
}

process.exitCode = main();
