import { Worker } from 'node:worker_threads';
import { progress } from './stats.js';

/** One patient of the chat bench: a session and the visit (in progress, with the demo doctor) it chats in. */
export interface ChatPatient {
  token: string;
  visitId: string;
}

export interface ChatLoadInput {
  baseUrl: string;
  /**
   * Several nodes ([9/12]): the doctor's socket at `baseUrl`; patient i's socket at `patientUrls[i % n]`,
   * its reconnect at `patientUrls[(i + 1) % n]` (another node when there are two, as after a node's loss),
   * and the doctor's HTTP posts round-robin over them. Default: everything at `baseUrl`.
   */
  patientUrls?: string[];
  doctorToken: string;
  patients: ChatPatient[];
  /** Text messages each patient sends. */
  messages: number;
  /** Each patient sends one message every `intervalMs`; the patients' starts are spread over one interval. */
  intervalMs: number;
  /** How long to wait for the last echo and delivery after the last send, and for a resume. */
  timeoutMs: number;
  /** How the doctor's socket follows the visits: one multi-visit resume frame, or one frame per visit. */
  doctorResume: 'one-frame' | 'per-visit';
}

/** A frame the bench did not expect: an `error` frame, a socket error or close, an HTTP failure. */
export interface Problem {
  where: string;
  code: string;
}

export interface ChatPhaseOutput {
  sent: number;
  /** Send → the sender's own copy of the message (the server's acknowledgement), per message. */
  echoMs: number[];
  /** Send → the message on the doctor's socket, per message. */
  deliverMs: number[];
  /** Sent messages whose echo (or delivery to the doctor) never came. */
  missingEchoes: number;
  missingDeliveries: number;
  /** Copies of a message id a socket got more than once. */
  duplicateEchoes: number;
  duplicateDeliveries: number;
  /** Copies a socket got twice while first following its visits (all sockets, before the chat). */
  duplicatesOnFollow: number;
  /** From the first send to the last echo or delivery. */
  wallMs: number;
  /** Per patient: the highest message id its socket saw (where it resumes from). */
  lastSeen: number[];
}

export interface ResumeOutcome {
  visitId: string;
  /** `after` of the resume: the last id the dropped socket saw. */
  after: number;
  /** Ids of the `message` frames the new socket got for the visit, in order (replay and any push). */
  received: number[];
  /** `lastId` of the `resumed` frame, or null when it never came. */
  resumedLastId: number | null;
  /** Connect → `resumed`. */
  resumeMs: number | null;
}

export interface ResumePhaseOutput {
  outcomes: ResumeOutcome[];
  /** Id of the doctor's message (POST over HTTP while the patients were away), per patient; null on failure. */
  doctorMessageIds: (number | null)[];
  /** HTTP statuses of those posts. */
  doctorStatuses: Record<string, number>;
  /** Copies of the doctor's own messages on the doctor's socket: missing and extra. */
  doctorSocketMissing: number;
  doctorSocketDuplicates: number;
  wallMs: number;
}

/** Worker → main thread. */
export type FromWorker =
  | { kind: 'progress'; text: string }
  | { kind: 'ready' }
  | { kind: 'chat-done'; output: ChatPhaseOutput }
  | { kind: 'resume-done'; output: ResumePhaseOutput; problems: Problem[] };

/** Main thread → worker. */
export type ToWorker = { kind: 'chat' } | { kind: 'resume' };

export interface ChatLoad {
  /** Resolves when every socket is open and has resumed its visits. */
  ready: Promise<void>;
  chat(): Promise<ChatPhaseOutput>;
  resume(): Promise<{ output: ResumePhaseOutput; problems: Problem[] }>;
}

/**
 * The WebSocket clients of the chat bench in a worker thread (chat-load.worker.ts), so their work does not
 * run on the server's event loop and the server thread's CPU is the server's. The main thread starts each
 * phase, so it can measure it.
 */
export function startChatLoad(input: ChatLoadInput): ChatLoad {
  // The worker is TypeScript too: a worker does not inherit `--import tsx`, so register tsx first.
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => {
    tsx.register();
    return import(${JSON.stringify(new URL('./chat-load.worker.ts', import.meta.url).href)});
  });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: input });
  const waiting = new Map<FromWorker['kind'], (m: FromWorker) => void>();
  let failed: Error | null = null;
  const failAll = (err: Error) => {
    failed = err;
    for (const resolve of waiting.values()) resolve({ kind: 'progress', text: err.message });
    waiting.clear();
  };
  worker.on('message', (m: FromWorker) => {
    if (m.kind === 'progress') return progress(m.text);
    const resolve = waiting.get(m.kind);
    waiting.delete(m.kind);
    resolve?.(m);
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`chat load worker exited with ${code}`)));

  const next = <K extends FromWorker['kind']>(kind: K, send?: ToWorker) =>
    new Promise<Extract<FromWorker, { kind: K }>>((resolve, reject) => {
      if (failed) return reject(failed);
      waiting.set(kind, (m) => {
        if (m.kind === kind) resolve(m as Extract<FromWorker, { kind: K }>);
        else reject(failed ?? new Error(`chat load worker: expected ${kind}`));
      });
      if (send) worker.postMessage(send);
    });

  const ready = next('ready').then(() => undefined);
  return {
    ready,
    chat: async () => (await next('chat-done', { kind: 'chat' })).output,
    resume: async () => {
      const m = await next('resume-done', { kind: 'resume' });
      await worker.terminate();
      return { output: m.output, problems: m.problems };
    },
  };
}
