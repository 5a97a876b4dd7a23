import type { AttachmentView } from '../../shared/visits.js';
import { uploadAttachment } from './attachments.js';

/**
 * Voice notes (语音消息) of the visit chat, without any UI framework: a MediaRecorder wrapper that records
 * the microphone (start, stop → the clip, cancel; stops by itself at the longest length), and its upload
 * (raw body, type by content, duration in the query; attachments.ts fetches the bytes back).
 */

/** Tried in this order; the first the browser records is used (Chrome/Firefox webm, Safari mp4). */
export const VOICE_MIMES = ['audio/webm;codecs=opus', 'audio/ogg', 'audio/mp4'] as const;
/** The longest voice note: the recorder stops by itself here. */
export const VOICE_MAX_MS = 60_000;
/** Shorter than this is a slip of the finger, not a note. */
export const VOICE_MIN_MS = 1_000;

export type VoiceErrorCode = 'MIC_DENIED' | 'MIC_UNAVAILABLE' | 'NOT_SUPPORTED' | 'TOO_SHORT';

/** A failure on the browser side: the microphone refused or missing, no recorder, a note too short. */
export class VoiceError extends Error {
  constructor(
    readonly code: VoiceErrorCode,
    cause?: unknown,
  ) {
    super(code, { cause });
    this.name = 'VoiceError';
  }
}

export interface VoiceClip {
  blob: Blob;
  durationMs: number;
  /** As recorded, perhaps with codecs (`audio/webm;codecs=opus`). */
  mime: string;
}

/** The part of MediaRecorder used here (so tests can give a fake one). */
export interface RecorderLike {
  readonly mimeType: string;
  readonly state: 'inactive' | 'recording' | 'paused';
  ondataavailable: ((event: { data: Blob }) => void) | null;
  onstop: (() => void) | null;
  onerror: ((event: unknown) => void) | null;
  start(): void;
  stop(): void;
}

export interface RecorderDeps {
  /** Undefined when the browser has no microphone API (or the page is not a secure context). */
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  /** Undefined when the browser has no MediaRecorder. */
  createRecorder?: (stream: MediaStream, mime: string | undefined) => RecorderLike;
  isTypeSupported(mime: string): boolean;
  now(): number;
}

function browserDeps(): RecorderDeps {
  const media = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  const Recorder = typeof MediaRecorder !== 'undefined' ? MediaRecorder : undefined;
  return {
    getUserMedia: media?.getUserMedia ? (constraints) => media.getUserMedia(constraints) : undefined,
    createRecorder: Recorder
      ? (stream, mime) =>
          new Recorder(stream, mime ? { mimeType: mime } : undefined) as unknown as RecorderLike
      : undefined,
    isTypeSupported: (mime) => Boolean(Recorder?.isTypeSupported?.(mime)),
    now: () => Date.now(),
  };
}

/** The first of VOICE_MIMES the browser records, or undefined to let the recorder choose. */
export function pickVoiceMime(isTypeSupported: (mime: string) => boolean): string | undefined {
  return VOICE_MIMES.find((mime) => isTypeSupported(mime));
}

/** `audio/webm;codecs=opus` → `audio/webm`: what the API's Content-Type takes. */
export function baseMime(mime: string): string {
  return mime.split(';')[0]?.trim().toLowerCase() ?? '';
}

