/**
 * How long the ECG viewer takes to parse and draw a whole 30-minute record (MIT-BIH 100: 2 leads, 360 Hz,
 * 650 000 samples each, WFDB format 212) — the "time to parse and render a 30-minute record".
 *
 * Parse: a small format-212 reader here in Node (self-contained; the server's parser is measured by its
 * own tests). Render: the viewer's own draw.ts and layout.ts, bundled with esbuild into a blank page in
 * headless Chromium, draw the record page after page (10 s of 25 mm/s, 10 mm/mV paper with grid,
 * calibration pulses, labels and traces), then the whole record squeezed into one 1 800 px overview
 * (min–max per pixel column). A 1-pixel read-back makes the canvas finish before the clock stops.
 *
 *   node --import tsx bench/ecg-render.ts   → one JSON line
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const RECORD_DIR = fileURLToPath(new URL('../../shared/testdata/ecg/', import.meta.url));
const ECG_DIR = fileURLToPath(new URL('../src/web/staff/remote/ecg/', import.meta.url));
/** The overview's width: the whole record in one canvas this wide. */
const OVERVIEW_PX = 1800;

export interface Wfdb212Record {
  name: string;
  sampleRate: number;
  samples: number;
  leads: string[];
  /** Millivolts, one array per lead. */
  mv: Float32Array[];
}

/** A WFDB record whose signals are all format 212 in one file (MIT-BIH's layout). */
export function readWfdb212(headerText: string, dat: Uint8Array): Wfdb212Record {
  const lines = headerText
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const [name, nsigText, fsText, samplesText] = lines[0].split(/\s+/);
  const nsig = Number(nsigText);
  const sampleRate = Number(fsText.split('/')[0]);
  const specs = lines.slice(1, 1 + nsig).map((line) => {
    const f = line.split(/\s+/);
    if (f[1] !== '212') throw new Error(`format ${f[1]} is not 212`);
    // gain[(baseline)][/units]; the baseline defaults to the ADC zero.
    const m = /^([\d.]+)(?:\(([-\d]+)\))?/.exec(f[2] ?? '200');
    const gain = Number(m?.[1]) || 200;
    const baseline = m?.[2] !== undefined ? Number(m[2]) : Number(f[4] ?? 0);
    return { gain, baseline, description: f.slice(8).join(' ') || `lead ${f[0]}` };
  });
  const frames = Number(samplesText) || Math.floor((dat.length * 2) / 3 / nsig);
  const mv = specs.map(() => new Float32Array(frames));
  // Two 12-bit samples in three bytes, signals interleaved frame by frame.
  const total = frames * nsig;
  const put = (j: number, v: number) => {
    const lead = j % nsig;
    mv[lead][(j - lead) / nsig] = (v - specs[lead].baseline) / specs[lead].gain;
  };
  for (let k = 0, byte = 0; k < total; k += 2, byte += 3) {
    const b1 = dat[byte + 1];
    const a = dat[byte] | ((b1 & 0x0f) << 8);
    const b = dat[byte + 2] | ((b1 & 0xf0) << 4);
    put(k, a > 2047 ? a - 4096 : a);
    if (k + 1 < total) put(k + 1, b > 2047 ? b - 4096 : b);
  }
  return { name, sampleRate, samples: frames, leads: specs.map((s) => s.description), mv };
}

interface PageResult {
  decodeMs: number;
  renderMs: number;
  pages: number;
  pageMeanMs: number;
  pageMaxMs: number;
  overviewMs: number;
  samplesDrawn: number;
  canvas: { width: number; height: number };
}

