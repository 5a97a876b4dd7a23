import WebSocket from 'ws';
import type { ServerFrame, VisitMessage } from '../../src/shared/visits.js';

/** A visit WebSocket (`/ws?token=`) that records every frame and waits for one matching a predicate. */
export class SocketClient {
  readonly frames: ServerFrame[] = [];
  private waiters: { pred: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  ws!: WebSocket;

  /** `base` is the server's http URL (a node's, or the front's). */
  static async open(base: string, token: string): Promise<SocketClient> {
    const c = new SocketClient();
    c.ws = new WebSocket(`${base.replace('http', 'ws')}/ws?token=${token}`);
    c.ws.on('message', (raw) => {
      const f = JSON.parse(String(raw)) as ServerFrame;
      c.frames.push(f);
      const due = c.waiters.filter((w) => w.pred(f));
      c.waiters = c.waiters.filter((w) => !due.includes(w));
      for (const w of due) w.resolve(f);
    });
    await new Promise((resolve, reject) => {
      c.ws.once('open', resolve);
      c.ws.once('error', reject);
    });
    return c;
  }

  send(frame: unknown) {
    this.ws.send(JSON.stringify(frame));
  }

  wait(pred: (f: ServerFrame) => boolean, ms = 10_000): Promise<ServerFrame> {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching frame; got ${JSON.stringify(this.frames)}`)),
        ms,
      );
      this.waiters.push({
        pred,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  messages(): VisitMessage[] {
    return this.frames.flatMap((f) => (f.type === 'message' ? [f.message] : []));
  }

  /** Message ids received more than once (a socket gets each message once). */
  repeated(): number[] {
    const ids = this.messages().map((m) => m.id);
    return ids.filter((id, i) => ids.indexOf(id) !== i);
  }

  /** Closes the socket; resolves when it is closed. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((r) => this.ws.once('close', r));
    this.ws.close();
    await closed;
  }
}
