/**
 * A simulated clamd (DJ-21): a real TCP server speaking clamd's protocol (`zINSTREAM`/`nINSTREAM` with
 * 4-byte big-endian length-prefixed chunks and a zero-length terminator, `zPING`, `zVERSION`), which
 * finds the EICAR test string and can be told to misbehave: never answer (timeout), answer an ERROR (as
 * clamd does past its StreamMaxLength), answer garbage, or close without a word.
 */
import net from 'node:net';

/**
 * The EICAR anti-virus test file, put together at run time: the 68 characters never stand in one literal
 * in the repository, where a scanner would flag the source itself.
 */
export function eicar(): Buffer {
  const parts = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS', '-TEST-FILE!$H+H*'];
  return Buffer.from(parts.join(''), 'latin1');
}

export type ClamdFault = 'none' | 'timeout' | 'error' | 'garbage' | 'close';

export interface ClamdSim {
  port: number;
  /** How the next scans are answered. */
  fault: ClamdFault;
  /** Streams scanned (after the terminator), in order. */
  scanned: Buffer[];
  /** Like clamd's StreamMaxLength: a longer stream gets `INSTREAM size limit exceeded. ERROR`. */
  maxStreamBytes: number;
  close(): Promise<void>;
}

export const SIM_SIGNATURE = 'Win.Test.EICAR_HDB-1';

/** On a loopback TCP port, or on a Unix socket when `socketPath` is given (`port` is then 0). */
export async function startClamdSim(
  opts: { maxStreamBytes?: number; socketPath?: string } = {},
): Promise<ClamdSim> {
  const sockets = new Set<net.Socket>();
  const sim: ClamdSim = {
    port: 0,
    fault: 'none',
    scanned: [],
    maxStreamBytes: opts.maxStreamBytes ?? 25 * 1024 * 1024,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    let command: string | null = null;
    let end = '\0';
    const chunks: Buffer[] = [];
    let streamed = 0;
    const reply = (line: string) => {
      socket.end(Buffer.from(`${line}${end}`, 'latin1'));
    };
    socket.on('data', (data: Buffer) => {
      buf = Buffer.concat([buf, data]);
      if (command === null) {
        // `zCMD\0` or `nCMD\n`.
        if (buf.length < 1) return;
        const delim = buf[0] === 0x7a ? 0 : buf[0] === 0x6e ? 0x0a : -1;
        if (delim < 0) return reply('UNKNOWN COMMAND');
        const at = buf.indexOf(delim);
        if (at < 0) return;
        command = buf.subarray(1, at).toString('latin1');
        end = delim === 0 ? '\0' : '\n';
        buf = buf.subarray(at + 1);
        if (command === 'PING') return reply('PONG');
        if (command === 'VERSION') return reply('ClamAV 1.0.0-sim/27000/Thu Jan  1 00:00:00 2026');
        if (command !== 'INSTREAM') return reply('UNKNOWN COMMAND');
      }
      for (;;) {
        if (buf.length < 4) return;
        const len = buf.readUInt32BE(0);
        if (len === 0) return answer();
        if (streamed + len > sim.maxStreamBytes) return reply('INSTREAM size limit exceeded. ERROR');
        if (buf.length < 4 + len) return;
        chunks.push(buf.subarray(4, 4 + len));
        streamed += len;
        buf = buf.subarray(4 + len);
      }
    });
    const answer = () => {
      const stream = Buffer.concat(chunks);
      sim.scanned.push(stream);
      switch (sim.fault) {
        case 'timeout':
          return; // keeps the connection open and says nothing
        case 'error':
          return reply('Can not allocate memory ERROR');
        case 'garbage':
          return socket.end(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x0a, 0xff, 0x00]));
        case 'close':
          return socket.end();
        default:
          return reply(stream.includes(eicar()) ? `stream: ${SIM_SIGNATURE} FOUND` : 'stream: OK');
      }
    };
  });
  if (opts.socketPath) {
    await new Promise<void>((resolve) => server.listen(opts.socketPath, resolve));
    return sim;
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sim.port = (server.address() as net.AddressInfo).port;
  return sim;
}

/** A loopback port nothing listens on (connection refused). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
