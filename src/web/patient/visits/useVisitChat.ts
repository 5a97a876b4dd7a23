import { Toast } from 'antd-mobile';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ServerFrame, VisitMessage } from '../../../shared/visits.js';
import { get } from '../../api.js';
import { mergeMessages, VisitSocket } from '../../visits/socket.js';

/** A message sent but not yet echoed back by the server. */
export interface PendingMessage {
  clientId: string;
  kind: 'text' | 'image' | 'voice';
  text?: string;
  attachmentId?: string;
  /** A voice note's length. */
  durationMs?: number;
}

export interface VisitChat {
  messages: VisitMessage[];
  pending: PendingMessage[];
  /** The last message id the doctor has read, as far as this page has been told. */
  doctorRead: number;
  /** The last message id of the history loaded with the page: receipts before it are unknown unless read. */
  historyLastId: number;
  doctorTyping: boolean;
  /** False while the socket is down (it reconnects by itself). */
  online: boolean;
  /** True once the history is loaded. */
  ready: boolean;
  sendText(text: string): void;
  sendImage(attachmentId: string): void;
  sendVoice(attachmentId: string, durationMs?: number): void;
  typing(): void;
}

const PAGE = 200;
const TYPING_SHOWN_MS = 4000;
const TYPING_SENT_EVERY_MS = 2500;

async function loadHistory(visitId: string): Promise<VisitMessage[]> {
  let all: VisitMessage[] = [];
  for (;;) {
    const after = all.at(-1)?.id ?? 0;
    const { items } = await get<{ items: VisitMessage[] }>(
      `/visits/${visitId}/messages?after=${after}&limit=${PAGE}`,
    );
    all = mergeMessages(all, items);
    if (items.length < PAGE) return all;
  }
}

/**
 * A visit's conversation: the history (GET messages), then live frames from the visit socket, resumed
 * after the last id seen; read receipts both ways and the doctor's typing. `onVisit` is called when the
 * visit's status changes.
 */
export function useVisitChat(visitId: string, onVisit: () => void): VisitChat {
  const [messages, setMessages] = useState<VisitMessage[]>([]);
  const [pending, setPending] = useState<PendingMessage[]>([]);
  const [doctorRead, setDoctorRead] = useState(0);
  const [doctorTyping, setDoctorTyping] = useState(false);
  const [online, setOnline] = useState(true);
  /** Counts the socket's (re)connections: what was read is said again on each. */
  const [connection, setConnection] = useState(0);
  const [ready, setReady] = useState(false);
  const [historyLastId, setHistoryLastId] = useState(0);
  const socketRef = useRef<VisitSocket | null>(null);
  const visitChanged = useRef(onVisit);
  visitChanged.current = onVisit;
  const lastTypingSent = useRef(0);
  const markedRead = useRef(0);

  useEffect(() => {
    let active = true;
    let socket: VisitSocket | null = null;
    let typingTimer = 0;
    const onFrame = (frame: ServerFrame) => {
      if ('visitId' in frame && frame.visitId !== undefined && frame.visitId !== visitId) return;
      switch (frame.type) {
        case 'message': {
          const { message } = frame;
          setMessages((list) => mergeMessages(list, [message]));
          if (message.clientId) setPending((list) => list.filter((p) => p.clientId !== message.clientId));
          if (message.senderRole === 'doctor') setDoctorTyping(false);
          break;
        }
        case 'read':
          if (frame.role === 'doctor') setDoctorRead((last) => Math.max(last, frame.lastReadId));
          break;
        case 'typing':
          if (frame.role === 'doctor') {
            setDoctorTyping(true);
            window.clearTimeout(typingTimer);
            typingTimer = window.setTimeout(() => setDoctorTyping(false), TYPING_SHOWN_MS);
          }
          break;
        case 'visit':
          visitChanged.current();
          break;
        case 'pong':
          setOnline(true);
          markedRead.current = 0;
          setConnection((n) => n + 1);
          break;
        case 'error':
          if (frame.code === 'DISCONNECTED') setOnline(false);
          else Toast.show({ content: frame.detail });
          break;
        default:
          break;
      }
    };
    loadHistory(visitId)
      .catch(() => [] as VisitMessage[])
      .then((history) => {
        if (!active) return;
        setMessages((list) => mergeMessages(list, history));
        setHistoryLastId(history.at(-1)?.id ?? 0);
        setReady(true);
        socket = new VisitSocket();
        socketRef.current = socket;
        socket.onFrame(onFrame);
        socket.follow(visitId, history.at(-1)?.id ?? 0);
      });
    return () => {
      active = false;
      window.clearTimeout(typingTimer);
      socket?.close();
      socketRef.current = null;
    };
  }, [visitId]);

  // Tell the doctor what has been seen: the newest message, once one of theirs is among the unseen.
  const lastDoctorId = messages.reduce(
    (max, m) => (m.senderRole === 'doctor' ? Math.max(max, m.id) : max),
    0,
  );
  useEffect(() => {
    const socket = socketRef.current;
    if (!socket || connection === 0 || lastDoctorId <= markedRead.current) return;
    const send = () => {
      if (document.visibilityState !== 'visible') return;
      socket.markRead(visitId, lastDoctorId);
      markedRead.current = lastDoctorId;
    };
    send();
    document.addEventListener('visibilitychange', send);
    return () => document.removeEventListener('visibilitychange', send);
  }, [lastDoctorId, connection, visitId]);

  const sendText = useCallback(
    (text: string) => {
      const socket = socketRef.current;
      if (!socket) return;
      const clientId = socket.sendText(visitId, text);
      setPending((list) => [...list, { clientId, kind: 'text', text }]);
    },
    [visitId],
  );

  const sendImage = useCallback(
    (attachmentId: string) => {
      const socket = socketRef.current;
      if (!socket) return;
      const clientId = socket.sendAttachment(visitId, 'image', attachmentId);
      setPending((list) => [...list, { clientId, kind: 'image', attachmentId }]);
    },
    [visitId],
  );

  const sendVoice = useCallback(
    (attachmentId: string, durationMs?: number) => {
      const socket = socketRef.current;
      if (!socket) return;
      const clientId = socket.sendAttachment(visitId, 'voice', attachmentId);
      setPending((list) => [...list, { clientId, kind: 'voice', attachmentId, durationMs }]);
    },
    [visitId],
  );

  const typing = useCallback(() => {
    const now = Date.now();
    if (now - lastTypingSent.current < TYPING_SENT_EVERY_MS) return;
    lastTypingSent.current = now;
    socketRef.current?.typing(visitId);
  }, [visitId]);

  return {
    messages,
    pending,
    doctorRead,
    historyLastId,
    doctorTyping,
    online,
    ready,
    sendText,
    sendImage,
    sendVoice,
    typing,
  };
}
