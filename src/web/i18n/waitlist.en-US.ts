import type { waitlistZh } from './waitlist.zh-CN.js';

/** My waitlist, visit guide and the payment countdown's words, en-US ([8/12]). */
export const waitlistEn: typeof waitlistZh = {
  section: 'On the waitlist',
  appointments: 'Appointments',
  position: 'No. {{position}}',
  positionLabel: 'Place in line: No. {{position}}',
  session: '{{day}} {{start}}–{{end}}',
  status: { waiting: 'Waiting', promoted: 'Booked from waitlist', cancelled: 'Cancelled' },
  hint: 'When a token is returned it is booked for the first in line, who is told to pay.',
  cancel: 'Leave waitlist',
  cancelTitle: 'Leave the waitlist',
  cancelConfirm:
    'Leave the waitlist for {{doctor}} on {{day}}? To wait again you join at the end of the line.',
  keep: 'Stay',
  cancelled: 'Left the waitlist',
  remaining: '{{minutes}} min {{seconds}} s',
  remainingSeconds: '{{seconds}} s',
  payLeft: 'Time left to pay: {{time}}; after that the token is released',
  tagLeft: '{{time}} left',
  channel: {
    label: 'Token pool',
    referral: 'Reserved for referrals (medical alliance)',
    partner: 'Reserved for partner institutions',
  },
  guide: {
    location: 'Where to go',
    hospital: 'Hospital',
    address: 'Address',
    addressUnknown: 'See the address the hospital publishes',
    phone: 'Hospital phone',
    department: 'Department',
    departmentHint: 'Check in at the {{department}} triage desk',
    title: 'Before your visit',
    bringId: "Bring the patient's ID card or medical insurance card (the e-voucher works too).",
    arriveEarly: 'Arrive 15 minutes early and check in at the triage desk with your check-in code.',
    arriveEarlyOnline: 'Enter the online consultation room during your time window with a stable connection.',
    cancelRule:
      'You can cancel in My appointments until {{deadline}}; a paid fee is refunded to the original account. After that it cannot be cancelled online.',
    noShowRule:
      'Missing a booked visit without cancelling counts as a no-show; {{limit}} no-shows within {{days}} days suspend booking for {{suspension}} days.',
    queue: "Today's queue",
    queueToken: 'Your number today: {{number}}',
    queueAhead: '{{count}} not yet seen ahead of you',
    queueSeen: '{{count}} seen in this session',
    queueCheckedIn: 'You are checked in; listen for your number',
    queueNote: 'Estimated from booking numbers; the clinic call screen decides.',
  },
};
