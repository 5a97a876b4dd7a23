import type { voiceZh } from './voice.zh-CN.js';

/** Voice note strings, en-US: the same keys as voice.zh-CN.ts. */
export const voiceEn: typeof voiceZh = {
  record: 'Voice',
  recordHint: 'Record a voice message',
  starting: 'Turning on the microphone…',
  recording: 'Recording',
  limit: 'up to {{max}}',
  send: 'Send',
  cancel: 'Cancel',
  sending: 'Sending voice message…',
  play: 'Play voice message, {{duration}} long',
  pause: 'Pause voice message, {{duration}} long',
  loadFailed: 'Could not load the voice message',
  uploadFailed: 'Could not send the voice message',
  dismiss: 'OK',
  errors: {
    MIC_DENIED:
      'Cannot use the microphone: permission was refused. Allow this site to use the microphone in your browser or phone settings, then try again. You can still send text and pictures.',
    MIC_UNAVAILABLE:
      'Cannot use the microphone: none was found, or another app is using it. You can still send text and pictures.',
    NOT_SUPPORTED:
      'This browser cannot record audio; please update it or use another one. You can still send text and pictures.',
    TOO_SHORT: 'Too short: record for at least 1 second',
  },
};
