import type { privacyZh } from './privacy.zh-CN.js';

export const privacyEn: typeof privacyZh = {
  mine: { entry: 'Close account', entryDesc: 'Delete my personal data' },
  deletion: {
    title: 'Close account',
    intro:
      'Once closed, you can no longer log in with this account and the data below is deleted. Medical records, prescriptions, payments and audit records the law requires are kept until their period ends, only for lawful requests, and no longer shown.',
    removedTitle: 'Deleted',
    keptTitle: 'Kept by law',
    count: '{{count}} item(s)',
    keepFor: 'Kept {{years}} years · {{rule}}',
    keepRule: 'Under {{rule}}',
    blockedTitle: 'Finish these first',
    blockedHint: 'Complete or cancel them, then come back.',
    phoneReleased:
      'After closing, this phone number may register a new account (not linked to the old records).',
    code: 'SMS code',
    codePlaceholder: '6-digit code',
    sendCode: 'Get code',
    resendIn: 'Resend in {{seconds}} s',
    devCodeHint: 'Demo mode: the code is {{code}}',
    codeRequired: 'Enter the 6-digit SMS code',
    submit: 'Close my account',
    confirmTitle: 'Close your account?',
    confirmBody: 'This cannot be undone; every device is logged out at once.',
    confirmOk: 'Close',
    cancel: 'Not now',
    done: 'Account closed',
  },
};
