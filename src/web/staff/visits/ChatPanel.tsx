import {
  AudioOutlined,
  DisconnectOutlined,
  PictureOutlined,
  SendOutlined,
  VideoCameraOutlined,
} from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Image, Input, Spin, Tooltip, Typography } from 'antd';
import { type ChangeEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { VisitMessage, VisitView } from '../../../shared/visits.js';
import { get } from '../../api.js';
import { formatTime } from '../../format.js';
import { MAX_ATTACHMENT_BYTES, uploadPicture } from '../../visits/attachments.js';
import { mergeMessages, type VisitSocket } from '../../visits/socket.js';
import { useVoiceRecorder } from '../../visits/useVoiceRecorder.js';
import { VoiceNote, VoiceRecordingStatus } from '../../visits/VoiceNote.js';
import { VoiceError, type VoiceErrorCode } from '../../visits/voice.js';
import { Thumbnail } from './Thumbnail.js';
import { visitErrorText } from './visitApi.js';

/** A message sent but not yet echoed back by the server (kept by its clientId). */
interface Pending {
  clientId: string;
  text?: string;
  attachmentId?: string;
  /** Set for a voice note: its length. */
  voice?: { durationMs?: number };
}

const TYPING_SHOWN_MS = 4000;
const TYPING_SENT_EVERY_MS = 3000;
const PICTURE_TYPES = 'image/jpeg,image/png,image/heic';

function Body({ message }: { message: VisitMessage }) {
  if (message.kind === 'image' && message.attachment) {
    return (
      <Image.PreviewGroup>
        <Thumbnail id={message.attachment.id} size={120} />
      </Image.PreviewGroup>
    );
  }
  if (message.kind === 'voice' && message.attachment) {
    return <VoiceNote attachmentId={message.attachment.id} durationMs={message.attachment.durationMs} />;
  }
  return <span className="chat-text">{message.text}</span>;
}

/**
 * Middle column: the visit's chat over the WebSocket (history, live messages, pictures, read receipts,
 * the typing indicator) and the way to the video call.
 */
export function ChatPanel({ visit, socket }: { visit: VisitView; socket: VisitSocket }) {
  const { t } = useTranslation();
  const { message: toast } = App.useApp();
  const navigate = useNavigate();
  const [messages, setMessages] = useState<VisitMessage[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [pending, setPending] = useState<Pending[]>([]);
  const [patientRead, setPatientRead] = useState(0);
  const [patientTyping, setPatientTyping] = useState(false);
  // `online` gates read receipts (a receipt sent while down is lost); `dropped` shows the banner.
  const [online, setOnline] = useState(socket.connected);
  const [dropped, setDropped] = useState(false);
  const [text, setText] = useState('');
  const [uploading, setUploading] = useState(false);
  const [micProblem, setMicProblem] = useState<VoiceErrorCode>();
  const listRef = useRef<HTMLDivElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const lastTypingSent = useRef(0);
  const lastMarked = useRef(0);
  const visitId = visit.id;

  // History over HTTP and then live frames; both merge by id, so whichever comes first nothing doubles.
  useEffect(() => {
    let current = true;
    let typingTimer = 0;
    get<{ items: VisitMessage[] }>(`/visits/${visitId}/messages?after=0`)
      .then((page) => {
        if (current) setMessages((list) => mergeMessages(list, page.items));
      })
      .catch(() => undefined)
      .finally(() => current && setLoaded(true));
    const off = socket.onFrame((frame) => {
      if (frame.type === 'pong' || (frame.type === 'resumed' && frame.visitId === visitId)) {
        setOnline(true);
        setDropped(false);
        setLoaded(true);
        return;
      }
      if (frame.type === 'error') {
        if (frame.code === 'DISCONNECTED') {
          setOnline(false);
          setDropped(true);
        } else if (!frame.visitId || frame.visitId === visitId) toast.error(frame.detail);
        return;
      }
      if (!('visitId' in frame) || frame.visitId !== visitId) return;
      if (frame.type === 'message') {
        setMessages((list) => mergeMessages(list, [frame.message]));
        const clientId = frame.message.clientId;
        if (clientId) setPending((list) => list.filter((p) => p.clientId !== clientId));
        if (frame.message.senderRole === 'patient') setPatientTyping(false);
      } else if (frame.type === 'read' && frame.role === 'patient') {
        setPatientRead((last) => Math.max(last, frame.lastReadId));
      } else if (frame.type === 'typing' && frame.role === 'patient') {
        setPatientTyping(true);
        window.clearTimeout(typingTimer);
        typingTimer = window.setTimeout(() => setPatientTyping(false), TYPING_SHOWN_MS);
      }
    });
    socket.follow(visitId, 0);
    return () => {
      current = false;
      window.clearTimeout(typingTimer);
      off();
    };
  }, [socket, visitId, toast]);

  // Keep the newest message in view.
  // biome-ignore lint/correctness/useExhaustiveDependencies: scrolls when the list or the indicator changes.
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages, pending, patientTyping]);

  // Read receipt: the doctor has the chat open, so everything shown is read.
  useEffect(() => {
    const last = messages.at(-1)?.id ?? 0;
    if (last > lastMarked.current && online && socket.connected) {
      lastMarked.current = last;
      socket.markRead(visitId, last);
    }
  }, [messages, online, socket, visitId]);

  const canSend = (visit.status === 'in_progress' || visit.status === 'completed') && !visit.chatClosed;

  const voice = useVoiceRecorder(
    (attachment) => {
      const clientId = socket.sendAttachment(visitId, 'voice', attachment.id);
      setPending((list) => [...list, { clientId, attachmentId: attachment.id, voice: attachment }]);
    },
    (error) => {
      if (!(error instanceof VoiceError))
        toast.error(`${t('voice.uploadFailed')}：${visitErrorText(error, t)}`);
      else if (error.code === 'TOO_SHORT') toast.warning(t('voice.errors.TOO_SHORT'));
      else setMicProblem(error.code);
    },
  );

  function record() {
    setMicProblem(undefined);
    voice.start();
  }

  function send() {
    const body = text.trim();
    if (!body || !canSend) return;
    const clientId = socket.sendText(visitId, body);
    setPending((list) => [...list, { clientId, text: body }]);
    setText('');
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  function onChange(event: ChangeEvent<HTMLTextAreaElement>) {
    setText(event.target.value);
    const now = Date.now();
    if (now - lastTypingSent.current > TYPING_SENT_EVERY_MS) {
      lastTypingSent.current = now;
      socket.typing(visitId);
    }
  }

  async function sendPicture(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    if (file.size > MAX_ATTACHMENT_BYTES) {
      toast.error(t('workstation.chat.pictureTooLarge'));
      return;
    }
    setUploading(true);
    try {
      const attachment = await uploadPicture(file);
      const clientId = socket.sendAttachment(visitId, 'image', attachment.id);
      setPending((list) => [...list, { clientId, attachmentId: attachment.id }]);
    } catch (failure) {
      toast.error(`${t('workstation.chat.uploadFailed')}：${visitErrorText(failure, t)}`);
    } finally {
      setUploading(false);
    }
  }

  const hint = visit.chatClosed
    ? t('workstation.chat.closed')
    : visit.status === 'waiting' || visit.status === 'paid'
      ? t('workstation.chat.notStarted')
      : undefined;

  return (
    <Card
      size="small"
      className="chat"
      title={
        <span className="chat__title">
          {t('workstation.chat.title')}
          {dropped && (
            <Typography.Text type="warning" className="chat__offline" data-testid="chat-reconnecting">
              <DisconnectOutlined aria-hidden /> {t('workstation.chat.reconnecting')}
            </Typography.Text>
          )}
        </span>
      }
      extra={
        <Button
          size="small"
          icon={<VideoCameraOutlined aria-hidden />}
          disabled={visit.status !== 'in_progress'}
          onClick={() => navigate(`/clinic/onlineVisits/${visitId}/video`)}
          data-testid="video-call"
        >
          {t('workstation.chat.video')}
        </Button>
      }
    >
      <div className="chat__list" ref={listRef} data-testid="chat-list">
        {!loaded ? (
          <Spin className="staff-page__spin" />
        ) : messages.length === 0 && pending.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workstation.chat.empty')} />
        ) : null}
        {messages.map((m) =>
          m.senderRole === 'system' ? (
            <div key={m.id} className="chat-system" data-testid="chat-message">
              {m.text}
            </div>
          ) : (
            <div
              key={m.id}
              className={`chat-row chat-row--${m.senderRole === 'doctor' ? 'mine' : 'theirs'}`}
              data-testid="chat-message"
              data-role={m.senderRole}
            >
              <div className="chat-meta">
                {m.senderName} · {formatTime(m.createdAt)}
              </div>
              <div className="chat-bubble">
                <Body message={m} />
              </div>
              {m.senderRole === 'doctor' && (
                <div
                  className={`chat-receipt${m.id <= patientRead ? ' chat-receipt--read' : ''}`}
                  data-testid="receipt"
                >
                  {m.id <= patientRead ? t('workstation.chat.read') : t('workstation.chat.unread')}
                </div>
              )}
            </div>
          ),
        )}
        {pending.map((p) => (
          <div
            key={p.clientId}
            className="chat-row chat-row--mine chat-row--pending"
            data-testid="chat-pending"
          >
            <div className="chat-bubble">
              {p.attachmentId && p.voice ? (
                <VoiceNote attachmentId={p.attachmentId} durationMs={p.voice.durationMs} />
              ) : p.attachmentId ? (
                <Thumbnail id={p.attachmentId} size={120} />
              ) : (
                <span className="chat-text">{p.text}</span>
              )}
            </div>
            <div className="chat-receipt">{t('workstation.chat.sending')}</div>
          </div>
        ))}
        {patientTyping && (
          <div className="chat-typing" data-testid="chat-typing">
            {t('workstation.chat.typing')}
          </div>
        )}
      </div>
      {hint && <div className="chat__hint">{hint}</div>}
      {micProblem && (
        <Alert
          type="warning"
          showIcon
          closable
          className="chat__voice-notice"
          message={t(`voice.errors.${micProblem}`)}
          onClose={() => setMicProblem(undefined)}
          data-testid="voice-notice"
        />
      )}
      <div className="chat__composer">
        {voice.phase !== 'idle' ? (
          <div className="voice-recorder--inline" data-testid="voice-recorder">
            <VoiceRecordingStatus phase={voice.phase} elapsedMs={voice.elapsedMs} />
            <Button disabled={voice.phase === 'sending'} onClick={voice.cancel} data-testid="voice-cancel">
              {t('voice.cancel')}
            </Button>
            <Button
              type="primary"
              icon={<SendOutlined aria-hidden />}
              disabled={voice.phase === 'starting'}
              loading={voice.phase === 'sending'}
              onClick={voice.send}
              data-testid="voice-send"
            >
              {t('voice.send')}
            </Button>
          </div>
        ) : (
          <>
            <input
              ref={fileRef}
              type="file"
              accept={PICTURE_TYPES}
              hidden
              onChange={sendPicture}
              data-testid="chat-file"
            />
            <Tooltip title={t('workstation.chat.picture')}>
              <Button
                icon={<PictureOutlined aria-hidden />}
                loading={uploading}
                disabled={!canSend}
                onClick={() => fileRef.current?.click()}
                aria-label={t('workstation.chat.picture')}
                data-testid="chat-picture"
              />
            </Tooltip>
            <Tooltip title={t('voice.recordHint')}>
              <Button
                icon={<AudioOutlined aria-hidden />}
                disabled={!canSend}
                onClick={record}
                aria-label={t('voice.recordHint')}
                data-testid="chat-voice"
              />
            </Tooltip>
            <Input.TextArea
              value={text}
              onChange={onChange}
              onKeyDown={onKeyDown}
              disabled={!canSend}
              autoSize={{ minRows: 1, maxRows: 4 }}
              placeholder={t('workstation.chat.placeholder')}
              data-testid="chat-input"
            />
            <Button
              type="primary"
              icon={<SendOutlined aria-hidden />}
              onClick={send}
              disabled={!canSend || text.trim() === ''}
              data-testid="chat-send"
            >
              {t('workstation.chat.send')}
            </Button>
          </>
        )}
      </div>
    </Card>
  );
}