/** 7 400 ms → `0:07`, 61 000 ms → `1:01` (whole seconds, rounded; never below 0:00). */
export function formatVoiceDuration(ms: number): string {
  const total = Number.isFinite(ms) ? Math.max(0, Math.round(ms / 1000)) : 0;
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** What getUserMedia's rejection means to the user: refused, or no usable microphone. */
function micError(error: unknown): VoiceError {
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError')
    return new VoiceError('MIC_DENIED', error);
  return new VoiceError('MIC_UNAVAILABLE', error);
}

export interface VoiceRecorderOptions {
  maxMs?: number;
  minMs?: number;
  /** The recorder reached `maxMs` and stopped: here is the clip (or the failure). */
  onAutoStop?(result: Promise<VoiceClip>): void;
  deps?: RecorderDeps;
}

/**
 * One recording at a time. `start` asks for the microphone and records; `stop` gives the clip and lets
 * the microphone go; `cancel` drops it. The microphone is never kept open between recordings.
 */
export class VoiceRecorder {
  private readonly deps: RecorderDeps;
  private readonly maxMs: number;
  private readonly minMs: number;
  private stream: MediaStream | null = null;
  private recorder: RecorderLike | null = null;
  private chunks: Blob[] = [];
  private startedAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopping: Promise<VoiceClip> | null = null;
  /** Bumped by cancel: a start still waiting for the microphone then lets it go. */
  private generation = 0;

  constructor(private readonly options: VoiceRecorderOptions = {}) {
    this.deps = options.deps ?? browserDeps();
    this.maxMs = options.maxMs ?? VOICE_MAX_MS;
    this.minMs = options.minMs ?? VOICE_MIN_MS;
  }

  get recording(): boolean {
    return this.recorder !== null && this.stopping === null;
  }

  /** When the recording started (ms since the epoch, by `deps.now`), 0 when not recording. */
  get since(): number {
    return this.recorder ? this.startedAt : 0;
  }

  async start(): Promise<void> {
    if (this.recorder) return;
    const { getUserMedia, createRecorder } = this.deps;
    if (!getUserMedia || !createRecorder) throw new VoiceError('NOT_SUPPORTED');
    const generation = ++this.generation;
    let stream: MediaStream;
    try {
      stream = await getUserMedia({ audio: true });
    } catch (error) {
      throw micError(error);
    }
    if (generation !== this.generation) {
      release(stream);
      return;
    }
    let recorder: RecorderLike;
    try {
      recorder = createRecorder(stream, pickVoiceMime(this.deps.isTypeSupported));
    } catch (error) {
      release(stream);
      throw new VoiceError('NOT_SUPPORTED', error);
    }
    this.stream = stream;
    this.recorder = recorder;
    this.chunks = [];
    recorder.ondataavailable = (event) => {
      if (event.data.size > 0) this.chunks.push(event.data);
    };
    recorder.start();
    this.startedAt = this.deps.now();
    this.timer = setTimeout(() => {
      const clip = this.stop();
      if (this.options.onAutoStop) this.options.onAutoStop(clip);
      else clip.catch(() => undefined);
    }, this.maxMs);
  }

  /** Stops and gives the clip; TOO_SHORT under `minMs` (the clip is dropped). */
  stop(): Promise<VoiceClip> {
    if (this.stopping) return this.stopping;
    const recorder = this.recorder;
    if (!recorder) return Promise.reject(new VoiceError('NOT_SUPPORTED'));
    const durationMs = Math.min(this.maxMs, Math.max(0, this.deps.now() - this.startedAt));
    this.stopping = new Promise<VoiceClip>((resolve, reject) => {
      const finish = () => {
        const chunks = this.chunks;
        const mime = recorder.mimeType || chunks[0]?.type || 'audio/webm';
        this.reset();
        if (durationMs < this.minMs) return reject(new VoiceError('TOO_SHORT'));
        const blob = new Blob(chunks, { type: mime });
        if (blob.size === 0) return reject(new VoiceError('MIC_UNAVAILABLE'));
        resolve({ blob, durationMs, mime });
      };
      recorder.onstop = finish;
      recorder.onerror = (event) => {
        this.reset();
        reject(new VoiceError('MIC_UNAVAILABLE', event));
      };
      if (recorder.state === 'inactive') finish();
      else recorder.stop();
    });
    return this.stopping;
  }

  /** Drops the recording (or a start still asking for the microphone). */
  cancel(): void {
    this.generation++;
    const recorder = this.recorder;
    if (recorder) {
      recorder.ondataavailable = null;
      recorder.onstop = null;
      recorder.onerror = null;
      if (recorder.state !== 'inactive') recorder.stop();
    }
    this.reset();
  }

  private reset(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stream) release(this.stream);
    this.stream = null;
    this.recorder = null;
    this.chunks = [];
    this.stopping = null;
    this.startedAt = 0;
  }
}

function release(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

/** POST /attachments with the clip as the body, its base type and its length. */
export function uploadVoice(clip: VoiceClip): Promise<AttachmentView> {
  return uploadAttachment(clip.blob, baseMime(clip.mime) || 'audio/webm', clip.durationMs);
}