/** Runs in the page: `EcgDraw` is the bundled draw.ts + layout.ts. */
function drawInPage(input: {
  leads: string[];
  sampleRate: number;
  samples: number;
  b64: string[];
  overviewPx: number;
}) {
  type Api = typeof import('../src/web/staff/remote/ecg/draw.js') &
    typeof import('../src/web/staff/remote/ecg/layout.js');
  const api = (globalThis as unknown as { EcgDraw: Api }).EcgDraw;
  const t0 = performance.now();
  const mv = input.b64.map((s) => {
    const bin = atob(s);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Float32Array(bytes.buffer);
  });
  const decodeMs = performance.now() - t0;
  const data = { sampleRate: input.sampleRate, fromMs: 0, leads: mv.map((m) => ({ mv: m })) };
  const durationMs = (input.samples * 1000) / input.sampleRate;
  const paper = { speed: 25, gain: 10, zoom: 1 };
  const canvas = document.getElementById('page') as HTMLCanvasElement;
  const first = api.planLayout({ leadNames: input.leads, startMs: 0, paper, rhythmLead: 0 });
  canvas.width = Math.ceil(first.width);
  canvas.height = Math.ceil(first.height);
  const ctx = canvas.getContext('2d')!;
  const pageTimes: number[] = [];
  let samplesDrawn = 0;
  const start = performance.now();
  for (let at = 0; at < durationMs; at += api.PAGE_MS) {
    const p0 = performance.now();
    const layout = api.planLayout({ leadNames: input.leads, startMs: at, paper, rhythmLead: 0 });
    samplesDrawn += api.drawEcg(ctx, layout, data).samples;
    // Read a pixel back: the canvas rasterises lazily, and a page counts once it is on screen.
    ctx.getImageData(0, 0, 1, 1);
    pageTimes.push(performance.now() - p0);
  }
  const renderMs = performance.now() - start;

  // The whole record on one line per lead (1 800 px for 30 minutes), min–max per pixel column.
  const overview = document.getElementById('overview') as HTMLCanvasElement;
  const o0 = performance.now();
  const whole = api.planLayout({ leadNames: input.leads, startMs: 0, paper, pageMs: durationMs });
  overview.width = input.overviewPx;
  const squeeze = overview.width / whole.panels[0].width;
  const squeezed = { ...whole, pxPerMs: whole.pxPerMs * squeeze };
  overview.height = Math.ceil(whole.height);
  const octx = overview.getContext('2d')!;
  octx.fillStyle = '#fff';
  octx.fillRect(0, 0, overview.width, overview.height);
  for (const panel of whole.panels) {
    api.drawTrace(octx, squeezed, { ...panel, x: 0, width: overview.width }, data);
  }
  octx.getImageData(0, 0, 1, 1);
  const overviewMs = performance.now() - o0;
  return {
    decodeMs,
    renderMs,
    pages: pageTimes.length,
    pageMeanMs: pageTimes.reduce((a, b) => a + b, 0) / pageTimes.length,
    pageMaxMs: Math.max(...pageTimes),
    overviewMs,
    samplesDrawn,
    canvas: { width: canvas.width, height: canvas.height },
  } satisfies PageResult;
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

export async function renderBench(record = '100'): Promise<{
  renderMs: number;
  parseMs: number;
  record: string;
  leads: string[];
  sampleRate: number;
  durationS: number;
  samplesPerLead: number;
  bundleMs: number;
  transferMs: number;
  pages: number;
  pageMeanMs: number;
  pageMaxMs: number;
  overviewMs: number;
  samplesDrawn: number;
}> {
  const p0 = performance.now();
  const parsed = readWfdb212(
    readFileSync(`${RECORD_DIR}${record}.hea`, 'utf8'),
    readFileSync(`${RECORD_DIR}${record}.dat`),
  );
  const parseMs = performance.now() - p0;

  const b0 = performance.now();
  const bundle = await build({
    stdin: {
      contents: "export * from './draw.ts';\nexport * from './layout.ts';\n",
      resolveDir: ECG_DIR,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    globalName: 'EcgDraw',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const bundleMs = performance.now() - b0;

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.setContent(
      '<!doctype html><html><body><canvas id="page"></canvas><canvas id="overview"></canvas></body></html>',
    );
    // tsx compiles this file keeping function names (`__name(fn, 'x')`): the page needs the helper too.
    await page.addScriptTag({ content: 'globalThis.__name = (f) => f;' });
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
    const input = {
      leads: parsed.leads,
      sampleRate: parsed.sampleRate,
      samples: parsed.samples,
      overviewPx: OVERVIEW_PX,
      b64: parsed.mv.map((m) => Buffer.from(m.buffer, m.byteOffset, m.byteLength).toString('base64')),
    };
    const t0 = performance.now();
    const result = await page.evaluate(drawInPage, input);
    const transferMs = performance.now() - t0 - result.renderMs - result.overviewMs;
    return {
      renderMs: round(result.renderMs),
      parseMs: round(parseMs),
      record: parsed.name,
      leads: parsed.leads,
      sampleRate: parsed.sampleRate,
      durationS: round(parsed.samples / parsed.sampleRate),
      samplesPerLead: parsed.samples,
      bundleMs: round(bundleMs),
      transferMs: round(transferMs),
      pages: result.pages,
      pageMeanMs: round(result.pageMeanMs, 2),
      pageMaxMs: round(result.pageMaxMs, 2),
      overviewMs: round(result.overviewMs),
      samplesDrawn: result.samplesDrawn,
    };
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  renderBench().then(
    (result) => process.stdout.write(`${JSON.stringify({ bench: 'ecg-render', ...result })}\n`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
