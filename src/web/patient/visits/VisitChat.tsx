import { Button, Input, SpinLoading, Toast } from 'antd-mobile';
import { AudioOutline, PictureOutline } from 'antd-mobile-icons';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VisitMessage } from '../../../shared/visits.js';
import { formatDateTime } from '../../format.js';
import { uploadPicture } from '../../visits/attachments.js';
import { useVoiceRecorder } from '../../visits/useVoiceRecorder.js';
import { VoiceNote, VoiceRecordingStatus } from '../../visits/VoiceNote.js';
import { VoiceError, type VoiceErrorCode } from '../../visits/voice.js';
import type { PendingMessage, VisitChat } from './useVisitChat.js';
import { AttachmentThumb } from './VisitParts.js';
import { visitErrorText } from './visitApi.js';

/** A time line is shown above a message more than five minutes after the one before. */
const TIME_GAP_MS = 5 * 60_000;

function Bubble({ message, read }: { message: VisitMessage; read?: boolean }) {
  const { t } = useTranslation();
  if (message.kind === 'system') {
    return (
      <div className="chat-system" data-testid="chat-system">
        {message.text}
      </div>
    );
  }
  const mine = message.senderRole === 'patient';
  return (
    <div
      className={`chat-row ${mine ? 'chat-row--mine' : ''}`}
      data-testid="chat-message"
      data-id={message.id}
    >
      {!mine && (
        <span className="chat-avatar" aria-hidden>
          {message.senderName.slice(0, 1)}
        </span>
      )}
      <div className="chat-row__body">
        {!mine && <div className="chat-sender">{message.senderName}</div>}
        {message.kind === 'image' && message.attachment ? (
          <AttachmentThumb attachmentId={message.attachment.id} className="chat-image" />
        ) : message.kind === 'voice' && message.attachment ? (
          <div className="chat-bubble chat-bubble--voice">
            <VoiceNote attachmentId={message.attachment.id} durationMs={message.attachment.durationMs} />
          </div>
        ) : (
          <div className="chat-bubble">{message.text}</div>
        )}
        {mine && read !== undefined && (
          <div className={`chat-receipt ${read ? 'chat-receipt--read' : ''}`} data-testid="chat-receipt">
            {read ? t('visits.h5.read') : t('visits.h5.unread')}
          </div>
        )}
      </div>
    </div>
  );
}

function PendingBubble({ pending }: { pending: PendingMessage }) {
  const { t } = useTranslation();
  return (
    <div className="chat-row chat-row--mine chat-row--pending" data-testid="chat-pending">
      <div className="chat-row__body">
        {pending.kind === 'image' && pending.attachmentId ? (
          <AttachmentThumb attachmentId={pending.attachmentId} className="chat-image" />
        ) : pending.kind === 'voice' && pending.attachmentId ? (
          <div className="chat-bubble chat-bubble--voice">
            <VoiceNote attachmentId={pending.attachmentId} durationMs={pending.durationMs} />
          </div>
        ) : (
          <div className="chat-bubble">{pending.text}</div>
        )}
        <div className="chat-receipt">{t('visits.h5.sending')}</div>
      </div>
    </div>
  );
}

/** 已读 once the doctor said so; 未读 only for what was sent since the page opened (older is unknown). */
function receipt(message: VisitMessage, chat: VisitChat): boolean | undefined {
  if (message.senderRole !== 'patient') return undefined;
  if (message.id <= chat.doctorRead) return true;
  return message.id > chat.historyLastId ? false : undefined;
}

/** The conversation: time lines, bubbles, pictures, receipts and the doctor typing. */
export function ChatMessages({ chat }: { chat: VisitChat }) {
  const { t, i18n } = useTranslation();
  if (!chat.ready)
    return (
      <div className="patient-loading">
        <SpinLoading color="primary" />
      </div>
    );
  if (chat.messages.length === 0 && chat.pending.length === 0)
    return <p className="chat-empty">{t('visits.h5.chatEmpty')}</p>;
  return (
    <div className="chat-list" data-testid="chat-list">
      {chat.messages.map((message, i) => {
        const before = chat.messages[i - 1];
        const gap =
          !before ||
          new Date(message.createdAt).getTime() - new Date(before.createdAt).getTime() > TIME_GAP_MS;
        return (
          <div key={message.id}>
            {gap && <div className="chat-time">{formatDateTime(message.createdAt, i18n.language)}</div>}
            <Bubble message={message} read={receipt(message, chat)} />
          </div>
        );
      })}
      {chat.pending.map((pending) => (
        <PendingBubble key={pending.clientId} pending={pending} />
      ))}
      {chat.doctorTyping && (
        <div className="chat-typing" data-testid="chat-typing">
          {t('visits.h5.typing')}
        </div>
      )}
    </div>
  );
}

