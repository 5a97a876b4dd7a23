import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { type ClientFrame, MAX_RESUME_VISITS, type ServerFrame } from '../src/shared/visits.js';
import type {
  ChatLoadInput,
  ChatPhaseOutput,
  FromWorker,
  Problem,
  ResumeOutcome,
  ResumePhaseOutput,
  ToWorker,
} from './chat-load.js';

/**
 * The WebSocket clients of the chat bench, in their own thread: one socket per patient and one for the
 * doctor, who follows every visit. The chat phase and the resume phase start when the main thread says.
 */
const input = workerData as ChatLoadInput;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);
const say = (text: string) => post({ kind: 'progress', text });
const wsUrl = (base: string, token: string) => `${base.replace(/^http/, 'ws')}/ws?token=${token}`;
const patientUrls = input.patientUrls ?? [input.baseUrl];
/** Patient i's node: where its socket opens first (shift 0) and where it reconnects (shift 1). */
const patientUrl = (i: number, shift = 0) => patientUrls[(i + shift) % patientUrls.length]!;
const N = input.patients.length;
const problems: Problem[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Frames the bench did not ask for are problems: an `error` frame, an unexpected close. */
function watch(ws: WebSocket, where: string, onFrame: (f: ServerFrame, at: number) => void) {
  ws.on('message', (raw) => {
    const at = performance.now();
    const f = JSON.parse(String(raw)) as ServerFrame;
    if (f.type === 'error') problems.push({ where, code: `error frame ${f.code}: ${f.detail}` });
    else onFrame(f, at);
  });
  ws.on('error', (err) => problems.push({ where, code: `socket error ${err.message}` }));
}

function open(token: string, base = input.baseUrl): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(base, token));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const send = (ws: WebSocket, frame: ClientFrame) => ws.send(JSON.stringify(frame));

/** Resolves when `pred` holds, checked after every frame (`poke`), or after `ms` whatever it is. */
function until(pred: () => boolean, ms: number): { done: Promise<boolean>; poke: () => void } {
  let resolve!: (ok: boolean) => void;
  const done = new Promise<boolean>((r) => {
    resolve = r;
  });
  const timer = setTimeout(() => resolve(pred()), ms);
  const poke = () => {
    if (pred()) {
      clearTimeout(timer);
      resolve(true);
    }
  };
  poke();
  return { done, poke };
}

// --- Per-patient and doctor state ------------------------------------------------------------------

interface PatientClient {
  ws: WebSocket;
  visitId: string;
  /** Every message id this socket got, with how many times. */
  seen: Map<number, number>;
  lastId: number;
}

/** clientId → index of the message in the send log. */
const byClientId = new Map<string, number>();
const sentAt: number[] = [];
const echoAt: number[] = [];
const deliverAt: number[] = [];
let echoes = 0;
let deliveries = 0;
let duplicateEchoes = 0;
let duplicateDeliveries = 0;
/** Copies on the sockets' first resume (before the chat), on any socket. */
let duplicatesOnFollow = 0;
let following = true;
let poke = () => {};

/** The doctor's socket: every message id per visit, with how many times. */
const doctorSeen = new Map<string, Map<number, number>>();
let doctorResumed = 0;

const doctor = await open(input.doctorToken);
watch(doctor, 'doctor', (f, at) => {
  if (f.type === 'resumed') {
    doctorResumed++;
    poke();
    return;
  }
  if (f.type !== 'message') return;
  const seen = doctorSeen.get(f.visitId) ?? new Map<number, number>();
  doctorSeen.set(f.visitId, seen);
  const copies = (seen.get(f.message.id) ?? 0) + 1;
  seen.set(f.message.id, copies);
  if (copies > 1) {
    if (following) duplicatesOnFollow++;
    else duplicateDeliveries++;
    return;
  }
  const i = f.message.clientId === undefined ? undefined : byClientId.get(f.message.clientId);
  if (i !== undefined && f.message.senderRole === 'patient' && deliverAt[i] === undefined) {
    deliverAt[i] = at;
    deliveries++;
    poke();
  }
});
doctor.on('close', (code) => problems.push({ where: 'doctor', code: `closed ${code}` }));
// The doctor follows every visit: one resume frame for up to MAX_RESUME_VISITS of them, as the web does, or
// (BENCH_DOCTOR_RESUME=per-visit) one frame per visit, all written at once, which the server slows down.
if (input.doctorResume === 'per-visit')
  for (const p of input.patients) send(doctor, { type: 'resume', visitId: p.visitId, after: 0 });
