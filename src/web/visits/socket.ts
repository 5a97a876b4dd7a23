import {
  type ClientFrame,
  MAX_RESUME_VISITS,
  SERVICE_RESTART_CLOSE,
  type ServerFrame,
  type VisitMessage,
} from '../../shared/visits.js';
import { getToken } from '../api.js';

type Listener = (frame: ServerFrame) => void;

/**
 * The visit WebSocket (`/ws`): one connection per page, reconnecting with back-off. For every visit it
 * follows it remembers the last message id seen and resumes from it after a reconnect, so nothing is lost;
 * messages are kept by id, so nothing shows twice. Messages sent while disconnected are queued and resent
 * with the same clientId (the server stores a clientId once).
 */
export class VisitSocket {
  private ws: WebSocket | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly lastIds = new Map<string, number>();
  private readonly pending = new Map<string, ClientFrame>();
  private closed = false;
  private retry = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  connected = false;

  constructor(private readonly url = defaultUrl()) {
    this.open();
  }

  /** Follow a visit: the server sends everything after `after`, then live frames. */
  follow(visitId: string, after = 0): void {
    const known = this.lastIds.get(visitId) ?? 0;
    this.lastIds.set(visitId, Math.max(known, after));
    this.send({ type: 'resume', visitId, after: this.lastIds.get(visitId) ?? 0 });
  }

  onFrame(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  sendText(visitId: string, text: string): string {
    const clientId = newClientId();
    this.sendQueued({ type: 'message', visitId, clientId, kind: 'text', text });
    return clientId;
  }

  sendAttachment(visitId: string, kind: 'image' | 'voice', attachmentId: string): string {
    const clientId = newClientId();
    this.sendQueued({ type: 'message', visitId, clientId, kind, attachmentId });
    return clientId;
  }

  markRead(visitId: string, lastReadId: number): void {
    this.send({ type: 'read', visitId, lastReadId });
  }

  typing(visitId: string): void {
    this.send({ type: 'typing', visitId });
  }

  signal(visitId: string, data: unknown): void {
    this.send({ type: 'signal', visitId, data });
  }

  /** Drops the connection without giving up (tests and the "reconnect" path use it). */
  drop(): void {
    this.ws?.close();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
  }

  private sendQueued(frame: ClientFrame & { clientId: string }): void {
    this.pending.set(frame.clientId, frame);
    this.send(frame);
  }

  private send(frame: ClientFrame): boolean {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  private open(): void {
    const token = getToken();
    // The UI's language: system lines come back in it (a browser WebSocket cannot set Accept-Language).
    const lang = typeof document !== 'undefined' ? document.documentElement.lang : '';
    const ws = new WebSocket(
      `${this.url}?token=${encodeURIComponent(token ?? '')}${lang ? `&lang=${encodeURIComponent(lang)}` : ''}`,
    );
    this.ws = ws;
    ws.onopen = () => {
      this.retry = 0;
      this.connected = true;
      // Every visit followed so far, in as few frames as the server takes (a workbench may follow many).
      const visits = [...this.lastIds].map(([visitId, after]) => ({ visitId, after }));
      for (let i = 0; i < visits.length; i += MAX_RESUME_VISITS)
        this.send({ type: 'resume', visits: visits.slice(i, i + MAX_RESUME_VISITS) });
      for (const frame of this.pending.values()) this.send(frame);
      this.emit({ type: 'pong' });
    };
    ws.onmessage = (event) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(event.data)) as ServerFrame;
      } catch {
        return;
      }
      if (frame.type === 'message') this.seen(frame.message);
      this.emit(frame);
    };
    ws.onclose = (event) => {
      this.connected = false;
      this.ws = null;
      if (this.closed) return;
      const delay = reconnectDelay(event.code, this.retry, Math.random());
      if (event.code !== SERVICE_RESTART_CLOSE) this.retry += 1;
      this.timer = setTimeout(() => this.open(), delay);
      this.emit({ type: 'error', code: 'DISCONNECTED', detail: '连接已断开，正在重连…' });
    };
  }

  private seen(message: VisitMessage): void {
    const last = this.lastIds.get(message.visitId) ?? 0;
    if (message.id > last) this.lastIds.set(message.visitId, message.id);
    if (message.clientId) this.pending.delete(message.clientId);
  }

  private emit(frame: ServerFrame): void {
    for (const l of this.listeners) l(frame);
  }
}

/**
 * How long to wait before reconnecting. A node that drains closes with 1012 (service restart): reconnect at
 * once — the load balancer hands the new socket to another node — within a random quarter second, so a
 * node's sockets do not all arrive in the same instant; the back-off does not grow. Anything else (the
 * network, a crash) backs off from 0.5 s to 10 s.
 */
export function reconnectDelay(code: number, retry: number, random: number): number {
  if (code === SERVICE_RESTART_CLOSE) return Math.floor(random * 250);
  return Math.min(10_000, 500 * 2 ** retry);
}

function defaultUrl(): string {
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${window.location.host}/ws`;
}

function newClientId(): string {
  return crypto.randomUUID();
}

/** Merges messages by id, ascending; a message already there is not added twice. */
export function mergeMessages(list: VisitMessage[], incoming: VisitMessage[]): VisitMessage[] {
  if (incoming.length === 0) return list;
  const byId = new Map(list.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}
