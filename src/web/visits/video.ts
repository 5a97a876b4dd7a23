import type { ServerFrame, VisitCall } from '../../shared/visits.js';
import { post } from '../api.js';
import type { VisitSocket } from './socket.js';

/**
 * The 1:1 video call of an online visit, without any UI framework: local camera and microphone, one
 * RTCPeerConnection, and the WebRTC signalling relayed by the visit WebSocket as `signal` frames.
 *
 * Who calls whom: a side that agrees to join takes the call the other side announced (`ready`), or starts
 * one through the API, joins it, and announces it with `ready` every few seconds until the other side
 * answers with `ready` for the same call. Then the doctor opens the peer connection and offers, the patient
 * opens its own on that offer, and from then on both run the "perfect negotiation" pattern
 * (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example): the doctor is impolite (its offer wins
 * a collision), the patient polite. Should both sides start a call at the same moment (the server gives
 * both the live call, but two could cross), the patient drops its own and joins the doctor's.
 */

export type CallRole = 'patient' | 'doctor';
export type CallState = 'idle' | 'connecting' | 'connected' | 'ended' | 'failed';

/** What travels in `data` of a `signal` frame. */
export type CallSignal =
  | { kind: 'description'; description: RTCSessionDescriptionInit }
  | { kind: 'candidate'; candidate: RTCIceCandidateInit | null }
  | { kind: 'ready'; callId: string }
  | { kind: 'hangup' };

export interface CallSnapshot {
  state: CallState;
  callId?: string;
  localStream: MediaStream | null;
  remoteStream: MediaStream | null;
  micOn: boolean;
  cameraOn: boolean;
  /** The other side has joined the same call (answered `ready`). */
  peerJoined: boolean;
  /** When the media first flowed and when the call ended (ms since the epoch), for its duration. */
  connectedAt?: number;
  endedAt?: number;
  /** Who ended the call: this side, the other side, or the visit (it left `in_progress`). */
  endedBy?: 'local' | 'remote' | 'visit';
  error?: unknown;
}

/** A failure of the browser side (no camera, media refused, the connection failed). */
export class CallError extends Error {
  constructor(
    readonly code: 'MEDIA_UNAVAILABLE' | 'CONNECTION_FAILED' | 'NOT_SUPPORTED',
    cause?: unknown,
  ) {
    super(code, { cause });
    this.name = 'CallError';
  }
}

/** What the controller needs from the outside; tests replace them. */
export interface CallDeps {
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  createPeer(config: RTCConfiguration): RTCPeerConnection;
  startCall(visitId: string): Promise<VisitCall>;
  joinCall(visitId: string, callId: string, recordingConsent: boolean): Promise<VisitCall>;
  endCall(visitId: string, callId: string): Promise<void>;
}

const READY_INTERVAL_MS = 2000;
const RESTART_AFTER_MS = 12_000;

function browserDeps(): CallDeps {
  return {
    getUserMedia: (constraints) => {
      if (!navigator.mediaDevices?.getUserMedia) return Promise.reject(new CallError('NOT_SUPPORTED'));
      return navigator.mediaDevices.getUserMedia(constraints);
    },
    createPeer: (config) => new RTCPeerConnection(config),
    startCall: (visitId) => post<VisitCall>(`/visits/${visitId}/calls`),
    joinCall: (visitId, callId, recordingConsent) =>
      post<VisitCall>(`/visits/${visitId}/calls/${callId}/join`, { recordingConsent }),
    endCall: (visitId, callId) => post<void>(`/visits/${visitId}/calls/${callId}/end`),
  };
}

function isCallSignal(data: unknown): data is CallSignal {
  return typeof data === 'object' && data !== null && typeof (data as { kind?: unknown }).kind === 'string';
}

export class CallController {
  private snap: CallSnapshot = {
    state: 'idle',
    localStream: null,
    remoteStream: null,
    micOn: true,
    cameraOn: true,
    peerJoined: false,
  };
  private readonly listeners = new Set<() => void>();
  private readonly polite: boolean;
  private readonly deps: CallDeps;
  private readonly unsubscribe: () => void;
  private pc: RTCPeerConnection | null = null;
  private iceServers: RTCIceServer[] = [];
  private consent = false;
  /** The call the other side announced before this side joined. */
  private offeredCallId: string | null = null;
  private joined = false;
  private readyTimer: ReturnType<typeof setInterval> | null = null;
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  // Perfect negotiation.
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswer = false;
  private restarted = false;
  /** Incoming signals are handled one after the other: each may await the peer connection. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: VisitSocket,
    private readonly visitId: string,
    readonly role: CallRole,
    deps: Partial<CallDeps> = {},
  ) {
    this.polite = role === 'patient';
    this.deps = { ...browserDeps(), ...deps };
    this.unsubscribe = socket.onFrame((frame) => this.onFrame(frame));
  }

  snapshot(): CallSnapshot {
    return this.snap;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Answers the recording-consent question and joins the call (the other side's, or a new one). */
  async join(recordingConsent: boolean): Promise<void> {
    if (this.snap.state !== 'idle') return;
    this.consent = recordingConsent;
    this.update({ state: 'connecting' });
    try {
      const local = await this.deps.getUserMedia({ audio: true, video: true }).catch((error: unknown) => {
        throw error instanceof CallError ? error : new CallError('MEDIA_UNAVAILABLE', error);
      });
      if (this.finished()) {
        stopTracks(local);
        return;
      }
      this.update({ localStream: local });
      const answer = await this.takeCall();
      if (this.finished()) {
        await this.deps.endCall(this.visitId, answer.id).catch(() => undefined);
        return;
      }
      this.iceServers = answer.iceServers;
      this.joined = true;
      this.update({ callId: answer.id });
      this.announce();
    } catch (error) {
      this.fail(error);
    }
  }

