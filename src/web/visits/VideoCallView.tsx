import type { TFunction } from 'i18next';
import { type ReactNode, useEffect, useRef, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useNow } from '../components/useNow.js';
import { errorText } from '../errors.js';
import { type CallController, CallError, type CallSnapshot } from './video.js';
import './video-call.css';

/**
 * The full-screen call of a video visit, in plain React and its own CSS so that the patient H5
 * (antd-mobile) and the clinic console (antd) show the same thing: the other side big, this side small
 * in a corner, the status, and 静音 / 关闭摄像头 / 挂断. Before joining it asks for recording consent.
 */
export function VideoCallView({
  controller,
  peerName,
  onBack,
}: {
  controller: CallController;
  /** Who is on the other side ("陈建国 主任医师"), once known. */
  peerName?: string;
  onBack(): void;
}) {
  const { t } = useTranslation();
  const call = useSyncExternalStore(
    (listener) => controller.subscribe(listener),
    () => controller.snapshot(),
  );
  const now = useNow(call.state === 'connected');
  const over = call.state === 'ended' || call.state === 'failed';
  const peerLabel = peerName ?? t(`video.peer.${controller.role === 'patient' ? 'doctor' : 'patient'}`);

  return (
    <div className="video-call" data-testid="video-call-screen" data-state={call.state}>
      <StreamVideo className="video-call__remote" stream={call.remoteStream} testId="remote-video" />
      {!call.remoteStream && (
        <div className="video-call__placeholder" aria-hidden>
          <span className="video-call__avatar">{peerLabel.slice(0, 1)}</span>
        </div>
      )}

      <header className="video-call__top">
        <button
          type="button"
          className="video-call__back"
          onClick={onBack}
          aria-label={t('video.back')}
          data-testid="call-back-arrow"
        >
          <BackIcon />
        </button>
        <div className="video-call__heading">
          <div className="video-call__peer">{peerLabel}</div>
          <div className="video-call__status" data-testid="call-status" role="status">
            {statusText(call, now, t)}
          </div>
        </div>
      </header>

      {call.localStream && !over && (
        <div className="video-call__local">
          <StreamVideo stream={call.localStream} muted mirrored testId="local-video" />
          {!call.cameraOn && <div className="video-call__local-off">{t('video.cameraIsOff')}</div>}
          <span className="video-call__local-label">{t('video.localLabel')}</span>
        </div>
      )}

      {!over && call.state !== 'idle' && (
        <footer className="video-call__controls">
          <ControlButton
            testId="call-mute"
            label={call.micOn ? t('video.mute') : t('video.unmute')}
            active={!call.micOn}
            onClick={() => controller.setMic(!call.micOn)}
          >
            <MicIcon off={!call.micOn} />
          </ControlButton>
          <ControlButton
            testId="call-camera"
            label={call.cameraOn ? t('video.cameraOff') : t('video.cameraOn')}
            active={!call.cameraOn}
            onClick={() => controller.setCamera(!call.cameraOn)}
          >
            <CameraIcon off={!call.cameraOn} />
          </ControlButton>
          <ControlButton
            testId="call-hangup"
            label={t('video.hangUp')}
            danger
            onClick={() => controller.hangUp()}
          >
            <HangUpIcon />
          </ControlButton>
        </footer>
      )}

      {call.state === 'idle' && (
        <div
          className="video-call__sheet"
          role="dialog"
          aria-modal="true"
          aria-labelledby="video-consent-title"
        >
          <div className="video-call__card" data-testid="recording-consent">
            <h2 id="video-consent-title" className="video-call__card-title">
              {t('video.consent.title')}
            </h2>
            <p className="video-call__card-text">{t('video.consent.question')}</p>
            <p className="video-call__card-hint">{t('video.consent.hint')}</p>
            <div className="video-call__card-actions">
              <button
                type="button"
                className="video-call__button"
                data-testid="consent-decline"
                onClick={() => void controller.join(false)}
              >
                {t('video.consent.decline')}
              </button>
              <button
                type="button"
                className="video-call__button video-call__button--primary"
                data-testid="consent-agree"
                onClick={() => void controller.join(true)}
              >
                {t('video.consent.agree')}
              </button>
            </div>
          </div>
        </div>
      )}

      {over && (
        <div className="video-call__sheet">
          <div className="video-call__card" data-testid="call-over">
            <h2 className="video-call__card-title">{statusText(call, now, t)}</h2>
            {call.connectedAt !== undefined && call.endedAt !== undefined && (
              <p className="video-call__card-text" data-testid="call-duration">
                {t('video.duration', { duration: duration(call.endedAt - call.connectedAt) })}
              </p>
            )}
            {call.state === 'failed' && call.error !== undefined && (
              <p className="video-call__card-text" data-testid="call-error">
                {failureText(call.error, t)}
              </p>
            )}
            <div className="video-call__card-actions">
              <button
                type="button"
                className="video-call__button video-call__button--primary"
                data-testid="call-back"
                onClick={onBack}
              >
                {t('video.backToVisit')}
              </button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

function statusText(call: CallSnapshot, now: Date, t: TFunction): string {
  switch (call.state) {
    case 'idle':
      return t('video.status.idle');
    case 'connecting':
      if (!call.callId) return t('video.status.starting');
      if (!call.peerJoined) return t('video.status.waiting');
      return call.connectedAt ? t('video.status.reconnecting') : t('video.status.connecting');
    case 'connected':
      return t('video.status.connected', { duration: duration(now.getTime() - (call.connectedAt ?? 0)) });
    case 'ended':
      if (call.endedBy === 'remote') return t('video.status.endedRemote');
      if (call.endedBy === 'visit') return t('video.status.endedVisit');
      return t('video.status.ended');
    case 'failed':
      return t('video.status.failed');
  }
}

function failureText(error: unknown, t: TFunction): string {
  if (error instanceof CallError) return t(`video.errors.${error.code}`);
  return errorText(error, t);
}

/** 65 000 ms → "01:05". */
function duration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor(seconds / 60)).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  return `${mm}:${ss}`;
}

function StreamVideo({
  stream,
  className,
  muted = false,
  mirrored = false,
  testId,
}: {
  stream: MediaStream | null;
  className?: string;
  muted?: boolean;
  mirrored?: boolean;
  testId: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video || video.srcObject === stream) return;
    video.srcObject = stream;
    // Autoplay may still be refused (no user gesture yet); the consent tap usually counts as one.
    if (stream) void video.play().catch(() => undefined);
  }, [stream]);
  return (
    <video
      ref={ref}
      className={`${className ?? ''}${mirrored ? ' video-call__mirrored' : ''}`}
      data-testid={testId}
      autoPlay
      playsInline
      muted={muted}
    />
  );
}

