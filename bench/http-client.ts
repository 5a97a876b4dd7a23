import net from 'node:net';

export interface HttpAnswer {
  status: number;
  body: string;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * One keep-alive HTTP/1.1 connection that sends a request and waits for its answer, then the next: a
 * load generator's client, much lighter than node:http's (which cost more CPU per request than the
 * ceiling's whole booking transaction on the 2-core bench machine, and shares those cores). It reads
 * only what the server sends here: a status line, headers with Content-Length, a body.
 */
export class HttpConnection {
  private readonly socket: net.Socket;
  private chunks: Buffer[] = [];
  private waiting: { resolve: (a: HttpAnswer) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  private constructor(
    socket: net.Socket,
    private readonly host: string,
  ) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.tryAnswer();
    });
    const fail = (err: Error) => {
      this.failure = err;
      this.waiting?.reject(err);
      this.waiting = null;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(Object.assign(new Error('connection closed'), { code: 'ECONNCLOSED' })));
  }

  static open(host: string, port: number): Promise<HttpConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => {
        socket.off('error', reject);
        resolve(new HttpConnection(socket, `${host}:${port}`));
      });
      socket.once('error', reject);
    });
  }

  request(method: string, path: string, headers: Record<string, string>, body = ''): Promise<HttpAnswer> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiting) return Promise.reject(new Error('one request at a time per connection'));
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.host}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    if (body) head += `content-length: ${Buffer.byteLength(body)}\r\n`;
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(`${head}\r\n${body}`);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private tryAnswer(): void {
    if (!this.waiting) return;
    const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [data];
    const headEnd = data.indexOf(HEAD_END);
    if (headEnd < 0) return;
    const head = data.subarray(0, headEnd).toString('latin1');
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) {
      this.waiting.reject(new Error(`answer without Content-Length: ${head.split('\r\n')[0]}`));
      this.waiting = null;
      return;
    }
    const end = headEnd + HEAD_END.length + Number(length[1]);
    if (data.length < end) return;
    const status = Number(head.slice(9, 12));
    const body = data.subarray(headEnd + HEAD_END.length, end).toString('utf8');
    this.chunks = data.length > end ? [data.subarray(end)] : [];
    const { resolve } = this.waiting;
    this.waiting = null;
    resolve({ status, body });
  }
}