  setMic(on: boolean): void {
    for (const track of this.snap.localStream?.getAudioTracks() ?? []) track.enabled = on;
    this.update({ micOn: on });
  }

  setCamera(on: boolean): void {
    for (const track of this.snap.localStream?.getVideoTracks() ?? []) track.enabled = on;
    this.update({ cameraOn: on });
  }

  /** Ends the call for both sides: tells the other side, stops the media and records the end. */
  async hangUp(): Promise<void> {
    if (this.finished()) return;
    const callId = this.snap.callId;
    if (this.joined) this.signal({ kind: 'hangup' });
    this.teardown({ state: 'ended', endedBy: 'local' });
    if (callId) await this.deps.endCall(this.visitId, callId).catch(() => undefined);
  }

  /** The page goes away: hang up if in a call, and stop listening. */
  dispose(): void {
    void this.hangUp();
    this.unsubscribe();
    this.listeners.clear();
  }

  private async takeCall(): Promise<VisitCall> {
    const offered = this.offeredCallId;
    if (offered) {
      try {
        return await this.deps.joinCall(this.visitId, offered, this.consent);
      } catch {
        // That call is over (the other side left meanwhile): start a new one below.
      }
    }
    const started = await this.deps.startCall(this.visitId);
    return this.deps.joinCall(this.visitId, started.id, this.consent);
  }

  /** Says `ready` until the other side answers for the same call. */
  private announce(): void {
    const callId = this.snap.callId;
    if (!callId) return;
    this.signal({ kind: 'ready', callId });
    if (this.readyTimer) return;
    this.readyTimer = setInterval(() => {
      if (this.snap.peerJoined || this.finished()) this.stopAnnouncing();
      else if (this.snap.callId) this.signal({ kind: 'ready', callId: this.snap.callId });
    }, READY_INTERVAL_MS);
  }

  private stopAnnouncing(): void {
    if (this.readyTimer) clearInterval(this.readyTimer);
    this.readyTimer = null;
  }

  private onFrame(frame: ServerFrame): void {
    if (!('visitId' in frame) || frame.visitId !== this.visitId) return;
    if (frame.type === 'visit' && frame.status !== 'in_progress' && this.snap.state !== 'idle') {
      this.teardown({ state: 'ended', endedBy: 'visit' });
      return;
    }
    if (frame.type !== 'signal' || frame.from === this.role || !isCallSignal(frame.data)) return;
    const signal = frame.data;
    this.queue = this.queue.then(() => this.onSignal(signal)).catch((error: unknown) => this.fail(error));
  }

  private async onSignal(signal: CallSignal): Promise<void> {
    if (this.finished()) return;
    switch (signal.kind) {
      case 'ready':
        return this.onReady(signal.callId);
      case 'hangup':
        if (!this.joined) {
          this.offeredCallId = null;
          return;
        }
        this.teardown({ state: 'ended', endedBy: 'remote' });
        return;
      case 'description':
        return this.onDescription(signal.description);
      case 'candidate':
        return this.onCandidate(signal.candidate);
    }
  }

  private async onReady(callId: string): Promise<void> {
    if (!this.joined) {
      this.offeredCallId = callId;
      return;
    }
    const state = this.pc?.connectionState;
    const live = state === 'new' || state === 'connecting' || state === 'connected';
    // Once both sides are in, a `ready` is the other side's answer to ours: nothing to do, unless our
    // connection died (the other side reloaded its page and came back).
    if (this.snap.peerJoined && live) return;
    if (callId !== this.snap.callId) {
      // Both sides started a call at once: the impolite side keeps its own, the polite side moves over.
      // A side that came back after losing the connection started a new call: follow it.
      if (!this.snap.peerJoined && !this.polite) return;
      const mine = this.snap.callId;
      await this.deps.joinCall(this.visitId, callId, this.consent);
      if (mine) await this.deps.endCall(this.visitId, mine).catch(() => undefined);
      if (this.finished()) return;
      this.update({ callId });
    }
    this.update({ peerJoined: true });
    this.stopAnnouncing();
    this.signal({ kind: 'ready', callId });
    // The impolite side opens the connection and makes the first offer; the polite side opens its own when
    // that offer arrives. Opening both at once makes the polite side roll back its own offer just as its
    // ICE gathering starts, which Chrome does not always survive (the gathering stalls, nothing connects).
    if (this.polite) this.closePeer();
    else this.openPeer();
  }

