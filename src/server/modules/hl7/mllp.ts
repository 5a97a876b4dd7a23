/**
 * The MLLP listener ([6/12]): HL7 v2 messages from hospital systems over TCP, each framed as
 * VT (0x0b) … FS (0x1c) CR (0x0d). Started by server.ts only when YUNYI_HL7_PORT is set.
 *
 * A connection carries any number of messages, one after another; frames may arrive split over many TCP
 * chunks or several in one. Each is answered in order with its ACK in the same framing. Bytes outside a
 * frame (a stray CR or newline between messages) are ignored. A frame longer than `maxMessageBytes` is
 * answered AR and the connection closed; so is a sender that is not a configured feed. A connection idle
 * for `idleTimeoutMs` is closed. Text is UTF-8 (docs/hl7.md).
 */
import net from 'node:net';
import type { AppContext } from '../../platform/context.js';
import { problemAck } from './ack.js';
import { hl7Problem } from './hl7.errors.js';
import { parseMessage } from './hl7.message.js';
import { setListenerState } from './hl7.runtime.js';
import { receiveMessage } from './hl7.service.js';

export interface Hl7Listener {
  port: number;
  close(): Promise<void>;
}

export interface Hl7ListenerOptions {
  port: number;
  host: string;
  /** Largest message accepted, in bytes (default 1 MiB). */
  maxMessageBytes?: number;
  /** A connection with no traffic for this long is closed (default 5 minutes). */
  idleTimeoutMs?: number;
}

export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;
const DEFAULT_MAX_BYTES = 1024 * 1024;
const DEFAULT_IDLE_MS = 5 * 60 * 1000;
/** Frames queued on one connection before it stops reading (a sender that does not wait for ACKs). */
const MAX_QUEUED = 16;
/** How much of an over-long frame is kept to read its MSH for the AR. */
const HEAD_BYTES = 4096;

export type FrameEvent = { kind: 'frame'; data: Buffer } | { kind: 'too-large'; head: Buffer };

/** MLLP de-framing, fed TCP chunks as they come (pure: tested without a socket). */
export class MllpFramer {
  private parts: Buffer[] = [];
  private size = 0;
  private inFrame = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): FrameEvent[] {
    const events: FrameEvent[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (!this.inFrame) {
        const start = chunk.indexOf(VT, i);
        if (start < 0) break;
        this.inFrame = true;
        this.parts = [];
        this.size = 0;
        i = start + 1;
        continue;
      }
      const end = chunk.indexOf(FS, i);
      const piece = chunk.subarray(i, end < 0 ? chunk.length : end);
      this.parts.push(piece);
      this.size += piece.length;
      if (this.size > this.maxBytes) {
        events.push({ kind: 'too-large', head: Buffer.concat(this.parts).subarray(0, HEAD_BYTES) });
        this.inFrame = false;
        this.parts = [];
        // Whatever follows cannot be trusted to be in step with the framing: the caller closes.
        return events;
      }
      if (end < 0) break;
      // FS ends the frame; the CR after it is outside any frame and ignored like other stray bytes.
      events.push({ kind: 'frame', data: Buffer.concat(this.parts) });
      this.inFrame = false;
      this.parts = [];
      this.size = 0;
      i = end + 1;
    }
    return events;
  }
}

export function frame(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from([VT]), body, Buffer.from([FS, CR])]);
}

/** The MLLP listener on a port (0: any free port, reported in `port`). */
export async function startHl7Listener(ctx: AppContext, opts: Hl7ListenerOptions): Promise<Hl7Listener> {
  const maxBytes = opts.maxMessageBytes ?? DEFAULT_MAX_BYTES;
  const idleMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_MS;
  const sockets = new Set<net.Socket>();
  const inFlight = new Set<Promise<void>>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setTimeout(idleMs, () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', (err) => ctx.log.debug({ err }, 'hl7 connection error'));
    const peer = socket.remoteAddress ?? '';
    const framer = new MllpFramer(maxBytes);
    let queue: Promise<void> = Promise.resolve();
    let queued = 0;
    let closing = false;

    const answer = (text: string, end = false) => {
      if (socket.destroyed) return;
      socket.write(frame(text));
      if (end) {
        closing = true;
        socket.end();
      }
    };

    const enqueue = (work: () => Promise<void>) => {
      queued++;
      if (queued >= MAX_QUEUED) socket.pause();
      const run = queue.then(work).catch((err) => ctx.log.error({ err }, 'hl7 frame handling failed'));
      const tracked = run.finally(() => {
        inFlight.delete(tracked);
        queued--;
        if (queued < MAX_QUEUED && !closing) socket.resume();
      });
      inFlight.add(tracked);
      queue = run;
    };

    socket.on('data', (chunk: Buffer) => {
      if (closing) return;
      for (const event of framer.push(chunk)) {
        if (event.kind === 'too-large') {
          closing = true;
          enqueue(async () => {
            answer(tooLargeAck(ctx, event.head), true);
            ctx.log.warn({ peer, maxBytes }, 'hl7 message over the size limit refused');
          });
          return;
        }
        const text = event.data.toString('utf8');
        enqueue(async () => {
          let received: Awaited<ReturnType<typeof receiveMessage>>;
          try {
            received = await receiveMessage(ctx, peer, text);
          } catch (err) {
            ctx.log.error({ err }, 'hl7 message handling failed');
            answer(problemAck({}, undefined, hl7Problem('internal'), ctx.clock.now()));
            return;
          }
          answer(received.ack, received.refused);
        });
      }
    });
  });
  server.maxConnections = 64;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  setListenerState(ctx, { listening: true, port });
  ctx.log.info({ port, host: opts.host, feeds: ctx.config.hl7.feeds.length }, 'hl7 MLLP listener started');

  let closed = false;
  return {
    port,
    async close() {
      if (closed) return;
      closed = true;
      setListenerState(ctx, { listening: false, port: null });
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      // Messages being applied finish and are answered; then every connection ends.
      await Promise.allSettled([...inFlight]);
      for (const s of sockets) s.destroy();
      await stopped;
    },
  };
}

/** AR for an over-long frame, addressed from its MSH when the head of it can be read. */
function tooLargeAck(ctx: AppContext, head: Buffer): string {
  const firstSegment = head.toString('utf8').split(/[\r\n]/)[0] ?? '';
  let envelope = {};
  try {
    envelope = parseMessage(firstSegment).envelope;
  } catch {
    // no readable MSH: answered without one
  }
  return problemAck(envelope, undefined, hl7Problem('tooLarge'), ctx.clock.now());
}
