import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerFrame } from '../../shared/visits.js';
import type { VisitSocket } from './socket.js';
import { CallController, type CallDeps, CallError, type CallRole } from './video.js';

/**
 * The call controller between two sides, in memory: a relay stands for the visit WebSocket, a fake peer
 * connection for WebRTC (offer/answer states, an implicit rollback on a colliding offer, "connected"
 * once an answer is applied), and a fake server for the calls API.
 */

const VISIT = 'visit-1';

class Relay {
  private readonly sides = new Map<CallRole, (frame: ServerFrame) => void>();
  /** Every signal sent, in order, as `role:kind`. */
  readonly log: string[] = [];

  socket(role: CallRole): VisitSocket {
    const relay = this;
    const fake = {
      onFrame(listener: (frame: ServerFrame) => void) {
        relay.sides.set(role, listener);
        return () => relay.sides.delete(role);
      },
      signal(visitId: string, data: unknown) {
        relay.log.push(`${role}:${(data as { kind: string }).kind}`);
        const to = relay.sides.get(role === 'doctor' ? 'patient' : 'doctor');
        setTimeout(() => to?.({ type: 'signal', visitId, from: role, data }), 0);
      },
    };
    return fake as unknown as VisitSocket;
  }
}

class FakeTrack {
  enabled = true;
  readyState = 'live';
  constructor(readonly kind: 'audio' | 'video') {}
  stop() {
    this.readyState = 'ended';
  }
}

