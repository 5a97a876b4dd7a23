import { Worker } from 'node:worker_threads';
import { progress } from './stats.js';

/** What an answer must be: checked in the load worker for every request. */
export type Check =
  /** 200, the resource of that type and id. */
  | { kind: 'read'; type: string; id: string }
  /**
   * 200, a searchset Bundle of exactly `expected` Observations (the page: min(matches, _count)), each of
   * one of `patients` (nothing of anyone else, SEC-1), newest first, each of `code` (LOINC) when given, each
   * effective at or after `since` when given.
   */
  | { kind: 'search'; patients: string[]; expected: number; code?: string; since?: string };

export interface FhirRequest {
  path: string;
  token: string;
  check: Check;
}

export interface RequestResult {
  /** HTTP status, or 0 when the request failed on the network. */
  status: number;
  ms: number;
  /** Why the answer is wrong (status, type, count, order, …), or null when it is right. */
  problem: string | null;
}

export interface LoadOutput {
  results: RequestResult[];
  /** From the first request to the last answer. */
  wallMs: number;
}

/** Parent → worker: run one phase, or stop. */
export type Command = { kind: 'run'; requests: FhirRequest[]; concurrency: number } | { kind: 'stop' };

/** Worker → parent. */
export type Message =
  | { kind: 'ready' }
  | { kind: 'progress'; done: number }
  | { kind: 'done'; output: LoadOutput };

export interface FhirLoader {
  /** Sends the requests on `concurrency` of the open connections, one in flight on each; resolves with every answer. */
  run(requests: FhirRequest[], concurrency: number, label: string): Promise<LoadOutput>;
  close(): Promise<void>;
}

/**
 * The load generator: one worker thread (fhir-load.worker.ts) for the whole bench, which runs one phase at
 * a time — opening its keep-alive connections before the clock starts — and checks every answer there,
 * off the server's event loop.
 */
export function startFhirLoader(baseUrl: string): Promise<FhirLoader> {
  // The worker is TypeScript too: a worker does not inherit `--import tsx`, so register tsx first.
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => {
    tsx.register();
    return import(${JSON.stringify(new URL('./fhir-load.worker.ts', import.meta.url).href)});
  });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { baseUrl } });
  let current: {
    label: string;
    total: number;
    resolve: (o: LoadOutput) => void;
    reject: (e: Error) => void;
  } | null = null;
  let failed: Error | null = null;
  const fail = (err: Error) => {
    failed = err;
    current?.reject(err);
    current = null;
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`load worker exited with ${code}`)));
  return new Promise((resolveReady, rejectReady) => {
    worker.once('error', rejectReady);
    worker.on('message', (m: Message) => {
      if (m.kind === 'ready') {
        resolveReady({
          run(requests, concurrency, label) {
            if (failed) return Promise.reject(failed);
            if (current) return Promise.reject(new Error('one phase at a time'));
            return new Promise<LoadOutput>((resolve, reject) => {
              current = { label, total: requests.length, resolve, reject };
              worker.postMessage({ kind: 'run', requests, concurrency } satisfies Command);
            });
          },
          async close() {
            worker.removeAllListeners('exit');
            worker.postMessage({ kind: 'stop' } satisfies Command);
            await new Promise((r) => worker.once('exit', r));
          },
        });
      } else if (m.kind === 'progress' && current) {
        progress(`${current.label}: ${m.done}/${current.total} answered`);
      } else if (m.kind === 'done' && current) {
        const { resolve } = current;
        current = null;
        resolve(m.output);
      }
    });
  });
}
