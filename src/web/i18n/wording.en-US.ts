import type { wordingZh } from './wording.zh-CN.js';

export const wordingEn: typeof wordingZh = {
  doctor: {
    prices: 'Prices',
    registrationFee: 'Registration fee',
    registrationFeeRange: '{{min}} – {{max}}',
    noSessionFee: 'No sessions yet',
    textVisit: 'Chat visit',
    videoVisit: 'Video visit',
    perVisit: '{{price}} per visit',
    rating: 'Rating',
    ratingValue: '{{stars}}',
    ratingCount: '{{count}} ratings',
    noRating: 'No ratings yet',
    completed: 'Visits completed',
    completedCount: '{{count}}',
    book: 'Book a session',
    startText: 'Chat visit {{price}}',
    startVideo: 'Video visit {{price}}',
  },
  messages: {
    today: 'Today {{time}}',
    yesterday: 'Yesterday {{time}}',
  },
  signature: {
    badge: 'Signed · verifiable',
    badgeHint: 'Signature details',
    title: 'Electronic signature',
    intro:
      'The doctor signed this record with an SM2 digital certificate. Any change to the record after signing would no longer match its digest, so the record can be checked for tampering.',
    signer: 'Signed by',
    time: 'Signed at',
    certificate: 'Certificate serial',
    hash: 'Record digest (SM3)',
    close: 'Close',
  },
  dependents: {
    self: 'Myself',
    selfUnverified: 'Not verified',
    goVerify: 'Verify',
  },
  consent: {
    title: 'User agreement and privacy policy',
    intro:
      'Welcome to Yunyi. To create your account and offer visits and bookings, please read and agree to:',
    updatedTitle: 'The user agreement and privacy policy have changed',
    updatedIntro:
      'We updated the user agreement and privacy policy (version {{version}}). Please read and agree to continue; if you decline you will be signed out.',
    agreeTerms: 'I have read and agree to the',
    and: 'and the',
    termsLink: 'User agreement',
    privacyLink: 'Privacy policy',
    agreeSensitive:
      'I separately agree that Yunyi processes my health information (history, diagnoses, prescriptions, records — sensitive personal information) only to provide my care.',
    version: 'Text version {{version}}',
    agree: 'Agree and continue',
    decline: 'Decline',
    mustTick:
      'Please tick your agreement to the user agreement, privacy policy and sensitive-data processing',
    declined: 'Not agreed: you are signed out',
  },
  legal: {
    back: 'Back',
    version: 'Version {{version}} · effective {{version}}',
    terms: {
      title: 'User agreement',
      sections: [
        {
          heading: '1. The service',
          body: 'Yunyi is an internet-hospital platform connecting patients with medical institutions: bookings, online follow-up visits, prescriptions and electronic records. Care is given by licensed institutions and their doctors; the platform does not replace emergency care. In an emergency call 120 or go to an emergency department.',
        },
        {
          heading: '2. Your account',
          body: 'You register with your phone number. Online visits and bookings need real-name verification and are made as yourself or a family member you lawfully act for, never as someone else. Keep your codes and password safe.',
        },
        {
          heading: '3. Fees',
          body: 'Registration and visit fees are shown before you order; the amount on the page applies. Cancelled within the rules, or not seen by the doctor, you are refunded to the original payment method.',
        },
        {
          heading: '4. Your part',
          body: 'Describe your condition truthfully and give true details; do not use the platform unlawfully or disturb the doctors’ work.',
        },
        {
          heading: '5. Changes',
          body: 'When this agreement changes we ask you again the next time you use the app; if you do not agree you may stop using it and close your account.',
        },
      ],
    },
    privacy: {
      title: 'Privacy policy',
      sections: [
        {
          heading: '1. What we collect',
          body: 'Your phone number (to register and sign in); your name and ID number when you verify your identity; what you tell us in visits and bookings, your photos, and the diagnoses, prescriptions and records your doctors write.',
        },
        {
          heading: '2. Sensitive personal information',
          body: 'Health information, ID numbers and information on children under 14 are sensitive personal information. We process them only as far as your care needs, with your separate consent (PIPL articles 28 and 29). A child’s information is agreed to and managed by the guardian.',
        },
        {
          heading: '3. Who sees it',
          body: 'The doctors, pharmacists and institutions treating you; health and insurance authorities as the law requires. We never sell your personal information or use it for advertising. Every view and change is logged.',
        },
        {
          heading: '4. Storage and security',
          body: 'Phone and ID numbers are stored encrypted and shown only in part. Records are kept for the periods the medical-records rules require.',
        },
        {
          heading: '5. Your rights',
          body: 'You may see, copy and correct your information, withdraw consent or close your account (withdrawal does not undo what was done before it, but services that need the information stop). Contact customer service from the “Me” page.',
        },
      ],
    },
  },
};
