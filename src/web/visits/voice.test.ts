import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  baseMime,
  formatVoiceDuration,
  pickVoiceMime,
  type RecorderDeps,
  type RecorderLike,
  VoiceError,
  VoiceRecorder,
} from './voice.js';

/** A MediaRecorder stand-in: gives one chunk on stop, asynchronously, as browsers do. */
class FakeRecorder implements RecorderLike {
  state: RecorderLike['state'] = 'inactive';
  ondataavailable: RecorderLike['ondataavailable'] = null;
  onstop: RecorderLike['onstop'] = null;
  onerror: RecorderLike['onerror'] = null;
  constructor(readonly mimeType: string) {}
  start() {
    this.state = 'recording';
  }
  stop() {
    this.state = 'inactive';
    setTimeout(() => {
      this.ondataavailable?.({ data: new Blob([new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2])]) });
      this.onstop?.();
    }, 0);
  }
}

function fakeStream() {
  const track = { stopped: false, stop: () => (track.stopped = true) };
  return { track, stream: { getTracks: () => [track] } as unknown as MediaStream };
}

function setup(supported: string[], getUserMedia?: RecorderDeps['getUserMedia']) {
  let clock = 1_000;
  const { track, stream } = fakeStream();
  const made: { mime?: string } = {};
  const deps: RecorderDeps = {
    getUserMedia: getUserMedia ?? (async () => stream),
    createRecorder: (_stream, mime) => {
      made.mime = mime;
      return new FakeRecorder(mime ?? 'audio/webm');
    },
    isTypeSupported: (mime) => supported.includes(mime),
    now: () => clock,
  };
  return {
    deps,
    track,
    made,
    advance(ms: number) {
      clock += ms;
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('voice notes', () => {
  it('picks the first recordable type and strips codecs for the upload', () => {
    expect(pickVoiceMime((m) => m !== 'audio/webm;codecs=opus')).toBe('audio/ogg');
    expect(pickVoiceMime((m) => m === 'audio/mp4')).toBe('audio/mp4');
    expect(pickVoiceMime(() => false)).toBeUndefined();
    expect(baseMime('audio/webm;codecs=opus')).toBe('audio/webm');
    expect(baseMime('audio/mp4')).toBe('audio/mp4');
  });

  it('shows a length as m:ss', () => {
    expect(formatVoiceDuration(7_400)).toBe('0:07');
    expect(formatVoiceDuration(60_000)).toBe('1:00');
    expect(formatVoiceDuration(61_000)).toBe('1:01');
    expect(formatVoiceDuration(Number.POSITIVE_INFINITY)).toBe('0:00');
    expect(formatVoiceDuration(-5)).toBe('0:00');
  });

  it('records, gives the clip with its length and lets the microphone go', async () => {
    const s = setup(['audio/webm;codecs=opus', 'audio/mp4']);
    const recorder = new VoiceRecorder({ deps: s.deps });
    await recorder.start();
    expect(recorder.recording).toBe(true);
    expect(s.made.mime).toBe('audio/webm;codecs=opus');
    s.advance(2_300);
    const clip = await recorder.stop();
    expect(clip.durationMs).toBe(2_300);
    expect(clip.mime).toBe('audio/webm;codecs=opus');
    expect(clip.blob.size).toBe(6);
    expect(s.track.stopped).toBe(true);
    expect(recorder.recording).toBe(false);
  });

  it('refuses a note under a second', async () => {
    const s = setup(['audio/ogg']);
    const recorder = new VoiceRecorder({ deps: s.deps });
    await recorder.start();
    s.advance(400);
    await expect(recorder.stop()).rejects.toMatchObject({ code: 'TOO_SHORT' });
    expect(s.track.stopped).toBe(true);
  });

  it('says a refused microphone apart from a missing one, and a browser without a recorder', async () => {
    const denied = setup([], async () => {
      throw Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
    });
    await expect(new VoiceRecorder({ deps: denied.deps }).start()).rejects.toMatchObject({
      code: 'MIC_DENIED',
    });
    const missing = setup([], async () => {
      throw Object.assign(new Error('Requested device not found'), { name: 'NotFoundError' });
    });
    await expect(new VoiceRecorder({ deps: missing.deps }).start()).rejects.toMatchObject({
      code: 'MIC_UNAVAILABLE',
    });
    const old = setup([]);
    const error = await new VoiceRecorder({ deps: { ...old.deps, createRecorder: undefined } })
      .start()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VoiceError);
    expect((error as VoiceError).code).toBe('NOT_SUPPORTED');
  });

  it('stops by itself at the longest length and hands the clip over', async () => {
    vi.useFakeTimers();
    const s = setup(['audio/webm;codecs=opus']);
    let auto: Promise<unknown> | undefined;
    const recorder = new VoiceRecorder({ deps: s.deps, maxMs: 60_000, onAutoStop: (clip) => (auto = clip) });
    await recorder.start();
    s.advance(60_500);
    vi.advanceTimersByTime(60_000);
    expect(auto).toBeDefined();
    vi.runAllTimers();
    await expect(auto).resolves.toMatchObject({ durationMs: 60_000 });
    expect(s.track.stopped).toBe(true);
  });

  it('cancel drops the recording, and a start still asking for the microphone', async () => {
    const s = setup(['audio/webm;codecs=opus']);
    const recorder = new VoiceRecorder({ deps: s.deps });
    await recorder.start();
    recorder.cancel();
    expect(recorder.recording).toBe(false);
    expect(s.track.stopped).toBe(true);

    let grant: (stream: MediaStream) => void = () => {};
    const late = fakeStream();
    const slow = setup([], () => new Promise<MediaStream>((resolve) => (grant = resolve)));
    const waiting = new VoiceRecorder({ deps: slow.deps });
    const started = waiting.start();
    waiting.cancel();
    grant(late.stream);
    await started;
    expect(waiting.recording).toBe(false);
    expect(late.track.stopped).toBe(true);
  });
});
