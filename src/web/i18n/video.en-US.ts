import type { videoZh } from './video.zh-CN.js';

/** Video visit strings, en-US: the same keys as video.zh-CN.ts. */
export const videoEn: typeof videoZh = {
  title: 'Video visit',
  back: 'Back',
  consent: {
    title: 'Recording notice',
    question: 'Do you agree to this video visit being recorded? (Kept for quality of care and supervision)',
    hint: 'You can continue the video visit whichever you choose.',
    agree: 'Agree',
    decline: 'Decline',
  },
  status: {
    idle: 'Ready to join the video visit',
    starting: 'Turning on camera and microphone…',
    waiting: 'Waiting for the other side to join…',
    connecting: 'Connecting…',
    connected: 'In call {{duration}}',
    reconnecting: 'Unstable network, reconnecting…',
    ended: 'Call ended',
    endedRemote: 'The other side hung up; call ended',
    endedVisit: 'The visit has ended; call ended',
    failed: 'Call failed',
  },
  errors: {
    MEDIA_UNAVAILABLE: 'Camera or microphone unavailable; allow access in the browser settings and try again',
    NOT_SUPPORTED: 'This browser does not support video calls; please use another browser',
    CONNECTION_FAILED: 'The connection failed; check the network and call again',
  },
  peer: { patient: 'Patient', doctor: 'Doctor' },
  mute: 'Mute',
  unmute: 'Unmute',
  cameraOff: 'Camera off',
  cameraOn: 'Camera on',
  hangUp: 'Hang up',
  localLabel: 'Me',
  cameraIsOff: 'Camera is off',
  duration: 'Duration {{duration}}',
  backToVisit: 'Back to visit',
};