class FakeStream {
  private readonly tracks: FakeTrack[];
  constructor(tracks: FakeTrack[]) {
    this.tracks = tracks;
  }
  getTracks() {
    return this.tracks;
  }
  getAudioTracks() {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks() {
    return this.tracks.filter((t) => t.kind === 'video');
  }
  addTrack(track: FakeTrack) {
    this.tracks.push(track);
  }
}

function description(type: RTCSdpType) {
  return { type, sdp: `v=0 ${type}`, toJSON: () => ({ type, sdp: `v=0 ${type}` }) };
}

class FakePeer {
  connectionState: RTCPeerConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  localDescription: ReturnType<typeof description> | null = null;
  onnegotiationneeded: (() => void) | null = null;
  onicecandidate: ((e: { candidate: null }) => void) | null = null;
  ontrack: ((e: { track: FakeTrack; streams: FakeStream[] }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  private negotiating = false;
  private remoteApplied = false;
  /** Every peer created, to check who opened one. */
  static created: FakePeer[] = [];
  constructor() {
    FakePeer.created.push(this);
  }

  /** Like Chrome: negotiation is needed for new tracks unless a remote offer already took them in. */
  addTrack() {
    if (this.negotiating) return;
    this.negotiating = true;
    setTimeout(() => {
      if (!this.remoteApplied) this.onnegotiationneeded?.();
    }, 0);
  }
  async setLocalDescription() {
    if (this.signalingState === 'have-remote-offer') {
      this.localDescription = description('answer');
      this.signalingState = 'stable';
      this.connect();
    } else {
      this.localDescription = description('offer');
      this.signalingState = 'have-local-offer';
    }
  }
  async setRemoteDescription(d: RTCSessionDescriptionInit) {
    this.remoteApplied = true;
    if (d.type === 'offer') {
      this.signalingState = 'have-remote-offer'; // a local offer is rolled back implicitly
    } else {
      if (this.signalingState !== 'have-local-offer') throw new Error('answer without an offer');
      this.signalingState = 'stable';
      this.connect();
    }
  }
  async addIceCandidate() {}
  restartIce() {}
  close() {
    this.connectionState = 'closed';
  }
  private connect() {
    if (this.connectionState === 'connected') return;
    this.connectionState = 'connected';
    this.onicecandidate?.({ candidate: null });
    const remote = new FakeStream([new FakeTrack('audio'), new FakeTrack('video')]);
    for (const track of remote.getTracks()) this.ontrack?.({ track, streams: [remote] });
    this.onconnectionstatechange?.();
  }
}

class FakeServer {
  private next = 1;
  readonly calls = new Map<string, { joined: CallRole[]; ended: boolean }>();

  deps(role: CallRole, overrides: Partial<CallDeps> = {}): Partial<CallDeps> {
    return {
      getUserMedia: async () =>
        new FakeStream([new FakeTrack('audio'), new FakeTrack('video')]) as unknown as MediaStream,
      createPeer: () => new FakePeer() as unknown as RTCPeerConnection,
      startCall: async () => {
        const id = `call-${this.next++}`;
        this.calls.set(id, { joined: [], ended: false });
        return { id, iceServers: [] };
      },
      joinCall: async (_visit, callId) => {
        const call = this.calls.get(callId);
        if (!call || call.ended) throw new Error('CALL_ENDED');
        call.joined.push(role);
        return { id: callId, iceServers: [] };
      },
      endCall: async (_visit, callId) => {
        const call = this.calls.get(callId);
        if (call) call.ended = true;
      },
      ...overrides,
    };
  }
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const controllers: CallController[] = [];
function side(relay: Relay, server: FakeServer, role: CallRole, overrides?: Partial<CallDeps>) {
  const call = new CallController(relay.socket(role), VISIT, role, server.deps(role, overrides));
  controllers.push(call);
  return call;
}

afterEach(() => {
  for (const call of controllers.splice(0)) call.dispose();
  FakePeer.created.length = 0;
});

describe('CallController', () => {
  it('joins the call the other side announced, and both connect', async () => {
    const relay = new Relay();
    const server = new FakeServer();
    const doctor = side(relay, server, 'doctor');
    const patient = side(relay, server, 'patient');

    await doctor.join(true);
    expect(doctor.snapshot()).toMatchObject({ state: 'connecting', callId: 'call-1', peerJoined: false });
    await until('the patient to hear of the call', () => relay.log.includes('doctor:ready'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await patient.join(false);

    await until('both connected', () => [doctor, patient].every((c) => c.snapshot().state === 'connected'));
    expect(server.calls.size).toBe(1);
    expect(server.calls.get('call-1')?.joined).toEqual(['doctor', 'patient']);
    // One connection a side: the patient opened its own when the doctor's offer came.
    expect(FakePeer.created).toHaveLength(2);
    for (const c of [doctor, patient]) {
      expect(c.snapshot().remoteStream?.getVideoTracks()).toHaveLength(1);
      expect(c.snapshot().connectedAt).toBeTypeOf('number');
    }
  });

  it('resolves two calls started at once in favour of the doctor (the impolite side)', async () => {
    const relay = new Relay();
    const server = new FakeServer();
    const doctor = side(relay, server, 'doctor');
    const patient = side(relay, server, 'patient');

    await Promise.all([doctor.join(true), patient.join(true)]);
    expect(server.calls.size).toBe(2);
    await until('both connected', () => [doctor, patient].every((c) => c.snapshot().state === 'connected'));
    const doctorCall = doctor.snapshot().callId;
    expect(patient.snapshot().callId).toBe(doctorCall);
    const abandoned = [...server.calls.entries()].find(([id]) => id !== doctorCall)?.[1];
    expect(abandoned?.ended).toBe(true);
  });

  it('a hang-up ends the call on both sides and stops the camera', async () => {
    const relay = new Relay();
    const server = new FakeServer();
    const doctor = side(relay, server, 'doctor');
    const patient = side(relay, server, 'patient');
    await doctor.join(true);
    await until('the announcement', () => relay.log.includes('doctor:ready'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await patient.join(true);
    await until('both connected', () => [doctor, patient].every((c) => c.snapshot().state === 'connected'));
    const patientCamera = patient.snapshot().localStream?.getTracks() ?? [];

    patient.setMic(false);
    patient.setCamera(false);
    expect(patient.snapshot()).toMatchObject({ micOn: false, cameraOn: false });
    expect(patientCamera.map((t) => t.enabled)).toEqual([false, false]);

    await doctor.hangUp();
    expect(doctor.snapshot()).toMatchObject({ state: 'ended', endedBy: 'local' });
    expect(server.calls.get('call-1')?.ended).toBe(true);
    await until('the patient to hear the hang-up', () => patient.snapshot().state === 'ended');
    expect(patient.snapshot().endedBy).toBe('remote');
    expect(patientCamera.map((t) => t.readyState)).toEqual(['ended', 'ended']);
  });

  it('fails with MEDIA_UNAVAILABLE when the camera is refused, without starting a call', async () => {
    const relay = new Relay();
    const server = new FakeServer();
    const startCall = vi.fn();
    const patient = side(relay, server, 'patient', {
      getUserMedia: () => Promise.reject(new Error('NotAllowedError')),
      startCall,
    });
    await patient.join(true);
    const { state, error } = patient.snapshot();
    expect(state).toBe('failed');
    expect(error).toBeInstanceOf(CallError);
    expect((error as CallError).code).toBe('MEDIA_UNAVAILABLE');
    expect(startCall).not.toHaveBeenCalled();
  });
});