else
  for (let start = 0; start < N; start += MAX_RESUME_VISITS) {
    const visits = input.patients
      .slice(start, start + MAX_RESUME_VISITS)
      .map((p) => ({ visitId: p.visitId, after: 0 }));
    send(doctor, { type: 'resume', visits });
  }
const doctorWait = until(() => doctorResumed === N, input.timeoutMs);
poke = doctorWait.poke;
if (!(await doctorWait.done)) throw new Error(`the doctor resumed ${doctorResumed} of ${N} visits`);
say(`client: doctor socket follows ${N} visits`);

// Patients connect in batches of 50, each resuming its visit from the start.
const patients: PatientClient[] = [];
let resumedPatients = 0;
const resumedFlags = new Array<boolean>(N).fill(false);
const onPatientFrame = (c: PatientClient, i: number) => (f: ServerFrame, at: number) => {
  if (f.type === 'resumed' && f.visitId === c.visitId) {
    if (!resumedFlags[i]) {
      resumedFlags[i] = true;
      resumedPatients++;
      poke();
    }
    return;
  }
  if (f.type !== 'message' || f.visitId !== c.visitId) return;
  const copies = (c.seen.get(f.message.id) ?? 0) + 1;
  c.seen.set(f.message.id, copies);
  c.lastId = Math.max(c.lastId, f.message.id);
  if (copies > 1) {
    if (following) duplicatesOnFollow++;
    else duplicateEchoes++;
    return;
  }
  const k = f.message.clientId === undefined ? undefined : byClientId.get(f.message.clientId);
  if (k !== undefined && f.message.senderRole === 'patient' && echoAt[k] === undefined) {
    echoAt[k] = at;
    echoes++;
    poke();
  }
};
for (let start = 0; start < N; start += 50) {
  const batch = input.patients.slice(start, start + 50);
  const opened = await Promise.all(batch.map((p, j) => open(p.token, patientUrl(start + j))));
  opened.forEach((ws, j) => {
    const i = start + j;
    const c: PatientClient = { ws, visitId: input.patients[i]!.visitId, seen: new Map(), lastId: 0 };
    patients[i] = c;
    watch(ws, `patient ${i}`, onPatientFrame(c, i));
    send(ws, { type: 'resume', visitId: c.visitId, after: 0 });
  });
}
const patientsWait = until(() => resumedPatients === N, input.timeoutMs);
poke = patientsWait.poke;
if (!(await patientsWait.done)) throw new Error(`${resumedPatients} of ${N} patients resumed`);
say(`client: ${N} patient sockets open and following their visits`);

const commands: ToWorker[] = [];
let commandArrived = () => {};
port.on('message', (m: ToWorker) => {
  commands.push(m);
  commandArrived();
});
async function command(kind: ToWorker['kind']): Promise<void> {
  for (;;) {
    const m = commands.shift();
    if (m) {
      if (m.kind !== kind) throw new Error(`expected ${kind}, got ${m.kind}`);
      return;
    }
    await new Promise<void>((r) => {
      commandArrived = r;
    });
  }
}
post({ kind: 'ready' });

// --- Chat phase -----------------------------------------------------------------------------------

await command('chat');
following = false;
const total = N * input.messages;
const t0 = performance.now();
let lastSend = t0;
let reported = 0;
const chatWait = until(() => echoes === total && deliveries === total, 24 * 3_600_000);
poke = () => {
  chatWait.poke();
  const arrived = Math.min(echoes, deliveries);
  if (arrived - reported >= 1000) {
    reported = arrived - (arrived % 1000);
    say(`client: ${reported}/${total} messages echoed and delivered`);
  }
};

/** Patient i sends message k at t0 + i/N·interval + k·interval (late timers catch up, no drift). */
async function chatter(i: number): Promise<void> {
  const c = patients[i]!;
  for (let k = 0; k < input.messages; k++) {
    const due = t0 + (i / N) * input.intervalMs + k * input.intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const clientId = `bench-${i}-${k}`;
    const n = sentAt.length;
    byClientId.set(clientId, n);
    sentAt.push(performance.now());
    send(c.ws, { type: 'message', visitId: c.visitId, clientId, kind: 'text', text: `压测消息 ${i}-${k}` });
  }
  lastSend = Math.max(lastSend, performance.now());
}
await Promise.all(patients.map((_, i) => chatter(i)));
say(`client: all ${total} messages sent in ${Math.round(lastSend - t0)} ms`);
await Promise.race([chatWait.done, sleep(input.timeoutMs)]);
const arrivals = [...echoAt, ...deliverAt].filter((v) => v !== undefined);
const chatOutput: ChatPhaseOutput = {
  sent: sentAt.length,
  echoMs: sentAt.flatMap((s, k) => (echoAt[k] === undefined ? [] : [echoAt[k]! - s])),
  deliverMs: sentAt.flatMap((s, k) => (deliverAt[k] === undefined ? [] : [deliverAt[k]! - s])),
  missingEchoes: sentAt.length - echoes,
  missingDeliveries: sentAt.length - deliveries,
  duplicateEchoes,
  duplicateDeliveries,
  duplicatesOnFollow,
  wallMs: Math.max(...arrivals, t0) - t0,
  lastSeen: patients.map((c) => c.lastId),
};
post({ kind: 'chat-done', output: chatOutput });

