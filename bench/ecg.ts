/**
 * `npm run bench:ecg` — the ECG reading aid ([11/12], REMOTE-5; AI 辅助, seed 002/004) on MIT-BIH record 100
 * (../shared/testdata/ecg/100.{hea,dat,atr}, 30 min 6 s, 360 Hz): beat-detection sensitivity and positive
 * predictivity on lead MLII against the cardiologists' beat annotations in 100.atr (beat labels only; a
 * detection matches a reference beat within ±150 ms, ANSI/AAMI EC57), on the WHOLE record — no learning
 * period is skipped. Timings (median of BENCH_ROUNDS): parsing and checking the WFDB record (header, 212
 * decoding, initial values and checksums), detecting the beats, and turning the whole stored record into the
 * mV arrays the viewer draws (what GET /ecg/:id/leads does, for every lead and sample).
 * `renderMs`: drawing those 30 minutes in Chromium with the viewer's own drawing code, page by page
 * (bench/ecg-render.ts, `renderBench`). Exits non-zero when sensitivity or positive predictivity is below 99 %. Progress goes to stderr;
 * stdout is one JSON line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectBeats, matchBeats } from '../src/server/modules/remote/ecg/detect.js';
import { encodeSignal, leadSlice, toMillivolts } from '../src/server/modules/remote/ecg/signal.js';
import { decodeWfdb, parseWfdbHeader } from '../src/server/modules/remote/ecg/wfdb.js';
import { beatSamples, parseMitAnnotations } from '../src/server/modules/remote/ecg/wfdb-annotations.js';
import { renderBench } from './ecg-render.js';
import { knob, SMOKE } from './smoke.js';
import { percentile, progress, round } from './stats.js';

const ROUNDS = knob('BENCH_ROUNDS', 5, 1);
const AIM = 0.99;
const dir = path.resolve(
  process.env.YUNYI_DEMO_TESTDATA ??
    path.join(path.dirname(fileURLToPath(import.meta.url)), '../../shared/testdata'),
  'ecg',
);

function timed<T>(fn: () => T): { value: T; ms: number[] } {
  const ms: number[] = [];
  let value!: T;
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    value = fn();
    ms.push(performance.now() - start);
  }
  return { value, ms };
}

async function main(): Promise<number> {
  const hea = readFileSync(path.join(dir, '100.hea'), 'utf8');
  const dat = readFileSync(path.join(dir, '100.dat'));
  const reference = beatSamples(parseMitAnnotations(readFileSync(path.join(dir, '100.atr'))));
  progress(`record 100: ${dat.length} bytes, ${reference.length} reference beats; ${ROUNDS} rounds`);

  const parse = timed(() => decodeWfdb(parseWfdbHeader(hea), new Map([['100.dat', dat]])));
  const signal = parse.value;
  const lead = signal.leads.findIndex((l) => l.name === 'MLII');
  if (lead < 0) throw new Error('record 100 has no MLII lead');
  const detect = timed(() =>
    detectBeats(signal.data[lead]!, signal.sampleRate, { unitsPerMv: signal.leads[lead]!.gain }),
  );
  const beats = detect.value;
  const m = matchBeats(reference, beats, Math.round(0.15 * signal.sampleRate));
  progress(`matched ${m.tp}; missed ${m.fn}; extra ${m.fp}`);

  const stored = encodeSignal(signal.data);
  const leads = timed(() =>
    signal.leads.map((l, i) => toMillivolts(leadSlice(stored, signal.samples, i, 0, signal.samples), l)),
  );
  const result = {
    bench: 'ecg',
    ...(SMOKE ? { smoke: true } : {}),
    record: '100',
    lead: 'MLII',
    durationS: round(signal.samples / signal.sampleRate, 1),
    beatsRef: reference.length,
    beatsDetected: beats.length,
    truePositives: m.tp,
    missed: m.fn,
    extra: m.fp,
    sensitivity: round(m.sensitivity, 4),
    ppv: round(m.ppv, 4),
    parseMs: round(percentile(parse.ms, 0.5), 1),
    detectMs: round(percentile(detect.ms, 0.5), 1),
    leadsMs: round(percentile(leads.ms, 0.5), 1),
    ...(await render()),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return m.sensitivity >= AIM && m.ppv >= AIM ? 0 : 1;
}

/** The viewer's drawing of the whole record in Chromium (bench/ecg-render.ts). */
async function render() {
  const r = await renderBench('100');
  return { renderMs: round(r.renderMs, 1), renderPages: r.pages, renderBundleMs: round(r.bundleMs, 1) };
}

process.exitCode = await main();
