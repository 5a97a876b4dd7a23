import { Button, Input, SpinLoading, Toast } from 'antd-mobile';
import { PictureOutline } from 'antd-mobile-icons';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VisitMessage } from '../../../shared/visits.js';
import { formatDateTime } from '../../format.js';
import type { PendingMessage, VisitChat } from './useVisitChat.js';
import { AttachmentThumb } from './VisitParts.js';
import { uploadAttachment, useAttachmentUrl, visitErrorText } from './visitApi.js';

/** A time line is shown above a message more than five minutes after the one before. */
const TIME_GAP_MS = 5 * 60_000;

function VoiceNote({ attachmentId }: { attachmentId: string }) {
  const { url } = useAttachmentUrl(attachmentId, false);
  return url ? (
    <audio className="chat-voice" controls src={url}>
      <track kind="captions" />
    </audio>
  ) : (
    <SpinLoading />
  );
}

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
          <VoiceNote attachmentId={message.attachment.id} />
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

/** Text and a picture button; a picture is uploaded first, then sent as an image message. */
export function ChatInput({ chat }: { chat: VisitChat }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [uploading, setUploading] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

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
      const attachment = await uploadAttachment(file);
      chat.sendImage(attachment.id);
    } catch (error) {
      Toast.show({ content: `${t('visits.h5.uploadFailed')}：${visitErrorText(error, t)}` });
    } finally {
      setUploading(false);
      if (fileInput.current) fileInput.current.value = '';
    }
  }

  return (
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
  );
}
