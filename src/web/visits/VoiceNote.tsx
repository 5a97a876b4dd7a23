import { type SyntheticEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { attachmentUrl } from './attachments.js';
import type { VoicePhase } from './useVoiceRecorder.js';
import { formatVoiceDuration, VOICE_MAX_MS } from './voice.js';
import './voice.css';

/** Bar heights of the little waveform (a picture, not the sound's own). */
const WAVE = [6, 10, 14, 9, 16, 12, 7, 13, 17, 10, 6, 11];

/** One note plays at a time: starting another pauses this one. */
let playingNow: HTMLAudioElement | null = null;

function PlayIcon({ playing }: { playing: boolean }) {
  return (
    <svg viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" focusable="false">
      {playing ? (
        <path fill="currentColor" d="M7 5h3.5v14H7zM13.5 5H17v14h-3.5z" />
      ) : (
        <path
          fill="currentColor"
          d="M8 5.2v13.6a.8.8 0 0 0 1.2.7l10.4-6.8a.8.8 0 0 0 0-1.4L9.2 4.5A.8.8 0 0 0 8 5.2z"
        />
      )}
    </svg>
  );
}

/**
 * A voice message: a play/pause button with its length (0:07) and a waveform that fills as it plays. The
 * bytes are fetched with the session's token into a blob: URL for a hidden <audio>. Plain React, styled by
 * voice.css, so the H5 (antd-mobile) and the clinic console (antd) both use it; it takes the colour of the
 * bubble it sits in.
 */
export function VoiceNote({ attachmentId, durationMs }: { attachmentId: string; durationMs?: number }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string>();
  const [failed, setFailed] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [positionMs, setPositionMs] = useState(0);
  const [mediaMs, setMediaMs] = useState<number>();
  const audio = useRef<HTMLAudioElement>(null);
  /** Seeking far past the end to learn the length of a WebM that does not say it. */
  const probing = useRef(false);

  useEffect(() => {
    let current = true;
    let made: string | undefined;
    setUrl(undefined);
    setFailed(false);
    attachmentUrl(attachmentId).then(
      (u) => {
        made = u;
        if (current) setUrl(u);
        else URL.revokeObjectURL(u);
      },
      () => current && setFailed(true),
    );
    return () => {
      current = false;
      const el = audio.current;
      if (el && playingNow === el) playingNow = null;
      if (made) URL.revokeObjectURL(made);
    };
  }, [attachmentId]);

  const totalMs = durationMs ?? mediaMs ?? 0;
  const seconds = Math.min(VOICE_MAX_MS, totalMs) / 1000;
  const duration = formatVoiceDuration(totalMs);
  const played = totalMs > 0 ? Math.min(1, positionMs / totalMs) : 0;

  function onLoadedMetadata(event: SyntheticEvent<HTMLAudioElement>) {
    const el = event.currentTarget;
    if (Number.isFinite(el.duration)) {
      setMediaMs(el.duration * 1000);
      return;
    }
    // MediaRecorder writes WebM without a duration (Infinity until played through): a seek past the end
    // makes the element read to the end and learn it; durationChange then goes back to the start.
    probing.current = true;
    el.currentTime = 1e101;
  }

  function onDurationChange(event: SyntheticEvent<HTMLAudioElement>) {
    const el = event.currentTarget;
    if (!Number.isFinite(el.duration)) return;
    setMediaMs(el.duration * 1000);
    if (probing.current) {
      probing.current = false;
      el.currentTime = 0;
    }
  }

  function onTimeUpdate(event: SyntheticEvent<HTMLAudioElement>) {
    if (!probing.current) setPositionMs(event.currentTarget.currentTime * 1000);
  }

  function stopped() {
    setPlaying(false);
    if (playingNow === audio.current) playingNow = null;
  }

  function toggle() {
    const el = audio.current;
    if (!el || !url) return;
    if (!el.paused) {
      el.pause();
      return;
    }
    if (probing.current) {
      probing.current = false;
      el.currentTime = 0;
    }
    if (playingNow && playingNow !== el) playingNow.pause();
    playingNow = el;
    el.play().catch(() => stopped());
  }

  const state = failed ? 'failed' : !url ? 'loading' : playing ? 'playing' : 'ready';
  return (
    <span
      className={`voice-note voice-note--${state}`}
      data-testid="voice-note"
      data-state={state}
      data-duration-ms={totalMs || undefined}
    >
      <button
        type="button"
        className="voice-note__button"
        // Longer notes are wider, as chat apps draw them.
        style={{ minWidth: `${Math.round(112 + Math.min(60, seconds) * 2)}px` }}
        onClick={toggle}
        disabled={!url}
        aria-pressed={playing}
        // The name keeps the visible text, the duration (WCAG 2.5.3, axe label-content-name-mismatch); a
        // note that failed to load is named by what it shows.
        aria-label={failed ? undefined : t(playing ? 'voice.pause' : 'voice.play', { duration })}
        title={failed ? t('voice.loadFailed') : undefined}
        data-testid="voice-note-play"
      >
        <span className="voice-note__icon">
          <PlayIcon playing={playing} />
        </span>
        {failed ? (
          <span className="voice-note__failed">{t('voice.loadFailed')}</span>
        ) : (
          <span className="voice-note__wave" aria-hidden="true">
            {WAVE.map((height, i) => (
              <i
                // biome-ignore lint/suspicious/noArrayIndexKey: the bars are fixed and never reorder.
                key={i}
                style={{ height }}
                className={i / WAVE.length < played ? 'voice-note__bar--played' : undefined}
              />
            ))}
          </span>
        )}
        <span className="voice-note__duration" data-testid="voice-note-duration">
          {duration}
        </span>
      </button>
      {url && (
        // biome-ignore lint/a11y/useMediaCaption: a spoken note from a chat has no caption track.
        <audio
          ref={audio}
          src={url}
          preload="metadata"
          data-testid="voice-note-audio"
          onLoadedMetadata={onLoadedMetadata}
          onDurationChange={onDurationChange}
          onTimeUpdate={onTimeUpdate}
          onPlay={() => setPlaying(true)}
          onPause={stopped}
          onEnded={() => {
            stopped();
            setPositionMs(0);
          }}
        />
      )}
    </span>
  );
}

/** What a recording bar says: a red dot, recording / starting / sending, the time and the limit. */
export function VoiceRecordingStatus({ phase, elapsedMs }: { phase: VoicePhase; elapsedMs: number }) {
  const { t } = useTranslation();
  const label =
    phase === 'starting'
      ? t('voice.starting')
      : phase === 'sending'
        ? t('voice.sending')
        : t('voice.recording');
  return (
    <span className={`voice-status voice-status--${phase}`} data-testid="voice-status" data-phase={phase}>
      <span className="voice-status__dot" aria-hidden="true" />
      <span className="voice-status__label">{label}</span>
      {phase !== 'starting' && (
        <span className="voice-status__time" data-testid="voice-elapsed" role="timer">
          {formatVoiceDuration(Math.floor(elapsedMs / 1000) * 1000)}
        </span>
      )}
      <span className="voice-status__limit">
        {t('voice.limit', { max: formatVoiceDuration(VOICE_MAX_MS) })}
      </span>
    </span>
  );
}
