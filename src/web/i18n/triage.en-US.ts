import type { triageZh } from './triage.zh-CN.js';

/** Smart triage on the patient H5, en-US: the same keys as triage.zh-CN.ts. */
export const triageEn: typeof triageZh = {
  title: 'Smart triage',
  intro: 'Describe in a sentence or two what is wrong and for how long; we suggest which department to see.',
  patient: 'Describing for',
  label: 'Your symptoms',
  placeholder: 'e.g. coughing for three days, yellow phlegm, no fever',
  count: '{{n}}/500',
  voice: 'Dictate',
  listening: 'Listening…',
  voiceFailed: 'Could not hear you; please try again or type',
  submit: 'Suggest departments',
  emergencyTitle: 'Call 120 now or go to an emergency department',
  call120: 'Call 120',
  call12356: 'Call the psychological aid hotline 12356',
  suggested: 'Suggested departments',
  tapToBook: 'Tap to see doctors',
  notInRegion: 'Not available in this region',
  disclaimer:
    'Smart triage suggests departments from your description only. It is not a diagnosis and does not replace a doctor; if symptoms get worse or new ones appear, see a doctor.',
  privacy: 'Your description is used for this suggestion only and is not stored.',
  score: 'Match {{pct}}%',
};