// --- Resume phase ---------------------------------------------------------------------------------

await command('resume');
// The network drops under every patient: no close handshake.
for (const c of patients) {
  c.ws.removeAllListeners('error');
  c.ws.on('error', () => {});
  c.ws.terminate();
}
say(`client: dropped ${N} patient sockets; the doctor writes to each visit over HTTP`);
const tResume = performance.now();

// While they are away the doctor writes once to each visit, over HTTP, 10 requests in flight.
const doctorMessageIds = new Array<number | null>(N).fill(null);
const doctorStatuses: Record<string, number> = {};
let nextPost = 0;
async function doctorLane(): Promise<void> {
  while (nextPost < N) {
    const i = nextPost++;
    const visitId = input.patients[i]!.visitId;
    let status = 0;
    try {
      const res = await fetch(`${patientUrl(i)}/api/v1/visits/${visitId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${input.doctorToken}` },
        body: JSON.stringify({
          clientId: `bench-doctor-${i}`,
          kind: 'text',
          text: `请按时服药，测量血压 ${i}`,
        }),
      });
      status = res.status;
      const body = (await res.json()) as { id?: number; code?: string };
      if (status === 201 && typeof body.id === 'number') doctorMessageIds[i] = body.id;
      else problems.push({ where: `doctor POST visit ${i}`, code: `${status} ${body.code}` });
    } catch (err) {
      problems.push({ where: `doctor POST visit ${i}`, code: String(err) });
    }
    doctorStatuses[status] = (doctorStatuses[status] ?? 0) + 1;
  }
}
await Promise.all(Array.from({ length: 10 }, doctorLane));

// The patients come back, all at once, each resuming after the last id it saw.
const outcomes: ResumeOutcome[] = patients.map((c) => ({
  visitId: c.visitId,
  after: c.lastId,
  received: [],
  resumedLastId: null,
  resumeMs: null,
}));
let back = 0;
const backWait = until(() => back === N, input.timeoutMs);
poke = backWait.poke;
const reconnected: WebSocket[] = [];
await Promise.all(
  patients.map(async (c, i) => {
    const o = outcomes[i]!;
    const start = performance.now();
    let ws: WebSocket;
    try {
      ws = await open(input.patients[i]!.token, patientUrl(i, patientUrls.length > 1 ? 1 : 0));
    } catch (err) {
      problems.push({ where: `patient ${i} reconnect`, code: String(err) });
      return;
    }
    reconnected.push(ws);
    watch(ws, `patient ${i} (resumed)`, (f, at) => {
      if (!('visitId' in f) || f.visitId !== c.visitId) return;
      if (f.type === 'message') o.received.push(f.message.id);
      else if (f.type === 'resumed' && o.resumedLastId === null) {
        o.resumedLastId = f.lastId;
        o.resumeMs = at - start;
        back++;
        poke();
      }
    });
    send(ws, { type: 'resume', visitId: c.visitId, after: c.lastId });
  }),
);
await backWait.done;
// A little longer, so a message pushed twice would be seen.
await sleep(500);
const resumeWall = performance.now() - tResume;

// The doctor's socket stayed up: it must have got each of the doctor's own messages exactly once.
let doctorSocketMissing = 0;
let doctorSocketDuplicates = 0;
doctorMessageIds.forEach((id, i) => {
  if (id === null) return;
  const copies = doctorSeen.get(input.patients[i]!.visitId)?.get(id) ?? 0;
  if (copies === 0) doctorSocketMissing++;
  else doctorSocketDuplicates += copies - 1;
});

const resumeOutput: ResumePhaseOutput = {
  outcomes,
  doctorMessageIds,
  doctorStatuses,
  doctorSocketMissing,
  doctorSocketDuplicates,
  wallMs: resumeWall,
};
for (const ws of [...reconnected, doctor]) {
  ws.removeAllListeners('close');
  ws.close();
}
post({ kind: 'resume-done', output: resumeOutput, problems });