  private openPeer(): RTCPeerConnection {
    this.closePeer();
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.settingRemoteAnswer = false;
    this.restarted = false;
    const pc = this.deps.createPeer({ iceServers: this.iceServers });
    this.pc = pc;
    this.update({ remoteStream: null });
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        this.sendDescription(pc);
      } catch (error) {
        if (this.pc === pc) this.fail(error);
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      this.signal({ kind: 'candidate', candidate: candidate ? candidate.toJSON() : null });
    };
    pc.ontrack = ({ track, streams }) => {
      if (this.pc !== pc) return;
      const stream = streams[0] ?? this.snap.remoteStream ?? new MediaStream();
      if (!stream.getTracks().includes(track)) stream.addTrack(track);
      this.update({ remoteStream: stream });
    };
    pc.onconnectionstatechange = () => this.onConnectionState(pc);
    const local = this.snap.localStream;
    if (local) for (const track of local.getTracks()) pc.addTrack(track, local);
    if (!this.polite) {
      // Still not connected after a while: one ICE restart, a fresh offer with new credentials.
      this.watchdog = setTimeout(() => {
        if (this.pc === pc && pc.connectionState !== 'connected' && !this.finished()) pc.restartIce();
      }, RESTART_AFTER_MS);
    }
    return pc;
  }

  private closePeer(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
    this.pc?.close();
    this.pc = null;
  }

  private onConnectionState(pc: RTCPeerConnection): void {
    if (this.pc !== pc || this.finished()) return;
    switch (pc.connectionState) {
      case 'connected':
        this.update({ state: 'connected', connectedAt: this.snap.connectedAt ?? Date.now() });
        break;
      case 'disconnected':
        this.update({ state: 'connecting' });
        break;
      case 'failed':
        // One ICE restart (a changed network); a second failure ends the call.
        if (this.restarted) {
          this.fail(new CallError('CONNECTION_FAILED'));
        } else {
          this.restarted = true;
          this.update({ state: 'connecting' });
          pc.restartIce();
        }
        break;
    }
  }

  private async onDescription(description: RTCSessionDescriptionInit): Promise<void> {
    let pc = this.pc;
    if (!pc) {
      if (description.type !== 'offer' || !this.snap.peerJoined) return;
      pc = this.openPeer();
    }
    const readyForOffer = !this.makingOffer && (pc.signalingState === 'stable' || this.settingRemoteAnswer);
    const collision = description.type === 'offer' && !readyForOffer;
    this.ignoreOffer = !this.polite && collision;
    if (this.ignoreOffer) return;
    this.settingRemoteAnswer = description.type === 'answer';
    await pc.setRemoteDescription(description);
    this.settingRemoteAnswer = false;
    if (description.type === 'offer') {
      await pc.setLocalDescription();
      this.sendDescription(pc);
    }
  }

  private async onCandidate(candidate: RTCIceCandidateInit | null): Promise<void> {
    const pc = this.pc;
    if (!pc) return;
    try {
      await pc.addIceCandidate(candidate ?? undefined);
    } catch (error) {
      // Candidates of an offer we ignored (a collision we won) fail to apply; that is expected.
      if (!this.ignoreOffer) throw error;
    }
  }

  private sendDescription(pc: RTCPeerConnection): void {
    if (pc.localDescription) this.signal({ kind: 'description', description: pc.localDescription.toJSON() });
  }

  private signal(data: CallSignal): void {
    this.socket.signal(this.visitId, data);
  }

  private finished(): boolean {
    return this.snap.state === 'ended' || this.snap.state === 'failed';
  }

  private fail(error: unknown): void {
    if (this.finished()) return;
    const callId = this.snap.callId;
    if (this.joined) this.signal({ kind: 'hangup' });
    this.teardown({ state: 'failed', error });
    if (callId) void this.deps.endCall(this.visitId, callId).catch(() => undefined);
  }

  private teardown(end: Pick<CallSnapshot, 'state' | 'endedBy' | 'error'>): void {
    this.stopAnnouncing();
    this.joined = false;
    this.closePeer();
    stopTracks(this.snap.localStream);
    this.update({ ...end, endedAt: Date.now() });
  }

  private update(patch: Partial<CallSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const listener of this.listeners) listener();
  }
}

function stopTracks(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