function ControlButton({
  label,
  onClick,
  active = false,
  danger = false,
  testId,
  children,
}: {
  label: string;
  onClick(): void;
  active?: boolean;
  danger?: boolean;
  testId: string;
  children: ReactNode;
}) {
  const tone = danger ? ' video-call__control--danger' : active ? ' video-call__control--active' : '';
  return (
    <button
      type="button"
      className={`video-call__control${tone}`}
      onClick={onClick}
      aria-pressed={danger ? undefined : active}
      data-testid={testId}
    >
      <span className="video-call__control-icon">{children}</span>
      <span className="video-call__control-label">{label}</span>
    </button>
  );
}

const svgProps = {
  width: 26,
  height: 26,
  viewBox: '0 0 24 24',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 2,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
} as const;

function BackIcon() {
  return (
    <svg {...svgProps} aria-hidden="true">
      <path d="M15 18l-6-6 6-6" />
    </svg>
  );
}

function MicIcon({ off }: { off: boolean }) {
  return (
    <svg {...svgProps} aria-hidden="true">
      <rect x="9" y="3" width="6" height="11" rx="3" />
      <path d="M5 11a7 7 0 0 0 14 0M12 18v3" />
      {off && <path d="M4 4l16 16" />}
    </svg>
  );
}

function CameraIcon({ off }: { off: boolean }) {
  return (
    <svg {...svgProps} aria-hidden="true">
      <rect x="3" y="6" width="13" height="12" rx="2" />
      <path d="M16 10l5-3v10l-5-3z" />
      {off && <path d="M3 3l18 18" />}
    </svg>
  );
}

function HangUpIcon() {
  return (
    <svg {...svgProps} aria-hidden="true" style={{ transform: 'rotate(135deg)' }}>
      <path d="M22 16.9v3a2 2 0 0 1-2.2 2 19.8 19.8 0 0 1-8.6-3.1 19.5 19.5 0 0 1-6-6A19.8 19.8 0 0 1 2.1 4.2 2 2 0 0 1 4.1 2h3a2 2 0 0 1 2 1.7c.1.9.4 1.8.7 2.7a2 2 0 0 1-.5 2.1L8 9.8a16 16 0 0 0 6 6l1.3-1.3a2 2 0 0 1 2.1-.4c.9.3 1.8.6 2.7.7a2 2 0 0 1 1.7 2z" />
    </svg>
  );
}
