import { Worker } from 'node:worker_threads';
import { progress } from './stats.js';

export interface Attempt {
  token: string;
  scheduleId: string;
}

export interface AttemptResult {
  /** HTTP status, or 0 when the request failed on the network. */
  status: number;
  /** When the request was sent, from the start of the booking phase. */
  startMs: number;
  ms: number;
  /** The appointment id of a 201. */
  id: string | null;
  /** The problem `code` of a refusal, or the network error code. */
  code: string | null;
}

export interface LoadInput {
  baseUrl: string;
  /** Several nodes at once ([9/12]): connection i goes to `baseUrls[i % n]`; default `[baseUrl]`. */
  baseUrls?: string[];
  concurrency: number;
  attempts: Attempt[];
}

export interface LoadOutput {
  results: AttemptResult[];
  /** From the first booking request to the last response. */
  wallMs: number;
}

type Message =
  | { kind: 'ready'; open: number }
  | { kind: 'progress'; done: number }
  | { kind: 'done'; output: LoadOutput };

/** Fires the booking attempts over real HTTP from a worker thread (booking-load.worker.ts). */
export function runHttpLoad(input: LoadInput): Promise<LoadOutput> {
  return new Promise((resolve, reject) => {
    // The worker is TypeScript too: a worker does not inherit `--import tsx`, so register tsx first.
    const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => {
      tsx.register();
      return import(${JSON.stringify(new URL('./booking-load.worker.ts', import.meta.url).href)});
    });`;
    const worker = new Worker(bootstrap, { eval: true, workerData: input });
    let output: LoadOutput | null = null;
    worker.on('message', (m: Message) => {
      if (m.kind === 'ready') progress(`client: ${m.open} keep-alive connections open, booking`);
      else if (m.kind === 'progress') progress(`client: ${m.done}/${input.attempts.length} answered`);
      else output = m.output;
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (output) resolve(output);
      else reject(new Error(`load worker exited with ${code} before finishing`));
    });
  });
}
