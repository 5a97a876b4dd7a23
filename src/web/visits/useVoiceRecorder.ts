import { useCallback, useEffect, useRef, useState } from 'react';
import type { AttachmentView } from '../../shared/visits.js';
import { uploadVoice, type VoiceClip, VoiceRecorder } from './voice.js';

export type VoicePhase = 'idle' | 'starting' | 'recording' | 'sending';

export interface VoiceRecording {
  phase: VoicePhase;
  /** How long the current recording has run, ticking while it records. */
  elapsedMs: number;
  start(): void;
  /** Stops, uploads and hands the attachment to `onUploaded` (the chat sends it as a voice message). */
  send(): void;
  cancel(): void;
}

const TICK_MS = 200;

/**
 * The voice button of a chat, in React: idle → starting (asking for the microphone) → recording →
 * sending → idle. At the longest length the recording is sent by itself. A refused microphone, a note
 * too short or a failed upload goes to `onError`; the chat stays as it was.
 */
export function useVoiceRecorder(
  onUploaded: (attachment: AttachmentView) => void,
  onError: (error: unknown) => void,
): VoiceRecording {
  const [phase, setPhase] = useState<VoicePhase>('idle');
  const [elapsedMs, setElapsedMs] = useState(0);
  const handlers = useRef({ onUploaded, onError });
  handlers.current = { onUploaded, onError };
  const mounted = useRef(true);
  const recorderRef = useRef<VoiceRecorder | null>(null);

  const deliver = useCallback(async (clip: Promise<VoiceClip>) => {
    setPhase('sending');
    try {
      const attachment = await uploadVoice(await clip);
      if (mounted.current) handlers.current.onUploaded(attachment);
    } catch (error) {
      if (mounted.current) handlers.current.onError(error);
    } finally {
      if (mounted.current) {
        setPhase('idle');
        setElapsedMs(0);
      }
    }
  }, []);

  const recorder = useCallback((): VoiceRecorder => {
    recorderRef.current ??= new VoiceRecorder({ onAutoStop: (clip) => void deliver(clip) });
    return recorderRef.current;
  }, [deliver]);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      recorderRef.current?.cancel();
    };
  }, []);

  useEffect(() => {
    if (phase !== 'recording') return;
    const tick = () => {
      const since = recorderRef.current?.since ?? 0;
      if (since) setElapsedMs(Date.now() - since);
    };
    tick();
    const timer = window.setInterval(tick, TICK_MS);
    return () => window.clearInterval(timer);
  }, [phase]);

  const start = useCallback(() => {
    const r = recorder();
    setElapsedMs(0);
    setPhase('starting');
    r.start().then(
      () => mounted.current && setPhase(r.recording ? 'recording' : 'idle'),
      (error: unknown) => {
        if (!mounted.current) return;
        setPhase('idle');
        handlers.current.onError(error);
      },
    );
  }, [recorder]);

  const send = useCallback(() => {
    const r = recorderRef.current;
    if (r?.recording) void deliver(r.stop());
  }, [deliver]);

  const cancel = useCallback(() => {
    recorderRef.current?.cancel();
    setPhase('idle');
    setElapsedMs(0);
  }, []);

  return { phase, elapsedMs, start, send, cancel };
}