/**
 * Text, a picture button and a voice button. A picture is uploaded first, then sent as an image message;
 * a voice note is recorded (a bar in place of the input: elapsed time, 取消 and 发送), uploaded and sent as
 * a voice message. A refused microphone is said above the input, which stays usable.
 */
export function ChatInput({ chat }: { chat: VisitChat }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [uploading, setUploading] = useState(false);
  const [micProblem, setMicProblem] = useState<VoiceErrorCode>();
  const fileInput = useRef<HTMLInputElement>(null);
  const voice = useVoiceRecorder(
    (attachment) => chat.sendVoice(attachment.id, attachment.durationMs),
    (error) => {
      if (!(error instanceof VoiceError))
        Toast.show({ content: `${t('voice.uploadFailed')}：${visitErrorText(error, t)}` });
      else if (error.code === 'TOO_SHORT') Toast.show({ content: t('voice.errors.TOO_SHORT') });
      else setMicProblem(error.code);
    },
  );

  function send() {
    const value = text.trim();
    if (!value) return;
    chat.sendText(value);
    setText('');
  }

  async function sendPicture(file: File | undefined) {
    if (!file) return;
    setUploading(true);
    try {
      const attachment = await uploadPicture(file);
      chat.sendImage(attachment.id);
    } catch (error) {
      Toast.show({ content: `${t('visits.h5.uploadFailed')}：${visitErrorText(error, t)}` });
    } finally {
      setUploading(false);
      if (fileInput.current) fileInput.current.value = '';
    }
  }

  function record() {
    setMicProblem(undefined);
    voice.start();
  }

  if (voice.phase !== 'idle') {
    return (
      <div className="voice-recorder" data-testid="voice-recorder">
        <VoiceRecordingStatus phase={voice.phase} elapsedMs={voice.elapsedMs} />
        <div className="voice-recorder__actions">
          <Button
            size="large"
            disabled={voice.phase === 'sending'}
            onClick={voice.cancel}
            data-testid="voice-cancel"
          >
            {t('voice.cancel')}
          </Button>
          <Button
            size="large"
            color="primary"
            disabled={voice.phase === 'starting'}
            loading={voice.phase === 'sending'}
            onClick={voice.send}
            data-testid="voice-send"
          >
            {t('voice.send')}
          </Button>
        </div>
      </div>
    );
  }

  return (
    <div className="voice-composer">
      {micProblem && (
        <div className="voice-notice" role="alert" data-testid="voice-notice">
          <span className="voice-notice__text">{t(`voice.errors.${micProblem}`)}</span>
          <button type="button" className="voice-notice__close" onClick={() => setMicProblem(undefined)}>
            {t('voice.dismiss')}
          </button>
        </div>
      )}
      <div className="chat-input">
        <button
          type="button"
          className="chat-input__picture"
          aria-label={t('visits.h5.picture')}
          disabled={uploading || !chat.ready}
          onClick={() => fileInput.current?.click()}
          data-testid="chat-picture"
        >
          {uploading ? <SpinLoading style={{ '--size': '22px' }} /> : <PictureOutline />}
        </button>
        <button
          type="button"
          className="chat-input__picture chat-input__voice"
          aria-label={t('voice.recordHint')}
          title={t('voice.record')}
          disabled={!chat.ready}
          onClick={record}
          data-testid="chat-voice"
        >
          <AudioOutline />
        </button>
        <input
          ref={fileInput}
          type="file"
          accept="image/jpeg,image/png,image/heic"
          hidden
          data-testid="chat-picture-input"
          onChange={(event) => void sendPicture(event.target.files?.[0])}
        />
        <Input
          className="chat-input__text"
          data-testid="chat-input"
          value={text}
          placeholder={t('visits.h5.inputPlaceholder')}
          onChange={(value) => {
            setText(value);
            if (value) chat.typing();
          }}
          onEnterPress={send}
          enterKeyHint="send"
          maxLength={2000}
        />
        <Button
          color="primary"
          size="small"
          className="chat-input__send"
          disabled={!text.trim() || !chat.ready}
          onClick={send}
          data-testid="chat-send"
        >
          {t('visits.h5.send')}
        </Button>
      </div>
    </div>
  );
}
