/**
 * DJ-21: uploads are scanned by a ClamAV daemon (clamd) before they are kept anywhere. The adapter speaks
 * clamd's own protocol over TCP or a Unix socket: `zINSTREAM\0`, then the file in chunks each preceded by
 * its length as a 4-byte big-endian integer, then a zero-length chunk; clamd answers one NUL-terminated
 * line: `stream: OK`, `stream: <signature> FOUND` or `<reason> ERROR`. Off (null) when YUNYI_CLAMD is not
 * set: the type checks of each upload path still apply.
 *
 * The verdict is never an exception: a scanner that does not answer in time, refuses the connection,
 * reports an error or answers something unreadable gives `unavailable`, and the caller refuses the file
 * (fail closed: an unscanned file is not kept).
 */
import net from 'node:net';
import type { SecuritySettings } from '../config.js';

export type ClamdSettings = NonNullable<SecuritySettings['clamd']>;

export type ScanVerdict =
  | { verdict: 'clean' }
  | { verdict: 'infected'; signature: string }
  | { verdict: 'unavailable'; reason: 'timeout' | 'connection' | 'error' | 'garbage'; message: string };

export interface UploadScanner {
  scan(bytes: Buffer): Promise<ScanVerdict>;
}

/** clamd's default StreamMaxLength chunking is up to the client; 64 KiB keeps each write small. */
const CHUNK = 64 * 1024;
/** A reply longer than this is not clamd's (its lines are a signature name at most). */
const MAX_REPLY = 4096;

/** The scanner the configuration names, or null when scanning is off. */
export function createScanner(settings: SecuritySettings['clamd']): UploadScanner | null {
  return settings ? new ClamdScanner(settings) : null;
}

/** Reads clamd's one-line answer to INSTREAM (the `z` form: NUL-terminated; `n` form: newline). */
export function parseReply(raw: string): ScanVerdict {
  const line = raw.replace(/[\0\n\r]+$/, '');
  if (line === 'stream: OK') return { verdict: 'clean' };
  const found = /^stream: (\S(?:.*\S)?) FOUND$/.exec(line);
  if (found) return { verdict: 'infected', signature: found[1]! };
  // Printable ASCII only, so a garbled answer is not logged or shown as it came.
  const printable = /^[\x20-\x7e]*$/.test(line);
  if (printable && /ERROR$/.test(line)) return { verdict: 'unavailable', reason: 'error', message: line };
  return {
    verdict: 'unavailable',
    reason: 'garbage',
    message: printable ? `unexpected answer: ${line.slice(0, 200)}` : 'unexpected answer (not text)',
  };
}

/** Frames `bytes` as an INSTREAM body: length-prefixed chunks and the zero-length terminator. */
export function instreamFrames(bytes: Buffer): Buffer[] {
  const frames: Buffer[] = [Buffer.from('zINSTREAM\0', 'latin1')];
  for (let at = 0; at < bytes.length; at += CHUNK) {
    const chunk = bytes.subarray(at, at + CHUNK);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(chunk.length, 0);
    frames.push(len, chunk);
  }
  frames.push(Buffer.alloc(4)); // zero-length chunk: end of the stream
  return frames;
}

export class ClamdScanner implements UploadScanner {
  constructor(private readonly settings: ClamdSettings) {}

  scan(bytes: Buffer): Promise<ScanVerdict> {
    const s = this.settings;
    return new Promise<ScanVerdict>((resolve) => {
      const socket =
        'socketPath' in s
          ? net.createConnection({ path: s.socketPath })
          : net.createConnection({ host: s.host, port: s.port });
      const received: Buffer[] = [];
      let size = 0;
      let settled = false;
      const finish = (v: ScanVerdict) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(v);
      };
      // One deadline for the whole exchange (connect, send, wait for the verdict).
      const timer = setTimeout(
        () =>
          finish({
            verdict: 'unavailable',
            reason: 'timeout',
            message: `no answer within ${s.timeoutMs} ms`,
          }),
        s.timeoutMs,
      );
      socket.on('connect', () => {
        for (const frame of instreamFrames(bytes)) socket.write(frame);
      });
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        size += chunk.length;
        const all = Buffer.concat(received);
        const nul = all.indexOf(0);
        if (nul >= 0) finish(parseReply(all.subarray(0, nul).toString('latin1')));
        else if (size > MAX_REPLY) finish(parseReply(all.toString('latin1')));
      });
      socket.on('end', () => {
        // clamd closes after its answer; an answer without its NUL is still read (the `n` form, or a cut).
        const all = Buffer.concat(received);
        if (all.length > 0) finish(parseReply(all.toString('latin1')));
        else
          finish({
            verdict: 'unavailable',
            reason: 'connection',
            message: 'connection closed without an answer',
          });
      });
      socket.on('error', (err: NodeJS.ErrnoException) => {
        // clamd may answer (e.g. `INSTREAM size limit exceeded. ERROR`) and close while we still write.
        const all = Buffer.concat(received);
        if (all.length > 0) finish(parseReply(all.toString('latin1')));
        else finish({ verdict: 'unavailable', reason: 'connection', message: err.code ?? err.message });
      });
    });
  }
}
